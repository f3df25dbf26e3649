//! The event-stream decoder on arbitrary bytes: the first byte picks where the rest is cut in
//! two pushes, the second a small bound. Nothing may panic; the events must not depend on where
//! the stream was cut; no event may exceed the bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcpward_protocol::sse::{SseDecoder, SseEvent};

fn decode(chunks: &[&[u8]], max: usize) -> (Vec<SseEvent>, bool) {
    let mut d = SseDecoder::new(max);
    let mut out = Vec::new();
    for c in chunks {
        if d.push(c).is_err() {
            return (out, true);
        }
        while let Some(e) = d.next_event() {
            // The bound covers what the stream sent; the default name `message` was not sent.
            let named = if e.event == "message" { 0 } else { e.event.len() };
            assert!(e.data.len() + named <= max);
            out.push(e);
        }
    }
    (out, false)
}

fuzz_target!(|data: &[u8]| {
    let [cut, max, rest @ ..] = data else { return };
    let max = usize::from(*max) + 1;
    let at = usize::from(*cut) % (rest.len() + 1);
    let (whole, whole_failed) = decode(&[rest], max);
    let (split, split_failed) = decode(&[&rest[..at], &rest[at..]], max);
    if !whole_failed && !split_failed {
        assert_eq!(whole, split);
    }
});
