//! Canonical tool hashing: the identity of a tool definition that pins (`mcpward run`'s lockfile,
//! `mcpward scan --connect --lock`) compare.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The fields of a tool definition that are pinned: the parts a model reads or a client acts on.
pub const PINNED_FIELDS: [&str; 6] = [
    "name",
    "title",
    "description",
    "inputSchema",
    "outputSchema",
    "annotations",
];

/// The pinned part of a tool definition: the [`PINNED_FIELDS`] it has.
pub fn pinned_definition(tool: &Value) -> Value {
    let mut out = Map::new();
    if let Value::Object(map) = tool {
        for field in PINNED_FIELDS {
            if let Some(v) = map.get(field) {
                out.insert(field.to_owned(), v.clone());
            }
        }
    }
    Value::Object(out)
}

/// `sha256:` + lowercase hex of the canonical JSON of the pinned part of `tool`.
pub fn tool_hash(tool: &Value) -> String {
    let mut text = String::new();
    canonical_json(&pinned_definition(tool), &mut text);
    let digest = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in digest {
        out.push(hex_digit(b >> 4));
        out.push(hex_digit(b & 0x0f));
    }
    out
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(n & 0x0f)])
}

/// Canonical JSON: object keys sorted by their UTF-8 bytes at every depth, no whitespace,
/// strings and numbers as `serde_json` writes them.
pub fn canonical_json(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn key_order_and_extra_fields_do_not_change_the_hash() {
        let a = json!({"name": "t", "description": "d", "inputSchema": {"type": "object", "properties": {"b": {}, "a": {}}}});
        let b = json!({"inputSchema": {"properties": {"a": {}, "b": {}}, "type": "object"}, "description": "d", "name": "t", "_meta": {"x": 1}});
        assert_eq!(tool_hash(&a), tool_hash(&b));
        assert_eq!(tool_hash(&a).len(), 7 + 64);
    }

    #[test]
    fn the_hash_is_sha256_of_the_canonical_text() {
        // sha256 of `{"name":"t"}`, computed independently.
        assert_eq!(
            tool_hash(&json!({"name": "t"})),
            "sha256:3647a67649228b62fe3d139c47f7a3c673c31ce57da824082b6654fc0b15751f"
        );
    }
}
