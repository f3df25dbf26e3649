use mcpward_protocol::{DEFAULT_MAX_MESSAGE, FrameError, Framer};

fn drain(framer: &mut Framer) -> Vec<Result<Vec<u8>, FrameError>> {
    std::iter::from_fn(|| framer.next_frame()).collect()
}

fn ok(s: &str) -> Result<Vec<u8>, FrameError> {
    Ok(s.as_bytes().to_vec())
}

#[test]
fn default_limit_is_64_mib() {
    assert_eq!(Framer::default().max_message(), DEFAULT_MAX_MESSAGE);
    assert_eq!(DEFAULT_MAX_MESSAGE, 64 * 1024 * 1024);
}

#[test]
fn message_split_across_pushes() {
    let mut framer = Framer::new(1024);
    framer.push(b"{\"jsonrpc\":");
    assert_eq!(framer.next_frame(), None);
    framer.push(b"\"2.0\",");
    framer.push(b"\"id\":1}");
    assert_eq!(framer.next_frame(), None);
    framer.push(b"\n");
    assert_eq!(drain(&mut framer), vec![ok(r#"{"jsonrpc":"2.0","id":1}"#)]);
}

#[test]
fn every_split_point_gives_the_same_frames() {
    let stream = b"{\"a\":1}\r\n\n{\"b\":2}\n  \r\n{\"c\":3}\r\n";
    let expected = vec![ok(r#"{"a":1}"#), ok(r#"{"b":2}"#), ok(r#"{"c":3}"#)];
    for split in 0..=stream.len() {
        let mut framer = Framer::new(64);
        framer.push(&stream[..split]);
        let mut frames = drain(&mut framer);
        framer.push(&stream[split..]);
        frames.extend(drain(&mut framer));
        assert_eq!(frames, expected, "split at {split}");
    }
    // One byte at a time.
    let mut framer = Framer::new(64);
    for b in stream {
        framer.push(std::slice::from_ref(b));
    }
    assert_eq!(drain(&mut framer), expected);
}

#[test]
fn crlf_is_accepted_and_stripped() {
    let mut framer = Framer::new(64);
    framer.push(b"{\"a\":1}\r\n{\"b\":2}\r");
    framer.push(b"\n");
    assert_eq!(drain(&mut framer), vec![ok(r#"{"a":1}"#), ok(r#"{"b":2}"#)]);
}

#[test]
fn lone_cr_inside_a_line_is_kept() {
    let mut framer = Framer::new(64);
    framer.push(b"a\rb\n");
    assert_eq!(drain(&mut framer), vec![ok("a\rb")]);
}

#[test]
fn many_messages_in_one_push() {
    let mut stream = Vec::new();
    for i in 0..1000 {
        stream.extend_from_slice(format!("{{\"id\":{i}}}\n").as_bytes());
    }
    let mut framer = Framer::new(64);
    framer.push(&stream);
    let frames = drain(&mut framer);
    assert_eq!(frames.len(), 1000);
    for (i, frame) in frames.into_iter().enumerate() {
        assert_eq!(frame, ok(&format!("{{\"id\":{i}}}")));
    }
    assert_eq!(framer.buffered(), 0);
}

#[test]
fn empty_and_blank_lines_are_skipped() {
    let mut framer = Framer::new(64);
    framer.push(b"\n\r\n \t \n{}\n\n");
    assert_eq!(drain(&mut framer), vec![ok("{}")]);
}

#[test]
fn oversize_line_then_normal_line() {
    let mut framer = Framer::new(10);
    framer.push(b"0123456789abcdef\n{\"ok\":1}\n");
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 16 }), ok(r#"{"ok":1}"#)]
    );
}

#[test]
fn oversize_line_streamed_is_not_buffered_and_reported_once() {
    let mut framer = Framer::new(100);
    framer.push(b"{\"first\":true}\n");
    let chunk = [b'x'; 64];
    let mut sent = 0;
    for _ in 0..1000 {
        framer.push(&chunk);
        sent += chunk.len();
        assert!(framer.buffered() <= 101, "buffered {}", framer.buffered());
    }
    assert_eq!(drain(&mut framer), vec![ok(r#"{"first":true}"#)]);
    framer.push(b"\r\n{\"next\":1}\n");
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: sent }), ok(r#"{"next":1}"#)]
    );
    assert_eq!(framer.next_frame(), None);
}

#[test]
fn oversize_detected_across_pushes_counts_every_byte() {
    let mut framer = Framer::new(4);
    framer.push(b"abc");
    framer.push(b"def");
    framer.push(b"ghi\r");
    framer.push(b"\nok\n");
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 9 }), ok("ok")]
    );
}

#[test]
fn exact_limit_line_is_accepted() {
    let line = "x".repeat(32);
    for terminator in ["\n", "\r\n"] {
        // In one push.
        let mut framer = Framer::new(32);
        framer.push(format!("{line}{terminator}").as_bytes());
        assert_eq!(drain(&mut framer), vec![ok(&line)]);
        // Split, so the line is accumulated, with the `\r` in the first part.
        let mut framer = Framer::new(32);
        let whole = format!("{line}{terminator}");
        let (a, b) = whole.split_at(whole.len() - 1);
        framer.push(a.as_bytes());
        framer.push(b.as_bytes());
        assert_eq!(drain(&mut framer), vec![ok(&line)]);
    }
}

#[test]
fn one_byte_over_the_limit_is_refused() {
    let line = "x".repeat(33);
    let mut framer = Framer::new(32);
    framer.push(line.as_bytes());
    framer.push(b"\n");
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 33 })]
    );
    let mut framer = Framer::new(32);
    framer.push(format!("{line}\r\n").as_bytes());
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 33 })]
    );
}

#[test]
fn zero_limit_refuses_every_message() {
    let mut framer = Framer::new(0);
    framer.push(b"{}\n\n");
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 2 })]
    );
}

#[test]
fn finish_flushes_an_unterminated_last_line() {
    let mut framer = Framer::new(8);
    framer.push(b"{\"a\":1}\n{\"b\":2}");
    framer.finish();
    assert_eq!(drain(&mut framer), vec![ok(r#"{"a":1}"#), ok(r#"{"b":2}"#)]);
    framer.finish();
    assert_eq!(framer.next_frame(), None);

    let mut framer = Framer::new(4);
    framer.push(b"0123456789");
    framer.finish();
    assert_eq!(
        drain(&mut framer),
        vec![Err(FrameError::TooLarge { len: 10 })]
    );
}

#[test]
fn too_large_message_names_the_length() {
    let err = FrameError::TooLarge { len: 70_000_000 };
    assert_eq!(
        err.to_string(),
        "message of 70000000 bytes exceeds the maximum message size"
    );
}
