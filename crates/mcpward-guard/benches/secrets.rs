//! Throughput of secret detection on typical text: prose, JSON tool results and code, each with
//! a few secrets mixed in. `cargo bench -p mcpward-guard`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcpward_guard::{find_secrets, redact};

const PROSE: &str = "The quarterly review covers the key results of the team. We passed the \
    audit, the authors updated the password policy, and the session notes are attached. Please \
    token-gate access to the new dashboard and keep the secret sauce documentation private. ";

const JSON: &str = r#"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"Found 3 issues in repo acme/api: #12 token refresh fails, #15 key rotation docs, #19 add auth header to client"}],"structuredContent":{"items":[{"id":12,"title":"token refresh fails","labels":["bug","auth"],"url":"https://github.com/acme/api/issues/12"}]}}}"#;

const CODE: &str = "fn refresh(&mut self, token: &Token) -> Result<(), AuthError> {\n    let key = \
    self.keys.get(&token.key_id).ok_or(AuthError::UnknownKey)?;\n    let password_hash = hash(&self.password_salt, key);\n    self.session.insert(password_hash);\n    Ok(())\n}\n";

const SECRETS: &[&str] = &[
    "export OPENAI_API_KEY=sk-proj-Xi8tdMjHV6pmbBbwilTeT3BlbkFJ3UDnpdEwNNm6wVBpYM0o\n",
    "DATABASE_URL=postgres://app:Qz8vR2kLm9xW@db.internal:5432/app\n",
    "\"Authorization\": \"Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0\"\n",
];

/// About `size` bytes of `unit` repeated, with a secret after every 64 KiB.
fn corpus(unit: &str, size: usize) -> String {
    let mut text = String::with_capacity(size + 1024);
    let mut next_secret = 0;
    while text.len() < size {
        text.push_str(unit);
        text.push('\n');
        if text.len() / 65_536 > next_secret {
            text.push_str(SECRETS[next_secret % SECRETS.len()]);
            next_secret += 1;
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("find_secrets");
    for (name, unit) in [("prose", PROSE), ("json", JSON), ("code", CODE)] {
        let text = corpus(unit, 1 << 20);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| find_secrets(black_box(&text))));
    }
    let small = JSON.to_owned();
    group.throughput(Throughput::Bytes(small.len() as u64));
    group.bench_function("small-tool-result", |b| {
        b.iter(|| find_secrets(black_box(&small)))
    });
    group.finish();

    let text = corpus(JSON, 1 << 20);
    let mut group = c.benchmark_group("redact");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("json", |b| b.iter(|| redact(black_box(&text))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
