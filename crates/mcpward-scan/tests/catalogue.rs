//! The catalogue of known servers: data invariants, lookups, typosquats and inference.

use std::collections::HashSet;

use mcpward_scan::catalogue::{
    EMPTY_CAPABILITY_KINDS, EntrySource, catalogue, kind, normalize_package,
};
use mcpward_scan::{Capability, Ecosystem};

use Capability::{Db, Exec, FsRead, FsWrite, Messaging, NetFetch, Secrets, UntrustedContent};

fn id_of(ecosystem: Ecosystem, package: &str) -> Option<&'static str> {
    catalogue()
        .lookup(ecosystem, package)
        .map(|s| s.id.as_str())
}

fn squat(ecosystem: Ecosystem, package: &str) -> Option<(&'static str, &'static str)> {
    catalogue()
        .typosquat_of(ecosystem, package)
        .map(|(s, real)| (s.id.as_str(), real))
}

// ---- data invariants ----

#[test]
fn has_at_least_150_packages_in_every_ecosystem() {
    let mut counts = [0usize; 3];
    for s in catalogue().servers() {
        for p in &s.packages {
            match p.ecosystem {
                Ecosystem::Npm => counts[0] += 1,
                Ecosystem::Pypi => counts[1] += 1,
                Ecosystem::Docker => counts[2] += 1,
                Ecosystem::Binary => panic!("{}: binary packages are not catalogued", s.id),
            }
        }
    }
    assert!(counts.iter().sum::<usize>() >= 150, "{counts:?}");
    assert!(counts.iter().all(|&c| c >= 20), "{counts:?}");
}

#[test]
fn includes_every_registry_seed_row() {
    let seed = catalogue()
        .servers()
        .filter(|s| s.source == EntrySource::RegistrySeed)
        .count();
    assert_eq!(seed, 162);
}

#[test]
fn no_package_belongs_to_two_entries() {
    let mut seen = HashSet::new();
    for s in catalogue().servers() {
        for p in &s.packages {
            let key = (p.ecosystem, normalize_package(p.ecosystem, &p.name));
            assert!(seen.insert(key), "{} {} is listed twice", s.id, p.name);
        }
    }
}

#[test]
fn ids_are_unique() {
    let mut seen = HashSet::new();
    for s in catalogue().servers() {
        assert!(seen.insert(s.id.as_str()), "duplicate id {}", s.id);
    }
}

#[test]
fn every_entry_has_a_capability_unless_it_is_a_pure_utility() {
    for s in catalogue().servers() {
        if s.capabilities.is_empty() {
            assert!(
                EMPTY_CAPABILITY_KINDS.iter().any(|k| s.has_kind(k)),
                "{} has no capability and kinds {:?}",
                s.id,
                s.kinds
            );
        }
        let mut sorted = s.capabilities.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, s.capabilities, "{}", s.id);
    }
    for id in ["time", "sequential-thinking"] {
        let s = catalogue().server(id).expect("reference server present");
        assert!(s.capabilities.is_empty(), "{id}");
    }
}

#[test]
fn kinds_come_from_the_vocabulary() {
    let vocabulary: HashSet<&str> = catalogue().kinds().map(|(k, _)| k).collect();
    for s in catalogue().servers() {
        assert!(!s.kinds.is_empty(), "{}", s.id);
        for k in &s.kinds {
            assert!(vocabulary.contains(k.as_str()), "{}: {k}", s.id);
        }
    }
    for k in [
        kind::SHELL,
        kind::DATABASE,
        kind::FETCH,
        kind::BROWSER,
        kind::FILESYSTEM,
        kind::PROXY,
        kind::INSTALLER,
        kind::CODE_SANDBOX,
        kind::PLACEHOLDER,
    ]
    .into_iter()
    .chain(EMPTY_CAPABILITY_KINDS.iter().copied())
    {
        assert!(vocabulary.contains(k), "{k}");
    }
    assert!(catalogue().kinds().all(|(_, doc)| !doc.is_empty()));
}

