//! A key repeated in an inspected object is refused: parsers keep different copies, so the
//! server could act on a value the policy never saw.

use mcpward_protocol::{ProtocolError, check_no_duplicate_keys, parse, to_value_checked};
use serde_json::value::RawValue;

fn dup(path: &str) -> ProtocolError {
    ProtocolError::DuplicateKey { path: path.into() }
}

fn call(params: &str) -> Result<Option<mcpward_protocol::ToolCall>, ProtocolError> {
    let text = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{params}}}"#);
    parse(text.as_bytes()).unwrap().tool_call()
}

fn raw(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned()).unwrap()
}

#[test]
fn top_level_duplicates_are_refused_at_parse() {
    let err = parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","method":"tools/call"}"#)
        .unwrap_err();
    assert_eq!(err, dup("method"));
    assert_eq!(err.code(), -32600);
    // Unknown members too.
    assert_eq!(
        parse(br#"{"jsonrpc":"2.0","id":1,"method":"m","x":1,"x":2}"#).unwrap_err(),
        dup("x")
    );
    assert_eq!(
        parse(br#"{"jsonrpc":"2.0","id":1,"id":2,"result":{}}"#).unwrap_err(),
        dup("id")
    );
}

#[test]
fn top_level_keys_are_compared_decoded() {
    assert_eq!(
        parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","meth\u006fd":"tools/call"}"#)
            .unwrap_err(),
        dup("method")
    );
    // An escaped member name is still that member.
    let msg = parse(br#"{"jsonrp\u0063":"2.0","\u0069d":1,"method":"m"}"#).unwrap();
    assert_eq!(msg.id().unwrap().as_json(), "1");
}

#[test]
fn duplicate_in_params() {
    assert_eq!(
        call(r#"{"name":"read_file","name":"delete_file","arguments":{}}"#),
        Err(dup("params.name"))
    );
    assert_eq!(
        call(r#"{"name":"x","arguments":{},"arguments":{"path":"/etc"}}"#),
        Err(dup("params.arguments"))
    );
}

#[test]
fn duplicate_in_arguments() {
    assert_eq!(
        call(r#"{"name":"x","arguments":{"path":"/tmp/a","path":"/etc/shadow"}}"#),
        Err(dup("params.arguments.path"))
    );
}

#[test]
fn duplicate_in_nested_arguments() {
    assert_eq!(
        call(r#"{"name":"x","arguments":{"a":{"b":{"c":1,"d":{"e":1,"e":2}}}}}"#),
        Err(dup("params.arguments.a.b.d.e"))
    );
}

#[test]
fn duplicate_inside_arrays() {
    assert_eq!(
        call(r#"{"name":"x","arguments":{"files":[{"p":1},{"p":1,"p":2}]}}"#),
        Err(dup("params.arguments.files[1].p"))
    );
    assert_eq!(
        call(r#"{"name":"x","arguments":{"m":[[{}],[[{"k":0,"k":0}]]]}}"#),
        Err(dup("params.arguments.m[1][0][0].k"))
    );
}

#[test]
fn duplicate_in_meta_is_refused_too() {
    assert_eq!(
        call(r#"{"name":"x","_meta":{"t":1,"t":2}}"#),
        Err(dup("params._meta.t"))
    );
}

#[test]
fn unicode_escapes_of_keys_are_compared_decoded() {
    assert_eq!(
        call(r#"{"name":"read_file","na\u006de":"delete_file"}"#),
        Err(dup("params.name"))
    );
    assert_eq!(
        call(r#"{"name":"x","arguments":{"path":"a","\u0070\u0061\u0074\u0068":"b"}}"#),
        Err(dup("params.arguments.path"))
    );
    // A surrogate pair and the literal character are the same key.
    assert_eq!(
        call(r#"{"name":"x","arguments":{"😀":1,"\ud83d\ude00":2}}"#),
        Err(ProtocolError::DuplicateKey {
            path: r#"params.arguments["😀"]"#.into()
        })
    );
    // `\/` is `/`.
    assert_eq!(
        call(r#"{"name":"x","arguments":{"a/b":1,"a\/b":2}}"#),
        Err(ProtocolError::DuplicateKey {
            path: r#"params.arguments["a/b"]"#.into()
        })
    );
}

#[test]
fn similar_but_different_keys_pass() {
    let call = call(r#"{"name":"x","arguments":{"path":1,"Path":2,"path ":3,"p":{"path":4}}}"#)
        .unwrap()
        .unwrap();
    assert_eq!(call.arguments["Path"], 2);
    // The same key in sibling objects is fine.
    let call2 = super::duplicates::call(r#"{"name":"x","arguments":{"l":[{"k":1},{"k":2}]}}"#);
    assert!(call2.is_ok());
}

#[test]
fn many_keys_do_not_confuse_the_set() {
    let mut args: Vec<String> = (0..100).map(|i| format!("\"k{i}\":{i}")).collect();
    let ok = format!(r#"{{"name":"x","arguments":{{{}}}}}"#, args.join(","));
    assert_eq!(
        call(&ok)
            .unwrap()
            .unwrap()
            .arguments
            .as_object()
            .unwrap()
            .len(),
        100
    );
    args.push("\"k3\":0".into());
    let bad = format!(r#"{{"name":"x","arguments":{{{}}}}}"#, args.join(","));
    assert_eq!(call(&bad), Err(dup("params.arguments.k3")));
}

#[test]
fn odd_keys_are_quoted_and_long_ones_shortened() {
    assert_eq!(
        call(r#"{"name":"x","arguments":{"a.b":{"":1,"":2}}}"#),
        Err(ProtocolError::DuplicateKey {
            path: r#"params.arguments["a.b"][""]"#.into()
        })
    );
    let long = "k".repeat(500);
    let err = call(&format!(
        r#"{{"name":"x","arguments":{{"{long}":1,"{long}":2}}}}"#
    ))
    .unwrap_err();
    let ProtocolError::DuplicateKey { path } = err else {
        panic!("{err:?}")
    };
    assert!(path.len() < 100, "{path}");
    assert!(path.ends_with('…'), "{path}");
}

#[test]
fn check_no_duplicate_keys_on_any_value() {
    assert_eq!(
        check_no_duplicate_keys(&raw(r#"{"content":[{"type":"text","type":"image"}]}"#)),
        Err(dup("content[0].type"))
    );
    assert_eq!(
        check_no_duplicate_keys(&raw(r#"{"a":1,"a":2}"#)),
        Err(dup("a"))
    );
    assert_eq!(
        check_no_duplicate_keys(&raw(r#"[{"a":1},{"a":1,"a":1}]"#)),
        Err(dup("[1].a"))
    );
    assert_eq!(
        check_no_duplicate_keys(&raw(r#"{"content":[{"type":"text"}]}"#)),
        Ok(())
    );
    assert_eq!(check_no_duplicate_keys(&raw("\"scalar\"")), Ok(()));
    assert_eq!(
        to_value_checked(&raw(r#"{"a":[1,"b",null,true,1.5,-3]}"#)),
        Ok(serde_json::json!({"a": [1, "b", null, true, 1.5, -3]}))
    );
    assert_eq!(
        to_value_checked(&raw(r#"{"a":{"b":1,"b":1}}"#)),
        Err(dup("a.b"))
    );
}

#[test]
fn result_value_refuses_duplicates_with_result_path() {
    let msg = parse(br#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"text":"a","text":"b"}]}}"#)
        .unwrap();
    assert_eq!(msg.result_value(), Err(dup("result.content[0].text")));
}

#[test]
fn duplicates_found_before_a_syntax_error_do_not_hide_it() {
    // The text as a whole is not JSON: parse error, not a duplicate.
    let err = parse(br#"{"jsonrpc":"2.0","id":1,"id":2,"method":"m""#).unwrap_err();
    assert!(matches!(err, ProtocolError::Parse { .. }), "{err:?}");
}
