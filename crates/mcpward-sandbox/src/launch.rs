//! The parent's side: from a `[servers.NAME.sandbox]` section to the command that starts the
//! server inside the sandbox.
//!
//! What the server may read, besides its `fs_read` entries:
//!
//! - the system: `/usr`, `/bin`, `/sbin`, `/lib*` (read and execute); a short list of `/etc`
//!   files that programs need to start, resolve names and verify TLS (`ld.so.cache`, `hosts`,
//!   `resolv.conf`, `nsswitch.conf`, `passwd`, `group`, `localtime`, `ssl/`, `ca-certificates/`,
//!   …) — never all of `/etc`;
//! - its runtime: the resolved program and, when it lives outside the system directories, its
//!   installation prefix (`~/.pyenv/versions/3.11.7` for `…/3.11.7/bin/python3`);
//! - each argument that names an existing file (the script it runs), that file only;
//! - `/proc/self` (its own process only: other processes' `environ` stay closed), CPU and
//!   cgroup facts under `/sys` that runtimes size themselves by;
//! - `/dev/null`, `/dev/zero`, `/dev/full`, `/dev/random`, `/dev/urandom` (read and write).
//!
//! What it may write: its `fs_write` entries and a private directory
//! `STATE/sandbox/SERVER/{home,tmp}`, which become its `HOME` and `TMPDIR`. The rest of the
//! real home directory is invisible.
//!
//! Its environment: the `env` entries that are set, plus `PATH`, `LANG`, `LC_ALL`, `LC_CTYPE`,
//! `TZ` and `TERM` when set; `HOME` and `TMPDIR` point at the private directories; with `net`
//! entries, `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` (and lower-case) name the egress proxy,
//! `NO_PROXY` is empty so that nothing bypasses it, and `NODE_USE_ENV_PROXY=1` asks Node's
//! `fetch` to use it.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use mcpward_policy::{EntryPlace, Sandbox};
use serde_json::json;

use crate::spec::Spec;

/// Read and execute: the system's programs and libraries.
const SYSTEM_DIRS: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
];
/// Read only: what programs need from `/etc` to start, resolve names and verify TLS.
const ETC_FILES: &[&str] = &[
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hosts",
    "/etc/host.conf",
    "/etc/resolv.conf",
    "/etc/nsswitch.conf",
    "/etc/gai.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/pki",
    "/etc/crypto-policies",
    "/etc/alternatives",
    "/etc/mime.types",
    "/etc/os-release",
    "/etc/locale.alias",
];
/// Read only: facts runtimes size themselves by.
const SYS_FILES: &[&str] = &["/sys/devices/system/cpu", "/sys/fs/cgroup", "/proc/self"];
/// Read and write.
const DEVICES: &[&str] = &[
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];
/// Passed through when set, besides the section's `env`.
const RUNTIME_ENV: &[&str] = &["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM"];

/// What the kernel can enforce.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Support {
    /// Why the sandbox cannot be enforced here, or `None` when it can.
    pub missing: Option<String>,
}

/// Whether this kernel has what the sandbox needs: Landlock with TCP rules (ABI 4, Linux 6.7)
/// and seccomp. Cheap: creates and drops one Landlock ruleset.
pub fn probe() -> Support {
    Support {
        missing: crate::helper::probe().err(),
    }
}

/// Why a sandbox cannot be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A declared path does not exist.
    #[error("{place}: \"{written}\" ({}) does not exist", path.display())]
    PathMissing {
        /// Where the entry is written.
        place: EntryPlace,
        /// The entry as written.
        written: String,
        /// The path it names.
        path: PathBuf,
    },
    /// A `~/` path with no home directory to expand it against.
    #[error("{place}: \"{written}\" starts with `~` but HOME is not set")]
    NoHome {
        /// Where the entry is written.
        place: EntryPlace,
        /// The entry as written.
        written: String,
    },
    /// The program is not found on `PATH`.
    #[error("cannot find `{0}` on PATH")]
    ProgramNotFound(String),
    /// The private directories could not be created.
    #[error("cannot create the sandbox directory {}: {source}", path.display())]
    Io {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The spec cannot be written.
    #[error("{0}")]
    Spec(String),
}

/// What `run` needs to start a sandboxed server.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Plan<'a> {
    /// The server's name (names its private directory).
    pub server: &'a str,
    /// Its sandbox section.
    pub sandbox: &'a Sandbox,
    /// The server's program, as configured.
    pub program: &'a OsStr,
    /// Its arguments.
    pub args: &'a [OsString],
    /// The `mcpward` executable that runs the helper.
    pub helper: &'a Path,
    /// mcpward's state directory; the private directories go under `sandbox/SERVER/`.
    pub state_dir: &'a Path,
    /// The egress proxy's loopback port, when the section has `net` entries.
    pub proxy_port: Option<u16>,
    /// The real home directory, for `~/` entries.
    pub home: Option<&'a Path>,
    /// The environment the server would have had (mcpward's own).
    pub env: &'a [(OsString, OsString)],
    /// Run the server in a private network namespace (see [`crate::netns`]).
    pub netns: bool,
    /// With `netns` and a proxy: the control socket the helper hands the listener to.
    pub control: Option<&'a Path>,
}

