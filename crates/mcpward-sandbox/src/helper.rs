//! The child's side: `mcpward __sandbox-exec SPEC -- PROGRAM ARGS…`.
//!
//! Runs in the process that becomes the server, in this order, and `exec`s only when every
//! step succeeded (any failure: a message on stderr and exit 125, the server never runs):
//!
//! 1. `PR_SET_NO_NEW_PRIVS`: no set-uid or file-capability gain, across every later `exec`;
//! 2. resource limits: no core dumps (`RLIMIT_CORE` 0, so a crash cannot write memory holding
//!    secrets to disk), files at most 8 GiB (`RLIMIT_FSIZE`);
//! 3. Landlock (ABI 4 required; 5 and 6 used when present): every file-system access right
//!    handled, granted only beneath the spec's paths; TCP `bind` denied and `connect` allowed
//!    only to the proxy port; with ABI 6, abstract UNIX sockets and signals scoped to the
//!    sandbox;
//! 4. seccomp: `socket()` of any family but UNIX, IPv4, IPv6 and netlink, IPv4/IPv6 sockets
//!    that are not TCP streams (UDP, raw, SCTP, MPTCP …), and `io_uring_setup` (which could
//!    create sockets without the `socket` system call) fail with `EACCES`;
//! 5. `exec` of the program, which inherits all of it, as do its children.

use std::ffi::OsString;

/// Why the helper refused to start the server.
fn fail(msg: &str) -> ! {
    eprintln!("mcpward: sandbox: {msg}; the server was not started");
    std::process::exit(125)
}

/// Entry point of the hidden subcommand; `args` are the arguments after it. Never returns.
pub fn main(args: &[OsString]) -> ! {
    let [spec, dashdash, program, rest @ ..] = args else {
        fail("usage: mcpward __sandbox-exec SPEC -- PROGRAM [ARG...]")
    };
    if dashdash != "--" {
        fail("usage: mcpward __sandbox-exec SPEC -- PROGRAM [ARG...]")
    }
    let Some(spec) = spec.to_str() else {
        fail("the spec is not UTF-8")
    };
    let spec = match crate::Spec::from_arg(spec) {
        Ok(spec) => spec,
        Err(e) => fail(&e),
    };
    #[cfg(target_os = "linux")]
    {
        if let Err(e) = linux::confine(&spec) {
            fail(&e)
        }
        use std::os::unix::process::CommandExt as _;
        let err = std::process::Command::new(program).args(rest).exec();
        fail(&format!(
            "cannot start `{}`: {err}",
            program.to_string_lossy()
        ))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (spec, program, rest);
        fail("sandboxing is implemented for Linux only")
    }
}

/// Whether the kernel can enforce a sandbox; `Err` says what is missing.
pub fn probe() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        linux::probe()
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(
            "sandboxing is implemented for Linux only (macOS: planned, see docs/sandbox.md)"
                .to_owned(),
        )
    }
}

