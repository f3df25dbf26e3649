//! Discovery of client config files: user paths per OS, repository walks, and `recognise`.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use mcpward_config::discover::{
    Candidate, Environment, Os, SkipReason, WalkLimits, recognise, repo_configs, user_configs,
    walk_repo,
};
use mcpward_config::{Client, ConfigKind, Format};

type TestResult = Result<(), Box<dyn Error>>;

/// A candidate as a comparable row: path relative to the test's temp dir (with `/`), client,
/// kind, format.
type Row = (String, Client, ConfigKind, Format);

fn rel(base: &Path, path: &Path) -> String {
    let path = path.strip_prefix(base).unwrap_or(path);
    path.iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn rows(base: &Path, candidates: &[Candidate]) -> Vec<Row> {
    candidates
        .iter()
        .map(|c| (rel(base, &c.path), c.client, c.kind, c.format))
        .collect()
}

/// A row in the kind's default syntax.
fn row(path: &str, client: Client, kind: ConfigKind) -> Row {
    (path.to_owned(), client, kind, kind.default_format())
}

fn row_in(path: &str, client: Client, kind: ConfigKind, format: Format) -> Row {
    (path.to_owned(), client, kind, format)
}

/// Creates `base/rel` (and its parent directories) holding `{}`.
fn touch(base: &Path, rel: &str) -> std::io::Result<PathBuf> {
    let path = base.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(&path, "{}")?;
    Ok(path)
}

/// VS Code's, Cline's and Roo Code's rows for an app data dir `app` (relative), with the VS Code
/// profile folders that exist under `Code/User/profiles`.
fn editor_family(app: &str, profiles: &[&str], windsurf: Row) -> Vec<Row> {
    use Client::*;
    use ConfigKind::*;
    let mut out = Vec::new();
    for product in ["Code", "Code - Insiders", "VSCodium"] {
        let user = format!("{app}/{product}/User");
        out.push(row(&format!("{user}/mcp.json"), VsCode, VsCodeMcp));
        out.push(row(
            &format!("{user}/settings.json"),
            VsCode,
            VsCodeSettings,
        ));
        if product == "Code" {
            for profile in profiles {
                let dir = format!("{user}/profiles/{profile}");
                out.push(row(&format!("{dir}/mcp.json"), VsCode, VsCodeMcp));
                out.push(row(&format!("{dir}/settings.json"), VsCode, VsCodeSettings));
            }
        }
    }
    out.push(windsurf);
    let hosts = ["Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"];
    for host in hosts {
        out.push(row(
            &format!(
                "{app}/{host}/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json"
            ),
            Cline,
            McpServers,
        ));
    }
    for host in hosts {
        out.push(row(
            &format!(
                "{app}/{host}/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"
            ),
            RooCode,
            McpServers,
        ));
    }
    out
}

/// The Continue server files laid out by [`continue_server_dir`] under `home` (relative).
fn continue_rows(home: &str) -> Vec<Row> {
    use Client::Continue;
    use ConfigKind::*;
    vec![
        row(
            &format!("{home}/.continue/config.yaml"),
            Continue,
            ContinueConfig,
        ),
        row_in(
            &format!("{home}/.continue/mcpServers/a.yaml"),
            Continue,
            ContinueServerFile,
            Format::Yaml,
        ),
        row_in(
            &format!("{home}/.continue/mcpServers/b.yml"),
            Continue,
            ContinueServerFile,
            Format::Yaml,
        ),
        row_in(
            &format!("{home}/.continue/mcpServers/c.json"),
            Continue,
            ContinueServerFile,
            Format::Json,
        ),
    ]
}

/// `~/.continue/mcpServers/` with three server files, and entries that must be ignored.
fn continue_server_dir(home: &Path) -> TestResult {
    let dir = home.join(".continue").join("mcpServers");
    for file in ["a.yaml", "b.yml", "c.json", "notes.md", "d.toml"] {
        touch(&dir, file)?;
    }
    fs::create_dir_all(dir.join("subdir.yaml"))?;
    Ok(())
}

/// VS Code profile folders `p1` and `p2`, and a stray file beside them.
fn vscode_profiles(code_user: &Path) -> TestResult {
    let profiles = code_user.join("profiles");
    fs::create_dir_all(profiles.join("p2"))?;
    fs::create_dir_all(profiles.join("p1"))?;
    touch(&profiles, "not-a-profile.json")?;
    Ok(())
}

#[test]
fn linux_user_configs() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let home = base.join("home");
    continue_server_dir(&home)?;
    vscode_profiles(&home.join(".config/Code/User"))?;

    let env = Environment {
        home: Some(home.clone()),
        xdg_config_home: Some(home.join(".config")),
        system_root: Some(base.join("root")),
        ..Environment::new(Os::Linux)
    };
    let mut expected = vec![
        row(
            "home/.config/Claude/claude_desktop_config.json",
            ClaudeDesktop,
            McpServers,
        ),
        row("home/.claude.json", ClaudeCode, ClaudeUserState),
        row("home/.claude/settings.json", ClaudeCode, ClaudeSettings),
        row(
            "home/.claude/settings.local.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row(
            "root/etc/claude-code/managed-mcp.json",
            ClaudeCode,
            McpServers,
        ),
        row(
            "root/etc/claude-code/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row("home/.cursor/mcp.json", Cursor, McpServers),
    ];
    expected.extend(editor_family(
        "home/.config",
        &["p1", "p2"],
        row(
            "home/.codeium/windsurf/mcp_config.json",
            Windsurf,
            McpServers,
        ),
    ));
    expected.extend([
        row("home/.config/zed/settings.json", Zed, ZedSettings),
        row("home/.codex/config.toml", Codex, CodexToml),
        row("home/.gemini/settings.json", GeminiCli, GeminiSettings),
        row(
            "root/etc/gemini-cli/settings.json",
            GeminiCli,
            GeminiSettings,
        ),
        row(
            "root/etc/gemini-cli/system-defaults.json",
            GeminiCli,
            GeminiSettings,
        ),
    ]);
    expected.extend(continue_rows("home"));

    assert_eq!(rows(base, &user_configs(&env)), expected);
    Ok(())
}

#[test]
fn linux_without_xdg_falls_back_to_dot_config() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let env = Environment {
        home: Some(tmp.path().join("home")),
        system_root: Some(tmp.path().join("root")),
        ..Environment::new(Os::Linux)
    };
    let found = rows(tmp.path(), &user_configs(&env));
    let paths: Vec<&str> = found.iter().map(|r| r.0.as_str()).collect();
    assert!(paths.contains(&"home/.config/Claude/claude_desktop_config.json"));
    assert!(paths.contains(&"home/.config/zed/settings.json"));
    assert!(paths.contains(&"home/.config/Code/User/mcp.json"));
    Ok(())
}