#[test]
fn reference_servers_are_official_and_archived_ones_deprecated() {
    for id in [
        "everything",
        "fetch",
        "filesystem",
        "git",
        "memory",
        "sequential-thinking",
        "time",
    ] {
        let s = catalogue().server(id).expect(id);
        assert!(s.official && s.deprecated.is_none(), "{id}");
    }
    for name in [
        "aws-kb-retrieval",
        "brave-search",
        "everart",
        "gdrive",
        "github",
        "gitlab",
        "google-maps",
        "postgres",
        "puppeteer",
        "redis",
        "sentry",
        "slack",
        "sqlite",
    ] {
        let id = format!("{name}-reference");
        let s = catalogue().server(&id).expect("archived reference server");
        assert!(s.official && s.deprecated.is_some(), "{id}");
    }
    let github = catalogue().server("github-reference").expect("present");
    assert!(
        github
            .deprecated
            .as_deref()
            .is_some_and(|d| d.contains("ghcr.io/github/github-mcp-server"))
    );
    assert_eq!(
        id_of(Ecosystem::Docker, "ghcr.io/github/github-mcp-server"),
        Some("github")
    );
}

#[test]
fn dangerous_kinds_are_marked() {
    let c = catalogue();
    let get = |ecosystem, name| c.lookup(ecosystem, name).expect(name);

    let fs = get(Ecosystem::Npm, "@modelcontextprotocol/server-filesystem");
    assert!(fs.path_args && fs.has_kind(kind::FILESYSTEM));
    assert_eq!(fs.capabilities, [FsRead, FsWrite]);

    let fetch = get(Ecosystem::Pypi, "mcp-server-fetch");
    assert!(fetch.is_unrestricted_fetcher());
    assert!(get(Ecosystem::Npm, "@playwright/mcp").is_unrestricted_fetcher());
    assert!(!get(Ecosystem::Npm, "tavily-mcp").is_unrestricted_fetcher());

    for shell in [
        (Ecosystem::Npm, "@wonderwhy-er/desktop-commander"),
        (Ecosystem::Npm, "mcp-server-commands"),
        (Ecosystem::Pypi, "mcp-shell-server"),
        (Ecosystem::Npm, "iterm-mcp"),
    ] {
        let s = get(shell.0, shell.1);
        assert!(s.is_shell() && s.has_capability(Exec), "{}", shell.1);
    }

    for (ecosystem, name, writes) in [
        (
            Ecosystem::Npm,
            "@modelcontextprotocol/server-postgres",
            true,
        ),
        (Ecosystem::Pypi, "postgres-mcp", true),
        (Ecosystem::Pypi, "mcp-server-sqlite", true),
        (Ecosystem::Npm, "mongodb-mcp-server", true),
        (Ecosystem::Npm, "@supabase/mcp-server-supabase", true),
        (Ecosystem::Npm, "@benborla29/mcp-server-mysql", false),
        (Ecosystem::Pypi, "mcp-clickhouse", false),
    ] {
        let s = get(ecosystem, name);
        assert!(s.has_kind(kind::DATABASE) && s.has_capability(Db), "{name}");
        assert_eq!(s.db_write, writes, "{name}");
    }
    assert!(
        c.servers()
            .filter(|s| s.db_write)
            .all(|s| s.has_kind(kind::DATABASE))
    );

    let remote = get(Ecosystem::Npm, "mcp-remote");
    assert!(remote.has_kind(kind::PROXY) && remote.has_capability(NetFetch));
    assert!(get(Ecosystem::Npm, "@modelcontextprotocol/server-everything").has_capability(Secrets));
}

// ---- lookups ----

#[test]
fn npm_lookup_is_exact_and_case_sensitive() {
    assert_eq!(
        id_of(Ecosystem::Npm, "@modelcontextprotocol/server-filesystem"),
        Some("filesystem")
    );
    assert_eq!(id_of(Ecosystem::Npm, "@playwright/mcp"), Some("playwright"));
    assert_eq!(
        id_of(Ecosystem::Npm, "@upstash/context7-mcp"),
        Some("context7")
    );
    assert_eq!(
        id_of(Ecosystem::Npm, "@ModelContextProtocol/server-filesystem"),
        None
    );
    assert_eq!(
        id_of(Ecosystem::Npm, "@modelcontextprotocol/server_filesystem"),
        None
    );
    // A PyPI package is not an npm package.
    assert_eq!(id_of(Ecosystem::Npm, "mcp-server-git"), None);
}

#[test]
fn pypi_lookup_normalizes_per_pep_503() {
    for name in [
        "mcp-server-git",
        "mcp_server_git",
        "MCP-Server-Git",
        "mcp.server.git",
        "mcp__server--git",
    ] {
        assert_eq!(id_of(Ecosystem::Pypi, name), Some("git"), "{name}");
    }
    assert_eq!(
        id_of(Ecosystem::Pypi, "awslabs.aws-api-mcp-server"),
        Some("aws-api")
    );
    assert_eq!(
        id_of(Ecosystem::Pypi, "awslabs-aws-api-mcp-server"),
        Some("aws-api")
    );
    assert_eq!(id_of(Ecosystem::Pypi, "uns-mcp"), Some("unstructured"));
    assert_eq!(id_of(Ecosystem::Pypi, "Mssql_MCP_Server"), Some("mssql"));
    assert_eq!(id_of(Ecosystem::Pypi, "mcp-server-gits"), None);
}

