//! Capabilities guessed from the words of a server's name, package and arguments.

use crate::Capability;
use Capability::{Db, Exec, FsRead, FsWrite, Messaging, NetFetch, Secrets, UntrustedContent};

/// Keyword groups: whole words, and the capabilities they imply.
const GROUPS: &[(&[&str], &[Capability])] = &[
    (
        &[
            "filesystem",
            "filesystems",
            "files",
            "file",
            "fs",
            "folder",
            "folders",
            "directory",
            "directories",
            "dir",
            "dirs",
            "disk",
            "obsidian",
            "git",
        ],
        &[FsRead, FsWrite],
    ),
    (
        &[
            "shell",
            "shells",
            "terminal",
            "terminals",
            "exec",
            "execute",
            "executor",
            "command",
            "commands",
            "commander",
            "cmd",
            "bash",
            "zsh",
            "powershell",
            "pwsh",
            "ssh",
            "tmux",
            "iterm",
            "applescript",
            "osascript",
            "repl",
            "interpreter",
            "sandbox",
            "runner",
            "subprocess",
            "docker",
            "podman",
            "kubernetes",
            "kubectl",
            "k8s",
            "jupyter",
        ],
        &[Exec],
    ),
    (
        &[
            "postgres",
            "postgresql",
            "pg",
            "psql",
            "mysql",
            "mariadb",
            "sqlite",
            "sqlite3",
            "mongo",
            "mongodb",
            "redis",
            "valkey",
            "memcached",
            "sql",
            "nosql",
            "database",
            "databases",
            "db",
            "supabase",
            "neon",
            "tidb",
            "clickhouse",
            "snowflake",
            "bigquery",
            "dynamo",
            "cassandra",
            "scylla",
            "couchbase",
            "neo4j",
            "cypher",
            "elasticsearch",
            "opensearch",
            "qdrant",
            "chroma",
            "pinecone",
            "milvus",
            "weaviate",
            "firestore",
            "airtable",
            "oracle",
            "prisma",
            "motherduck",
            "timescale",
            "cockroach",
        ],
        &[Db],
    ),
    (
        &[
            "fetch",
            "fetcher",
            "browser",
            "browsers",
            "browse",
            "browsing",
            "puppeteer",
            "playwright",
            "selenium",
            "webdriver",
            "chrome",
            "chromium",
            "firefox",
            "scrape",
            "scraper",
            "scraping",
            "scrapling",
            "crawl",
            "crawler",
            "crawling",
            "web",
            "websearch",
            "webfetch",
            "webcrawl",
            "website",
            "search",
            "searxng",
            "http",
            "https",
            "url",
            "urls",
            "curl",
            "wget",
            "internet",
            "brave",
            "bing",
            "duckduckgo",
            "ddg",
            "tavily",
            "exa",
            "firecrawl",
            "serp",
            "serpapi",
            "serper",
            "perplexity",
            "kagi",
            "jina",
            "browserbase",
            "hyperbrowser",
            "stagehand",
            "apify",
            "oxylabs",
            "brightdata",
        ],
        &[NetFetch, UntrustedContent],
    ),
    (
        &[
            "slack",
            "discord",
            "email",
            "emails",
            "gmail",
            "mail",
            "mailgun",
            "sendgrid",
            "smtp",
            "imap",
            "outlook",
            "telegram",
            "twilio",
            "sms",
            "teams",
            "whatsapp",
            "mattermost",
            "rocketchat",
            "zulip",
            "wechat",
            "messenger",
            "message",
            "messages",
            "messaging",
            "pushover",
            "ntfy",
            "twitter",
            "tweet",
            "tweets",
            "bluesky",
            "mastodon",
            "linkedin",
            "reddit",
            "instagram",
            "facebook",
        ],
        &[Messaging, UntrustedContent],
    ),
    (
        &[
            "github",
            "gitlab",
            "gitea",
            "gitee",
            "bitbucket",
            "jira",
            "linear",
            "notion",
            "confluence",
            "atlassian",
            "issue",
            "issues",
            "ticket",
            "tickets",
            "asana",
            "trello",
            "clickup",
            "zendesk",
            "intercom",
            "servicenow",
            "youtrack",
        ],
        &[UntrustedContent, Messaging],
    ),
    (
        &[
            "sentry",
            "rss",
            "feed",
            "feeds",
            "news",
            "hackernews",
            "youtube",
            "wikipedia",
            "arxiv",
        ],
        &[UntrustedContent],
    ),
    (
        &[
            "vault",
            "keychain",
            "keyring",
            "1password",
            "onepassword",
            "bitwarden",
            "lastpass",
            "keepass",
            "secret",
            "secrets",
            "credential",
            "credentials",
            "password",
            "passwords",
            "dotenv",
            "kms",
            "iam",
            "aws",
            "gcp",
            "azure",
        ],
        &[Secrets],
    ),
];

