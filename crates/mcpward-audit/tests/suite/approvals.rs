//! Approvals: the lifecycle, and answers from another connection.

use mcpward_audit::{ApprovalState, AuditError, Store, new_approval_id};

use super::support::temp_store;

#[test]
fn approve_once_then_every_answer_is_refused() {
    let t = temp_store();
    let id = new_approval_id();
    t.store
        .request_approval(&id, "github.delete_repo {\"repo\":\"x\"}")
        .expect("request");
    assert_eq!(
        t.store.approval_state(&id).expect("state"),
        Some(ApprovalState::Pending)
    );
    assert!(t.store.resolve_approval(&id, true).expect("resolve"));
    assert_eq!(
        t.store.approval_state(&id).expect("state"),
        Some(ApprovalState::Approved)
    );
    assert!(!t.store.resolve_approval(&id, true).expect("twice"));
    assert!(!t.store.resolve_approval(&id, false).expect("flip"));
    assert!(!t.store.expire_approval(&id).expect("expire"));
    let approval = t.store.approval(&id).expect("read").expect("exists");
    assert_eq!(approval.state, ApprovalState::Approved);
    assert_eq!(approval.summary, "github.delete_repo {\"repo\":\"x\"}");
    assert!(approval.resolved.is_some());
    assert!(approval.created <= approval.resolved.clone().unwrap_or_default());
}

#[test]
fn deny_and_expire() {
    let t = temp_store();
    t.store.request_approval("AAAA0001", "a").expect("request");
    t.store.request_approval("AAAA0002", "b").expect("request");
    assert!(t.store.resolve_approval("AAAA0001", false).expect("deny"));
    assert_eq!(
        t.store.approval_state("AAAA0001").expect("state"),
        Some(ApprovalState::Denied)
    );
    assert!(t.store.expire_approval("AAAA0002").expect("expire"));
    assert_eq!(
        t.store.approval_state("AAAA0002").expect("state"),
        Some(ApprovalState::Expired)
    );
    // A late answer after the wait timed out does nothing.
    assert!(!t.store.resolve_approval("AAAA0002", true).expect("late"));
    assert_eq!(
        t.store.approval_state("AAAA0002").expect("state"),
        Some(ApprovalState::Expired)
    );
}

#[test]
fn unknown_ids() {
    let t = temp_store();
    assert_eq!(t.store.approval_state("NOPE0000").expect("state"), None);
    assert!(t.store.approval("NOPE0000").expect("read").is_none());
    assert!(!t.store.resolve_approval("NOPE0000", true).expect("resolve"));
    assert!(!t.store.expire_approval("NOPE0000").expect("expire"));
}

#[test]
fn a_taken_id_is_refused() {
    let t = temp_store();
    t.store
        .request_approval("7K3M9Q2X", "first")
        .expect("request");
    match t.store.request_approval("7k3m-9q2x", "second") {
        Err(AuditError::ApprovalExists { id }) => assert_eq!(id, "7K3M9Q2X"),
        other => panic!("expected ApprovalExists, got {other:?}"),
    }
    let approval = t.store.approval("7K3M9Q2X").expect("read").expect("exists");
    assert_eq!(approval.summary, "first");
}

/// `mcpward approve ID` in another terminal: another process, another connection.
#[test]
fn an_answer_from_another_connection_is_seen() {
    let t = temp_store();
    let id = new_approval_id();
    t.store
        .request_approval(&id, "fs.write_file")
        .expect("request");
    let other = Store::open(&t.path).expect("second store");
    assert_eq!(
        other
            .pending_approvals()
            .expect("list")
            .iter()
            .map(|a| a.id.clone())
            .collect::<Vec<_>>(),
        vec![id.clone()]
    );
    // Typed by hand, in lowercase.
    assert!(
        other
            .resolve_approval(&id.to_lowercase(), true)
            .expect("resolve")
    );
    assert_eq!(
        t.store.approval_state(&id).expect("state"),
        Some(ApprovalState::Approved)
    );
    assert!(t.store.pending_approvals().expect("list").is_empty());
}

#[test]
fn racing_answers_have_one_winner() {
    let t = temp_store();
    t.store.request_approval("RACE0000", "x").expect("request");
    let winners: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let path = t.path.clone();
                scope.spawn(move || {
                    let store = Store::open(&path).expect("open");
                    usize::from(
                        store
                            .resolve_approval("RACE0000", i % 2 == 0)
                            .expect("resolve"),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    assert_eq!(winners, 1);
}
