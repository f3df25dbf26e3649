use mcpward_config::Span;

use super::{Context, normalize_path};
use crate::model::{Finding, Severity};

rule! {
    /// ## What it does
    /// Finds container launches (`docker run`, `podman run`) that remove the container's isolation:
    /// `--privileged`, `--network host`, `--pid host` (and other host namespaces), `--cap-add`,
    /// `--security-opt seccomp=unconfined`, `--device`, a mount of the Docker socket, and mounts of
    /// `/` or the home directory.
    ///
    /// ## Why it matters
    /// People run MCP servers in containers to contain them. Each of these options hands the
    /// container back some or all of the host: the Docker socket or `--privileged` is root on the
    /// host, host networking reaches every local service and cloud metadata endpoint.
    ///
    /// ## Example
    /// ```json
    /// { "command": "docker", "args": ["run", "-i", "--rm", "--privileged", "-v", "/var/run/docker.sock:/var/run/docker.sock", "mcp/docker"] }
    /// ```
    ///
    /// ## Fix
    /// Drop these options; mount only the directories the server needs, read-only where possible;
    /// keep the default network (or `--network none`).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.4 (privileged), 5.9 (host network), 5.31 (Docker socket)
    /// - OWASP Docker Security Cheat Sheet
    RULE { id: "docker-privileged", severity: High, title: "A container launch that removes isolation" }
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        let Some(c) = server.effective_launch().and_then(|l| l.container.as_ref()) else {
            continue;
        };
        let mut hits: Vec<(Span, Severity, String)> = Vec::new();
        if let Some(s) = c.privileged {
            hits.push((
                s,
                Severity::Critical,
                "runs `--privileged` (root on the host)".into(),
            ));
        }
        if let Some(s) = c.network_host {
            hits.push((
                s,
                Severity::High,
                "shares the host network (reaches local services and metadata endpoints)".into(),
            ));
        }
        if let Some(s) = c.pid_host {
            hits.push((s, Severity::High, "shares the host PID namespace".into()));
        }
        for ns in &c.other_host_ns {
            hits.push((ns.span, Severity::High, format!("uses `{}`", ns.value)));
        }
        for cap in &c.cap_add {
            hits.push((
                cap.span,
                Severity::High,
                format!("adds the capability `{}`", cap.value),
            ));
        }
        for u in &c.unconfined {
            hits.push((
                u.span,
                Severity::High,
                format!("disables confinement (`{}`)", u.value),
            ));
        }
        for d in &c.devices {
            hits.push((
                d.span,
                Severity::Medium,
                format!("is given the device `{}`", d.value),
            ));
        }
        for m in &c.mounts {
            let src = normalize_path(&m.source, cx.home);
            if src.ends_with("docker.sock") {
                hits.push((
                    m.span,
                    Severity::Critical,
                    "mounts the Docker socket (root on the host)".into(),
                ));
            } else if src == "/"
                || src == "~"
                || super::broad_filesystem_scope::is_broad(&src) && !m.read_only
            {
                hits.push((
                    m.span,
                    Severity::High,
                    format!(
                        "mounts `{}` {}",
                        m.source,
                        if m.read_only {
                            "read-only"
                        } else {
                            "read-write"
                        }
                    ),
                ));
            }
        }
        for (span, severity, what) in hits {
            let mut f = cx.finding(
                &RULE,
                server.doc,
                span,
                Some(server),
                format!("server `{}`: container {what}", server.entry.name),
                "Remove this option; mount only the directories the server needs, read-only where possible",
            );
            f.severity = severity;
            out.push(f);
        }
    }
}
