//! Strict JSON reading: a repeated key is an error, not "the last one wins".
//!
//! serde_json (and most JSON parsers) keep one of two values under the same key without a word.
//! When mcpward inspects an object to decide on it and a server later parses the same bytes, the
//! two could act on different values. Every object mcpward inspects is therefore read with the
//! seed in this module, which compares keys after decoding escapes (`"na\u006de"` is `"name"`)
//! and bounds the nesting depth.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};

use crate::error::ProtocolError;

/// How deep arrays and objects may nest in an inspected value.
///
/// [`crate::parse`] skims nested values without recursion and accepts any depth; reading a value
/// into a tree recurses, so it stops here (serde_json's own tree reader would stop at 127).
pub const MAX_DEPTH: usize = 100;

/// Longest key (in bytes) quoted whole in an error path.
const MAX_KEY_IN_PATH: usize = 64;

/// Checks that no object anywhere in `raw` repeats a key (compared after decoding escapes),
/// without building the value.
///
/// # Errors
///
/// [`ProtocolError::DuplicateKey`] with the path of the repeated key relative to `raw` (e.g.
/// `content[0].type`), [`ProtocolError::TooDeep`] beyond [`MAX_DEPTH`] levels, and
/// [`ProtocolError::Parse`] for a number serde_json cannot represent (e.g. `1e400`).
pub fn check_no_duplicate_keys(raw: &RawValue) -> Result<(), ProtocolError> {
    read::<false>(raw.get(), "")
        .map(drop)
        .map_err(|e| e.into_error(parse_error))
}

/// Parses `raw` into a [`Value`] like `serde_json::from_str`, but fails where an object repeats a
/// key instead of keeping the last value.
///
/// # Errors
///
/// As [`check_no_duplicate_keys`].
pub fn to_value_checked(raw: &RawValue) -> Result<Value, ProtocolError> {
    read::<true>(raw.get(), "").map_err(|e| e.into_error(parse_error))
}

fn parse_error(e: serde_json::Error) -> ProtocolError {
    ProtocolError::Parse {
        message: e.to_string(),
    }
}

/// An error of a strict read: ours (with its path), or serde_json's.
pub(crate) enum StrictError {
    Protocol(ProtocolError),
    Json(serde_json::Error),
}

impl StrictError {
    /// Our error as is; serde_json's mapped by `json` (its meaning depends on the caller).
    pub(crate) fn into_error(
        self,
        json: impl FnOnce(serde_json::Error) -> ProtocolError,
    ) -> ProtocolError {
        match self {
            Self::Protocol(e) => e,
            Self::Json(e) => json(e),
        }
    }
}

/// Reads the JSON `text` strictly. With `BUILD` the value is built; without, only checked (and
/// `Value::Null` returned). `prefix` starts the paths in errors (e.g. `params`).
pub(crate) fn read<const BUILD: bool>(text: &str, prefix: &str) -> Result<Value, StrictError> {
    let mut ctx = Ctx { failure: None };
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = Seed::<BUILD> {
        ctx: &mut ctx,
        depth: 0,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (result, ctx.failure) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(failure)) => Err(StrictError::Protocol(failure.into_error(prefix))),
        (Err(e), None) => Err(StrictError::Json(e)),
    }
}

/// One step of a path into a value.
enum Segment {
    Key(String),
    Index(usize),
}

enum FailureKind {
    Duplicate,
    TooDeep,
}

/// Our failure, with its path collected innermost first while the error unwinds.
struct Failure {
    kind: FailureKind,
    reversed_path: Vec<Segment>,
}

impl Failure {
    fn into_error(self, prefix: &str) -> ProtocolError {
        let mut path = prefix.to_owned();
        for segment in self.reversed_path.iter().rev() {
            match segment {
                Segment::Key(key) => push_key(&mut path, key),
                Segment::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
            }
        }
        match self.kind {
            FailureKind::Duplicate => ProtocolError::DuplicateKey { path },
            FailureKind::TooDeep => ProtocolError::TooDeep {
                path,
                limit: MAX_DEPTH,
            },
        }
    }
}

/// The path of a repeated top-level key.
pub(crate) fn key_path(key: &str) -> String {
    let mut path = String::new();
    push_key(&mut path, key);
    path
}

