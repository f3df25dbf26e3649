//! Measures detection against third-party labelled cases (`tests/data/`, see its README):
//! recall on the cases that must be flagged, false positives on the cases that must not.
//!
//! Run with `cargo test -p mcpward-guard --test guard datasets -- --nocapture` to see the table.
//!
//! Some cases are left out of the measurement (a public IP address, a format fixture whose
//! secret is a run of `x`, a text labelled both ways), each with its reason. The targets hold
//! on the raw numbers: recall of at least 95% and at most 2% of the negatives flagged. The
//! negatives still flagged are listed as "contested", with the reason why each holds a
//! credential by a documented format or a literal value assigned to a credential-like key (the
//! upstream label only says that one upstream rule must not fire on it); any other flagged
//! negative fails the test.

use std::collections::HashSet;
use std::fmt::Write as _;

use mcpward_guard::{find_secrets, redact_preview};
use serde::Deserialize;

#[derive(Deserialize)]
struct GitleaksCase {
    rule_id: String,
    kind: String,
    text: String,
}

#[derive(Deserialize)]
struct DetectSecretsCase {
    plugin: String,
    should_flag: bool,
    text: String,
}

struct Case {
    dataset: &'static str,
    rule: String,
    positive: bool,
    text: String,
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the dataset is committed with the tests");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("every dataset line is a JSON case"))
        .collect()
}

fn load() -> Vec<Case> {
    let gitleaks = read_jsonl::<GitleaksCase>("gitleaks-cases.jsonl")
        .into_iter()
        .map(|c| Case {
            dataset: "gitleaks",
            positive: c.kind == "tp",
            rule: c.rule_id,
            text: c.text,
        });
    let detect_secrets = read_jsonl::<DetectSecretsCase>("detect-secrets-cases.jsonl")
        .into_iter()
        .map(|c| Case {
            dataset: "detect-secrets",
            positive: c.should_flag,
            rule: c.plugin,
            text: c.text,
        });
    gitleaks.chain(detect_secrets).collect()
}

/// Why a case is not measured at all, if it is not.
fn out_of_scope(case: &Case, positives: &HashSet<(&str, &str)>) -> Option<&'static str> {
    if case.dataset == "detect-secrets" && case.rule == "ip_public" {
        return Some("a public IP address is not a credential");
    }
    if case.positive && case.text.to_ascii_lowercase().contains("xxxxxxxx") {
        return Some("format-only fixture whose secret is a run of x: a placeholder by design");
    }
    if !case.positive && positives.contains(&(case.dataset, case.text.as_str())) {
        return Some("the same text is labelled positive elsewhere in the dataset");
    }
    None
}

/// Negatives that contain a credential: `(dataset, upstream rule, text fragment, reason)`.
const CONTESTED: &[(&str, &str, &str, &str)] = &[
    (
        "gitleaks",
        "curl-auth-header",
        "Authorization: Basic eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.",
        "a well-formed JWT (header decodes to JSON with alg), sent under a Basic scheme",
    ),
    (
        "gitleaks",
        "anthropic-api-key",
        "sk-ant-admin01-",
        "a well-formed Anthropic admin key; negative only for the API-key rule",
    ),
    (
        "gitleaks",
        "mailchimp-api-key",
        "(token: 3012a5754bbd716926f99c028f7ea428-us18)",
        "a well-formed Mailchimp key passed as a token",
    ),
    (
        "gitleaks",
        "generic-api-key",
        "apiKey:\"6fe4476ee5a1832882e326b506d14126\"",
        "a 32-hex literal assigned to apiKey",
    ),
    (
        "gitleaks",
        "cisco-meraki-api-key",
        "meraki-api-key: acdeFf05",
        "a 40-character literal assigned to an api-key name (negative only for the Meraki rule)",
    ),
    (
        "gitleaks",
        "cisco-meraki-api-key",
        "meraki_token = 5cb4a5f0",
        "a 67-character literal assigned to a token name (negative only for the Meraki rule)",
    ),
];

fn contested(case: &Case) -> Option<&'static str> {
    CONTESTED
        .iter()
        .find(|(dataset, rule, fragment, _)| {
            case.dataset == *dataset && case.rule == *rule && case.text.contains(fragment)
        })
        .map(|&(_, _, _, reason)| reason)
}

#[derive(Default)]
struct Tally {
    positives: usize,
    detected: usize,
    negatives: usize,
    flagged: usize,
    contested_negatives: usize,
    contested_flagged: usize,
    skipped: usize,
}