#[test]
fn macos_user_configs() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let home = base.join("Users/me");
    continue_server_dir(&home)?;
    vscode_profiles(&home.join("Library/Application Support/Code/User"))?;

    let env = Environment {
        home: Some(home.clone()),
        // Ignored on macOS: Zed and the desktop apps do not follow XDG there.
        xdg_config_home: Some(base.join("xdg")),
        system_root: Some(base.join("root")),
        ..Environment::new(Os::MacOs)
    };
    let app = "Users/me/Library/Application Support";
    let mut expected = vec![
        row(
            &format!("{app}/Claude/claude_desktop_config.json"),
            ClaudeDesktop,
            McpServers,
        ),
        row("Users/me/.claude.json", ClaudeCode, ClaudeUserState),
        row("Users/me/.claude/settings.json", ClaudeCode, ClaudeSettings),
        row(
            "Users/me/.claude/settings.local.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row(
            "root/Library/Application Support/ClaudeCode/managed-mcp.json",
            ClaudeCode,
            McpServers,
        ),
        row(
            "root/Library/Application Support/ClaudeCode/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row("Users/me/.cursor/mcp.json", Cursor, McpServers),
    ];
    expected.extend(editor_family(
        app,
        &["p1", "p2"],
        row(
            "Users/me/.codeium/windsurf/mcp_config.json",
            Windsurf,
            McpServers,
        ),
    ));
    expected.extend([
        row("Users/me/.config/zed/settings.json", Zed, ZedSettings),
        row("Users/me/.codex/config.toml", Codex, CodexToml),
        row("Users/me/.gemini/settings.json", GeminiCli, GeminiSettings),
        row(
            "root/Library/Application Support/GeminiCli/settings.json",
            GeminiCli,
            GeminiSettings,
        ),
        row(
            "root/Library/Application Support/GeminiCli/system-defaults.json",
            GeminiCli,
            GeminiSettings,
        ),
    ]);
    expected.extend(continue_rows("Users/me"));

    assert_eq!(rows(base, &user_configs(&env)), expected);
    Ok(())
}

