//! Newline-delimited framing with a bound on the size of one message.
//!
//! MCP's stdio transport sends one JSON-RPC message per line. [`Framer`] turns a byte stream,
//! pushed in arbitrary chunks, into those lines. It never holds more than the maximum message
//! size (plus one byte for a `\r`) of an unfinished line: a longer line is dropped as its bytes
//! arrive and reported once, as [`FrameError::TooLarge`], when its newline is found.

use std::collections::VecDeque;

/// The default bound on one message: 64 MiB.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// Why a line did not become a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The line was longer than the maximum message size. Its bytes were discarded without being
    /// buffered whole; framing goes on with the next line.
    #[error("message of {len} bytes exceeds the maximum message size")]
    TooLarge {
        /// Length of the line in bytes, not counting its `\n` or `\r\n` terminator.
        len: usize,
    },
}

/// Splits a byte stream into newline-delimited frames of bounded size.
///
/// Push bytes as they arrive with [`Framer::push`], then take frames with [`Framer::next_frame`]
/// until it returns `None`. Frames come without their terminator: `\n` and `\r\n` are both
/// accepted. Blank lines (empty, or only spaces, tabs and `\r`) are skipped. At the end of the
/// stream, [`Framer::finish`] turns an unterminated last line into a frame.
///
/// Each pushed byte is searched for a newline once (with `memchr`); a complete line that arrives
/// in one push is copied once, straight into its frame, and a line that spans pushes is
/// accumulated in one buffer that becomes the frame without a further copy.
///
/// ```
/// use mcpward_protocol::{FrameError, Framer};
///
/// let mut framer = Framer::new(16);
/// framer.push(b"{\"a\":1}\r\n\n{\"this line is\":\"too long\"}\n{\"b\"");
/// framer.push(b":2}\n");
/// assert_eq!(framer.next_frame(), Some(Ok(b"{\"a\":1}".to_vec())));
/// assert_eq!(framer.next_frame(), Some(Err(FrameError::TooLarge { len: 27 })));
/// assert_eq!(framer.next_frame(), Some(Ok(b"{\"b\":2}".to_vec())));
/// assert_eq!(framer.next_frame(), None);
/// ```
#[derive(Debug)]
pub struct Framer {
    max: usize,
    /// The unfinished line, when it is short enough to keep.
    partial: Vec<u8>,
    /// `Some(len)` while the unfinished line is being discarded: `len` bytes so far.
    discarding: Option<usize>,
    /// Whether the last discarded byte was `\r` (it then belongs to the terminator).
    discarded_cr: bool,
    /// Finished lines and errors, in stream order.
    ready: VecDeque<Result<Vec<u8>, FrameError>>,
    /// The first [`OVERSIZED_HEAD`] bytes of the line being discarded.
    head: Vec<u8>,
    /// The last [`OVERSIZED_HEAD`] bytes of the line being discarded.
    tail: Vec<u8>,
    /// The heads and tails of the oversized lines in `ready`, in order.
    heads: VecDeque<(Vec<u8>, Vec<u8>)>,
    /// The head and tail of the oversized line [`Framer::next_frame`] returned last.
    last_head: (Vec<u8>, Vec<u8>),
}

/// How many leading bytes of an oversized line are kept, to recover its `id`.
pub const OVERSIZED_HEAD: usize = 1024;

impl Default for Framer {
    /// A framer with [`DEFAULT_MAX_MESSAGE`].
    fn default() -> Self {
        Self::new(DEFAULT_MAX_MESSAGE)
    }
}

impl Framer {
    /// A framer that accepts messages of at most `max_message` bytes (terminator not counted).
    pub fn new(max_message: usize) -> Self {
        Self {
            max: max_message,
            partial: Vec::new(),
            discarding: None,
            discarded_cr: false,
            ready: VecDeque::new(),
            head: Vec::new(),
            tail: Vec::new(),
            heads: VecDeque::new(),
            last_head: (Vec::new(), Vec::new()),
        }
    }

    /// The maximum message size this framer accepts.
    pub fn max_message(&self) -> usize {
        self.max
    }

    /// Feeds bytes from the stream. Complete lines become available from
    /// [`Framer::next_frame`]; the rest is kept (or discarded, past the limit) until its newline.
    pub fn push(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some(nl) = memchr::memchr(b'\n', rest) {
            let (line, tail) = rest.split_at(nl);
            if self.partial.is_empty() && self.discarding.is_none() {
                // The whole line is in this push: copy it once, straight into its frame.
                self.complete_borrowed(line);
            } else {
                self.absorb(line);
                self.complete_partial();
            }
            // `tail` starts with the newline.
            rest = tail.get(1..).unwrap_or_default();
        }
        self.absorb(rest);
    }

