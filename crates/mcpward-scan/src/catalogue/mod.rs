//! The catalogue of known MCP servers and packages.
//!
//! [`catalogue()`] returns the [`Catalogue`] built into the binary from
//! `data/catalogue.json` (sources and licenses in `data/README.md`). Each [`KnownServer`] names
//! its packages ([`KnownPackage`]: npm, PyPI or docker), what it can reach ([`Capability`]), its
//! [`kinds`](KnownServer::kinds) (vocabulary below), whether it is official, deprecated, allows
//! database writes by default, and whether its positional arguments are filesystem roots.
//!
//! `mcpward scan` uses it to:
//!
//! - give a configured server its capabilities: [`Catalogue::lookup`], or for packages not in the
//!   catalogue, [`Catalogue::infer_capabilities`] from keywords;
//! - flag `typosquat-package`: [`Catalogue::typosquat_of`];
//! - flag `unknown-package`: [`Catalogue::lookup`] returns `None`;
//! - recognise dangerous kinds: [`KnownServer::is_shell`], [`KnownServer::is_unrestricted_fetcher`]
//!   and [`KnownServer::db_write`].
//!
//! # Capabilities
//!
//! `net.fetch` marks servers that fetch model-chosen URLs, search the web, drive a browser or
//! proxy to other servers; a server that only calls its vendor's API does not get it.
//! `secrets` marks servers that can read credentials (environment dumps, key vaults, Kubernetes
//! secrets, cloud config) or act with account-level cloud credentials. Issue trackers and code
//! hosting get `untrusted.content` and `messaging`, because comments reach people.
//!
//! An entry may have no capability only when one of its kinds is `utility`, `reasoning`,
//! `memory`, `public-data` or `placeholder` ([`EMPTY_CAPABILITY_KINDS`]): time, sequential
//! thinking, a read-only sports API.
//!
//! # Kinds
//!
//! The vocabulary lives in the data file with a description of each tag ([`Catalogue::kinds`]);
//! an entry with a kind outside it is rejected. The kinds that scan rules interpret have
//! constants in [`kind`].

mod infer;
mod typosquat;

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::{Capability, Ecosystem};

use typosquat::SquatTarget;

/// The catalogue data, embedded at build time.
const DATA: &str = include_str!("../../data/catalogue.json");

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    // Invariant: the embedded data parses and validates; `tests/catalogue.rs` and the unit
    // test `embedded_catalogue_parses` load it on every test run, so a bad edit cannot ship.
    Catalogue::from_json(DATA).expect("embedded data/catalogue.json is valid")
});

/// The catalogue built into mcpward, parsed on first use.
pub fn catalogue() -> &'static Catalogue {
    &CATALOGUE
}

/// Kinds that scan rules interpret. The full vocabulary is in the data file.
pub mod kind {
    /// Runs shell commands or arbitrary programs on the host.
    pub const SHELL: &str = "shell";
    /// Connects to a database.
    pub const DATABASE: &str = "database";
    /// Fetches model-chosen URLs from the host itself.
    pub const FETCH: &str = "fetch";
    /// Drives a real browser.
    pub const BROWSER: &str = "browser";
    /// Reads or writes local files.
    pub const FILESYSTEM: &str = "filesystem";
    /// Bridges to other MCP servers; the capabilities are the upstream's.
    pub const PROXY: &str = "proxy";
    /// Installs or launches other servers.
    pub const INSTALLER: &str = "installer";
    /// Runs model-written code in an isolated sandbox.
    pub const CODE_SANDBOX: &str = "code-sandbox";
    /// A registry-seed row that is not a runnable server.
    pub const PLACEHOLDER: &str = "placeholder";
}

/// Kinds that allow an entry to have no capability at all.
pub const EMPTY_CAPABILITY_KINDS: &[&str] = &[
    "utility",
    "reasoning",
    "memory",
    "public-data",
    "placeholder",
];

