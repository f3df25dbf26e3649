//! Secret detection and redaction.
//!
//! [`find_secrets`] scans text for literal credentials and returns [`SecretMatch`]es: byte
//! ranges tagged with a stable rule id (`"github-pat"`, `"aws-access-key-id"`, `"private-key"`,
//! `"postgres-connection-string"`, `"generic-secret"`, ...). [`find_secret_in_assignment`] judges
//! one config key/value pair, [`redact`] replaces every match, and [`redact_preview`] makes the
//! short, safe preview that reports show instead of a secret.
//!
//! # How it works
//!
//! Every rule (see [`known_kinds`]) names keywords. One pass of an Aho-Corasick DFA over all
//! keywords (a table lookup per byte) finds where rules can possibly match; a rule's regex then
//! runs only on the lines that hold one of its keywords, and key/value rules look only at each
//! keyword occurrence. The few rules without a fixed text run only inside long runs of token
//! characters, found by looking at windows of 34 bytes from their end. A rule's regex is compiled
//! the first time its keywords occur, once per process, so a short text pays only for the few rules
//! it can trigger. Candidates are then checked against the format (boundaries, checksums, decoding)
//! and against placeholders, references such as `${TOKEN}` ([`is_interpolation`],
//! [`is_placeholder`]) and low-entropy values ([`shannon_entropy`]). Overlapping candidates are
//! settled in favour of the most specific rule.
//!
//! ```
//! use mcpward_guard::secrets::{find_secrets, redact};
//!
//! let text = "GITHUB_TOKEN=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";
//! let found = find_secrets(text);
//! assert_eq!(found[0].kind, "github-pat");
//! assert_eq!(&text[found[0].start..found[0].end], "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");
//! assert_eq!(redact(text), "GITHUB_TOKEN=[REDACTED:github-pat]");
//! ```

mod encoding;
mod extract;
mod heuristics;
pub(crate) mod keywords;
mod rules;
mod url;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;

pub use heuristics::{is_interpolation, is_placeholder, shannon_entropy};
pub use url::url_credentials;

use heuristics::{
    KeyClass, classify_key, is_placeholder as placeholder, looks_secret, strip_quotes,
};
use rules::{Action, RULES, Tok, Verify};

/// One secret found in a text: which rule matched and where.
///
/// Holds only the byte range, never the secret itself, so printing it (`{:?}`) is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecretMatch {
    /// Stable rule id, such as `"github-pat"`, `"aws-access-key-id"`, `"openai-api-key"`,
    /// `"private-key"`, `"jwt"`, `"postgres-connection-string"` or `"generic-secret"`.
    pub kind: &'static str,
    /// Byte offset where the secret starts in the scanned text.
    pub start: usize,
    /// Byte offset just past the secret's end.
    pub end: usize,
}

impl SecretMatch {
    /// The byte range of the secret, for slicing the scanned text.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// A match before overlaps are resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    start: usize,
    end: usize,
    kind: &'static str,
    priority: u8,
    /// Index of the rule that found it: among equals, the earlier rule wins.
    rule: u16,
}

impl Candidate {
    pub(crate) fn new(start: usize, end: usize, kind: &'static str, priority: u8) -> Self {
        Self {
            start,
            end,
            kind,
            priority,
            rule: 0,
        }
    }
}

/// Rules whose keyword does not lie inside their match, but anywhere in the text (the word
/// `curl` before a `-u` flag, `asana` near an Asana token): their regex runs over the whole text
/// once one keyword occurs. Every other rule's match contains one of its keywords and lies on one
/// line, so the rule runs only on the lines where a keyword occurs.
const WHOLE_TEXT_RULES: &[&str] = &["asana-pat", "basic-auth"];

/// Key-name rules whose key is not always followed by an assignment (`SSWS <token>`, a
/// Facebook token anywhere after the word), and token rules whose match may hold a blank
/// (`FlyV1 fm2_…`): they skip the cheap checks of [`Gate`].
const UNGATED_RULES: &[&str] = &["okta-api-token", "facebook-access-token", "flyio-token"];

/// The shortest token that a prefixed token rule reports, around its keyword.
const MIN_TOKEN: usize = 16;

