//! The stdio relay behind `mcpward run`: the only part of the gateway that does I/O.
//!
//! [`run`] spawns the server with piped stdin, stdout and stderr and starts, on a single-threaded
//! tokio runtime:
//!
//! - two readers (the client's stdin, the server's stdout) that cut frames and send them to the
//!   main loop, so neither direction waits for the other;
//! - two writers (the client's stdout, the server's stdin) fed by queues, so a peer that is slow
//!   to read never blocks the loop;
//! - a stderr reader that keeps the server's stderr in the audit log (redacted) and echoes it,
//!   redacted, on mcpward's stderr — never on stdout;
//! - the audit store on its own thread ([`AuditThread`]): each write is acknowledged, and the
//!   loop waits for the acknowledgement before it forwards the message the event describes;
//! - approval pollers and timers, one per waiting call.
//!
//! The main loop owns the [`Session`] and carries out its [`Action`]s in order. When the server
//! exits, every request still waiting is answered with an error and `run` returns the server's
//! exit code; when the client closes its input, the server's stdin is closed, then the server gets
//! SIGTERM after a grace period, then SIGKILL.

use std::collections::{HashSet, VecDeque};
use std::ffi::OsString;
use std::io::{Read as _, Write as _};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use mcpward_protocol::{FrameError, Framer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};

use crate::audit::{AuditLog, Event};
use crate::gate::Gate;
use crate::pins::{LockfilePath, now_rfc3339};
use crate::session::{
    Action, ApprovalOutcome, ApprovalRequest, ApprovalVia, Session, SessionConfig,
};

/// How `mcpward run` runs one server.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The server's name (its `[servers.NAME]` section).
    pub server: String,
    /// The program to start.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// The largest message accepted from either side.
    pub max_message: usize,
    /// The lockfile of pinned tools.
    pub lockfile: LockfilePath,
    /// How long the server gets to exit after its stdin is closed, and again after SIGTERM.
    pub stop_grace: Duration,
    /// How often a pending approval is looked up in the store.
    pub approval_poll: Duration,
}

/// Why the relay could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The server could not be started.
    #[error("cannot start `{program}`: {source}")]
    Spawn {
        /// The program.
        program: String,
        /// The failure.
        source: std::io::Error,
    },
    /// The async runtime could not be built.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    /// The first audit event could not be written: nothing was started.
    #[error("the audit log cannot be written: {0}")]
    Audit(String),
}

/// How the relay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The server exited (or crashed) on its own; its exit code (128 + signal if killed).
    ServerExited(i32),
    /// The client closed its input (or mcpward was asked to stop) and the server was stopped.
    ClientClosed,
}

/// Runs the relay until the server exits or the client leaves.
pub fn run(
    options: RunOptions,
    gate: Arc<dyn Gate>,
    audit: Box<dyn AuditLog>,
) -> Result<Ending, RunError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(RunError::Runtime)?;
    let audit = AuditThread::start(audit);
    let result = runtime.block_on(relay(options, gate, audit));
    // A read of our stdin may still be parked on the blocking pool: do not wait for it.
    runtime.shutdown_background();
    result
}

/// The audit store on a dedicated thread; every call is acknowledged.
pub struct AuditThread {
    tx: std_mpsc::Sender<Job>,
}

type Job = Box<dyn FnOnce(&mut dyn AuditLog) + Send>;

impl AuditThread {
    /// Moves `log` to a new thread.
    pub fn start(mut log: Box<dyn AuditLog>) -> Self {
        let (tx, rx) = std_mpsc::channel::<Job>();
        // If the thread cannot start, `rx` is dropped: every call fails and the gateway fails
        // closed.
        let _ = std::thread::Builder::new()
            .name("mcpward-audit".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(log.as_mut());
                }
            });
        AuditThread { tx }
    }

    async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn AuditLog) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Box::new(move |log| {
                let _ = tx.send(f(log));
            }))
            .map_err(|_| "the audit thread stopped".to_owned())?;
        rx.await
            .map_err(|_| "the audit thread stopped".to_owned())?
    }

    /// Appends an event and waits until it is durable.
    pub async fn append(&self, event: Event) -> Result<u64, String> {
        self.call(move |log| log.append(&event)).await
    }

    async fn request_approval(&self, id: String, summary: String) -> Result<(), String> {
        self.call(move |log| log.request_approval(&id, &summary))
            .await
    }

    async fn approval_state(&self, id: String) -> Result<Option<bool>, String> {
        self.call(move |log| log.approval_state(&id)).await
    }

    async fn expire_approval(&self, id: String) -> Result<bool, String> {
        self.call(move |log| log.expire_approval(&id)).await
    }
}

