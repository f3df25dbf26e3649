use super::{Context, normalize_path, path_values};
use crate::model::Finding;

rule! {
    /// ## What it does
    /// Finds servers handed a path that holds credentials or private data: `~/.ssh`, `~/.aws`,
    /// `~/.gnupg`, `~/.kube`, `~/.docker/config.json`, `~/.config/gcloud`, `~/.azure`, `.env`
    /// files, `.netrc`, `.npmrc`, `.pypirc`, `.git-credentials`, the macOS keychain, password
    /// stores, browser profiles (Chrome, Firefox, Edge, Brave, Safari), `/etc/shadow`, and the
    /// Docker socket — as an argument, working directory, environment value or container mount.
    ///
    /// ## Why it matters
    /// These paths are what an attacker who steers the model through prompt injection wants. A
    /// server that can read them can hand them to the model, and the model to any outbound tool.
    /// The Docker socket is root on the host.
    ///
    /// ## Example
    /// ```json
    /// { "command": "docker", "args": ["run", "-i", "-v", "/home/me/.aws:/root/.aws", "mcp/aws"] }
    /// ```
    ///
    /// ## Fix
    /// Do not expose these paths. Pass the one credential a server needs through an environment
    /// reference, and deny these paths in the mcpward policy (`paths.deny`).
    ///
    /// ## References
    /// - MITRE ATT&CK T1552: Unsecured Credentials
    /// - MITRE ATT&CK T1555.003: Credentials from Web Browsers
    RULE { id: "sensitive-path-exposed", severity: High, title: "A server given a path that holds credentials or private data" }
}

/// Path fragments (lowercase, `/`-separated) that mark sensitive locations, with a name.
const SENSITIVE: &[(&str, &str)] = &[
    ("/.ssh", "SSH keys"),
    ("/.aws", "AWS credentials"),
    ("/.gnupg", "GnuPG keys"),
    ("/.kube", "Kubernetes credentials"),
    ("/.docker/config.json", "Docker registry credentials"),
    ("/.config/gcloud", "Google Cloud credentials"),
    ("/.azure", "Azure credentials"),
    ("/.netrc", "netrc credentials"),
    ("/.npmrc", "npm credentials"),
    ("/.pypirc", "PyPI credentials"),
    ("/.git-credentials", "git credentials"),
    ("/.password-store", "a password store"),
    ("/library/keychains", "the macOS keychain"),
    ("/.local/share/keyrings", "the GNOME keyring"),
    ("/.mozilla/firefox", "a Firefox profile"),
    ("/.config/google-chrome", "a Chrome profile"),
    ("/.config/chromium", "a Chromium profile"),
    ("/.config/bravesoftware", "a Brave profile"),
    ("/.config/microsoft-edge", "an Edge profile"),
    (
        "/library/application support/google/chrome",
        "a Chrome profile",
    ),
    ("/library/application support/firefox", "a Firefox profile"),
    ("/library/safari", "Safari data"),
    ("/appdata/local/google/chrome/user data", "a Chrome profile"),
    ("/appdata/roaming/mozilla/firefox", "a Firefox profile"),
    ("/appdata/local/microsoft/edge/user data", "an Edge profile"),
    (
        "/var/run/docker.sock",
        "the Docker socket (root on the host)",
    ),
    ("/run/docker.sock", "the Docker socket (root on the host)"),
    ("/etc/shadow", "system password hashes"),
    ("/.bash_history", "shell history"),
    ("/.zsh_history", "shell history"),
    ("/.config/gh", "GitHub CLI credentials"),
    ("/.terraform.d", "Terraform credentials"),
    ("/.vault-token", "a Vault token"),
];

/// The sensitive location a path names, if any.
fn sensitive(p: &str) -> Option<&'static str> {
    let lower = format!("/{}", p.to_ascii_lowercase().trim_start_matches('~'));
    let lower = lower.replace("//", "/");
    for (frag, what) in SENSITIVE {
        if let Some(i) = lower.find(frag) {
            let after = lower.as_bytes().get(i + frag.len());
            if matches!(after, None | Some(b'/')) {
                return Some(what);
            }
        }
    }
    let file = lower.rsplit('/').next().unwrap_or("");
    if file == ".env"
        || file.starts_with(".env.") && !file.ends_with(".example") && !file.ends_with(".sample")
    {
        return Some("an .env file");
    }
    if file.starts_with("id_rsa")
        || file.starts_with("id_ed25519")
        || file.starts_with("id_ecdsa")
        || file.ends_with(".pem") && file.contains("key")
    {
        return Some("a private key");
    }
    None
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        for (value, span, place) in path_values(server) {
            let p = normalize_path(&value, cx.home);
            if let Some(what) = sensitive(&p) {
                out.push(cx.finding(
                    &RULE,
                    server.doc,
                    span,
                    Some(server),
                    format!("server `{}`: {place} `{value}` exposes {what}", server.entry.name),
                    "Remove this path from the server's reach; pass single credentials by environment reference and deny these paths in the mcpward policy",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sensitive;

    #[test]
    fn sensitive_paths() {
        assert!(sensitive("~/.ssh").is_some());
        assert!(sensitive("/home/a/.aws/credentials").is_some());
        assert!(sensitive("/var/run/docker.sock").is_some());
        assert!(sensitive("C:/Users/a/AppData/Local/Google/Chrome/User Data").is_some());
        assert!(sensitive("/srv/app/.env").is_some());
        assert!(sensitive("/srv/app/.env.example").is_none());
        assert!(sensitive("/home/a/.sshd_notes").is_none());
        assert!(sensitive("/home/a/src").is_none());
    }
}