/// A cheap check at a keyword occurrence, before a rule's regex runs on its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gate {
    /// None: the regex runs.
    Open,
    /// The keyword lies in a run of at least [`MIN_TOKEN`] bytes without blanks, quotes or
    /// brackets (a token rule: ordinary words such as `key-value` or `api-docs` fail).
    Token,
    /// The key name that holds the keyword is followed by `=` or `:` (a key-name rule).
    Assignment,
}

/// Bytes that end a token for [`Gate::Token`].
fn delimits(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\''
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b','
                | b';'
        )
}

impl Gate {
    fn passes(self, bytes: &[u8], start: usize, end: usize) -> bool {
        match self {
            Gate::Open => true,
            Gate::Token => {
                let left = bytes[..start]
                    .iter()
                    .rev()
                    .take(MIN_TOKEN)
                    .take_while(|&&b| !delimits(b))
                    .count();
                let right = bytes[end..]
                    .iter()
                    .take(MIN_TOKEN)
                    .take_while(|&&b| !delimits(b))
                    .count();
                left + (end - start) + right >= MIN_TOKEN
            }
            Gate::Assignment => {
                let mut i = end;
                while i < bytes.len()
                    && i - end < 80
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'-'))
                {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'\\') {
                    i += 1;
                }
                if matches!(bytes.get(i), Some(b'"' | b'\'')) {
                    i += 1;
                }
                while matches!(bytes.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                matches!(bytes.get(i), Some(b'=' | b':'))
            }
        }
    }
}

/// The shortest run of token characters (`A-Z a-z 0-9 _ . -`) in which the rules without
/// keywords can match: each of their matches is such a run of this length or more.
pub(crate) const LONG_RUN: usize = 34;

/// Bytes of the runs that [`LONG_RUN`] measures.
fn in_long_run(b: u8) -> bool {
    LONG_RUN_BYTES[usize::from(b)]
}

/// [`in_long_run`] as a table (one load per byte where [`long_runs`] walks a run):
/// `A-Z a-z 0-9 _ . -`.
static LONG_RUN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-');
        b += 1;
    }
    table
};

/// How a rule is started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// On each line that holds one of its keywords.
    Line,
    /// On the whole text, once one of its keywords occurs anywhere.
    WholeText,
    /// On each long run of token characters (rules without keywords).
    LongRun,
}

/// The compiled rule set: the keyword automaton and one regex per rule, compiled on first use.
struct Engine {
    /// Every keyword, ASCII case-insensitive, reporting overlapping occurrences.
    keywords: keywords::Keywords,
    /// The keywords, lowercase, by pattern id (for [`keyword_list`]).
    words: Vec<String>,
    /// For each keyword pattern id, the rules it triggers.
    triggers: Vec<Vec<u16>>,
    /// How each rule is started.
    scopes: Vec<Scope>,
    /// The check at each keyword occurrence before a rule's regex runs.
    gates: Vec<Gate>,
    /// Rules without keywords, which run inside long token runs.
    long_run: Vec<usize>,
    /// One slot per rule, filled by [`Engine::regex`] the first time the rule is triggered.
    /// Compiling all of them up front costs far more than scanning a short text.
    regexes: Vec<OnceLock<Regex>>,
}

impl Engine {
    fn build() -> Self {
        let mut keywords: Vec<String> = Vec::new();
        let mut triggers: Vec<Vec<u16>> = Vec::new();
        let mut long_run = Vec::new();
        let mut scopes = Vec::with_capacity(RULES.len());
        let mut gates = Vec::with_capacity(RULES.len());
        for (index, rule) in RULES.iter().enumerate() {
            gates.push(match rule.action {
                _ if UNGATED_RULES.contains(&rule.id) => Gate::Open,
                Action::Token(tok) if tok.key_start => Gate::Assignment,
                Action::Token(_) => Gate::Token,
                Action::Extract(_) | Action::AtKeyword(_) => Gate::Open,
            });
            scopes.push(if rule.keywords.is_empty() {
                long_run.push(index);
                Scope::LongRun
            } else if WHOLE_TEXT_RULES.contains(&rule.id) {
                Scope::WholeText
            } else {
                Scope::Line
            });
            // Fewer than 2^16 rules: the table is a few hundred constant entries.
            let index = u16::try_from(index).expect("fewer than 65536 rules");
            for keyword in rule.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == keyword) {
                    Some(id) => triggers[id].push(index),
                    None => {
                        keywords.push(keyword);
                        triggers.push(vec![index]);
                    }
                }
            }
        }
        let automaton = keywords::Keywords::new(&keywords)
            // The keywords are a small constant list of plain strings; the unit tests build it.
            .expect("the keyword automaton builds from constant keywords");
        Self {
            keywords: automaton,
            words: keywords,
            triggers,
            scopes,
            gates,
            long_run,
            regexes: RULES.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The regex of rule `index`, compiled on the first call; `None` for rules that work at
    /// keyword occurrences and have no regex.
    fn regex(&self, index: usize) -> Option<&Regex> {
        let rule = &RULES[index];
        if matches!(rule.action, Action::AtKeyword(_)) {
            return None;
        }
        Some(self.regexes[index].get_or_init(|| {
            Regex::new(rule.pattern)
                // Every pattern is a constant; a unit test compiles all of them.
                .expect("secret rule patterns are valid regexes")
        }))
    }
}

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::build);

