//! The mcpward policy: `mcpward.toml` parsed, validated and compiled into decisions.
//!
//! Main types, in reading order:
//!
//! - [`Policy`] — the compiled policy, built by [`load`] or [`parse`]; `Send + Sync`.
//! - [`Call`] and [`SessionState`] — one `tools/call` to judge; [`Policy::decide`] returns a
//!   [`Decision`] ([`Verdict`], the rule that decided, a reason for the audit log).
//! - [`Policy::explain`] → [`Explanation`] — every rule considered, for `mcpward policy explain`.
//! - [`Policy::server_request`] — `sampling/*`, `elicitation/*`, `roots/*` sent by a server.
//! - [`check_arguments`] and [`SchemaCache`] — arguments against the tool's `inputSchema`.
//! - [`PolicyError`] — every load error names file, line, column and key, with a separate hint.
//! - [`PathResolver`] — how `~` and symlinks are resolved ([`FsResolver`] is the real one).
//!
//! # Parsing in two stages
//!
//! TOML is read into wire structs that deny unknown keys and keep every value's span
//! (`wire.rs`), then converted with `TryFrom` into [`Policy`] (`compile.rs`): globs, path and URL
//! patterns, durations and CEL expressions are compiled once, and each failure points at the
//! key that holds it.
//!
//! # Semantics beyond the design document
//!
//! - **Precedence** is deny > ask > allow > `defaults.decision`, over the `allow`/`ask`/`deny`
//!   lists, the argument constraints (which only deny) and the rules' conditions. Any error
//!   while deciding — a CEL error, a non-bool result, an argument that cannot be judged —
//!   denies, and the rule named is the one that failed.
//! - **`[servers."*"]`** is merged under every server: its lists, path and URL patterns and
//!   rules are added to the server's own (so a `"*"` deny beats a server's allow), and its
//!   `sampling`/`elicitation`/`roots` and `sandbox` apply where the server sets none. A server
//!   the file does not name gets only `"*"` and the defaults. Server names are exact; `"*"` is
//!   the only wildcard.
//! - **Taint marks**: `servers.NAME.private` and `servers.NAME.untrusted` are tool globs whose
//!   output the gateway counts as private data or untrusted content for session taint
//!   ([`Policy::tool_private`], [`Policy::tool_untrusted`]); they decide nothing themselves.
//! - **Rules** (`[[servers.NAME.rules]]`) match `tool` as a glob (default `"*"`) and need at
//!   least one of `deny_when`, `ask_when`, `allow_when`; a condition that holds yields its
//!   verdict, `reason` names it in the audit log.
//! - **Path arguments** (see `args.rs` for how they are found) are normalized — `~` expanded,
//!   `..` applied lexically, symlinks resolved through the [`PathResolver`] for the longest
//!   existing prefix — and both the lexical and the resolved form must pass: no `paths.deny`
//!   match, and, when `paths.allow` is set, inside one of its patterns. A pattern's own base
//!   directory is resolved too, so `~/src/**` keeps working when the home directory is a
//!   symlink. Patterns: `**` spans directories, `*` stays within one; a pattern not starting
//!   with `/` or `~` matches at any depth (`*.pem` = `**/*.pem`). Windows forms, `~user`, NUL
//!   and relative paths that climb out are denied. Without a working directory
//!   ([`DecideOptions::cwd`]) a relative path only meets relative patterns, and is denied where
//!   `paths.allow` is set. Path detection runs only for servers with path patterns.
//! - **URL arguments** are judged as written, without DNS, on every server: http/https only,
//!   no user information, and no private, loopback, link-local, CGNAT, ULA, multicast,
//!   documentation or metadata address in any literal encoding, nor `localhost`, `*.localhost`,
//!   metadata host names or `*.internal` — unless a `urls.allow` entry with a literal scheme and
//!   host matches (`"http://localhost:8080/**"`). `urls.deny` always wins; when `urls.allow` is
//!   set a URL must match it. A URL pattern without a port admits the scheme's default port
//!   only; without a path, the whole origin.
//! - **CEL** expressions see `args` (the arguments; `{}` when absent), `tool`, `server`,
//!   `agent` (`null` when unknown) and `session` (`tainted`, `private_seen`,
//!   `untrusted_seen`). The standard library plus the `strings`, `lists` and `math` extensions
//!   are available. A missing key is an evaluation error, so it denies: write
//!   `has(args.sql) && …` for optional arguments.
//! - **Messages**: [`Decision::reason`] is for the audit log; [`Decision::model_message`] is
//!   the neutral text for the model and names only the rule.
//!
//! Apart from [`load`] reading the file and [`FsResolver`], nothing here touches the outside
//! world.

mod args;
mod cel;
mod compile;
mod decide;
mod duration;
mod error;
mod explain;
mod glob;
mod ip;
mod model;
mod paths;
mod policy;
mod schema;
pub mod ssrf;
mod urls;
mod wire;

use std::io::Read;
use std::path::Path;

pub use compile::parse;
pub use decide::{Call, DecideOptions, Decision, SessionState};
pub use error::{Diagnostic, PolicyError};
pub use explain::{Explanation, Outcome, Step};
pub use model::{
    Defaults, EntryPlace, InjectionAction, NetTarget, PoisonedToolAction, Sandbox, SecretAction,
    SecretInArgsAction, ToolChangeAction, Verdict,
};
pub use paths::{FsResolver, PathResolver};
pub use policy::Policy;
pub use policy::ToolLists;
pub use schema::{SchemaCache, check_arguments};

/// The largest policy file [`load`] reads.
pub const MAX_POLICY_BYTES: u64 = 1 << 20;

/// Reads and compiles the policy file at `path`.
pub fn load(path: &Path) -> Result<Policy, PolicyError> {
    let read_err = |source| PolicyError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let size = file.metadata().map_err(read_err)?.len();
    if size > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            path: path.to_path_buf(),
            len: size,
            limit: MAX_POLICY_BYTES,
        });
    }
    let mut text = String::new();
    let len = file
        .take(MAX_POLICY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(read_err)?;
    if len as u64 > MAX_POLICY_BYTES {
        return Err(PolicyError::TooLarge {
            path: path.to_path_buf(),
            len: len as u64,
            limit: MAX_POLICY_BYTES,
        });
    }
    parse(&text, path)
}
