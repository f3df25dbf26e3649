use mcpward_protocol::{Message, MessageKind, ProtocolError, RequestId, codes, parse, parse_owned};

fn kind(text: &str) -> Result<MessageKind, ProtocolError> {
    parse(text.as_bytes()).map(|m| m.kind())
}

fn invalid(text: &str) -> bool {
    matches!(
        parse(text.as_bytes()),
        Err(ProtocolError::InvalidRequest { .. })
    )
}

#[test]
fn request() {
    let msg = parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::Request);
    assert_eq!(msg.method(), Some("tools/list"));
    assert_eq!(msg.id().unwrap().as_json(), "1");
    assert_eq!(msg.params().unwrap().get(), "{}");
    assert_eq!(msg.params_json(), Some("{}"));
    assert_eq!(msg.result_json(), None);
    assert!(msg.result().is_none());
    assert!(msg.error().is_none());
}

#[test]
fn notification() {
    let msg = parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::Notification);
    assert_eq!(msg.id(), None);
    assert_eq!(msg.method(), Some("notifications/initialized"));
    assert!(msg.params().is_none());
}

#[test]
fn response() {
    let msg = parse(br#"{"jsonrpc":"2.0","id":"abc","result":{"tools":[]}}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::Response);
    assert_eq!(msg.id().unwrap().as_json(), r#""abc""#);
    assert_eq!(msg.result().unwrap().get(), r#"{"tools":[]}"#);
    assert_eq!(msg.method(), None);
}

#[test]
fn error_response_with_id_null_and_absent() {
    let msg =
        parse(br#"{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"nope"}}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::ErrorResponse);
    assert_eq!(msg.id(), Some(&RequestId::number(5)));
    assert_eq!(
        msg.error().unwrap().get(),
        r#"{"code":-32601,"message":"nope"}"#
    );
    assert_eq!(
        msg.error_json(),
        Some(r#"{"code":-32601,"message":"nope"}"#)
    );

    let msg =
        parse(br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::ErrorResponse);
    assert_eq!(msg.id(), None);

    assert_eq!(
        kind(r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"x"}}"#),
        Ok(MessageKind::ErrorResponse)
    );
}

#[test]
fn both_protocol_eras_pass() {
    // 2025-06-18 / 2025-11-25: a session starts with initialize.
    let init = r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#;
    assert_eq!(kind(init), Ok(MessageKind::Request));
    // 2026-07-28: no initialize; the first message may be any request.
    let call = r#"{"jsonrpc":"2.0","id":0,"method":"tools/call","params":{"name":"t","arguments":{},"_meta":{"protocolVersion":"2026-07-28"}}}"#;
    let msg = parse(call.as_bytes()).unwrap();
    assert_eq!(msg.kind(), MessageKind::Request);
    assert_eq!(msg.tool_call().unwrap().unwrap().name, "t");
}

#[test]
fn raw_is_exactly_the_received_bytes() {
    let text = " { \"jsonrpc\" : \"2.0\" , \"x-vendor\" : [1, 2.50, {\"k\": null}], \"id\" : 7 , \"method\" : \"a/b\" } ";
    let msg = parse(text.as_bytes()).unwrap();
    assert_eq!(msg.raw(), text.as_bytes());
    assert_eq!(msg.as_str(), text);
    assert_eq!(msg.id().unwrap().as_json(), "7");
    assert_eq!(msg.clone().into_raw(), text.as_bytes());
    let owned = parse_owned(text.as_bytes().to_vec()).unwrap();
    assert_eq!(owned.raw(), text.as_bytes());
}

#[test]
fn raw_values_keep_their_spelling() {
    let msg = parse(br#"{"jsonrpc":"2.0","id":1,"result":{"n":1.50,"s":"\u00e9"}}"#).unwrap();
    assert_eq!(msg.result().unwrap().get(), r#"{"n":1.50,"s":"\u00e9"}"#);
    assert_eq!(msg.result_json(), Some(r#"{"n":1.50,"s":"\u00e9"}"#));
}

#[test]
fn id_types() {
    let id = |text: &str| parse(text.as_bytes()).unwrap().id().cloned();
    assert_eq!(
        id(r#"{"jsonrpc":"2.0","id":42,"method":"m"}"#),
        Some(RequestId::number(42))
    );
    assert_eq!(
        id(r#"{"jsonrpc":"2.0","id":-1.5e3,"method":"m"}"#)
            .unwrap()
            .as_json(),
        "-1.5e3"
    );
    assert_eq!(
        id(r#"{"jsonrpc":"2.0","id":"req-1","method":"m"}"#),
        Some(RequestId::string("req-1"))
    );
    assert_eq!(id(r#"{"jsonrpc":"2.0","id":null,"error":{}}"#), None);
    // Not a string or a number.
    assert!(invalid(r#"{"jsonrpc":"2.0","id":true,"method":"m"}"#));
    assert!(invalid(r#"{"jsonrpc":"2.0","id":{},"method":"m"}"#));
    assert!(invalid(r#"{"jsonrpc":"2.0","id":[1],"method":"m"}"#));
    // A request id must not be null; a result needs an id.
    assert!(invalid(r#"{"jsonrpc":"2.0","id":null,"method":"m"}"#));
    assert!(invalid(r#"{"jsonrpc":"2.0","id":null,"result":{}}"#));
    assert!(invalid(r#"{"jsonrpc":"2.0","result":{}}"#));
}

#[test]
fn request_id_equality_is_bytewise_after_trimming() {
    use std::collections::HashMap;
    let a: RequestId = " 1 ".parse().unwrap();
    let b = RequestId::from_json("1").unwrap();
    assert_eq!(a, b);
    assert_ne!(b, RequestId::from_json("1.0").unwrap());
    assert_ne!(
        RequestId::from_json(r#""a""#).unwrap(),
        RequestId::from_json(r#""\u0061""#).unwrap()
    );
    let mut pending = HashMap::new();
    pending.insert(a, "tools/call");
    let reply = parse(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#).unwrap();
    assert_eq!(pending.get(reply.id().unwrap()), Some(&"tools/call"));
    assert_eq!(b.to_string(), "1");
    assert_eq!(RequestId::string("x\"y").to_string(), r#""x\"y""#);
    assert!(matches!(
        RequestId::from_json("null"),
        Err(ProtocolError::InvalidRequest { .. })
    ));
    assert!(matches!(
        RequestId::from_json("{"),
        Err(ProtocolError::Parse { .. })
    ));
}

#[test]
fn reserved_ids() {
    let id = RequestId::reserved(12);
    assert_eq!(id.as_json(), r#""mcpward-12""#);
    assert!(id.is_reserved());
    assert!(
        RequestId::from_json(r#""mcpward\u002d1""#)
            .unwrap()
            .is_reserved()
    );
    assert!(!RequestId::string("client-1").is_reserved());
    assert!(!RequestId::number(1).is_reserved());
    let msg = Message::new_request(12, "elicitation/create", None);
    assert_eq!(msg.id(), Some(&id));
    // A response from the client is told apart by its id.
    let reply =
        parse(br#"{"jsonrpc":"2.0","id":"mcpward-12","result":{"action":"accept"}}"#).unwrap();
    assert!(reply.id().unwrap().is_reserved());
    assert_eq!(reply.id(), Some(&id));
}

#[test]
fn built_messages_parse_back_the_same() {
    let params = serde_json::json!({"message": "Allow \"delete\"?\n", "requestedSchema": {}});
    for msg in [
        Message::new_request(1, "elicitation/create", Some(&params)),
        Message::new_request(2, "we\"ird\u{1}", None),
        Message::new_notification("notifications/cancelled", Some(&params)),
    ] {
        let again = parse(msg.raw()).unwrap();
        assert_eq!(again.kind(), msg.kind());
        assert_eq!(again.id(), msg.id());
        assert_eq!(again.method(), msg.method());
        assert_eq!(
            again.params().map(|p| p.get().to_owned()),
            msg.params().map(|p| p.get().to_owned())
        );
        assert!(!msg.raw().contains(&b'\n'));
    }
    let n = Message::new_notification("notifications/cancelled", None);
    assert_eq!(n.kind(), MessageKind::Notification);
    assert_eq!(
        n.as_str(),
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled"}"#
    );
}

#[test]
fn method_escapes_are_decoded() {
    let msg =
        parse(br#"{"jsonrpc":"2.0","id":1,"method":"tools\/c\u0061ll","params":{"name":"x"}}"#)
            .unwrap();
    assert_eq!(msg.method(), Some("tools/call"));
    assert_eq!(msg.tool_call().unwrap().unwrap().name, "x");
    assert!(invalid(r#"{"jsonrpc":"2.0","id":1,"method":5}"#));
}

#[test]
fn jsonrpc_version_is_checked() {
    assert!(invalid(r#"{"id":1,"method":"m"}"#));
    assert!(invalid(r#"{"jsonrpc":"1.0","id":1,"method":"m"}"#));
    assert!(invalid(r#"{"jsonrpc":2.0,"id":1,"method":"m"}"#));
    assert_eq!(
        kind(r#"{"jsonrpc":"2\u002e0","id":1,"method":"m"}"#),
        Ok(MessageKind::Request)
    );
}

#[test]
fn invalid_json_is_a_parse_error() {
    for text in [
        "",
        "   ",
        "{",
        r#"{"jsonrpc":"2.0","id":1,"method":"m""#,
        r#"{"jsonrpc":"2.0","id":1,"method":"m"} trailing"#,
        r#"{"jsonrpc":"2.0",}"#,
        "[1,",
        "nul",
        "{'a':1}",
    ] {
        let err = parse(text.as_bytes()).unwrap_err();
        assert!(
            matches!(err, ProtocolError::Parse { .. }),
            "{text}: {err:?}"
        );
        assert_eq!(err.code(), codes::PARSE_ERROR);
    }
    let err = parse(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}").unwrap_err();
    assert!(matches!(err, ProtocolError::Parse { .. }), "{err:?}");
}

#[test]
fn non_objects_are_invalid_requests() {
    for text in ["1", "\"x\"", "null", "true", "[]"] {
        let err = parse(text.as_bytes()).unwrap_err();
        assert!(
            matches!(err, ProtocolError::InvalidRequest { .. }),
            "{text}: {err:?}"
        );
        assert_eq!(err.code(), codes::INVALID_REQUEST);
    }
}

#[test]
fn batches_are_refused() {
    let err = parse(br#"[{"jsonrpc":"2.0","id":1,"method":"m"},{"jsonrpc":"2.0","method":"n"}]"#)
        .unwrap_err();
    assert!(matches!(&err, ProtocolError::InvalidRequest { reason } if reason.contains("batch")));
    assert_eq!(err.code(), -32600);
}

#[test]
fn ambiguous_members_are_invalid() {
    assert!(invalid(
        r#"{"jsonrpc":"2.0","id":1,"method":"m","result":{}}"#
    ));
    assert!(invalid(
        r#"{"jsonrpc":"2.0","id":1,"method":"m","error":{}}"#
    ));
    assert!(invalid(
        r#"{"jsonrpc":"2.0","id":1,"result":{},"error":{}}"#
    ));
    assert!(invalid(r#"{"jsonrpc":"2.0","id":1}"#));
    assert!(invalid(r#"{"jsonrpc":"2.0"}"#));
}

#[test]
fn tool_call_reads_name_and_arguments() {
    let msg = parse(
        br#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/tmp/x","content":"hi","opts":{"mode":[1,2]}},"_meta":{"progressToken":1}}}"#,
    )
    .unwrap();
    let call = msg.tool_call().unwrap().unwrap();
    assert_eq!(call.name, "write_file");
    assert_eq!(
        call.arguments,
        serde_json::json!({"path": "/tmp/x", "content": "hi", "opts": {"mode": [1, 2]}})
    );
}

#[test]
fn tool_call_without_arguments_has_null() {
    let msg = parse(br#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"now"}}"#)
        .unwrap();
    assert_eq!(
        msg.tool_call().unwrap().unwrap().arguments,
        serde_json::Value::Null
    );
}

#[test]
fn tool_call_as_notification_is_still_inspected() {
    let msg = parse(br#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"rm"}}"#).unwrap();
    assert_eq!(msg.kind(), MessageKind::Notification);
    assert_eq!(msg.tool_call().unwrap().unwrap().name, "rm");
}

#[test]
fn tool_call_is_none_for_other_messages() {
    for text in [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
        r#"{"jsonrpc":"2.0","id":1,"result":{"name":"x"}}"#,
    ] {
        assert_eq!(parse(text.as_bytes()).unwrap().tool_call(), Ok(None));
    }
}

#[test]
fn malformed_tool_calls_are_invalid_params() {
    for text in [
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[]}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":"a=1"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"n":1e400}}}"#,
    ] {
        let err = parse(text.as_bytes()).unwrap().tool_call().unwrap_err();
        assert!(
            matches!(err, ProtocolError::InvalidParams { .. }),
            "{text}: {err:?}"
        );
        assert_eq!(err.code(), codes::INVALID_PARAMS);
    }
}

#[test]
fn deep_nesting() {
    // The envelope is skimmed without recursion: any depth parses...
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":1,"result":{}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let msg = parse(deep.as_bytes()).unwrap();
    assert_eq!(msg.kind(), MessageKind::Response);
    // ...but reading it into a tree stops at the bound, without overflowing the stack.
    let err = msg.result_value().unwrap_err();
    assert!(
        matches!(&err, ProtocolError::TooDeep { path, limit: 100 } if path.starts_with("result[0][0]")),
        "{err:?}"
    );
    assert!(matches!(
        mcpward_protocol::check_no_duplicate_keys(msg.result().unwrap()),
        Err(ProtocolError::TooDeep { .. })
    ));
    // Just past the bound, inside tool arguments.
    let args = format!("{}1{}", "[".repeat(99), "]".repeat(99));
    let text = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"x","arguments":{{"a":{args}}}}}}}"#
    );
    let err = parse(text.as_bytes()).unwrap().tool_call().unwrap_err();
    assert!(
        matches!(&err, ProtocolError::TooDeep { path, limit: 100 } if path.starts_with("params.arguments.a[0][0]")),
        "{err:?}"
    );
    // At the bound: params (1) + arguments (1) + 98 arrays = 100 levels.
    let args = format!("{}1{}", "[".repeat(98), "]".repeat(98));
    let text = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"x","arguments":{{"a":{args}}}}}}}"#
    );
    assert!(parse(text.as_bytes()).unwrap().tool_call().is_ok());
}

#[test]
fn params_and_result_values() {
    let msg =
        parse(br#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}]}}"#)
            .unwrap();
    assert_eq!(
        msg.result_value().unwrap(),
        Some(serde_json::json!({"content": [{"type": "text", "text": "hi"}]}))
    );
    assert_eq!(msg.params_value().unwrap(), None);
    assert_eq!(msg.error_value().unwrap(), None);
}