/// Words that end like a database name but are not one.
const NOT_DATABASES: &[&str] = &["wandb"];

/// URL schemes of database connection strings.
const DB_SCHEMES: &[&str] = &[
    "postgres://",
    "postgresql://",
    "mysql://",
    "mariadb://",
    "mongodb://",
    "mongodb+srv://",
    "redis://",
    "rediss://",
    "sqlite:",
    "jdbc:",
    "clickhouse://",
    "mssql://",
    "sqlserver://",
    "neo4j://",
    "bolt://",
];

/// The capabilities the words of `server_name`, `package` and `args` suggest (unsorted).
pub(super) fn keyword_capabilities(
    server_name: &str,
    package: Option<&str>,
    args: &[&str],
) -> Vec<Capability> {
    let mut words = Vec::new();
    split_words(server_name, &mut words);
    if let Some(package) = package {
        split_words(package, &mut words);
    }
    let mut caps = Vec::new();
    for arg in args {
        let lower = arg.trim().to_ascii_lowercase();
        if DB_SCHEMES.iter().any(|s| lower.starts_with(s)) {
            caps.push(Db);
        } else if !lower.contains("://") && !looks_like_path(&lower) {
            split_words(arg, &mut words);
        }
    }
    for word in &words {
        for (keywords, implied) in GROUPS {
            if keywords.contains(&word.as_str()) {
                caps.extend_from_slice(implied);
            }
        }
        if is_database_word(word) {
            caps.push(Db);
        }
    }
    caps
}

/// Stems that name databases inside a longer word: `postgresql15`, `mongodb`, `duckdb`, `mssql`.
fn is_database_word(word: &str) -> bool {
    if NOT_DATABASES.contains(&word) {
        return false;
    }
    let long = word.len() >= 5;
    ["postgres", "mongo", "sqlite", "mysql"]
        .iter()
        .any(|stem| word.starts_with(stem))
        || (long && (word.ends_with("db") || word.ends_with("sql")))
}

fn looks_like_path(arg: &str) -> bool {
    let mut chars = arg.chars();
    let drive = matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(c), Some(':'), Some('\\' | '/')) if c.is_ascii_alphabetic()
    );
    drive
        || arg.starts_with('/')
        || arg.starts_with('~')
        || arg.starts_with("./")
        || arg.starts_with("../")
        || arg.starts_with(".\\")
        || arg.contains('\\')
}

/// Splits at anything but letters and digits, and at camelCase boundaries; lowercases.
fn split_words(text: &str, out: &mut Vec<String>) {
    for piece in text.split(|c: char| !c.is_alphanumeric()) {
        let mut word = String::new();
        let mut prev_lower = false;
        for c in piece.chars() {
            if c.is_uppercase() && prev_lower && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            word.extend(c.to_lowercase());
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        split_words(s, &mut out);
        out
    }

    #[test]
    fn splits_words() {
        assert_eq!(words("mcpServerPostgres"), ["mcp", "server", "postgres"]);
        assert_eq!(words("@scope/my_tool-v2"), ["scope", "my", "tool", "v2"]);
        assert_eq!(words("1password"), ["1password"]);
        assert_eq!(words("MCPServer"), ["mcpserver"]);
    }

    #[test]
    fn database_stems() {
        assert!(is_database_word("postgresql15"));
        assert!(is_database_word("duckdb"));
        assert!(is_database_word("mssql"));
        assert!(!is_database_word("dbt"));
        assert!(!is_database_word("gdb"));
        assert!(!is_database_word("wandb"));
    }

    #[test]
    fn paths() {
        assert!(looks_like_path("/home/me/web"));
        assert!(looks_like_path("~/src"));
        assert!(looks_like_path("c:\\users\\me"));
        assert!(!looks_like_path("--db-path"));
    }
}
