//! One tree for JSON, TOML and YAML documents, with spans.

use crate::span::Span;

/// A value in a parsed config document with the span of its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value stands in the source (for strings: including the quotes).
    pub span: Span,
}

/// A key and its value inside an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, unescaped.
    pub key: String,
    /// Where the key stands in the source.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// The kinds of value a config document can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (JSON, YAML `~`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A number, as written in the source (no precision lost).
    Number(String),
    /// A string, unescaped. TOML dates are given as their text.
    String(String),
    /// An array / sequence.
    Array(Vec<Node>),
    /// An object / table / mapping, in source order. Duplicate keys are kept.
    Object(Vec<Entry>),
}

impl Node {
    /// Builds a node.
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// The value under `key` if this is an object (the last one, if a key repeats).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry for `key` if this is an object (the last one, if a key repeats).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Object(entries) => entries.iter().rev().find(|e| e.key == key),
            _ => None,
        }
    }

    /// Follows a path of object keys.
    pub fn pointer(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    pub fn as_object(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Object(e) => Some(e),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// Every string value in this subtree, depth first, with its span.
    pub fn strings(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::String(s) => out.push((s.as_str(), node.span)),
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
                _ => {}
            }
        }
        out
    }
}