/// The runs of at least [`LONG_RUN`] token characters in `text`, as byte ranges.
///
/// Looks at windows of `LONG_RUN` bytes, as a Boyer-Moore search for a run would: the last byte
/// of a window that is not a token character (usually a space among its last eight bytes, found
/// in one word) means no such run starts in the window up to that byte, so the next window
/// starts after it, and most of the text is never read.
fn long_runs(text: &str) -> Vec<Range<usize>> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    // Every run that starts before `at` has been dealt with, and `at` is 0 or follows a byte
    // that is not a token character: a run that starts at `at` starts there.
    let mut at = 0;
    while let Some(window) = bytes.get(at..at + LONG_RUN) {
        let mut tail = [0u8; 8];
        tail.copy_from_slice(&window[LONG_RUN - 8..]);
        // The high bit of each byte of the last eight that is a space (exactly: no carries).
        let v = u64::from_le_bytes(tail) ^ SPACES;
        let spaces = !(((v & LOW7) + LOW7) | v | LOW7);
        let last = if spaces != 0 {
            Some(LONG_RUN - 8 + (63 - spaces.leading_zeros() as usize) / 8)
        } else {
            window.iter().rposition(|&b| !in_long_run(b))
        };
        match last {
            Some(k) => at += k + 1,
            None => {
                let mut end = at + LONG_RUN;
                while end < bytes.len() && in_long_run(bytes[end]) {
                    end += 1;
                }
                runs.push(at..end);
                at = end + 1;
            }
        }
    }
    runs
}

/// The line around `start..end`: from after the previous `\n` to before the next one.
fn line_around(text: &str, start: usize, end: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |i| i + 1);
    let line_end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    line_start..line_end
}

/// Bytes that continue a token on either side.
fn continues_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'/')
}

/// Whether `text[start..end]` stands on its own: the byte before it and the byte after it do
/// not continue it. A `.` before a token also joins it to a preceding word (`video.ico-…`);
/// `left_extra` lists more joining characters. After an escaped line break (`\n`) a token is
/// free, and so it is right after `allow_after` and at the start of a reference's default
/// (`${KEY:-…}`).
pub(crate) fn boundaries_ok(
    text: &str,
    start: usize,
    end: usize,
    left_extra: &str,
    allow_after: &str,
) -> bool {
    let bytes = text.as_bytes();
    let left_ok = match start.checked_sub(1).map(|i| bytes[i]) {
        None => true,
        Some(b) => {
            let joined = continues_token(b) || b == b'.' || left_extra.as_bytes().contains(&b);
            let escaped_break =
                start >= 2 && bytes[start - 2] == b'\\' && matches!(b, b'n' | b'r' | b't');
            let allowed = !allow_after.is_empty() && text[..start].ends_with(allow_after);
            !joined || escaped_break || allowed || heuristics::opens_default(&text[..start])
        }
    };
    let right_ok = bytes
        .get(end)
        .is_none_or(|&b| !continues_token(b) && !left_extra.as_bytes().contains(&b));
    left_ok && right_ok
}

fn has_classes(token: &str, verify: Verify) -> bool {
    let upper = token.bytes().any(|b| b.is_ascii_uppercase());
    let lower = token.bytes().any(|b| b.is_ascii_lowercase());
    let digit = token.bytes().any(|b| b.is_ascii_digit());
    match verify {
        Verify::MixedCase => upper && lower,
        Verify::AllClasses => upper && lower && digit,
        Verify::Plain | Verify::GithubChecksum => true,
    }
}

