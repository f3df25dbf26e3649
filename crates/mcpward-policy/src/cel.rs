//! `deny_when`/`ask_when`/`allow_when`: CEL expressions compiled at load with the `cel` crate
//! and evaluated over `args`, `tool`, `server`, `session` and `agent`.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use cel::common::types::{CelBool, CelString};
use cel::{Context, Env, ExecutionError, Program, Value as CelValue};
use regex::{Regex, RegexBuilder};
use serde_json::Value;

use crate::decide::{Call, SessionState};

/// Longest expression accepted, in bytes.
pub(crate) const MAX_EXPRESSION: usize = 4096;
/// Deepest bracket nesting accepted, so the parser's recursion stays small.
pub(crate) const MAX_NESTING: usize = 32;

/// The environment every expression is compiled and run in: the standard library plus the
/// `strings`, `lists` and `math` extensions, and our own `matches`.
///
/// The `cel` crate's `matches` (its `regex` feature, left off) compiles the regular expression
/// on every call — about 0.6 ms for the SQL rule of the design document. Ours keeps compiled
/// expressions in a small process-wide cache, with a size limit on each.
pub(crate) fn environment() -> Arc<Env> {
    let mut env = Env::stdlib();
    // Only fails if `matches` is already declared (the `regex` feature turned on elsewhere in
    // the build), in which case that slower one serves.
    let _ = cel::add_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>, id = "matches");
    let _ = cel::add_member_overload!(env, fn matches: (CelString, CelString) -> Result<CelBool>);
    // Each extension declares functions the standard library lacks; a conflict would only
    // leave that extension out, which a later evaluation reports as an undeclared function
    // (and so denies).
    let _ = env.add_extension(cel::extensions::strings);
    let _ = env.add_extension(cel::extensions::lists);
    let _ = env.add_extension(cel::extensions::math);
    Arc::new(env)
}

/// `s.matches(re)` / `matches(s, re)`: RE2-style syntax, unanchored.
fn matches(this: &CelString<'_>, re: &CelString<'_>) -> Result<CelBool, ExecutionError> {
    let compiled =
        cached_regex(re.inner()).map_err(|e| ExecutionError::function_error("matches", e))?;
    Ok(CelBool::from(compiled.is_match(this.inner())))
}

/// Most distinct patterns kept compiled; beyond, the cache starts over.
const REGEX_CACHE: usize = 256;
/// Compiled-size limit for one pattern (patterns may come from arguments).
const REGEX_SIZE: usize = 1 << 20;

fn cached_regex(pattern: &str) -> Result<Arc<Regex>, String> {
    static CACHE: OnceLock<RwLock<HashMap<String, Arc<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(RwLock::default);
    if let Some(re) = cache
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(pattern)
    {
        return Ok(Arc::clone(re));
    }
    let re = RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE)
        .build()
        .map(Arc::new)
        .map_err(|e| format!("invalid regular expression: {e}"))?;
    let mut w = cache.write().unwrap_or_else(PoisonError::into_inner);
    if w.len() >= REGEX_CACHE {
        w.clear();
    }
    w.insert(pattern.to_owned(), Arc::clone(&re));
    Ok(re)
}

