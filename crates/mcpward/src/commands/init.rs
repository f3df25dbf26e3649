//! `mcpward init`: a starter policy (DESIGN §4 format) for the servers in the user's configs.
//!
//! Tool names are not known until a server runs, so each `[servers.NAME]` section is built from
//! what is known statically: the exact tool lists of a few reference servers, the catalogue's
//! capabilities and kinds (database, filesystem, fetch, shell), and otherwise name conventions —
//! read-like names allowed, names that change or send something asked.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use mcpward_config::discover::{self, Environment};
use mcpward_config::rewrite::{encode, wrapped_launch};
use mcpward_config::{ConfigDoc, ServerEntry, Transport, interpret};
use mcpward_scan::Capability;
use mcpward_scan::catalogue::kind;
use mcpward_scan::inventory::Server;

use crate::cli::InitArgs;
use crate::commands::wrap::{load_config, write_atomically};

/// The default policy file: `$MCPWARD_HOME/policy.toml`, else `mcpward/policy.toml` in the
/// platform's config directory (`$XDG_CONFIG_HOME`, else `~/.config`; `%APPDATA%` on Windows).
pub(crate) fn default_policy_path() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(home) = var("MCPWARD_HOME") {
        return Some(home.join("policy.toml"));
    }
    let config = if cfg!(windows) {
        var("APPDATA")
    } else {
        var("XDG_CONFIG_HOME")
            .filter(|d| d.is_absolute())
            .or_else(|| var("HOME").map(|h| h.join(".config")))
    };
    config.map(|dir| dir.join("mcpward").join("policy.toml"))
}

/// `mcpward init`.
pub(crate) fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    let output = match &args.output {
        Some(file) => file.clone(),
        None => default_policy_path().context(
            "cannot tell where to write the policy (neither MCPWARD_HOME nor HOME is set)\n\nhint: pass --output FILE",
        )?,
    };
    if output.exists() && !args.force {
        bail!(
            "{} already exists; it was left as it is\n\nhint: pass --force to overwrite it, or --output FILE to write elsewhere",
            output.display()
        );
    }
    let (docs, entries) = gather();
    let sections = sections(&docs, &entries);
    let text = render(&docs, &sections);
    // The file must be a valid policy; a failure here is a bug, and nothing is written.
    mcpward_policy::parse(&text, &output)
        .map_err(|e| anyhow::anyhow!("the generated policy is not valid (a bug): {e}"))?;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    }
    write_atomically(&output, text.as_bytes(), None)
        .with_context(|| format!("cannot write {}", output.display()))?;
    let mut out = format!(
        "wrote {} with {} server section(s) from {} config(s)\n",
        output.display(),
        sections.len(),
        docs.len()
    );
    let uses_default = args.output.is_none() || Some(&output) == default_policy_path().as_ref();
    let wrap = if uses_default {
        "`mcpward wrap`".to_string()
    } else {
        format!("`mcpward wrap --policy {}`", output.display())
    };
    let _ = writeln!(
        out,
        "review it (tool names are guesses until a server runs), then {wrap} to enforce it"
    );
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// The configs of the current user and of the current directory (as `scan` finds them), and
/// their servers with the index of the config each comes from. Configs that cannot be read
/// are reported on stderr and skipped.
fn gather() -> (Vec<ConfigDoc>, Vec<(usize, ServerEntry)>) {
    let mut env = Environment::from_process();
    // As in `scan`: the home directory and above are not walked as a repository.
    if let (Some(cwd), Some(home)) = (&env.cwd, &env.home)
        && home.starts_with(cwd)
    {
        env.cwd = None;
    }
    let mut docs = Vec::new();
    let mut entries = Vec::new();
    for candidate in discover::user_configs(&env)
        .into_iter()
        .filter(|c| c.path.is_file())
    {
        match load_config(&candidate) {
            Ok((doc, _)) => {
                let servers = interpret(&doc).servers;
                if servers.is_empty() {
                    continue;
                }
                let at = docs.len();
                entries.extend(servers.into_iter().map(|s| (at, s)));
                docs.push(doc);
            }
            Err(e) => eprintln!("warning: skipped {e}"),
        }
    }
    (docs, entries)
}

