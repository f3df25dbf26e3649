//! Rewriting a config so that its stdio servers run through `mcpward run`, and back.
//!
//! - [`wrap`] turns each local server `{"command": C, "args": [A…]}` into
//!   `{"command": PROGRAM, "args": ["run", "--server", NAME, ("--policy", FILE)?, "--", C, A…]}`.
//! - [`unwrap`] reverses it: `unwrap(wrap(text)) == text`, byte for byte.
//! - [`wrapped_launch`] reads a wrapped entry's real command and arguments (for `init`, `scan`).
//!
//! Both are sans-IO: a [`ConfigDoc`] in, a [`Rewrite`] (the new text and one [`ServerOutcome`]
//! per server) out.
//!
//! # How the text is edited
//!
//! Only two places of a server change: the `command` value is replaced, and the wrapper's
//! arguments are inserted into `args` right before its first item. Everything else — comments,
//! key order, indentation, line breaks (`\r\n` stays `\r\n`), quoting of the other values, a byte
//! order mark — stays byte-identical. The same span edits serve JSON with comments, TOML (Codex
//! `[mcp_servers.NAME]`, inline tables, dotted keys) and YAML (Continue's block and flow lists),
//! and Zed's older `"command": {"path": …, "args": […]}` form (where `path` is the command).
//!
//! - The original `command` literal moves into `args` **verbatim** (its quotes and escapes as
//!   written), so `unwrap` can put it back exactly.
//! - The inserted items are separated like the existing ones (`", "`, one per line, or YAML
//!   `- ` items), so the result looks hand-written.
//! - A server without `args` gets an `args` key right after `command` (on the next line in a TOML
//!   table or YAML block mapping). Its wrapper writes `--server=NAME` as one item instead of
//!   `--server`, `NAME`: that is how `unwrap` knows to remove the key again (both spellings mean
//!   the same to `mcpward run`).
//! - A `command` string with spaces and no `args` (`"npx -y pkg"`) is split into words
//!   ([`split_words_literal`]), each written in the quoting style of the original; that happens
//!   only when joining the words again gives back the literal exactly. A program path with
//!   spaces (`C:\Program Files\…\node.exe`) stays one word; a shell command line (`a | b`,
//!   `$(…)`, `${VAR}`) is not wrapped.
//!
//! Every rewrite is checked before it is returned: the new text is parsed and interpreted again,
//! and each server must read back with exactly the intended `command` and `args` (the others
//! unchanged). Anything else is a [`RewriteError`] and the caller writes nothing.
//!
//! Remote servers (a URL) are listed as [`Outcome::Remote`]: `mcpward run` wraps processes.
//! Servers that already run through `mcpward run` are [`Outcome::AlreadyWrapped`], so wrapping
//! twice changes nothing. Disabled servers are wrapped too ([`ServerOutcome::disabled`]), so
//! enabling one later does not bypass mcpward.

use crate::launch::{has_shell_syntax, program_name, split_words_literal};
use crate::parse::parse_document;
use crate::{
    ConfigDoc, Entry, Format, LineIndex, Node, ServerEntry, Span, Spanned, Transport, Value,
    interpret,
};

/// The subcommand of the wrapper: `PROGRAM run … -- COMMAND ARGS`.
const RUN: &str = "run";
/// The option that names the server to the wrapper.
const SERVER_FLAG: &str = "--server";
/// The option that names the policy file.
const POLICY_FLAG: &str = "--policy";
/// Ends the wrapper's options; the server's command follows.
const END_OF_OPTIONS: &str = "--";
/// The program name that marks a wrapped server.
const PROGRAM_NAME: &str = "mcpward";

/// What [`wrap`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrapOptions {
    /// The program each client should start instead of the server: the absolute path of the
    /// `mcpward` binary.
    pub program: String,
    /// The policy file passed to `mcpward run --policy`; `None` lets `run` use its default.
    pub policy: Option<String>,
}

/// The result of [`wrap`] or [`unwrap`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// The new text of the config (the old text when nothing changed).
    pub text: String,
    /// What happened to each server, in the order of the entries.
    pub servers: Vec<ServerOutcome>,
}

impl Rewrite {
    /// Whether any server was rewritten.
    pub fn changed(&self) -> bool {
        self.servers
            .iter()
            .any(|s| matches!(s.outcome, Outcome::Wrapped | Outcome::Unwrapped))
    }
}

