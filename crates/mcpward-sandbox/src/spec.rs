//! What the parent hands the helper: absolute, existing paths and ports, nothing to interpret.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The rules the helper installs before it `exec`s the server. Serialized as JSON on the
/// helper's command line (it holds paths and ports, no secrets).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Spec {
    /// Readable and executable (system libraries, the runtime).
    pub read_exec: Vec<PathBuf>,
    /// Readable (and executable: reading a script is what running it needs).
    pub read: Vec<PathBuf>,
    /// Readable and writable (declared `fs_write`, the private home and temp directories).
    pub write: Vec<PathBuf>,
    /// Device files readable and writable (`/dev/null`, …).
    pub devices: Vec<PathBuf>,
    /// The only TCP ports `connect` may reach (the egress proxy); empty: none.
    pub connect_ports: Vec<u16>,
    /// Run in a private network namespace (in a new user namespace) that holds only loopback.
    #[serde(default)]
    pub netns: bool,
    /// With `netns` and a proxy port: the parent's UNIX socket to which the helper hands the
    /// proxy listener it creates inside the namespace (on the first of `connect_ports`).
    #[serde(default)]
    pub control: Option<PathBuf>,
}

impl Spec {
    /// The spec as the helper's argument.
    pub fn to_arg(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| format!("a sandbox path is not UTF-8: {e}"))
    }

    /// Parses the helper's argument.
    pub fn from_arg(arg: &str) -> Result<Spec, String> {
        serde_json::from_str(arg).map_err(|e| format!("invalid sandbox spec: {e}"))
    }
}