/// Where an entry's facts come from (see `data/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntrySource {
    /// The reference servers list of modelcontextprotocol/servers (active and archived).
    ReferenceServers,
    /// A row of the MCP registry seed with an npm, PyPI or docker package.
    RegistrySeed,
    /// A server in the MCP registry seed whose registry was recorded as unknown; the
    /// ecosystem was assigned by hand.
    RegistrySeedUnknownRegistry,
    /// Added by hand: a popular server, its package name checked where it was uncertain.
    Curated,
}

impl EntrySource {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "reference-servers" => EntrySource::ReferenceServers,
            "registry-seed" => EntrySource::RegistrySeed,
            "registry-seed-unknown-registry" => EntrySource::RegistrySeedUnknownRegistry,
            "curated" => EntrySource::Curated,
            _ => return None,
        })
    }
}

/// One package that runs a known server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownPackage {
    /// Its ecosystem (npm, PyPI or docker).
    pub ecosystem: Ecosystem,
    /// Its name as published (an image name without tag for docker).
    pub name: String,
    /// Whether names close to this one are reported as typosquats. False for generic or
    /// mis-recorded names (`chroma`, `fastmcp`, GitHub `owner/repo` shorthands).
    pub squat_target: bool,
}

/// A server the catalogue knows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownServer {
    /// Short stable id, e.g. `filesystem`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The packages that run it.
    pub packages: Vec<KnownPackage>,
    /// What it can reach, sorted, without duplicates.
    pub capabilities: Vec<Capability>,
    /// Kind tags from the catalogue's vocabulary ([`Catalogue::kinds`]).
    pub kinds: Vec<String>,
    /// Published by the modelcontextprotocol organisation or by the vendor of the service.
    pub official: bool,
    /// Why it should no longer be used, and what replaces it.
    pub deprecated: Option<String>,
    /// A database server that allows writes unless configured otherwise.
    pub db_write: bool,
    /// Its positional arguments are filesystem roots it may access.
    pub path_args: bool,
    /// Facts a reviewer should know (flags that change its reach, known vulnerabilities).
    pub notes: Option<String>,
    /// Its source repository, when the data records one.
    pub repository: Option<String>,
    /// Where the entry's facts come from.
    pub source: EntrySource,
}

impl KnownServer {
    /// Whether it carries this kind tag.
    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    /// Whether it has this capability.
    pub fn has_capability(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }

    /// A shell, terminal or command-execution server.
    pub fn is_shell(&self) -> bool {
        self.has_kind(kind::SHELL)
    }

    /// A server that fetches model-chosen URLs from the host or drives a browser there.
    pub fn is_unrestricted_fetcher(&self) -> bool {
        self.has_kind(kind::FETCH) || self.has_kind(kind::BROWSER)
    }
}

/// An error in catalogue data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The data is not JSON of the catalogue's shape (the message carries line and column).
    #[error("catalogue data: {0}")]
    Json(#[from] serde_json::Error),
    /// The data declares a format version this build does not read.
    #[error("catalogue data: unsupported version {0} (expected 1)")]
    Version(u32),
    /// One entry breaks a rule of the format.
    #[error("catalogue entry {server:?}: {reason}")]
    Entry {
        /// The entry's id (or its position when the id itself is the problem).
        server: String,
        /// What is wrong.
        reason: String,
    },
}

/// The known servers and their packages, indexed for lookup and typosquat checks.
#[derive(Debug)]
pub struct Catalogue {
    servers: Vec<KnownServer>,
    kinds: BTreeMap<String, String>,
    /// (ecosystem, normalized name) → (server index, package index).
    index: HashMap<(Ecosystem, String), (usize, usize)>,
    targets: Vec<SquatTarget>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    version: u32,
    kinds: BTreeMap<String, String>,
    servers: Vec<RawServer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    id: String,
    name: String,
    packages: Vec<RawPackage>,
    capabilities: Vec<String>,
    kinds: Vec<String>,
    official: bool,
    #[serde(default)]
    deprecated: Option<String>,
    #[serde(default)]
    db_write: bool,
    #[serde(default)]
    path_args: bool,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    repository: Option<String>,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    ecosystem: String,
    name: String,
    #[serde(default = "yes")]
    squat_target: bool,
}

