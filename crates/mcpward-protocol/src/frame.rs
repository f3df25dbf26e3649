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
}

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
        self.ready.pop_front()
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
            self.discarded_cr = chunk.last() == Some(&b'\r');
            return;
        }
        let len = self.partial.len().saturating_add(chunk.len());
        // One byte of slack: the line may end in a `\r` that belongs to its terminator.
        if len > self.max.saturating_add(1) {
            self.discarding = Some(len);
            self.discarded_cr = chunk.last() == Some(&b'\r');
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
            self.ready.push_back(Err(FrameError::TooLarge { len }));
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
            self.ready
                .push_back(Err(FrameError::TooLarge { len: line.len() }));
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
        let frame = if line.len() > self.max {
            Err(FrameError::TooLarge { len: line.len() })
        } else {
            Ok(line.to_vec())
        };
        self.ready.push_back(frame);
    }
}

/// Empty, or only spaces, tabs and carriage returns.
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}
