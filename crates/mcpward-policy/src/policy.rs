//! Stage two: the compiled policy. Every glob, pattern and CEL expression in it compiled at
//! load; nothing here can hold an invalid state.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::glob::Glob;
use crate::model::{Defaults, Sandbox, Verdict};
use crate::paths::{FsResolver, NormPath, PathPattern, PathResolver};
use crate::urls::UrlPattern;

/// A validated, compiled policy. `Send + Sync`: share one behind an `Arc`.
///
/// Build it with [`load`](crate::load) or [`parse`](crate::parse); decide with
/// [`Policy::decide`]. [`Policy::default`] is the empty policy: every call denied.
pub struct Policy {
    pub(crate) source: PathBuf,
    pub(crate) defaults: Defaults,
    pub(crate) servers: BTreeMap<String, Section>,
    /// `[servers."*"]`, merged under every server.
    pub(crate) wildcard: Option<Section>,
    pub(crate) env: Arc<cel::Env>,
    pub(crate) resolver: Arc<dyn PathResolver>,
    /// The home directory's components, from the resolver.
    pub(crate) home: Option<Vec<String>>,
}

/// One `[servers.NAME]` table.
pub(crate) struct Section {
    /// `servers.github`, `servers."*"`: the start of every rule name from this table.
    pub(crate) prefix: String,
    pub(crate) allow: Vec<ToolGlob>,
    pub(crate) ask: Vec<ToolGlob>,
    pub(crate) deny: Vec<ToolGlob>,
    /// Tools whose output is private data (session taint).
    pub(crate) private: Vec<ToolGlob>,
    /// Tools whose output is untrusted content (session taint).
    pub(crate) untrusted: Vec<ToolGlob>,
    pub(crate) paths_allow: Vec<PathPattern>,
    pub(crate) paths_deny: Vec<PathPattern>,
    pub(crate) urls_allow: Vec<UrlPattern>,
    pub(crate) urls_deny: Vec<UrlPattern>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) sandbox: Option<Sandbox>,
    pub(crate) sampling: Option<Verdict>,
    pub(crate) elicitation: Option<Verdict>,
    pub(crate) roots: Option<Verdict>,
}

impl Section {
    pub(crate) fn has_path_rules(&self) -> bool {
        !self.paths_allow.is_empty() || !self.paths_deny.is_empty()
    }
}

/// One entry of an `allow`/`ask`/`deny` list.
pub(crate) struct ToolGlob {
    pub(crate) glob: Glob,
    pub(crate) text: String,
    /// `servers.github.deny[0] "delete_*"`.
    pub(crate) name: String,
}

/// One `[[servers.NAME.rules]]` entry.
pub(crate) struct Rule {
    pub(crate) tool: Glob,
    pub(crate) tool_text: String,
    /// `servers.postgres.rules[0]`.
    pub(crate) key: String,
    pub(crate) conditions: Vec<Condition>,
    pub(crate) reason: Option<String>,
}

/// One `deny_when`/`ask_when`/`allow_when`.
pub(crate) struct Condition {
    /// What the condition yields when it holds.
    pub(crate) verdict: Verdict,
    /// `servers.postgres.rules[0].deny_when`.
    pub(crate) name: String,
    pub(crate) source: String,
    pub(crate) program: cel::Program,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            source: PathBuf::from("<default>"),
            defaults: Defaults::default(),
            servers: BTreeMap::new(),
            wildcard: None,
            env: crate::cel::environment(),
            resolver: Arc::new(FsResolver),
            home: home_components(&FsResolver),
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("source", &self.source)
            .field("defaults", &self.defaults)
            .field("servers", &self.servers.keys().collect::<Vec<_>>())
            .field("wildcard", &self.wildcard.is_some())
            .finish_non_exhaustive()
    }
}

pub(crate) fn home_components(resolver: &dyn PathResolver) -> Option<Vec<String>> {
    let home = resolver.home()?;
    NormPath::from_real(&home).map(|p| p.comps)
}

impl Policy {
    /// Replaces the filesystem view used for `~` and symlinks (tests use a fake one).
    #[must_use]
    pub fn with_resolver(mut self, resolver: impl PathResolver + 'static) -> Policy {
        self.home = home_components(&resolver);
        self.resolver = Arc::new(resolver);
        self
    }

    /// The file this policy was read from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The `[defaults]` table with every value filled in.
    pub fn defaults(&self) -> &Defaults {
        &self.defaults
    }

    /// The servers named in the file (`"*"` excluded), in order.
    pub fn servers(&self) -> impl Iterator<Item = &str> {
        self.servers.keys().map(String::as_str)
    }

    /// Whether the file has a `[servers."*"]` table.
    pub fn has_wildcard_server(&self) -> bool {
        self.wildcard.is_some()
    }

    /// The sandbox for `server`: its own `[servers.NAME.sandbox]`, else the one of
    /// `[servers."*"]`, else `None` (no sandbox configured).
    pub fn sandbox(&self, server: &str) -> Option<&Sandbox> {
        self.servers
            .get(server)
            .and_then(|s| s.sandbox.as_ref())
            .or_else(|| self.wildcard.as_ref().and_then(|w| w.sandbox.as_ref()))
    }

    /// The tables that apply to `server`: its own, then `"*"`.
    pub(crate) fn sections(&self, server: &str) -> impl Iterator<Item = &Section> + Clone {
        self.servers.get(server).into_iter().chain(&self.wildcard)
    }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Policy>();
};

/// What one `[servers.NAME]` table lists, as written: for expressing a policy in another tool's
/// terms (`mcpward export claude-code`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ToolLists {
    /// The `allow` globs.
    pub allow: Vec<String>,
    /// The `ask` globs.
    pub ask: Vec<String>,
    /// The `deny` globs.
    pub deny: Vec<String>,
    /// The table also judges arguments (`paths`, `urls` or `rules`): its verdicts depend on
    /// more than the tool's name.
    pub judges_arguments: bool,
}

impl Policy {
    /// The lists of `[servers.NAME]` (`"*"` for the wildcard table), `None` when the file has
    /// no such table.
    pub fn tool_lists(&self, server: &str) -> Option<ToolLists> {
        let section = if server == "*" {
            self.wildcard.as_ref()
        } else {
            self.servers.get(server)
        }?;
        let texts = |globs: &[ToolGlob]| globs.iter().map(|g| g.text.clone()).collect();
        Some(ToolLists {
            allow: texts(&section.allow),
            ask: texts(&section.ask),
            deny: texts(&section.deny),
            judges_arguments: section.has_path_rules()
                || !section.urls_allow.is_empty()
                || !section.urls_deny.is_empty()
                || !section.rules.is_empty(),
        })
    }
}