impl<'a> Plan<'a> {
    /// A plan with no proxy, the process's own `HOME` and environment.
    pub fn new(
        server: &'a str,
        sandbox: &'a Sandbox,
        program: &'a OsStr,
        args: &'a [OsString],
        helper: &'a Path,
        state_dir: &'a Path,
        env: &'a [(OsString, OsString)],
    ) -> Plan<'a> {
        Plan {
            server,
            sandbox,
            program,
            args,
            helper,
            state_dir,
            proxy_port: None,
            home: None,
            env,
            netns: false,
            control: None,
        }
    }
}

/// A prepared start: the helper command, its spec and environment, and what to record.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Launch {
    /// The helper (`mcpward`).
    pub program: OsString,
    /// `__sandbox-exec SPEC -- PROGRAM ARGS…`.
    pub args: Vec<OsString>,
    /// The whole environment of the server.
    pub env: Vec<(OsString, OsString)>,
    /// The rules, as handed to the helper.
    pub spec: Spec,
    /// The audit record's detail: what is enforced and what is not.
    pub detail: serde_json::Value,
}

impl Launch {
    /// The command that starts the server in its sandbox (stdio left to the caller).
    pub fn command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(&self.program);
        command
            .args(&self.args)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }
}

/// A declared path made absolute: `~` and `~/…` against `home`.
fn expand(written: &str, home: Option<&Path>, place: &EntryPlace) -> Result<PathBuf, SandboxError> {
    let rest = if written == "~" {
        Some("")
    } else {
        written.strip_prefix("~/")
    };
    match rest {
        None => Ok(PathBuf::from(written)),
        Some(rest) => match home {
            Some(home) => Ok(home.join(rest)),
            None => Err(SandboxError::NoHome {
                place: place.clone(),
                written: written.to_owned(),
            }),
        },
    }
}

fn declared(
    written: &[String],
    places: &[EntryPlace],
    home: Option<&Path>,
) -> Result<Vec<PathBuf>, SandboxError> {
    let mut out = Vec::new();
    for (i, w) in written.iter().enumerate() {
        let place = places.get(i).cloned().unwrap_or_default();
        let path = expand(w, home, &place)?;
        match std::fs::canonicalize(&path) {
            Ok(real) => out.push(real),
            Err(_) => {
                return Err(SandboxError::PathMissing {
                    place,
                    written: w.clone(),
                    path,
                });
            }
        }
    }
    Ok(out)
}

/// The program as `exec` would find it, resolved through symlinks.
fn resolve_program(program: &OsStr, path_var: Option<&OsStr>) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return std::fs::canonicalize(p).ok();
    }
    std::env::split_paths(path_var?)
        .map(|dir| dir.join(p))
        .find(|c| c.is_file())
        .and_then(|c| std::fs::canonicalize(c).ok())
}

fn under_system(path: &Path) -> bool {
    SYSTEM_DIRS.iter().any(|d| path.starts_with(d))
}

/// The directory a runtime is installed under: `PREFIX` for `PREFIX/bin/prog`, else the
/// program's own directory.
fn runtime_prefix(program: &Path) -> Option<PathBuf> {
    let dir = program.parent()?;
    if dir.file_name() == Some(OsStr::new("bin")) {
        dir.parent().map(Path::to_path_buf)
    } else {
        Some(dir.to_path_buf())
    }
}

