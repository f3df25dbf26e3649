//! `rewrite::wrap` and `rewrite::unwrap`: exact round trips on every example config and on
//! fixtures with comments, CRLF, tabs and Unicode; idempotence; remote and unusual servers.

use std::path::{Path, PathBuf};

use mcpward_config::discover::{self, Candidate};
use mcpward_config::rewrite::{self, Outcome, Rewrite, WrapOptions};
use mcpward_config::{Client, ConfigDoc, ConfigKind, Format, interpret, load};

const PROGRAM: &str = "/opt/mcpward/bin/mcpward";

fn opts() -> WrapOptions {
    WrapOptions {
        program: PROGRAM.into(),
        policy: None,
    }
}

fn with_policy() -> WrapOptions {
    WrapOptions {
        program: PROGRAM.into(),
        policy: Some("/home/dev/.config/mcpward/policy.toml".into()),
    }
}

fn doc(kind: ConfigKind, format: Format, text: &str) -> ConfigDoc {
    let candidate = Candidate {
        path: PathBuf::from("/virtual/config"),
        client: Client::Generic,
        kind,
        format,
    };
    load(&candidate, text.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn json(text: &str) -> ConfigDoc {
    doc(ConfigKind::McpServers, Format::Json, text)
}

fn reload(before: &ConfigDoc, text: &str) -> ConfigDoc {
    doc(before.kind, before.format, text)
}

fn wrap(d: &ConfigDoc, o: &WrapOptions) -> Rewrite {
    rewrite::wrap(d, &interpret(d).servers, o).unwrap_or_else(|e| panic!("{e}\n{}", d.text))
}

fn unwrap(d: &ConfigDoc) -> Rewrite {
    rewrite::unwrap(d).unwrap_or_else(|e| panic!("{e}\n{}", d.text))
}

/// Wraps, checks the result, wraps again (nothing changes), unwraps (the original comes back),
/// and returns the wrapped text.
fn round_trip(d: &ConfigDoc, o: &WrapOptions) -> String {
    let wrapped = wrap(d, o);
    let wd = reload(d, &wrapped.text);
    for server in interpret(&wd).servers {
        let outcome = wrapped
            .servers
            .iter()
            .find(|s| s.name == server.name && s.scope == server.scope)
            .map(|s| &s.outcome);
        if outcome == Some(&Outcome::Wrapped) {
            assert_eq!(
                server.command.as_ref().map(|c| c.value.as_str()),
                Some(o.program.as_str())
            );
            let inner = rewrite::wrapped_launch(&server).expect("reads as wrapped");
            assert_eq!(inner.server.as_deref(), Some(server.name.as_str()));
            assert_eq!(inner.policy, o.policy);
        }
    }
    let again = wrap(&wd, o);
    assert_eq!(again.text, wrapped.text, "wrapping twice changes the text");
    assert!(!again.changed());
    let back = unwrap(&wd);
    assert_eq!(back.text, d.text, "unwrap(wrap(x)) != x");
    assert!(
        !unwrap(d).changed(),
        "unwrap of an unwrapped config changes it"
    );
    wrapped.text
}

fn outcomes(r: &Rewrite) -> Vec<(&str, &Outcome)> {
    r.servers
        .iter()
        .map(|s| (s.name.as_str(), &s.outcome))
        .collect()
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn every_example_config_round_trips_byte_for_byte() {
    let candidates = discover::repo_configs(&examples_dir());
    assert!(candidates.len() >= 9, "{candidates:?}");
    let mut wrapped_servers = 0;
    for c in candidates {
        let bytes = std::fs::read(&c.path).expect("read example");
        let Ok(d) = load(&c, &bytes) else {
            // examples/broken: a syntax error, nothing to rewrite.
            continue;
        };
        for o in [opts(), with_policy()] {
            let before = interpret(&d).servers.len();
            let text = round_trip(&d, &o);
            let r = wrap(&d, &o);
            wrapped_servers += r
                .servers
                .iter()
                .filter(|s| s.outcome == Outcome::Wrapped)
                .count();
            assert_eq!(interpret(&reload(&d, &text)).servers.len(), before);
        }
    }
    assert!(wrapped_servers >= 14, "{wrapped_servers}");
}

#[test]
fn json_with_comments_keeps_everything_but_command_and_args() {
    let text = r#"// Cursor accepts comments and trailing commas in mcp.json.
{
  "mcpServers": {
    /* the files */ "files": {
      "command": "npx", // the runner
      "args": ["-y", "@modelcontextprotocol/server-filesystem", "~/src"],
      "env": { "A": "b" },
    },
  },
}
"#;
    let d = json(text);
    let wrapped = round_trip(&d, &opts());
    assert_eq!(
        wrapped,
        r#"// Cursor accepts comments and trailing commas in mcp.json.
{
  "mcpServers": {
    /* the files */ "files": {
      "command": "/opt/mcpward/bin/mcpward", // the runner
      "args": ["run", "--server", "files", "--", "npx", "-y", "@modelcontextprotocol/server-filesystem", "~/src"],
      "env": { "A": "b" },
    },
  },
}
"#
    );
}

#[test]
fn multi_line_args_get_one_item_per_line() {
    let text = "{\r\n\t\"mcpServers\": {\r\n\t\t\"gh\": {\r\n\t\t\t\"args\": [\r\n\t\t\t\t\"-y\",\r\n\t\t\t\t\"@modelcontextprotocol/server-github\"\r\n\t\t\t],\r\n\t\t\t\"command\": \"npx\"\r\n\t\t}\r\n\t}\r\n}\r\n";
    let d = json(text);
    let wrapped = round_trip(&d, &with_policy());
    assert!(
        wrapped.contains("\t\t\t\"args\": [\r\n\t\t\t\t\"run\",\r\n\t\t\t\t\"--server\",\r\n\t\t\t\t\"gh\",\r\n\t\t\t\t\"--policy\",\r\n\t\t\t\t\"/home/dev/.config/mcpward/policy.toml\",\r\n\t\t\t\t\"--\",\r\n\t\t\t\t\"npx\",\r\n\t\t\t\t\"-y\","),
        "{wrapped}"
    );
    assert!(
        !wrapped.replace("\r\n", "").contains('\n'),
        "a bare LF crept in"
    );
}

#[test]
fn a_single_item_on_its_own_line_keeps_that_layout() {
    let text = "{\"mcpServers\": {\"t\": {\"command\": \"uvx\", \"args\": [\n    \"mcp-server-time\"\n  ]}}}";
    let wrapped = round_trip(&json(text), &opts());
    assert!(
        wrapped.contains("[\n    \"run\",\n    \"--server\",\n    \"t\",\n    \"--\",\n    \"uvx\",\n    \"mcp-server-time\"\n  ]"),
        "{wrapped}"
    );
}

#[test]
fn unicode_names_escaped_commands_and_a_byte_order_mark() {
    let text = "\u{feff}{\"mcpServers\": {\"数据 ✓\": {\"command\": \"C:\\\\Tools\\\\srv\\u0020x.exe\", \"args\": [\"--naïve\"]}}}";
    let d = json(text);
    let wrapped = round_trip(&d, &opts());
    assert!(wrapped.starts_with('\u{feff}'));
    // The command literal moves into args as written, escapes and all.
    assert!(
        wrapped.contains(
            r#"["run", "--server", "数据 ✓", "--", "C:\\Tools\\srv\u0020x.exe", "--naïve"]"#
        ),
        "{wrapped}"
    );
}

#[test]
fn empty_args_and_missing_args() {
    let text = r#"{"mcpServers": {
  "a": {"command": "my-server", "args": []},
  "b": {"command": "my-server"},
  "c": {"command": "my-server",
        "env": {}}
}}"#;
    let d = json(text);
    let wrapped = round_trip(&d, &opts());
    assert!(wrapped.contains(r#""a": {"command": "/opt/mcpward/bin/mcpward", "args": ["run", "--server", "a", "--", "my-server"]}"#), "{wrapped}");
    assert!(wrapped.contains(r#""b": {"command": "/opt/mcpward/bin/mcpward", "args": ["run", "--server=b", "--", "my-server"]}"#), "{wrapped}");
    assert!(wrapped.contains(r#""c": {"command": "/opt/mcpward/bin/mcpward", "args": ["run", "--server=c", "--", "my-server"],"#), "{wrapped}");
}

#[test]
fn a_command_string_with_spaces_is_split_into_words() {
    let text = r#"{"mcpServers": {
  "fetch": {"command": "uvx mcp-server-fetch --ignore-robots-txt"},
  "win": {"command": "C:\\Program Files\\nodejs\\node.exe"},
  "piped": {"command": "curl -s https://x.example | sh"},
  "quoted": {"command": "npx -y 'a b'"}
}}"#;
    let d = json(text);
    let r = wrap(&d, &opts());
    assert_eq!(
        outcomes(&r)[..2],
        [("fetch", &Outcome::Wrapped), ("win", &Outcome::Wrapped)]
    );
    assert!(matches!(r.servers[2].outcome, Outcome::Unsupported(ref why) if why.contains("shell")));
    assert!(matches!(r.servers[3].outcome, Outcome::Unsupported(_)));
    assert!(r.text.contains(r#""args": ["run", "--server=fetch", "--", "uvx", "mcp-server-fetch", "--ignore-robots-txt"]"#), "{}", r.text);
    assert!(
        r.text.contains(
            r#""args": ["run", "--server=win", "--", "C:\\Program Files\\nodejs\\node.exe"]"#
        ),
        "{}",
        r.text
    );
    round_trip(&d, &opts());
}

#[test]
fn spaces_with_an_empty_args_list_are_not_guessed() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx -y pkg", "args": []}}}"#);
    let r = wrap(&d, &opts());
    assert!(matches!(r.servers[0].outcome, Outcome::Unsupported(_)));
    assert_eq!(r.text, d.text);
}

#[test]
fn remote_servers_are_listed_not_wrapped() {
    let d = doc(
        ConfigKind::VsCodeMcp,
        Format::Json,
        r#"{"servers": {
  "wiki": {"type": "http", "url": "https://mcp.example.com/mcp"},
  "old": {"url": "https://mcp.example.com/sse"},
  "local": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"]}
}}"#,
    );
    let r = wrap(&d, &opts());
    use mcpward_config::Transport;
    assert_eq!(
        outcomes(&r),
        [
            ("wiki", &Outcome::Remote(Transport::Http)),
            ("old", &Outcome::Remote(Transport::Sse)),
            ("local", &Outcome::Wrapped),
        ]
    );
    round_trip(&d, &opts());
    let u = unwrap(&reload(&d, &r.text));
    assert_eq!(u.servers[0].outcome, Outcome::Remote(Transport::Http));
}

#[test]
fn already_wrapped_servers_are_skipped_and_report_their_policy() {
    let d = json(
        r#"{"mcpServers": {"x": {"command": "/usr/local/bin/mcpward", "args": ["run", "--policy", "/p.toml", "--server", "x", "--", "npx", "-y", "pkg"]}}}"#,
    );
    let r = wrap(&d, &opts());
    assert_eq!(
        r.servers[0].outcome,
        Outcome::AlreadyWrapped {
            policy: Some("/p.toml".into())
        }
    );
    assert!(!r.changed());
    // A wrapper written by hand unwraps too.
    let u = unwrap(&d);
    assert_eq!(
        u.text,
        r#"{"mcpServers": {"x": {"command": "npx", "args": ["-y", "pkg"]}}}"#
    );
}

#[test]
fn disabled_servers_are_wrapped_and_say_so() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx", "args": ["pkg"], "disabled": true}}}"#);
    let r = wrap(&d, &opts());
    assert_eq!(r.servers[0].outcome, Outcome::Wrapped);
    assert!(r.servers[0].disabled);
    round_trip(&d, &opts());
}

#[test]
fn later_edits_survive_unwrap() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx", "args": ["-y", "pkg"]}}}"#);
    let wrapped = wrap(&d, &opts()).text;
    let edited = wrapped.replace(
        "\"pkg\"]",
        "\"pkg\", \"--verbose\"], \"env\": {\"K\": \"v\"}",
    );
    let u = unwrap(&json(&edited));
    assert_eq!(
        u.text,
        r#"{"mcpServers": {"x": {"command": "npx", "args": ["-y", "pkg", "--verbose"], "env": {"K": "v"}}}}"#
    );
}

#[test]
fn an_added_args_key_moved_by_hand_stays_as_a_list() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx -y pkg", "env": {}}}}"#);
    let wrapped = wrap(&d, &opts()).text;
    // The user moved `args` after `env`: unwrap cannot tell where the key came from, so it keeps
    // the key and the launch means the same.
    let moved = wrapped.replace(
        r#", "args": ["run", "--server=x", "--", "npx", "-y", "pkg"], "env": {}"#,
        r#", "env": {}, "args": ["run", "--server=x", "--", "npx", "-y", "pkg"]"#,
    );
    assert_ne!(moved, wrapped);
    let u = unwrap(&json(&moved));
    assert_eq!(
        u.text,
        r#"{"mcpServers": {"x": {"command": "npx", "env": {}, "args": ["-y", "pkg"]}}}"#
    );
}

#[test]
fn zed_old_command_object_form() {
    let d = doc(
        ConfigKind::ZedSettings,
        Format::Json,
        r#"{
  // Zed settings
  "context_servers": {
    "old": {
      "command": { "path": "uvx", "args": ["mcp-server-git"], "env": {} },
      "settings": {}
    },
    "older": { "command": { "path": "/usr/bin/my-server" } },
    "new": { "source": "custom", "command": "npx", "args": ["-y", "x"] }
  }
}"#,
    );
    let wrapped = round_trip(&d, &opts());
    assert!(wrapped.contains(r#""command": { "path": "/opt/mcpward/bin/mcpward", "args": ["run", "--server", "old", "--", "uvx", "mcp-server-git"], "env": {} }"#), "{wrapped}");
    assert!(wrapped.contains(r#"{ "path": "/opt/mcpward/bin/mcpward", "args": ["run", "--server=older", "--", "/usr/bin/my-server"] }"#), "{wrapped}");
}

#[test]
fn codex_toml_tables_inline_tables_and_dotted_keys() {
    let text = "# Codex\r\nmodel = \"o3\"\r\n\r\n[mcp_servers.docker]\r\ncommand = 'docker' # literal string\r\nargs = [\r\n  \"run\", \"-i\",\r\n  \"mcp/x:1\",\r\n]\r\n\r\n[mcp_servers.bare]\r\ncommand = \"/usr/bin/my-server\"\r\nenv = { A = \"b\" }\r\n\r\n[mcp_servers.split]\r\ncommand = \"uvx mcp-server-time\"";
    let d = doc(ConfigKind::CodexToml, Format::Toml, text);
    let wrapped = round_trip(&d, &with_policy());
    assert!(wrapped.contains("command = \"/opt/mcpward/bin/mcpward\" # literal string\r\nargs = [\r\n  \"run\", \"--server\", \"docker\", \"--policy\", \"/home/dev/.config/mcpward/policy.toml\", \"--\", 'docker', \"run\", \"-i\",\r\n"), "{wrapped}");
    assert!(wrapped.contains("[mcp_servers.bare]\r\ncommand = \"/opt/mcpward/bin/mcpward\"\r\nargs = [\"run\", \"--server=bare\", \"--policy\", \"/home/dev/.config/mcpward/policy.toml\", \"--\", \"/usr/bin/my-server\"]\r\nenv"), "{wrapped}");
    assert!(wrapped.contains("args = [\"run\", \"--server=split\", \"--policy\", \"/home/dev/.config/mcpward/policy.toml\", \"--\", \"uvx\", \"mcp-server-time\"]"), "{wrapped}");

    let inline = "[mcp_servers]\nfetch = { command = \"uvx\", args = [\"mcp-server-fetch\"] }\ntime = { command = \"uvx mcp-server-time\" }\nx.command = \"my-server\"\ny.command = \"npx\"\ny.args = [\"-y\", \"pkg\"]\n";
    let d = doc(ConfigKind::CodexToml, Format::Toml, inline);
    let wrapped = round_trip(&d, &opts());
    assert!(wrapped.contains("time = { command = \"/opt/mcpward/bin/mcpward\", args = [\"run\", \"--server=time\", \"--\", \"uvx\", \"mcp-server-time\"] }"), "{wrapped}");
    assert!(wrapped.contains("x.command = \"/opt/mcpward/bin/mcpward\"\nx.args = [\"run\", \"--server=x\", \"--\", \"my-server\"]\n"), "{wrapped}");
    assert!(
        wrapped
            .contains("y.args = [\"run\", \"--server\", \"y\", \"--\", \"npx\", \"-y\", \"pkg\"]"),
        "{wrapped}"
    );
}

#[test]
fn continue_yaml_block_and_flow_lists() {
    let text = "name: dev\nmcpServers:\n  - name: browser\n    command: npx\n    args:\n      - \"-y\"\n      - \"@playwright/mcp@0.0.41\"\n  - name: notes # ✎\n    command: npx\n    args: [\"-y\", acme-notes-mcp@1.4.2]\n  - command: uvx\n    name: one\n    args:\n    - mcp-server-time\n  - name: bare\n    command: my-server\n    env:\n      A: b\n  - {name: flow, command: 'uvx mcp-server-fetch'}\n  - name: split\n    command: uvx mcp-server-git --repository .\n";
    let d = doc(ConfigKind::ContinueConfig, Format::Yaml, text);
    let wrapped = round_trip(&d, &opts());
    assert!(wrapped.contains("    command: \"/opt/mcpward/bin/mcpward\"\n    args:\n      - \"run\"\n      - \"--server\"\n      - \"browser\"\n      - \"--\"\n      - npx\n      - \"-y\"\n"), "{wrapped}");
    assert!(
        wrapped.contains(
            "args: [\"run\", \"--server\", \"notes\", \"--\", npx, \"-y\", acme-notes-mcp@1.4.2]"
        ),
        "{wrapped}"
    );
    assert!(wrapped.contains("    args:\n    - \"run\"\n    - \"--server\"\n    - \"one\"\n    - \"--\"\n    - uvx\n    - mcp-server-time\n"), "{wrapped}");
    assert!(wrapped.contains("    command: \"/opt/mcpward/bin/mcpward\"\n    args: [\"run\", \"--server=bare\", \"--\", my-server]\n    env:"), "{wrapped}");
    assert!(wrapped.contains("{name: flow, command: \"/opt/mcpward/bin/mcpward\", args: [\"run\", \"--server=flow\", \"--\", 'uvx', 'mcp-server-fetch']}"), "{wrapped}");
    assert!(
        wrapped.contains(
            "args: [\"run\", \"--server=split\", \"--\", uvx, mcp-server-git, --repository, .]"
        ),
        "{wrapped}"
    );
}

#[test]
fn yaml_that_cannot_move_safely_is_left_alone() {
    let text = "mcpServers:\n  - name: a\n    command: \"@scope/run\"\n  - name: b\n    command: x\n    args: *missing\n";
    // An undefined alias does not parse; use a plain scalar that cannot stand in a flow list.
    let text = text.replace("    args: *missing\n", "");
    let text = text.replace("\"@scope/run\"", "a,b");
    let d = doc(ConfigKind::ContinueConfig, Format::Yaml, &text);
    let r = wrap(&d, &opts());
    assert!(
        matches!(r.servers[0].outcome, Outcome::Unsupported(_)),
        "{:?}",
        r.servers
    );
    assert_eq!(r.servers[1].outcome, Outcome::Wrapped);
    round_trip(&d, &opts());
}

#[test]
fn claude_user_state_projects() {
    let text = r#"{
  "numStartups": 3,
  "mcpServers": {"time": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"], "env": {}}},
  "projects": {
    "/home/dev/app": {
      "allowedTools": [],
      "mcpServers": {"time": {"command": "uvx", "args": ["mcp-server-time"]}}
    }
  }
}"#;
    let d = doc(ConfigKind::ClaudeUserState, Format::Json, text);
    let r = wrap(&d, &opts());
    assert_eq!(r.servers.len(), 2);
    assert_eq!(r.servers[1].scope.as_deref(), Some("/home/dev/app"));
    round_trip(&d, &opts());
}

#[test]
fn names_that_could_be_read_as_options_are_refused() {
    let d = json(r#"{"mcpServers": {"--help": {"command": "npx", "args": ["x"]}}}"#);
    let r = wrap(&d, &opts());
    assert!(matches!(r.servers[0].outcome, Outcome::Unsupported(_)));
    assert!(!r.changed());
}

#[test]
fn programs_and_policies_with_special_characters_are_escaped() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx", "args": ["y"]}}}"#);
    let o = WrapOptions {
        program: r#"C:\Users\Dév "x"\mcpward.exe"#.into(),
        policy: Some("/tmp/a b/p.toml".into()),
    };
    let r = wrap(&d, &o);
    assert!(
        r.text
            .contains(r#""command": "C:\\Users\\Dév \"x\"\\mcpward.exe""#),
        "{}",
        r.text
    );
    round_trip(&d, &o);
    for (kind, format, text) in [
        (
            ConfigKind::CodexToml,
            Format::Toml,
            "[mcp_servers.x]\ncommand = \"npx\"\n",
        ),
        (
            ConfigKind::ContinueConfig,
            Format::Yaml,
            "mcpServers:\n  - name: x\n    command: npx\n",
        ),
    ] {
        round_trip(&doc(kind, format, text), &o);
    }
}

#[test]
fn unwrap_leaves_servers_that_are_not_wrapped() {
    let d = json(
        r#"{"mcpServers": {"x": {"command": "mcpward", "args": ["scan"]}, "y": {"command": "npx"}}}"#,
    );
    let r = unwrap(&d);
    assert_eq!(
        outcomes(&r),
        [("x", &Outcome::NotWrapped), ("y", &Outcome::NotWrapped)]
    );
    assert_eq!(r.text, d.text);
}

#[test]
fn yaml_aliases_and_repeated_keys_are_not_edited() {
    let text = "defaults:\n  cmd: &runner uvx\nmcpServers:\n  - name: a\n    command: *runner\n    args: [mcp-server-time]\n  - name: b\n    command: uvx\n    args: [mcp-server-fetch]\n";
    let d = doc(ConfigKind::ContinueConfig, Format::Yaml, text);
    let r = wrap(&d, &opts());
    assert!(
        matches!(r.servers[0].outcome, Outcome::Unsupported(ref why) if why.contains("alias")),
        "{:?}",
        r.servers
    );
    assert_eq!(r.servers[1].outcome, Outcome::Wrapped);
    assert!(r.text.starts_with("defaults:\n  cmd: &runner uvx\n"));
    round_trip(&d, &opts());

    let d = json(r#"{"mcpServers": {"x": {"command": "a", "command": "b", "args": []}}}"#);
    let r = wrap(&d, &opts());
    assert!(
        matches!(r.servers[0].outcome, Outcome::Unsupported(ref why) if why.contains("more than once"))
    );
}

#[test]
fn wrapped_launch_reads_the_real_server() {
    let d = json(r#"{"mcpServers": {"x": {"command": "npx", "args": ["-y", "pkg"]}}}"#);
    let w = reload(&d, &wrap(&d, &with_policy()).text);
    let entry = &interpret(&w).servers[0];
    let inner = rewrite::wrapped_launch(entry).expect("wrapped");
    assert_eq!(inner.command.value, "npx");
    let args: Vec<&str> = inner.args.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(args, ["-y", "pkg"]);
    assert_eq!(inner.server.as_deref(), Some("x"));
    assert!(rewrite::wrapped_launch(&interpret(&d).servers[0]).is_none());
}

#[test]
fn arguments_that_are_numbers_stay_as_written() {
    let d = json(r#"{"mcpServers": {"x": {"command": "srv", "args": ["--port", 8080, true]}}}"#);
    let wrapped = round_trip(&d, &opts());
    assert!(
        wrapped.contains(r#"["run", "--server", "x", "--", "srv", "--port", 8080, true]"#),
        "{wrapped}"
    );
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    /// One server written in JSON with a generated layout: separators, comments, line breaks,
    /// key order, a command string with or without spaces, args present, empty or absent.
    fn server() -> impl Strategy<Value = String> {
        let word = "[a-z@/._-]{1,8}|[é✓数]{1,3}|[a-z]{1,4} [a-z]{1,4}";
        (
            "[a-zA-Z0-9 _.-]{1,10}",
            "[a-z][a-z-]{0,8}( -[a-z])?",
            prop::option::of(prop::collection::vec(word, 0..4)),
            prop::sample::select(vec![", ", ",\n      ", " ,", ",\r\n\t"]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(name, command, args, sep, comment, args_first)| {
                let name = name.trim().replace(' ', "_");
                let name = if name.is_empty() {
                    "s".to_string()
                } else {
                    name
                };
                let cmd = format!("\"command\": \"{command}\"");
                let mut fields = vec![cmd];
                if let Some(args) = args {
                    let items: Vec<String> = args.iter().map(|a| format!("\"{a}\"")).collect();
                    let list = format!("\"args\": [{}]", items.join(sep));
                    if args_first {
                        fields.insert(0, list);
                    } else {
                        fields.push(list);
                    }
                }
                if comment {
                    fields.push("/* note */ \"env\": {}".to_string());
                }
                format!("\"{name}\": {{{}}}", fields.join(sep))
            })
    }

    proptest! {
        #[test]
        fn wrap_then_unwrap_is_the_identity(
            servers in prop::collection::vec(server(), 1..5),
            crlf in any::<bool>(),
            policy in any::<bool>(),
        ) {
            // Names must be unique for the config to mean one thing per server.
            let mut seen = std::collections::HashSet::new();
            let servers: Vec<String> = servers
                .into_iter()
                .filter(|s| seen.insert(s.split('"').nth(1).unwrap_or_default().to_string()))
                .collect();
            let mut text = format!("// generated\n{{\"mcpServers\": {{\n  {}\n}}}}\n", servers.join(",\n  "));
            if crlf {
                text = text.replace("\r\n", "\n").replace('\n', "\r\n");
            }
            let d = json(&text);
            let o = if policy { with_policy() } else { opts() };
            round_trip(&d, &o);
        }
    }
}