/// What happened to one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOutcome {
    /// The server's name.
    pub name: String,
    /// For `~/.claude.json` project entries: the project it belongs to.
    pub scope: Option<String>,
    /// 1-based line of its name in the config.
    pub line: u32,
    /// Marked disabled in the config (it is wrapped all the same).
    pub disabled: bool,
    /// What was done.
    pub outcome: Outcome,
}

/// What [`wrap`] or [`unwrap`] did with a server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Now runs through `mcpward run`.
    Wrapped,
    /// No longer runs through `mcpward run`.
    Unwrapped,
    /// Already runs through `mcpward run` (left as it is by [`wrap`]), with the policy its wrapper
    /// names, if any.
    AlreadyWrapped {
        /// The `--policy` of the existing wrapper.
        policy: Option<String>,
    },
    /// Does not run through `mcpward run` (nothing for [`unwrap`] to do).
    NotWrapped,
    /// A remote server: `mcpward run` wraps local processes only.
    Remote(Transport),
    /// Could not be rewritten, for the reason given; the server is left as it is.
    Unsupported(String),
}

/// Why a config could not be rewritten. Nothing of the config should be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RewriteError {
    /// The rewritten text does not parse: a bug in the rewrite, caught before anything is written.
    #[error(
        "the rewritten config does not parse ({line}:{column}: {reason}); it was left as it is"
    )]
    Reparse {
        /// 1-based line in the rewritten text.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        reason: String,
    },
    /// A server does not read back as intended after the rewrite: a bug in the rewrite, or a
    /// layout it does not understand, caught before anything is written.
    #[error(
        "server `{server}` does not read back as intended after the rewrite ({reason}); the config was left as it is"
    )]
    Mismatch {
        /// The server.
        server: String,
        /// What differs.
        reason: String,
    },
}

/// A wrapped server's wrapper options and its real launch, as [`wrapped_launch`] reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedLaunch {
    /// The `--server` name given to the wrapper.
    pub server: Option<String>,
    /// The `--policy` file given to the wrapper.
    pub policy: Option<String>,
    /// The server's own command (the first word after `--`).
    pub command: Spanned<String>,
    /// The server's own arguments.
    pub args: Vec<Spanned<String>>,
}

/// If `entry` runs through `mcpward run`: the wrapper's options and the server's real launch.
/// `None` for a server that is not wrapped, or whose wrapper has no `--` and command after it.
pub fn wrapped_launch(entry: &ServerEntry) -> Option<WrappedLaunch> {
    let command = entry.command.as_ref()?;
    let values: Vec<&str> = entry.args.iter().map(|a| a.value.as_str()).collect();
    let parsed = parse_wrapper(&command.value, &values)?;
    let first = entry.args.get(parsed.command_at)?.clone();
    Some(WrappedLaunch {
        server: parsed.server,
        policy: parsed.policy,
        command: first,
        args: entry.args[parsed.command_at + 1..].to_vec(),
    })
}

/// Wraps the stdio servers among `entries` (as [`interpret`] read them from `doc`) in
/// `mcpward run`.
///
/// # Errors
///
/// A [`RewriteError`] when the result would not read back as intended; the caller should then
/// leave the file as it is.
pub fn wrap(
    doc: &ConfigDoc,
    entries: &[ServerEntry],
    opts: &WrapOptions,
) -> Result<Rewrite, RewriteError> {
    let mut edits = Vec::new();
    let mut servers = Vec::with_capacity(entries.len());
    let mut expected = Vec::new();
    for entry in entries {
        let outcome = match wrap_one(doc, entry, opts) {
            Ok(planned) => {
                edits.extend(planned.edits);
                expected.push(Expect {
                    name_span: entry.name_span,
                    command: opts.program.clone(),
                    args: planned.args,
                });
                Outcome::Wrapped
            }
            Err(outcome) => outcome,
        };
        servers.push(outcome_of(doc, entry, outcome));
    }
    finish(doc, edits, servers, &expected)
}

/// Reverses [`wrap`] for every server of `doc` that runs through `mcpward run`: the command
/// after `--` becomes the `command` again (as it was written) and the wrapper's arguments leave
/// `args` (and an `args` key that [`wrap`] added goes away). Servers are read from the current
/// text, so edits made after wrapping are kept.
///
/// # Errors
///
/// A [`RewriteError`] when the result would not read back as intended; the caller should then
/// leave the file as it is.
pub fn unwrap(doc: &ConfigDoc) -> Result<Rewrite, RewriteError> {
    let entries = interpret(doc).servers;
    let mut edits = Vec::new();
    let mut servers = Vec::with_capacity(entries.len());
    let mut expected = Vec::new();
    for entry in &entries {
        let outcome = match unwrap_one(doc, entry) {
            Ok(planned) => {
                edits.extend(planned.edits);
                expected.push(Expect {
                    name_span: entry.name_span,
                    command: planned.command,
                    args: planned.args,
                });
                Outcome::Unwrapped
            }
            Err(outcome) => outcome,
        };
        servers.push(outcome_of(doc, entry, outcome));
    }
    finish(doc, edits, servers, &expected)
}

