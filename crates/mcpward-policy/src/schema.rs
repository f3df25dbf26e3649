//! Checking `tools/call` arguments against the tool's `inputSchema`.
//!
//! Schemas come from servers, so they are untrusted: validators are built offline (a `$ref` to
//! `http://…` or `file://…` fails to compile instead of being fetched, and a schema that does
//! not compile rejects every call), `pattern` uses the linear-time `regex` engine, and error
//! messages mask the argument values.
//!
//! Strict mode adds `"additionalProperties": false` to every object schema that lists
//! `properties` and says nothing about extra ones, on a copy. It leaves alone schemas that
//! combine with siblings (`allOf`, `anyOf`, `oneOf`, `$ref`, `if`, `dependentSchemas`,
//! `unevaluatedProperties`, `patternProperties`) and the direct members of an `allOf`, since
//! each of those sees only part of the properties.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jsonschema::{PatternOptions, Validator};
use serde_json::{Map, Value};

/// Deepest schema nesting the strict rewrite follows; deeper schemas are rejected.
const MAX_SCHEMA_DEPTH: usize = 128;
/// How many validation errors one message lists.
const MAX_ERRORS: usize = 3;

/// Checks `args` against `schema`. `strict` rejects properties the schema does not list (see
/// the module docs). `Err` is a message for the audit log and the client; it names argument
/// paths, never argument values.
pub fn check_arguments(schema: &Value, args: &Value, strict: bool) -> Result<(), String> {
    let validator = compile(schema, strict)?;
    validate(&validator, args)
}

fn compile(schema: &Value, strict: bool) -> Result<Validator, String> {
    let owned;
    let schema = if strict {
        owned = strict_copy(schema, 0, true)?;
        &owned
    } else {
        schema
    };
    jsonschema::options()
        .offline()
        .with_pattern_options(PatternOptions::regex().size_limit(1 << 20))
        .build(schema)
        .map_err(|e| format!("the tool's input schema is unusable: {}", e.masked()))
}

fn validate(validator: &Validator, args: &Value) -> Result<(), String> {
    // A tool called without arguments is checked as `{}`.
    let empty = Value::Object(Map::new());
    let args = if args.is_null() { &empty } else { args };
    let mut errors = validator.iter_errors(args).peekable();
    if errors.peek().is_none() {
        return Ok(());
    }
    let mut parts = Vec::new();
    let mut more = 0usize;
    for e in errors {
        if parts.len() < MAX_ERRORS {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() {
                "(root)".to_owned()
            } else {
                at
            };
            parts.push(format!("{at}: {}", e.masked()));
        } else {
            more += 1;
        }
    }
    let mut msg = format!(
        "arguments do not match the tool's schema: {}",
        parts.join("; ")
    );
    if more > 0 {
        msg.push_str(&format!(" (and {more} more)"));
    }
    Err(msg)
}

/// Keywords whose presence means a schema's properties are spread over several schemas.
const COMBINERS: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "$ref",
    "$dynamicRef",
    "if",
    "dependentSchemas",
    "unevaluatedProperties",
    "patternProperties",
    "additionalProperties",
];

/// A copy of `schema` with `additionalProperties: false` added where it is safe to.
fn strict_copy(schema: &Value, depth: usize, close_here: bool) -> Result<Value, String> {
    if depth > MAX_SCHEMA_DEPTH {
        return Err("the tool's input schema nests too deeply".to_owned());
    }
    let Value::Object(obj) = schema else {
        return Ok(schema.clone());
    };
    let mut out = Map::with_capacity(obj.len() + 1);
    for (k, v) in obj {
        let next = depth + 1;
        let copied = match k.as_str() {
            // Maps of name → schema.
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
                map_values(v, |s| strict_copy(s, next, true))?
            }
            // One schema.
            "additionalProperties"
            | "items"
            | "additionalItems"
            | "contains"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties" => strict_copy(v, next, true)?,
            // Lists of alternative schemas: each is whole.
            "anyOf" | "oneOf" | "prefixItems" => list_values(v, |s| strict_copy(s, next, true))?,
            // Parts of one schema: none is whole.
            "allOf" => list_values(v, |s| strict_copy(s, next, false))?,
            _ => v.clone(),
        };
        out.insert(k.clone(), copied);
    }
    let closable = close_here
        && obj.contains_key("properties")
        && !COMBINERS.iter().any(|k| obj.contains_key(*k));
    if closable {
        out.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    Ok(Value::Object(out))
}