/// Server names are user text: keep a safe file-name form.
fn dir_name(server: &str) -> String {
    let name: String = server
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

fn existing(paths: &[&str]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .collect()
}

/// Checks the section against the file system and builds the helper command.
pub fn prepare(plan: &Plan<'_>) -> Result<Launch, SandboxError> {
    let sb = plan.sandbox;
    let env_get = |name: &str| -> Option<&OsString> {
        plan.env.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    };
    let home = plan
        .home
        .map(Path::to_path_buf)
        .or_else(|| env_get("HOME").map(PathBuf::from));
    let fs_read = declared(&sb.fs_read, &sb.fs_read_at, home.as_deref())?;
    let fs_write = declared(&sb.fs_write, &sb.fs_write_at, home.as_deref())?;

    let program = resolve_program(plan.program, env_get("PATH").map(OsString::as_os_str))
        .ok_or_else(|| {
            SandboxError::ProgramNotFound(plan.program.to_string_lossy().into_owned())
        })?;

    let root = plan.state_dir.join("sandbox").join(dir_name(plan.server));
    let private_home = root.join("home");
    let private_tmp = root.join("tmp");
    for dir in [&private_home, &private_tmp] {
        std::fs::create_dir_all(dir).map_err(|source| SandboxError::Io {
            path: dir.clone(),
            source,
        })?;
    }

    let mut read_exec = existing(SYSTEM_DIRS);
    if !under_system(&program)
        && let Some(prefix) = runtime_prefix(&program)
    {
        read_exec.push(prefix);
    }
    let mut read = existing(ETC_FILES);
    read.extend(existing(SYS_FILES));
    read.extend(fs_read.iter().cloned());
    for arg in plan.args {
        let p = Path::new(arg);
        if p.is_absolute()
            && p.is_file()
            && let Ok(real) = std::fs::canonicalize(p)
        {
            read.push(real);
        }
    }
    let mut write = fs_write.clone();
    write.push(private_home.clone());
    write.push(private_tmp.clone());
    let spec = Spec {
        read_exec,
        read,
        write,
        devices: existing(DEVICES),
        connect_ports: plan.proxy_port.into_iter().collect(),
        netns: plan.netns,
        control: plan.control.map(Path::to_path_buf),
    };

    let mut env: Vec<(OsString, OsString)> = Vec::new();
    for name in RUNTIME_ENV
        .iter()
        .copied()
        .chain(sb.env.iter().map(String::as_str))
    {
        if let Some(v) = env_get(name)
            && !env.iter().any(|(k, _)| k == name)
        {
            env.push((name.into(), v.clone()));
        }
    }
    env.push(("HOME".into(), private_home.clone().into()));
    env.push(("TMPDIR".into(), private_tmp.clone().into()));
    if let Some(port) = plan.proxy_port {
        let proxy = OsString::from(format!("http://127.0.0.1:{port}"));
        for name in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            env.push((name.into(), proxy.clone()));
        }
        env.push(("NO_PROXY".into(), OsString::new()));
        env.push(("no_proxy".into(), OsString::new()));
        env.push(("NODE_USE_ENV_PROXY".into(), "1".into()));
    }

    let mut args: Vec<OsString> = vec![
        crate::HELPER_SUBCOMMAND.into(),
        spec.to_arg().map_err(SandboxError::Spec)?.into(),
        "--".into(),
        program.clone().into_os_string(),
    ];
    args.extend(plan.args.iter().cloned());

    let env_names: Vec<String> = env
        .iter()
        .map(|(k, _)| k.to_string_lossy().into_owned())
        .collect();
    let detail = json!({
        "enforced": true,
        "filesystem": "landlock",
        "network": match (plan.netns, plan.proxy_port.is_some()) {
            (true, true) => "netns: a private network namespace with only loopback, where the egress proxy listens; landlock-tcp: connect only to the proxy port; seccomp: no UDP, raw or other socket families",
            (true, false) => "netns: a private network namespace with only loopback; landlock-tcp: no TCP connect; seccomp: no UDP, raw or other socket families",
            (false, true) => "landlock-tcp: connect only to the egress proxy's port; seccomp: no UDP, raw or other socket families (no private network namespace: user namespaces unavailable)",
            (false, false) => "landlock-tcp: no TCP connect; seccomp: no UDP, raw or other socket families (no private network namespace: user namespaces unavailable)",
        },
        "residual_risk": if plan.netns {
            "named UNIX sockets the server can reach by path are reachable"
        } else {
            "the proxy's port number is reachable on every address, not only the proxy's; named UNIX sockets the server can reach by path are reachable"
        },
        "program": program.to_string_lossy(),
        "fs_read": fs_read.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
        "fs_write": fs_write.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
        "private_dir": root.to_string_lossy(),
        "net": sb.net.iter().map(|t| format!("{}:{}", t.host, t.port)).collect::<Vec<_>>(),
        "proxy_port": plan.proxy_port,
        "env": env_names,
    });
    Ok(Launch {
        program: plan.helper.as_os_str().to_owned(),
        args,
        env,
        spec,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_names() {
        assert_eq!(
            runtime_prefix(Path::new("/opt/py/3.11/bin/python3")),
            Some(PathBuf::from("/opt/py/3.11"))
        );
        assert_eq!(
            runtime_prefix(Path::new("/opt/tool/tool")),
            Some(PathBuf::from("/opt/tool"))
        );
        assert_eq!(dir_name("a/b"), "a_b");
        assert_eq!(dir_name(".."), "_..");
        assert_eq!(dir_name(""), "_");
    }

    #[test]
    fn home_expands() {
        let place = EntryPlace::default();
        assert_eq!(
            expand("~/x", Some(Path::new("/h")), &place).ok(),
            Some(PathBuf::from("/h/x"))
        );
        assert!(expand("~/x", None, &place).is_err());
        assert_eq!(
            expand("/abs", None, &place).ok(),
            Some(PathBuf::from("/abs"))
        );
    }
}