#[test]
fn windows_user_configs() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let home = base.join("Users/me");
    continue_server_dir(&home)?;
    vscode_profiles(&home.join("AppData/Roaming/Code/User"))?;

    let env = Environment {
        home: Some(home.clone()),
        appdata: Some(home.join("AppData/Roaming")),
        system_root: Some(base.join("C")),
        ..Environment::new(Os::Windows)
    };
    let app = "Users/me/AppData/Roaming";
    let mut expected = vec![
        row(
            &format!("{app}/Claude/claude_desktop_config.json"),
            ClaudeDesktop,
            McpServers,
        ),
        row("Users/me/.claude.json", ClaudeCode, ClaudeUserState),
        row("Users/me/.claude/settings.json", ClaudeCode, ClaudeSettings),
        row(
            "Users/me/.claude/settings.local.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row(
            "C/Program Files/ClaudeCode/managed-mcp.json",
            ClaudeCode,
            McpServers,
        ),
        row(
            "C/Program Files/ClaudeCode/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row(
            "C/ProgramData/ClaudeCode/managed-mcp.json",
            ClaudeCode,
            McpServers,
        ),
        row(
            "C/ProgramData/ClaudeCode/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row("Users/me/.cursor/mcp.json", Cursor, McpServers),
    ];
    expected.extend(editor_family(
        app,
        &["p1", "p2"],
        row(
            "Users/me/.codeium/windsurf/mcp_config.json",
            Windsurf,
            McpServers,
        ),
    ));
    expected.extend([
        row(&format!("{app}/Zed/settings.json"), Zed, ZedSettings),
        row("Users/me/.codex/config.toml", Codex, CodexToml),
        row("Users/me/.gemini/settings.json", GeminiCli, GeminiSettings),
        row(
            "C/ProgramData/gemini-cli/settings.json",
            GeminiCli,
            GeminiSettings,
        ),
        row(
            "C/ProgramData/gemini-cli/system-defaults.json",
            GeminiCli,
            GeminiSettings,
        ),
    ]);
    expected.extend(continue_rows("Users/me"));

    assert_eq!(rows(base, &user_configs(&env)), expected);
    Ok(())
}

#[test]
fn windows_appdata_defaults_under_home_and_program_dirs_come_from_env() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let env = Environment {
        home: Some(base.join("me")),
        program_data: Some(base.join("PD")),
        program_files: Some(base.join("PF")),
        system_root: Some(base.join("unused")),
        ..Environment::new(Os::Windows)
    };
    let found = rows(base, &user_configs(&env));
    for expected in [
        row(
            "me/AppData/Roaming/Claude/claude_desktop_config.json",
            ClaudeDesktop,
            McpServers,
        ),
        row("PF/ClaudeCode/managed-mcp.json", ClaudeCode, McpServers),
        row(
            "PD/ClaudeCode/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row("PD/gemini-cli/settings.json", GeminiCli, GeminiSettings),
        row("me/AppData/Roaming/Zed/settings.json", Zed, ZedSettings),
    ] {
        assert!(found.contains(&expected), "missing {expected:?}");
    }
    assert!(!found.iter().any(|r| r.0.starts_with("unused")));
    Ok(())
}

#[test]
fn codex_home_and_claude_config_dir_are_added() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let env = Environment {
        home: Some(base.join("home")),
        codex_home: Some(base.join("codex")),
        claude_config_dir: Some(base.join("claude")),
        system_root: Some(base.join("root")),
        ..Environment::new(Os::Linux)
    };
    let found = rows(base, &user_configs(&env));
    let claude: Vec<Row> = found
        .iter()
        .filter(|r| r.1 == ClaudeCode && !r.0.starts_with("root/"))
        .cloned()
        .collect();
    assert_eq!(
        claude,
        vec![
            row("home/.claude.json", ClaudeCode, ClaudeUserState),
            row("home/.claude/settings.json", ClaudeCode, ClaudeSettings),
            row(
                "home/.claude/settings.local.json",
                ClaudeCode,
                ClaudeSettings
            ),
            row("claude/.claude.json", ClaudeCode, ClaudeUserState),
            row("claude/settings.json", ClaudeCode, ClaudeSettings),
            row("claude/settings.local.json", ClaudeCode, ClaudeSettings),
        ]
    );
    let codex: Vec<Row> = found.iter().filter(|r| r.1 == Codex).cloned().collect();
    assert_eq!(
        codex,
        vec![
            row("home/.codex/config.toml", Codex, CodexToml),
            row("codex/config.toml", Codex, CodexToml),
        ]
    );
    Ok(())
}

#[test]
fn codex_home_equal_to_default_is_listed_once() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let home = tmp.path().join("home");
    let env = Environment {
        codex_home: Some(home.join(".codex")),
        home: Some(home),
        system_root: Some(tmp.path().join("root")),
        ..Environment::new(Os::Linux)
    };
    let found = user_configs(&env);
    let codex = found.iter().filter(|c| c.client == Client::Codex).count();
    assert_eq!(codex, 1);
    Ok(())
}

