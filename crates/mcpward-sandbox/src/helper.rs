//! The child's side: `mcpward __sandbox-exec SPEC -- PROGRAM ARGS…`.
//!
//! Runs in the process that becomes the server, in this order, and `exec`s only when every
//! step succeeded (any failure: a message on stderr and exit 125, the server never runs):
//!
//! 0. with `netns` in the spec: a new user namespace (own uid/gid mapped) and network
//!    namespace, loopback up, the proxy listener bound inside and handed to the parent;
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

/// The helper's argument that only tests whether a private network namespace can be made.
pub const PROBE_NETNS: &str = "--probe-netns";

/// Entry point of the hidden subcommand; `args` are the arguments after it. Never returns.
pub fn main(args: &[OsString]) -> ! {
    if let [only] = args
        && only == PROBE_NETNS
    {
        #[cfg(target_os = "linux")]
        let result = linux::enter_netns(None, None);
        #[cfg(not(target_os = "linux"))]
        let result: Result<(), String> = Err("not Linux".to_owned());
        std::process::exit(match result {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("{e}");
                1
            }
        });
    }
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
    use std::io::IoSlice;
    use std::mem::MaybeUninit;
    use std::net::{Ipv4Addr, TcpListener};
    use std::os::fd::AsFd as _;
    use std::os::unix::net::UnixStream;
    use std::path::Path;

    use nix::sched::CloneFlags;
    use rustix::net::netlink::SocketAddrNetlink;
    use rustix::net::{
        AddressFamily, RecvFlags, SendAncillaryBuffer, SendAncillaryMessage, SendFlags, SocketType,
    };

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

    /// Moves the process into a new user namespace (mapping its own uid and gid) and a new
    /// network namespace, brings loopback up, and — given a control socket and a port — binds the
    /// proxy listener there and hands it to the parent.
    pub(super) fn enter_netns(control: Option<&Path>, port: Option<u16>) -> Result<(), String> {
        // Connected before the namespace changes (a path, reachable from any namespace).
        let stream = control
            .map(|path| {
                UnixStream::connect(path)
                    .map_err(|e| format!("cannot reach mcpward's control socket: {e}"))
            })
            .transpose()?;
        let uid = nix::unistd::getuid();
        let gid = nix::unistd::getgid();
        nix::sched::unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNET)
            .map_err(|e| format!("cannot create a private network namespace: {e}"))?;
        match std::fs::write("/proc/self/setgroups", "deny") {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("setgroups: {e}"));
            }
            _ => {}
        }
        std::fs::write("/proc/self/uid_map", format!("{uid} {uid} 1\n"))
            .map_err(|e| format!("uid_map: {e}"))?;
        std::fs::write("/proc/self/gid_map", format!("{gid} {gid} 1\n"))
            .map_err(|e| format!("gid_map: {e}"))?;
        loopback_up().map_err(|e| format!("cannot bring loopback up: {e}"))?;
        if let (Some(stream), Some(port)) = (stream, port) {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
                .map_err(|e| format!("cannot listen on 127.0.0.1:{port} in the namespace: {e}"))?;
            let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
            let mut cmsg = SendAncillaryBuffer::new(&mut space);
            let fds = [listener.as_fd()];
            if !cmsg.push(SendAncillaryMessage::ScmRights(&fds)) {
                return Err("cannot attach the listener".to_owned());
            }
            rustix::net::sendmsg(
                &stream,
                &[IoSlice::new(b"L")],
                &mut cmsg,
                SendFlags::empty(),
            )
            .map_err(|e| format!("cannot hand the listener to mcpward: {e}"))?;
        }
        Ok(())
    }

    /// `ip link set lo up`, as one rtnetlink request: `RTM_NEWLINK` for interface 1 (loopback is
    /// always the first interface of a new namespace) with `IFF_UP`, and its acknowledgement.
    fn loopback_up() -> std::io::Result<()> {
        const RTM_NEWLINK: u16 = 16;
        const NLM_F_REQUEST_ACK: u16 = 1 | 4;
        const NLMSG_ERROR: u16 = 2;
        const IFF_UP: u32 = 1;
        let fd = rustix::net::socket(AddressFamily::NETLINK, SocketType::RAW, None)?;
        let mut msg = Vec::with_capacity(32);
        msg.extend_from_slice(&32u32.to_ne_bytes()); // nlmsg_len
        msg.extend_from_slice(&RTM_NEWLINK.to_ne_bytes());
        msg.extend_from_slice(&NLM_F_REQUEST_ACK.to_ne_bytes());
        msg.extend_from_slice(&1u32.to_ne_bytes()); // seq
        msg.extend_from_slice(&0u32.to_ne_bytes()); // pid: the kernel
        msg.extend_from_slice(&[0, 0]); // ifi_family AF_UNSPEC, padding
        msg.extend_from_slice(&0u16.to_ne_bytes()); // ifi_type
        msg.extend_from_slice(&1i32.to_ne_bytes()); // ifi_index: lo
        msg.extend_from_slice(&IFF_UP.to_ne_bytes()); // ifi_flags
        msg.extend_from_slice(&IFF_UP.to_ne_bytes()); // ifi_change
        rustix::net::sendto(&fd, &msg, SendFlags::empty(), &SocketAddrNetlink::new(0, 0))?;
        let mut buf = [0u8; 1024];
        let n = rustix::net::recv(&fd, &mut buf[..], RecvFlags::empty())?.0;
        let field = |at: usize, len: usize| buf.get(at..at + len).filter(|_| at + len <= n);
        let kind = field(4, 2).map(|b| u16::from_ne_bytes([b[0], b[1]]));
        let code = field(16, 4).map(|b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
        match (kind, code) {
            (Some(NLMSG_ERROR), Some(0)) => Ok(()),
            (Some(NLMSG_ERROR), Some(code)) => Err(std::io::Error::from_raw_os_error(-code)),
            _ => Err(std::io::Error::other("unexpected rtnetlink answer")),
        }
    }

    pub(super) fn confine(spec: &Spec) -> Result<(), String> {
        if spec.netns {
            enter_netns(spec.control.as_deref(), spec.connect_ports.first().copied())?;
        }
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