/// Installs every restriction of `spec` on the calling process (irreversibly). Public for the
/// tests and the start-up benchmark; the helper is its only real user.
pub fn confine(spec: &crate::Spec) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        linux::confine(spec)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = spec;
        Err("sandboxing is implemented for Linux only".to_owned())
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::BTreeMap;
    use std::path::Path;

    use landlock::{
        ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath,
        PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus, Scope,
    };
    use nix::sys::resource::{Resource, setrlimit};
    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule, TargetArch,
    };

    use crate::Spec;

    /// The Landlock ABI the sandbox cannot do without: file-system rules and TCP rules.
    const REQUIRED: ABI = ABI::V4;

    fn ruleset_required() -> Result<landlock::RulesetCreated, landlock::RulesetError> {
        Ruleset::default()
            .set_compatibility(CompatLevel::HardRequirement)
            .handle_access(AccessFs::from_all(REQUIRED))?
            .handle_access(AccessNet::from_all(REQUIRED))?
            .set_compatibility(CompatLevel::BestEffort)
            .handle_access(AccessFs::from_all(ABI::V5))?
            .scope(Scope::from_all(ABI::V6))?
            .create()
    }

    pub(super) fn probe() -> Result<(), String> {
        ruleset_required().map(drop).map_err(|e| {
            format!("the kernel lacks Landlock with TCP rules (ABI 4, Linux 6.7 or later): {e}")
        })?;
        seccomp_filter().map(drop)
    }

    fn rule(path: &Path, access: BitFlags<AccessFs>) -> Result<PathBeneath<PathFd>, String> {
        let fd = PathFd::new(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let access = if path.is_dir() {
            access
        } else {
            access & AccessFs::from_file(ABI::V5)
        };
        Ok(PathBeneath::new(fd, access))
    }

    pub(super) fn confine(spec: &Spec) -> Result<(), String> {
        nix::sys::prctl::set_no_new_privs().map_err(|e| format!("no_new_privs: {e}"))?;
        setrlimit(Resource::RLIMIT_CORE, 0, 0).map_err(|e| format!("RLIMIT_CORE: {e}"))?;
        setrlimit(Resource::RLIMIT_FSIZE, 8 << 30, 8 << 30)
            .map_err(|e| format!("RLIMIT_FSIZE: {e}"))?;

        let abi = ABI::V5;
        let read = AccessFs::from_read(abi);
        let read_write = AccessFs::from_all(abi);
        let mut rules = Vec::new();
        for p in &spec.read_exec {
            rules.push(rule(p, read)?);
        }
        for p in &spec.read {
            rules.push(rule(p, read)?);
        }
        for p in &spec.write {
            rules.push(rule(p, read_write)?);
        }
        for p in &spec.devices {
            rules.push(rule(
                p,
                AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::IoctlDev,
            )?);
        }
        let landlock_err = |e: landlock::RulesetError| format!("Landlock: {e}");
        let status =
            ruleset_required()
                .map_err(landlock_err)?
                .add_rules(rules.into_iter().map(Ok::<_, landlock::RulesetError>))
                .map_err(landlock_err)?
                .add_rules(spec.connect_ports.iter().map(|&p| {
                    Ok::<_, landlock::RulesetError>(NetPort::new(p, AccessNet::ConnectTcp))
                }))
                .map_err(landlock_err)?
                .restrict_self()
                .map_err(landlock_err)?;
        if status.ruleset == RulesetStatus::NotEnforced {
            return Err("Landlock is not enforced by this kernel".to_owned());
        }

        let filter = seccomp_filter()?;
        seccompiler::apply_filter(&filter).map_err(|e| format!("seccomp: {e}"))?;
        Ok(())
    }

    fn cond(arg: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, String> {
        SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value)
            .map_err(|e| format!("seccomp: {e}"))
    }

    fn seccomp_rule(conds: Vec<SeccompCondition>) -> Result<SeccompRule, String> {
        SeccompRule::new(conds).map_err(|e| format!("seccomp: {e}"))
    }

    /// `socket()` restricted as the module says; `io_uring_setup` closed.
    fn seccomp_filter() -> Result<BpfProgram, String> {
        let af = |v: i32| u64::try_from(v).unwrap_or(u64::MAX);
        let mut socket_rules = vec![seccomp_rule(vec![
            cond(0, SeccompCmpOp::Ne, af(libc::AF_UNIX))?,
            cond(0, SeccompCmpOp::Ne, af(libc::AF_INET))?,
            cond(0, SeccompCmpOp::Ne, af(libc::AF_INET6))?,
            cond(0, SeccompCmpOp::Ne, af(libc::AF_NETLINK))?,
        ])?];
        for family in [libc::AF_INET, libc::AF_INET6] {
            // Any type but a stream (the flags SOCK_CLOEXEC/SOCK_NONBLOCK masked off)…
            socket_rules.push(seccomp_rule(vec![
                cond(0, SeccompCmpOp::Eq, af(family))?,
                cond(1, SeccompCmpOp::MaskedEq(0xf), af(libc::SOCK_DGRAM))?,
            ])?);
            socket_rules.push(seccomp_rule(vec![
                cond(0, SeccompCmpOp::Eq, af(family))?,
                cond(1, SeccompCmpOp::MaskedEq(0xf), af(libc::SOCK_RAW))?,
            ])?);
            socket_rules.push(seccomp_rule(vec![
                cond(0, SeccompCmpOp::Eq, af(family))?,
                cond(1, SeccompCmpOp::MaskedEq(0xf), af(libc::SOCK_SEQPACKET))?,
            ])?);
            socket_rules.push(seccomp_rule(vec![
                cond(0, SeccompCmpOp::Eq, af(family))?,
                cond(1, SeccompCmpOp::MaskedEq(0xf), af(libc::SOCK_RDM))?,
            ])?);
            // …and a stream of another protocol than TCP (SCTP, MPTCP).
            socket_rules.push(seccomp_rule(vec![
                cond(0, SeccompCmpOp::Eq, af(family))?,
                cond(2, SeccompCmpOp::Ne, 0)?,
                cond(2, SeccompCmpOp::Ne, af(libc::IPPROTO_TCP))?,
            ])?);
        }
        let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
        rules.insert(libc::SYS_socket, socket_rules);
        rules.insert(libc::SYS_io_uring_setup, Vec::new());
        let arch =
            TargetArch::try_from(std::env::consts::ARCH).map_err(|e| format!("seccomp: {e}"))?;
        let errno = u32::try_from(libc::EACCES).unwrap_or(1);
        SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(errno),
            arch,
        )
        .and_then(TryInto::try_into)
        .map_err(|e| format!("seccomp: {e}"))
    }
}