fn map_values(v: &Value, f: impl Fn(&Value) -> Result<Value, String>) -> Result<Value, String> {
    match v {
        Value::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, s) in m {
                out.insert(k.clone(), f(s)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn list_values(v: &Value, f: impl Fn(&Value) -> Result<Value, String>) -> Result<Value, String> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(f)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        // Draft 4–7 `items` may be one schema; anything else is left for the validator.
        other => f(other),
    }
}

/// Compiled validators, reused across calls: keyed by tool, checked against the schema itself
/// (equal values compare in one pass that stops at the first difference), so a changed schema
/// (`list_changed`) is compiled afresh. Safe to share between threads.
#[derive(Debug)]
pub struct SchemaCache {
    entries: Mutex<HashMap<(String, bool), Entry>>,
    capacity: usize,
}

#[derive(Debug)]
struct Entry {
    schema: Value,
    validator: Result<Arc<Validator>, String>,
}

impl Default for SchemaCache {
    fn default() -> Self {
        SchemaCache::new()
    }
}

impl SchemaCache {
    /// A cache holding up to 4096 validators.
    pub fn new() -> SchemaCache {
        SchemaCache::with_capacity(4096)
    }

    /// A cache holding up to `capacity` validators; beyond that an arbitrary one is dropped.
    pub fn with_capacity(capacity: usize) -> SchemaCache {
        SchemaCache {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// [`check_arguments`] with the compiled validator cached under `tool_key` (for example
    /// `"server/tool"`).
    pub fn check(
        &self,
        tool_key: &str,
        schema: &Value,
        args: &Value,
        strict: bool,
    ) -> Result<(), String> {
        let key = (tool_key.to_owned(), strict);
        let cached = {
            let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            entries
                .get(&key)
                .filter(|e| e.schema == *schema)
                .map(|e| e.validator.clone())
        };
        let validator = match cached {
            Some(v) => v,
            None => {
                let compiled = compile(schema, strict).map(Arc::new);
                let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
                if entries.len() >= self.capacity
                    && !entries.contains_key(&key)
                    && let Some(victim) = entries.keys().next().cloned()
                {
                    entries.remove(&victim);
                }
                entries.insert(
                    key,
                    Entry {
                        schema: schema.clone(),
                        validator: compiled.clone(),
                    },
                );
                compiled
            }
        };
        validate(validator?.as_ref(), args)
    }

    /// How many validators are cached.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every validator.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_copy_closes_plain_objects_only() {
        let schema = json!({
            "type": "object",
            "properties": {
                "a": {"type": "object", "properties": {"x": {}}},
                "b": {"allOf": [{"properties": {"y": {}}}, {"properties": {"z": {}}}]},
                "c": {"type": "object", "properties": {"x": {}}, "additionalProperties": true}
            }
        });
        let out = strict_copy(&schema, 0, true).unwrap_or_default();
        assert_eq!(out["additionalProperties"], json!(false));
        assert_eq!(out["properties"]["a"]["additionalProperties"], json!(false));
        assert!(
            out["properties"]["b"]["allOf"][0]
                .get("additionalProperties")
                .is_none()
        );
        assert_eq!(out["properties"]["c"]["additionalProperties"], json!(true));
        // The caller's schema is untouched.
        assert!(schema.get("additionalProperties").is_none());
    }
}