impl Clone for AuditThread {
    fn clone(&self) -> Self {
        AuditThread {
            tx: self.tx.clone(),
        }
    }
}

enum Input {
    Client(Result<Vec<u8>, FrameError>),
    ClientEof,
    ClientGone,
    Server(Result<Vec<u8>, FrameError>),
    ServerEof,
    Stderr(String),
    Approval(String, ApprovalOutcome),
}

enum Phase {
    Running,
    /// The client left: waiting for the server to exit; `signalled` counts escalations.
    Stopping {
        deadline: Instant,
        signalled: u8,
    },
}

async fn relay(
    options: RunOptions,
    gate: Arc<dyn Gate>,
    audit: AuditThread,
) -> Result<Ending, RunError> {
    let session_id = random_hex(8);
    let mut session = Session::new(
        SessionConfig {
            server: options.server.clone(),
            session_id,
        },
        gate,
    );
    let mut command = Command::new(&options.program);
    command
        .args(&options.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|source| RunError::Spawn {
        program: options.program.to_string_lossy().into_owned(),
        source,
    })?;
    let (Some(child_in), Some(child_out), Some(child_err)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(RunError::Spawn {
            program: options.program.to_string_lossy().into_owned(),
            source: std::io::Error::other("the server's pipes were not created"),
        });
    };
    let mut argv = vec![options.program.to_string_lossy().into_owned()];
    argv.extend(
        options
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned()),
    );
    for action in session.on_server_started(&argv, child.id()) {
        if let Action::Audit { event, .. } = action {
            audit.append(event).await.map_err(RunError::Audit)?;
        }
    }

    let (input_tx, mut inputs) = mpsc::channel::<Input>(256);
    let diag_tx = spawn_diagnostics();
    let (client_tx, client_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let client_writer = spawn_client_writer(client_rx, input_tx.clone());
    let (server_tx, server_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(write_frames(child_in, server_rx));
    spawn_client_reader(options.max_message, input_tx.clone());
    tokio::spawn(read_server_frames(
        child_out,
        options.max_message,
        input_tx.clone(),
    ));
    tokio::spawn(read_stderr(child_err, input_tx.clone(), diag_tx.clone()));

    let mut io = Io {
        audit,
        client: Some(client_tx),
        server: Some(server_tx),
        diag: diag_tx,
        inputs: input_tx,
        lockfile: options.lockfile.clone(),
        poll: options.approval_poll,
        store_approvals: HashSet::new(),
    };
    let mut phase = Phase::Running;
    let mut exit: Option<ExitStatus> = None;
    let mut server_eof = false;
    let mut drain_deadline: Option<Instant> = None;
    let mut client_closed = false;
    let mut stop_signals = StopSignals::new();
    let mut stderr = StderrBatch::default();

    loop {
        if let Some(status) = exit
            && (server_eof || drain_deadline.is_some_and(|d| Instant::now() >= d))
        {
            let (code, signal) = exit_parts(status);
            if let Some(text) = stderr.take() {
                let actions = session.on_server_stderr(&text);
                io.execute(&mut session, actions).await;
            }
            let actions = session.on_server_exit(code, signal);
            io.execute(&mut session, actions).await;
            io.client = None; // closes the client's stdout once the queue is written
            io.expire_abandoned_approvals().await;
            let _ = tokio::time::timeout(Duration::from_secs(5), client_writer).await;
            return Ok(if client_closed {
                Ending::ClientClosed
            } else {
                Ending::ServerExited(code.unwrap_or_else(|| 128 + signal.unwrap_or(0)))
            });
        }
        let stopping = match &phase {
            Phase::Stopping { deadline, .. } => Some(*deadline),
            Phase::Running => None,
        };
        let deadline = [stopping, drain_deadline, stderr.flush_at]
            .into_iter()
            .flatten()
            .min();
        tokio::select! {
            input = inputs.recv() => {
                let Some(input) = input else { continue };
                let actions = match input {
                    Input::Client(Ok(frame)) => session.on_client_frame(frame),
                    Input::Client(Err(e)) => session.on_client_frame_error(&e),
                    Input::Server(Ok(frame)) => session.on_server_frame(frame),
                    Input::Server(Err(e)) => session.on_server_frame_error(&e),
                    Input::ServerEof => {
                        server_eof = true;
                        Vec::new()
                    }
                    Input::Stderr(text) => match stderr.add(&text) {
                        Some(batch) => session.on_server_stderr(&batch),
                        None => Vec::new(),
                    },
                    Input::Approval(id, outcome) => {
                        io.store_approvals.remove(&id);
                        session.on_approval(&id, outcome)
                    }
                    Input::ClientEof | Input::ClientGone => {
                        if client_closed {
                            continue;
                        }
                        client_closed = true;
                        phase = Phase::Stopping {
                            deadline: Instant::now() + options.stop_grace,
                            signalled: 0,
                        };
                        let actions = session.on_client_eof();
                        io.server = None; // the writer closes the server's stdin when drained
                        actions
                    }
                };
                io.execute(&mut session, actions).await;
            }
            status = child.wait(), if exit.is_none() => {
                match status {
                    Ok(status) => exit = Some(status),
                    Err(e) => {
                        let _ = io.diag.send(format!("mcpward: lost track of the server: {e}"));
                        exit = Some(ExitStatus::default());
                    }
                }
                // Let what the server wrote before it exited reach the client.
                drain_deadline = Some(Instant::now() + Duration::from_millis(500));
            }
            () = sleep_or_forever(deadline) => {
                if stderr.flush_at.is_some_and(|at| Instant::now() >= at)
                    && let Some(text) = stderr.take()
                {
                    let actions = session.on_server_stderr(&text);
                    io.execute(&mut session, actions).await;
                }
                if let Phase::Stopping { deadline, signalled } = &mut phase
                    && Instant::now() >= *deadline
                {
                    *signalled += 1;
                    *deadline = Instant::now() + options.stop_grace;
                    match *signalled {
                        1 => terminate(&mut child),
                        _ => {
                            let _ = child.start_kill();
                        }
                    }
                }
            }
            () = stop_signals.recv(), if !client_closed => {
                client_closed = true;
                phase = Phase::Stopping {
                    deadline: Instant::now() + options.stop_grace,
                    signalled: 0,
                };
                let actions = session.on_client_eof();
                io.server = None;
                io.execute(&mut session, actions).await;
            }
        }
    }
}

/// The relay's outputs, as the main loop uses them.
struct Io {
    audit: AuditThread,
    client: Option<mpsc::UnboundedSender<Vec<u8>>>,
    server: Option<mpsc::UnboundedSender<Vec<u8>>>,
    diag: mpsc::UnboundedSender<String>,
    inputs: mpsc::Sender<Input>,
    lockfile: LockfilePath,
    poll: Duration,
    /// Approvals recorded in the store and not answered yet.
    store_approvals: HashSet<String>,
}

impl Io {
    async fn execute(&mut self, session: &mut Session, actions: Vec<Action>) {
        let mut queue: VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::ToServer(bytes) => {
                    if let Some(tx) = &self.server {
                        let _ = tx.send(bytes);
                    }
                }
                Action::ToClient(bytes) => {
                    if let Some(tx) = &self.client {
                        let _ = tx.send(bytes);
                    }
                }
                Action::Audit { event, fallback } => {
                    if let Err(e) = self.audit.append(event).await {
                        let _ = self.diag.send(format!("mcpward: audit write failed: {e}"));
                        let replacement = session.on_audit_failed(&fallback);
                        if fallback != crate::session::Fallback::Continue {
                            queue.clear();
                        }
                        for a in replacement.into_iter().rev() {
                            queue.push_front(a);
                        }
                    }
                }
                Action::ObservePins { token, observation } => {
                    let file = self.lockfile.clone();
                    let report = tokio::task::spawn_blocking(move || {
                        let now = now_rfc3339();
                        file.update(|lock| lock.observe(&observation, &now))
                    })
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()));
                    queue.extend(session.on_pins(token, report));
                }
                Action::AwaitApproval(request) => {
                    self.await_approval(session, request, &mut queue).await
                }
                Action::Notice(text) => {
                    let _ = self.diag.send(text);
                }
            }
        }
    }

    /// Marks approvals nobody will wait for any more as expired, so `mcpward approve` does not
    /// offer them.
    async fn expire_abandoned_approvals(&mut self) {
        for id in std::mem::take(&mut self.store_approvals) {
            let _ = self.audit.expire_approval(id).await;
        }
    }

    async fn await_approval(
        &mut self,
        session: &mut Session,
        request: ApprovalRequest,
        queue: &mut VecDeque<Action>,
    ) {
        let inputs = self.inputs.clone();
        let ApprovalRequest {
            id,
            summary,
            timeout,
            via,
        } = request;
        if via == ApprovalVia::Elicitation {
            tokio::spawn(async move {
                tokio::time::sleep(timeout).await;
                let _ = inputs
                    .send(Input::Approval(id, ApprovalOutcome::TimedOut))
                    .await;
            });
            return;
        }
        if let Err(e) = self.audit.request_approval(id.clone(), summary).await {
            queue.extend(session.on_approval(&id, ApprovalOutcome::Failed(e)));
            return;
        }
        self.store_approvals.insert(id.clone());
        let _ = self.diag.send(format!(
            "mcpward: call needs approval: mcpward approve {id} (or mcpward deny {id})"
        ));
        let audit = self.audit.clone();
        let poll = self.poll;
        tokio::spawn(async move {
            let outcome = poll_approval(&audit, &id, timeout, poll).await;
            let _ = inputs.send(Input::Approval(id, outcome)).await;
        });
    }
}

