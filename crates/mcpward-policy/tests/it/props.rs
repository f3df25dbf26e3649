//! `decide`, `explain` and `check_arguments` never panic on arbitrary JSON.

use mcpward_policy::{Call, SessionState, check_arguments};
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::policy;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".*".prop_map(Value::String),
        prop_oneof![
            Just("/etc/passwd"),
            Just("~/src/x/../../.ssh/id"),
            Just("http://0x7f.1/"),
            Just("http://[::ffff:127.0.0.1]/"),
            Just("file:///etc/shadow"),
            Just("C:\\x"),
            Just("../../.."),
            Just("~"),
            Just("http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("path".to_owned()),
                        Just("url".to_owned()),
                        Just("sql".to_owned()),
                        Just("files".to_owned()),
                        Just("targetDir".to_owned()),
                        "[a-zA-Z_]{0,12}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const POLICY: &str = r#"
version = 1
[servers."*"]
deny = ["*delete*"]
[servers.s]
allow = ["*"]
ask = ["write_*"]
paths.allow = ["~/src/**", "/tmp/**"]
paths.deny = ["**/.ssh/**"]
urls.allow = ["https://*.example.com/**", "http://localhost:8080/**"]
[[servers.s.rules]]
tool = "query"
deny_when = 'args.sql.matches("(?i)drop")'
[[servers.s.rules]]
ask_when = "session.tainted && size(args) > 2"
"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decide_never_panics(args in json(), tool in "[a-z_]{0,10}|query", tainted: bool) {
        let p = policy(POLICY);
        let session = SessionState { tainted, ..SessionState::default() };
        let call = Call { server: "s", tool: &tool, arguments: &args, agent: Some("a"), session: &session };
        let d = p.decide(&call);
        prop_assert!(!d.rule.is_empty());
        prop_assert_eq!(p.explain(&call).decision, d);
    }

    #[test]
    fn check_arguments_never_panics(schema in json(), args in json(), strict: bool) {
        let _ = check_arguments(&schema, &args, strict);
    }
}

#[test]
fn deeply_nested_arguments_deny() {
    let p = policy(POLICY);
    let mut v = Value::String("x".to_owned());
    for _ in 0..10_000 {
        v = Value::Array(vec![v]);
    }
    let session = SessionState::default();
    let call = Call {
        server: "s",
        tool: "t",
        arguments: &v,
        agent: None,
        session: &session,
    };
    let d = p.decide(&call);
    assert_eq!(d.rule, "builtin.arguments-too-deep");
    // Dropping a 10 000-deep Value recurses; do it iteratively so the test itself is sound.
    let mut cur = v;
    while let Value::Array(mut items) = cur {
        cur = items.pop().unwrap_or(Value::Null);
    }
}