fn outcome_of(doc: &ConfigDoc, entry: &ServerEntry, outcome: Outcome) -> ServerOutcome {
    ServerOutcome {
        name: entry.name.clone(),
        scope: entry.scope.clone(),
        line: doc.lines.line_col(&doc.text, entry.name_span.start).0,
        disabled: entry.disabled,
        outcome,
    }
}

/// Replace `span` of the text with `text` (an insertion when the span is empty).
#[derive(Debug, Clone)]
struct Edit {
    span: Span,
    text: String,
}

/// What a rewritten server must read back as.
struct Expect {
    name_span: Span,
    command: String,
    args: Vec<String>,
}

/// The edits for one server and the `args` values it will have.
struct Planned {
    edits: Vec<Edit>,
    command: String,
    args: Vec<String>,
}

/// The parts of a server that a rewrite touches.
struct Launch<'a> {
    /// The object that holds `command` (or Zed's `path`) and `args`.
    holder: &'a Node,
    /// The `command` (or `path`) entry.
    command: &'a Entry,
    /// The `args` entry, if present.
    args: Option<&'a Entry>,
}

fn wrap_one(doc: &ConfigDoc, entry: &ServerEntry, opts: &WrapOptions) -> Result<Planned, Outcome> {
    if entry.transport != Transport::Stdio {
        return Err(Outcome::Remote(entry.transport));
    }
    let Some(command) = &entry.command else {
        return Err(match entry.url {
            Some(_) => Outcome::Remote(Transport::Http),
            None => Outcome::Unsupported("it has no `command` to wrap".into()),
        });
    };
    if let Some(wrapped) = wrapped_launch(entry) {
        return Err(Outcome::AlreadyWrapped {
            policy: wrapped.policy,
        });
    }
    if program_name(&command.value) == PROGRAM_NAME {
        return Err(Outcome::Unsupported(
            "it runs mcpward itself, not through `mcpward run`".into(),
        ));
    }
    if entry.name.starts_with('-') || entry.name.is_empty() {
        return Err(Outcome::Unsupported(
            "its name is empty or starts with `-`, which `mcpward run --server` cannot take".into(),
        ));
    }
    let launch = locate(doc, entry).map_err(Outcome::Unsupported)?;
    let text = doc.text.as_str();
    let literal = slice(text, launch.command.value.span);
    let value = launch.command.value.as_str().unwrap_or_default();
    if doc.format == Format::Yaml && literal.contains(['\n', '\r']) {
        return Err(Outcome::Unsupported(
            "its `command` is a multi-line YAML scalar; write it on one line to wrap it".into(),
        ));
    }

    let mut edits = vec![Edit {
        span: launch.command.value.span,
        text: encode(&opts.program),
    }];
    let mut prefix = vec![encode(RUN)];
    let mut values = vec![RUN.to_string()];
    let added_key = launch.args.is_none();
    if added_key {
        let flag = format!("{SERVER_FLAG}={}", entry.name);
        prefix.push(encode(&flag));
        values.push(flag);
    } else {
        prefix.extend([encode(SERVER_FLAG), encode(&entry.name)]);
        values.extend([SERVER_FLAG.to_string(), entry.name.clone()]);
    }
    if let Some(policy) = &opts.policy {
        prefix.extend([encode(POLICY_FLAG), encode(policy)]);
        values.extend([POLICY_FLAG.to_string(), policy.clone()]);
    }
    prefix.push(encode(END_OF_OPTIONS));
    values.push(END_OF_OPTIONS.to_string());

    let splits = value.trim().contains(char::is_whitespace) && !is_program_path_with_spaces(value);
    match launch.args {
        None => {
            let (items, words) = if splits {
                split_command(doc.format, literal, value).map_err(Outcome::Unsupported)?
            } else {
                let item = moved_literal(doc.format, literal, value, Context::Flow)?;
                (vec![item], vec![value.to_string()])
            };
            prefix.extend(items);
            values.extend(words);
            let array = format!("[{}]", prefix.join(", "));
            let (at, insert) =
                args_key_insertion(doc, &launch, &array).map_err(Outcome::Unsupported)?;
            edits.push(Edit {
                span: Span::new(at, at),
                text: insert,
            });
        }
        Some(args) => {
            let items = string_items(&args.value)?;
            if splits && items.is_empty() {
                return Err(Outcome::Unsupported(
                    "its `command` holds several words and its `args` is empty; move the arguments into `args` to wrap it".into(),
                ));
            }
            let flow = is_flow(text, &args.value);
            let context = if flow { Context::Flow } else { Context::Block };
            prefix.push(moved_literal(doc.format, literal, value, context)?);
            values.push(value.to_string());
            values.extend(items.iter().map(|(_, v)| v.clone()));
            match items.first() {
                None => {
                    let at = args.value.span.start + 1;
                    edits.push(Edit {
                        span: Span::new(at, at),
                        text: prefix.join(", "),
                    });
                }
                Some((first, _)) => {
                    let sep = separator(text, &args.value, flow).map_err(Outcome::Unsupported)?;
                    let mut insert = prefix.join(&sep);
                    insert.push_str(&sep);
                    edits.push(Edit {
                        span: Span::new(first.start, first.start),
                        text: insert,
                    });
                }
            }
        }
    }
    Ok(Planned {
        edits,
        command: opts.program.clone(),
        args: values,
    })
}