#[test]
fn docker_lookup_drops_registry_and_library_prefixes() {
    for name in [
        "mcp/fetch",
        "docker.io/mcp/fetch",
        "index.docker.io/mcp/fetch",
        "MCP/Fetch",
    ] {
        assert_eq!(id_of(Ecosystem::Docker, name), Some("fetch"), "{name}");
    }
    assert_eq!(
        id_of(Ecosystem::Docker, "docker.io/grafana/mcp-grafana"),
        Some("grafana")
    );
    assert_eq!(
        id_of(Ecosystem::Docker, "mcr.microsoft.com/playwright/mcp"),
        Some("playwright")
    );
    assert_eq!(
        id_of(Ecosystem::Docker, "docker.io/library/mcp-server-qdrant"),
        Some("qdrant")
    );
    assert_eq!(id_of(Ecosystem::Docker, "library/postgres"), None);
}

#[test]
fn binary_never_matches() {
    assert_eq!(id_of(Ecosystem::Binary, "mcp-server-git"), None);
    assert_eq!(squat(Ecosystem::Binary, "mcp-server-gti"), None);
}

#[test]
fn every_catalogue_package_finds_itself_and_is_not_a_typosquat() {
    for s in catalogue().servers() {
        for p in &s.packages {
            let found = catalogue().lookup(p.ecosystem, &p.name).map(|f| &f.id);
            assert_eq!(found, Some(&s.id), "{}", p.name);
            assert!(
                catalogue().typosquat_of(p.ecosystem, &p.name).is_none(),
                "{} flagged",
                p.name
            );
        }
    }
}

// ---- typosquats ----

#[test]
fn flags_realistic_typosquats() {
    let cases: &[(Ecosystem, &str, &str, &str)] = &[
        // one character dropped, doubled, swapped or replaced
        (
            Ecosystem::Npm,
            "@modelcontextprotocol/server-filesytem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Pypi,
            "mcp-server-fetc",
            "fetch",
            "mcp-server-fetch",
        ),
        (Ecosystem::Pypi, "mcp-server-gti", "git", "mcp-server-git"),
        (
            Ecosystem::Pypi,
            "mcp-server-sqllite",
            "sqlite-reference",
            "mcp-server-sqlite",
        ),
        (
            Ecosystem::Npm,
            "@playwrigth/mcp",
            "playwright",
            "@playwright/mcp",
        ),
        (
            Ecosystem::Npm,
            "@upstash/context7-mpc",
            "context7",
            "@upstash/context7-mcp",
        ),
        (
            Ecosystem::Npm,
            "@wonderwhy-er/desktop-comander",
            "desktop-commander",
            "@wonderwhy-er/desktop-commander",
        ),
        (
            Ecosystem::Npm,
            "@supabase/mcp-server-supabse",
            "supabase",
            "@supabase/mcp-server-supabase",
        ),
        (
            Ecosystem::Npm,
            "@notionhq/notion-mcp-sever",
            "notion",
            "@notionhq/notion-mcp-server",
        ),
        (Ecosystem::Npm, "mcp-remotes", "mcp-remote", "mcp-remote"),
        (
            Ecosystem::Docker,
            "ghcr.io/githb/github-mcp-server",
            "github",
            "ghcr.io/github/github-mcp-server",
        ),
        (
            Ecosystem::Docker,
            "mcp/filesytem",
            "filesystem",
            "mcp/filesystem",
        ),
        // look-alike characters
        (
            Ecosystem::Npm,
            "@modelcontextprotocol/server-fi1esystem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Npm,
            "@modelcontextprotocol/server-rnemory",
            "memory",
            "@modelcontextprotocol/server-memory",
        ),
        (
            Ecosystem::Npm,
            "@modelcontextprotocoI/server-memory",
            "memory",
            "@modelcontextprotocol/server-memory",
        ),
        (
            Ecosystem::Npm,
            "@modelcontextprot0col/server-everything",
            "everything",
            "@modelcontextprotocol/server-everything",
        ),
        (
            Ecosystem::Npm,
            "@Playwright/mcp",
            "playwright",
            "@playwright/mcp",
        ),
        // scope tricks
        (
            Ecosystem::Npm,
            "@modelcontextprotoco/server-memory",
            "memory",
            "@modelcontextprotocol/server-memory",
        ),
        (
            Ecosystem::Npm,
            "@modelcontextprotocols/server-filesystem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Npm,
            "@model-context-protocol/server-filesystem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Npm,
            "server-filesystem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Npm,
            "modelcontextprotocol-server-filesystem",
            "filesystem",
            "@modelcontextprotocol/server-filesystem",
        ),
        (
            Ecosystem::Npm,
            "context7-mcp",
            "context7",
            "@upstash/context7-mcp",
        ),
        // separators
        (Ecosystem::Npm, "exa_mcp_server", "exa", "exa-mcp-server"),
        (
            Ecosystem::Npm,
            "fire-crawl-mcp",
            "firecrawl",
            "firecrawl-mcp",
        ),
        (
            Ecosystem::Docker,
            "mcp/sequential-thinking",
            "sequential-thinking",
            "mcp/sequentialthinking",
        ),
    ];
    assert!(cases.len() >= 15);
    for &(ecosystem, name, id, real) in cases {
        assert_eq!(squat(ecosystem, name), Some((id, real)), "{name}");
    }
}

