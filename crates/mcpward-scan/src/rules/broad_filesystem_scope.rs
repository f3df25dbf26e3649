use super::{Context, normalize_path, path_values};
use crate::model::{Capability, Finding};

rule! {
    /// ## What it does
    /// Finds servers given a filesystem root that is far wider than a project: `/`, `~`, `$HOME`,
    /// a home directory (`/home/me`, `/Users/me`, `C:\Users\me`), the directory of all homes
    /// (`/home`, `/Users`), or a drive root (`C:\`), as a server argument, working directory or
    /// container mount.
    ///
    /// ## Why it matters
    /// A filesystem server scoped to the home directory exposes SSH keys, cloud credentials,
    /// browser profiles, shell history and every project's `.env` to anything that can steer the
    /// model: a poisoned web page or issue only has to ask for them.
    ///
    /// ## Example
    /// ```json
    /// { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "~"] }
    /// ```
    ///
    /// ## Fix
    /// Give the server only the project directories it needs (`/home/me/src/myapp`), and deny
    /// sensitive paths in the mcpward policy (`paths.deny`).
    ///
    /// ## References
    /// - Principle of least privilege (CWE-250, CWE-732)
    /// - MCP Security Best Practices: scope minimization
    RULE { id: "broad-filesystem-scope", severity: High, title: "A server given the whole filesystem or home directory" }
}

/// Whether a normalized path is a root far wider than a project.
pub(crate) fn is_broad(p: &str) -> bool {
    let lower = p.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    match lower.as_str() {
        "/" | "~" | "/home" | "/users" | "/root" | "c:/users" | "/var" | "/etc" | "/usr" => {
            return true;
        }
        _ => {}
    }
    // Drive roots `C:` / `C:/`.
    if lower.len() <= 3
        && lower
            .as_bytes()
            .first()
            .is_some_and(u8::is_ascii_alphabetic)
        && lower.get(1..2) == Some(":")
    {
        return true;
    }
    // A home directory: /home/NAME, /Users/NAME, C:/Users/NAME.
    matches!(parts.as_slice(), ["home" | "users", _] if lower.starts_with('/'))
        || matches!(parts.as_slice(), [drive, "users", _] if drive.ends_with(':'))
}

pub(super) fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    for server in cx.servers {
        if !(server.can(Capability::FsRead)
            || server.can(Capability::FsWrite)
            || server.can(Capability::Exec))
            && server
                .effective_launch()
                .and_then(|l| l.container.as_ref())
                .is_none()
        {
            continue;
        }
        for (value, span, place) in path_values(server) {
            // A mount `src:dst` keeps only its source here; env values must look like a path.
            if place == "environment value"
                && !(value.starts_with('/') || value.starts_with('~') || value.contains(":\\"))
            {
                continue;
            }
            let p = normalize_path(&value, cx.home);
            if is_broad(&p) {
                out.push(cx.finding(
                    &RULE,
                    server.doc,
                    span,
                    Some(server),
                    format!("server `{}`: {place} `{value}` gives it {}", server.entry.name, describe(&p)),
                    "Scope the server to the project directories it needs, and deny sensitive paths in the mcpward policy",
                ));
            }
        }
    }
}

fn describe(p: &str) -> &'static str {
    match p {
        "/" => "the whole filesystem",
        "~" => "your whole home directory",
        _ if p.len() <= 3 => "a whole drive",
        _ => "a home directory or system root",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_paths() {
        for p in [
            "/",
            "~",
            "/home/alice",
            "/Users/bob",
            "C:",
            "c:/",
            "C:/Users/eve",
            "/home",
        ] {
            assert!(is_broad(&normalize_path(p, None)), "{p}");
        }
        for p in [
            "/home/alice/src/app",
            "~/src",
            "/tmp/x",
            "./data",
            "C:/Users/eve/projects",
        ] {
            assert!(!is_broad(&normalize_path(p, None)), "{p}");
        }
        assert!(is_broad(&normalize_path("/srv/me/", Some("/srv/me"))));
        assert!(is_broad(&normalize_path("${HOME}", None)));
    }
}
