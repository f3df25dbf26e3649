//! A bounded decoder for `text/event-stream` (Server-Sent Events), the framing of MCP's HTTP
//! transports: a Streamable HTTP response may be an event stream carrying JSON-RPC messages,
//! and the legacy HTTP+SSE transport sends everything on one.
//!
//! [`SseDecoder`] follows the WHATWG event-stream interpretation: lines end in `\n`, `\r\n` or
//! `\r` (also when split across pushes), a leading byte-order mark is dropped, `:` starts a
//! comment, `field: value` loses one space after the colon, `data` lines join with `\n`, an empty
//! line dispatches the event (none when it has no `data`), `event` defaults to `message`, an `id`
//! holding NUL or longer than [`MAX_ID`] bytes is ignored, and `retry` and unknown fields are ignored. Text is decoded as UTF-8
//! with replacement characters, line by line, so a character split across pushes is kept.
//!
//! It never holds more than `max` bytes of one event (its field values and the unfinished
//! line): a longer event is [`SseError::TooLarge`], after which the decoder refuses everything.
//! The stream comes from an untrusted server; the caller is expected to abort it.
//!
//! ```
//! use mcpward_protocol::sse::SseDecoder;
//!
//! let mut d = SseDecoder::new(1024);
//! d.push(b": keep-alive\r\nevent: message\r\nid: 7\r\ndata: {\"a\":").unwrap();
//! d.push(b"1}\r\n\r\n").unwrap();
//! let e = d.next_event().unwrap();
//! assert_eq!((e.event.as_str(), e.data.as_str(), e.id.as_deref()), ("message", "{\"a\":1}", Some("7")));
//! assert!(d.next_event().is_none());
//! ```

use std::collections::VecDeque;

/// The longest `id` kept; a longer one is ignored (MCP servers use short ids).
pub const MAX_ID: usize = 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event type: the last `event` field, else `message`.
    pub event: String,
    /// The `data` lines joined with `\n`.
    pub data: String,
    /// The last `id` seen on the stream so far (the spec's "last event ID"), if any.
    pub id: Option<String>,
}

/// Why the stream was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SseError {
    /// One event (its fields and unfinished line) grew past the decoder's bound.
    #[error("an event of the stream exceeds {max} bytes")]
    TooLarge {
        /// The bound.
        max: usize,
    },
}