fn yes() -> bool {
    true
}

fn parse_ecosystem(s: &str) -> Option<Ecosystem> {
    Some(match s {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::Pypi,
        "docker" => Ecosystem::Docker,
        _ => return None,
    })
}

/// The name under which a package is indexed: npm names as written (npm is case-sensitive),
/// PyPI names per PEP 503 (lowercase, runs of `-`, `_`, `.` become `-`), docker image names
/// lowercased without a `docker.io/` (or `index.docker.io/`) registry and `library/` prefix.
/// The caller strips versions, tags and digests.
pub fn normalize_package(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Npm | Ecosystem::Binary => name.to_string(),
        Ecosystem::Pypi => pep503(name),
        Ecosystem::Docker => docker_name(name),
    }
}

fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

fn docker_name(name: &str) -> String {
    let mut n = name.trim().to_ascii_lowercase();
    for registry in [
        "docker.io/",
        "index.docker.io/",
        "registry-1.docker.io/",
        "registry.hub.docker.com/",
    ] {
        if let Some(rest) = n.strip_prefix(registry) {
            n = rest.to_string();
            break;
        }
    }
    match n.strip_prefix("library/") {
        Some(rest) => rest.to_string(),
        None => n,
    }
}

impl Catalogue {
    /// Parses and validates catalogue data (the format of `data/catalogue.json`).
    ///
    /// Besides the shape, it checks: ids are unique and lowercase; every ecosystem, capability
    /// and kind is known; no package belongs to two entries (after normalization); `db_write`
    /// only on `database` entries with `db`; `path_args` only with `fs.read`; `shell` entries
    /// have `exec`, `fetch` and `browser` entries `net.fetch`; an entry without capabilities
    /// carries one of [`EMPTY_CAPABILITY_KINDS`].
    pub fn from_json(json: &str) -> Result<Catalogue, CatalogueError> {
        let raw: RawCatalogue = serde_json::from_str(json)?;
        if raw.version != 1 {
            return Err(CatalogueError::Version(raw.version));
        }
        let mut servers = Vec::with_capacity(raw.servers.len());
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut index = HashMap::new();
        for (pos, rs) in raw.servers.into_iter().enumerate() {
            let server = convert(rs, pos, &raw.kinds)?;
            if ids.insert(server.id.clone(), pos).is_some() {
                return Err(entry_error(&server.id, "duplicate id"));
            }
            for (pi, p) in server.packages.iter().enumerate() {
                let key = (p.ecosystem, normalize_package(p.ecosystem, &p.name));
                if let Some((other, _)) = index.insert(key, (pos, pi)) {
                    let other: &KnownServer = &servers[other];
                    return Err(entry_error(
                        &server.id,
                        format!(
                            "package {} {:?} already belongs to {:?}",
                            p.ecosystem.id(),
                            p.name,
                            other.id
                        ),
                    ));
                }
            }
            servers.push(server);
        }
        let targets = typosquat::targets(&servers);
        Ok(Catalogue {
            servers,
            kinds: raw.kinds,
            index,
            targets,
        })
    }

    /// The server whose package this is. npm names match exactly (case-sensitive); PyPI
    /// names match after PEP 503 normalization (`MCP_Server.Git` is `mcp-server-git`); docker
    /// names match without a `docker.io/` registry or `library/` prefix, ignoring case. Pass the
    /// name without version, tag or digest. `Binary` never matches.
    pub fn lookup(&self, ecosystem: Ecosystem, package: &str) -> Option<&KnownServer> {
        self.lookup_package(ecosystem, package)
            .map(|(server, _)| server)
    }

