//! Servers as the rules see them: the config entry, its launch understood, the catalogue entry and
//! the capabilities.

use mcpward_config::launch::{self, Launch, PackageSource, VersionReq};
use mcpward_config::{ConfigDoc, ServerEntry, Transport};

use crate::catalogue::{KnownServer, catalogue};
use crate::model::{Capability, Ecosystem, PackageInfo, ServerReport};

/// One configured server, understood.
#[derive(Debug)]
pub struct Server<'a> {
    /// The config it comes from.
    pub doc: &'a ConfigDoc,
    /// Index of `doc` in the scan's document list.
    pub doc_index: usize,
    /// The entry as the config declares it.
    pub entry: ServerEntry,
    /// The launch command understood (stdio servers).
    pub launch: Option<Launch>,
    /// The catalogue entry of its package, if known.
    pub known: Option<&'static KnownServer>,
    /// What it can reach.
    pub capabilities: Vec<Capability>,
    /// `PATH#NAME`, or `PATH#SCOPE#NAME` for project-scoped entries.
    pub id: String,
}

impl<'a> Server<'a> {
    /// Builds the view of one entry.
    pub fn new(doc: &'a ConfigDoc, doc_index: usize, entry: ServerEntry) -> Self {
        let launch = match (&entry.command, entry.transport) {
            (Some(command), Transport::Stdio) => Some(launch::understand(command, &entry.args)),
            _ => None,
        };
        let known = launch.as_ref().and_then(|l| {
            let eff = l.effective();
            eff.package
                .iter()
                .chain(eff.extra_packages.iter())
                .find_map(|p| catalogue().lookup(ecosystem_of(p.source), &p.name))
        });
        let capabilities = match known {
            Some(k) => k.capabilities.clone(),
            None => {
                let eff = launch.as_ref().map(Launch::effective);
                let package = eff
                    .and_then(|l| l.package.as_ref())
                    .map(|p| p.name.as_str());
                // Only names speak for what a server does: the program when it is the server
                // itself, its script, and the hosts of remote URLs. A runner's name (`docker`) and
                // option values (`--transport http`) say nothing about it.
                let mut owned: Vec<String> = Vec::new();
                if let Some(l) = eff {
                    if l.runner == launch::Runner::Binary {
                        owned.push(l.program.clone());
                    }
                    owned.extend(l.script.iter().map(|s| s.value.clone()));
                    owned.extend(l.server_args.iter().filter_map(|a| remote_host(&a.value)));
                }
                owned.extend(entry.url.iter().filter_map(|u| remote_host(&u.value)));
                let words: Vec<&str> = owned.iter().map(String::as_str).collect();
                let mut caps = catalogue().infer_capabilities(&entry.name, package, &words);
                if eff.is_some_and(|l| l.runner == launch::Runner::Shell && l.inner.is_none()) {
                    caps.push(Capability::Exec);
                }
                caps.sort();
                caps.dedup();
                caps
            }
        };
        let path = doc.path.display().to_string();
        let id = match &entry.scope {
            Some(scope) => format!("{path}#{scope}#{}", entry.name),
            None => format!("{path}#{}", entry.name),
        };
        Server {
            doc,
            doc_index,
            entry,
            launch,
            known,
            capabilities,
            id,
        }
    }

    /// Whether the server has this capability.
    pub fn can(&self, cap: Capability) -> bool {
        self.capabilities.contains(&cap)
    }

    /// The launch that names the server (inside any shell wrapper).
    pub fn effective_launch(&self) -> Option<&Launch> {
        self.launch.as_ref().map(Launch::effective)
    }

    /// The launch arguments with every credential the rules would report replaced by its preview.
    fn redacted_args(&self) -> Vec<String> {
        let words: Vec<&mcpward_config::Spanned<String>> = self
            .entry
            .command
            .iter()
            .chain(self.entry.args.iter())
            .collect();
        let hits = crate::rules::secret_in_config::word_secrets(&words);
        let skip = usize::from(self.entry.command.is_some());
        self.entry
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| match hits.iter().find(|(w, _)| *w == i + skip) {
                Some((_, h)) => match (a.value.get(..h.range.0), a.value.get(h.range.1..)) {
                    (Some(before), Some(after)) => {
                        redact_text(&format!("{before}{}{after}", h.preview))
                    }
                    _ => "[redacted]".to_string(),
                },
                None => redact_text(&a.value),
            })
            .collect()
    }

    /// The report form (secrets in args and URLs redacted).
    pub fn report(&self) -> ServerReport {
        let eff = self.effective_launch();
        let package = match eff {
            Some(l) => match &l.package {
                Some(p) => Some(PackageInfo {
                    ecosystem: ecosystem_of(p.source),
                    name: p.name.clone(),
                    version: match &p.version {
                        VersionReq::External(_) => None,
                        v => v.text().map(str::to_string),
                    },
                }),
                None if l.runner == launch::Runner::Binary => Some(PackageInfo {
                    ecosystem: Ecosystem::Binary,
                    name: self
                        .entry
                        .command
                        .as_ref()
                        .map(|c| c.value.clone())
                        .unwrap_or_default(),
                    version: None,
                }),
                None => l.script.as_ref().map(|s| PackageInfo {
                    ecosystem: Ecosystem::Binary,
                    name: s.value.clone(),
                    version: None,
                }),
            },
            None => None,
        };
        ServerReport {
            id: self.id.clone(),
            name: self.entry.name.clone(),
            client: self.doc.client.id().to_string(),
            path: self.doc.path.display().to_string(),
            transport: self.entry.transport.id(),
            command: self.entry.command.as_ref().map(|c| redact_text(&c.value)),
            args: self.redacted_args(),
            url: self.entry.url.as_ref().map(|u| redact_text(&u.value)),
            env_keys: self
                .entry
                .env
                .iter()
                .map(|(k, _)| k.value.clone())
                .collect(),
            package,
            capabilities: self.capabilities.clone(),
            connection: None,
        }
    }
}

/// The report ecosystem of a launch package source.
pub fn ecosystem_of(source: PackageSource) -> Ecosystem {
    match source {
        PackageSource::Npm => Ecosystem::Npm,
        PackageSource::Pypi => Ecosystem::Pypi,
        PackageSource::Docker => Ecosystem::Docker,
    }
}

/// `text` with every secret and URL credential replaced by a redacted preview.
pub fn redact_text(text: &str) -> String {
    let mut ranges: Vec<(usize, usize)> = mcpward_guard::find_secrets(text)
        .iter()
        .map(|m| (m.start, m.end))
        .collect();
    if let Some(r) = mcpward_guard::url_credentials(text) {
        ranges.push(r);
    }
    if ranges.is_empty() {
        return text.to_string();
    }
    ranges.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&mcpward_guard::redact_preview(&text[start..end]));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// The host of an HTTP or WebSocket URL, for capability inference.
fn remote_host(s: &str) -> Option<String> {
    crate::rules::secret_in_config::is_web_url(s)
        .then(|| crate::rules::insecure_transport::url_host(s))
        .flatten()
}
