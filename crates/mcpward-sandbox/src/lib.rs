//! Sandboxed MCP servers and their SSRF-safe egress.
//!
//! - [`guard`]: the SSRF guard (allowlist, resolve once, check every address, connect to the
//!   checked address, re-check every redirect, limits). Its pure half is
//!   [`mcpward_policy::ssrf`].
//! - [`proxy`]: the HTTP proxy (`CONNECT` and absolute-form) that `mcpward run` gives a
//!   sandboxed server, every destination checked by the guard.
//! - [`launch`]: the parent's side: turns a `[servers.NAME.sandbox]` section into a [`Launch`]
//!   (the helper command, its spec, the reduced environment) after checking that every path
//!   exists and that the kernel can enforce it ([`probe`]).
//! - [`netns`] (Linux): the private network namespace: whether one can be made, and the
//!   control socket through which the helper hands over the proxy listener it binds inside.
//! - [`helper`] (Linux): the child's side, `mcpward __sandbox-exec SPEC -- CMD…`: enters the
//!   network namespace, sets `no_new_privs`, resource limits, Landlock filesystem and TCP rules and a seccomp filter,
//!   then `exec`s the server.
//!
//! No `unsafe`: Landlock, seccomp, `prctl`, `setrlimit`, `unshare` and descriptor passing go
//! through the `landlock`, `seccompiler`, `nix` and `rustix` crates' safe APIs.
//!
//! See `docs/sandbox.md` for what is enforced, how, and what is not.

pub mod guard;
pub mod helper;
pub mod launch;
#[cfg(unix)]
pub mod netns;
#[cfg(not(unix))]
pub mod netns {
    //! No network namespaces here: every call says so.
    use std::path::Path;

    /// Always `Err` off Unix.
    pub fn probe(_helper: &Path) -> Result<(), String> {
        Err("network namespaces are a Linux feature".to_owned())
    }

    /// Never created off Unix.
    #[derive(Debug)]
    pub struct Control(());

    impl Control {
        /// Always `Err` off Unix.
        pub fn new() -> std::io::Result<Control> {
            Err(std::io::Error::other(
                "network namespaces are a Linux feature",
            ))
        }

        /// Unreachable: no `Control` exists.
        pub fn path(&self) -> &Path {
            Path::new("")
        }

        /// Unreachable: no `Control` exists.
        pub async fn receive(
            self,
            _limit: std::time::Duration,
        ) -> std::io::Result<std::net::TcpListener> {
            Err(std::io::Error::other(
                "network namespaces are a Linux feature",
            ))
        }
    }
}
pub mod proxy;
mod spec;

pub use guard::{Fetched, Guard, Limits, Refusal, Resolver, SystemResolver};
pub use launch::{Launch, Plan, SandboxError, Support, prepare, probe};
pub use spec::Spec;

/// The hidden subcommand the helper runs under: `mcpward __sandbox-exec SPEC -- CMD…`.
pub const HELPER_SUBCOMMAND: &str = "__sandbox-exec";