#[test]
fn no_home_lists_only_system_paths() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let env = Environment {
        system_root: Some(tmp.path().to_path_buf()),
        ..Environment::new(Os::Linux)
    };
    let found = rows(tmp.path(), &user_configs(&env));
    let paths: Vec<&str> = found.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            "etc/claude-code/managed-mcp.json",
            "etc/claude-code/managed-settings.json",
            "etc/gemini-cli/settings.json",
            "etc/gemini-cli/system-defaults.json",
        ]
    );
    Ok(())
}

#[test]
fn cwd_configs_follow_user_configs_without_duplicates() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    let tmp = tempfile::tempdir()?;
    let base = tmp.path();
    let home = base.join("home");
    touch(&home, ".claude/settings.json")?;
    touch(&home, ".cursor/mcp.json")?;
    touch(&home, "project/.mcp.json")?;
    touch(&home, "project/.vscode/mcp.json")?;

    let without_cwd = Environment {
        home: Some(home.clone()),
        system_root: Some(base.join("root")),
        ..Environment::new(Os::Linux)
    };
    let user_only = rows(base, &user_configs(&without_cwd));

    // The current directory is the home directory itself: the user files found by the walk are
    // not listed twice, and the project's files come last.
    let env = Environment {
        cwd: Some(home.clone()),
        ..without_cwd
    };
    let all = rows(base, &user_configs(&env));
    let mut expected = user_only;
    expected.extend([
        row("home/project/.mcp.json", ClaudeCode, McpServers),
        row("home/project/.vscode/mcp.json", VsCode, VsCodeMcp),
    ]);
    assert_eq!(all, expected);
    Ok(())
}

#[test]
fn environment_from_process_uses_this_os() {
    let env = Environment::from_process();
    assert_eq!(env.os, Os::current());
    assert_eq!(env.system_root, None);
    if let Some(xdg) = &env.xdg_config_home {
        assert!(xdg.is_absolute() || env.home.as_ref().is_some_and(|h| xdg.starts_with(h)));
    }
}

/// A repository holding every supported file, plus files that must be skipped or ignored.
fn build_repo(repo: &Path) -> TestResult {
    let files = [
        ".mcp.json",
        ".claude/settings.json",
        ".claude/settings.local.json",
        ".cursor/mcp.json",
        ".vscode/mcp.json",
        ".vscode/settings.json",
        ".roo/mcp.json",
        ".gemini/settings.json",
        ".codex/config.toml",
        ".zed/settings.json",
        ".continue/config.yaml",
        ".continue/mcpServers/search.yaml",
        ".continue/mcpServers/db.yml",
        ".continue/mcpServers/tools.json",
        "configs/claude_desktop_config.json",
        "configs/cline_mcp_settings.json",
        "configs/mcp_config.json",
        "configs/mcp_settings.json",
        "configs/.claude.json",
        "deploy/etc/claude-code/managed-mcp.json",
        "deploy/etc/claude-code/managed-settings.json",
        "deploy/etc/gemini-cli/system-defaults.json",
        "dist/.mcp.json",
        "dotfiles/.config/zed/settings.json",
        "dotfiles/Code/User/settings.json",
        "dotfiles/Code/User/profiles/abc/mcp.json",
        "packages/app/.mcp.json",
        "packages/app/.cursor/mcp.json",
        "packages/app/.vscode/mcp.json",
        // Not configs: names that only count in the right directory.
        "README.md",
        "mcp.json",
        "settings.json",
        "config.toml",
        ".cursor/rules.json",
        ".vscode/launch.json",
        ".claude/commands/settings.json",
        ".continue/mcpServers/notes.txt",
        "src/.codex/settings.json",
        // Inside directories that are never entered.
        "node_modules/pkg/.mcp.json",
        ".git/.mcp.json",
        ".git/hooks/.cursor/mcp.json",
        "target/.vscode/mcp.json",
        ".venv/.mcp.json",
        "venv/.mcp.json",
        "__pycache__/.mcp.json",
        "packages/app/node_modules/dep/.cursor/mcp.json",
    ];
    for file in files {
        touch(repo, file)?;
    }
    Ok(())
}