    /// The next frame or framing error, in stream order; `None` when more bytes are needed.
    pub fn next_frame(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        let next = self.ready.pop_front()?;
        if next.is_err() {
            self.last_head = self.heads.pop_front().unwrap_or_default();
        }
        Some(next)
    }

    /// The JSON-RPC `id` of the oversized line that [`Framer::next_frame`] returned last: a
    /// top-level member among its first [`OVERSIZED_HEAD`] bytes, or its last member within the
    /// last ones (serializers that write `result` first put `id` at the end) — so the request (or
    /// the answer) it belonged to can still be answered instead of left waiting.
    pub fn last_oversized_id(&self) -> Option<crate::RequestId> {
        crate::id::id_from_prefix(&self.last_head.0)
            .or_else(|| crate::id::id_from_suffix(&self.last_head.1))
    }

    /// Queues a [`FrameError::TooLarge`] with the head and tail of its line.
    fn push_too_large(&mut self, len: usize, head: Vec<u8>, tail: Vec<u8>) {
        self.ready.push_back(Err(FrameError::TooLarge { len }));
        self.heads.push_back((head, tail));
    }

    /// Keeps the last [`OVERSIZED_HEAD`] bytes seen of the line being discarded.
    fn keep_tail(&mut self, chunk: &[u8]) {
        let chunk = &chunk[chunk.len().saturating_sub(OVERSIZED_HEAD)..];
        let excess = (self.tail.len() + chunk.len()).saturating_sub(OVERSIZED_HEAD);
        self.tail.drain(..excess.min(self.tail.len()));
        self.tail.extend_from_slice(chunk);
    }

    /// Marks the end of the stream: an unterminated last line becomes a frame (or a
    /// [`FrameError::TooLarge`]), to be taken with [`Framer::next_frame`].
    pub fn finish(&mut self) {
        if !self.partial.is_empty() || self.discarding.is_some() {
            self.complete_partial();
        }
    }

    /// Bytes of the unfinished line held right now (0 while an oversized line is discarded).
    pub fn buffered(&self) -> usize {
        self.partial.len()
    }

    /// Adds bytes of the unfinished line, switching to discarding once it cannot fit.
    fn absorb(&mut self, chunk: &[u8]) {
        if chunk.is_empty() {
            return;
        }
        if let Some(len) = self.discarding.as_mut() {
            *len = len.saturating_add(chunk.len());
            let room = OVERSIZED_HEAD.saturating_sub(self.head.len());
            self.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
            self.keep_tail(chunk);
            self.discarded_cr = chunk.last() == Some(&b'\r');
            return;
        }
        let len = self.partial.len().saturating_add(chunk.len());
        // One byte of slack: the line may end in a `\r` that belongs to its terminator.
        if len > self.max.saturating_add(1) {
            self.discarding = Some(len);
            self.discarded_cr = chunk.last() == Some(&b'\r');
            let mut head = std::mem::take(&mut self.partial);
            head.truncate(OVERSIZED_HEAD);
            let room = OVERSIZED_HEAD - head.len();
            head.extend_from_slice(&chunk[..room.min(chunk.len())]);
            self.head = head;
            self.tail.clear();
            self.keep_tail(chunk);
            // Give the memory back: an oversized line must not pin a large buffer.
            self.partial = Vec::new();
        } else {
            self.partial.extend_from_slice(chunk);
        }
    }

    /// Ends the unfinished line (its newline was found, or the stream ended).
    fn complete_partial(&mut self) {
        if let Some(len) = self.discarding.take() {
            let len = len.saturating_sub(usize::from(self.discarded_cr));
            self.discarded_cr = false;
            let head = std::mem::take(&mut self.head);
            let tail = std::mem::take(&mut self.tail);
            self.push_too_large(len, head, tail);
            return;
        }
        let mut line = std::mem::take(&mut self.partial);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if is_blank(&line) {
            // Keep the allocation for the next line.
            line.clear();
            self.partial = line;
        } else if line.len() > self.max {
            let len = line.len();
            let tail = line[len.saturating_sub(OVERSIZED_HEAD)..].to_vec();
            line.truncate(OVERSIZED_HEAD);
            self.push_too_large(len, line, tail);
        } else {
            self.ready.push_back(Ok(line));
        }
    }

    /// Ends a line that arrived whole in one push.
    fn complete_borrowed(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if is_blank(line) {
            return;
        }
        if line.len() > self.max {
            let head = line[..OVERSIZED_HEAD.min(line.len())].to_vec();
            let tail = line[line.len().saturating_sub(OVERSIZED_HEAD)..].to_vec();
            self.push_too_large(line.len(), head, tail);
        } else {
            self.ready.push_back(Ok(line.to_vec()));
        }
    }
}

/// Empty, or only spaces, tabs and carriage returns.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}
