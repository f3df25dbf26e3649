//! `mcpward approve ID` and `mcpward deny ID`: answer a call that `mcpward run` holds for
//! approval, from another terminal. Without an ID, list the calls waiting.
//!
//! Exit 0 when the approval was pending and is now answered, 1 when the ID is unknown or was
//! already answered (or expired).

use std::process::ExitCode;

use mcpward_gateway::audit::kinds;
use mcpward_gateway::mcpward_audit::{
    ApprovalState, AuditError, Event, OpenOptions, Store, normalize_approval_id,
};
use serde_json::json;

use crate::cli::ApprovalArgs;
use crate::commands::run::{ErrorChain, audit_path};

/// `mcpward approve` (`approved`) or `mcpward deny`.
pub(crate) fn run(args: &ApprovalArgs, approved: bool) -> anyhow::Result<ExitCode> {
    let db = audit_path()?;
    let store = match Store::open_with(&db, &OpenOptions::new().create(false)) {
        Ok(store) => store,
        Err(AuditError::NotFound { .. }) => {
            return Ok(match &args.id {
                Some(id) => unknown(id),
                None => {
                    println!("no calls are waiting for approval");
                    ExitCode::SUCCESS
                }
            });
        }
        Err(err) => anyhow::bail!("{}", ErrorChain(&err)),
    };
    let Some(id) = &args.id else {
        return list_pending(&store);
    };
    let id = normalize_approval_id(id);
    let Some(approval) = store
        .approval(&id)
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?
    else {
        return Ok(unknown(&id));
    };
    if approval.state != ApprovalState::Pending {
        eprintln!("mcpward: approval {id} was already {}", approval.state);
        return Ok(ExitCode::from(1));
    }
    let answered = store
        .resolve_approval(&id, approved)
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
    if !answered {
        // Another answer (or the timeout) came first.
        let state = store
            .approval_state(&id)
            .ok()
            .flatten()
            .map_or("resolved", ApprovalState::as_str);
        eprintln!("mcpward: approval {id} was already {state}");
        return Ok(ExitCode::from(1));
    }
    let decision = if approved { "approved" } else { "denied" };
    let mut event = Event::new(kinds::APPROVAL);
    event.decision = Some(decision.into());
    event.rule = Some("mcpward approve".into());
    event.detail = json!({ "approval": id, "by": "cli", "summary": approval.summary });
    if let Err(err) = store.append(&event) {
        eprintln!(
            "mcpward: warning: the answer was recorded but its audit event was not: {}",
            ErrorChain(&err)
        );
    }
    println!("{decision} {id}: {}", approval.summary);
    Ok(ExitCode::SUCCESS)
}

fn unknown(id: &str) -> ExitCode {
    eprintln!(
        "mcpward: no call is waiting for approval {id}\n\nhint: `mcpward approve` without an ID lists the calls waiting"
    );
    ExitCode::from(1)
}

fn list_pending(store: &Store) -> anyhow::Result<ExitCode> {
    let pending = store
        .pending_approvals()
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
    if pending.is_empty() {
        println!("no calls are waiting for approval");
    }
    for a in pending {
        println!("{}  {}  {}", a.id, a.created, a.summary);
    }
    Ok(ExitCode::SUCCESS)
}