/// Compiles `source`; the error names the position inside the expression.
pub(crate) fn compile(env: &Env, source: &str) -> Result<Program, String> {
    if source.trim().is_empty() {
        return Err("empty CEL expression".to_owned());
    }
    if source.len() > MAX_EXPRESSION {
        return Err(format!(
            "CEL expression is {} bytes; the limit is {MAX_EXPRESSION}",
            source.len()
        ));
    }
    let mut depth = 0usize;
    for c in source.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!(
                        "CEL expression nests deeper than {MAX_NESTING} brackets"
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let compiled = catch_unwind(AssertUnwindSafe(|| env.compile(source)))
        .map_err(|_| "the CEL parser failed on this expression".to_owned())?;
    compiled.map_err(|errors| match errors.errors.first() {
        Some(e) => format!(
            "invalid CEL expression at {}:{}: {}",
            e.pos.0, e.pos.1, e.msg
        ),
        None => "invalid CEL expression".to_owned(),
    })
}

/// The CEL variables for one call, bound once and shared by every rule that runs.
pub(crate) struct Bindings {
    ctx: Result<Context<'static, 'static>, String>,
}

impl Bindings {
    pub(crate) fn new(env: &Arc<Env>, call: &Call<'_>) -> Bindings {
        let args = match call.arguments {
            Value::Null => Ok(CelValue::Map(HashMap::<String, CelValue>::new().into())),
            other => to_cel(other, 0),
        };
        let ctx = args.map(|args| {
            let mut ctx = Context::with_env(Arc::clone(env));
            ctx.add_variable_from_value("args", args);
            ctx.add_variable_from_value("tool", call.tool);
            ctx.add_variable_from_value("server", call.server);
            ctx.add_variable_from_value("session", session_value(call.session));
            ctx.add_variable_from_value("agent", call.agent.map_or(CelValue::Null, CelValue::from));
            ctx
        });
        Bindings { ctx }
    }
}

fn session_value(s: &SessionState) -> CelValue {
    let mut m: HashMap<String, CelValue> = HashMap::with_capacity(3);
    m.insert("tainted".to_owned(), CelValue::Bool(s.tainted));
    m.insert("private_seen".to_owned(), CelValue::Bool(s.private_seen));
    m.insert(
        "untrusted_seen".to_owned(),
        CelValue::Bool(s.untrusted_seen),
    );
    CelValue::Map(m.into())
}

/// JSON to CEL: integers that fit `int` become `int`, larger ones `uint`, the rest `double`.
fn to_cel(v: &Value, depth: usize) -> Result<CelValue, String> {
    if depth > crate::args::MAX_DEPTH {
        return Err("arguments nest too deeply for conditions".to_owned());
    }
    Ok(match v {
        Value::Null => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                CelValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                CelValue::UInt(u)
            } else {
                CelValue::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => CelValue::String(Arc::new(s.clone())),
        Value::Array(items) => CelValue::List(Arc::new(
            items
                .iter()
                .map(|i| to_cel(i, depth + 1))
                .collect::<Result<Vec<_>, _>>()?,
        )),
        Value::Object(map) => {
            let mut m: HashMap<String, CelValue> = HashMap::with_capacity(map.len());
            for (k, v) in map {
                m.insert(k.clone(), to_cel(v, depth + 1)?);
            }
            CelValue::Map(m.into())
        }
    })
}

/// Evaluates `program`; anything but `true`/`false` is an error naming what happened.
pub(crate) fn evaluate(program: &Program, b: &Bindings) -> Result<bool, String> {
    let ctx = b.ctx.as_ref().map_err(Clone::clone)?;
    let result = catch_unwind(AssertUnwindSafe(|| program.execute(ctx)))
        .map_err(|_| "the CEL interpreter failed".to_owned())?;
    match result {
        Ok(CelValue::Bool(v)) => Ok(v),
        Ok(other) => Err(format!(
            "the condition returned a {} instead of a bool",
            other.type_of()
        )),
        Err(e) => Err(describe(&e)),
    }
}

/// An evaluation error in words that never quote argument values (they may hold secrets, and
/// the text goes to the audit log).
fn describe(e: &ExecutionError) -> String {
    let what = match e {
        ExecutionError::NoSuchKey(k) => format!("no such key `{k}`"),
        ExecutionError::UndeclaredReference(r) => format!("undeclared reference `{r}`"),
        ExecutionError::NoSuchOverload(o) => format!(
            "no overload of `{}` for ({})",
            o.function(),
            o.argument_types().join(", ")
        ),
        ExecutionError::UnexpectedType { got, want } => {
            format!("unexpected type: got {got}, want {want}")
        }
        ExecutionError::FunctionError { function, .. } => format!("`{function}` failed"),
        ExecutionError::InvalidArgumentCount { expected, actual } => {
            format!("wrong argument count: expected {expected}, got {actual}")
        }
        ExecutionError::DivisionByZero(_) => "division by zero".to_owned(),
        ExecutionError::RemainderByZero(_) => "remainder by zero".to_owned(),
        ExecutionError::Overflow(op, ..) => format!("overflow in `{op}`"),
        ExecutionError::IndexOutOfBounds(_) => "index out of bounds".to_owned(),
        ExecutionError::ValuesNotComparable(..) => "values cannot be compared".to_owned(),
        ExecutionError::UnsupportedBinaryOperator(op, ..) => {
            format!("operator `{op}` does not apply to these types")
        }
        _ => "evaluation error".to_owned(),
    };
    format!("CEL evaluation failed: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(expr: &str, args: Value) -> Result<bool, String> {
        let env = environment();
        let program = compile(&env, expr)?;
        let session = SessionState {
            tainted: true,
            ..SessionState::default()
        };
        let call = Call {
            server: "db",
            tool: "query",
            arguments: &args,
            agent: Some("claude"),
            session: &session,
        };
        evaluate(&program, &Bindings::new(&env, &call))
    }

    #[test]
    fn evaluates() {
        assert_eq!(run("args.n > 5", json!({"n": 7})), Ok(true));
        assert_eq!(
            run("args.n > 5", json!({"n": 18446744073709551615u64})),
            Ok(true)
        );
        assert_eq!(run("args.x == 1.5", json!({"x": 1.5})), Ok(true));
        assert_eq!(
            run("session.tainted && tool == 'query'", json!({})),
            Ok(true)
        );
        assert_eq!(
            run("agent == 'claude' && server == 'db'", json!({})),
            Ok(true)
        );
        assert_eq!(run("has(args.sql)", Value::Null), Ok(false));
        assert_eq!(
            run("args.s.lowerAscii() == 'ab'", json!({"s": "AB"})),
            Ok(true)
        );
    }

    #[test]
    fn errors() {
        let e = run("args.sql == 'x'", json!({})).err().unwrap_or_default();
        assert!(e.contains("no such key `sql`"), "{e}");
        let e = run("'s'", json!({})).err().unwrap_or_default();
        assert!(e.contains("string instead of a bool"), "{e}");
        let e = run("args.x +", json!({})).err().unwrap_or_default();
        assert!(e.starts_with("invalid CEL expression at 1:"), "{e}");
        let deep = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        assert!(run(&deep, json!({})).is_err());
        let e = run("args.p == 1", json!({"p": "secret-value"}))
            .err()
            .unwrap_or_default();
        assert!(!e.contains("secret-value"), "{e}");
    }
}