/// What one `[servers.NAME]` section says.
#[derive(Debug, Default)]
struct Section {
    name: String,
    /// Comment lines above the table.
    about: Vec<String>,
    allow: Vec<String>,
    ask: Vec<String>,
    paths_allow: Vec<String>,
    /// Commented-out lines inside the table (examples to adapt).
    examples: Vec<String>,
    /// Config paths that declare the server.
    sources: Vec<String>,
}

/// Read-like names: allowed.
const READ_GLOBS: &[&str] = &["get_*", "list_*", "read_*", "search_*", "describe_*"];

/// Names that change, send or run something: asked.
const WRITE_GLOBS: &[&str] = &[
    "create_*",
    "write_*",
    "edit_*",
    "update_*",
    "delete_*",
    "remove_*",
    "move_*",
    "send_*",
    "post_*",
    "push_*",
    "merge_*",
    "execute_*",
    "run_*",
    "exec*",
];

/// Paths no server should read, whatever its roots.
const SENSITIVE_PATHS: &[&str] = &[
    "**/.ssh/**",
    "**/.aws/**",
    "**/.gnupg/**",
    "**/.env",
    "**/.env.*",
    "**/*.pem",
    "**/*.key",
    "**/id_*",
];

/// Exact tool lists of reference servers (from their `tools/list`): catalogue id, read-only
/// tools, tools that change something.
const KNOWN_TOOLS: &[(&str, &[&str], &[&str])] = &[
    (
        "filesystem",
        &[
            "read_file",
            "read_text_file",
            "read_media_file",
            "read_multiple_files",
            "list_directory",
            "list_directory_with_sizes",
            "directory_tree",
            "search_files",
            "get_file_info",
            "list_allowed_directories",
        ],
        &["write_file", "edit_file", "create_directory", "move_file"],
    ),
    ("fetch", &["fetch"], &[]),
    (
        "git",
        &[
            "git_status",
            "git_diff_unstaged",
            "git_diff_staged",
            "git_diff",
            "git_log",
            "git_show",
            "git_branch",
        ],
        &[
            "git_commit",
            "git_add",
            "git_reset",
            "git_create_branch",
            "git_checkout",
        ],
    ),
    (
        "memory",
        &["read_graph", "search_nodes", "open_nodes"],
        &[
            "create_entities",
            "create_relations",
            "add_observations",
            "delete_entities",
            "delete_observations",
            "delete_relations",
        ],
    ),
    ("time", &["get_current_time", "convert_time"], &[]),
];

/// One section per server name (the name `mcpward run --server` uses), in the order found.
fn sections(docs: &[ConfigDoc], entries: &[(usize, ServerEntry)]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for (at, entry) in entries {
        let Some(doc) = docs.get(*at) else { continue };
        let source = doc.path.display().to_string();
        // A wrapped server is described by the command it wraps, under the name it runs as.
        let (name, entry) = match wrapped_launch(entry) {
            Some(inner) => {
                let mut real = entry.clone();
                real.command = Some(inner.command);
                real.args = inner.args;
                (inner.server.unwrap_or_else(|| entry.name.clone()), real)
            }
            None => (entry.name.clone(), entry.clone()),
        };
        if let Some(existing) = out.iter_mut().find(|s| s.name == name) {
            if !existing.sources.contains(&source) {
                existing.sources.push(source);
            }
            continue;
        }
        let server = Server::new(doc, *at, entry);
        let mut section = section_for(&name, &server);
        section.sources.push(source);
        out.push(section);
    }
    out
}