async fn poll_approval(
    audit: &AuditThread,
    id: &str,
    timeout: Duration,
    poll: Duration,
) -> ApprovalOutcome {
    let deadline = Instant::now() + timeout;
    loop {
        match audit.approval_state(id.to_owned()).await {
            Ok(Some(true)) => return ApprovalOutcome::Approved,
            Ok(Some(false)) => return ApprovalOutcome::Denied,
            Ok(None) => {}
            Err(e) => return ApprovalOutcome::Failed(e),
        }
        if Instant::now() >= deadline {
            // Close it as expired, unless an answer arrived at the last moment.
            return match audit.expire_approval(id.to_owned()).await {
                Ok(true) => ApprovalOutcome::TimedOut,
                Ok(false) => match audit.approval_state(id.to_owned()).await {
                    Ok(Some(true)) => ApprovalOutcome::Approved,
                    _ => ApprovalOutcome::TimedOut,
                },
                Err(_) => ApprovalOutcome::TimedOut,
            };
        }
        tokio::time::sleep(poll.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

/// Reads the server's frames from its stdout.
async fn read_server_frames(
    mut reader: impl AsyncRead + Unpin,
    max_message: usize,
    tx: mpsc::Sender<Input>,
) {
    let mut framer = Framer::new(max_message);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            framer.finish();
        } else {
            framer.push(&buf[..n]);
        }
        while let Some(frame) = framer.next_frame() {
            if tx.send(Input::Server(frame)).await.is_err() {
                return;
            }
        }
        if n == 0 {
            let _ = tx.send(Input::ServerEof).await;
            return;
        }
    }
}

/// Writes frames to the server's stdin; closes it when the queue's sender is dropped.
async fn write_frames(
    mut writer: impl AsyncWrite + Unpin,
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    while let Some(frame) = rx.recv().await {
        let mut ok =
            writer.write_all(&frame).await.is_ok() && writer.write_all(b"\n").await.is_ok();
        // Write whatever else is queued before flushing.
        while ok && let Ok(frame) = rx.try_recv() {
            ok = writer.write_all(&frame).await.is_ok() && writer.write_all(b"\n").await.is_ok();
        }
        if !ok || writer.flush().await.is_err() {
            // The server stopped reading; its exit is noticed by the main loop.
            while rx.recv().await.is_some() {}
            return;
        }
    }
    let _ = writer.shutdown().await;
}

/// Reads the client's frames from mcpward's stdin on a thread of its own (blocking reads; the
/// thread is simply abandoned when the relay ends).
fn spawn_client_reader(max_message: usize, tx: mpsc::Sender<Input>) {
    let _ = std::thread::Builder::new()
        .name("mcpward-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut framer = Framer::new(max_message);
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = loop {
                    match stdin.read(&mut buf) {
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        r => break r.unwrap_or(0),
                    }
                };
                if n == 0 {
                    framer.finish();
                } else {
                    framer.push(&buf[..n]);
                }
                while let Some(frame) = framer.next_frame() {
                    if tx.blocking_send(Input::Client(frame)).is_err() {
                        return;
                    }
                }
                if n == 0 {
                    let _ = tx.blocking_send(Input::ClientEof);
                    return;
                }
            }
        });
}