#[test]
fn separator_variants_are_the_same_pypi_name_not_a_squat() {
    assert_eq!(squat(Ecosystem::Pypi, "mcp_server_git"), None);
    assert_eq!(squat(Ecosystem::Pypi, "MCP.Server.Fetch"), None);
    assert_eq!(squat(Ecosystem::Docker, "docker.io/mcp/fetch"), None);
}

#[test]
fn does_not_flag_short_or_unrelated_names() {
    let npm = [
        "express",
        "react",
        "lodash",
        "typescript",
        "zod",
        "axios",
        "dotenv",
        "prettier",
        "eslint",
        "tsx",
        "openai",
        "playwright",
        "puppeteer",
        "mongodb",
        "redis",
        "pg",
        "mysql2",
        "better-sqlite3",
        "mcp-server",
        "@types/node",
        "@modelcontextprotocol/sdk",
        "@modelcontextprotocol/inspector",
        "@modelcontextprotocol/create-server",
        "@anthropic-ai/sdk",
        "@anthropic-ai/claude-code",
        "@playwright/test",
        "@supabase/supabase-js",
        "@notionhq/client",
        "@sentry/node",
        "@stripe/stripe-js",
        "@azure/identity",
        "@upstash/redis",
        "@heroku/cli",
    ];
    let pypi = [
        "mcp",
        "fastmcp",
        "requests",
        "httpx",
        "pydantic",
        "fastapi",
        "uvicorn",
        "boto3",
        "numpy",
        "pandas",
        "anthropic",
        "psycopg2",
        "sqlalchemy",
        "pymongo",
        "chromadb",
        "qdrant-client",
        "neo4j",
        "langchain",
        "mcp-server-gitlab",
    ];
    let docker = [
        "postgres",
        "redis",
        "python",
        "node",
        "nginx",
        "alpine",
        "mongo",
        "grafana/grafana",
        "mcr.microsoft.com/playwright",
        "ghcr.io/github/github-runner",
    ];
    let all = npm
        .iter()
        .map(|n| (Ecosystem::Npm, *n))
        .chain(pypi.iter().map(|n| (Ecosystem::Pypi, *n)))
        .chain(docker.iter().map(|n| (Ecosystem::Docker, *n)));
    let mut count = 0;
    for (ecosystem, name) in all {
        assert_eq!(squat(ecosystem, name), None, "{name}");
        count += 1;
    }
    assert!(count >= 30);
    // Names under 5 characters are never compared.
    assert_eq!(squat(Ecosystem::Pypi, "mcp-s"), None);
    assert_eq!(squat(Ecosystem::Npm, "gti"), None);
    // A generic name under a scope is not distinctive once the scope is dropped, and an
    // unscoped copy of a community package's name is not flagged.
    assert_eq!(squat(Ecosystem::Npm, "mcp"), None);
    assert_eq!(squat(Ecosystem::Npm, "mcp-server-postgres"), None);
    // One substituted letter in a short word is usually another word.
    assert_eq!(squat(Ecosystem::Npm, "stack-mcp-server"), None);
    assert_eq!(squat(Ecosystem::Pypi, "mcp-server-gis"), None);
}

