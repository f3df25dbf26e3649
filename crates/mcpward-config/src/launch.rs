//! What a stdio server's launch command means.
//!
//! [`understand`] takes the `command` and `args` of a config entry and returns a [`Launch`]: the
//! runner (npx, uvx, docker, …), the package it fetches and the version asked for, container
//! options, an inline shell script, and the arguments that reach the server itself. It only reads
//! strings: nothing is resolved or run.

use crate::{Span, Spanned};

/// The program that starts a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Runner {
    /// `npx` / `npm exec` / `npm x`.
    Npx,
    /// `bunx` / `bun x`.
    Bunx,
    /// `pnpm dlx`.
    PnpmDlx,
    /// `yarn dlx`.
    YarnDlx,
    /// `uvx` / `uv tool run`.
    Uvx,
    /// `pipx run`.
    PipxRun,
    /// `uv run` (a script or a `--with` package).
    UvRun,
    /// `docker run`.
    Docker,
    /// `podman run`.
    Podman,
    /// `node SCRIPT`.
    Node,
    /// `python SCRIPT` or `python -m MODULE`.
    Python,
    /// `deno run`.
    Deno,
    /// `sh -c`, `bash -c`, `cmd /c`, `powershell -Command`, … with an inline script.
    Shell,
    /// Anything else: a binary on the PATH or a path.
    Binary,
    /// A program that only starts another one: `env`, `sudo`, `wsl`, `nohup`, `timeout`, `op run --`,
    /// … The launch it starts is in [`Launch::inner`].
    Wrapper,
}

impl Runner {
    /// A short name for reports.
    pub fn id(self) -> &'static str {
        match self {
            Runner::Npx => "npx",
            Runner::Bunx => "bunx",
            Runner::PnpmDlx => "pnpm dlx",
            Runner::YarnDlx => "yarn dlx",
            Runner::Uvx => "uvx",
            Runner::PipxRun => "pipx run",
            Runner::UvRun => "uv run",
            Runner::Docker => "docker",
            Runner::Podman => "podman",
            Runner::Node => "node",
            Runner::Python => "python",
            Runner::Deno => "deno",
            Runner::Shell => "shell",
            Runner::Binary => "binary",
            Runner::Wrapper => "wrapper",
        }
    }
}

/// The package registry a spec refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageSource {
    /// The npm registry.
    Npm,
    /// PyPI.
    Pypi,
    /// A container image.
    Docker,
}

/// How a package spec pins its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionReq {
    /// No version at all: whatever is newest when it runs.
    None,
    /// A moving tag: `latest`, `next`, a docker `:latest`.
    Tag(String),
    /// A range (`^1.2`, `>=1`, `~1.2.3`, `1.x`, `*`).
    Range(String),
    /// One exact version (`1.2.3`, `==1.2.3`, a docker tag other than `latest`).
    Exact(String),
    /// A content digest (`@sha256:…`): immutable.
    Digest(String),
    /// Not from the registry: a git URL, tarball, local path.
    External(String),
    /// Runs what is installed (`python -m module`); nothing is fetched at launch.
    Installed,
}

impl VersionReq {
    /// The version text as written, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            VersionReq::None | VersionReq::Installed => None,
            VersionReq::Tag(s)
            | VersionReq::Range(s)
            | VersionReq::Exact(s)
            | VersionReq::Digest(s)
            | VersionReq::External(s) => Some(s),
        }
    }
}

/// A package a runner fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageSpec {
    /// Where it comes from.
    pub source: PackageSource,
    /// Its name (docker: the image without tag or digest).
    pub name: String,
    /// The version asked for.
    pub version: VersionReq,
    /// The spec as written and where (an argument, or part of the command).
    pub spec: Spanned<String>,
}

/// A bind mount or volume given to a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Host path or volume name.
    pub source: String,
    /// Path inside the container.
    pub target: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// The argument that declares it.
    pub span: Span,
}

/// `docker run` / `podman run` options that matter for security.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContainerOptions {
    /// `--privileged`.
    pub privileged: Option<Span>,
    /// `--network host` / `--net=host`.
    pub network_host: Option<Span>,
    /// `--network none`.
    pub network_none: bool,
    /// `--pid host`.
    pub pid_host: Option<Span>,
    /// `--ipc host` / `--uts host` / `--userns host`.
    pub other_host_ns: Vec<Spanned<String>>,
    /// `--cap-add` values.
    pub cap_add: Vec<Spanned<String>>,
    /// `--security-opt` values that disable confinement (`seccomp=unconfined`, `apparmor=unconfined`).
    pub unconfined: Vec<Spanned<String>>,
    /// `--device` values.
    pub devices: Vec<Spanned<String>>,
    /// Mounts (`-v`, `--volume`, `--mount`).
    pub mounts: Vec<Mount>,
    /// Environment variables set with `-e NAME=VALUE` (name, value, span of the argument).
    pub env: Vec<(String, Spanned<String>)>,
}

/// What a launch command means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// The runner.
    pub runner: Runner,
    /// The program's base name (`npx`, `docker`, `my-server`), lowercase, without `.exe`/`.cmd`.
    pub program: String,
    /// The package fetched, if the runner fetches one.
    pub package: Option<PackageSpec>,
    /// Extra packages (`uvx --with`, `uv run --with`, `npx -p`).
    pub extra_packages: Vec<PackageSpec>,
    /// Container options, for docker/podman.
    pub container: Option<ContainerOptions>,
    /// The script or module run by node/python/deno/uv run.
    pub script: Option<Spanned<String>>,
    /// The inline script given to a shell (`sh -c SCRIPT`).
    pub inline_script: Option<Spanned<String>>,
    /// The launch inside a shell or other wrapper (`cmd /c npx -y pkg`, `sudo npx -y pkg` → the npx
    /// launch), if it parses as one. For a shell script with several commands
    /// (`cd dir && ./server`), the last command.
    pub inner: Option<Box<Launch>>,
    /// The arguments that reach the server itself.
    pub server_args: Vec<Spanned<String>>,
    /// Runs with raised privileges: `sudo`, `doas`, `runas`, `gsudo`, `pkexec` or `wsl -u root`
    /// wraps it. Set on the elevating wrapper, on every launch inside it, and on every launch that
    /// wraps it, so both the outermost and the [effective](Launch::effective) launch show it.
    pub elevated: bool,
}

impl Launch {
    /// This launch, or the one inside its shell or other wrapper: the launch that names the server.
    pub fn effective(&self) -> &Launch {
        match &self.inner {
            Some(inner) => inner.effective(),
            None => self,
        }
    }
}

/// The base name of a program path, lowercase, without a Windows extension.
pub fn program_name(command: &str) -> String {
    let base = command
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(command)
        .to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(stem) = base.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    base
}

/// Splits a command line into words the way a POSIX shell would for simple cases: whitespace
/// separates, single and double quotes group, backslash escapes inside double quotes and outside.
/// Each word carries its byte span within `line`, shifted by `base`.
pub fn split_words(line: &str, base: usize) -> Vec<Spanned<String>> {
    split_impl(line, base, true, true)
}

/// Splits a command line into words with backslash as an ordinary character: whitespace separates,
/// single and double quotes group. This is how a config's `command` string is read, so a Windows
/// path (`C:\Users\me`) keeps its backslashes. Spans as in [`split_words`].
pub fn split_words_literal(line: &str, base: usize) -> Vec<Spanned<String>> {
    split_impl(line, base, false, true)
}

fn split_impl(line: &str, base: usize, posix: bool, single_quotes: bool) -> Vec<Spanned<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    words.push(Spanned::new(
                        std::mem::take(&mut current),
                        Span::new(base + s, base + i),
                    ));
                }
            }
            (None, '"') => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            (None, '\'') if single_quotes => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => current.push(c),
            (_, '\\') if posix => {
                start.get_or_insert(i);
                match chars.peek() {
                    Some(&(_, n)) if quote.is_none() || matches!(n, '"' | '\\' | '$' | '`') => {
                        current.push(n);
                        chars.next();
                    }
                    _ => current.push('\\'),
                }
            }
            (_, c) => {
                start.get_or_insert(i);
                current.push(c);
            }
        }
    }
    if let Some(s) = start {
        words.push(Spanned::new(
            current,
            Span::new(base + s, base + line.len()),
        ));
    }
    words
}

const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "fish", "ash"];

/// How deep wrappers may nest (`sudo env X=1 nohup bash -c "…"`).
const MAX_DEPTH: u8 = 8;

/// Understands a launch: `command` and `args` as a config gives them.
///
/// A command with spaces and no args is split into words first (some clients accept
/// `"command": "npx -y pkg"`); backslashes in it are ordinary characters and every word carries the
/// span of the whole command literal (the value is JSON-unescaped, so offsets inside it would not
/// match the source). A command string with shell syntax (`curl … | sh`) is read as an `sh -c`
/// script. A command string that is one program path with spaces
/// (`C:\Program Files\nodejs\node.exe`) is not split.
pub fn understand(command: &Spanned<String>, args: &[Spanned<String>]) -> Launch {
    let text = command.value.trim();
    if args.is_empty() && has_command_string_syntax(text) {
        let mut l = blank(Runner::Shell, "sh".to_string());
        set_inner(
            &mut l,
            script_inner(&command.value, command.span, Dialect::CommandString, 0),
        );
        l.inline_script = Some(command.clone());
        return l;
    }
    if args.is_empty() && text.contains(char::is_whitespace) && !is_spaced_program_path(text) {
        let words: Vec<Spanned<String>> = split_words_literal(&command.value, 0)
            .into_iter()
            .map(|w| Spanned::new(w.value, command.span))
            .collect();
        return understand_words(&words, 0);
    }
    let mut words: Vec<Spanned<String>> = Vec::with_capacity(args.len() + 1);
    words.push(command.clone());
    words.extend(args.iter().cloned());
    understand_words(&words, 0)
}

