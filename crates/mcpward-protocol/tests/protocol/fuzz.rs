//! Property tests: no input panics, and raw bytes survive exactly.

use mcpward_protocol::{Framer, check_no_duplicate_keys, parse, parse_owned};
use proptest::prelude::*;
use serde_json::Value;
use serde_json::value::RawValue;

/// Arbitrary JSON values, including awkward strings and keys.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Dyadic fractions print and parse back exactly.
        (any::<i16>(), 0..=10i32).prop_map(|(m, e)| Value::from(f64::from(m) / 2f64.powi(e))),
        "\\PC*".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bytes that look a little like JSON-RPC, so the parser gets past the first byte: most
/// bytes pick JSON punctuation or a member name, the rest stay raw.
fn jsonish_bytes() -> impl Strategy<Value = Vec<u8>> {
    const PIECES: &[&[u8]] = &[
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"",
        b":",
        b",",
        b"\n",
        b"\r",
        b"\\",
        b"\\u00",
        b"0",
        b"-1",
        b"1e400",
        b"null",
        b"true",
        b"\"jsonrpc\":\"2.0\"",
        b"\"id\"",
        b"\"method\"",
        b"\"tools/call\"",
        b"\"params\"",
        b"\"name\"",
        b"\"arguments\"",
        b"\"result\"",
        b"\"error\"",
        b" ",
    ];
    prop::collection::vec(any::<u8>(), 0..96).prop_map(|picks| {
        let mut out = Vec::new();
        for b in picks {
            match PIECES.get(usize::from(b) % PIECES.len()) {
                Some(piece) if b < 160 => out.extend_from_slice(piece),
                _ => out.push(b),
            }
        }
        out
    })
}

fn inspect(frame: Vec<u8>) {
    if let Ok(msg) = parse(&frame) {
        assert_eq!(msg.raw(), frame.as_slice());
        let _ = msg.kind();
        let _ = msg.id().map(ToString::to_string);
        let _ = msg.method();
        let _ = msg.params();
        let _ = msg.result();
        let _ = msg.error();
        assert_eq!(msg.params().map(RawValue::get), msg.params_json());
        assert_eq!(msg.result().map(RawValue::get), msg.result_json());
        assert_eq!(msg.error().map(RawValue::get), msg.error_json());
        let _ = msg.tool_call();
        let _ = msg.params_value();
        let _ = msg.result_value();
        let _ = msg.error_value();
        if let Some(result) = msg.result() {
            let _ = check_no_duplicate_keys(result);
        }
        if let Some(id) = msg.id() {
            let _ = id.is_reserved();
        }
    }
    let _ = parse_owned(frame);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(
        chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..8),
        max in 0usize..64,
    ) {
        let mut framer = Framer::new(max);
        for chunk in &chunks {
            framer.push(chunk);
            while let Some(frame) = framer.next_frame() {
                if let Ok(frame) = frame {
                    prop_assert!(frame.len() <= max);
                    inspect(frame);
                }
            }
            prop_assert!(framer.buffered() <= max + 1);
        }
        framer.finish();
        while let Some(frame) = framer.next_frame() {
            if let Ok(frame) = frame {
                inspect(frame);
            }
        }
    }

    #[test]
    fn jsonish_bytes_never_panic(bytes in jsonish_bytes()) {
        let mut framer = Framer::new(1024);
        framer.push(&bytes);
        framer.finish();
        while let Some(frame) = framer.next_frame() {
            if let Ok(frame) = frame {
                inspect(frame);
            }
        }
        inspect(bytes);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn envelope_fields_are_arbitrary(
        id in json_value(),
        params in json_value(),
        method in any::<String>(),
        extra in json_value(),
    ) {
        let mut envelope = serde_json::Map::new();
        envelope.insert("jsonrpc".into(), "2.0".into());
        envelope.insert("id".into(), id);
        envelope.insert("method".into(), Value::String(method.clone()));
        envelope.insert("params".into(), params);
        envelope.insert("x-extra".into(), extra);
        let text = Value::Object(envelope).to_string();
        if let Ok(msg) = parse(text.as_bytes()) {
            prop_assert_eq!(msg.raw(), text.as_bytes());
            prop_assert_eq!(msg.method(), Some(method.as_str()));
        }
        inspect(text.into_bytes());
    }

    #[test]
    fn random_values_round_trip_raw_bytes_exactly(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        // As a result, the message keeps every byte and the raw result is the same text.
        let message = format!("{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{text}}}");
        let msg = parse(message.as_bytes()).unwrap();
        prop_assert_eq!(msg.raw(), message.as_bytes());
        prop_assert_eq!(msg.result().unwrap().get(), text.as_str());
        prop_assert_eq!(msg.result_json(), Some(text.as_str()));
        // Maps from serde_json cannot repeat keys: the strict reading gives the same value.
        prop_assert_eq!(msg.result_value().unwrap(), Some(value.clone()));
        prop_assert!(check_no_duplicate_keys(msg.result().unwrap()).is_ok());

        // As params of a tools/call: the arguments come back equal.
        let call = format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"tools/call\",\"params\":{{\"name\":\"t\",\"arguments\":{{\"v\":{text}}}}}}}"
        );
        let msg = parse_owned(call.clone().into_bytes()).unwrap();
        prop_assert_eq!(msg.raw(), call.as_bytes());
        let tool = msg.tool_call().unwrap().unwrap();
        prop_assert_eq!(&tool.arguments["v"], &value);
    }

    #[test]
    fn framing_keeps_frames_whatever_the_chunking(
        values in prop::collection::vec(json_value(), 1..6),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        crlf in any::<bool>(),
    ) {
        let lines: Vec<String> = values.iter().map(Value::to_string).collect();
        let terminator = if crlf { "\r\n" } else { "\n" };
        let stream: String = lines.iter().map(|l| format!("{l}{terminator}")).collect();
        let bytes = stream.as_bytes();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut framer = Framer::new(usize::MAX);
        let mut frames = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            framer.push(&bytes[start..cut]);
            start = cut;
            while let Some(frame) = framer.next_frame() {
                frames.push(frame.unwrap());
            }
        }
        let expected: Vec<Vec<u8>> = lines.into_iter().map(String::into_bytes).collect();
        prop_assert_eq!(frames, expected);
    }
}
