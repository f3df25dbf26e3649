//! The stdio relay behind `mcpward run`: the only part of the gateway that does I/O.
//!
//! [`run`] spawns the server with piped stdin, stdout and stderr and runs everything on one
//! thread, a single-threaded tokio runtime:
//!
//! - two readers (the client's stdin, the server's stdout) that cut frames and send them to the
//!   main loop, so neither direction waits for the other;
//! - two writers (the client's stdout, the server's stdin) fed by queues, so a peer that is slow
//!   to read never blocks the loop;
//! - a stderr reader that keeps the server's stderr in the audit log (redacted) and echoes it,
//!   redacted, on mcpward's stderr — never on stdout;
//! - the audit log ([`AuditHandle`]), appended to in place: the loop writes a message's events
//!   before it forwards the message (approval look-ups go to a blocking thread);
//! - approval pollers and timers, one per waiting call.
//!
//! Only when mcpward's own stdin or stdout is not a pipe or a socket (a terminal, a file) is it
//! read or written on a thread of its own; a thread that holds a message hands it over with a
//! wake-up, which on a small virtual machine costs more than the relaying itself.
//!
//! # Latency and durability
//!
//! Per message the relay costs the session's work (parse, policy, redaction: a few
//! microseconds), one audit write, and the pipe writes. `mcpward run` gives the relay a
//! [`mcpward_audit::Journal`]: the write is one `write()` of the message's events to a
//! per-process file, which survives mcpward being killed (with `--audit-sync full`, an
//! `fdatasync` follows, so it survives power loss too); the journal's own thread moves the
//! events into the SQLite store about 10 ms later, off the message's path. Either way a
//! message is forwarded only after its own events are written, and a failed write denies it
//! ([`Session::on_audit_failed`]).
//!
//! Messages that arrive together are processed together: the events of all of them are
//! written at once (one `write()`), then each is forwarded in order. Each message's own events
//! are one all-or-none batch even when it arrives alone.
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
    Action, ApprovalKind, ApprovalOutcome, ApprovalRequest, ApprovalVia, Session, SessionConfig,
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
    /// When set, the server is started through this sandbox helper command instead of
    /// `program` directly (see `mcpward-sandbox`).
    pub sandbox: Option<mcpward_sandbox::Launch>,
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
    // Put mcpward's stdin and stdout back as they were (blocking) once the runtime is gone.
    #[cfg(unix)]
    let _restore = client_stdio::Restore::capture();
    // The loop runs as a task of its own, not as the `block_on` future: a task woken by another
    // task on this thread (a reader with a frame) is simply queued, whereas waking the
    // `block_on` future also wakes the I/O driver, one more `write()` and `epoll_wait` per
    // message.
    let result = runtime.block_on(async move {
        tokio::spawn(relay(options, gate, AuditHandle::new(audit)))
            .await
            .unwrap_or_else(|e| Err(RunError::Runtime(std::io::Error::other(e))))
    });
    // A read of our stdin may still be parked on its thread: do not wait for it.
    runtime.shutdown_background();
    result
}

/// The audit log as the relay uses it.
///
/// Appends are made in place, on the relay's thread: every message waits for its own events
/// anyway, and with the journal an append is one `write()`, cheaper than handing it to another
/// thread and back. The approval calls read and write the database, which may wait for another
/// process's transaction: they run on a blocking thread with a time limit ([`STORE_WAIT`]), so
/// the relay goes on meanwhile.
#[derive(Clone)]
pub struct AuditHandle(Arc<dyn AuditLog>);

/// How long an approval call may wait on the audit store (or the lockfile on its lock) before it
/// counts as failed.
const STORE_WAIT: Duration = Duration::from_secs(15);

impl AuditHandle {
    /// Wraps `log`.
    pub fn new(log: Box<dyn AuditLog>) -> Self {
        AuditHandle(Arc::from(log))
    }

    /// Appends `events`, all or none; returns once they survive mcpward being killed.
    pub fn append_batch(&self, events: &[Event]) -> Result<(), String> {
        self.0.append_batch(events)
    }