/// Shell syntax in a `command` string, not counting `${NAME}` / `${env:NAME}` placeholders, which
/// clients (VS Code, Cursor, Claude Code) substitute themselves.
fn has_command_string_syntax(text: &str) -> bool {
    let mut rest = text;
    let mut stripped = String::with_capacity(text.len());
    while let Some(at) = rest.find("${") {
        stripped.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find('}') {
            Some(end)
                if end > 0
                    && after[..end].bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-')
                    }) =>
            {
                stripped.push('x');
                rest = &after[end + 1..];
            }
            _ => {
                stripped.push_str("${");
                rest = after;
            }
        }
    }
    stripped.push_str(rest);
    has_shell_syntax(&stripped)
}

/// `C:\Program Files\nodejs\node.exe` or `/opt/My App/server.exe`: one program path with spaces,
/// which a client passes whole to the OS.
fn is_spaced_program_path(text: &str) -> bool {
    let bytes = text.as_bytes();
    let rooted = text.starts_with('/')
        || text.starts_with("\\\\")
        || (bytes.len() > 2
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && matches!(bytes[2], b'\\' | b'/'));
    let lower = text.to_ascii_lowercase();
    rooted
        && [".exe", ".cmd", ".bat"].iter().any(|e| lower.ends_with(e))
        && !text.contains(['"', '\''])
        && !text.contains("://")
        && !text.split_whitespace().skip(1).any(|w| w.starts_with('-'))
}

/// `NAME=VALUE`, as `env` and shells read a leading assignment.
fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        None => false,
    }
}

fn understand_words(words: &[Spanned<String>], depth: u8) -> Launch {
    // `API_KEY=x npx -y pkg` (a shell or a split command string): the assignments only set the
    // environment.
    let skip = words.iter().take_while(|w| is_assignment(&w.value)).count();
    let words = if skip < words.len() {
        &words[skip..]
    } else {
        words
    };
    let Some((first, rest)) = words.split_first() else {
        return blank(Runner::Binary, String::new());
    };
    let program = program_name(&first.value);
    let sub = rest.first().map(|w| w.value.as_str());
    match program.as_str() {
        "npx" => npm_like(Runner::Npx, program, rest),
        "bunx" => npm_like(Runner::Bunx, program, rest),
        "npm" | "bun" if matches!(sub, Some("exec" | "x")) => npm_like(
            if program == "npm" {
                Runner::Npx
            } else {
                Runner::Bunx
            },
            program,
            &rest[1..],
        ),
        "pnpm" | "yarn" if sub == Some("dlx") => npm_like(
            if program == "pnpm" {
                Runner::PnpmDlx
            } else {
                Runner::YarnDlx
            },
            program,
            &rest[1..],
        ),
        "pnpx" => npm_like(Runner::PnpmDlx, program, rest),
        "uvx" => uvx(program, rest),
        "uv" => uv(program, rest),
        "pipx" if sub == Some("run") => pipx(program, &rest[1..]),
        "docker" | "podman" => container(program, rest),
        "node" | "nodejs" | "tsx" | "ts-node" => script_runner(Runner::Node, program, rest),
        "deno" => deno(program, rest),
        p if p.starts_with("python") || p == "py" => python(program, rest),
        p if SHELLS.contains(&p) => posix_shell(program, rest, depth),
        "cmd" => cmd(program, rest, depth),
        "powershell" | "pwsh" => powershell(program, rest, depth),
        "env" => env(program, rest, depth),
        "wsl" => wsl(program, rest, depth),
        "runas" => runas(program, rest, depth),
        "sudo" | "doas" | "gsudo" | "pkexec" | "nohup" | "exec" | "time" | "nice" | "timeout"
        | "caffeinate" | "stdbuf" | "setsid" | "dotenv" => {
            let spec = match program.as_str() {
                "sudo" => &SUDO,
                "doas" => &DOAS,
                "gsudo" => &GSUDO,
                "pkexec" => &PKEXEC,
                "exec" => &EXEC,
                "time" => &TIME,
                "nice" => &NICE,
                "timeout" => &TIMEOUT,
                "caffeinate" => &CAFFEINATE,
                "stdbuf" => &STDBUF,
                "dotenv" => &DASHDASH,
                _ => &PLAIN,
            };
            wrapper(program, rest, spec, depth)
        }
        "op" | "doppler" | "infisical" | "dotenvx" if sub == Some("run") => {
            wrapper(program, &rest[1..], &DASHDASH, depth)
        }
        "mise" if matches!(sub, Some("exec" | "x")) => {
            wrapper(program, &rest[1..], &DASHDASH, depth)
        }
        "direnv" if sub == Some("exec") => wrapper(program, &rest[1..], &DIRENV_EXEC, depth),
        _ => {
            let mut l = blank(Runner::Binary, program);
            l.server_args = rest.to_vec();
            l
        }
    }
}

fn blank(runner: Runner, program: String) -> Launch {
    Launch {
        runner,
        program,
        package: None,
        extra_packages: Vec::new(),
        container: None,
        script: None,
        inline_script: None,
        inner: None,
        server_args: Vec::new(),
        elevated: false,
    }
}

/// Puts `inner` inside `outer`; an elevated inner launch makes the wrapper elevated too.
fn set_inner(outer: &mut Launch, inner: Option<Launch>) {
    if let Some(inner) = inner {
        outer.elevated |= inner.elevated;
        outer.inner = Some(Box::new(inner));
    }
}

/// Marks a launch and everything inside it as elevated.
fn mark_elevated(l: &mut Launch) {
    l.elevated = true;
    if let Some(inner) = l.inner.as_deref_mut() {
        mark_elevated(inner);
    }
}

/// How a wrapper program reads its own options before the command it starts.
struct WrapperSpec {
    /// Short options that take a value (`-u USER`, `-uUSER`, `-Eu USER`).
    short_values: &'static str,
    /// Long options that take a value unless given as `--opt=value`.
    long_values: &'static [&'static str],
    /// Operands before the command (`timeout DURATION`, `direnv exec DIR`).
    operands: usize,
    /// `NAME=VALUE` words before the command are environment settings (`env`, `sudo`).
    assignments: bool,
    /// The command is only what follows `--` (`op run -- cmd`): the tool's own options are not
    /// modelled.
    after_dashdash: bool,
    /// Runs the command with raised privileges.
    elevates: bool,
}

const PLAIN: WrapperSpec = WrapperSpec {
    short_values: "",
    long_values: &[],
    operands: 0,
    assignments: false,
    after_dashdash: false,
    elevates: false,
};
const SUDO: WrapperSpec = WrapperSpec {
    short_values: "ugCDprtTU",
    long_values: &[
        "--user",
        "--group",
        "--close-from",
        "--chdir",
        "--prompt",
        "--role",
        "--type",
        "--command-timeout",
        "--other-user",
        "--host",
        "--login-class",
    ],
    assignments: true,
    elevates: true,
    ..PLAIN
};
const DOAS: WrapperSpec = WrapperSpec {
    short_values: "uC",
    elevates: true,
    ..PLAIN
};
const GSUDO: WrapperSpec = WrapperSpec {
    short_values: "ui",
    long_values: &["--user", "--integrity"],
    elevates: true,
    ..PLAIN
};
const PKEXEC: WrapperSpec = WrapperSpec {
    long_values: &["--user"],
    elevates: true,
    ..PLAIN
};
const EXEC: WrapperSpec = WrapperSpec {
    short_values: "a",
    ..PLAIN
};
const TIME: WrapperSpec = WrapperSpec {
    short_values: "fo",
    long_values: &["--format", "--output"],
    ..PLAIN
};
const NICE: WrapperSpec = WrapperSpec {
    short_values: "n",
    long_values: &["--adjustment"],
    ..PLAIN
};
const TIMEOUT: WrapperSpec = WrapperSpec {
    short_values: "sk",
    long_values: &["--signal", "--kill-after"],
    operands: 1,
    ..PLAIN
};
const CAFFEINATE: WrapperSpec = WrapperSpec {
    short_values: "tw",
    ..PLAIN
};
const STDBUF: WrapperSpec = WrapperSpec {
    short_values: "ioe",
    long_values: &["--input", "--output", "--error"],
    ..PLAIN
};
const ENV: WrapperSpec = WrapperSpec {
    short_values: "uCP",
    long_values: &["--unset", "--chdir"],
    assignments: true,
    ..PLAIN
};
const DASHDASH: WrapperSpec = WrapperSpec {
    after_dashdash: true,
    ..PLAIN
};
const DIRENV_EXEC: WrapperSpec = WrapperSpec {
    operands: 1,
    ..PLAIN
};

/// Where the wrapped command starts in `rest`, if anywhere.
fn command_start(rest: &[Spanned<String>], spec: &WrapperSpec) -> Option<usize> {
    if spec.after_dashdash {
        return rest.iter().position(|w| w.value == "--").map(|i| i + 1);
    }
    let mut operands = spec.operands;
    let mut options = true;
    let mut i = 0;
    while i < rest.len() {
        let v = rest[i].value.as_str();
        if options && v == "--" {
            options = false;
            i += 1;
        } else if options && v.starts_with("--") {
            let (flag, inline) = flag_parts(v);
            i += if inline.is_none() && spec.long_values.contains(&flag) {
                2
            } else {
                1
            };
        } else if options && v.len() > 1 && v.starts_with('-') {
            // A cluster of short options: the first one that takes a value takes the rest of the
            // word, or the next word when it ends the cluster.
            let cluster = &v[1..];
            let takes_next = cluster
                .char_indices()
                .find(|&(_, c)| spec.short_values.contains(c))
                .is_some_and(|(at, c)| at + c.len_utf8() == cluster.len());
            i += if takes_next { 2 } else { 1 };
        } else if spec.assignments && is_assignment(v) {
            i += 1;
        } else if operands > 0 {
            operands -= 1;
            i += 1;
        } else {
            return Some(i);
        }
    }
    None
}

/// A wrapper whose command follows its options: `sudo -E npx -y pkg`, `timeout 60 node s.js`.
fn wrapper(program: String, rest: &[Spanned<String>], spec: &WrapperSpec, depth: u8) -> Launch {
    let mut l = blank(Runner::Wrapper, program);
    if depth < MAX_DEPTH
        && let Some(start) = command_start(rest, spec)
    {
        set_inner(&mut l, Some(understand_words(&rest[start..], depth + 1)));
    }
    if spec.elevates {
        mark_elevated(&mut l);
    }
    l
}

