//! The parent's side of the private network namespace: does the kernel let us make one, and
//! the control socket through which the helper hands over the proxy listener it created inside.
//!
//! A listening socket belongs to the namespace it was created in, whoever accepts on it: the
//! helper binds `127.0.0.1:PORT` inside the server's namespace (where nothing else exists but
//! loopback), sends the descriptor over a UNIX socket (`SCM_RIGHTS`), and mcpward's proxy accepts
//! the server's connections on it and dials allowed destinations from its own namespace.

use std::io;
use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use rustix::net::{RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags};

/// Whether a private network namespace can be made here (unprivileged user namespaces allowed):
/// runs `HELPER __sandbox-exec --probe-netns`, which tries in a process of its own.
pub fn probe(helper: &Path) -> Result<(), String> {
    let out = Command::new(helper)
        .args([crate::HELPER_SUBCOMMAND, crate::helper::PROBE_NETNS])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env_clear()
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
    }
}

/// A UNIX socket in a private temporary directory (mode 0700), waiting for the helper.
#[derive(Debug)]
pub struct Control {
    _dir: tempfile::TempDir,
    path: PathBuf,
    listener: std::os::unix::net::UnixListener,
}

impl Control {
    /// Creates the socket.
    pub fn new() -> io::Result<Control> {
        let dir = tempfile::Builder::new().prefix("mcpward-sbx-").tempdir()?;
        let path = dir.path().join("ctl");
        let listener = std::os::unix::net::UnixListener::bind(&path)?;
        listener.set_nonblocking(true)?;
        Ok(Control {
            _dir: dir,
            path,
            listener,
        })
    }

    /// Its path, for the helper's spec.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Waits (at most `limit`) for the helper and returns the listener it hands over. Must run
    /// inside a tokio runtime.
    pub async fn receive(self, limit: Duration) -> io::Result<std::net::TcpListener> {
        let listener = tokio::net::UnixListener::from_std(self.listener)?;
        let work = async {
            let (stream, _) = listener.accept().await?;
            loop {
                stream.readable().await?;
                match stream.try_io(tokio::io::Interest::READABLE, || receive_fd(&stream)) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    other => return other,
                }
            }
        };
        tokio::time::timeout(limit, work)
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "the helper did not answer"))?
    }
}

fn receive_fd(stream: &tokio::net::UnixStream) -> io::Result<std::net::TcpListener> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut cmsg = RecvAncillaryBuffer::new(&mut space);
    let mut byte = [0u8; 1];
    rustix::net::recvmsg(
        stream,
        &mut [io::IoSliceMut::new(&mut byte)],
        &mut cmsg,
        RecvFlags::CMSG_CLOEXEC,
    )?;
    let mut got = None;
    for message in cmsg.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = message {
            for fd in fds {
                got.get_or_insert(fd);
            }
        }
    }
    let fd = got.ok_or_else(|| io::Error::other("the helper sent no listener"))?;
    let listener = std::net::TcpListener::from(fd);
    listener.set_nonblocking(true)?;
    Ok(listener)
}