fn unwrap_one(doc: &ConfigDoc, entry: &ServerEntry) -> Result<Planned, Outcome> {
    let Some(command) = &entry.command else {
        return Err(match entry.transport {
            Transport::Stdio if entry.url.is_none() => Outcome::NotWrapped,
            Transport::Stdio => Outcome::Remote(Transport::Http),
            other => Outcome::Remote(other),
        });
    };
    if entry.transport != Transport::Stdio {
        return Err(Outcome::Remote(entry.transport));
    }
    let values: Vec<&str> = entry.args.iter().map(|a| a.value.as_str()).collect();
    let Some(wrapper) = parse_wrapper(&command.value, &values) else {
        return Err(
            if program_name(&command.value) == PROGRAM_NAME
                && values.first() == Some(&RUN)
                && !values.contains(&END_OF_OPTIONS)
            {
                Outcome::Unsupported(
                    "its `mcpward run` line has no `--` followed by the server's command".into(),
                )
            } else {
                Outcome::NotWrapped
            },
        );
    };
    let launch = locate(doc, entry).map_err(Outcome::Unsupported)?;
    let Some(args) = launch.args else {
        return Err(Outcome::Unsupported("its `args` could not be found".into()));
    };
    let text = doc.text.as_str();
    let items = string_items(&args.value)?;
    let at = wrapper.command_at;
    if items.len() != values.len() || items.len() <= at {
        return Err(Outcome::Unsupported(
            "its `args` holds values that are not strings".into(),
        ));
    }
    let words: Vec<&str> = items[at..].iter().map(|(_, v)| v.as_str()).collect();

    // An `args` key that `wrap` added (`--server=NAME`, laid out exactly as `wrap` writes it)
    // goes away; the command words after `--` become the `command` literal again.
    if wrapper.added_key {
        let array = slice(text, args.value.span);
        if let Ok((pos, insert)) = args_key_insertion(doc, &launch, array)
            && text.get(pos..args.value.span.end) == Some(insert.as_str())
            && let Some(literal) = rejoin(text, &items[at..])
        {
            let value = match &literal {
                Rejoined::Verbatim(_) => words.join(" "),
                Rejoined::Split(_, joined) => joined.clone(),
            };
            let literal = match literal {
                Rejoined::Verbatim(l) | Rejoined::Split(l, _) => l,
            };
            return Ok(Planned {
                edits: vec![
                    Edit {
                        span: launch.command.value.span,
                        text: literal,
                    },
                    Edit {
                        span: Span::new(pos, args.value.span.end),
                        text: String::new(),
                    },
                ],
                command: value,
                args: Vec::new(),
            });
        }
    }

    // Otherwise: the first word after `--` is the command, the rest stay in `args`.
    let (cmd_span, cmd_value) = (&items[at].0, items[at].1.clone());
    let removal = match items.get(at + 1) {
        Some((next, _)) => Span::new(items[0].0.start, next.start),
        None => Span::new(items[0].0.start, items[items.len() - 1].0.end),
    };
    Ok(Planned {
        edits: vec![
            Edit {
                span: launch.command.value.span,
                text: slice(text, *cmd_span).to_string(),
            },
            Edit {
                span: removal,
                text: String::new(),
            },
        ],
        command: cmd_value,
        args: items[at + 1..].iter().map(|(_, v)| v.clone()).collect(),
    })
}