/// Whether a token-rule match at `start..end` is reported.
fn token_ok(text: &str, start: usize, end: usize, tok: &Tok) -> bool {
    if start >= end || !boundaries_ok(text, start, end, tok.left_extra, tok.allow_after) {
        return false;
    }
    let token = &text[start..end];
    if tok.verify == Verify::GithubChecksum && encoding::github_checksum_ok(token) {
        return true;
    }
    !placeholder(token)
        && has_classes(token, tok.verify)
        && shannon_entropy(token) >= heuristics::min_entropy_for(token.chars().count())
}

/// Runs rule `index` on `text[range]` (its matches lie inside the range; the text around it
/// still decides boundaries).
fn run_rule(
    text: &str,
    range: Range<usize>,
    index: usize,
    regex: &Regex,
    out: &mut Vec<Candidate>,
) {
    let rule = &RULES[index];
    let haystack = &text[..range.end];
    match rule.action {
        Action::Token(tok) => {
            let mut pos = range.start;
            while pos <= haystack.len() {
                let Some(caps) = regex.captures_at(haystack, pos) else {
                    break;
                };
                let Some(whole) = caps.get(0) else {
                    break;
                };
                let secret = caps.name("s").unwrap_or(whole);
                let key_ok = !tok.key_start
                    || whole.start() == 0
                    || !text.as_bytes()[whole.start() - 1].is_ascii_alphabetic();
                if key_ok && token_ok(text, secret.start(), secret.end(), &tok) {
                    out.push(Candidate::new(
                        secret.start(),
                        secret.end(),
                        rule.id,
                        tok.priority,
                    ));
                    pos = whole.end().max(whole.start() + 1);
                } else {
                    pos = whole.start() + 1;
                }
                while pos < haystack.len() && !haystack.is_char_boundary(pos) {
                    pos += 1;
                }
            }
        }
        Action::Extract(extractor) => {
            let mut pos = range.start;
            while pos <= haystack.len() {
                let Some(caps) = regex.captures_at(haystack, pos) else {
                    break;
                };
                let Some(whole) = caps.get(0) else {
                    break;
                };
                pos = whole.end().max(whole.start() + 1);
                while pos < haystack.len() && !haystack.is_char_boundary(pos) {
                    pos += 1;
                }
                extractor(text, &caps, rule, out);
            }
        }
        Action::AtKeyword(_) => {}
    }
}

/// Keeps the most specific of overlapping candidates: higher priority first, then the longer
/// one, then the earlier one.
fn resolve(mut candidates: Vec<Candidate>) -> Vec<SecretMatch> {
    candidates.retain(|c| c.start < c.end);
    candidates.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
            .then(a.rule.cmp(&b.rule))
    });
    let mut chosen: BTreeMap<usize, Candidate> = BTreeMap::new();
    for candidate in candidates {
        let overlaps_before = chosen
            .range(..candidate.end)
            .next_back()
            .is_some_and(|(_, prev)| prev.end > candidate.start);
        if !overlaps_before {
            chosen.insert(candidate.start, candidate);
        }
    }
    chosen
        .into_values()
        .map(|c| SecretMatch {
            kind: c.kind,
            start: c.start,
            end: c.end,
        })
        .collect()
}

/// Finds every literal credential in `text`.
///
/// The matches do not overlap and are sorted by `start`. Where a rule recognises a secret by the
/// key in front of it (`api_key = "…"`, `"password": "…"`, `Authorization: Bearer …`), the range
/// covers the value only, not the key.
pub fn find_secrets(text: &str) -> Vec<SecretMatch> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut hits = Vec::new();
    ENGINE.keywords.find_all(text.as_bytes(), &mut hits);
    find_secrets_at(text, hits)
}

/// The keywords [`find_secrets`] starts its rules at, by pattern id: a caller that scans for
/// them itself (together with other words, in one pass) hands the occurrences to
/// [`find_secrets_at`].
pub(crate) fn keyword_list() -> &'static [String] {
    &ENGINE.words
}