/// Writes frames to mcpward's stdout on a thread of its own. The returned receiver fires once
/// everything queued was written (or the client went away).
fn spawn_client_writer(
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    gone: mpsc::Sender<Input>,
) -> oneshot::Receiver<()> {
    let (done_tx, done_rx) = oneshot::channel();
    let _ = std::thread::Builder::new()
        .name("mcpward-stdout".into())
        .spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            while let Some(frame) = rx.blocking_recv() {
                let mut ok = out.write_all(&frame).is_ok() && out.write_all(b"\n").is_ok();
                while ok && let Ok(frame) = rx.try_recv() {
                    ok = out.write_all(&frame).is_ok() && out.write_all(b"\n").is_ok();
                }
                if !ok || out.flush().is_err() {
                    let _ = gone.blocking_send(Input::ClientGone);
                    while rx.blocking_recv().is_some() {}
                    break;
                }
            }
            let _ = done_tx.send(());
        });
    done_rx
}

/// Server stderr waiting to become one audit event, so a chatty server costs one write per
/// interval rather than one per line.
#[derive(Default)]
struct StderrBatch {
    text: String,
    last_flush: Option<Instant>,
    /// When the buffered text is due.
    flush_at: Option<Instant>,
}

impl StderrBatch {
    const INTERVAL: Duration = Duration::from_millis(250);
    const MAX: usize = 64 * 1024;