/// Decodes an event stream pushed in arbitrary chunks. See the [module](self) documentation.
#[derive(Debug)]
pub struct SseDecoder {
    max: usize,
    /// The unfinished line.
    line: Vec<u8>,
    /// The last byte pushed was `\r`: a `\n` that follows belongs to it.
    after_cr: bool,
    /// Whether the start of the stream (and a possible byte-order mark) was passed.
    started: bool,
    data: String,
    has_data: bool,
    event: String,
    last_id: Option<String>,
    ready: VecDeque<SseEvent>,
    failed: bool,
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl SseDecoder {
    /// A decoder that refuses events larger than `max` bytes.
    pub fn new(max: usize) -> SseDecoder {
        SseDecoder {
            max,
            line: Vec::new(),
            after_cr: false,
            started: false,
            data: String::new(),
            has_data: false,
            event: String::new(),
            last_id: None,
            ready: VecDeque::new(),
            failed: false,
        }
    }

    /// Decodes `bytes`; the events completed become available from [`Self::next_event`].
    /// After an error, every later push fails too.
    pub fn push(&mut self, mut bytes: &[u8]) -> Result<(), SseError> {
        if self.failed {
            return Err(SseError::TooLarge { max: self.max });
        }
        if !self.started {
            // The mark may arrive split across pushes: wait until three bytes are known.
            let have = self.line.len() + bytes.len();
            if have < BOM.len() && BOM.starts_with(&[self.line.as_slice(), bytes].concat()) {
                self.line.extend_from_slice(bytes);
                return Ok(());
            }
            self.started = true;
            let mut head = std::mem::take(&mut self.line);
            head.extend_from_slice(bytes);
            let body = head.strip_prefix(BOM).unwrap_or(&head).to_vec();
            return self.push_lines(&body);
        }
        if self.after_cr && !bytes.is_empty() {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        self.push_lines(bytes)
    }

    fn push_lines(&mut self, mut bytes: &[u8]) -> Result<(), SseError> {
        while let Some(at) = memchr::memchr2(b'\n', b'\r', bytes) {
            self.grow(at)?;
            self.line.extend_from_slice(&bytes[..at]);
            let line = std::mem::take(&mut self.line);
            self.field(&line)?;
            let cr = bytes[at] == b'\r';
            bytes = &bytes[at + 1..];
            if cr {
                match bytes.first() {
                    Some(b'\n') => bytes = &bytes[1..],
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
        }
        self.grow(bytes.len())?;
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    /// Fails when `more` bytes would take the current event past the bound.
    fn grow(&mut self, more: usize) -> Result<(), SseError> {
        let held = self.line.len() + self.data.len() + self.event.len();
        if held.saturating_add(more) > self.max {
            self.failed = true;
            self.line = Vec::new();
            self.data = String::new();
            self.event = String::new();
            return Err(SseError::TooLarge { max: self.max });
        }
        Ok(())
    }

    fn field(&mut self, line: &[u8]) -> Result<(), SseError> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (name, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let v = &line[i + 1..];
                (&line[..i], v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match name {
            b"data" => {
                self.grow(value.len() + 1)?;
                self.data.push_str(&value);
                self.data.push('\n');
                self.has_data = true;
            }
            b"event" => {
                self.event.clear();
                self.grow(value.len())?;
                self.event.push_str(&value);
            }
            // Every later event carries a copy of the last id, so a long one would be copied
            // into each of the many small events one push may hold: ids longer than `MAX_ID`
            // are ignored, like ids holding NUL.
            b"id" if !value.contains('\0') && value.len() <= MAX_ID => {
                self.last_id = Some(value.into_owned());
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        let event = std::mem::take(&mut self.event);
        let mut data = std::mem::take(&mut self.data);
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        data.pop(); // the `\n` after the last line
        self.ready.push_back(SseEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
        });
    }

    /// The next complete event, in stream order.
    pub fn next_event(&mut self) -> Option<SseEvent> {
        self.ready.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new(1 << 16);
        let mut out = Vec::new();
        for c in chunks {
            d.push(c).expect("within bounds");
            while let Some(e) = d.next_event() {
                out.push(e);
            }
        }
        out
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: event.to_owned(),
            data: data.to_owned(),
            id: id.map(str::to_owned),
        }
    }

    #[test]
    fn a_long_id_is_not_copied_into_every_event() {
        let long = "i".repeat(MAX_ID + 1);
        let mut stream = format!("id: ok\n\nid: {long}\n").into_bytes();
        for _ in 0..1000 {
            stream.extend_from_slice(b"data:\n\n");
        }
        let got = all(&[&stream]);
        assert_eq!(got.len(), 1000);
        assert!(got.iter().all(|e| e.id.as_deref() == Some("ok")));
        let exact = "j".repeat(MAX_ID);
        let got = all(&[format!("id: {exact}\ndata: x\n\n").as_bytes()]);
        assert_eq!(got[0].id.as_deref(), Some(exact.as_str()));
    }

    #[test]
    fn fields_follow_the_whatwg_rules() {
        let got = all(&[
            b"\xEF\xBB\xBFdata: a\ndata:b\ndata\n\nevent: endpoint\nid: 1\ndata: /m?s=1\n\n: c\n\nevent: x\n\nretry: 5\nwhat: ever\ndata:  two spaces\n\n",
        ]);
        assert_eq!(
            got,
            vec![
                ev("message", "a\nb\n", None),
                ev("endpoint", "/m?s=1", Some("1")),
                ev("message", " two spaces", Some("1")),
            ]
        );
    }

    #[test]
    fn every_line_ending_works_also_split_across_pushes() {
        let text: &[u8] = b"data: 1\r\n\r\ndata: 2\r\rdata: 3\n\n";
        let whole = all(&[text]);
        assert_eq!(
            whole.iter().map(|e| e.data.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        for cut in 0..text.len() {
            assert_eq!(all(&[&text[..cut], &text[cut..]]), whole, "cut at {cut}");
            assert_eq!(
                all(&[&text[..cut], b"", &text[cut..]]),
                whole,
                "empty push at {cut}"
            );
        }
        // A byte-order mark split across pushes, and a character split across pushes.
        let bom = "\u{feff}data: é\n\n".as_bytes();
        for cut in 0..bom.len() {
            let got = all(&[&bom[..cut], &bom[cut..]]);
            assert_eq!(got, vec![ev("message", "é", None)], "cut at {cut}");
        }
    }

    #[test]
    fn an_event_over_the_bound_is_refused_and_the_decoder_stays_failed() {
        let mut d = SseDecoder::new(16);
        assert!(d.push(b"data: 0123456789\n\n").is_ok());
        assert_eq!(
            d.next_event().map(|e| e.data).as_deref(),
            Some("0123456789")
        );
        assert_eq!(
            d.push(b"data: 0123456789\ndata: 0123456789\n"),
            Err(SseError::TooLarge { max: 16 })
        );
        assert!(d.push(b"\n").is_err());
        // A line that never ends is refused as it grows, not buffered.
        let mut d = SseDecoder::new(16);
        assert!(d.push(&[b'x'; 10]).is_ok());
        assert!(d.push(&[b'x'; 10]).is_err());
    }

    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        assert!(all(&[b"data: 1\n"]).is_empty());
        assert!(all(&[b"id: 2\n\n"]).is_empty());
    }
}
