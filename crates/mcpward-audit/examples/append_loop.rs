//! Test support: appends events to an audit store and prints each acknowledged `seq`.
//!
//! ```text
//! append_loop <db> <count> [tag] [--journal]
//! ```
//!
//! Each `seq` is printed on its own line and flushed only after [`Store::append`] returned, so
//! every number a reader saw is an event the store promised to keep. With `--journal` the events
//! go through a [`Journal`] (as `mcpward run` writes them) and the event's index `i` is printed
//! once [`Journal::append_batch`] returned. Kill the process at any
//! point (`kill -9`) and every printed `seq` must still be in the store, with the chain
//! verifying: the crash-safety tests here and in the gateway use this pattern.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use mcpward_audit::{Event, Journal, JournalOptions, Store};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let journaled = args.iter().any(|a| a == "--journal");
    args.retain(|a| a != "--journal");
    let (Some(db), Some(count)) = (
        args.first(),
        args.get(1).and_then(|c| c.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: append_loop <db> <count> [tag] [--journal]");
        return ExitCode::from(2);
    };
    let tag = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| "append_loop".to_owned());
    let store = match Store::open(&PathBuf::from(db)) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("append_loop: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sink = if journaled {
        match Journal::open(store, JournalOptions::new()) {
            Ok(journal) => Sink::Journal(journal),
            Err(e) => {
                eprintln!("append_loop: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        Sink::Store(store)
    };
    let pid = std::process::id();
    let mut stdout = std::io::stdout().lock();
    for i in 0..count {
        let mut event = Event::new("test");
        event.server = Some(tag.clone());
        event.tool = Some("append_loop".to_owned());
        event.decision = Some("allow".to_owned());
        event.detail = serde_json::json!({ "tag": tag, "i": i, "pid": pid });
        let acknowledged = match &sink {
            Sink::Store(store) => store.append(&event).map_err(|e| e.to_string()),
            Sink::Journal(journal) => journal
                .append_batch(std::slice::from_ref(&event))
                .map(|()| i)
                .map_err(|e| e.to_string()),
        };
        let number = match acknowledged {
            Ok(number) => number,
            Err(e) => {
                eprintln!("append_loop: append {i}: {e}");
                return ExitCode::FAILURE;
            }
        };
        if writeln!(stdout, "{number}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            // The reader went away; nothing more to report.
            return ExitCode::SUCCESS;
        }
    }
    ExitCode::SUCCESS
}

enum Sink {
    Store(Store),
    Journal(Journal),
}
