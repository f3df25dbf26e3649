use mcpward_config::launch::{PackageSource, VersionReq};

use super::Context;
use crate::model::{Finding, Severity};

rule! {
    /// ## What it does
    /// Finds servers launched from a registry without an exact version: `npx -y pkg`,
    /// `npx pkg@latest`, `uvx pkg`, `pkg>=1`, a git URL or tarball, a container image with no tag or
    /// `:latest` (medium), and images pinned by a movable tag rather than a digest (low).
    ///
    /// ## Why it matters
    /// An unpinned launch runs whatever the registry serves at that moment, with your authority and
    /// credentials, every time the client starts. One compromised maintainer account or a malicious
    /// release reaches every machine at once, and install scripts run before any tool is called.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/me/src"] }
    /// ```
    ///
    /// ## Fix
    /// Pin the exact version you reviewed (`@modelcontextprotocol/server-filesystem@2025.8.21`,
    /// `mcp-server-fetch==2025.4.7`), or an image digest (`image@sha256:…`). Update deliberately.
    ///
    /// ## References
    /// - OWASP Top 10 for LLM Applications: LLM03 Supply Chain
    /// - SLSA: pin dependencies
    RULE { id: "unpinned-package", severity: Medium, title: "A server package launched without an exact version" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let Some(launch) = server.effective_launch() else {
            continue;
        };
        for p in launch.package.iter().chain(launch.extra_packages.iter()) {
            let (severity, why) = match (&p.version, p.source) {
                // `python -m module` runs what is installed: nothing is fetched at launch.
                (VersionReq::Installed, _) => continue,
                (
                    VersionReq::Exact(_) | VersionReq::Digest(_),
                    PackageSource::Npm | PackageSource::Pypi,
                ) => continue,
                (VersionReq::Digest(_), PackageSource::Docker) => continue,
                (VersionReq::Exact(tag), PackageSource::Docker) => (
                    Severity::Low,
                    format!("is pinned by the tag `{tag}`, which can be moved; pin the digest"),
                ),
                (VersionReq::None, PackageSource::Docker) => {
                    (Severity::Medium, "has no tag: it runs `latest`".to_string())
                }
                (VersionReq::None, _) => (
                    Severity::Medium,
                    "has no version: it runs whatever is newest".to_string(),
                ),
                (VersionReq::Tag(t), _) => {
                    (Severity::Medium, format!("follows the moving tag `{t}`"))
                }
                (VersionReq::Range(r), _) => (Severity::Medium, format!("accepts the range `{r}`")),
                (VersionReq::External(_), _) => (
                    Severity::Medium,
                    "is fetched from a URL or path outside the registry, unpinned".to_string(),
                ),
            };
            let mut f = cx.finding(
                &RULE,
                server.doc,
                p.spec.span,
                Some(server),
                format!("server `{}`: package `{}` {why}", server.entry.name, p.name),
                match p.source {
                    PackageSource::Docker => "Pin the image by digest: image@sha256:<digest>",
                    PackageSource::Npm => "Pin an exact version: name@1.2.3",
                    PackageSource::Pypi => "Pin an exact version: name==1.2.3",
                },
            );
            f.severity = severity;
            out.push(f);
        }
    }
}