/// [`find_secrets`] given the occurrences of [`keyword_list`] in `text`, in the order of their
/// ends (as [`keywords::Keywords::find_all`] reports them).
pub(crate) fn find_secrets_at(text: &str, hits: Vec<keywords::Hit>) -> Vec<SecretMatch> {
    if text.is_empty() {
        return Vec::new();
    }
    let engine = &*ENGINE;
    let mut candidates = Vec::new();
    // Per rule, how far its regex has already run: a rule runs at most once per line.
    // For a rule that works at keyword occurrences, how far it has judged the text instead.
    let mut done = vec![0usize; RULES.len()];
    for keywords::Hit {
        pattern,
        start,
        end,
    } in hits
    {
        for &rule_number in &engine.triggers[pattern] {
            let index = usize::from(rule_number);
            let first_new = candidates.len();
            let rule = &RULES[index];
            if let Action::AtKeyword(extractor) = rule.action {
                if start >= done[index] {
                    extractor(text, start, end, rule, &mut done[index], &mut candidates);
                }
            } else if end > done[index] && engine.gates[index].passes(text.as_bytes(), start, end) {
                let range = match engine.scopes[index] {
                    Scope::WholeText => 0..text.len(),
                    Scope::Line | Scope::LongRun => line_around(text, start, end),
                };
                done[index] = range.end.max(end);
                if let Some(regex) = engine.regex(index) {
                    run_rule(text, range, index, regex, &mut candidates);
                }
            }
            for c in &mut candidates[first_new..] {
                c.rule = rule_number;
            }
        }
    }
    if !engine.long_run.is_empty() {
        for run in long_runs(text) {
            for &index in &engine.long_run {
                let first_new = candidates.len();
                if let Some(regex) = engine.regex(index) {
                    run_rule(text, run.clone(), index, regex, &mut candidates);
                }
                // Fewer than 2^16 rules, as `Engine::build` checked.
                let rule_number = u16::try_from(index).unwrap_or(u16::MAX);
                for c in &mut candidates[first_new..] {
                    c.rule = rule_number;
                }
            }
        }
    }
    candidates.retain(|c| !rules::KNOWN_PUBLIC.contains(&&text[c.start..c.end]));
    resolve(candidates)
}

/// The kind of a known token format that spans all of `s`, if any.
pub(crate) fn known_token_kind(s: &str) -> Option<&'static str> {
    find_secrets(s)
        .into_iter()
        .find(|m| m.start == 0 && m.end == s.len() && m.kind != "generic-secret")
        .map(|m| m.kind)
}

/// Offset of `inner` (a subslice) within `outer`.
fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize).saturating_sub(outer.as_ptr() as usize)
}

/// Judges one key/value pair from a config: an environment variable (`"GITHUB_TOKEN": "…"`), a
/// header (`"Authorization": "Bearer …"`), a CLI flag and its argument, a setting.
///
/// Returns a known format found anywhere in `value` (a token, a URL with a password, a
/// connection string, a private key); a format recognised by the key name (`AWS_SECRET_ACCESS_KEY`
/// with 40 base64 characters); for an `Authorization` header, the credential after the scheme
/// (`"bearer-token"` or `"basic-auth"`); otherwise `"generic-secret"` when the key looks
/// credential-like (`TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `API_KEY`, `APIKEY`, `ACCESS_KEY`,
/// `PRIVATE_KEY`, `CREDENTIAL`, `AUTH`, `X-API-Key`, ...) and the value is a literal that looks
/// random enough: not a placeholder, not a reference such as `${VAR}`, not a boolean, short
/// number, path, URL without credentials or word, and at least 8 characters. A bare `key`
/// name (`key`, `--key`) counts only for a random value: a UUID, or 16 characters or more
/// mixing letters and digits.
///
/// A reference (`${VAR}`, `$VAR`, `%VAR%`, ...) is not a secret, but the default of
/// `${VAR:-default}` is a literal that the client uses when `VAR` is unset, so it is judged like
/// the value itself.
///
/// The range is relative to `value`.
pub fn find_secret_in_assignment(key: &str, value: &str) -> Option<SecretMatch> {
    assignment(key, value, 0)
}

/// How deep [`assignment`] follows defaults nested in defaults (`${A:-${B:-…}}`).
const MAX_DEFAULT_DEPTH: usize = 4;

