//! Running every rule over a set of loaded configs.

use mcpward_config::{Client, ConfigDoc, LoadError, interpret};

use crate::connect::Connection;
use crate::inventory::Server;
use crate::model::{ConfigReport, Report};
use crate::rules::{self, Context, FileFacts};

/// What a scan looks at.
#[derive(Debug, Default)]
pub struct Input {
    /// Configs that loaded.
    pub docs: Vec<ConfigDoc>,
    /// Configs that did not, with the client they belong to.
    pub errors: Vec<(Client, LoadError)>,
    /// The user's home directory, to recognise it in paths.
    pub home: Option<String>,
    /// What `scan --connect` learned from the servers (empty without it).
    pub connections: Vec<Connection>,
}

/// Runs every rule and builds the report.
pub fn scan(input: &Input, facts: &dyn FileFacts) -> Report {
    let interpreted: Vec<_> = input.docs.iter().map(interpret).collect();
    let mut servers = Vec::new();
    for (i, (doc, it)) in input.docs.iter().zip(&interpreted).enumerate() {
        servers.extend(
            it.servers
                .iter()
                .cloned()
                .map(|entry| Server::new(doc, i, entry)),
        );
    }
    let settings: Vec<_> = interpreted.iter().map(|i| i.settings.clone()).collect();
    let problems: Vec<_> = interpreted.iter().map(|i| i.problems.clone()).collect();
    let load_errors: Vec<LoadError> = input.errors.iter().map(|(_, e)| e.clone()).collect();
    let cx = Context {
        docs: &input.docs,
        settings: &settings,
        problems: &problems,
        load_errors: &load_errors,
        servers: &servers,
        facts,
        home: input.home.as_deref(),
        connections: &input.connections,
    };
    let mut findings = rules::run(&cx);
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| (a.line, a.column).cmp(&(b.line, b.column)))
            .then_with(|| a.rule.cmp(b.rule))
    });
    findings.dedup();
    let mut configs: Vec<ConfigReport> = input
        .docs
        .iter()
        .map(|d| ConfigReport {
            path: d.path.display().to_string(),
            client: d.client.id().to_string(),
            status: "parsed",
            error: None,
        })
        .chain(input.errors.iter().map(|(client, e)| ConfigReport {
            path: e.path.display().to_string(),
            client: client.id().to_string(),
            status: "error",
            error: Some(e.reason.clone()),
        }))
        .collect();
    configs.sort_by(|a, b| a.path.cmp(&b.path));
    Report {
        version: 1,
        configs,
        servers: servers
            .iter()
            .map(|s| {
                let mut report = s.report();
                report.connection = input
                    .connections
                    .iter()
                    .find(|c| c.server_id == s.id)
                    .map(Connection::report);
                report
            })
            .collect(),
        findings,
    }
}
