//! `mcpward approve ID` and `mcpward deny ID`: answer a call that `mcpward run` holds for
//! approval, from another terminal. `mcpward release ID` lets quarantined output (a result
//! that looked like prompt injection) through to the agent; `mcpward deny ID` keeps it withheld.
//! Without an ID, list what is waiting.
//!
//! Exit 0 when the approval was pending and is now answered, 1 when the ID is unknown, was
//! already answered (or expired), or is of the other kind (a call for `release`, quarantined
//! output for `approve`).

use std::process::ExitCode;

use mcpward_gateway::audit::{QUARANTINE_SUMMARY_PREFIX, kinds};
use mcpward_gateway::mcpward_audit::{
    ApprovalState, AuditError, Event, OpenOptions, Store, normalize_approval_id,
};
use serde_json::json;

use crate::cli::ApprovalArgs;
use crate::commands::run::{ErrorChain, audit_path};

/// What the user answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// `mcpward approve`: a held call goes ahead.
    Approve,
    /// `mcpward deny`: a held call is refused, or quarantined output stays withheld.
    Deny,
    /// `mcpward release`: quarantined output goes to the agent.
    Release,
}

/// `mcpward approve`, `mcpward deny` or `mcpward release`.
pub(crate) fn run(args: &ApprovalArgs, answer: Answer) -> anyhow::Result<ExitCode> {
    let approved = answer != Answer::Deny;
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
        return list_pending(&store, answer);
    };
    let id = normalize_approval_id(id);
    let Some(approval) = store
        .approval(&id)
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?
    else {
        return Ok(unknown(&id));
    };
    let quarantine = approval.summary.starts_with(QUARANTINE_SUMMARY_PREFIX);
    if answer == Answer::Release && !quarantine {
        eprintln!(
            "mcpward: {id} is a call waiting for approval, not quarantined output\n\nhint: `mcpward approve {id}` allows the call"
        );
        return Ok(ExitCode::from(1));
    }
    if answer == Answer::Approve && quarantine {
        eprintln!(
            "mcpward: {id} is quarantined output, not a call\n\nhint: `mcpward log {id}` shows it; `mcpward release {id}` lets it through"
        );
        return Ok(ExitCode::from(1));
    }
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
    let (decision, rule) = match answer {
        Answer::Approve => ("approved", "mcpward approve"),
        Answer::Deny => ("denied", "mcpward deny"),
        Answer::Release => ("released", "mcpward release"),
    };
    let mut event = Event::new(kinds::APPROVAL);
    event.decision = Some(decision.into());
    event.rule = Some(rule.into());
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

fn list_pending(store: &Store, answer: Answer) -> anyhow::Result<ExitCode> {
    let pending: Vec<_> = store
        .pending_approvals()
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?
        .into_iter()
        .filter(|a| answer != Answer::Release || a.summary.starts_with(QUARANTINE_SUMMARY_PREFIX))
        .collect();
    if pending.is_empty() {
        println!(
            "{}",
            if answer == Answer::Release {
                "no output is quarantined"
            } else {
                "no calls are waiting for approval"
            }
        );
    }
    for a in pending {
        println!("{}  {}  {}", a.id, a.created, a.summary);
    }
    Ok(ExitCode::SUCCESS)
}