/// [`find_secret_in_assignment`], `depth` defaults deep.
fn assignment(key: &str, value: &str, depth: usize) -> Option<SecretMatch> {
    if value.trim().is_empty() {
        return None;
    }
    if is_interpolation(value) {
        if depth >= MAX_DEFAULT_DEPTH {
            return None;
        }
        return heuristics::default_literals(value)
            .into_iter()
            .find_map(|range| {
                assignment(key, &value[range.clone()], depth + 1).map(|m| SecretMatch {
                    kind: m.kind,
                    start: range.start + m.start,
                    end: range.start + m.end,
                })
            });
    }
    // 1. A known format anywhere in the value.
    if let Some(m) = find_secrets(value)
        .into_iter()
        .find(|m| m.kind != "generic-secret")
    {
        return Some(m);
    }
    // 2. A format recognised by its key name.
    let key = key.trim().trim_start_matches('-').trim_start_matches('$');
    let joined = format!("{key}={value}");
    let shift = key.len() + 1;
    if let Some(m) = find_secrets(&joined)
        .into_iter()
        .find(|m| m.start >= shift && m.kind != "generic-secret")
    {
        return Some(SecretMatch {
            kind: m.kind,
            start: m.start - shift,
            end: m.end - shift,
        });
    }
    // 3. The value itself, judged by what the key promises.
    let literal = strip_quotes(value);
    let base = offset_in(value, literal);
    let class = classify_key(key);
    if class == KeyClass::Other && key.eq_ignore_ascii_case("key") {
        return heuristics::random_key_value(literal).then(|| SecretMatch {
            kind: "generic-secret",
            start: base,
            end: base + literal.len(),
        });
    }
    match class {
        KeyClass::Authorization => {
            let credential = heuristics::strip_auth_scheme(literal);
            let scheme = literal[..offset_in(literal, credential)].trim();
            let scheme = (!scheme.is_empty()).then_some(scheme);
            extract::authorization_credential(scheme, credential).map(|kind| {
                let start = base + offset_in(literal, credential);
                SecretMatch {
                    kind,
                    start,
                    end: start + credential.len(),
                }
            })
        }
        KeyClass::Credential => {
            let credential = heuristics::strip_auth_scheme(literal);
            let credential_like =
                looks_secret(credential) && !heuristics::is_time_based_uuid(credential);
            credential_like.then(|| {
                let start = base + offset_in(literal, credential);
                SecretMatch {
                    kind: "generic-secret",
                    start,
                    end: start + credential.len(),
                }
            })
        }
        KeyClass::Other => None,
    }
}

/// A preview of a secret that is safe to print in a report.
///
/// Keeps the first four and last four characters of a secret of 16 characters or more (a known
/// prefix such as `ghp_` stays readable: `ghp_…3f9a`), only the first two of a shorter one, and
/// nothing of one under 8 characters (`…`). It never reveals more than 8 characters nor more
/// than a quarter of the value.
pub fn redact_preview(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n < 8 {
        return "…".to_owned();
    }
    let budget = (n / 4).min(8);
    if n < 16 {
        let head: String = chars[..budget.min(2)].iter().collect();
        return format!("{head}…");
    }
    let head_len = budget.div_ceil(2).min(4);
    let tail_len = (budget - head_len).min(4);
    let head: String = chars[..head_len].iter().collect();
    let tail: String = chars[n - tail_len..].iter().collect();
    format!("{head}…{tail}")
}

/// Replaces every secret that [`find_secrets`] finds with `[REDACTED:kind]`.
pub fn redact(text: &str) -> String {
    redact_matches(text, &find_secrets(text))
}

/// `text` with each of `matches` (in text order, as [`find_secrets`] returns them) replaced by
/// `[REDACTED:kind]`.
pub(crate) fn redact_matches(text: &str, matches: &[SecretMatch]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in matches {
        out.push_str(&text[last..m.start]);
        out.push_str("[REDACTED:");
        out.push_str(m.kind);
        out.push(']');
        last = m.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Every kind [`find_secrets`] can report, sorted and without duplicates: one per documented
/// credential format plus the structured and generic kinds.
pub fn known_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = RULES
        .iter()
        .map(|r| r.id)
        .chain(rules::EXTRA_KINDS.iter().copied())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

#[cfg(test)]
mod tests;