fn expected_repo_rows() -> Vec<Row> {
    use Client::*;
    use ConfigKind::*;
    vec![
        row("repo/.claude/settings.json", ClaudeCode, ClaudeSettings),
        row(
            "repo/.claude/settings.local.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row("repo/.codex/config.toml", Codex, CodexToml),
        row("repo/.continue/config.yaml", Continue, ContinueConfig),
        row_in(
            "repo/.continue/mcpServers/db.yml",
            Continue,
            ContinueServerFile,
            Format::Yaml,
        ),
        row_in(
            "repo/.continue/mcpServers/search.yaml",
            Continue,
            ContinueServerFile,
            Format::Yaml,
        ),
        row_in(
            "repo/.continue/mcpServers/tools.json",
            Continue,
            ContinueServerFile,
            Format::Json,
        ),
        row("repo/.cursor/mcp.json", Cursor, McpServers),
        row("repo/.gemini/settings.json", GeminiCli, GeminiSettings),
        row("repo/.mcp.json", ClaudeCode, McpServers),
        row("repo/.roo/mcp.json", RooCode, McpServers),
        row("repo/.vscode/mcp.json", VsCode, VsCodeMcp),
        row("repo/.vscode/settings.json", VsCode, VsCodeSettings),
        row("repo/.zed/settings.json", Zed, ZedSettings),
        row("repo/configs/.claude.json", ClaudeCode, ClaudeUserState),
        row(
            "repo/configs/claude_desktop_config.json",
            ClaudeDesktop,
            McpServers,
        ),
        row("repo/configs/cline_mcp_settings.json", Cline, McpServers),
        row("repo/configs/mcp_config.json", Windsurf, McpServers),
        row("repo/configs/mcp_settings.json", RooCode, McpServers),
        row(
            "repo/deploy/etc/claude-code/managed-mcp.json",
            ClaudeCode,
            McpServers,
        ),
        row(
            "repo/deploy/etc/claude-code/managed-settings.json",
            ClaudeCode,
            ClaudeSettings,
        ),
        row(
            "repo/deploy/etc/gemini-cli/system-defaults.json",
            GeminiCli,
            GeminiSettings,
        ),
        row("repo/dist/.mcp.json", ClaudeCode, McpServers),
        row("repo/dotfiles/.config/zed/settings.json", Zed, ZedSettings),
        row(
            "repo/dotfiles/Code/User/profiles/abc/mcp.json",
            VsCode,
            VsCodeMcp,
        ),
        row(
            "repo/dotfiles/Code/User/settings.json",
            VsCode,
            VsCodeSettings,
        ),
        row("repo/packages/app/.cursor/mcp.json", Cursor, McpServers),
        row("repo/packages/app/.mcp.json", ClaudeCode, McpServers),
        row("repo/packages/app/.vscode/mcp.json", VsCode, VsCodeMcp),
    ]
}

#[test]
fn repo_walk_finds_every_config_and_skips_dependency_dirs() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let repo = tmp.path().join("repo");
    build_repo(&repo)?;

    let walk = walk_repo(&repo, &WalkLimits::default());
    assert_eq!(rows(tmp.path(), &walk.candidates), expected_repo_rows());
    assert_eq!(walk.skipped, []);
    assert_eq!(repo_configs(&repo), walk.candidates);
    Ok(())
}

#[cfg(unix)]
#[test]
fn repo_walk_is_safe_with_symlinks() -> TestResult {
    use Client::*;
    use ConfigKind::*;
    use std::os::unix::fs::symlink;

    let tmp = tempfile::tempdir()?;
    let repo = tmp.path().join("repo");
    build_repo(&repo)?;
    // Directory loops.
    symlink(".", repo.join("self"))?;
    symlink("..", repo.join("packages/up"))?;
    // A config dir that links back to its own parent: looked into, once.
    touch(&repo, "loopy/mcp.json")?;
    symlink(".", repo.join("loopy/.vscode"))?;
    // A shared config dir and a shared config file, both reached through links.
    touch(tmp.path(), "shared/cursor/mcp.json")?;
    touch(tmp.path(), "shared/real.json")?;
    fs::create_dir_all(repo.join("packages/web"))?;
    symlink("../../../shared/cursor", repo.join("packages/web/.cursor"))?;
    symlink(
        "../../../shared/real.json",
        repo.join("packages/web/.mcp.json"),
    )?;
    // A dangling config link is no file.
    symlink("missing.json", repo.join("packages/.mcp.json"))?;

    let walk = walk_repo(&repo, &WalkLimits::default());
    let mut expected = expected_repo_rows();
    expected.extend([
        row("repo/loopy/.vscode/mcp.json", VsCode, VsCodeMcp),
        row("repo/packages/web/.cursor/mcp.json", Cursor, McpServers),
        row("repo/packages/web/.mcp.json", ClaudeCode, McpServers),
    ]);
    expected.sort_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
    assert_eq!(rows(tmp.path(), &walk.candidates), expected);

    let skipped: Vec<(String, SkipReason)> = walk
        .skipped
        .iter()
        .map(|s| (rel(tmp.path(), &s.path), s.reason))
        .collect();
    assert_eq!(
        skipped,
        [
            (
                "repo/loopy/.vscode/.vscode".to_owned(),
                SkipReason::SymlinkedDir
            ),
            ("repo/packages/up".to_owned(), SkipReason::SymlinkedDir),
            ("repo/self".to_owned(), SkipReason::SymlinkedDir),
        ]
    );
    Ok(())
}