    /// Runs `f` on a blocking thread, for at most [`STORE_WAIT`].
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn AuditLog) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let log = Arc::clone(&self.0);
        let task = tokio::task::spawn_blocking(move || f(log.as_ref()));
        match tokio::time::timeout(STORE_WAIT, task).await {
            Ok(Ok(result)) => result,
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the audit store did not answer in time".into()),
        }
    }

    async fn request_approval(&self, id: &str, summary: &str) -> Result<(), String> {
        let (id, summary) = (id.to_owned(), summary.to_owned());
        self.blocking(move |log| log.request_approval(&id, &summary))
            .await
    }

    async fn approval_state(&self, id: &str) -> Result<Option<bool>, String> {
        let id = id.to_owned();
        self.blocking(move |log| log.approval_state(&id)).await
    }

    async fn expire_approval(&self, id: &str) -> Result<bool, String> {
        let id = id.to_owned();
        self.blocking(move |log| log.expire_approval(&id)).await
    }
}

enum Input {
    Client(Result<Vec<u8>, Oversized>),
    ClientEof,
    ClientGone,
    Server(Result<Vec<u8>, Oversized>),
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
    audit: AuditHandle,
) -> Result<Ending, RunError> {
    let session_id = random_hex(8);
    let mut session = Session::new(
        SessionConfig {
            server: options.server.clone(),
            session_id,
        },
        gate,
    );
    let mut command = match &options.sandbox {
        Some(launch) => Command::from(launch.command()),
        None => {
            let mut command = Command::new(&options.program);
            command.args(&options.args);
            command
        }
    };
    command
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
    #[cfg(target_os = "linux")]
    widen_pipe(&child_out);
    let mut argv = vec![options.program.to_string_lossy().into_owned()];
    argv.extend(
        options
            .args
            .iter()
            .map(|a| a.to_string_lossy().into_owned()),
    );
    for action in session.on_server_started(&argv, child.id()) {
        if let Action::Audit { event, .. } = action {
            audit
                .append_batch(std::slice::from_ref(&event))
                .map_err(RunError::Audit)?;
        }
    }

    let (input_tx, mut inputs) = mpsc::channel::<Input>(256);
    let diag_tx = spawn_diagnostics();
    let (client_tx, client_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let client_writer = start_client_writer(client_rx, input_tx.clone());
    let (server_tx, server_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(write_frames(child_in, server_rx));
    start_client_reader(options.max_message, input_tx.clone());
    tokio::spawn(read_frames(
        child_out,
        options.max_message,
        input_tx.clone(),
        Input::Server,
        Input::ServerEof,
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
    // An input taken from the queue while gathering a group, handled next.
    let mut stashed: Option<Input> = None;

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
        let first = match stashed.take() {
            Some(input) => input,
            None => tokio::select! {
                input = inputs.recv() => match input {
                    Some(input) => input,
                    None => continue,
                },
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
                    continue;
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
                    continue;
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
                    continue;
                }
            },
        };
        // Frames already waiting join this one: their events are committed together (one
        // transaction) before any of them is forwarded. Only plain frames are gathered, and only
        // while every action is one the group can carry; anything else waits for the group.
        let mut group: Vec<Vec<Action>> = Vec::new();
        let mut next = Some(first);
        while let Some(input) = next.take() {
            let is_frame = matches!(input, Input::Client(Ok(_)) | Input::Server(Ok(_)));
            let actions = match input {
                Input::Client(Ok(frame)) => session.on_client_frame(frame),
                Input::Client(Err(e)) => session.on_client_frame_error(&e.error, e.id.as_ref()),
                Input::Server(Ok(frame)) => session.on_server_frame(frame),
                Input::Server(Err(e)) => session.on_server_frame_error(&e.error, e.id.as_ref()),
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
                        Vec::new()
                    } else {
                        client_closed = true;
                        phase = Phase::Stopping {
                            deadline: Instant::now() + options.stop_grace,
                            signalled: 0,
                        };
                        let actions = session.on_client_eof();
                        io.server = None; // the writer closes the server's stdin when drained
                        actions
                    }
                }
            };
            let can_grow = is_frame && actions.iter().all(groupable);
            group.push(actions);
            if can_grow
                && group.len() < MAX_GROUP
                && let Ok(more) = inputs.try_recv()
            {
                if matches!(more, Input::Client(Ok(_)) | Input::Server(Ok(_))) {
                    next = Some(more);
                } else {
                    stashed = Some(more);
                }
            }
        }
        io.execute_group(&mut session, group).await;
    }
}