/// `env [-i] [-u NAME] [-C DIR] [-S STRING] [NAME=VALUE]… COMMAND …`.
fn env(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    // `-S STRING` / `--split-string=STRING` splits one word into several.
    let mut words: Vec<Spanned<String>> = Vec::with_capacity(rest.len());
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        let split = match flag {
            "--split-string" => take_value(inline, w, &mut it),
            "-S" => it.next().cloned(),
            f if f.starts_with("-S") && !f.starts_with("--") => {
                Some(Spanned::new(f[2..].to_string(), w.span))
            }
            _ => {
                words.push(w.clone());
                continue;
            }
        };
        if let Some(s) = split {
            words.extend(
                split_words(&s.value, 0)
                    .into_iter()
                    .map(|x| Spanned::new(x.value, s.span)),
            );
        }
        words.extend(it.cloned());
        break;
    }
    wrapper(program, &words, &ENV, depth)
}

/// `wsl [-d DISTRO] [-u USER] [--cd DIR] [-e | --exec | --] COMMAND …`.
fn wsl(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    let mut l = blank(Runner::Wrapper, program);
    let mut root = false;
    let mut start = None;
    let mut i = 0;
    while i < rest.len() {
        let (flag, inline) = flag_parts(&rest[i].value);
        let step = if inline.is_some() { 1 } else { 2 };
        match flag {
            "-e" | "--exec" | "--" => {
                start = Some(i + 1);
                break;
            }
            "-u" | "--user" => {
                let user = inline.or_else(|| rest.get(i + 1).map(|w| w.value.as_str()));
                root |= user == Some("root");
                i += step;
            }
            "-d" | "--distribution" | "--cd" | "--shell-type" | "--distribution-id" => i += step,
            // `wsl ~ …` starts in the home directory.
            "~" => i += 1,
            f if f.starts_with('-') => i += 1,
            _ => {
                start = Some(i);
                break;
            }
        }
    }
    if depth < MAX_DEPTH
        && let Some(start) = start.filter(|&s| s < rest.len())
    {
        set_inner(&mut l, Some(understand_words(&rest[start..], depth + 1)));
    }
    if root {
        mark_elevated(&mut l);
    }
    l
}

/// `runas /user:NAME [/savecred …] "program args"`: Windows' runas takes the command as one string.
fn runas(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    let mut l = blank(Runner::Wrapper, program);
    if depth < MAX_DEPTH
        && let Some(cmdline) = rest.iter().find(|w| !w.value.starts_with('/'))
    {
        let words: Vec<Spanned<String>> = split_words_literal(&cmdline.value, 0)
            .into_iter()
            .map(|w| Spanned::new(w.value, cmdline.span))
            .collect();
        if !words.is_empty() {
            set_inner(&mut l, Some(understand_words(&words, depth + 1)));
        }
    }
    mark_elevated(&mut l);
    l
}

/// Splits `--flag=value` into `("--flag", Some("value"))`.
fn flag_parts(word: &str) -> (&str, Option<&str>) {
    match word.split_once('=') {
        Some((f, v)) if f.starts_with("--") => (f, Some(v)),
        _ => (word, None),
    }
}

/// Takes a flag's value: inline (`--x=v`) or the next word.
fn take_value<'a>(
    inline: Option<&str>,
    word: &'a Spanned<String>,
    it: &mut std::slice::Iter<'a, Spanned<String>>,
) -> Option<Spanned<String>> {
    match inline {
        Some(v) => Some(Spanned::new(v.to_string(), word.span)),
        None => it.next().cloned(),
    }
}

fn npm_like(runner: Runner, program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(runner, program);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        match flag {
            "--" => {
                // `npm exec -- pkg`, or `npm exec -p pkg -- bin` where `bin` is what `pkg` provides.
                if let Some(pkg) = it.next() {
                    l.package = Some(if l.extra_packages.is_empty() {
                        npm_spec(pkg)
                    } else {
                        l.extra_packages.remove(0)
                    });
                }
                break;
            }
            "-p" | "--package" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    l.extra_packages.push(npm_spec(&v));
                }
            }
            "-c" | "--call" => {
                l.inline_script = take_value(inline, w, &mut it);
                l.runner = Runner::Shell;
                return l;
            }
            "--registry" | "--cache" | "--userconfig" | "--prefix" | "-w" | "--workspace" => {
                take_value(inline, w, &mut it);
            }
            f if f.starts_with('-') => {}
            _ => {
                // With `-p PKG`, the first word is the binary that package provides.
                if l.extra_packages.is_empty() {
                    l.package = Some(npm_spec(w));
                } else {
                    l.package = Some(l.extra_packages.remove(0));
                }
                break;
            }
        }
    }
    if l.package.is_none() && !l.extra_packages.is_empty() {
        l.package = Some(l.extra_packages.remove(0));
    }
    l.server_args = it.cloned().collect();
    l
}

/// Parses an npm package spec: `name`, `name@1.2.3`, `@scope/name@^1`, `name@latest`,
/// `github:user/repo`, `git+https://…`, a tarball URL or a local path.
pub fn npm_spec(word: &Spanned<String>) -> PackageSpec {
    let s = word.value.as_str();
    let external = s.starts_with('.')
        || s.starts_with('/')
        || s.starts_with('~')
        || s.contains("://")
        || ["github:", "gitlab:", "bitbucket:", "git+", "file:", "gist:"]
            .iter()
            .any(|p| s.starts_with(p))
        || (s.contains('/') && !s.starts_with('@'))
        || s.ends_with(".tgz");
    if external {
        return PackageSpec {
            source: PackageSource::Npm,
            name: s.to_string(),
            version: VersionReq::External(s.to_string()),
            spec: word.clone(),
        };
    }
    let (name, version) = match s.get(1..).and_then(|t| t.find('@')).map(|i| i + 1) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let version = match version {
        None | Some("") => VersionReq::None,
        Some(v) => classify_npm_version(v),
    };
    PackageSpec {
        source: PackageSource::Npm,
        name: name.to_string(),
        version,
        spec: word.clone(),
    }
}

fn classify_npm_version(v: &str) -> VersionReq {
    let exact = {
        let core = v
            .strip_prefix('=')
            .unwrap_or(v)
            .strip_prefix('v')
            .unwrap_or(v);
        let main = core.split(['-', '+']).next().unwrap_or(core);
        let parts: Vec<&str> = main.split('.').collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if exact {
        VersionReq::Exact(v.to_string())
    } else if v
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_')
        && !v.is_empty()
    {
        VersionReq::Tag(v.to_string())
    } else {
        VersionReq::Range(v.to_string())
    }
}

/// Parses a PyPI requirement as uvx/pipx accept it: `name`, `name==1.0`, `name@1.0`, `name>=1`,
/// `name[extra]==1`, or a URL / path.
pub fn pypi_spec(word: &Spanned<String>) -> PackageSpec {
    let s = word.value.as_str();
    if s.contains("://")
        || s.starts_with("git+")
        || s.starts_with('.')
        || s.starts_with('/')
        || s.ends_with(".whl")
    {
        return PackageSpec {
            source: PackageSource::Pypi,
            name: s.to_string(),
            version: VersionReq::External(s.to_string()),
            spec: word.clone(),
        };
    }
    let cut = s
        .find(['=', '<', '>', '~', '!', '@', ' ', ';'])
        .unwrap_or(s.len());
    let name_part = &s[..cut];
    let name = name_part
        .split('[')
        .next()
        .unwrap_or(name_part)
        .trim()
        .to_string();
    let rest = s[cut..].trim();
    let version = if rest.is_empty() {
        VersionReq::None
    } else if let Some(v) = rest.strip_prefix("===").or_else(|| rest.strip_prefix("==")) {
        if v.contains('*') || v.contains(',') {
            VersionReq::Range(rest.to_string())
        } else {
            VersionReq::Exact(v.trim().to_string())
        }
    } else if let Some(v) = rest.strip_prefix('@') {
        let v = v.trim();
        if v == "latest" {
            VersionReq::Tag(v.to_string())
        } else {
            VersionReq::Exact(v.to_string())
        }
    } else {
        VersionReq::Range(rest.to_string())
    };
    PackageSpec {
        source: PackageSource::Pypi,
        name,
        version,
        spec: word.clone(),
    }
}

fn uvx(program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(Runner::Uvx, program);
    let mut from: Option<PackageSpec> = None;
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        match flag {
            "--from" => from = take_value(inline, w, &mut it).map(|v| pypi_spec(&v)),
            "--with" | "-w" | "--with-editable" | "--with-requirements" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    l.extra_packages.push(pypi_spec(&v));
                }
            }
            "--python" | "-p" | "--index" | "--index-url" | "--extra-index-url"
            | "--default-index" | "--directory" | "--project" | "--cache-dir" | "--config-file"
            | "--env-file" => {
                take_value(inline, w, &mut it);
            }
            "--" => {
                if let Some(cmd) = it.next() {
                    set_from_command(&mut l, from.take(), cmd);
                }
                break;
            }
            f if f.starts_with('-') => {}
            _ => {
                set_from_command(&mut l, from.take(), w);
                break;
            }
        }
    }
    if l.package.is_none() {
        l.package = from;
    }
    l.server_args = it.cloned().collect();
    l
}

/// `uvx [--from SPEC] COMMAND`, `pipx run [--spec SPEC] APP`: the package is `SPEC` if given, else
/// `COMMAND`. When `SPEC` is a git URL or path, `script` records `COMMAND`: the program name is the
/// only registry-like name there is (`uvx --from git+https://…/serena serena`).
fn set_from_command(l: &mut Launch, from: Option<PackageSpec>, cmd: &Spanned<String>) {
    match from {
        Some(spec) => {
            if matches!(spec.version, VersionReq::External(_)) {
                l.script = Some(cmd.clone());
            }
            l.package = Some(spec);
        }
        None => l.package = Some(pypi_spec(cmd)),
    }
}

