//! Session taint: what the session has seen, and which calls could carry it out.
//!
//! [`Taint`] records two facts (DESIGN §1): private data reached the model (a credential in an
//! output, a read of a sensitive path such as `~/.ssh/id_rsa`) and untrusted content reached it
//! (output that looked like prompt injection, or the output of a tool that declares
//! `openWorldHint: true`). Once both were seen, a call to an exfiltration-capable tool
//! ([`exfil_capable`]) is asked rather than allowed, and a credential seen in an output may not
//! leave in a later call's arguments ([`Taint::carries_seen_secret`]): the session keeps
//! fingerprints of such credentials, never the credentials.

use std::collections::HashSet;

use serde_json::Value;

use crate::gate::SessionFacts;
use crate::screening::{Fingerprint, fingerprint};

/// What one session has seen.
#[derive(Debug, Default)]
pub struct Taint {
    /// The two facts.
    pub facts: SessionFacts,
    secrets: HashSet<Fingerprint>,
}

impl Taint {
    /// Private data reached the model.
    pub fn saw_private(&mut self) {
        self.facts.private_seen = true;
    }

    /// Untrusted content reached the model.
    pub fn saw_untrusted(&mut self) {
        self.facts.untrusted_seen = true;
    }

    /// Remembers the fingerprints of credentials found in an output.
    pub fn saw_secrets(&mut self, fingerprints: &[Fingerprint]) {
        if !fingerprints.is_empty() {
            self.facts.private_seen = true;
        }
        // Bounded: a server that floods credentials cannot grow the session without limit.
        for fp in fingerprints {
            if self.secrets.len() >= 4096 {
                break;
            }
            self.secrets.insert(*fp);
        }
    }

    /// The kind of the first credential in `arguments` that an earlier output carried.
    pub fn carries_seen_secret(&self, arguments: &Value) -> Option<&'static str> {
        if self.secrets.is_empty() {
            return None;
        }
        let mut stack = vec![arguments];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => {
                    for m in mcpward_guard::find_secrets(s) {
                        if let Some(secret) = s.get(m.start..m.end)
                            && self.secrets.contains(&fingerprint(secret))
                        {
                            return Some(m.kind);
                        }
                    }
                }
                Value::Array(items) => stack.extend(items),
                Value::Object(map) => stack.extend(map.values()),
                _ => {}
            }
        }
        None
    }
}

/// Words in a tool's name that mean it can send data somewhere.
const EXFIL_WORDS: &[&str] = &[
    "send", "post", "upload", "create", "fetch", "publish", "push", "email", "mail", "http",
    "request", "webhook", "comment", "message", "share", "submit", "tweet", "notify", "curl",
    "download", "browse", "navigate", "put", "write", "reply", "invite", "forward", "sms",
];

/// Whether a call to a tool named `name` with `annotations` can carry data out: it declares
/// `openWorldHint: true`, or its name holds a word such as `send`, `post`, `upload`, `create`,
/// `fetch` (split on `_`, `-`, `.`, `/`, spaces and lower-to-upper case changes).
pub fn exfil_capable(name: &str, annotations: Option<&Value>) -> bool {
    if open_world(annotations) {
        return true;
    }
    words(name).any(|w| EXFIL_WORDS.iter().any(|e| w.eq_ignore_ascii_case(e)))
}

/// The tool declares `openWorldHint: true` (an absent hint is not taken as true: a server's
/// claims about itself are untrusted, and assuming the worst of every tool would ask for every
/// call once a session is tainted).
pub fn open_world(annotations: Option<&Value>) -> bool {
    annotations
        .and_then(|a| a.get("openWorldHint"))
        .and_then(Value::as_bool)
        == Some(true)
}

fn words(name: &str) -> impl Iterator<Item = &str> {
    let mut cuts = Vec::new();
    let bytes = name.as_bytes();
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase() {
            cuts.push(i);
        }
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts {
        pieces.push(&name[start..cut]);
        start = cut;
    }
    pieces.push(&name[start..]);
    pieces
        .into_iter()
        .flat_map(|p| p.split(['_', '-', '.', '/', ' ', ':']))
        .filter(|w| !w.is_empty())
}

