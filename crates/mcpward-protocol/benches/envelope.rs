//! Envelope costs: parse + `tool_call` of a small `tools/call`, framing throughput on a 1 MB
//! message, and parse + access of a 1 MB result.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcpward_protocol::{Framer, parse, parse_owned};

const SMALL_CALL: &str = r#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/home/user/src/app/README.md","encoding":"utf-8","limit":4096},"_meta":{"progressToken":"p-42"}}}"#;

/// A `tools/call` result of about 1 MB: text content with escapes, as servers send it.
fn big_result() -> Vec<u8> {
    let mut text = String::new();
    let line =
        r#"fn main() { println!(\"hello, world\"); }\n// a line of source code, escaped as JSON\n"#;
    while text.len() < 1_000_000 {
        text.push_str(line);
    }
    format!(
        r#"{{"jsonrpc":"2.0","id":42,"result":{{"content":[{{"type":"text","text":"{text}"}}],"isError":false}}}}"#
    )
    .into_bytes()
}

fn envelope(c: &mut Criterion) {
    let mut group = c.benchmark_group("small tools/call");
    group.throughput(Throughput::Elements(1));
    group.bench_function("serde_json::Value (reference)", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(SMALL_CALL.as_bytes())));
    });
    group.bench_function("parse", |b| {
        b.iter(|| parse(black_box(SMALL_CALL.as_bytes())));
    });
    group.bench_function("parse + tool_call", |b| {
        b.iter(|| {
            let msg = parse(black_box(SMALL_CALL.as_bytes())).ok()?;
            msg.tool_call().ok().flatten()
        });
    });
    group.bench_function("frame + parse_owned + tool_call", |b| {
        let mut line = SMALL_CALL.as_bytes().to_vec();
        line.push(b'\n');
        let mut framer = Framer::default();
        b.iter(|| {
            framer.push(black_box(&line));
            let frame = framer.next_frame()?.ok()?;
            let msg = parse_owned(frame).ok()?;
            msg.tool_call().ok().flatten()
        });
    });
    group.finish();

    let big = big_result();
    let mut stream = big.clone();
    stream.extend_from_slice(b"\r\n");
    let mut group = c.benchmark_group("1 MB message");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function("framing, one push", |b| {
        let mut framer = Framer::default();
        b.iter(|| {
            framer.push(black_box(&stream));
            framer.next_frame()
        });
    });
    group.bench_function("framing, 8 KiB pushes", |b| {
        let mut framer = Framer::default();
        b.iter(|| {
            for chunk in black_box(&stream).chunks(8192) {
                framer.push(chunk);
            }
            framer.next_frame()
        });
    });
    group.bench_function("framing, oversized and discarded", |b| {
        let mut framer = Framer::new(64 * 1024);
        b.iter(|| {
            for chunk in black_box(&stream).chunks(8192) {
                framer.push(chunk);
            }
            framer.next_frame()
        });
    });
    group.bench_function("parse_owned", |b| {
        b.iter_batched(
            || big.clone(),
            |frame| parse_owned(frame).ok(),
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("parse + result()", |b| {
        b.iter(|| {
            let msg = parse(black_box(&big)).ok()?;
            msg.result().map(|r| r.get().len())
        });
    });
    group.bench_function("parse + result_json()", |b| {
        b.iter(|| {
            let msg = parse(black_box(&big)).ok()?;
            msg.result_json().map(str::len)
        });
    });
    group.bench_function("parse + result_value (strict)", |b| {
        b.iter(|| {
            let msg = parse(black_box(&big)).ok()?;
            msg.result_value().ok().flatten()
        });
    });
    group.finish();
}

criterion_group!(benches, envelope);
criterion_main!(benches);