fn uv(program: String, rest: &[Spanned<String>]) -> Launch {
    // `uv [global opts] run …` or `uv [global opts] tool run …`: `tool` must come right before
    // `run` (`uv run --directory X server.py --mode tool` is not the tool form).
    let mut it = rest.iter();
    let mut after: Vec<Spanned<String>> = Vec::new();
    let mut sub: Option<&str> = None;
    let mut prev_tool = false;
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        match flag {
            "--directory"
            | "--project"
            | "--cache-dir"
            | "--config-file"
            | "--color"
            | "--allow-insecure-host" => {
                take_value(inline, w, &mut it);
            }
            "run" => {
                sub = Some(if prev_tool { "tool" } else { "run" });
                after = it.cloned().collect();
                break;
            }
            "tool" => prev_tool = true,
            f if f.starts_with('-') => {}
            _ => prev_tool = false,
        }
    }
    match sub {
        Some("tool") => {
            let mut l = uvx(program, &after);
            l.runner = Runner::Uvx;
            l
        }
        Some(_) => {
            let mut l = blank(Runner::UvRun, program);
            let mut module = false;
            let mut it = after.iter();
            while let Some(w) = it.next() {
                let (flag, inline) = flag_parts(&w.value);
                match flag {
                    "--with" | "-w" | "--with-editable" | "--with-requirements" => {
                        if let Some(v) = take_value(inline, w, &mut it) {
                            l.extra_packages.push(pypi_spec(&v));
                        }
                    }
                    "-m" | "--module" => {
                        l.script = take_value(inline, w, &mut it);
                        module = true;
                        break;
                    }
                    "--python"
                    | "-p"
                    | "--directory"
                    | "--project"
                    | "--env-file"
                    | "--package"
                    | "--index"
                    | "--index-url"
                    | "--extra-index-url"
                    | "--default-index"
                    | "--find-links"
                    | "-f"
                    | "--extra"
                    | "--group"
                    | "--only-group"
                    | "--no-group"
                    | "--cache-dir"
                    | "--config-file"
                    | "--color"
                    | "--resolution"
                    | "--prerelease"
                    | "--exclude-newer"
                    | "--link-mode"
                    | "--index-strategy"
                    | "--keyring-provider"
                    | "--allow-insecure-host" => {
                        take_value(inline, w, &mut it);
                    }
                    f if f.starts_with('-') => {}
                    _ => {
                        l.script = Some(w.clone());
                        break;
                    }
                }
            }
            l.server_args = it.cloned().collect();
            // `uv run --with pkg==1 pkg-binary`: the package is the one named by `--with`.
            if !l.extra_packages.is_empty()
                && l.script
                    .as_ref()
                    .is_some_and(|s| module || !looks_like_path(&s.value))
            {
                l.package = Some(l.extra_packages.remove(0));
            } else if module && let Some(m) = &l.script {
                // `uv run -m module`: the module comes from the project's environment.
                l.package = Some(installed_module(m));
            }
            l
        }
        None => blank(Runner::UvRun, program),
    }
}

fn pipx(program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(Runner::PipxRun, program);
    let mut spec: Option<PackageSpec> = None;
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        match flag {
            "--spec" => spec = take_value(inline, w, &mut it).map(|v| pypi_spec(&v)),
            "--python" | "--index-url" | "--pip-args" => {
                take_value(inline, w, &mut it);
            }
            f if f.starts_with('-') => {}
            _ => {
                set_from_command(&mut l, spec.take(), w);
                break;
            }
        }
    }
    l.server_args = it.cloned().collect();
    l
}

fn looks_like_path(s: &str) -> bool {
    s.contains('/')
        || s.contains('\\')
        || s.ends_with(".py")
        || s.ends_with(".js")
        || s.ends_with(".ts")
        || s.ends_with(".mjs")
}

fn script_runner(runner: Runner, program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(runner, program);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        match w.value.as_str() {
            "-e" | "--eval" | "-p" | "--print" => {
                l.inline_script = it.next().cloned();
                break;
            }
            "-r" | "--require" | "--import" | "--loader" => {
                it.next();
            }
            f if f.starts_with('-') => {}
            _ => {
                l.script = Some(w.clone());
                break;
            }
        }
    }
    l.server_args = it.cloned().collect();
    l
}

fn python(program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(Runner::Python, program);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        match w.value.as_str() {
            "-m" => {
                if let Some(module) = it.next() {
                    l.package = Some(installed_module(module));
                    l.script = Some(module.clone());
                }
                break;
            }
            "-c" => {
                l.inline_script = it.next().cloned();
                break;
            }
            "-W" | "-X" => {
                it.next();
            }
            f if f.starts_with('-') => {}
            _ => {
                l.script = Some(w.clone());
                break;
            }
        }
    }
    l.server_args = it.cloned().collect();
    l
}

/// Namespace prefixes whose PyPI distributions keep the prefix and their dots:
/// `awslabs.aws_documentation_mcp_server` is the distribution `awslabs.aws-documentation-mcp-server`.
/// A general rule ("first segment without `_` and three or more segments") would also turn
/// `mcp.server.stdio` or `src.app.main` into names no package has, so only known namespaces count.
const PYPI_NAMESPACES: &[&str] = &["awslabs"];

/// The PyPI distribution that usually provides a module: the first segment with `_` → `-`
/// (`mcp_server_git.server` → `mcp-server-git`), or the namespace and the next segment for a
/// namespace package (`awslabs.aws_documentation_mcp_server.server` →
/// `awslabs.aws-documentation-mcp-server`).
pub fn module_package_name(module: &str) -> String {
    let mut segments = module.split('.');
    let first = segments.next().unwrap_or(module);
    match segments.next() {
        Some(second) if PYPI_NAMESPACES.contains(&first) && !second.is_empty() => {
            format!("{first}.{}", second.replace('_', "-"))
        }
        _ => first.replace('_', "-"),
    }
}

/// `python -m module`: the module's package as installed; nothing is fetched at launch.
fn installed_module(module: &Spanned<String>) -> PackageSpec {
    PackageSpec {
        source: PackageSource::Pypi,
        name: module_package_name(&module.value),
        version: VersionReq::Installed,
        spec: module.clone(),
    }
}

fn deno(program: String, rest: &[Spanned<String>]) -> Launch {
    let mut l = blank(Runner::Deno, program);
    let mut it = rest
        .iter()
        .skip_while(|w| w.value != "run" && !w.value.starts_with("npm:"));
    let mut first = true;
    for w in it.by_ref() {
        if first && w.value == "run" {
            first = false;
            continue;
        }
        first = false;
        if w.value.starts_with('-') {
            continue;
        }
        if let Some(spec) = w.value.strip_prefix("npm:") {
            let mut p = npm_spec(&Spanned::new(spec.to_string(), w.span));
            p.spec = w.clone();
            l.package = Some(p);
        }
        l.script = Some(w.clone());
        break;
    }
    l.server_args = it.cloned().collect();
    l
}

/// The shell language a script is written in, for finding its last command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    /// `sh -c`, `bash -c`, …: POSIX quoting and backslash escapes.
    Sh,
    /// A config's `command` string run through a shell: POSIX separators, literal backslashes.
    CommandString,
    /// `cmd /c`: double quotes only, literal backslashes, `&` separates.
    Cmd,
    /// `powershell -Command`: `;` separates, `&` is the call operator.
    PowerShell,
}

/// Builtins and keywords that do not start a server: a script ending in one has no inner launch.
const NOT_A_LAUNCH: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "case", "esac",
    "function", "select", "{", "}", "(", ")", "[", "[[", "!", "source", ".", "cd", "export", "set",
    "unset", "echo", "true", "false", ":", "wait", "exit", "return", "read", "eval", "trap",
    "shift", "local", "declare", "typeset", "alias", "pushd", "popd", "setlocal", "endlocal",
    "rem", "pause", "title", "chcp", "goto",
];

/// The launch a shell script runs. A script with no shell syntax is one launch. Otherwise, unless
/// it pipes or substitutes (`|`, backticks, `$(`, `<(`, heredocs), its last command of a list
/// (`&&`, `||`, `;`, `&`, newlines) is the launch: `source ~/.nvm/nvm.sh && npx -y pkg` → npx.
/// Redirections and leading `NAME=VALUE` words are dropped. Every word gets `span`.
fn script_inner(script: &str, span: Span, dialect: Dialect, depth: u8) -> Option<Launch> {
    if depth >= MAX_DEPTH {
        return None;
    }
    let last = last_command(script, dialect)?;
    let mut words: Vec<Spanned<String>> = match dialect {
        Dialect::Sh => split_words(last, 0),
        Dialect::Cmd => split_impl(last, 0, false, false),
        Dialect::CommandString | Dialect::PowerShell => split_words_literal(last, 0),
    }
    .into_iter()
    .map(|w| Spanned::new(w.value, span))
    .collect();
    strip_redirections(&mut words);
    let skip = words.iter().take_while(|w| is_assignment(&w.value)).count();
    words.drain(..skip);
    // `& 'C:\srv\server.exe' …` (PowerShell call operator), `call npx …` (cmd).
    let call = match (dialect, words.first().map(|w| w.value.to_ascii_lowercase())) {
        (Dialect::PowerShell, Some(w)) => w == "&" || w == ".",
        (Dialect::Cmd, Some(w)) => w == "call",
        _ => false,
    };
    if call {
        words.remove(0);
    }
    let first = words.first()?.value.as_str();
    if NOT_A_LAUNCH.contains(&first.to_ascii_lowercase().as_str())
        || first.starts_with(['(', '{', '$'])
        || first.ends_with(')')
    {
        return None;
    }
    Some(understand_words(&words, depth + 1))
}