/// At most this many messages share one commit, so that one commit stays short.
const MAX_GROUP: usize = 64;

/// Whether an action can be part of a group: it needs nothing from the session once the
/// group's events are committed.
fn groupable(action: &Action) -> bool {
    matches!(
        action,
        Action::ToServer(_) | Action::ToClient(_) | Action::Audit { .. } | Action::Notice(_)
    )
}

/// Events taken from the front of a message's actions, with what to do if they could not be
/// written.
#[derive(Default)]
struct AuditRun {
    events: Vec<Event>,
    fallbacks: Vec<crate::session::Fallback>,
    /// Notices that came between the events: shown once the events are settled.
    notices: Vec<String>,
}

/// Takes the events at the front of `queue`, with the notices between them: the events of one
/// message, written in one transaction. `None` when `queue` does not start with an event.
fn take_events(queue: &mut VecDeque<Action>) -> Option<AuditRun> {
    if !matches!(queue.front(), Some(Action::Audit { .. })) {
        return None;
    }
    let mut run = AuditRun::default();
    while let Some(Action::Audit { .. } | Action::Notice(_)) = queue.front() {
        match queue.pop_front() {
            Some(Action::Audit { event, fallback }) => {
                run.events.push(event);
                run.fallbacks.push(fallback);
            }
            Some(Action::Notice(text)) => run.notices.push(text),
            _ => {}
        }
    }
    Some(run)
}

/// The relay's outputs, as the main loop uses them.
struct Io {
    audit: AuditHandle,
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
    /// Carries out the actions of several messages, each list in order. The events each list
    /// starts with are written first, all in one batch (one journal write for messages that
    /// arrived together); then each list goes on, or, if the write failed, each gets its
    /// fallback.
    async fn execute_group(&mut self, session: &mut Session, group: Vec<Vec<Action>>) {
        if group.len() == 1 {
            for actions in group {
                self.execute(session, actions).await;
            }
            return;
        }
        let mut staged: Vec<(VecDeque<Action>, Option<AuditRun>)> = group
            .into_iter()
            .map(|actions| {
                let mut queue = VecDeque::from(actions);
                let run = take_events(&mut queue);
                (queue, run)
            })
            .collect();
        let all: Vec<Event> = staged
            .iter_mut()
            .filter_map(|(_, run)| run.as_mut())
            .flat_map(|run| std::mem::take(&mut run.events))
            .collect();
        let result = if all.is_empty() {
            Ok(())
        } else {
            self.audit.append_batch(&all)
        };
        drop(all);
        for (mut queue, run) in staged {
            if let Some(run) = run {
                self.settle(session, run, result.clone(), &mut queue);
            }
            self.run_queue(session, queue).await;
        }
    }

    async fn execute(&mut self, session: &mut Session, actions: Vec<Action>) {
        self.run_queue(session, actions.into()).await;
    }

