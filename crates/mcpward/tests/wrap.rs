//! End-to-end tests of `mcpward wrap`, `mcpward unwrap` and `mcpward init`: the real binary on
//! config files in a temp home.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROGRAM: &str = "/opt/mcpward/bin/mcpward";

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// A temp dir holding a home with a Cursor and a Codex config (copies of the examples), and an
/// empty working directory.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let sb = Sandbox { dir };
        fs::create_dir_all(sb.path().join("work")).expect("work dir");
        sb.install(".cursor/mcp.json", ".cursor/mcp.json");
        sb.install(".codex/config.toml", ".codex/config.toml");
        let policy = sb.home().join(".config/mcpward/policy.toml");
        fs::create_dir_all(policy.parent().expect("parent")).expect("mkdir");
        fs::write(&policy, "version = 1\n").expect("policy");
        sb
    }

    /// The default policy (written by `new`), as `wrap` writes it into configs.
    fn policy(&self) -> String {
        let path = self.home().join(".config/mcpward/policy.toml");
        path.canonicalize().expect("policy").display().to_string()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    /// Copies `examples/<example>` to `~/<to>`, mode 0600.
    fn install(&self, example: &str, to: &str) -> PathBuf {
        let target = self.home().join(to);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::copy(examples_dir().join(example), &target).expect("copy");
        set_mode(&target, 0o600);
        target
    }

    fn cursor(&self) -> PathBuf {
        self.home().join(".cursor/mcp.json")
    }

    fn codex(&self) -> PathBuf {
        self.home().join(".codex/config.toml")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], vars: &[(&str, &Path)]) -> Output {
        let home = self.home();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcpward"));
        cmd.args(args)
            .current_dir(self.path().join("work"))
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("NO_COLOR", "1")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().expect("run mcpward")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn backup(path: &Path) -> PathBuf {
    let mut name = path.file_name().expect("name").to_os_string();
    name.push(".mcpward-backup");
    path.with_file_name(name)
}

#[test]
fn wrap_then_unwrap_the_users_configs() {
    let sb = Sandbox::new();
    let (cursor0, codex0) = (read(&sb.cursor()), read(&sb.codex()));

    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout(&out);
    for line in [
        "  wrapped          files",
        "  wrapped          memory",
        "  wrapped          docker",
        "  wrapped          time",
        "wrapped 4 server(s) in 2 config(s)",
    ] {
        assert!(report.contains(line), "{line:?} missing in\n{report}");
    }
    assert!(report.contains(&format!(
        "  backup           {}",
        backup(&sb.cursor()).display()
    )));

    let cursor = read(&sb.cursor());
    let policy = sb.policy();
    assert!(cursor.contains(&format!(
        "\"command\": \"{PROGRAM}\",\n      \"args\": [\"run\", \"--server\", \"files\", \"--policy\", \"{policy}\", \"--\", \"npx\", \"-y\","
    )), "{cursor}");
    assert!(
        cursor.starts_with("// Cursor accepts comments"),
        "comments are kept"
    );
    let codex = read(&sb.codex());
    assert!(
        codex.contains(&format!(
            "args = [\n  \"run\", \"--server\", \"docker\", \"--policy\", \"{policy}\", \"--\", \"docker\", \"run\", \"-i\""
        )),
        "{codex}"
    );
    // The backups hold the originals, as private as the originals.
    assert_eq!(read(&backup(&sb.cursor())), cursor0);
    assert_eq!(read(&backup(&sb.codex())), codex0);
    #[cfg(unix)]
    {
        assert_eq!(mode(&sb.cursor()), 0o600);
        assert_eq!(mode(&backup(&sb.cursor())), 0o600);
    }

    // Idempotent.
    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("  skipped          files: already runs through mcpward"));
    assert!(stdout(&out).contains("nothing to wrap"));
    fs::write(sb.path().join("work/other.toml"), "version = 1\n").expect("policy");
    let out = sb.run(&["wrap", "--mcpward", PROGRAM, "--policy", "other.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!(
            "files: already runs through mcpward with the policy {policy}"
        )),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(&sb.cursor()), cursor);

    let out = sb.run(&["unwrap"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("  unwrapped        files"),
        "{}",
        stdout(&out)
    );
    assert_eq!(read(&sb.cursor()), cursor0);
    assert_eq!(read(&sb.codex()), codex0);
    assert!(backup(&sb.cursor()).exists(), "unwrap keeps the backup");

    // Wrapping again is allowed: the backup equals the file.
    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("(kept from before)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unwrap_keeps_edits_made_after_wrapping() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.run(&["wrap", "--mcpward", PROGRAM]).status.code(),
        Some(0)
    );
    let edited = read(&sb.cursor()).replace("\"~/.ssh\"]", "\"~/notes\"]");
    fs::write(sb.cursor(), &edited).expect("edit");
    assert_eq!(sb.run(&["unwrap"]).status.code(), Some(0));
    let original = fs::read_to_string(examples_dir().join(".cursor/mcp.json")).expect("example");
    assert_eq!(
        read(&sb.cursor()),
        original.replace("\"~/.ssh\"]", "\"~/notes\"]")
    );
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let sb = Sandbox::new();
    let before = read(&sb.cursor());
    let out = sb.run(&["wrap", "--dry-run", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout(&out);
    let path = sb.cursor().display().to_string();
    for line in [
        format!("--- {path}"),
        format!("+++ {path}"),
        "-      \"command\": \"npx\",".to_string(),
        format!("+      \"command\": \"{PROGRAM}\","),
        "dry run: 4 server(s) in 2 config(s) would be wrapped; nothing was written".to_string(),
    ] {
        assert!(report.contains(&line), "{line:?} missing in\n{report}");
    }
    assert_eq!(read(&sb.cursor()), before);
    assert!(!backup(&sb.cursor()).exists());

    assert_eq!(
        sb.run(&["wrap", "--mcpward", PROGRAM]).status.code(),
        Some(0)
    );
    let wrapped = read(&sb.cursor());
    let out = sb.run(&["unwrap", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("-      \"command\": \"{PROGRAM}\",")));
    assert_eq!(read(&sb.cursor()), wrapped);
}

#[test]
fn an_existing_backup_is_never_overwritten() {
    let sb = Sandbox::new();
    fs::write(backup(&sb.cursor()), "older backup").expect("backup");
    let before = read(&sb.cursor());
    let out = sb.run(&[
        "wrap",
        "--mcpward",
        PROGRAM,
        &sb.cursor().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(read(&sb.cursor()), before);

    let out = sb.run(&[
        "wrap",
        "--force",
        "--mcpward",
        PROGRAM,
        &sb.cursor().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(read(&sb.cursor()).contains(PROGRAM));
    assert_eq!(read(&backup(&sb.cursor())), "older backup");
}

#[test]
fn a_config_that_does_not_parse_is_an_error_and_left_untouched() {
    let sb = Sandbox::new();
    let broken = sb.install("broken/.cursor/mcp.json", "broken/.cursor/mcp.json");
    let before = read(&broken);
    let arg = broken.display().to_string();
    let cursor = sb.cursor().display().to_string();
    let out = sb.run(&["wrap", "--mcpward", PROGRAM, &arg, &cursor]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("{arg}:4:")),
        "names file and line: {}",
        stderr(&out)
    );
    assert_eq!(read(&broken), before);
    assert!(!backup(&broken).exists());
    // The other config was still wrapped.
    assert!(read(&sb.cursor()).contains(PROGRAM));
    let out = sb.run(&["unwrap", &arg]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn remote_servers_are_listed_as_not_wrapped() {
    let sb = Sandbox::new();
    let vscode = sb.install(".vscode/mcp.json", "repo/.vscode/mcp.json");
    let before = read(&vscode);
    let out = sb.run(&["wrap", "--mcpward", PROGRAM, &vscode.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("  not wrapped      wiki: a remote server (http); `mcpward run` wraps local (stdio) servers only"),
        "{report}"
    );
    assert!(report.contains("nothing to wrap"), "{report}");
    assert_eq!(read(&vscode), before);
    assert!(!backup(&vscode).exists());
}

#[test]
fn project_configs_are_wrapped_only_when_named() {
    let sb = Sandbox::new();
    let project = sb.path().join("work/.mcp.json");
    fs::copy(examples_dir().join(".mcp.json"), &project).expect("copy");
    let before = read(&project);
    assert_eq!(
        sb.run(&["wrap", "--mcpward", PROGRAM]).status.code(),
        Some(0)
    );
    assert_eq!(read(&project), before);
    let out = sb.run(&["wrap", "--mcpward", PROGRAM, "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(read(&project).contains("\"--server\", \"desktop-commander\", \"--policy\""));
}

#[test]
fn policy_and_default_program_paths_are_absolute() {
    let sb = Sandbox::new();
    let out = sb.run(&["wrap", "--policy", "missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
    assert!(!backup(&sb.cursor()).exists(), "nothing is touched");

    fs::write(sb.path().join("work/policy.toml"), "version = 1\n").expect("policy");
    let out = sb.run(&[
        "wrap",
        "--policy",
        "policy.toml",
        &sb.cursor().display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let policy = sb
        .path()
        .join("work/policy.toml")
        .canonicalize()
        .expect("canonical");
    let exe = Path::new(env!("CARGO_BIN_EXE_mcpward"))
        .canonicalize()
        .expect("exe");
    let cursor = read(&sb.cursor());
    let json = |s: &Path| serde_json::to_string(&s.display().to_string()).expect("json");
    assert!(
        cursor.contains(&format!("\"command\": {},", json(&exe))),
        "{cursor}"
    );
    assert!(
        cursor.contains(&format!("\"--policy\", {}, \"--\"", json(&policy))),
        "{cursor}"
    );
}

#[test]
fn wrap_refuses_without_a_valid_policy() {
    let sb = Sandbox::new();
    let default = sb.home().join(".config/mcpward/policy.toml");
    fs::remove_file(&default).expect("rm");
    let before = read(&sb.cursor());
    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("mcpward init"), "{}", stderr(&out));
    assert_eq!(read(&sb.cursor()), before);
    // A dry run still shows the changes, with a warning.
    let out = sb.run(&["wrap", "--dry-run", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: there is no policy file"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains(&format!("\"--policy\", \"{}\"", default.display())));

    fs::write(&default, "version = 1\n[defaults]\ndecisoin = \"deny\"\n").expect("policy");
    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("decisoin"), "{}", stderr(&out));
    assert_eq!(read(&sb.cursor()), before);

    // With MCPWARD_HOME, the default policy is there.
    let state = sb.path().join("state");
    fs::create_dir_all(&state).expect("mkdir");
    fs::write(state.join("policy.toml"), "version = 1\n").expect("policy");
    let out = sb.run_env(&["wrap", "--mcpward", PROGRAM], &[("MCPWARD_HOME", &state)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = state.join("policy.toml").canonicalize().expect("canonical");
    assert!(read(&sb.cursor()).contains(&format!("\"--policy\", \"{}\"", written.display())));
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_symlink() {
    let sb = Sandbox::new();
    let real = sb.path().join("dotfiles/cursor-mcp.json");
    fs::create_dir_all(real.parent().expect("parent")).expect("mkdir");
    fs::rename(sb.cursor(), &real).expect("move");
    std::os::unix::fs::symlink(&real, sb.cursor()).expect("symlink");
    let out = sb.run(&["wrap", "--mcpward", PROGRAM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        fs::symlink_metadata(sb.cursor())
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(read(&real).contains(PROGRAM));
    assert_eq!(mode(&real), 0o600);
}

#[test]
fn init_writes_a_starter_policy_and_refuses_to_overwrite_it() {
    let sb = Sandbox::new();
    fs::remove_file(sb.home().join(".config/mcpward/policy.toml")).expect("rm");
    let project = sb.path().join("work/.mcp.json");
    fs::copy(examples_dir().join(".mcp.json"), &project).expect("copy");
    let out = sb.run(&["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = sb.home().join(".config/mcpward/policy.toml");
    assert!(
        stdout(&out).contains(&path.display().to_string()),
        "{}",
        stdout(&out)
    );
    let text = read(&path);
    let policy: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(policy["version"].as_integer(), Some(1));
    assert_eq!(policy["defaults"]["decision"].as_str(), Some("deny"));
    let servers = policy["servers"].as_table().expect("servers");
    for name in [
        "files",
        "memory",
        "docker",
        "time",
        "github",
        "fetch",
        "filesystem",
    ] {
        assert!(servers.contains_key(name), "no section for {name}:\n{text}");
    }
    let fs_server = &servers["filesystem"];
    assert_eq!(
        fs_server["paths"]["allow"].as_array().expect("paths.allow")[0].as_str(),
        Some("/home/dev/src/app/**")
    );
    assert!(
        fs_server["paths"]["deny"]
            .as_array()
            .expect("paths.deny")
            .iter()
            .any(|p| p.as_str() == Some("**/.ssh/**"))
    );
    let github_ask = servers["github"]["ask"].as_array().expect("ask");
    assert!(github_ask.iter().any(|p| p.as_str() == Some("delete_*")));
    assert!(
        text.contains("# urls.allow = ["),
        "a commented URL example for fetch"
    );
    assert!(text.starts_with("# mcpward policy"), "a comment header");

    let out = sb.run(&["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(read(&path), text);
    assert_eq!(sb.run(&["init", "--force"]).status.code(), Some(0));
}

#[test]
fn init_sees_through_wrapped_servers_and_honours_mcpward_home() {
    let sb = Sandbox::new();
    assert_eq!(
        sb.run(&["wrap", "--mcpward", PROGRAM]).status.code(),
        Some(0)
    );
    let state = sb.path().join("state");
    let out = sb.run_env(&["init"], &[("MCPWARD_HOME", &state)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = read(&state.join("policy.toml"));
    // The wrapped time server is still recognised as the reference time server.
    assert!(
        text.contains("allow = [\"get_current_time\", \"convert_time\"]"),
        "{text}"
    );

    let custom = sb.path().join("custom/p.toml");
    let out = sb.run(&["init", "--output", &custom.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("--policy"), "{}", stdout(&out));
    toml::from_str::<toml::Table>(&read(&custom)).expect("valid TOML");
}

#[test]
fn init_without_servers_still_writes_a_valid_policy() {
    let sb = Sandbox::new();
    fs::remove_file(sb.cursor()).expect("rm");
    fs::remove_file(sb.codex()).expect("rm");
    let out = sb.run(&["init", "-o", "p.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = read(&sb.path().join("work/p.toml"));
    let policy: toml::Table = toml::from_str(&text).expect("valid TOML");
    assert!(!policy.contains_key("servers"));
    assert!(text.contains("No MCP servers were found"));
}

/// The policy parser accepts what `init` writes, and also every commented example in it once
/// uncommented (URL allowlists, path roots, the database rule).
#[test]
fn init_output_is_accepted_by_the_policy_parser() {
    let sb = Sandbox::new();
    for example in [
        ".mcp.json",
        ".roo/mcp.json",
        ".continue/config.yaml",
        ".zed/settings.json",
    ] {
        let to = sb.path().join("work").join(example);
        fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        fs::copy(examples_dir().join(example), &to).expect("copy");
    }
    let out = sb.run(&["init", "-o", "policy.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = sb.path().join("work/policy.toml");
    let text = read(&path);
    for name in ["postgres", "browser", "sqlite"] {
        assert!(
            text.contains(&format!("[servers.{name}]")),
            "{name}:\n{text}"
        );
    }
    assert!(text.contains("# [[servers.postgres.rules]]"), "{text}");
    if let Err(e) = mcpward_policy::parse(&text, &path) {
        panic!("{e}\n{text}");
    }
    let examples = [
        "# urls.allow",
        "# paths.allow",
        "# [[servers.",
        "# tool =",
        "# deny_when",
        "# reason =",
    ];
    let uncommented: String = text
        .lines()
        .map(|line| match examples.iter().any(|e| line.starts_with(e)) {
            true => &line[2..],
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(uncommented, text);
    if let Err(e) = mcpward_policy::parse(&uncommented, &path) {
        panic!("{e}\n{uncommented}");
    }
}
