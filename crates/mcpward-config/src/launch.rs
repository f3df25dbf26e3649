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
}

impl VersionReq {
    /// The version text as written, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            VersionReq::None => None,
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
    /// The launch inside a shell wrapper (`cmd /c npx -y pkg` → the npx launch), if it parses as one.
    pub inner: Option<Box<Launch>>,
    /// The arguments that reach the server itself.
    pub server_args: Vec<Spanned<String>>,
}

impl Launch {
    /// This launch, or the one inside its shell wrapper: the launch that names the server.
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
            (None, '\'' | '"') => {
                start.get_or_insert(i);
                quote = Some(c);
            }
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => current.push(c),
            (_, '\\') => {
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

/// Understands a launch: `command` and `args` as a config gives them. A command with spaces and
/// no args is split into words first (some clients accept `"command": "npx -y pkg"`).
pub fn understand(command: &Spanned<String>, args: &[Spanned<String>]) -> Launch {
    let mut words: Vec<Spanned<String>> = Vec::with_capacity(args.len() + 1);
    if args.is_empty() && command.value.trim().contains(char::is_whitespace) {
        // Spans of split words point into the command string's literal (+1 for the opening quote).
        let inner = split_words(&command.value, command.span.start + 1);
        words.extend(inner.into_iter().map(|w| {
            let span = Span::new(
                w.span.start.min(command.span.end),
                w.span.end.min(command.span.end),
            );
            Spanned::new(w.value, span)
        }));
    } else {
        words.push(command.clone());
        words.extend(args.iter().cloned());
    }
    understand_words(&words, 0)
}

fn understand_words(words: &[Spanned<String>], depth: u8) -> Launch {
    let Some((first, rest)) = words.split_first() else {
        return blank(Runner::Binary, String::new());
    };
    let program = program_name(&first.value);
    match program.as_str() {
        "npx" => npm_like(Runner::Npx, program, rest),
        "bunx" => npm_like(Runner::Bunx, program, rest),
        "npm" | "bun" if matches!(rest.first().map(|w| w.value.as_str()), Some("exec" | "x")) => {
            npm_like(
                if program == "npm" {
                    Runner::Npx
                } else {
                    Runner::Bunx
                },
                program,
                &rest[1..],
            )
        }
        "pnpm" | "yarn" if rest.first().is_some_and(|w| w.value == "dlx") => npm_like(
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
        "pipx" if rest.first().is_some_and(|w| w.value == "run") => pipx(program, &rest[1..]),
        "docker" | "podman" => container(program, rest),
        "node" | "nodejs" | "tsx" | "ts-node" => script_runner(Runner::Node, program, rest),
        "deno" => deno(program, rest),
        p if p.starts_with("python") || p == "py" => python(program, rest),
        p if SHELLS.contains(&p) => shell(program, rest, &["-c", "-lc", "-ic", "-ec"], depth),
        "cmd" => shell(program, rest, &["/c", "/k", "/C", "/K"], depth),
        "powershell" | "pwsh" => shell(
            program,
            rest,
            &[
                "-command",
                "-c",
                "-encodedcommand",
                "-enc",
                "-e",
                "-ec",
                "-Command",
                "-EncodedCommand",
            ],
            depth,
        ),
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
    }
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
                if let Some(pkg) = it.next() {
                    l.package = Some(npm_spec(pkg));
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
                if let Some(pkg) = it.next() {
                    l.package = Some(from.take().unwrap_or_else(|| pypi_spec(pkg)));
                }
                break;
            }
            f if f.starts_with('-') => {}
            _ => {
                l.package = Some(from.take().unwrap_or_else(|| pypi_spec(w)));
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

fn uv(program: String, rest: &[Spanned<String>]) -> Launch {
    // `uv [global opts] run|tool run ...`
    let mut it = rest.iter();
    let mut after: Vec<Spanned<String>> = Vec::new();
    let mut sub: Option<&str> = None;
    while let Some(w) = it.next() {
        let (flag, inline) = flag_parts(&w.value);
        match flag {
            "--directory" | "--project" | "--cache-dir" | "--config-file" => {
                take_value(inline, w, &mut it);
            }
            "tool" => {}
            "run" => {
                sub = Some(if rest.iter().any(|x| x.value == "tool") {
                    "tool"
                } else {
                    "run"
                });
                after = it.cloned().collect();
                break;
            }
            _ => {}
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
            let mut it = after.iter();
            while let Some(w) = it.next() {
                let (flag, inline) = flag_parts(&w.value);
                match flag {
                    "--with" | "-w" => {
                        if let Some(v) = take_value(inline, w, &mut it) {
                            l.extra_packages.push(pypi_spec(&v));
                        }
                    }
                    "--python" | "-p" | "--directory" | "--project" | "--env-file"
                    | "--package" | "--index" | "--index-url" => {
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
                    .is_some_and(|s| !looks_like_path(&s.value))
            {
                l.package = Some(l.extra_packages.remove(0));
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
                l.package = Some(spec.take().unwrap_or_else(|| pypi_spec(w)));
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
                    // `python -m mcp_server_git`: the module usually comes from the PyPI package of
                    // the same name with dashes.
                    let pkg_name = module
                        .value
                        .split('.')
                        .next()
                        .unwrap_or(&module.value)
                        .replace('_', "-");
                    l.package = Some(PackageSpec {
                        source: PackageSource::Pypi,
                        name: pkg_name,
                        version: VersionReq::None,
                        spec: module.clone(),
                    });
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

fn shell(program: String, rest: &[Spanned<String>], script_flags: &[&str], depth: u8) -> Launch {
    let mut l = blank(Runner::Shell, program);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let v = w.value.as_str();
        if script_flags.iter().any(|f| f.eq_ignore_ascii_case(v)) {
            // cmd /c takes the rest of the line; sh -c takes one word.
            let remaining: Vec<Spanned<String>> = it.cloned().collect();
            let Some(first) = remaining.first() else {
                break;
            };
            let script = if l.program == "cmd" || l.program == "powershell" || l.program == "pwsh" {
                let text = remaining
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let span = Span::new(
                    first.span.start,
                    remaining.last().map_or(first.span.end, |w| w.span.end),
                );
                Spanned::new(text, span)
            } else {
                first.clone()
            };
            if depth < 4 && !script.value.trim().is_empty() {
                // `cmd /c npx -y pkg` keeps its words; `sh -c "npx -y pkg"` has one word to split.
                let inner_words = if remaining.len() > 1 && l.program == "cmd" {
                    remaining.clone()
                } else {
                    split_words(&script.value, 0)
                        .into_iter()
                        .map(|w| Spanned::new(w.value, script.span))
                        .collect()
                };
                if !has_shell_syntax(&script.value) {
                    let inner = understand_words(&inner_words, depth + 1);
                    l.inner = Some(Box::new(inner));
                }
            }
            l.inline_script = Some(script);
            return l;
        }
        if !v.starts_with('-') && !v.starts_with('/') {
            // `bash script.sh`: a script file, not inline.
            l.script = Some(w.clone());
            l.server_args = it.cloned().collect();
            return l;
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
            "--env-file" | "--name" | "-u" | "--user" | "-w" | "--workdir" | "-p" | "--publish"
            | "--entrypoint" | "--platform" | "--pull" | "-h" | "--hostname" | "--label" | "-l"
            | "--memory" | "-m" | "--cpus" | "--add-host" | "--dns" | "--tmpfs" | "--restart"
            | "--log-driver" | "--runtime" | "--group-add" | "--cidfile" | "--stop-signal"
            | "--ulimit" | "--shm-size" | "--gpus" | "--cap-drop" => {
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
}