    /// Like [`lookup`](Self::lookup), also returning the matching package.
    pub fn lookup_package(
        &self,
        ecosystem: Ecosystem,
        package: &str,
    ) -> Option<(&KnownServer, &KnownPackage)> {
        if ecosystem == Ecosystem::Binary {
            return None;
        }
        let &(s, p) = self
            .index
            .get(&(ecosystem, normalize_package(ecosystem, package)))?;
        let server = &self.servers[s];
        Some((server, &server.packages[p]))
    }

    /// The known server and real package name that `package` imitates, or `None` when the
    /// name is itself known or resembles nothing in the catalogue.
    ///
    /// Flags, within one ecosystem and against packages that are typosquat targets
    /// ([`KnownPackage::squat_target`]), names of at least 5 characters that:
    ///
    /// - differ only in case (npm) or by look-alike characters (`rn`/`m`, `1`/`l`/`I`, `0`/`o`,
    ///   `vv`/`w`, Cyrillic look-alikes);
    /// - differ only in separators (`-`, `_`, `.`, `/`, `@`): `@model-context-protocol/…`,
    ///   `modelcontextprotocol-server-filesystem`;
    /// - differ in the segments between separators by a small Damerau-Levenshtein distance,
    ///   scaled to the length of the segments that differ: a swap of adjacent characters (3+
    ///   characters), an insertion or deletion (5+), a substitution (7+; shorter words often
    ///   differ by a letter, as `mysql` and `mssql`), two edits (9+). So `@modelcontextprotocoI/…`,
    ///   `@modelcontextprotocols/…`, `server-filesytem`, `mcp-server-fetc`, `mcp-server-gti`;
    /// - drop the npm scope of an official package with a distinctive name: `server-filesystem`
    ///   for `@modelcontextprotocol/server-filesystem`, `context7-mcp` for
    ///   `@upstash/context7-mcp` (not `mcp` for `@playwright/mcp`).
    ///
    /// When several known packages match, the closest wins, then an official one, then the
    /// first in catalogue order.
    pub fn typosquat_of(
        &self,
        ecosystem: Ecosystem,
        package: &str,
    ) -> Option<(&KnownServer, &str)> {
        if ecosystem == Ecosystem::Binary || self.lookup(ecosystem, package).is_some() {
            return None;
        }
        let (server, pkg) =
            typosquat::best_match(&self.targets, &self.servers, ecosystem, package)?;
        let s = &self.servers[server];
        Some((s, s.packages[pkg].name.as_str()))
    }

    /// Capabilities guessed from keywords for a server the catalogue does not know: words in
    /// its config name, its package name and its arguments. Sorted, without duplicates.
    ///
    /// Words match whole (split at punctuation and camelCase), so `dbt` is not `db` and
    /// `github` is not `git`; a few stems also match as prefixes or suffixes (`postgresql`,
    /// `mongodb`, `duckdb`, `mssql`). Arguments that look like filesystem paths contribute no
    /// words; database URLs (`postgres://…`) give `db`. If `package` is a catalogue package in
    /// any ecosystem, its known capabilities are included.
    ///
    /// | words | capabilities |
    /// |---|---|
    /// | filesystem, files, fs, folder, directory, obsidian, git | fs.read, fs.write |
    /// | shell, terminal, exec, command, cmd, bash, ssh, repl, docker, kubectl, … | exec |
    /// | postgres, mysql, sqlite, mongo, redis, sql, database, db, supabase, neon, … | db |
    /// | fetch, browser, puppeteer, playwright, scrape, crawl, web, search, http, … | net.fetch, untrusted.content |
    /// | slack, discord, email, gmail, mail, telegram, twilio, sms, teams, whatsapp, … | messaging, untrusted.content |
    /// | github, gitlab, jira, linear, notion, confluence, issues, … | untrusted.content, messaging (they post comments) |
    /// | sentry, rss, news, youtube, reddit, … | untrusted.content |
    /// | vault, keychain, 1password, secrets, credentials, aws, gcp, azure, … | secrets |
    pub fn infer_capabilities(
        &self,
        server_name: &str,
        package: Option<&str>,
        args: &[&str],
    ) -> Vec<Capability> {
        let mut caps = infer::keyword_capabilities(server_name, package, args);
        if let Some(package) = package {
            for eco in [Ecosystem::Npm, Ecosystem::Pypi, Ecosystem::Docker] {
                if let Some(known) = self.lookup(eco, package) {
                    caps.extend(known.capabilities.iter().copied());
                }
            }
        }
        caps.sort();
        caps.dedup();
        caps
    }