/// The wrapper's options, read from `mcpward run [OPTIONS] -- COMMAND ARGS`.
struct Wrapper {
    server: Option<String>,
    policy: Option<String>,
    /// Whether the name was given as `--server=NAME` (the mark of an `args` key added by `wrap`).
    added_key: bool,
    /// Index in `args` of the server's command.
    command_at: usize,
}

fn parse_wrapper(command: &str, args: &[&str]) -> Option<Wrapper> {
    if program_name(command) != PROGRAM_NAME || args.first() != Some(&RUN) {
        return None;
    }
    let mut out = Wrapper {
        server: None,
        policy: None,
        added_key: false,
        command_at: 0,
    };
    let mut i = 1;
    while let Some(&arg) = args.get(i) {
        if arg == END_OF_OPTIONS {
            out.command_at = i + 1;
            return (out.command_at < args.len()).then_some(out);
        }
        if arg == SERVER_FLAG || arg == POLICY_FLAG {
            let value = args.get(i + 1).map(|v| (*v).to_string());
            if arg == SERVER_FLAG {
                out.server = value;
            } else {
                out.policy = value;
            }
            i += 2;
            continue;
        }
        if let Some(name) = arg.strip_prefix("--server=") {
            out.server = Some(name.to_string());
            out.added_key = true;
        } else if let Some(file) = arg.strip_prefix("--policy=") {
            out.policy = Some(file.to_string());
        }
        i += 1;
    }
    None
}

/// Finds the server's object in the tree and its `command` and `args` entries.
fn locate<'a>(doc: &'a ConfigDoc, entry: &ServerEntry) -> Result<Launch<'a>, String> {
    let node = find_server(&doc.root, entry)
        .ok_or_else(|| "its definition could not be found in the file".to_string())?;
    let holder = match node.get("command") {
        Some(c) if c.as_object().is_some() => c,
        _ => node,
    };
    let key = if std::ptr::eq(holder, node) {
        "command"
    } else {
        "path"
    };
    let entries = holder.as_object().unwrap_or_default();
    for k in [key, "args"] {
        if entries.iter().filter(|e| e.key == k).count() > 1 {
            return Err(format!("its `{k}` is given more than once"));
        }
    }
    let command = holder
        .entry(key)
        .filter(|e| matches!(e.value.value, Value::String(_)))
        .ok_or_else(|| format!("its `{key}` is not a string"))?;
    let args = holder.entry("args");
    let within = |span: Span| span.start >= node.span.start && span.end <= node.span.end;
    if !within(command.value.span) || args.is_some_and(|a| !within(a.value.span)) {
        // A YAML alias copies the anchored node with the anchor's spans: editing them would
        // change another place of the file.
        return Err(
            "its `command` or `args` is a YAML alias; write the values out to wrap it".into(),
        );
    }
    Ok(Launch {
        holder,
        command,
        args,
    })
}

/// The node of `entry`: the value under its name (an object of servers), or the list item whose
/// span it has (Continue).
fn find_server<'a>(root: &'a Node, entry: &ServerEntry) -> Option<&'a Node> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Object(entries) => {
                for e in entries {
                    if e.key_span == entry.name_span && e.value.span == entry.span {
                        return Some(&e.value);
                    }
                    stack.push(&e.value);
                }
            }
            Value::Array(items) => {
                for item in items {
                    if item.span == entry.span && item.as_object().is_some() {
                        return Some(item);
                    }
                    stack.push(item);
                }
            }
            _ => {}
        }
    }
    None
}

/// The items of an `args` array with their spans and values, or why they cannot be edited.
fn string_items(node: &Node) -> Result<Vec<(Span, String)>, Outcome> {
    let items = node
        .as_array()
        .ok_or_else(|| Outcome::Unsupported("its `args` is not a list".into()))?;
    items
        .iter()
        .map(|item| match &item.value {
            Value::String(s) | Value::Number(s) => Ok((item.span, s.clone())),
            Value::Bool(b) => Ok((item.span, b.to_string())),
            _ => Err(Outcome::Unsupported(
                "its `args` holds values that are not strings".into(),
            )),
        })
        .collect()
}

/// Whether an array is written in flow style (`[a, b]`) rather than as YAML `- ` items.
fn is_flow(text: &str, node: &Node) -> bool {
    text.as_bytes().get(node.span.start) == Some(&b'[')
}

/// Where a value will stand: inside `[…]`, or as a YAML block sequence item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Flow,
    Block,
}