/// The last non-empty command of a list, or `None` if the script pipes, substitutes or leaves a
/// quote open.
fn last_command(script: &str, dialect: Dialect) -> Option<&str> {
    if ["`", "$(", "<<", "<(", ">("]
        .iter()
        .any(|s| script.contains(s))
    {
        return None;
    }
    let bytes = script.as_bytes();
    let mut last: Option<&str> = None;
    let mut start = 0;
    let mut quote: Option<u8> = None;
    // Comment lines (`# …`, cmd's `:: …` and `rem …`) are not commands.
    let mut push = |from: usize, to: usize| {
        let seg = script[from..to].trim();
        let comment = match dialect {
            Dialect::Cmd => {
                seg.starts_with("::")
                    || seg.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("rem "))
            }
            _ => seg.starts_with('#'),
        };
        if !seg.is_empty() && !comment {
            last = Some(seg);
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == b'\\' && dialect == Dialect::Sh => i += 1,
            Some(_) => {}
            None => match b {
                b'\\' if dialect == Dialect::Sh => i += 1,
                b'\'' if dialect != Dialect::Cmd => quote = Some(b),
                b'"' => quote = Some(b),
                b'|' if next == Some(b'|') => {
                    push(start, i);
                    i += 1;
                    start = i + 1;
                }
                b'|' => return None,
                b'&' if next == Some(b'&') => {
                    push(start, i);
                    i += 1;
                    start = i + 1;
                }
                // `2>&1`, `&>file` are redirections; PowerShell's `&` is the call operator.
                b'&' if dialect != Dialect::PowerShell
                    && next != Some(b'>')
                    && (i == 0 || bytes[i - 1] != b'>') =>
                {
                    push(start, i);
                    start = i + 1;
                }
                b';' if dialect != Dialect::Cmd => {
                    push(start, i);
                    start = i + 1;
                }
                b'\n' | b'\r' => {
                    push(start, i);
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    if quote.is_some() {
        return None;
    }
    push(start, bytes.len());
    last
}

/// Drops redirections (`>log`, `2>/dev/null`, `2>&1`, `> file`, `*>$null`) from a command's words.
fn strip_redirections(words: &mut Vec<Spanned<String>>) {
    let mut out = Vec::with_capacity(words.len());
    let mut it = std::mem::take(words).into_iter();
    while let Some(w) = it.next() {
        let op = w
            .value
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '*' || c == '&');
        if op.starts_with(['>', '<']) {
            if op.trim_start_matches(['>', '<', '&', '|', '!']).is_empty() {
                it.next();
            }
            continue;
        }
        out.push(w);
    }
    *words = out;
}

/// Joins words into one command line, quoting those with spaces, as a launcher passes them on.
fn join_quoted(words: &[Spanned<String>]) -> String {
    words
        .iter()
        .map(|w| {
            if w.value.is_empty()
                || (w.value.contains(char::is_whitespace) && !w.value.contains('"'))
            {
                format!("\"{}\"", w.value)
            } else {
                w.value.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words joined with spaces (as `cmd /c` and `powershell -Command` read them), spanning them.
fn join_words(words: &[Spanned<String>]) -> Option<Spanned<String>> {
    let first = words.first()?;
    let text = words
        .iter()
        .map(|w| w.value.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let end = words.last().map_or(first.span.end, |w| w.span.end);
    Some(Spanned::new(text, Span::new(first.span.start, end)))
}

/// `sh -c SCRIPT`, `bash -lc SCRIPT`, `bash script.sh args`.
fn posix_shell(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    let mut l = blank(Runner::Shell, program);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let v = w.value.as_str();
        let (flag, inline) = flag_parts(v);
        let script = match flag {
            "-o" | "+o" | "-O" | "+O" | "--rcfile" | "--init-file" => {
                take_value(inline, w, &mut it);
                continue;
            }
            "--command" => take_value(inline, w, &mut it),
            "--" => {
                if let Some(file) = it.next() {
                    l.script = Some(file.clone());
                    l.server_args = it.cloned().collect();
                }
                return l;
            }
            f if f.starts_with("--") => continue,
            f if f.len() > 1 && f.starts_with(['-', '+']) => {
                // `-c`, `-lc`, `-ec`, `-xc`: an option cluster with `c` takes the script.
                if f.starts_with('-')
                    && f[1..].contains('c')
                    && f[1..].bytes().all(|b| b.is_ascii_alphabetic())
                {
                    it.next().cloned()
                } else {
                    continue;
                }
            }
            _ => {
                // `bash script.sh`: a script file, not inline.
                l.script = Some(w.clone());
                l.server_args = it.cloned().collect();
                return l;
            }
        };
        if let Some(script) = script {
            set_inner(
                &mut l,
                script_inner(&script.value, script.span, Dialect::Sh, depth),
            );
            l.inline_script = Some(script);
        }
        return l;
    }
    l
}

/// `cmd /c COMMAND …` / `cmd /k …`: the rest of the line is the command.
fn cmd(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    let mut l = blank(Runner::Shell, program);
    for (i, w) in rest.iter().enumerate() {
        let v = w.value.to_ascii_lowercase();
        if matches!(v.as_str(), "/c" | "/k" | "/r") {
            let remaining = &rest[i + 1..];
            let Some(script) = join_words(remaining) else {
                return l;
            };
            // `cmd /c npx -y pkg` keeps its words; `cmd /c "npx -y pkg"` has one word to split.
            let inner = if remaining.len() > 1 && !has_shell_syntax(&script.value) {
                (depth < MAX_DEPTH).then(|| understand_words(remaining, depth + 1))
            } else if remaining.len() > 1 {
                script_inner(&join_quoted(remaining), script.span, Dialect::Cmd, depth)
            } else {
                script_inner(&script.value, script.span, Dialect::Cmd, depth)
            };
            set_inner(&mut l, inner);
            l.inline_script = Some(script);
            return l;
        }
        if !v.starts_with('/') && !v.starts_with('-') {
            l.script = Some(w.clone());
            l.server_args = rest[i + 1..].to_vec();
            return l;
        }
    }
    l
}

/// What a PowerShell command-line parameter does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PsParam {
    /// `-Command`: the rest is an inline script.
    Command,
    /// `-EncodedCommand`: the next word is a base64 script.
    Encoded,
    /// `-File`: the next word is a script file, the rest its arguments.
    File,
    /// Takes a value (`-ExecutionPolicy Bypass`, `-WindowStyle Hidden`).
    Value,
    /// A switch (`-NoProfile`, `-NonInteractive`, `-NoLogo`) or unknown.
    Switch,
}

/// Classifies a PowerShell parameter name (lowercase, without its dash). PowerShell accepts any
/// unambiguous prefix, plus a few aliases (`-c`, `-e`, `-ec`, `-ep`, `-wd`).
fn ps_param(name: &str) -> PsParam {
    let prefix_of = |full: &str, min: usize| name.len() >= min && full.starts_with(name);
    match name {
        "c" => PsParam::Command,
        "e" | "ec" => PsParam::Encoded,
        "f" => PsParam::File,
        "ep" | "ex" | "w" | "v" | "o" | "of" | "if" | "wd" | "ea" | "config" => PsParam::Value,
        _ if prefix_of("encodedarguments", 8) => PsParam::Value,
        _ if prefix_of("encodedcommand", 2) => PsParam::Encoded,
        _ if prefix_of("command", 3) => PsParam::Command,
        _ if prefix_of("file", 2) => PsParam::File,
        _ if [
            "executionpolicy",
            "windowstyle",
            "version",
            "psconsolefile",
            "configurationname",
            "configurationfile",
            "outputformat",
            "inputformat",
            "workingdirectory",
            "custompipename",
            "settingsfile",
        ]
        .iter()
        .any(|full| prefix_of(full, 3)) =>
        {
            PsParam::Value
        }
        _ => PsParam::Switch,
    }
}

/// `powershell [-NoProfile] [-ExecutionPolicy X] -Command …`, `-EncodedCommand BASE64`,
/// `-File script.ps1 args`. A first word that is not a parameter is `-Command` for Windows
/// PowerShell and `-File` for `pwsh`.
fn powershell(program: String, rest: &[Spanned<String>], depth: u8) -> Launch {
    let mut l = blank(Runner::Shell, program);
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        let v = w.value.as_str();
        let name = v
            .strip_prefix("--")
            .or_else(|| v.strip_prefix('-'))
            .or_else(|| {
                // Windows PowerShell also takes `/Command`; a path like `/opt/x.ps1` is not one.
                v.strip_prefix('/')
                    .filter(|n| l.program == "powershell" && !n.contains(['/', '\\', '.']))
            });
        // `-ExecutionPolicy:Bypass` carries its value.
        let (param, name_len, attached) = match name {
            Some(n) => match n.split_once(':') {
                Some((n, _)) => (ps_param(&n.to_ascii_lowercase()), 1, true),
                None => (ps_param(&n.to_ascii_lowercase()), 1, false),
            },
            None if l.program == "pwsh" => (PsParam::File, 0, false),
            None => (PsParam::Command, 0, false),
        };
        let value_at = i + name_len;
        match param {
            PsParam::Command => {
                let remaining = &rest[value_at..];
                let Some(script) = join_words(remaining) else {
                    return l;
                };
                let text = if remaining.len() > 1 {
                    join_quoted(remaining)
                } else {
                    script.value.clone()
                };
                set_inner(
                    &mut l,
                    script_inner(&text, script.span, Dialect::PowerShell, depth),
                );
                l.inline_script = Some(script);
                return l;
            }
            PsParam::Encoded => {
                // A base64 (UTF-16LE) script: kept as written, never parsed as a launch.
                l.inline_script = rest.get(value_at).cloned();
                return l;
            }
            PsParam::File => {
                l.script = rest.get(value_at).cloned();
                l.server_args = rest.get(value_at + 1..).unwrap_or_default().to_vec();
                return l;
            }
            PsParam::Value => i += if attached { 1 } else { 2 },
            PsParam::Switch => i += 1,
        }
    }
    l
}

/// Whether a shell script uses more than one plain command: pipes, lists, substitutions,
/// redirections or variable expansion.
pub fn has_shell_syntax(script: &str) -> bool {
    script.contains(['|', ';', '&', '`', '>', '<', '\n'])
        || script.contains("$(")
        || script.contains("${")
}

fn container(program: String, rest: &[Spanned<String>]) -> Launch {
    let runner = if program == "podman" {
        Runner::Podman
    } else {
        Runner::Docker
    };
    let mut l = blank(runner, program);
    let mut opts = ContainerOptions::default();
    let mut it = rest.iter();
    // Skip to `run` (global options such as `--context x` may come first).
    for w in it.by_ref() {
        if w.value == "run" {
            break;
        }
    }
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        let flag = short_cluster_flag(flag);
        match flag {
            "--privileged" => {
                if inline != Some("false") {
                    opts.privileged = Some(w.span);
                }
            }
            "--network" | "--net" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    match v.value.as_str() {
                        "host" => opts.network_host = Some(v.span),
                        "none" => opts.network_none = true,
                        _ => {}
                    }
                }
            }
            "--pid" => {
                if let Some(v) = take_value(inline, w, &mut it)
                    && v.value == "host"
                {
                    opts.pid_host = Some(v.span);
                }
            }
            "--ipc" | "--uts" | "--userns" | "--cgroupns" => {
                if let Some(v) = take_value(inline, w, &mut it)
                    && v.value == "host"
                {
                    opts.other_host_ns
                        .push(Spanned::new(format!("{flag}=host"), v.span));
                }
            }
            "--cap-add" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    opts.cap_add.push(v);
                }
            }
            "--security-opt" => {
                if let Some(v) = take_value(inline, w, &mut it)
                    && (v.value.contains("unconfined")
                        || v.value.contains("no-new-privileges=false")
                        || v.value.contains("no-new-privileges:false"))
                {
                    opts.unconfined.push(v);
                }
            }
            "--device" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    opts.devices.push(v);
                }
            }
            "-v" | "--volume" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    opts.mounts.push(parse_volume(&v));
                }
            }
            "--mount" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    opts.mounts.push(parse_mount(&v));
                }
            }
            "-e" | "--env" => {
                if let Some(v) = take_value(inline, w, &mut it) {
                    let (name, value) = v.value.split_once('=').unwrap_or((&v.value, ""));
                    opts.env
                        .push((name.to_string(), Spanned::new(value.to_string(), v.span)));
                }
            }
            f if CONTAINER_VALUE_OPTIONS.contains(&f) => {
                take_value(inline, w, &mut it);
            }
            f if f.starts_with('-') => {}
            _ => {
                l.package = Some(image_spec(w));
                break;
            }
        }
    }
    l.server_args = it.cloned().collect();
    l.container = Some(opts);
    l
}