    async fn run_queue(&mut self, session: &mut Session, mut queue: VecDeque<Action>) {
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
                audit @ Action::Audit { .. } => {
                    queue.push_front(audit);
                    if let Some(run) = take_events(&mut queue) {
                        let result = self.audit.append_batch(&run.events);
                        self.settle(session, run, result, &mut queue);
                    }
                }
                Action::ObservePins { token, observation } => {
                    let file = self.lockfile.clone();
                    let task = tokio::task::spawn_blocking(move || {
                        let now = now_rfc3339();
                        file.update(|lock| lock.observe(&observation, &now))
                    });
                    // Another process may hold the lockfile's lock: wait, but not forever.
                    let report = match tokio::time::timeout(STORE_WAIT, task).await {
                        Ok(joined) => joined
                            .map_err(|e| e.to_string())
                            .and_then(|r| r.map_err(|e| e.to_string())),
                        Err(_) => Err("the lockfile stayed locked by another process".into()),
                    };
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

    /// Shows a run's notices once its events are settled; if they could not be written,
    /// replaces the rest of `queue` with what the session says instead (fail closed).
    fn settle(
        &mut self,
        session: &mut Session,
        run: AuditRun,
        result: Result<(), String>,
        queue: &mut VecDeque<Action>,
    ) {
        for text in run.notices {
            let _ = self.diag.send(text);
        }
        let Err(e) = result else {
            return;
        };
        let _ = self.diag.send(format!("mcpward: audit write failed: {e}"));
        // None of the run's events was kept: each one's fallback applies, until one ends the list.
        let mut replacement = Vec::new();
        for fallback in &run.fallbacks {
            replacement.extend(session.on_audit_failed(fallback));
            if *fallback != crate::session::Fallback::Continue {
                queue.clear();
                break;
            }
        }
        for a in replacement.into_iter().rev() {
            queue.push_front(a);
        }
    }

    /// Marks approvals nobody will wait for any more as expired, so `mcpward approve` does not
    /// offer them.
    async fn expire_abandoned_approvals(&mut self) {
        for id in std::mem::take(&mut self.store_approvals) {
            let _ = self.audit.expire_approval(&id).await;
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
            kind,
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
        if let Err(e) = self.audit.request_approval(&id, &summary).await {
            queue.extend(session.on_approval(&id, ApprovalOutcome::Failed(e)));
            return;
        }
        self.store_approvals.insert(id.clone());
        let _ = self.diag.send(match kind {
            ApprovalKind::Call => format!(
                "mcpward: call needs approval: mcpward approve {id} (or mcpward deny {id})"
            ),
            ApprovalKind::Quarantine => format!(
                "mcpward: output quarantined as a possible prompt injection: mcpward release {id} (or mcpward deny {id}); `mcpward log {id}` shows it"
            ),
        });
        let audit = self.audit.clone();
        let poll = self.poll;
        tokio::spawn(async move {
            let outcome = poll_approval(&audit, &id, timeout, poll).await;
            let _ = inputs.send(Input::Approval(id, outcome)).await;
        });
    }
}

async fn poll_approval(
    audit: &AuditHandle,
    id: &str,
    timeout: Duration,
    poll: Duration,
) -> ApprovalOutcome {
    let deadline = Instant::now() + timeout;
    loop {
        match audit.approval_state(id).await {
            Ok(Some(true)) => return ApprovalOutcome::Approved,
            Ok(Some(false)) => return ApprovalOutcome::Denied,
            Ok(None) => {}
            Err(e) => return ApprovalOutcome::Failed(e),
        }
        if Instant::now() >= deadline {
            // Close it as expired, unless an answer arrived at the last moment.
            return match audit.expire_approval(id).await {
                Ok(true) => ApprovalOutcome::TimedOut,
                Ok(false) => match audit.approval_state(id).await {
                    Ok(Some(true)) => ApprovalOutcome::Approved,
                    _ => ApprovalOutcome::TimedOut,
                },
                Err(_) => ApprovalOutcome::TimedOut,
            };
        }
        tokio::time::sleep(poll.min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

/// A line over the size limit, with the `id` recovered from its first bytes when it had one.
#[derive(Debug)]
pub(crate) struct Oversized {
    error: FrameError,
    id: Option<mcpward_protocol::RequestId>,
}

/// Attaches the recovered id to a framing error.
fn oversized(frame: Result<Vec<u8>, FrameError>, framer: &Framer) -> Result<Vec<u8>, Oversized> {
    frame.map_err(|error| Oversized {
        error,
        id: framer.last_oversized_id(),
    })
}

/// Reads frames from `reader` (the server's stdout, or the client's stdin on the runtime) and
/// sends each as `wrap(frame)`, then `eof` when the stream ends (a read error ends it too).
async fn read_frames(
    mut reader: impl AsyncRead + Unpin,
    max_message: usize,
    tx: mpsc::Sender<Input>,
    wrap: fn(Result<Vec<u8>, Oversized>) -> Input,
    eof: Input,
) {
    let mut framer = Framer::new(max_message);
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        let n = reader.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            framer.finish();
        } else {
            framer.push(&buf[..n]);
        }
        while let Some(frame) = framer.next_frame() {
            if tx.send(wrap(oversized(frame, &framer))).await.is_err() {
                return;
            }
        }
        if n == 0 {
            let _ = tx.send(eof).await;
            return;
        }
    }
}

/// Makes a pipe hold up to 1 MiB (Linux's default limit for a user; the pages are taken only
/// while data waits there): the server's stdout, and mcpward's stdout when it is a pipe. A
/// large result then crosses each pipe with one wake-up of each side instead of one per 64 KiB.
/// Best effort.
#[cfg(target_os = "linux")]
fn widen_pipe(pipe: &impl std::os::fd::AsFd) {
    let _ = nix::fcntl::fcntl(pipe.as_fd(), nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20));
}

/// How much one read takes from a pipe, and how much a writer gathers before it writes.
const READ_BUFFER: usize = 64 * 1024;

/// Writes `frame` and its newline into `out` (one write to the pipe once flushed, so the reader
/// is not woken for a frame without its end).
async fn write_frame(out: &mut (impl AsyncWrite + Unpin), frame: &[u8]) -> bool {
    out.write_all(frame).await.is_ok() && out.write_all(b"\n").await.is_ok()
}

/// Writes frames to the server's stdin; closes it when the queue's sender is dropped.
async fn write_frames(writer: impl AsyncWrite + Unpin, mut rx: mpsc::UnboundedReceiver<Vec<u8>>) {
    let mut out = tokio::io::BufWriter::with_capacity(READ_BUFFER, writer);
    while let Some(frame) = rx.recv().await {
        let mut ok = write_frame(&mut out, &frame).await;
        // Write whatever else is queued before flushing.
        while ok && let Ok(frame) = rx.try_recv() {
            ok = write_frame(&mut out, &frame).await;
        }
        if !ok || out.flush().await.is_err() {
            // The server stopped reading; its exit is noticed by the main loop.
            while rx.recv().await.is_some() {}
            return;
        }
    }
    let _ = out.shutdown().await;
}

/// Reads the client's frames from mcpward's stdin: on the runtime when stdin is a pipe or a
/// socket (what MCP clients give their servers), so no thread hands each frame over; else
/// (a terminal, a file) with blocking reads on a thread of its own, which is simply abandoned
/// when the relay ends.
fn start_client_reader(max_message: usize, tx: mpsc::Sender<Input>) {
    #[cfg(unix)]
    if let Some(reader) = client_stdio::reader() {
        tokio::spawn(read_frames(
            reader,
            max_message,
            tx,
            Input::Client,
            Input::ClientEof,
        ));
        return;
    }
    let _ = std::thread::Builder::new()
        .name("mcpward-stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut framer = Framer::new(max_message);
            let mut buf = vec![0u8; READ_BUFFER];
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
                    if tx
                        .blocking_send(Input::Client(oversized(frame, &framer)))
                        .is_err()
                    {
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

/// Writes frames to mcpward's stdout: on the runtime when stdout is a pipe or a socket, else on
/// a thread of its own. Either way a client that does not read never blocks the main loop. The
/// returned receiver fires once everything queued was written (or the client went away).
fn start_client_writer(
    mut rx: mpsc::UnboundedReceiver<Vec<u8>>,
    gone: mpsc::Sender<Input>,
) -> oneshot::Receiver<()> {
    let (done_tx, done_rx) = oneshot::channel();
    #[cfg(unix)]
    if let Some(writer) = client_stdio::writer() {
        tokio::spawn(async move {
            let mut out = tokio::io::BufWriter::with_capacity(READ_BUFFER, writer);
            while let Some(frame) = rx.recv().await {
                let mut ok = write_frame(&mut out, &frame).await;
                while ok && let Ok(frame) = rx.try_recv() {
                    ok = write_frame(&mut out, &frame).await;
                }
                if !ok || out.flush().await.is_err() {
                    let _ = gone.send(Input::ClientGone).await;
                    while rx.recv().await.is_some() {}
                    break;
                }
            }
            let _ = done_tx.send(());
        });
        return done_rx;
    }
    let _ = std::thread::Builder::new()
        .name("mcpward-stdout".into())
        .spawn(move || {
            let mut out = std::io::BufWriter::with_capacity(READ_BUFFER, std::io::stdout().lock());
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

/// mcpward's stdin and stdout on the runtime, when they are pipes or sockets.
///
/// They are duplicated and the copies are made non-blocking, which also makes the originals
/// non-blocking (they share one open file): [`client_stdio::Restore`] puts the flags back as
/// they were when the relay ends, for a parent that keeps using them.
#[cfg(unix)]
mod client_stdio {
    use std::os::fd::{AsFd, OwnedFd};
    use std::os::unix::fs::FileTypeExt as _;

    use nix::fcntl::{FcntlArg, OFlag, fcntl};
    use tokio::io::{AsyncRead, AsyncWrite};

    /// What `fd` is, if it can go on the runtime.
    enum Kind {
        Pipe(std::fs::File),
        Socket(std::os::unix::net::UnixStream),
    }

    fn kind(fd: impl AsFd) -> Option<Kind> {
        let file = std::fs::File::from(fd.as_fd().try_clone_to_owned().ok()?);
        let file_type = file.metadata().ok()?.file_type();
        if file_type.is_fifo() {
            Some(Kind::Pipe(file))
        } else if file_type.is_socket() {
            let stream = std::os::unix::net::UnixStream::from(OwnedFd::from(file));
            stream.set_nonblocking(true).ok()?;
            Some(Kind::Socket(stream))
        } else {
            None
        }
    }

    /// mcpward's stdin, readable on the runtime; `None`: read it on a thread.
    pub(super) fn reader() -> Option<Box<dyn AsyncRead + Unpin + Send>> {
        match kind(std::io::stdin())? {
            Kind::Pipe(file) => tokio::net::unix::pipe::Receiver::from_file(file)
                .ok()
                .map(|r| Box::new(r) as Box<dyn AsyncRead + Unpin + Send>),
            Kind::Socket(stream) => tokio::net::UnixStream::from_std(stream)
                .ok()
                .map(|s| Box::new(s) as Box<dyn AsyncRead + Unpin + Send>),
        }
    }

    /// mcpward's stdout, writable on the runtime; `None`: write it on a thread.
    pub(super) fn writer() -> Option<Box<dyn AsyncWrite + Unpin + Send>> {
        match kind(std::io::stdout())? {
            Kind::Pipe(file) => {
                #[cfg(target_os = "linux")]
                super::widen_pipe(&file);
                tokio::net::unix::pipe::Sender::from_file(file)
                    .ok()
                    .map(|w| Box::new(w) as Box<dyn AsyncWrite + Unpin + Send>)
            }
            Kind::Socket(stream) => tokio::net::UnixStream::from_std(stream)
                .ok()
                .map(|s| Box::new(s) as Box<dyn AsyncWrite + Unpin + Send>),
        }
    }

    /// The file status flags of stdin and stdout as they were, put back when dropped.
    pub(super) struct Restore(Vec<(OwnedFd, OFlag)>);

    impl Restore {
        pub(super) fn capture() -> Restore {
            let fds = [
                std::io::stdin().as_fd().try_clone_to_owned(),
                std::io::stdout().as_fd().try_clone_to_owned(),
            ];
            Restore(
                fds.into_iter()
                    .filter_map(|fd| {
                        let fd = fd.ok()?;
                        let flags = fcntl(&fd, FcntlArg::F_GETFL).ok()?;
                        Some((fd, OFlag::from_bits_truncate(flags)))
                    })
                    .collect(),
            )
        }
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            for (fd, flags) in &self.0 {
                let _ = fcntl(fd, FcntlArg::F_SETFL(*flags));
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::{Mutex, PoisonError};

    use crate::policy_gate::PolicyGate;

    use super::*;

    /// A store that records the size of each transaction, and fails them all when asked.
    struct Recorder {
        batches: Arc<Mutex<Vec<usize>>>,
        fail: bool,
    }

    impl AuditLog for Recorder {
        fn append_batch(&self, events: &[Event]) -> Result<(), String> {
            if self.fail {
                return Err("disk full".into());
            }
            self.batches
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(events.len());
            Ok(())
        }
        fn request_approval(&self, _: &str, _: &str) -> Result<(), String> {
            Ok(())
        }
        fn approval_state(&self, _: &str) -> Result<Option<bool>, String> {
            Ok(None)
        }
        fn expire_approval(&self, _: &str) -> Result<bool, String> {
            Ok(true)
        }
    }

    struct Rig {
        session: Session,
        io: Io,
        batches: Arc<Mutex<Vec<usize>>>,
        to_client: mpsc::UnboundedReceiver<Vec<u8>>,
        to_server: mpsc::UnboundedReceiver<Vec<u8>>,
        _inputs: mpsc::Receiver<Input>,
        _diag: mpsc::UnboundedReceiver<String>,
    }

    fn rig(fail: bool) -> Rig {
        let policy = mcpward_policy::parse(
            "version = 1\n[servers.s]\nallow = [\"echo\"]\n",
            Path::new("test.toml"),
        )
        .expect("policy");
        let session = Session::new(
            SessionConfig {
                server: "s".into(),
                session_id: "test".into(),
            },
            Arc::new(PolicyGate::new(policy, None)),
        );
        let batches = Arc::new(Mutex::new(Vec::new()));
        let (client, to_client) = mpsc::unbounded_channel();
        let (server, to_server) = mpsc::unbounded_channel();
        let (diag, diag_rx) = mpsc::unbounded_channel();
        let (inputs, inputs_rx) = mpsc::channel(8);
        let io = Io {
            audit: AuditHandle::new(Box::new(Recorder {
                batches: Arc::clone(&batches),
                fail,
            })),
            client: Some(client),
            server: Some(server),
            diag,
            inputs,
            lockfile: LockfilePath::new("unused.lock"),
            poll: Duration::from_millis(10),
            store_approvals: HashSet::new(),
        };
        Rig {
            session,
            io,
            batches,
            to_client,
            to_server,
            _inputs: inputs_rx,
            _diag: diag_rx,
        }
    }

    fn call(id: u64) -> Vec<u8> {
        format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"echo","arguments":{{"text":"hi"}}}}}}"#
        )
        .into_bytes()
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    fn drain(rx: &mut mpsc::UnboundedReceiver<Vec<u8>>) -> Vec<String> {
        std::iter::from_fn(|| rx.try_recv().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect()
    }

    #[test]
    fn messages_that_arrive_together_share_one_commit_and_keep_their_order() {
        let mut r = rig(false);
        let group = vec![
            r.session.on_client_frame(call(1)),
            r.session.on_client_frame(call(2)),
            r.session.on_client_frame(call(3)),
        ];
        block_on(r.io.execute_group(&mut r.session, group));
        assert_eq!(*r.batches.lock().expect("lock"), vec![3]);
        let sent = drain(&mut r.to_server);
        assert_eq!(sent.len(), 3);
        for (i, frame) in sent.iter().enumerate() {
            assert!(frame.contains(&format!("\"id\":{}", i + 1)), "{frame}");
        }
        assert!(drain(&mut r.to_client).is_empty());
    }

    #[test]
    fn a_failed_group_commit_denies_every_message_of_the_group() {
        let mut r = rig(true);
        let group = vec![
            r.session.on_client_frame(call(1)),
            r.session.on_client_frame(call(2)),
        ];
        block_on(r.io.execute_group(&mut r.session, group));
        assert!(drain(&mut r.to_server).is_empty());
        let answers = drain(&mut r.to_client);
        assert_eq!(answers.len(), 2, "{answers:?}");
        for (i, answer) in answers.iter().enumerate() {
            assert!(answer.contains(&format!("\"id\":{}", i + 1)), "{answer}");
            assert!(answer.contains("-32603"), "{answer}");
        }
        assert_eq!(r.session.pending_requests(), 0);
    }

    #[test]
    fn one_message_is_one_transaction() {
        let mut r = rig(false);
        let actions = r.session.on_client_frame(call(7));
        block_on(r.io.execute(&mut r.session, actions));
        assert_eq!(*r.batches.lock().expect("lock"), vec![1]);
        assert_eq!(drain(&mut r.to_server).len(), 1);
    }

    #[test]
    fn the_events_of_a_message_are_taken_together_with_the_notices_between_them() {
        let event = || Action::Audit {
            event: Event::new("pin"),
            fallback: crate::session::Fallback::Continue,
        };
        let mut queue = VecDeque::from(vec![
            event(),
            Action::Notice("changed".into()),
            event(),
            Action::ToClient(b"{}".to_vec()),
            event(),
        ]);
        let run = take_events(&mut queue).expect("a run");
        assert_eq!(run.events.len(), 2);
        assert_eq!(run.notices, vec!["changed".to_owned()]);
        assert_eq!(queue.len(), 2);
        assert!(matches!(queue.front(), Some(Action::ToClient(_))));
        assert!(take_events(&mut VecDeque::from(vec![Action::Notice("x".into())])).is_none());
    }
}
