//! `mcpward pin list` and `mcpward pin approve SERVER [TOOL]`: the lockfile of pinned tool
//! definitions (format: `mcpward_gateway::pins`).

use std::process::ExitCode;

use mcpward_gateway::audit::kinds;
use mcpward_gateway::mcpward_audit::{Event, Store};
use mcpward_gateway::pins::{LockfilePath, now_rfc3339};
use serde_json::json;

use crate::cli::{PinApproveArgs, PinCommand, PinListArgs};
use crate::commands::run::{ErrorChain, audit_path, lock_path, usage};

/// `mcpward pin …`.
pub(crate) fn run(command: &PinCommand) -> anyhow::Result<ExitCode> {
    match command {
        PinCommand::List(args) => list(args),
        PinCommand::Approve(args) => approve(args),
    }
}

fn lockfile(
    lock: Option<&std::path::Path>,
    policy: Option<&std::path::Path>,
) -> Option<LockfilePath> {
    lock_path(lock, policy).map(LockfilePath::new)
}

fn list(args: &PinListArgs) -> anyhow::Result<ExitCode> {
    let Some(file) = lockfile(args.lock.as_deref(), args.policy.as_deref()) else {
        return Ok(usage(
            "cannot tell where the lockfile is",
            Some("pass --lock FILE"),
        ));
    };
    let lock = file.read()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&lock)?);
        return Ok(ExitCode::SUCCESS);
    }
    if lock.servers.is_empty() {
        println!("{}: no pins yet", file.path().display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!("{}\n", file.path().display());
    for (server, pins) in &lock.servers {
        out.push_str(&format!("\n{server}\n"));
        for (tool, pin) in &pins.tools {
            let marker = if pins.pending.contains_key(tool) {
                "!"
            } else {
                " "
            };
            out.push_str(&format!(
                " {marker} {tool:<32} {}  pinned {}\n",
                short(&pin.hash),
                pin.pinned
            ));
        }
        for (tool, pending) in &pins.pending {
            out.push_str(&format!(
                "   {tool:<32} {:<8} {}  seen {}\n",
                pending.change.as_str(),
                pending.hash.as_deref().map_or("-".to_owned(), short),
                pending.seen
            ));
        }
        if !pins.pending.is_empty() {
            out.push_str(&format!(
                "   {} pending: review, then `mcpward pin approve {server}`\n",
                pins.pending.len()
            ));
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn short(hash: &str) -> String {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    format!("sha256:{}", hex.get(..12).unwrap_or(hex))
}

fn approve(args: &PinApproveArgs) -> anyhow::Result<ExitCode> {
    let Some(file) = lockfile(args.lock.as_deref(), args.policy.as_deref()) else {
        return Ok(usage(
            "cannot tell where the lockfile is",
            Some("pass --lock FILE"),
        ));
    };
    let now = now_rfc3339();
    let approved = file.update(|lock| lock.approve(&args.server, args.tool.as_deref(), &now))?;
    if approved.is_empty() {
        let what = match &args.tool {
            Some(tool) => format!("tool `{tool}` of server `{}`", args.server),
            None => format!("server `{}`", args.server),
        };
        eprintln!(
            "mcpward: nothing is pending for {what} in {}\n\nhint: `mcpward pin list` shows pins and pending changes",
            file.path().display()
        );
        return Ok(ExitCode::from(1));
    }
    let store = audit_path()
        .and_then(|db| Store::open(&db).map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e))));
    for (tool, change) in &approved {
        println!("approved {} {tool} ({})", args.server, change.as_str());
        if let Ok(store) = &store {
            let mut event = Event::new(kinds::PIN);
            event.server = Some(args.server.clone());
            event.tool = Some(tool.clone());
            event.decision = Some("approved".into());
            event.rule = Some("mcpward pin approve".into());
            event.detail =
                json!({ "change": change.as_str(), "lockfile": file.path().display().to_string() });
            if let Err(err) = store.append(&event) {
                eprintln!(
                    "mcpward: warning: audit event not written: {}",
                    ErrorChain(&err)
                );
            }
        }
    }
    if let Err(err) = &store {
        eprintln!("mcpward: warning: the approval is not in the audit log: {err:#}");
    }
    Ok(ExitCode::SUCCESS)
}