    /// Buffers `text`; returns the batch when it is due now.
    fn add(&mut self, text: &str) -> Option<String> {
        self.text.push_str(text);
        let now = Instant::now();
        let due = self.last_flush.is_none_or(|t| now >= t + Self::INTERVAL);
        if due || self.text.len() >= Self::MAX {
            return self.take();
        }
        self.flush_at
            .get_or_insert_with(|| self.last_flush.map_or(now, |t| t + Self::INTERVAL));
        None
    }

    /// Everything buffered, if anything.
    fn take(&mut self) -> Option<String> {
        self.flush_at = None;
        if self.text.is_empty() {
            return None;
        }
        self.last_flush = Some(Instant::now());
        Some(std::mem::take(&mut self.text))
    }
}

/// The longest stderr line kept whole; longer lines are cut.
const MAX_STDERR_LINE: usize = 16 * 1024;

async fn read_stderr(
    mut reader: impl AsyncRead + Unpin,
    tx: mpsc::Sender<Input>,
    diag: mpsc::UnboundedSender<String>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut line = Vec::new();
    loop {
        let n = reader.read(&mut buf).await.unwrap_or(0);
        let mut batch = String::new();
        if n == 0 {
            if !line.is_empty() {
                batch.push_str(&String::from_utf8_lossy(&line));
            }
        } else {
            for &b in &buf[..n] {
                if b == b'\n' {
                    batch.push_str(&String::from_utf8_lossy(&line));
                    batch.push('\n');
                    line.clear();
                } else if line.len() < MAX_STDERR_LINE {
                    line.push(b);
                }
            }
        }
        if !batch.is_empty() {
            let redacted = mcpward_guard::redact(&batch);
            for l in redacted.lines() {
                let _ = diag.send(format!("[server] {l}"));
            }
            if tx.send(Input::Stderr(batch)).await.is_err() {
                return;
            }
        }
        if n == 0 {
            return;
        }
    }
}

/// Writes diagnostics to mcpward's stderr on a thread of its own.
fn spawn_diagnostics() -> mpsc::UnboundedSender<String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let _ = std::thread::Builder::new()
        .name("mcpward-stderr".into())
        .spawn(move || {
            while let Some(mut text) = rx.blocking_recv() {
                text.push('\n');
                while let Ok(more) = rx.try_recv() {
                    text.push_str(&more);
                    text.push('\n');
                }
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(text.as_bytes());
                let _ = err.flush();
            }
        });
    tx
}

async fn sleep_or_forever(deadline: Option<Instant>) {
    match deadline {
        Some(d) => sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Asks the server to stop (SIGTERM). Elsewhere than Unix there is no polite way: kill it.
fn terminate(child: &mut Child) {
    #[cfg(unix)]
    if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
        // `id()` is `None` once the child was reaped, so the pid cannot have been reused.
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    #[cfg(not(unix))]
    let _ = child.start_kill();
}

fn exit_parts(status: ExitStatus) -> (Option<i32>, Option<i32>) {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        (status.code(), status.signal())
    }
    #[cfg(not(unix))]
    {
        (status.code(), None)
    }
}

/// SIGINT and SIGTERM sent to mcpward: stop the server as if the client had left.
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            StopSignals {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let (term, int) = (&mut self.term, &mut self.int);
            let term = async move {
                match term {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async move {
                match int {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = term => {}
                () = int => {}
            }
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await;
    }
}

/// `2 * bytes` random lowercase hex digits.
pub fn random_hex(bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    if getrandom::fill(&mut raw).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for (i, b) in raw.iter_mut().enumerate() {
            *b = (nanos >> ((i % 16) * 8)) as u8 ^ (std::process::id() as u8);
        }
    }
    raw.iter().map(|b| format!("{b:02x}")).collect()
}
