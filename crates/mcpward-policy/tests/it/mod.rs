//! Shared helpers for the integration test modules.

#![allow(clippy::unwrap_used)]

mod cel_rules;
mod design_example;
mod errors;
mod explain;
mod paths;
mod precedence;
mod props;
mod schema;
mod server_requests;
mod urls;

use std::path::{Path, PathBuf};

use mcpward_policy::{Call, Decision, PathResolver, Policy, SessionState, Verdict};
use serde_json::Value;

/// Parses `text` as `test.toml`, panicking with the error on failure.
pub(crate) fn policy(text: &str) -> Policy {
    match mcpward_policy::parse(text, Path::new("test.toml")) {
        Ok(p) => p.with_resolver(FakeFs::new()),
        Err(e) => panic!("{e}\nhint: {:?}", e.hint()),
    }
}

/// Decides a call with an empty session.
pub(crate) fn decide(p: &Policy, server: &str, tool: &str, args: &Value) -> Decision {
    let session = SessionState::default();
    p.decide(&Call {
        server,
        tool,
        arguments: args,
        agent: None,
        session: &session,
    })
}

pub(crate) fn verdict(p: &Policy, server: &str, tool: &str, args: &Value) -> Verdict {
    decide(p, server, tool, args).verdict
}

/// A filesystem made of symlinks: `canonicalize` follows `links` (prefix → target) and
/// answers for every path under `existing`.
#[derive(Default, Clone)]
pub(crate) struct FakeFs {
    pub(crate) home: Option<PathBuf>,
    pub(crate) links: Vec<(PathBuf, PathBuf)>,
    pub(crate) existing: Vec<PathBuf>,
}

impl FakeFs {
    pub(crate) fn new() -> FakeFs {
        FakeFs {
            home: Some(PathBuf::from("/home/u")),
            ..FakeFs::default()
        }
    }
}

impl PathResolver for FakeFs {
    fn canonicalize(&self, p: &Path) -> Option<PathBuf> {
        let mut cur = p.to_path_buf();
        for _ in 0..8 {
            let mut changed = false;
            for (from, to) in &self.links {
                if let Ok(rest) = cur.strip_prefix(from) {
                    cur = to.join(rest);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        self.existing
            .iter()
            .any(|e| cur.starts_with(e))
            .then_some(cur)
    }

    fn home(&self) -> Option<PathBuf> {
        self.home.clone()
    }
}
