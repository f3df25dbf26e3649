use mcpward_protocol::{
    MessageKind, ProtocolError, RequestId, codes, error_response, error_response_with_data, parse,
    with_result,
};
use serde_json::json;

#[test]
fn error_response_format() {
    let id = RequestId::number(7);
    assert_eq!(
        String::from_utf8(error_response(Some(&id), codes::DENIED, "Unknown tool: rm")).unwrap(),
        r#"{"jsonrpc":"2.0","id":7,"error":{"code":-32001,"message":"Unknown tool: rm"}}"#
    );
    let id = RequestId::string("a\"b");
    assert_eq!(
        String::from_utf8(error_response(Some(&id), codes::INTERNAL, "x")).unwrap(),
        r#"{"jsonrpc":"2.0","id":"a\"b","error":{"code":-32603,"message":"x"}}"#
    );
}

#[test]
fn error_response_without_id_is_null() {
    assert_eq!(
        String::from_utf8(error_response(None, codes::PARSE_ERROR, "parse error")).unwrap(),
        r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}"#
    );
}

#[test]
fn error_messages_are_escaped_onto_one_line() {
    let message = "line1\nline2\r\t\"q\" \\ \u{1b}[31m\u{7f} é";
    let reply = error_response(None, codes::DENIED, message);
    assert!(!reply.contains(&b'\n'));
    let msg = parse(&reply).unwrap();
    assert_eq!(msg.kind(), MessageKind::ErrorResponse);
    let error: serde_json::Value = serde_json::from_str(msg.error().unwrap().get()).unwrap();
    assert_eq!(error["message"], message);
    assert_eq!(error["code"], codes::DENIED);
}

#[test]
fn error_response_with_data_parses() {
    let id = RequestId::number(1);
    let reply = error_response_with_data(
        Some(&id),
        codes::APPROVAL_TIMEOUT,
        "approval timed out",
        &json!({"approval": "ab12"}),
    );
    assert_eq!(
        String::from_utf8(reply).unwrap(),
        r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32002,"message":"approval timed out","data":{"approval":"ab12"}}}"#
    );
}

#[test]
fn with_result_format() {
    let id = RequestId::string("x");
    let reply = with_result(&id, &json!({"content": [{"type": "text", "text": "a\nb"}]}));
    assert_eq!(
        String::from_utf8(reply.clone()).unwrap(),
        r#"{"jsonrpc":"2.0","id":"x","result":{"content":[{"type":"text","text":"a\nb"}]}}"#
    );
    let msg = parse(&reply).unwrap();
    assert_eq!(msg.kind(), MessageKind::Response);
    assert_eq!(msg.id(), Some(&id));
}

#[test]
fn protocol_errors_answer_with_their_code() {
    let err = parse(b"{").unwrap_err();
    let reply = parse(&err.response(None)).unwrap();
    let error: serde_json::Value = serde_json::from_str(reply.error().unwrap().get()).unwrap();
    assert_eq!(error["code"], -32700);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("parse error")
    );

    let id = RequestId::number(4);
    let err = ProtocolError::DuplicateKey {
        path: "params.arguments.path".into(),
    };
    assert_eq!(
        String::from_utf8(err.response(Some(&id))).unwrap(),
        r#"{"jsonrpc":"2.0","id":4,"error":{"code":-32600,"message":"duplicate key `params.arguments.path`"}}"#
    );
}

#[test]
fn codes_are_the_contract_values() {
    assert_eq!(codes::PARSE_ERROR, -32700);
    assert_eq!(codes::INVALID_REQUEST, -32600);
    assert_eq!(codes::METHOD_NOT_FOUND, -32601);
    assert_eq!(codes::INVALID_PARAMS, -32602);
    assert_eq!(codes::INTERNAL, -32603);
    assert_eq!(codes::DENIED, -32001);
    assert_eq!(codes::APPROVAL_TIMEOUT, -32002);
    assert_eq!(codes::SERVER_EXITED, -32003);
}