/// Path fragments that mark private data (keys, credentials, environment files).
const SENSITIVE: &[&str] = &[
    "/.ssh/",
    "/.aws/",
    "/.gnupg/",
    "/.kube/",
    "/.docker/config.json",
    "/.config/gcloud/",
    "/.azure/",
    "/.netrc",
    "/.npmrc",
    "/.pypirc",
    "/.pgpass",
    "/.git-credentials",
    "/.env",
    "/id_rsa",
    "/id_ed25519",
    "/id_ecdsa",
    "/id_dsa",
    "/credentials",
    "/etc/shadow",
    "/.password-store/",
    "/secrets/",
    "/.vault-token",
];

/// Suffixes that mark key material.
const SENSITIVE_SUFFIX: &[&str] = &[".pem", ".key", ".p12", ".pfx", ".kdbx", ".keystore", ".jks"];

/// Whether `path` (a path or a `file://` URI) names something private.
pub fn sensitive_path(path: &str) -> bool {
    let p = path.strip_prefix("file://").unwrap_or(path);
    if p.len() > 4096 {
        return false;
    }
    let lower = format!("/{}", p.to_ascii_lowercase().replace('\\', "/"));
    SENSITIVE.iter().any(|s| lower.contains(s))
        || SENSITIVE_SUFFIX.iter().any(|s| lower.ends_with(s))
}

/// Whether any string of `arguments` under a path-like key (or any string that looks like an
/// absolute or home path) names something private.
pub fn reads_sensitive_path(arguments: &Value) -> bool {
    let mut stack = vec![arguments];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if looks_like_path(s) && sensitive_path(s) => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    false
}

/// A string shaped like a path: absolute, home-relative, dotted, a `file:` URI, or relative
/// with a directory and no spaces.
fn looks_like_path(s: &str) -> bool {
    s.starts_with(['/', '~', '.'])
        || s.starts_with("file:")
        || (s.contains('/') && !s.contains(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn exfil_capable_tools_by_name_and_hint() {
        for name in [
            "send_email",
            "createIssue",
            "http-post",
            "fetch",
            "slack.postMessage",
            "upload_file",
        ] {
            assert!(exfil_capable(name, None), "{name}");
        }
        for name in [
            "read_file",
            "list_directory",
            "get_env",
            "search_files",
            "echo",
            "sender_stats_get",
        ] {
            assert!(!exfil_capable(name, None), "{name}");
        }
        assert!(exfil_capable(
            "lookup",
            Some(&json!({"openWorldHint": true}))
        ));
        assert!(!exfil_capable(
            "lookup",
            Some(&json!({"openWorldHint": false}))
        ));
    }

    #[test]
    fn sensitive_paths() {
        for p in [
            "/home/a/.ssh/id_rsa",
            "~/.aws/credentials",
            "file:///srv/app/.env",
            "./.env.local",
            "/x/server.pem",
        ] {
            assert!(reads_sensitive_path(&json!({"path": p})), "{p}");
        }
        for p in ["/home/a/src/main.rs", "README.md", "/tmp/environment.txt"] {
            assert!(!reads_sensitive_path(&json!({"path": p})), "{p}");
        }
    }

    #[test]
    fn a_seen_secret_is_recognised_in_arguments() {
        let token = "ghp_R7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u";
        let mut t = Taint::default();
        assert_eq!(t.carries_seen_secret(&json!({"a": token})), None);
        t.saw_secrets(&[fingerprint(token)]);
        assert!(t.facts.private_seen && !t.facts.tainted());
        assert!(
            t.carries_seen_secret(&json!({"body": [format!("x {token} y")]}))
                .is_some()
        );
        assert_eq!(
            t.carries_seen_secret(&json!({"a": "ghp_A7kX2mQ9vL4pT8wN3bZ6cY1dF5gH0jS2aE7u"})),
            None
        );
    }
}