    /// Every known server, in catalogue order.
    pub fn servers(&self) -> impl Iterator<Item = &KnownServer> {
        self.servers.iter()
    }

    /// The server with this id.
    pub fn server(&self, id: &str) -> Option<&KnownServer> {
        self.servers.iter().find(|s| s.id == id)
    }

    /// The kind vocabulary: each tag and its description, sorted by tag.
    pub fn kinds(&self) -> impl Iterator<Item = (&str, &str)> {
        self.kinds.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn entry_error(server: &str, reason: impl Into<String>) -> CatalogueError {
    CatalogueError::Entry {
        server: server.to_string(),
        reason: reason.into(),
    }
}

fn convert(
    raw: RawServer,
    pos: usize,
    vocabulary: &BTreeMap<String, String>,
) -> Result<KnownServer, CatalogueError> {
    let id_ok = !raw.id.is_empty()
        && raw
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return Err(entry_error(
            &format!("#{pos} {}", raw.id),
            "id must be non-empty lowercase ASCII letters, digits and '-'",
        ));
    }
    let id = raw.id;
    let err = |reason: String| entry_error(&id, reason);
    if raw.name.trim().is_empty() {
        return Err(err("empty name".into()));
    }
    if raw.packages.is_empty() {
        return Err(err("no packages".into()));
    }
    let mut packages = Vec::with_capacity(raw.packages.len());
    for p in raw.packages {
        let ecosystem = parse_ecosystem(&p.ecosystem)
            .ok_or_else(|| err(format!("unknown ecosystem {:?}", p.ecosystem)))?;
        if p.name.trim().is_empty() || p.name.trim() != p.name {
            return Err(err(format!("bad package name {:?}", p.name)));
        }
        packages.push(KnownPackage {
            ecosystem,
            name: p.name,
            squat_target: p.squat_target,
        });
    }
    let mut capabilities = Vec::with_capacity(raw.capabilities.len());
    for c in &raw.capabilities {
        let cap = Capability::parse(c).ok_or_else(|| err(format!("unknown capability {c:?}")))?;
        if capabilities.contains(&cap) {
            return Err(err(format!("capability {c:?} listed twice")));
        }
        capabilities.push(cap);
    }
    capabilities.sort();
    if raw.kinds.is_empty() {
        return Err(err("no kinds".into()));
    }
    for k in &raw.kinds {
        if !vocabulary.contains_key(k) {
            return Err(err(format!("kind {k:?} is not in the vocabulary")));
        }
    }
    let source = EntrySource::parse(&raw.source)
        .ok_or_else(|| err(format!("unknown source {:?}", raw.source)))?;
    let server = KnownServer {
        id: id.clone(),
        name: raw.name,
        packages,
        capabilities,
        kinds: raw.kinds,
        official: raw.official,
        deprecated: raw.deprecated,
        db_write: raw.db_write,
        path_args: raw.path_args,
        notes: raw.notes,
        repository: raw.repository,
        source,
    };
    check_consistency(&server).map_err(err)?;
    Ok(server)
}

fn check_consistency(s: &KnownServer) -> Result<(), String> {
    if s.db_write && !(s.has_kind(kind::DATABASE) && s.has_capability(Capability::Db)) {
        return Err("db_write needs kind \"database\" and capability \"db\"".into());
    }
    if s.path_args && !s.has_capability(Capability::FsRead) {
        return Err("path_args needs capability \"fs.read\"".into());
    }
    if s.has_kind(kind::SHELL) && !s.has_capability(Capability::Exec) {
        return Err("kind \"shell\" needs capability \"exec\"".into());
    }
    if s.is_unrestricted_fetcher() && !s.has_capability(Capability::NetFetch) {
        return Err("kinds \"fetch\" and \"browser\" need capability \"net.fetch\"".into());
    }
    if s.has_kind(kind::DATABASE) && !s.has_capability(Capability::Db) {
        return Err("kind \"database\" needs capability \"db\"".into());
    }
    if s.capabilities.is_empty() && !EMPTY_CAPABILITY_KINDS.iter().any(|k| s.has_kind(k)) {
        return Err(format!(
            "no capabilities, but none of the kinds {EMPTY_CAPABILITY_KINDS:?} that allow that"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_parses() {
        let c = Catalogue::from_json(DATA);
        assert!(c.is_ok(), "{:?}", c.err());
    }

    #[test]
    fn pep503_normalization() {
        assert_eq!(pep503("MCP_Server.Git"), "mcp-server-git");
        assert_eq!(pep503("a__b-._c"), "a-b-c");
        assert_eq!(
            pep503("awslabs.aws-api-mcp-server"),
            "awslabs-aws-api-mcp-server"
        );
    }

    #[test]
    fn docker_normalization() {
        assert_eq!(docker_name("docker.io/library/postgres"), "postgres");
        assert_eq!(docker_name("docker.io/mcp/fetch"), "mcp/fetch");
        assert_eq!(docker_name("library/redis"), "redis");
        assert_eq!(
            docker_name("GHCR.io/github/github-mcp-server"),
            "ghcr.io/github/github-mcp-server"
        );
    }

    #[test]
    fn rejects_inconsistent_entries() {
        let base = |extra: &str| {
            format!(
                r#"{{"version":1,"kinds":{{"database":"d","utility":"u","shell":"s"}},"servers":[{{"id":"x","name":"X","packages":[{{"ecosystem":"npm","name":"x-mcp"}}],{extra},"official":false,"source":"curated"}}]}}"#
            )
        };
        assert!(
            Catalogue::from_json(&base(r#""capabilities":["db"],"kinds":["database"]"#)).is_ok()
        );
        for bad in [
            r#""capabilities":["db"],"kinds":["nope"]"#,
            r#""capabilities":["dbx"],"kinds":["database"]"#,
            r#""capabilities":[],"kinds":["database"]"#,
            r#""capabilities":[],"kinds":["shell"]"#,
            r#""capabilities":["fs.read"],"kinds":["utility"],"db_write":true"#,
            r#""capabilities":["db","db"],"kinds":["database"]"#,
        ] {
            assert!(
                matches!(
                    Catalogue::from_json(&base(bad)),
                    Err(CatalogueError::Entry { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            Catalogue::from_json("{\"version\":1}"),
            Err(CatalogueError::Json(_))
        ));
    }

    #[test]
    fn rejects_duplicate_packages_after_normalization() {
        let json = r#"{"version":1,"kinds":{"utility":"u"},"servers":[
            {"id":"a","name":"A","packages":[{"ecosystem":"pypi","name":"mcp-server-x"}],"capabilities":[],"kinds":["utility"],"official":false,"source":"curated"},
            {"id":"b","name":"B","packages":[{"ecosystem":"pypi","name":"MCP_Server.X"}],"capabilities":[],"kinds":["utility"],"official":false,"source":"curated"}]}"#;
        assert!(matches!(
            Catalogue::from_json(json),
            Err(CatalogueError::Entry { .. })
        ));
    }
}