/// `.key` for plain keys, `["k\"ey"]` for others; keys longer than [`MAX_KEY_IN_PATH`] bytes are
/// shortened with `…`.
fn push_key(path: &mut String, key: &str) {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$' | b'@'));
    let mut end = key.len().min(MAX_KEY_IN_PATH);
    while !key.is_char_boundary(end) {
        end -= 1;
    }
    let shown = key.get(..end).unwrap_or_default();
    let ellipsis = if end < key.len() { "…" } else { "" };
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(shown);
        path.push_str(ellipsis);
    } else {
        path.push('[');
        let mut quoted = String::with_capacity(shown.len() + 5);
        crate::reply::write_json_str(&mut quoted, &format!("{shown}{ellipsis}"));
        path.push_str(&quoted);
        path.push(']');
    }
}

struct Ctx {
    failure: Option<Failure>,
}

impl Ctx {
    fn fail<E: de::Error>(&mut self, kind: FailureKind, path: Vec<Segment>) -> E {
        self.failure = Some(Failure {
            kind,
            reversed_path: path,
        });
        E::custom("rejected by strict JSON reading")
    }

    /// Adds the step that led into a failed child, when the failure is ours.
    fn unwind(&mut self, segment: impl FnOnce() -> Segment) {
        if let Some(failure) = self.failure.as_mut() {
            failure.reversed_path.push(segment());
        }
    }
}

struct Seed<'c, const BUILD: bool> {
    ctx: &'c mut Ctx,
    depth: usize,
}

impl<'de, const BUILD: bool> DeserializeSeed<'de> for Seed<'_, BUILD> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, const BUILD: bool> Visitor<'de> for Seed<'_, BUILD> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(if BUILD { Value::Bool(v) } else { Value::Null })
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(if BUILD { Value::from(v) } else { Value::Null })
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(if BUILD { Value::from(v) } else { Value::Null })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so `from_f64` succeeds on parsed input.
        Ok(if BUILD {
            Number::from_f64(v).map_or(Value::Null, Value::Number)
        } else {
            Value::Null
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(if BUILD {
            Value::String(v.to_owned())
        } else {
            Value::Null
        })
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(if BUILD { Value::String(v) } else { Value::Null })
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.ctx.fail(FailureKind::TooDeep, Vec::new()));
        }
        let mut items = Vec::new();
        let mut index = 0;
        loop {
            let child = Seed::<BUILD> {
                ctx: &mut *self.ctx,
                depth: self.depth + 1,
            };
            match seq.next_element_seed(child) {
                Ok(Some(item)) => {
                    if BUILD {
                        items.push(item);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.ctx.unwind(|| Segment::Index(index));
                    return Err(e);
                }
            }
            index += 1;
        }
        Ok(if BUILD {
            Value::Array(items)
        } else {
            Value::Null
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.ctx.fail(FailureKind::TooDeep, Vec::new()));
        }
        let mut object = Map::new();
        let mut seen = KeySet::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let repeated = if BUILD {
                object.contains_key(&*key)
            } else {
                seen.contains(&key)
            };
            if repeated {
                let path = vec![Segment::Key(key.into_owned())];
                return Err(self.ctx.fail(FailureKind::Duplicate, path));
            }
            let child = Seed::<BUILD> {
                ctx: &mut *self.ctx,
                depth: self.depth + 1,
            };
            match map.next_value_seed(child) {
                Ok(value) => {
                    if BUILD {
                        object.insert(key.into_owned(), value);
                    } else {
                        seen.insert(key);
                    }
                }
                Err(e) => {
                    self.ctx.unwind(|| Segment::Key(key.into_owned()));
                    return Err(e);
                }
            }
        }
        Ok(if BUILD {
            Value::Object(object)
        } else {
            Value::Null
        })
    }
}

/// Reads an object key, borrowing it from the input when it has no escapes.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The keys seen in one object: a short list, or a hash set once the object is large (so that an
/// object with many keys costs linear time, not quadratic).
#[derive(Default)]
pub(crate) struct KeySet<'de> {
    few: Vec<Cow<'de, str>>,
    many: Option<HashSet<Cow<'de, str>>>,
}

impl<'de> KeySet<'de> {
    const FEW: usize = 16;

    pub(crate) fn contains(&self, key: &str) -> bool {
        match &self.many {
            Some(many) => many.contains(key),
            None => self.few.iter().any(|k| k == key),
        }
    }

    pub(crate) fn insert(&mut self, key: Cow<'de, str>) {
        if let Some(many) = self.many.as_mut() {
            many.insert(key);
        } else if self.few.len() < Self::FEW {
            self.few.push(key);
        } else {
            let mut many: HashSet<_> = self.few.drain(..).collect();
            many.insert(key);
            self.many = Some(many);
        }
    }
}