#[test]
fn repo_walk_stops_at_max_depth() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    touch(root, "a/b/.mcp.json")?;
    touch(root, "a/b/c/d/.mcp.json")?;
    let limits = WalkLimits {
        max_depth: 2,
        ..WalkLimits::default()
    };
    let walk = walk_repo(root, &limits);
    let paths: Vec<String> = walk.candidates.iter().map(|c| rel(root, &c.path)).collect();
    assert_eq!(paths, ["a/b/.mcp.json"]);
    assert_eq!(walk.skipped.len(), 1);
    assert_eq!(rel(root, &walk.skipped[0].path), "a/b/c");
    assert_eq!(walk.skipped[0].reason, SkipReason::TooDeep);
    Ok(())
}

#[test]
fn repo_walk_stops_at_max_entries() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    touch(root, ".mcp.json")?;
    for i in 0..8 {
        touch(root, &format!("file{i}.txt"))?;
    }
    touch(root, "z/.mcp.json")?;
    let limits = WalkLimits {
        max_entries: 5,
        ..WalkLimits::default()
    };
    let walk = walk_repo(root, &limits);
    let paths: Vec<String> = walk.candidates.iter().map(|c| rel(root, &c.path)).collect();
    assert_eq!(paths, [".mcp.json"]);
    assert_eq!(walk.skipped.len(), 1);
    assert_eq!(walk.skipped[0].path, root);
    assert_eq!(walk.skipped[0].reason, SkipReason::EntryLimit);
    Ok(())
}

#[test]
fn repo_walk_of_a_missing_or_plain_file_reports_it() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let file = touch(tmp.path(), ".mcp.json")?;
    let walk = walk_repo(&file, &WalkLimits::default());
    assert_eq!(walk.candidates, []);
    assert_eq!(walk.skipped.len(), 1);
    assert!(matches!(walk.skipped[0].reason, SkipReason::Unreadable(_)));

    let missing = tmp.path().join("missing");
    let walk = walk_repo(&missing, &WalkLimits::default());
    assert_eq!(walk.candidates, []);
    assert_eq!(
        walk.skipped[0].reason,
        SkipReason::Unreadable(std::io::ErrorKind::NotFound)
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn repo_walk_reports_unreadable_dirs_and_goes_on() -> TestResult {
    use std::os::unix::fs::PermissionsExt;

    let tmp = tempfile::tempdir()?;
    let root = tmp.path();
    touch(root, "open/.mcp.json")?;
    touch(root, "locked/.mcp.json")?;
    let locked = root.join("locked");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000))?;
    let readable_anyway = fs::read_dir(&locked).is_ok(); // e.g. when the tests run as root
    let walk = walk_repo(root, &WalkLimits::default());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755))?;

    let paths: Vec<String> = walk.candidates.iter().map(|c| rel(root, &c.path)).collect();
    if readable_anyway {
        assert_eq!(paths, ["locked/.mcp.json", "open/.mcp.json"]);
    } else {
        assert_eq!(paths, ["open/.mcp.json"]);
        assert_eq!(walk.skipped.len(), 1);
        assert_eq!(walk.skipped[0].path, locked);
        assert_eq!(
            walk.skipped[0].reason,
            SkipReason::Unreadable(std::io::ErrorKind::PermissionDenied)
        );
    }
    Ok(())
}

/// `recognise` as a `(client, kind, format)` triple.
fn spec(path: &str, content: &str) -> Option<(Client, ConfigKind, Format)> {
    let candidate = recognise(Path::new(path), content)?;
    assert_eq!(candidate.path, Path::new(path));
    Some((candidate.client, candidate.kind, candidate.format))
}