/// The command literal as it can stand in `args`: as written, when that is valid there.
fn moved_literal(
    format: Format,
    literal: &str,
    value: &str,
    context: Context,
) -> Result<String, Outcome> {
    let plain = !literal.starts_with(['"', '\'']);
    if format == Format::Yaml && plain && context == Context::Flow && !yaml_plain_in_flow(value) {
        return Err(Outcome::Unsupported(format!(
            "its `command` ({value}) cannot stand unquoted in a YAML list; quote it to wrap it"
        )));
    }
    Ok(literal.to_string())
}

/// Whether `s` reads as the same plain scalar inside a YAML flow sequence (conservative).
fn yaml_plain_in_flow(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let second = s.chars().nth(1);
    if "!&*|>'\"%@`,[]{}#".contains(first) {
        return false;
    }
    if "-?:".contains(first) && second.is_none_or(char::is_whitespace) {
        return false;
    }
    !s.contains([',', '[', ']', '{', '}', '\n', '\r', '\t'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
        && !s.starts_with(' ')
        && !matches!(
            s,
            "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
        && s.parse::<f64>().is_err()
}

/// How the words of a split command string are quoted: like the original literal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Double,
    Single,
    Plain,
}

fn quote_of(literal: &str) -> Quote {
    if literal.starts_with('"') {
        Quote::Double
    } else if literal.starts_with('\'') {
        Quote::Single
    } else {
        Quote::Plain
    }
}

fn quoted(quote: Quote, s: &str) -> String {
    match quote {
        Quote::Double => encode(s),
        Quote::Single => format!("'{s}'"),
        Quote::Plain => s.to_string(),
    }
}

/// A command string with spaces (`"npx -y pkg"`) as list items in its own quoting style, with
/// the words, when joining them again gives back `literal` exactly.
fn split_command(
    format: Format,
    literal: &str,
    value: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    if has_shell_syntax(value) {
        return Err(
            "its `command` is a shell command line; put it in `args` (e.g. `sh -c '…'`) to wrap it"
                .into(),
        );
    }
    let words: Vec<String> = split_words_literal(value, 0)
        .into_iter()
        .map(|w| w.value)
        .collect();
    let quote = quote_of(literal);
    let exact = words.len() > 1
        && words.join(" ") == value
        && words.iter().all(|w| !w.contains(['"', '\'']))
        && quoted(quote, value) == literal
        && (quote != Quote::Plain
            || (format == Format::Yaml && words.iter().all(|w| yaml_plain_in_flow(w))));
    if !exact {
        return Err(
            "its `command` holds several words that cannot be split without changing how it is written; move the arguments into `args` to wrap it".into(),
        );
    }
    let items = words.iter().map(|w| quoted(quote, w)).collect();
    Ok((items, words))
}

/// The command literal for the items after `--` of a wrapper whose `args` key `wrap` added.
enum Rejoined {
    /// One item: its literal as written.
    Verbatim(String),
    /// Several words of a split command string: the literal and its value.
    Split(String, String),
}

fn rejoin(text: &str, items: &[(Span, String)]) -> Option<Rejoined> {
    match items {
        [] => None,
        [(span, _)] => Some(Rejoined::Verbatim(slice(text, *span).to_string())),
        [(first, _), ..] => {
            let quote = quote_of(slice(text, *first));
            let same_style = items
                .iter()
                .all(|(span, v)| slice(text, *span) == quoted(quote, v));
            let joined = items
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            same_style.then(|| Rejoined::Split(quoted(quote, &joined), joined))
        }
    }
}

/// `C:\Program Files\nodejs\node.exe` or `/opt/My App/server.exe`: one program path with spaces.
fn is_program_path_with_spaces(value: &str) -> bool {
    let bytes = value.as_bytes();
    let rooted = value.starts_with('/')
        || value.starts_with("\\\\")
        || (bytes.len() > 2
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && matches!(bytes[2], b'\\' | b'/'));
    let lower = value.to_ascii_lowercase();
    rooted
        && [".exe", ".cmd", ".bat"].iter().any(|e| lower.ends_with(e))
        && !value.contains(['"', '\''])
        && !value.split_whitespace().skip(1).any(|w| w.starts_with('-'))
}

/// The text between the items of a non-empty `args` array, to separate inserted items the same
/// way: `", "` or a line break and indentation (flow), or a line break and `- ` (YAML block).
fn separator(text: &str, array: &Node, flow: bool) -> Result<String, String> {
    let items = array.as_array().unwrap_or_default();
    let Some(first) = items.first() else {
        return Ok(", ".into());
    };
    if let Some(second) = items.get(1) {
        let between = slice(text, Span::new(first.span.end, second.span.start));
        let ok = if flow {
            between.trim() == "," && between.matches(',').count() == 1
        } else {
            yaml_block_separator(between)
        };
        if ok {
            return Ok(between.to_string());
        }
    }
    let line_start = text[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    let lead = &text[line_start..first.span.start];
    let line_break = line_break_near(text, first.span.start);
    if flow {
        // One item on its own line: the next one goes on its own line too.
        if line_start > array.span.start && lead.chars().all(char::is_whitespace) {
            return Ok(format!(",{line_break}{lead}"));
        }
        return Ok(", ".into());
    }
    let candidate = format!("{line_break}{lead}");
    if yaml_block_separator(&candidate) {
        Ok(candidate)
    } else {
        Err(
            "its `args` list has a layout mcpward cannot extend; write it as `[…]` to wrap it"
                .into(),
        )
    }
}

/// A line break, indentation, `-` and a space: what stands between two YAML block items.
fn yaml_block_separator(between: &str) -> bool {
    let Some(nl) = between.rfind('\n') else {
        return false;
    };
    let (before, after) = between.split_at(nl + 1);
    let indent = after.trim_start_matches(' ');
    before.chars().all(char::is_whitespace)
        && indent.starts_with('-')
        && indent.len() > 1
        && indent[1..].chars().all(|c| c == ' ')
}

/// The line break the text uses around `pos`: `"\r\n"` or `"\n"`.
fn line_break_near(text: &str, pos: usize) -> &'static str {
    let pos = pos.min(text.len());
    let nl = text[pos..]
        .find('\n')
        .map(|i| pos + i)
        .or_else(|| text[..pos].rfind('\n'));
    match nl {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Where and what to insert to add an `args` key holding `array` right after the command: after
/// its value in JSON and in inline tables / flow mappings, on the next line in a TOML table or a
/// YAML block mapping.
fn args_key_insertion(
    doc: &ConfigDoc,
    launch: &Launch<'_>,
    array: &str,
) -> Result<(usize, String), String> {
    let text = doc.text.as_str();
    let value_end = launch.command.value.span.end;
    let inline =
        doc.format == Format::Json || text.as_bytes().get(launch.holder.span.start) == Some(&b'{');
    let (key, assign) = match doc.format {
        Format::Json => ("\"args\"", ": "),
        Format::Toml => ("args", " = "),
        Format::Yaml => ("args", ": "),
    };
    if inline {
        return Ok((value_end, format!(", {key}{assign}{array}")));
    }
    let line_end = text[value_end..]
        .find('\n')
        .map_or(text.len(), |i| value_end + i);
    let line_end = if line_end > 0 && text.as_bytes().get(line_end - 1) == Some(&b'\r') {
        line_end - 1
    } else {
        line_end
    };
    let key_start = launch.command.key_span.start;
    let line_start = text[..key_start].rfind('\n').map_or(0, |i| i + 1);
    let lead = &text[line_start..key_start];
    let lead = match doc.format {
        // `  - command: x` starts a list item: the next key is indented to the same column.
        Format::Yaml => lead
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect::<String>(),
        _ => lead.to_string(),
    };
    if doc.format == Format::Toml && lead.contains(['"', '\'']) {
        return Err("its `command` key is quoted; write it plainly to wrap it".into());
    }
    let line_break = line_break_near(text, value_end);
    Ok((line_end, format!("{line_break}{lead}{key}{assign}{array}")))
}

/// A string literal that JSON, TOML (basic string) and YAML (double-quoted) all read as `s`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or_default()
}

/// Applies the edits, then checks that the new text reads back as intended.
fn finish(
    doc: &ConfigDoc,
    mut edits: Vec<Edit>,
    servers: Vec<ServerOutcome>,
    expected: &[Expect],
) -> Result<Rewrite, RewriteError> {
    if edits.is_empty() {
        return Ok(Rewrite {
            text: doc.text.clone(),
            servers,
        });
    }
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut text = String::with_capacity(doc.text.len() + edits.len() * 32);
    let mut at = 0;
    for edit in &edits {
        let (start, end) = (edit.span.start, edit.span.end);
        if start < at || end > doc.text.len() || doc.text.get(at..start).is_none() {
            return Err(RewriteError::Mismatch {
                server: server_at(doc, start, expected),
                reason: "two edits overlap".into(),
            });
        }
        text.push_str(&doc.text[at..start]);
        text.push_str(&edit.text);
        at = end;
    }
    text.push_str(&doc.text[at..]);
    verify(doc, &text, expected)?;
    Ok(Rewrite { text, servers })
}

fn server_at(doc: &ConfigDoc, offset: usize, expected: &[Expect]) -> String {
    interpret(doc)
        .servers
        .into_iter()
        .find(|s| {
            s.span.start <= offset
                && offset <= s.span.end
                && expected.iter().any(|e| e.name_span == s.name_span)
        })
        .map_or_else(|| "?".to_string(), |s| s.name)
}

/// Parses and interprets `text` again: each rewritten server must have exactly the intended
/// command and args, and every other server its old ones.
fn verify(doc: &ConfigDoc, text: &str, expected: &[Expect]) -> Result<(), RewriteError> {
    let root = parse_document(doc.format, text).map_err(|e| {
        let lines = LineIndex::new(text);
        let (line, column) = lines.line_col(text, e.offset);
        RewriteError::Reparse {
            line,
            column,
            reason: e.message,
        }
    })?;
    let after_doc = ConfigDoc {
        path: doc.path.clone(),
        client: doc.client,
        kind: doc.kind,
        format: doc.format,
        text: text.to_string(),
        lines: LineIndex::new(text),
        root,
    };
    let before = interpret(doc).servers;
    let after = interpret(&after_doc).servers;
    let mismatch = |server: &str, reason: String| RewriteError::Mismatch {
        server: server.to_string(),
        reason,
    };
    if before.len() != after.len() {
        return Err(mismatch(
            "?",
            format!("{} servers before, {} after", before.len(), after.len()),
        ));
    }
    let values =
        |args: &[Spanned<String>]| args.iter().map(|a| a.value.clone()).collect::<Vec<_>>();
    for (old, new) in before.iter().zip(&after) {
        if old.name != new.name || old.scope != new.scope {
            return Err(mismatch(
                &old.name,
                format!("it is read as `{}` afterwards", new.name),
            ));
        }
        let (command, args) = match expected.iter().find(|e| e.name_span == old.name_span) {
            Some(e) => (Some(e.command.clone()), e.args.clone()),
            None => (
                old.command.as_ref().map(|c| c.value.clone()),
                values(&old.args),
            ),
        };
        let got_command = new.command.as_ref().map(|c| c.value.clone());
        if got_command != command || values(&new.args) != args {
            return Err(mismatch(
                &old.name,
                format!(
                    "expected command {command:?} with args {args:?}, read {got_command:?} with {:?}",
                    values(&new.args)
                ),
            ));
        }
        let env = |s: &ServerEntry| {
            s.env
                .iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect::<Vec<_>>()
        };
        if old.transport != new.transport
            || old.disabled != new.disabled
            || env(old) != env(new)
            || old.url.as_ref().map(|u| &u.value) != new.url.as_ref().map(|u| &u.value)
        {
            return Err(mismatch(
                &old.name,
                "its transport, env, url or enabled state changed".into(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_escapes_what_every_format_needs() {
        assert_eq!(encode("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(encode("x\u{7f}\u{1}é"), "\"x\\u007f\\u0001é\"");
    }

    #[test]
    fn wrapper_lines_are_read() {
        let w = parse_wrapper(
            "/usr/bin/mcpward",
            &[
                "run", "--server", "gh", "--policy", "/p.toml", "--", "npx", "-y",
            ],
        )
        .expect("wrapped");
        assert_eq!(w.server.as_deref(), Some("gh"));
        assert_eq!(w.policy.as_deref(), Some("/p.toml"));
        assert_eq!(w.command_at, 6);
        assert!(!w.added_key);
        let w = parse_wrapper("mcpward.exe", &["run", "--server=gh", "--", "x"]).expect("wrapped");
        assert!(w.added_key);
        assert!(parse_wrapper("mcpward", &["run", "--server", "gh", "--"]).is_none());
        assert!(parse_wrapper("npx", &["run", "--", "x"]).is_none());
    }

    #[test]
    fn yaml_plain_scalars_in_flow_lists() {
        for ok in ["npx", "-y", "mcp-server-fetch", "/usr/bin/x", "a:b"] {
            assert!(yaml_plain_in_flow(ok), "{ok}");
        }
        for bad in [
            "@scope/pkg",
            "a,b",
            "[x]",
            "a: b",
            "- x",
            "true",
            "1.5",
            "*x",
            "",
        ] {
            assert!(!yaml_plain_in_flow(bad), "{bad}");
        }
    }

    #[test]
    fn block_separators() {
        assert!(yaml_block_separator("\n      - "));
        assert!(yaml_block_separator("\r\n  - "));
        assert!(!yaml_block_separator("\n  # c\n  - "));
        assert!(!yaml_block_separator(", "));
    }
}