// ---- inference ----

fn infer(name: &str, package: Option<&str>, args: &[&str]) -> Vec<Capability> {
    catalogue().infer_capabilities(name, package, args)
}

#[test]
fn infers_capabilities_from_words() {
    assert_eq!(infer("my-postgres", None, &[]), [Db]);
    assert_eq!(infer("mcpServerMongo", None, &[]), [Db]);
    assert_eq!(infer("files", None, &[]), [FsRead, FsWrite]);
    assert_eq!(infer("x", Some("@acme/shell-server"), &[]), [Exec]);
    assert_eq!(infer("ssh-box", None, &[]), [Exec]);
    assert_eq!(infer("web-search", None, &[]), [NetFetch, UntrustedContent]);
    assert_eq!(
        infer("pptr", Some("puppeteer-mcp"), &[]),
        [NetFetch, UntrustedContent]
    );
    assert_eq!(
        infer("team-slack", None, &[]),
        [Messaging, UntrustedContent]
    );
    assert_eq!(infer("gmail", None, &[]), [Messaging, UntrustedContent]);
    assert_eq!(infer("jira", None, &[]), [Messaging, UntrustedContent]);
    assert_eq!(infer("1password", None, &[]), [Secrets]);
    assert_eq!(infer("aws-tools", None, &[]), [Secrets]);
    assert_eq!(infer("time", None, &[]), []);
    assert_eq!(infer("custom", Some("acme-mcp"), &[]), []);
}

#[test]
fn infers_with_word_boundaries() {
    assert_eq!(infer("dbt", Some("dbt-mcp"), &[]), []);
    assert!(
        !infer("github", None, &[]).contains(&FsWrite),
        "github is not git"
    );
    assert_eq!(infer("git", None, &[]), [FsRead, FsWrite]);
    assert_eq!(infer("webhooks", None, &[]), []);
    assert_eq!(infer("duckdb", None, &[]), [Db]);
    assert_eq!(infer("postgresql15", None, &[]), [Db]);
}

#[test]
fn infers_from_arguments_but_not_from_paths() {
    assert_eq!(infer("x", Some("acme-mcp"), &["/home/me/web/shell"]), []);
    assert_eq!(infer("x", Some("acme-mcp"), &["C:\\Users\\me\\search"]), []);
    assert_eq!(
        infer("x", Some("acme-mcp"), &["postgresql://user@localhost/app"]),
        [Db]
    );
    assert_eq!(
        infer("x", Some("acme-mcp"), &["--db-path", "/tmp/a.sqlite"]),
        [Db]
    );
    assert_eq!(
        infer(
            "x",
            None,
            &["--mode", "terminal", "https://example.com/search"]
        ),
        [Exec]
    );
}

#[test]
fn inference_is_sorted_deduplicated_and_includes_known_packages() {
    let caps = infer(
        "slack-and-search-and-slack",
        Some("@modelcontextprotocol/server-filesystem"),
        &["--shell"],
    );
    let mut sorted = caps.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(caps, sorted);
    assert_eq!(
        caps,
        [FsRead, FsWrite, NetFetch, Exec, Messaging, UntrustedContent]
    );
    assert_eq!(
        infer("x", Some("mcp_server_fetch"), &[]),
        [NetFetch, UntrustedContent]
    );
}

#[test]
fn no_catalogue_package_resembles_another_when_left_out() {
    use mcpward_scan::catalogue::Catalogue;
    let data: serde_json::Value =
        serde_json::from_str(include_str!("../data/catalogue.json")).expect("valid JSON");
    let servers = data["servers"].as_array().expect("servers array").clone();
    let mut hits = Vec::new();
    for (i, left_out) in servers.iter().enumerate() {
        let mut rest = data.clone();
        rest["servers"]
            .as_array_mut()
            .expect("servers array")
            .remove(i);
        let partial = Catalogue::from_json(&rest.to_string()).expect("still valid");
        for p in left_out["packages"].as_array().expect("packages") {
            let ecosystem = match p["ecosystem"].as_str() {
                Some("npm") => Ecosystem::Npm,
                Some("pypi") => Ecosystem::Pypi,
                _ => Ecosystem::Docker,
            };
            let name = p["name"].as_str().expect("name");
            if let Some((s, real)) = partial.typosquat_of(ecosystem, name) {
                hits.push(format!("{name} ~ {real} ({})", s.id));
            }
        }
    }
    assert!(hits.is_empty(), "{hits:#?}");
}