#[test]
fn recognise_by_name() {
    use Client::*;
    use ConfigKind::*;
    use Format::*;
    let cases = [
        ("/r/.mcp.json", (ClaudeCode, McpServers, Json)),
        ("/home/u/.claude.json", (ClaudeCode, ClaudeUserState, Json)),
        (
            "/r/.claude/settings.local.json",
            (ClaudeCode, ClaudeSettings, Json),
        ),
        (
            "/etc/claude-code/managed-mcp.json",
            (ClaudeCode, McpServers, Json),
        ),
        ("managed-settings.json", (ClaudeCode, ClaudeSettings, Json)),
        (
            "/x/claude_desktop_config.json",
            (ClaudeDesktop, McpServers, Json),
        ),
        ("/r/.cursor/mcp.json", (Cursor, McpServers, Json)),
        ("/r/.vscode/mcp.json", (VsCode, VsCodeMcp, Json)),
        ("/r/.vscode/settings.json", (VsCode, VsCodeSettings, Json)),
        (
            "/c/Code - Insiders/User/mcp.json",
            (VsCode, VsCodeMcp, Json),
        ),
        (
            "/c/Code/User/profiles/1a2b/settings.json",
            (VsCode, VsCodeSettings, Json),
        ),
        (
            "/h/.codeium/windsurf/mcp_config.json",
            (Windsurf, McpServers, Json),
        ),
        ("cline_mcp_settings.json", (Cline, McpServers, Json)),
        ("mcp_settings.json", (RooCode, McpServers, Json)),
        ("/r/.roo/mcp.json", (RooCode, McpServers, Json)),
        ("/h/.config/zed/settings.json", (Zed, ZedSettings, Json)),
        ("/a/Zed/settings.json", (Zed, ZedSettings, Json)),
        ("/r/.zed/settings.json", (Zed, ZedSettings, Json)),
        ("/h/.codex/config.toml", (Codex, CodexToml, Toml)),
        (
            "/h/.gemini/settings.json",
            (GeminiCli, GeminiSettings, Json),
        ),
        (
            "/etc/gemini-cli/settings.json",
            (GeminiCli, GeminiSettings, Json),
        ),
        (
            "/L/GeminiCli/system-defaults.json",
            (GeminiCli, GeminiSettings, Json),
        ),
        ("/h/.continue/config.yaml", (Continue, ContinueConfig, Yaml)),
        (
            "/h/.continue/mcpServers/a.yml",
            (Continue, ContinueServerFile, Yaml),
        ),
        (
            "/h/.continue/mcpServers/b.json",
            (Continue, ContinueServerFile, Json),
        ),
    ];
    for (path, expected) in cases {
        // The name decides even when the content says nothing (or something else).
        assert_eq!(spec(path, ""), Some(expected), "{path}");
        assert_eq!(
            spec(path, r#"{"context_servers": {}}"#),
            Some(expected),
            "{path}"
        );
    }
}

#[test]
fn recognise_mcp_named_files() {
    use Client::*;
    use ConfigKind::*;
    use Format::*;
    assert_eq!(
        spec("team.mcp.json", "{}"),
        Some((Generic, McpServers, Json))
    );
    assert_eq!(
        spec("/x/mcp.json", "not json"),
        Some((Generic, McpServers, Json))
    );
    assert_eq!(
        spec("/x/mcp.json", r#"{"servers": {"a": {"command": "x"}}}"#),
        Some((VsCode, VsCodeMcp, Json))
    );
    assert_eq!(
        spec("/home/u/.cursor/other/mcp.json", "{}"),
        Some((Cursor, McpServers, Json))
    );
}

#[test]
fn recognise_json_by_content() {
    use Client::*;
    use ConfigKind::*;
    use Format::*;
    let cases: &[(&str, Option<(Client, ConfigKind)>)] = &[
        (
            r#"{"context_servers": {"x": {}}}"#,
            Some((Zed, ZedSettings)),
        ),
        (
            r#"{"projects": {"/p": {"mcpServers": {}}}, "numStartups": 3}"#,
            Some((ClaudeCode, ClaudeUserState)),
        ),
        (
            r#"{"projects": {}, "mcpServers": {"a": {"command": "x"}}}"#,
            Some((ClaudeCode, ClaudeUserState)),
        ),
        (
            r#"{"permissions": {"allow": []}}"#,
            Some((ClaudeCode, ClaudeSettings)),
        ),
        (
            r#"{"enableAllProjectMcpServers": true, "mcpServers": {}}"#,
            Some((ClaudeCode, ClaudeSettings)),
        ),
        (
            r#"{"editor.fontSize": 12, "mcp": {"servers": {}}}"#,
            Some((VsCode, VsCodeSettings)),
        ),
        (
            r#"{"chat.tools.autoApprove": true}"#,
            Some((VsCode, VsCodeSettings)),
        ),
        (
            r#"{"servers": {}, "inputs": []}"#,
            Some((VsCode, VsCodeMcp)),
        ),
        (
            r#"{"servers": {"gh": {"type": "http", "url": "https://x"}}}"#,
            Some((VsCode, VsCodeMcp)),
        ),
        (r#"{"servers": {"db": {"host": "x"}}}"#, None),
        (
            r#"{"mcpServers": {"a": {"command": "npx"}}}"#,
            Some((Generic, McpServers)),
        ),
        (
            r#"{"mcpServers": {"a": {"httpUrl": "https://x"}}}"#,
            Some((GeminiCli, GeminiSettings)),
        ),
        (
            r#"{"mcpServers": {}, "excludeTools": ["x"]}"#,
            Some((GeminiCli, GeminiSettings)),
        ),
        // JSONC: comments and trailing commas.
        (
            "// user config\n{\n  /* servers */ \"mcpServers\": {\"a\": {},},\n}",
            Some((Generic, McpServers)),
        ),
        // Broken JSON is still recognised from its keys.
        (
            r#"{"mcpServers": {"a": {"command": "x""#,
            Some((Generic, McpServers)),
        ),
        (r#"{"context_servers": {"#, Some((Zed, ZedSettings))),
        (r#"{"name": "x", "version": 1}"#, None),
        (r#"[{"mcpServers": {}}]"#, None),
        ("", None),
    ];
    for (content, expected) in cases {
        let expected = expected.map(|(client, kind)| (client, kind, Json));
        assert_eq!(spec("/p/settings.json", content), expected, "{content}");
        assert_eq!(spec("/p/x.jsonc", content), expected, "{content}");
    }
    // With a byte order mark, and without an extension.
    assert_eq!(
        spec("/p/config", "\u{feff}{\"mcpServers\": {}}"),
        Some((Generic, McpServers, Json))
    );
}

#[test]
fn recognise_refines_the_client_from_the_directory() {
    use Client::*;
    use ConfigKind::*;
    use Format::*;
    let servers = r#"{"mcpServers": {"a": {"command": "x"}}}"#;
    let cases = [
        ("/h/.cursor/backup.json", (Cursor, McpServers)),
        ("/a/Claude/old_config.json", (ClaudeDesktop, McpServers)),
        ("/h/.claude/extra.json", (ClaudeCode, McpServers)),
        ("/h/.codeium/windsurf/backup.json", (Windsurf, McpServers)),
        (
            "/g/saoudrizwan.claude-dev/settings/x.json",
            (Cline, McpServers),
        ),
        ("/r/.roo/old.json", (RooCode, McpServers)),
        ("/h/.gemini/backup.json", (GeminiCli, GeminiSettings)),
        ("/tmp/elsewhere/servers.json", (Generic, McpServers)),
    ];
    for (path, (client, kind)) in cases {
        assert_eq!(spec(path, servers), Some((client, kind, Json)), "{path}");
    }
    // Only plain `mcpServers` files are refined.
    assert_eq!(
        spec("/h/.cursor/zed.json", r#"{"context_servers": {}}"#),
        Some((Zed, ZedSettings, Json))
    );
}

#[test]
fn recognise_toml_and_yaml_by_content() {
    use Client::*;
    use ConfigKind::*;
    use Format::*;
    let codex = "model = \"o3\"\n\n[mcp_servers.github]\ncommand = \"npx\"\nargs = [\"-y\"]\n";
    assert_eq!(spec("/p/codex.toml", codex), Some((Codex, CodexToml, Toml)));
    assert_eq!(spec("/p/config", codex), Some((Codex, CodexToml, Toml)));
    assert_eq!(
        spec(
            "/p/inline.toml",
            "mcp_servers = { a = { command = \"x\" } }\n"
        ),
        Some((Codex, CodexToml, Toml))
    );
    assert_eq!(
        spec("/p/broken.toml", "[mcp_servers.a\ncommand = \"x\"\n"),
        Some((Codex, CodexToml, Toml))
    );
    assert_eq!(spec("/p/Cargo.toml", "[package]\nname = \"x\"\n"), None);
    assert_eq!(spec("/p/text.toml", "mcp_servers = 3\n"), None);

    let continue_yaml =
        "name: Local\nversion: 0.0.1\nmcpServers:\n  - name: fs\n    command: npx\n";
    assert_eq!(
        spec("/p/assistant.yaml", continue_yaml),
        Some((Continue, ContinueConfig, Yaml))
    );
    assert_eq!(
        spec("/p/assistant.yml", "\"mcpServers\":\n  - name: a\n"),
        Some((Continue, ContinueConfig, Yaml))
    );
    assert_eq!(
        spec("/p/assistant", continue_yaml),
        Some((Continue, ContinueConfig, Yaml))
    );
    assert_eq!(
        spec("/p/nested.yaml", "tools:\n  mcpServers:\n    - a\n"),
        None
    );
    assert_eq!(spec("/p/notes.txt", "just some text\n"), None);
    // The extension decides the format: TOML content in a `.json` file is no JSON config.
    assert_eq!(spec("/p/odd.json", codex), None);
}