fn section_for(name: &str, server: &Server<'_>) -> Section {
    let mut s = Section {
        name: name.to_string(),
        ..Section::default()
    };
    let known = server.known;
    let has_kind = |k: &str| known.is_some_and(|known| known.has_kind(k));
    let db = server.can(Capability::Db) || has_kind(kind::DATABASE);
    let filesystem = has_kind(kind::FILESYSTEM) || known.is_some_and(|k| k.path_args);
    let fetcher = has_kind(kind::FETCH) || has_kind(kind::BROWSER);

    // What it is.
    let launch = server.effective_launch();
    let what = match (known, launch.and_then(|l| l.package.as_ref())) {
        (Some(k), Some(p)) => format!("{}, package {}", k.name, p.name),
        (None, Some(p)) => format!("package {} (not in mcpward's catalogue)", p.name),
        (Some(k), None) => k.name.clone(),
        (None, None) => match (&server.entry.url, &server.entry.command) {
            (Some(url), _) => format!("remote server at {}", host_of(&url.value)),
            (None, Some(c)) => format!("`{}`", mcpward_config::launch::program_name(&c.value)),
            (None, None) => "unknown launch".to_string(),
        },
    };
    s.about.push(format!("{name}: {what}"));
    if !server.capabilities.is_empty() {
        let caps: Vec<&str> = server.capabilities.iter().map(|c| c.id()).collect();
        s.about.push(format!("can: {}", caps.join(", ")));
    }
    if server.entry.transport != Transport::Stdio {
        s.about.push(
            "remote: this section applies when it is reached through the mcpward gateway".into(),
        );
    }

    // Tools.
    let exact = known.and_then(|k| KNOWN_TOOLS.iter().find(|(id, _, _)| *id == k.id));
    match exact {
        Some((_, read, write)) => {
            s.about
                .push("tool names: the server's published tool list".into());
            s.allow = read.iter().map(|t| (*t).to_string()).collect();
            s.ask = write.iter().map(|t| (*t).to_string()).collect();
        }
        None => {
            s.about.push(
                "tool names: guessed from naming conventions; adjust them to the tools it lists"
                    .into(),
            );
            s.allow = READ_GLOBS.iter().map(|t| (*t).to_string()).collect();
            s.ask = WRITE_GLOBS.iter().map(|t| (*t).to_string()).collect();
            if db {
                // A database `query` can change data (`DELETE …` is a query too).
                s.ask
                    .splice(0..0, ["query".to_string(), "query_*".to_string()]);
            } else {
                s.allow.push("query_*".into());
            }
        }
    }
    if server.can(Capability::Secrets) {
        s.about
            .push("it can read credentials: consider moving `get_*` and `read_*` to `ask`".into());
    }
    if server.can(Capability::Exec) {
        s.about
            .push("it runs commands: its `execute_*`/`run_*` tools ask every time".into());
    }

    // Paths and URLs.
    if filesystem || server.can(Capability::FsRead) || server.can(Capability::FsWrite) {
        let roots: Vec<String> = if known.is_some_and(|k| k.path_args) {
            launch
                .map(|l| {
                    l.server_args
                        .iter()
                        .map(|a| a.value.as_str())
                        .filter(|a| !a.starts_with('-') && !a.is_empty() && !a.contains("://"))
                        .map(root_glob)
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        if roots.is_empty() {
            s.examples
                .push("paths.allow = [\"~/projects/myapp/**\"]".to_string());
        } else {
            if roots.iter().any(|r| matches!(r.as_str(), "/**" | "~/**")) {
                s.about.push(
                    "its roots include `/` or your home directory: narrow `paths.allow`".into(),
                );
            }
            s.paths_allow = roots;
        }
    }
    if db {
        s.examples.push(String::new());
        s.examples
            .push(format!("[[servers.{}.rules]]", toml_key(name)));
        s.examples.push("tool = \"query\"".into());
        s.examples.push(
            "deny_when = 'args.sql.matches(\"(?i)\\\\b(drop|delete|update|insert|alter|truncate|grant)\\\\b\")'"
                .into(),
        );
        s.examples
            .push("reason = \"read-only database access\"".into());
    }
    if fetcher || server.can(Capability::NetFetch) {
        s.examples.insert(
            0,
            "urls.allow = [\"https://docs.rs/**\", \"https://*.github.com/**\"]".to_string(),
        );
    }
    s
}

/// `paths.allow` glob for a root argument: everything below it.
fn root_glob(root: &str) -> String {
    let trimmed = root.trim_end_matches(['/', '\\']);
    if trimmed.is_empty() {
        return "/**".into();
    }
    format!("{trimmed}/**")
}

/// The host of a URL, without credentials, path or query (which may hold secrets).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    host.to_string()
}

/// A TOML key: bare when it can be, else a quoted string.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        name.to_string()
    } else {
        encode(name)
    }
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| encode(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A comment line; line breaks in the text (from a server name) cannot end the comment early.
fn comment(out: &mut String, text: &str) {
    let text = text.replace(['\n', '\r'], " ");
    if text.is_empty() {
        out.push_str("#\n");
    } else {
        let _ = writeln!(out, "# {text}");
    }
}

fn render(docs: &[ConfigDoc], sections: &[Section]) -> String {
    let mut out = String::new();
    for line in [
        "mcpward policy: a starter written by `mcpward init`.",
        "",
        "Every tool call of a server that runs through mcpward (`mcpward wrap`, `mcpward run`)",
        "is decided here: a call is denied unless a rule allows it, and deny > ask > allow >",
        "defaults.decision. `ask` waits for your approval (`mcpward approve ID`).",
        "Patterns are globs over tool names (`get_*`). `paths.*` apply to arguments that hold",
        "file paths, `urls.*` to arguments that hold URLs.",
        "",
        "Tool names are not known until a server runs, so most rules below are guesses from",
        "naming conventions: read-like names are allowed, names that change or send something",
        "ask. Review each section, then check the file with `mcpward policy check FILE`.",
    ] {
        comment(&mut out, line);
    }
    if !docs.is_empty() {
        comment(&mut out, "");
        comment(&mut out, "Servers found in:");
        for doc in docs {
            comment(&mut out, &format!("  {}", doc.path.display()));
        }
    }
    out.push_str(
        "\nversion = 1\n\n[defaults]\n\
         decision = \"deny\"           # tools no rule matches: deny | ask | allow\n\
         on_injection = \"quarantine\" # output that looks like prompt injection: warn | quarantine | block\n\
         on_secret = \"redact\"        # secrets in output: redact | block | allow\n\
         on_tool_change = \"block\"    # a pinned tool definition changed: block | ask | allow\n\
         on_poisoned_tool = \"block\"  # hidden instructions in a tool description: block | warn\n\
         on_secret_in_args = \"block\" # a credential in outgoing arguments: block | ask | allow\n\
         approval_timeout = \"120s\"   # how long `ask` waits before it denies\n\
         hide_denied_tools = true    # denied tools are left out of tools/list\n",
    );
    if sections.is_empty() {
        out.push('\n');
        for line in [
            "No MCP servers were found in your configs. A section looks like this:",
            "",
            "[servers.github]",
            "allow = [\"get_*\", \"list_*\", \"search_*\"]",
            "ask = [\"create_*\", \"update_*\"]",
            "deny = [\"delete_*\"]",
        ] {
            comment(&mut out, line);
        }
    }
    for s in sections {
        out.push('\n');
        for line in &s.about {
            comment(&mut out, line);
        }
        comment(&mut out, &format!("from: {}", s.sources.join(", ")));
        let _ = writeln!(out, "[servers.{}]", toml_key(&s.name));
        let _ = writeln!(out, "allow = {}", list(&s.allow));
        let _ = writeln!(out, "ask = {}", list(&s.ask));
        if !s.paths_allow.is_empty() {
            let _ = writeln!(out, "paths.allow = {}", list(&s.paths_allow));
        }
        let path_example = s.examples.iter().find(|e| e.starts_with("paths."));
        if let Some(example) = path_example {
            let _ = writeln!(out, "# {example}");
        }
        if !s.paths_allow.is_empty() || path_example.is_some() {
            let deny: Vec<String> = SENSITIVE_PATHS.iter().map(|p| (*p).to_string()).collect();
            let _ = writeln!(out, "paths.deny = {}", list(&deny));
        }
        for example in s.examples.iter().filter(|e| !e.starts_with("paths.")) {
            if example.is_empty() {
                comment(&mut out, "");
            } else {
                let _ = writeln!(out, "# {example}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_when_they_must_be() {
        assert_eq!(toml_key("github"), "github");
        assert_eq!(toml_key("my server"), "\"my server\"");
        assert_eq!(toml_key("a.b"), "\"a.b\"");
    }

    #[test]
    fn roots_become_globs() {
        assert_eq!(root_glob("/home/dev/src/"), "/home/dev/src/**");
        assert_eq!(root_glob("~"), "~/**");
        assert_eq!(root_glob("/"), "/**");
    }

    #[test]
    fn hosts_leave_credentials_out() {
        assert_eq!(
            host_of("https://u:p@mcp.example.com/x?k=v"),
            "mcp.example.com"
        );
    }

    #[test]
    fn an_empty_policy_is_valid() {
        let text = render(&[], &[]);
        let table: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(table["version"].as_integer(), Some(1));
        mcpward_policy::parse(&text, std::path::Path::new("policy.toml")).expect("valid policy");
    }
}
