//! `mcpward log [QUERY]` (search the audit log) and `mcpward log verify [--file F]` (check its
//! hash chain, or that of an exported file).

use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mcpward_gateway::mcpward_audit::{
    AuditError, Filter, OpenOptions, Replay, Store, VerifyReport, export_jsonl, verify_jsonl,
};

use serde_json::Value;

use crate::cli::{LogAction, LogArgs, LogVerifyArgs};
use crate::commands::run::{ErrorChain, audit_path, usage};

/// `mcpward log …`.
pub(crate) fn run(args: &LogArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        Some(LogAction::Verify(verify_args)) => verify(verify_args),
        None => search(args),
    }
}

/// Opens the store, with every event still in a journal moved in first: those of `mcpward run`
/// processes that died, and those that running ones have written and not yet moved.
fn open() -> anyhow::Result<Option<Store>> {
    let db = audit_path()?;
    match Store::open_with(&db, &OpenOptions::new().create(false)) {
        Ok(store) => {
            store
                .replay_journals(Replay::All)
                .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
            Ok(Some(store))
        }
        Err(AuditError::NotFound { .. }) => Ok(None),
        Err(err) => anyhow::bail!("{}", ErrorChain(&err)),
    }
}

fn search(args: &LogArgs) -> anyhow::Result<ExitCode> {
    let since = match args.since.as_deref().map(parse_since).transpose() {
        Ok(since) => since,
        Err(message) => {
            return Ok(usage(
                &message,
                Some(
                    "--since takes a time (2026-01-02, 2026-01-02T03:04:05Z) or an age (30m, 2h, 7d)",
                ),
            ));
        }
    };
    let Some(store) = open()? else {
        return Ok(ExitCode::SUCCESS); // no audit log yet: nothing happened
    };
    let filter = Filter {
        server: args.server.clone(),
        tool: args.tool.clone(),
        decision: args.decision.clone(),
        kind: args.kind.clone(),
        since,
        text: args.query.clone(),
        limit: args.limit,
        ..Filter::default()
    };
    let events = store
        .query(&filter)
        .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
    if args.json {
        print!("{}", export_jsonl(&events));
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    for s in &events {
        let e = &s.event;
        let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{:>6} {} {:<14} {:<12} {:<20} {:<9} {}",
            s.seq,
            s.ts,
            e.kind,
            dash(&e.server),
            e.tool
                .clone()
                .or_else(|| e.method.clone())
                .unwrap_or_else(|| "-".into()),
            dash(&e.decision),
            dash(&e.rule),
        ));
        out.push('\n');
        // A quarantine keeps the withheld output (secrets redacted): show it to the person
        // deciding whether to release it, without its escape sequences and hidden characters.
        if let Some(original) = e.detail.get("original").and_then(Value::as_str) {
            let (clean, _) = mcpward_guard::screen::sanitize(original);
            for line in clean.lines() {
                out.push_str("        | ");
                out.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
                out.push('\n');
            }
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn verify(args: &LogVerifyArgs) -> anyhow::Result<ExitCode> {
    let (what, report) = match &args.file {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let report = verify_jsonl(&text).map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
            (file.display().to_string(), report)
        }
        None => {
            let Some(store) = open()? else {
                println!("no audit log yet: nothing to verify");
                return Ok(ExitCode::SUCCESS);
            };
            let report = store
                .verify()
                .map_err(|e| anyhow::anyhow!("{}", ErrorChain(&e)))?;
            (store.path().display().to_string(), report)
        }
    };
    Ok(print_report(&what, &report))
}

fn print_report(what: &str, report: &VerifyReport) -> ExitCode {
    let range = match (report.first_seq, &report.last) {
        (Some(first), Some(last)) => format!(" (seq {first}–{})", last.seq),
        _ => String::new(),
    };
    match &report.failure {
        None => {
            println!("{what}: ok, {} events verified{range}", report.checked);
            if !report.from_genesis {
                println!(
                    "note: the file does not start at the first event; its first event was taken on trust"
                );
            }
            ExitCode::SUCCESS
        }
        Some(failure) => {
            eprintln!(
                "{what}: the chain does not hold: {failure}\n({} events verified before it{range})",
                report.checked
            );
            ExitCode::from(1)
        }
    }
}

/// `--since`: an age (`90s`, `30m`, `2h`, `7d`) or a UTC date or time (`2026-01-02`,
/// `2026-01-02T03:04:05Z`).
fn parse_since(text: &str) -> Result<SystemTime, String> {
    let text = text.trim();
    let bad = || format!("--since: cannot read `{text}`");
    let cut = text.char_indices().last().map_or(0, |(i, _)| i);
    let (digits, unit) = text.split_at(cut);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && unit != "Z" {
        let number: u64 = digits.parse().map_err(|_| bad())?;
        let unit = unit.chars().next().unwrap_or('?');
        let secs = match unit {
            's' => number,
            'm' => number.saturating_mul(60),
            'h' => number.saturating_mul(3600),
            'd' => number.saturating_mul(86_400),
            'w' => number.saturating_mul(7 * 86_400),
            _ => return Err(bad()),
        };
        return SystemTime::now()
            .checked_sub(Duration::from_secs(secs))
            .ok_or_else(bad);
    }
    let (date, time) = text.split_once(['T', ' ']).unwrap_or((text, "00:00:00Z"));
    let time = time.trim_end_matches('Z');
    let num =
        |s: Option<&str>| -> Result<u64, String> { s.ok_or_else(bad)?.parse().map_err(|_| bad()) };
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next())?, num(d.next())?, num(d.next())?);
    let mut t = time.split(':');
    let (hh, mm) = (num(t.next())?, num(t.next())?);
    let ss = t
        .next()
        .map_or(Ok(0.0), |s| s.parse::<f64>().map_err(|_| bad()))?;
    if d.next().is_some()
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || hh > 23
        || mm > 59
        || !(0.0..61.0).contains(&ss)
        || y < 1970
    {
        return Err(bad());
    }
    let days = days_from_civil(y, m, day);
    let secs = days * 86_400 + hh * 3600 + mm * 60;
    Ok(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_secs_f64(ss))
}

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm), for years ≥ 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(t: SystemTime) -> u64 {
        t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }

    #[test]
    fn since_takes_dates_times_and_ages() {
        assert_eq!(secs(parse_since("1970-01-02").expect("date")), 86_400);
        assert_eq!(
            secs(parse_since("2000-03-01T00:00:01Z").expect("time")),
            951_868_801
        );
        let age = secs(SystemTime::now()) - secs(parse_since("2h").expect("age"));
        assert!((7199..=7201).contains(&age), "{age}");
        assert!(parse_since("yesterday").is_err());
        assert!(parse_since("2026-13-01").is_err());
        assert!(parse_since("5é").is_err());
    }
}
