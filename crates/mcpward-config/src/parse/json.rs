//! json parsing (placeholder until implemented).

use super::ParseError;
use crate::Node;

pub(super) fn parse(_text: &str) -> Result<Node, ParseError> {
    Err(ParseError {
        offset: 0,
        message: "not implemented".into(),
    })
}
