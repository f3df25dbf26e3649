//! `mcpward policy check FILE` (exit 0 when valid, 64 with file:line:column and key when not)
//! and `mcpward policy explain --server S --tool T [--args JSON]` (every rule considered and
//! the decision).

use std::process::ExitCode;

use mcpward_gateway::mcpward_policy::{Call, SessionState};
use serde_json::Value;

use crate::cli::{PolicyCheckArgs, PolicyCommand, PolicyExplainArgs};
use crate::commands::run::{load_policy, require_policy, usage};

/// `mcpward policy …`.
pub(crate) fn run(command: &PolicyCommand) -> anyhow::Result<ExitCode> {
    match command {
        PolicyCommand::Check(args) => check(args),
        PolicyCommand::Explain(args) => explain(args),
    }
}

fn check(args: &PolicyCheckArgs) -> anyhow::Result<ExitCode> {
    let policy = match load_policy(&args.file) {
        Ok(policy) => policy,
        Err(code) => return Ok(code),
    };
    let servers: Vec<&str> = policy.servers().collect();
    println!(
        "{}: ok ({} server section{})",
        args.file.display(),
        servers.len(),
        if servers.len() == 1 { "" } else { "s" }
    );
    Ok(ExitCode::SUCCESS)
}

fn explain(args: &PolicyExplainArgs) -> anyhow::Result<ExitCode> {
    let arguments: Value = match &args.args {
        None => Value::Null,
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(v @ (Value::Object(_) | Value::Null)) => v,
            Ok(_) => return Ok(usage("--args must be a JSON object", None)),
            Err(e) => return Ok(usage(&format!("--args is not JSON: {e}"), None)),
        },
    };
    let policy = match require_policy(args.policy.as_deref()) {
        Ok(policy) => policy,
        Err(code) => return Ok(code),
    };
    let session = SessionState::default();
    let call = Call {
        server: &args.server,
        tool: &args.tool,
        arguments: &arguments,
        agent: None,
        session: &session,
    };
    println!("{}", policy.explain(&call));
    if !policy.tool_visible(&args.server, &args.tool) {
        println!("hidden from tools/list (hide_denied_tools)");
    }
    Ok(ExitCode::SUCCESS)
}