/// `docker run` / `podman run` options that take a value (besides those read above). Anything else
/// starting with `-` is a switch (`-i`, `--rm`, `--init`, `--read-only`, `-P`).
const CONTAINER_VALUE_OPTIONS: &[&str] = &[
    // docker run
    "-a",
    "--attach",
    "--add-host",
    "--annotation",
    "--blkio-weight",
    "--blkio-weight-device",
    "-c",
    "--cpu-shares",
    "--cap-drop",
    "--cgroup-parent",
    "--cidfile",
    "--cpu-count",
    "--cpu-percent",
    "--cpu-period",
    "--cpu-quota",
    "--cpu-rt-period",
    "--cpu-rt-runtime",
    "--cpus",
    "--cpuset-cpus",
    "--cpuset-mems",
    "--detach-keys",
    "--device-cgroup-rule",
    "--device-read-bps",
    "--device-read-iops",
    "--device-write-bps",
    "--device-write-iops",
    "--dns",
    "--dns-opt",
    "--dns-option",
    "--dns-search",
    "--domainname",
    "--entrypoint",
    "--env-file",
    "--expose",
    "--gpus",
    "--group-add",
    "--health-cmd",
    "--health-interval",
    "--health-retries",
    "--health-start-interval",
    "--health-start-period",
    "--health-timeout",
    "-h",
    "--hostname",
    "--init-path",
    "--io-maxbandwidth",
    "--io-maxiops",
    "--ip",
    "--ip6",
    "--isolation",
    "--kernel-memory",
    "-l",
    "--label",
    "--label-file",
    "--link",
    "--link-local-ip",
    "--log-driver",
    "--log-opt",
    "--mac-address",
    "-m",
    "--memory",
    "--memory-reservation",
    "--memory-swap",
    "--memory-swappiness",
    "--name",
    "--network-alias",
    "--net-alias",
    "--oom-score-adj",
    "-p",
    "--publish",
    "--pids-limit",
    "--platform",
    "--pull",
    "--restart",
    "--runtime",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--storage-opt",
    "--sysctl",
    "--tmpfs",
    "-u",
    "--user",
    "--ulimit",
    "--volume-driver",
    "--volumes-from",
    "-w",
    "--workdir",
    // podman run
    "--arch",
    "--authfile",
    "--cert-dir",
    "--cgroup-conf",
    "--cgroups",
    "--chrootdirs",
    "--conmon-pidfile",
    "--creds",
    "--decryption-key",
    "--env-merge",
    "--gidmap",
    "--group-entry",
    "--health-log-destination",
    "--health-max-log-count",
    "--health-max-log-size",
    "--health-on-failure",
    "--health-startup-cmd",
    "--health-startup-interval",
    "--health-startup-retries",
    "--health-startup-success",
    "--health-startup-timeout",
    "--hooks-dir",
    "--hostuser",
    "--image-volume",
    "--os",
    "--passwd-entry",
    "--personality",
    "--pidfile",
    "--pod",
    "--pod-id-file",
    "--preserve-fd",
    "--rdt-class",
    "--requires",
    "--retry",
    "--retry-delay",
    "--sdnotify",
    "--seccomp-policy",
    "--secret",
    "--shm-size-systemd",
    "--subgidname",
    "--subuidname",
    "--systemd",
    "--timeout",
    "--tz",
    "--uidmap",
    "--umask",
    "--unsetenv",
    "--variant",
];

/// `-it`, `-ie NAME=VALUE`, `-itv SRC:DST`: a cluster of switches whose last letter may take a
/// value reads as that last option (`-e`, `-v`).
fn short_cluster_flag(flag: &str) -> &str {
    let bytes = flag.as_bytes();
    if bytes.len() > 2
        && bytes[0] == b'-'
        && bytes[1] != b'-'
        && bytes[1..bytes.len() - 1]
            .iter()
            .all(|b| matches!(b, b'i' | b't' | b'd' | b'P' | b'q'))
        && bytes[bytes.len() - 1].is_ascii_alphabetic()
    {
        // `-it` stays a switch; `-ie` becomes `-e`.
        let last = match bytes[bytes.len() - 1] {
            b'a' => "-a",
            b'c' => "-c",
            b'e' => "-e",
            b'h' => "-h",
            b'l' => "-l",
            b'm' => "-m",
            b'p' => "-p",
            b'u' => "-u",
            b'v' => "-v",
            b'w' => "-w",
            _ => return flag,
        };
        return last;
    }
    flag
}

fn parse_volume(v: &Spanned<String>) -> Mount {
    let parts: Vec<&str> = split_volume(&v.value);
    let (source, target, options) = match parts.as_slice() {
        [s] => (String::new(), (*s).to_string(), ""),
        [s, t] => ((*s).to_string(), (*t).to_string(), ""),
        [s, t, o, ..] => ((*s).to_string(), (*t).to_string(), *o),
        [] => (String::new(), String::new(), ""),
    };
    Mount {
        source,
        target,
        read_only: options.split(',').any(|o| o == "ro" || o == "readonly"),
        span: v.span,
    }
}

/// Splits `SRC:DST[:OPTS]`, keeping a Windows drive letter (`C:\x:/y`) with its path.
fn split_volume(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            let drive = i == start + 1
                && bytes[start].is_ascii_alphabetic()
                && matches!(bytes.get(i + 1), Some(b'\\' | b'/'));
            if !drive {
                parts.push(&s[start..i]);
                start = i + 1;
            }
        }
        i += 1;
    }
    parts.push(&s[start..]);
    parts
}

fn parse_mount(v: &Spanned<String>) -> Mount {
    let mut m = Mount {
        source: String::new(),
        target: String::new(),
        read_only: false,
        span: v.span,
    };
    for part in v.value.split(',') {
        let (k, val) = part.split_once('=').unwrap_or((part, ""));
        match k {
            "source" | "src" => m.source = val.to_string(),
            "target" | "dst" | "destination" => m.target = val.to_string(),
            "readonly" | "ro" => m.read_only = val.is_empty() || val == "true" || val == "1",
            _ => {}
        }
    }
    m
}