impl Tally {
    fn recall(&self) -> f64 {
        self.detected as f64 / self.positives.max(1) as f64
    }
    fn raw_fp_rate(&self) -> f64 {
        self.flagged as f64 / self.negatives.max(1) as f64
    }
    fn fp_rate(&self) -> f64 {
        (self.flagged - self.contested_flagged) as f64
            / (self.negatives - self.contested_negatives).max(1) as f64
    }
    fn add(&mut self, other: &Tally) {
        self.positives += other.positives;
        self.detected += other.detected;
        self.negatives += other.negatives;
        self.flagged += other.flagged;
        self.contested_negatives += other.contested_negatives;
        self.contested_flagged += other.contested_flagged;
        self.skipped += other.skipped;
    }
}

fn shorten(text: &str) -> String {
    let one_line = text.replace('\n', "\\n");
    let cut: String = one_line.chars().take(90).collect();
    if cut.len() < one_line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

#[test]
fn labelled_cases_meet_recall_and_false_positive_targets() {
    let cases = load();
    let positives: HashSet<(&str, &str)> = cases
        .iter()
        .filter(|c| c.positive)
        .map(|c| (c.dataset, c.text.as_str()))
        .collect();
    let mut report = String::new();
    let mut tallies: Vec<(&str, Tally)> = vec![
        ("gitleaks", Tally::default()),
        ("detect-secrets", Tally::default()),
    ];
    for case in &cases {
        let tally = &mut tallies
            .iter_mut()
            .find(|(name, _)| *name == case.dataset)
            .expect("every case comes from a known dataset")
            .1;
        if let Some(reason) = out_of_scope(case, &positives) {
            tally.skipped += 1;
            let _ = writeln!(report, "  skip  {} {}: {reason}", case.dataset, case.rule);
            continue;
        }
        let found = find_secrets(&case.text);
        let shown: Vec<String> = found
            .iter()
            .map(|m| format!("{}:{}", m.kind, redact_preview(&case.text[m.range()])))
            .collect();
        if case.positive {
            tally.positives += 1;
            if found.is_empty() {
                let _ = writeln!(
                    report,
                    "  MISS  {} {}: {}",
                    case.dataset,
                    case.rule,
                    shorten(&case.text)
                );
            } else {
                tally.detected += 1;
            }
        } else {
            tally.negatives += 1;
            let reason = contested(case);
            if reason.is_some() {
                tally.contested_negatives += 1;
            }
            if !found.is_empty() {
                tally.flagged += 1;
                match reason {
                    Some(reason) => {
                        tally.contested_flagged += 1;
                        let _ = writeln!(
                            report,
                            "  flag  {} {} {shown:?} (contested: {reason})",
                            case.dataset, case.rule
                        );
                    }
                    None => {
                        let _ = writeln!(
                            report,
                            "  FP    {} {} {shown:?}: {}",
                            case.dataset,
                            case.rule,
                            shorten(&case.text)
                        );
                    }
                }
            }
        }
    }
    let mut total = Tally::default();
    for (_, tally) in &tallies {
        total.add(tally);
    }
    tallies.push(("combined", total));
    println!("{report}");
    println!(
        "{:<15} {:>16} {:>8} {:>20} {:>8} {:>20} {:>8}",
        "dataset", "detected/pos", "recall", "flagged/neg (raw)", "raw FP", "adjudicated", "FP"
    );
    for (name, t) in &tallies {
        println!(
            "{name:<15} {:>16} {:>7.1}% {:>20} {:>7.1}% {:>20} {:>7.1}%   ({} skipped)",
            format!("{}/{}", t.detected, t.positives),
            100.0 * t.recall(),
            format!("{}/{}", t.flagged, t.negatives),
            100.0 * t.raw_fp_rate(),
            format!(
                "{}/{}",
                t.flagged - t.contested_flagged,
                t.negatives - t.contested_negatives
            ),
            100.0 * t.fp_rate(),
            t.skipped,
        );
    }
    for (name, t) in &tallies {
        assert!(
            t.recall() >= 0.95,
            "{name}: recall {:.3} < 0.95",
            t.recall()
        );
        assert_eq!(
            t.flagged, t.contested_flagged,
            "{name}: a negative outside the contested list was flagged"
        );
    }
    // The target is on the samples as given: every flagged negative counts, contested or not.
    let (_, combined) = &tallies[2];
    assert!(
        combined.raw_fp_rate() <= 0.02,
        "combined raw false-positive rate {:.4} > 0.02",
        combined.raw_fp_rate()
    );
    // Regression guards at today's counts: 88/90 and 6/288 (gitleaks), 39/41 and 0/62
    // (detect-secrets).
    let (_, gitleaks) = &tallies[0];
    let (_, detect_secrets) = &tallies[1];
    assert!(gitleaks.detected >= 88 && gitleaks.flagged <= 6);
    assert!(detect_secrets.detected >= 39 && detect_secrets.flagged == 0);
}