/// Parses a container image reference: `[registry/]name[:tag][@sha256:digest]`.
pub fn image_spec(word: &Spanned<String>) -> PackageSpec {
    let s = word.value.as_str();
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    // A tag is after the last ':' that follows the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    let version = match (digest, tag) {
        (Some(d), _) => VersionReq::Digest(d.to_string()),
        (None, Some("latest")) => VersionReq::Tag("latest".into()),
        (None, Some(t)) if !t.is_empty() => VersionReq::Exact(t.to_string()),
        _ => VersionReq::None,
    };
    PackageSpec {
        source: PackageSource::Docker,
        name: name.to_string(),
        version,
        spec: word.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(s: &str) -> Spanned<String> {
        Spanned::new(s.to_string(), Span::default())
    }

    fn launch(words: &[&str]) -> Launch {
        let args: Vec<_> = words[1..].iter().map(|w| sp(w)).collect();
        understand(&sp(words[0]), &args)
    }

    #[test]
    fn npx_with_flags_and_version() {
        let l = launch(&[
            "npx",
            "-y",
            "@modelcontextprotocol/server-filesystem@2025.1.14",
            "/tmp",
            "~",
        ]);
        assert_eq!(l.runner, Runner::Npx);
        let p = l.package.expect("package");
        assert_eq!(p.name, "@modelcontextprotocol/server-filesystem");
        assert_eq!(p.version, VersionReq::Exact("2025.1.14".into()));
        assert_eq!(
            l.server_args
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>(),
            ["/tmp", "~"]
        );
    }

    #[test]
    fn npm_versions() {
        assert_eq!(npm_spec(&sp("pkg")).version, VersionReq::None);
        assert_eq!(
            npm_spec(&sp("pkg@latest")).version,
            VersionReq::Tag("latest".into())
        );
        assert_eq!(
            npm_spec(&sp("pkg@^1.2.0")).version,
            VersionReq::Range("^1.2.0".into())
        );
        assert_eq!(
            npm_spec(&sp("@a/b@1.2.3")).version,
            VersionReq::Exact("1.2.3".into())
        );
        assert_eq!(npm_spec(&sp("@a/b")).name, "@a/b");
        assert!(matches!(
            npm_spec(&sp("github:user/repo")).version,
            VersionReq::External(_)
        ));
    }

    #[test]
    fn windows_cmd_wrapper_and_command_string() {
        let l = launch(&["cmd", "/c", "npx", "-y", "@upstash/context7-mcp"]);
        assert_eq!(l.runner, Runner::Shell);
        let inner = l.effective();
        assert_eq!(inner.runner, Runner::Npx);
        assert_eq!(
            inner.package.as_ref().map(|p| p.name.as_str()),
            Some("@upstash/context7-mcp")
        );
        let l = understand(&sp("npx -y mcp-server-x@1.0.0"), &[]);
        assert_eq!(
            l.package.map(|p| p.version),
            Some(VersionReq::Exact("1.0.0".into()))
        );
    }

    #[test]
    fn shell_pipelines_have_no_inner_launch() {
        let l = launch(&["bash", "-c", "curl -fsSL https://x.example/i.sh | sh"]);
        assert_eq!(l.runner, Runner::Shell);
        assert!(l.inner.is_none());
        assert!(l.inline_script.is_some());
    }

    #[test]
    fn uvx_pipx_uv() {
        let l = launch(&[
            "uvx",
            "--from",
            "mcp-server-git==0.6.2",
            "mcp-server-git",
            "--repository",
            ".",
        ]);
        let p = l.package.expect("package");
        assert_eq!(
            (p.name.as_str(), p.version),
            ("mcp-server-git", VersionReq::Exact("0.6.2".into()))
        );
        let l = launch(&["uvx", "mcp-server-fetch"]);
        assert_eq!(l.package.map(|p| p.version), Some(VersionReq::None));
        let l = launch(&["pipx", "run", "mcp-server-time>=0.5"]);
        assert!(matches!(
            l.package.map(|p| p.version),
            Some(VersionReq::Range(_))
        ));
        let l = launch(&["uv", "--directory", "/srv/x", "run", "server.py"]);
        assert_eq!(l.runner, Runner::UvRun);
        assert_eq!(l.script.map(|s| s.value), Some("server.py".into()));
        let l = launch(&[
            "uv",
            "run",
            "--with",
            "mcp-server-sqlite==0.6.2",
            "mcp-server-sqlite",
        ]);
        assert_eq!(l.package.map(|p| p.name), Some("mcp-server-sqlite".into()));
    }

    #[test]
    fn docker_options() {
        let l = launch(&[
            "docker",
            "run",
            "-i",
            "--rm",
            "--privileged",
            "--network=host",
            "-v",
            "/:/host:ro",
            "--mount",
            "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock",
            "--cap-add",
            "SYS_ADMIN",
            "-e",
            "GITHUB_TOKEN",
            "ghcr.io/github/github-mcp-server:latest",
            "stdio",
        ]);
        let c = l.container.as_ref().expect("container");
        assert!(c.privileged.is_some() && c.network_host.is_some());
        assert_eq!(c.mounts[0].source, "/");
        assert!(c.mounts[0].read_only);
        assert_eq!(c.mounts[1].source, "/var/run/docker.sock");
        assert_eq!(c.cap_add[0].value, "SYS_ADMIN");
        let p = l.package.expect("image");
        assert_eq!(
            (p.name.as_str(), p.version),
            (
                "ghcr.io/github/github-mcp-server",
                VersionReq::Tag("latest".into())
            )
        );
        assert_eq!(l.server_args[0].value, "stdio");
        assert_eq!(
            image_spec(&sp("mcp/fetch@sha256:abc")).version,
            VersionReq::Digest("sha256:abc".into())
        );
        assert_eq!(
            image_spec(&sp("localhost:5000/x")).version,
            VersionReq::None
        );
        assert_eq!(
            split_volume("C:\\Users\\me:/data:ro"),
            ["C:\\Users\\me", "/data", "ro"]
        );
    }

    #[test]
    fn python_module_and_node_script() {
        let l = launch(&["python3", "-m", "mcp_server_git", "--repository", "."]);
        assert_eq!(l.package.map(|p| p.name), Some("mcp-server-git".into()));
        let l = launch(&["node", "/opt/srv/dist/index.js", "--port", "1"]);
        assert_eq!(
            l.script.map(|s| s.value),
            Some("/opt/srv/dist/index.js".into())
        );
        assert_eq!(l.server_args.len(), 2);
    }

    #[test]
    fn split_words_quotes() {
        let w: Vec<String> = split_words(r#"a "b c" 'd e' f\ g"#, 0)
            .into_iter()
            .map(|w| w.value)
            .collect();
        assert_eq!(w, ["a", "b c", "d e", "f g"]);
    }

    fn args_of(l: &Launch) -> Vec<&str> {
        l.server_args.iter().map(|w| w.value.as_str()).collect()
    }

    fn package_of(l: &Launch) -> Option<(&str, &VersionReq)> {
        l.package.as_ref().map(|p| (p.name.as_str(), &p.version))
    }

    #[test]
    fn docker_value_options_are_not_the_image() {
        let l = launch(&[
            "docker",
            "run",
            "-i",
            "--rm",
            "--pids-limit",
            "100",
            "--log-opt",
            "max-size=10m",
            "--sysctl",
            "net.ipv4.ip_forward=0",
            "--health-cmd",
            "curl -f http://localhost/",
            "-c",
            "512",
            "--cpuset-cpus",
            "0-1",
            "--stop-timeout",
            "5",
            "--memory-swap",
            "1g",
            "-a",
            "stdin",
            "--volumes-from",
            "data",
            "--dns-search",
            "example.com",
            "mcp/docker@sha256:abc",
            "stdio",
        ]);
        assert_eq!(
            package_of(&l),
            Some(("mcp/docker", &VersionReq::Digest("sha256:abc".into())))
        );
        assert_eq!(args_of(&l), ["stdio"]);
        let l = launch(&[
            "podman",
            "run",
            "--userns",
            "keep-id",
            "--secret",
            "gh_token",
            "--arch",
            "amd64",
            "--pod",
            "mcp",
            "--systemd",
            "always",
            "--hooks-dir",
            "/etc/hooks",
            "-ie",
            "LOG=debug",
            "ghcr.io/x/server:1.0",
        ]);
        assert_eq!(l.runner, Runner::Podman);
        assert_eq!(
            package_of(&l),
            Some(("ghcr.io/x/server", &VersionReq::Exact("1.0".into())))
        );
        let c = l.container.as_ref().expect("container");
        assert_eq!(c.env[0].0, "LOG");
        assert!(c.other_host_ns.is_empty());
    }

    #[test]
    fn powershell_encoded_command_is_not_an_inner_launch() {
        for flag in ["-EncodedCommand", "-enc", "-e", "-ec", "-Enc"] {
            let l = launch(&[
                "powershell.exe",
                "-NoProfile",
                "-NonInteractive",
                "-ExecutionPolicy",
                "Bypass",
                "-WindowStyle",
                "Hidden",
                flag,
                "SQBFAFgAIAAoAGkAdwByACkA",
            ]);
            assert_eq!(l.runner, Runner::Shell, "{flag}");
            assert!(l.inner.is_none(), "{flag}");
            assert_eq!(
                l.inline_script.map(|s| s.value).as_deref(),
                Some("SQBFAFgAIAAoAGkAdwByACkA"),
                "{flag}"
            );
        }
        // Value-taking options before -Command are skipped, not taken as a script file.
        let l = launch(&[
            "pwsh",
            "-NoProfile",
            "-ExecutionPolicy",
            "Bypass",
            "-Command",
            "npx",
            "-y",
            "@upstash/context7-mcp",
        ]);
        assert!(l.script.is_none());
        assert_eq!(
            l.effective().package.as_ref().map(|p| p.name.as_str()),
            Some("@upstash/context7-mcp")
        );
        // -File is a script file, not inline.
        let l = launch(&[
            "powershell",
            "-ExecutionPolicy",
            "Bypass",
            "-File",
            "C:\\mcp\\server.ps1",
            "--port",
            "1",
        ]);
        assert!(l.inline_script.is_none() && l.inner.is_none());
        assert_eq!(
            l.script.as_ref().map(|s| s.value.as_str()),
            Some("C:\\mcp\\server.ps1")
        );
        assert_eq!(args_of(&l), ["--port", "1"]);
        // The call operator and a list: the last command is the launch.
        let l = launch(&[
            "powershell",
            "-Command",
            "$env:LOG='1'; & 'C:\\Program Files\\srv\\server.exe' --stdio",
        ]);
        let eff = l.effective();
        assert_eq!(
            (eff.runner, eff.program.as_str()),
            (Runner::Binary, "server")
        );
        assert_eq!(args_of(eff), ["--stdio"]);
    }

    #[test]
    fn command_string_with_shell_syntax_is_a_shell_launch() {
        let cmd = Spanned::new(
            "curl -fsSL https://x.example/i.sh | sh".to_string(),
            Span::new(20, 62),
        );
        let l = understand(&cmd, &[]);
        assert_eq!((l.runner, l.program.as_str()), (Runner::Shell, "sh"));
        assert!(l.inner.is_none());
        assert_eq!(l.inline_script.as_ref(), Some(&cmd));
        // A list still finds its last command.
        let l = understand(&sp("cd /srv/mcp && ./server --stdio"), &[]);
        assert_eq!(l.runner, Runner::Shell);
        assert_eq!(l.effective().program, "server");
        // Client placeholders are not shell syntax.
        let l = understand(&sp("npx -y pkg@1.0.0 ${workspaceFolder}"), &[]);
        assert_eq!(l.runner, Runner::Npx);
        assert_eq!(args_of(&l), ["${workspaceFolder}"]);
    }

    #[test]
    fn command_string_backslashes_are_literal() {
        let cmd = Spanned::new(
            "npx -y @modelcontextprotocol/server-filesystem C:\\Users\\bob".to_string(),
            Span::new(12, 77),
        );
        let l = understand(&cmd, &[]);
        assert_eq!(args_of(&l), ["C:\\Users\\bob"]);
        assert!(l.server_args.iter().all(|w| w.span == cmd.span));
        assert_eq!(l.package.as_ref().map(|p| p.spec.span), Some(cmd.span));
        // Quotes still group.
        let l = understand(&sp("node \"C:\\My Tools\\srv.js\" --x"), &[]);
        assert_eq!(
            l.script.map(|s| s.value).as_deref(),
            Some("C:\\My Tools\\srv.js")
        );
        // A Windows path inside `cmd /c` keeps its backslashes.
        let l = launch(&["cmd", "/c", "npx -y @x/fs C:\\Users\\bob"]);
        assert_eq!(args_of(l.effective()), ["C:\\Users\\bob"]);
        // One program path with spaces is not split.
        let l = understand(&sp("C:\\Program Files\\nodejs\\node.exe"), &[]);
        assert_eq!((l.runner, l.program.as_str()), (Runner::Node, "node"));
        assert_eq!(
            split_words_literal("a C:\\x\\y 'b c'", 0)
                .into_iter()
                .map(|w| w.value)
                .collect::<Vec<_>>(),
            ["a", "C:\\x\\y", "b c"]
        );
    }

    #[test]
    fn wrappers_hide_the_real_server() {
        let cases: &[&[&str]] = &[
            &["wsl", "-d", "Ubuntu", "--", "npx", "-y", "pkg", "/tmp"],
            &[
                "wsl.exe",
                "--distribution=Ubuntu",
                "-e",
                "npx",
                "-y",
                "pkg",
                "/tmp",
            ],
            &["wsl", "npx", "-y", "pkg", "/tmp"],
            &[
                "env", "-i", "-u", "HOME", "-C", "/srv", "A=1", "B=2", "npx", "-y", "pkg", "/tmp",
            ],
            &["/usr/bin/env", "-S", "npx -y pkg", "/tmp"],
            &["nohup", "npx", "-y", "pkg", "/tmp"],
            &["exec", "-a", "name", "npx", "-y", "pkg", "/tmp"],
            &["time", "-p", "npx", "-y", "pkg", "/tmp"],
            &["nice", "-n", "10", "npx", "-y", "pkg", "/tmp"],
            &["timeout", "-k", "5", "30s", "npx", "-y", "pkg", "/tmp"],
            &["caffeinate", "-i", "-t", "3600", "npx", "-y", "pkg", "/tmp"],
            &["npm", "exec", "--", "pkg", "/tmp"],
            &[
                "op",
                "run",
                "--env-file",
                ".env",
                "--",
                "npx",
                "-y",
                "pkg",
                "/tmp",
            ],
            &[
                "nohup", "env", "X=1", "timeout", "60", "npx", "-y", "pkg", "/tmp",
            ],
        ];
        for words in cases {
            let l = launch(words);
            let eff = l.effective();
            assert_eq!(
                package_of(eff),
                Some(("pkg", &VersionReq::None)),
                "{words:?}"
            );
            assert_eq!(args_of(eff), ["/tmp"], "{words:?}");
            assert!(!l.elevated, "{words:?}");
        }
        let l = launch(&["wsl", "-d", "Ubuntu"]);
        assert_eq!(l.runner, Runner::Wrapper);
        assert!(l.inner.is_none());
        let l = launch(&["env", "node", "/srv/index.js"]);
        assert_eq!(l.runner, Runner::Wrapper);
        assert_eq!(
            l.effective().script.as_ref().map(|s| s.value.as_str()),
            Some("/srv/index.js")
        );
    }

    #[test]
    fn sudo_marks_the_launch_elevated() {
        for words in [
            &["sudo", "-E", "-u", "root", "npx", "-y", "pkg"][..],
            &["sudo", "-Eu", "root", "HOME=/root", "npx", "-y", "pkg"],
            &["doas", "npx", "-y", "pkg"],
            &["runas", "/user:Administrator", "/savecred", "npx -y pkg"],
            &["wsl", "-u", "root", "npx", "-y", "pkg"],
            &["nohup", "sudo", "npx", "-y", "pkg"],
            &["bash", "-c", "sudo npx -y pkg"],
        ] {
            let l = launch(words);
            assert!(l.elevated, "{words:?}");
            let eff = l.effective();
            assert!(eff.elevated, "{words:?}");
            assert_eq!(eff.runner, Runner::Npx, "{words:?}");
        }
        let l = launch(&["sudo", "-E", "npx", "-y", "pkg"]);
        assert_eq!((l.runner, l.program.as_str()), (Runner::Wrapper, "sudo"));
        assert!(!launch(&["npx", "-y", "pkg"]).elevated);
    }

    #[test]
    fn shell_list_runs_its_last_command() {
        let script = "source ~/.nvm/nvm.sh && npx -y pkg ~\n# started by the client\n";
        let l = launch(&["bash", "-lc", script]);
        assert_eq!(
            l.inline_script.as_ref().map(|s| s.value.as_str()),
            Some(script)
        );
        let eff = l.effective();
        assert_eq!(package_of(eff), Some(("pkg", &VersionReq::None)));
        assert_eq!(args_of(eff), ["~"]);
        let l = launch(&["sh", "-c", "cd /srv/mcp && ./server"]);
        let eff = l.effective();
        assert_eq!(
            (eff.runner, eff.program.as_str()),
            (Runner::Binary, "server")
        );
        let l = launch(&[
            "sh",
            "-c",
            "cd /srv; export A=1\nexec ./server --stdio 2>/dev/null",
        ]);
        assert_eq!(args_of(l.effective()), ["--stdio"]);
        let l = launch(&["cmd", "/c", "cd /d C:\\srv & node server.js"]);
        assert_eq!(
            l.effective().script.as_ref().map(|s| s.value.as_str()),
            Some("server.js")
        );
        // Pipes, substitutions, and scripts ending in a builtin have no inner launch.
        for s in [
            "curl -fsSL https://x/i.sh | sh",
            "npx -y $(cat pkg.txt)",
            "node `which server`",
            "npx -y pkg && echo done",
            "if true; then npx -y pkg; fi",
            "echo 'a && b",
        ] {
            assert!(launch(&["bash", "-c", s]).inner.is_none(), "{s}");
        }
        // Quoted separators do not split.
        let l = launch(&["bash", "-c", "npx -y pkg --sep '&&' && node s.js \"a;b\""]);
        assert_eq!(args_of(l.effective()), ["a;b"]);
    }

    #[test]
    fn python_module_runs_what_is_installed() {
        let l = launch(&["python", "-m", "mcp_server_git", "--repository", "."]);
        assert_eq!(
            package_of(&l),
            Some(("mcp-server-git", &VersionReq::Installed))
        );
        let l = launch(&[
            ".venv/bin/python",
            "-m",
            "awslabs.aws_documentation_mcp_server.server",
        ]);
        assert_eq!(
            package_of(&l),
            Some((
                "awslabs.aws-documentation-mcp-server",
                &VersionReq::Installed
            ))
        );
        assert_eq!(
            module_package_name("mcp_server_git.server"),
            "mcp-server-git"
        );
        assert_eq!(module_package_name("mcp.server.stdio"), "mcp");
        assert_eq!(VersionReq::Installed.text(), None);
        let l = launch(&["uv", "run", "--directory", "/srv", "-m", "mcp_server_x"]);
        assert_eq!(l.runner, Runner::UvRun);
        assert_eq!(
            package_of(&l),
            Some(("mcp-server-x", &VersionReq::Installed))
        );
        let l = launch(&["uv", "run", "--with", "mcp-x==1.0.0", "-m", "mcp_x"]);
        assert_eq!(
            package_of(&l),
            Some(("mcp-x", &VersionReq::Exact("1.0.0".into())))
        );
    }

    #[test]
    fn uv_run_with_a_tool_argument_is_not_uv_tool_run() {
        let l = launch(&[
            "uv",
            "run",
            "--directory",
            "/srv/x",
            "server.py",
            "--mode",
            "tool",
        ]);
        assert_eq!(l.runner, Runner::UvRun);
        assert_eq!(
            l.script.as_ref().map(|s| s.value.as_str()),
            Some("server.py")
        );
        assert_eq!(args_of(&l), ["--mode", "tool"]);
        assert!(l.package.is_none());
        let l = launch(&["uv", "--directory", "tool", "run", "server.py"]);
        assert_eq!(l.runner, Runner::UvRun);
        let l = launch(&["uv", "tool", "run", "mcp-server-fetch@2025.1.1"]);
        assert_eq!(l.runner, Runner::Uvx);
        assert_eq!(
            package_of(&l),
            Some(("mcp-server-fetch", &VersionReq::Exact("2025.1.1".into())))
        );
    }

    #[test]
    fn uvx_from_git_records_the_program() {
        let l = launch(&[
            "uvx",
            "--from",
            "git+https://github.com/oraios/serena",
            "serena",
            "start-mcp-server",
        ]);
        let p = l.package.as_ref().expect("package");
        assert!(matches!(p.version, VersionReq::External(_)));
        assert_eq!(l.script.as_ref().map(|s| s.value.as_str()), Some("serena"));
        assert_eq!(args_of(&l), ["start-mcp-server"]);
        let l = launch(&["pipx", "run", "--spec", "git+https://x/y.git", "y-mcp"]);
        assert_eq!(l.script.as_ref().map(|s| s.value.as_str()), Some("y-mcp"));
        // A registry --from names the package; no script.
        let l = launch(&["uvx", "--from", "mcp-server-git==0.6.2", "mcp-server-git"]);
        assert!(l.script.is_none());
    }

    #[test]
    fn npx_package_flag_before_dashdash() {
        let l = launch(&[
            "npm",
            "exec",
            "--package=@x/srv@1.2.3",
            "--",
            "srv",
            "--stdio",
        ]);
        assert_eq!(
            package_of(&l),
            Some(("@x/srv", &VersionReq::Exact("1.2.3".into())))
        );
        assert_eq!(args_of(&l), ["--stdio"]);
    }
}
