//! Extractors for credentials that a regex alone cannot delimit or validate: key/value pairs,
//! `Authorization` values, `curl -u`, PEM blocks, JWTs, URLs and ODBC connection strings.

use regex::Captures;

use super::encoding::base64_decode;
use super::heuristics::{
    KeyClass, classify_key, is_placeholder, is_time_based_uuid, looks_secret, password_ok,
    reference_default, shannon_entropy, strip_auth_scheme, strip_quotes,
};
use super::rules::{Rule, VENDOR_PREFIXES};
use super::url::{has_credential_stem, url_credential_spans};
use super::{Candidate, boundaries_ok};

/// The longest key name, unquoted value or shell word looked at. Every scan around a match is
/// bounded so that crafted input (one huge line full of keywords) stays linear.
const MAX_SCAN: usize = 4096;

/// `text[from..]` cut to at most `len` bytes, on a character boundary.
fn ahead(text: &str, from: usize, len: usize) -> &str {
    let rest = &text[from..];
    &rest[..rest.floor_char_boundary(len)]
}

/// `text[..to]` cut to its last `len` bytes at most, on a character boundary.
fn behind(text: &str, to: usize, len: usize) -> &str {
    &text[text.ceil_char_boundary(to.saturating_sub(len))..to]
}

fn whole<'t>(caps: &Captures<'t>) -> regex::Match<'t> {
    // Group 0 always participates in a match.
    caps.get(0).expect("group 0 is the whole match")
}

/// Bytes that end an unquoted value (`&` separates query-string pairs).
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\''
                | b'`'
                | b','
                | b';'
                | b'&'
                | b'<'
                | b'>'
                | b'\\'
                | b'('
                | b')'
                | b'['
                | b']'
                | b'{'
                | b'}'
        )
}

/// The value that starts at `pos`: the contents of a (possibly backslash-escaped) quoted string
/// on the same line, or a run of bytes up to a delimiter. Trailing sentence punctuation of an
/// unquoted value is dropped.
///
/// Without a value, returns how far the text was read: keywords before that point lie inside
/// text already judged not to be a value.
pub(crate) fn value_at(text: &str, pos: usize) -> Result<(usize, usize), usize> {
    let bytes = text.as_bytes();
    let mut i = pos;
    let quote = match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'\\'), Some(&q @ (b'"' | b'\''))) => {
            i += 2;
            Some((q, true))
        }
        (Some(&q @ (b'"' | b'\'')), _) => {
            i += 1;
            Some((q, false))
        }
        // A backtick is command substitution; `::`, `==`, `&Type`, `*ptr`, `!flag` and `#tag`
        // are code.
        (Some(b'`' | b':' | b'=' | b'&' | b'*' | b'!' | b'#'), _) | (None, _) => return Err(pos),
        _ => None,
    };
    let start = i;
    match quote {
        Some((q, escaped)) => {
            while i < bytes.len() && i - start <= MAX_SCAN {
                let b = bytes[i];
                if b == b'\n' || b == b'\r' {
                    return Err(pos);
                }
                if escaped {
                    if b == b'\\' && bytes.get(i + 1) == Some(&q) {
                        return Ok((start, i));
                    }
                } else if b == q {
                    return Ok((start, i));
                } else if b == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            Err(pos)
        }
        None => {
            while i < bytes.len() && !ends_value(bytes[i]) {
                i += 1;
                if i - start > MAX_SCAN {
                    return Err(i);
                }
            }
            while i > start && matches!(bytes[i - 1], b'.' | b':' | b'!' | b'?') {
                i -= 1;
            }
            if i > start { Ok((start, i)) } else { Err(pos) }
        }
    }
}

fn has_vendor_prefix(value: &str) -> bool {
    VENDOR_PREFIXES.iter().any(|p| value.starts_with(p))
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// After a key name ending at `i`: an optional closing quote (plain or backslash-escaped) or
/// bracket, then `=`, `:`, `:=` or `=>` with optional blanks around it. Returns where the value
/// starts.
fn assignment_after(bytes: &[u8], mut i: usize) -> Option<usize> {
    if bytes.get(i) == Some(&b'\\') && matches!(bytes.get(i + 1), Some(b'"' | b'\'')) {
        i += 2;
    } else if matches!(bytes.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    if bytes.get(i) == Some(&b']') {
        i += 1;
    }
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i += match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'=' | b':'), Some(b'>' | b'=')) if bytes[i] != bytes[i + 1] => 2,
        (Some(b'=' | b':'), _) => 1,
        _ => return None,
    };
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    Some(i)
}

/// `key = value` (and `key: value`, `"key": "value"`, `key => value`, ...) where the key names a
/// credential and the value looks like a literal secret. Runs at each occurrence of a keyword
/// (`token`, `secret`, `pass`, ...) and widens it to the whole key name.
pub(crate) fn generic(
    text: &str,
    kw_start: usize,
    kw_end: usize,
    rule: &Rule,
    cursor: &mut usize,
    out: &mut Vec<Candidate>,
) {
    let bytes = text.as_bytes();
    let mut key_end = kw_end;
    while key_end < bytes.len() && is_key_byte(bytes[key_end]) {
        key_end += 1;
        if key_end - kw_end > 128 {
            return;
        }
    }
    let Some(value_pos) = assignment_after(bytes, key_end) else {
        return;
    };
    let mut key_start = kw_start;
    while key_start > 0 && is_key_byte(bytes[key_start - 1]) {
        key_start -= 1;
        if kw_start - key_start > 128 {
            return;
        }
    }
    if classify_key(&text[key_start..key_end]) != KeyClass::Credential {
        return;
    }
    if let Some(reference_end) = reference_value(text, value_pos, rule, out) {
        *cursor = reference_end;
        return;
    }
    let (start, end) = match value_at(text, value_pos) {
        Ok(range) => range,
        Err(read_to) => {
            *cursor = read_to;
            return;
        }
    };
    *cursor = end;
    // A quoted value may carry an authorization scheme: `"token": "Bearer …"`.
    let raw = &text[start..end];
    let value = strip_auth_scheme(raw);
    let start = start + (value.as_ptr() as usize - raw.as_ptr() as usize);
    let end = start + value.len();
    // An unquoted value followed by `(`, `<` or `[` is a call, a generic type or an index.
    let code = matches!(bytes.get(end), Some(b'(' | b'<' | b'['));
    if code || has_vendor_prefix(value) || !looks_secret(value) || is_time_based_uuid(value) {
        return;
    }
    out.push(Candidate::new(start, end, rule.id, 0));
}

/// A `${NAME:-default}` value (optionally quoted) at `pos`: judges the default, the literal the
/// client falls back to, as the value of the key, and returns where the reference ends so that
/// keywords inside it are skipped. `None` when no such reference starts at `pos`.
fn reference_value(text: &str, pos: usize, rule: &Rule, out: &mut Vec<Candidate>) -> Option<usize> {
    let pos = pos + usize::from(matches!(text.as_bytes().get(pos), Some(b'"' | b'\'')));
    let (default, end) = reference_default(ahead(text, pos, MAX_SCAN))?;
    let (mut start, mut stop) = (pos + default.start, pos + default.end);
    // `${A:-${B:-literal}}`: the innermost default is the literal.
    while let Some((inner, inner_end)) = reference_default(&text[start..stop]) {
        if inner_end != stop - start {
            break;
        }
        (start, stop) = (start + inner.start, start + inner.end);
    }
    let raw = &text[start..stop];
    let value = strip_auth_scheme(strip_quotes(raw));
    let value_start = start + (value.as_ptr() as usize - raw.as_ptr() as usize);
    if !has_vendor_prefix(value) && looks_secret(value) && !is_time_based_uuid(value) {
        out.push(Candidate::new(
            value_start,
            value_start + value.len(),
            rule.id,
            0,
        ));
    }
    Some(pos + end)
}

/// An `Authorization` value split into byte ranges.
struct AuthValue {
    /// The scheme word (`Bearer`, `Basic`, ...), when there is one.
    scheme: Option<(usize, usize)>,
    /// The credential.
    start: usize,
    end: usize,
}

/// Splits the `Authorization` value at `pos` into its scheme (if any) and credential.
fn split_authorization(text: &str, pos: usize) -> Option<AuthValue> {
    let bytes = text.as_bytes();
    let run = |from: usize| {
        let mut i = from;
        while i < bytes.len()
            && i - from < MAX_SCAN
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'"' | b'\'' | b'`' | b'\\' | b',' | b';')
        {
            i += 1;
        }
        i
    };
    let first_end = run(pos);
    if first_end == pos {
        return None;
    }
    let first = &text[pos..first_end];
    let scheme_like =
        first.len() <= 24 && first.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
    let mut gap = first_end;
    while gap < bytes.len() && matches!(bytes[gap], b' ' | b'\t') {
        gap += 1;
    }
    if scheme_like && gap > first_end {
        let second_end = run(gap);
        if second_end > gap {
            return Some(AuthValue {
                scheme: Some((pos, first_end)),
                start: gap,
                end: second_end,
            });
        }
    }
    Some(AuthValue {
        scheme: None,
        start: pos,
        end: first_end,
    })
}

/// Whether a Basic credential decodes to `user:password` (mostly printable text with a colon).
fn basic_credential_ok(credential: &str) -> bool {
    base64_decode(credential).is_some_and(|bytes| {
        let printable = bytes.iter().filter(|b| (0x20..0x7f).contains(*b)).count();
        bytes.len() > 1 && bytes.contains(&b':') && printable * 10 >= bytes.len() * 9
    })
}

/// Whether a credential from an authorization value is worth reporting.
pub(crate) fn authorization_credential(
    scheme: Option<&str>,
    credential: &str,
) -> Option<&'static str> {
    // A value cut at a space (`<your token>`) or a structure is not a credential.
    if is_placeholder(credential) || credential.starts_with(['<', '{', '[', '(']) {
        return None;
    }
    match scheme.map(str::to_ascii_lowercase).as_deref() {
        Some("basic") => basic_credential_ok(credential).then_some("basic-auth"),
        Some("digest" | "negotiate" | "ntlm" | "hoba" | "mutual" | "vapid") => None,
        _ => looks_secret(credential).then_some("bearer-token"),
    }
}

/// `Authorization: Bearer …`, `Authorization: Basic …`, `"Authorization": "token …"`.
pub(crate) fn authorization(
    text: &str,
    caps: &Captures<'_>,
    _rule: &Rule,
    out: &mut Vec<Candidate>,
) {
    let m = whole(caps);
    // `Authorization` or `Proxy-Authorization`, not the end of a longer word.
    if m.start() > 0 && text.as_bytes()[m.start() - 1].is_ascii_alphanumeric() {
        return;
    }
    let Some(value) = split_authorization(text, m.end()) else {
        return;
    };
    let scheme = value.scheme.map(|(s, e)| &text[s..e]);
    if let Some(kind) = authorization_credential(scheme, &text[value.start..value.end]) {
        out.push(Candidate::new(value.start, value.end, kind, 1));
    }
}

/// Start of the shell command that contains `pos`, following `\` line continuations back.
///
/// Looks back at most [`MAX_SCAN`] bytes.
fn command_start(text: &str, pos: usize) -> usize {
    let window = behind(text, pos, MAX_SCAN);
    let base = pos - window.len();
    let mut start = window.rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let before = window[..start - 1].trim_end_matches('\r');
        if before.ends_with('\\') {
            start = before.rfind('\n').map_or(0, |i| i + 1);
        } else {
            break;
        }
    }
    base + start
}

/// One shell word starting at `pos`: its unquoted characters with their byte offsets.
fn shell_word(text: &str, pos: usize) -> Vec<(usize, char)> {
    let mut chars = ahead(text, pos, MAX_SCAN)
        .char_indices()
        .map(|(i, c)| (pos + i, c))
        .peekable();
    let mut word = Vec::new();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => break,
            '\'' | '"' => {
                chars.next();
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    if d == c && !escaped {
                        break;
                    }
                    escaped = c == '"' && d == '\\' && !escaped;
                    if !escaped {
                        word.push((j, d));
                    }
                }
            }
            _ => {
                word.push((i, c));
                chars.next();
            }
        }
    }
    word
}

/// `curl -u user:password` and `curl --user 'user:password'`; with an empty password the user
/// part is reported when it looks like an API key (`curl -u sk_live_…:`).
pub(crate) fn curl_user(text: &str, caps: &Captures<'_>, rule: &Rule, out: &mut Vec<Candidate>) {
    let m = whole(caps);
    let own_word = m.start() == 0 || text.as_bytes()[m.start() - 1].is_ascii_whitespace();
    if !own_word || !text[command_start(text, m.start())..m.start()].contains("curl") {
        return;
    }
    let word = shell_word(text, m.end());
    let Some(colon) = word.iter().position(|&(_, c)| c == ':') else {
        return;
    };
    let user: String = word[..colon].iter().map(|&(_, c)| c).collect();
    let pass: String = word[colon + 1..].iter().map(|&(_, c)| c).collect();
    let (part, ok) = if pass.is_empty() {
        (&word[..colon], looks_secret(&user))
    } else {
        (
            &word[colon + 1..],
            password_ok(&pass, Some(&user)) && !user_looks_templated(&user),
        )
    };
    if let (true, Some(&(first, _)), Some(&(last, c))) = (ok, part.first(), part.last()) {
        out.push(Candidate::new(first, last + c.len_utf8(), rule.id, 2));
    }
}

/// A user name that is itself a reference (`$USER`, `${{ env.ID }}`) marks the pair as a
/// template even when the password half was written differently.
fn user_looks_templated(user: &str) -> bool {
    !user.is_empty() && super::heuristics::is_interpolation(user)
}

const PEM_HEADERS: &[&str] = &["Proc-Type:", "DEK-Info:", "Version:", "Comment:", "Hash:"];

/// Counts the base64 characters of a PEM body (real or `\n`-escaped line breaks, header lines
/// skipped) and returns them.
fn pem_body(body: &str) -> String {
    let unescaped = body.replace("\\r", "\n").replace("\\n", "\n");
    unescaped
        .lines()
        .filter(|line| !PEM_HEADERS.iter().any(|h| line.trim_start().starts_with(h)))
        .flat_map(str::chars)
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect()
}

/// `-----BEGIN … PRIVATE KEY-----` through its `-----END … -----` line, or through the base64
/// that follows when the block was cut off. In a service-account JSON (`"private_key"` next to
/// `"type": "service_account"`) the kind is `gcp-service-account-key`.
pub(crate) fn pem(text: &str, caps: &Captures<'_>, rule: &Rule, out: &mut Vec<Candidate>) {
    let m = whole(caps);
    let window = ahead(text, m.end(), 32 * 1024);
    // A key body never holds dashes: the first run of them ends the block, either as its END
    // line or as the next marker of a block that was cut off.
    let dashes = window.find("-----");
    let end = match dashes {
        Some(rel) if window[rel..].starts_with("-----END") => {
            let marker = m.end() + rel + "-----END".len();
            match ahead(text, marker, 64).find("-----") {
                Some(c) => marker + c + "-----".len(),
                None => return,
            }
        }
        _ => {
            let body = &window[..dashes.unwrap_or(window.len())];
            let len = body
                .char_indices()
                .find(|&(_, c)| {
                    !(c.is_ascii_alphanumeric()
                        || matches!(c, '+' | '/' | '=' | '\\' | '\n' | '\r' | ' ' | '\t'))
                })
                .map_or(body.len(), |(i, _)| i);
            m.end() + len
        }
    };
    let body = pem_body(&text[m.end()..end]);
    if body.len() < 40 || shannon_entropy(&body) < 3.5 {
        return;
    }
    let service_account = behind(text, m.start(), 48).contains("\"private_key\"")
        && (behind(text, m.start(), MAX_SCAN).contains("service_account")
            || ahead(text, end, MAX_SCAN).contains("service_account"));
    let kind = if service_account {
        "gcp-service-account-key"
    } else {
        rule.id
    };
    out.push(Candidate::new(m.start(), end, kind, 2));
}

/// Whether base64url text decodes to something that starts like a JSON object.
fn decodes_to_object(part: &str) -> Option<String> {
    let bytes = base64_decode(part.trim_end_matches('='))?;
    let s = String::from_utf8_lossy(&bytes).into_owned();
    s.trim_start().starts_with('{').then_some(s)
}

/// A JWT: the header must decode to a JSON object with an `"alg"` member and the payload to a
/// JSON object; the signature is optional (unsecured JWTs).
pub(crate) fn jwt(text: &str, caps: &Captures<'_>, rule: &Rule, out: &mut Vec<Candidate>) {
    let m = whole(caps);
    if !boundaries_ok(text, m.start(), m.end(), "", "") {
        return;
    }
    let mut parts = m.as_str().split('.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return;
    };
    let header_ok = decodes_to_object(header)
        .is_some_and(|h| h.trim_end().ends_with('}') && h.contains("\"alg\""));
    if header_ok && decodes_to_object(payload).is_some() {
        out.push(Candidate::new(m.start(), m.end(), rule.id, 2));
    }
}

/// Bytes of a URL scheme after its first letter.
fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')
}

/// Bytes that end a URL in running text.
fn ends_url(b: u8) -> bool {
    URL_END[usize::from(b)]
}

/// [`ends_url`] as a table: blanks, quotes, angle brackets, backtick, backslash.
static URL_END: [bool; 256] = {
    let mut table = [false; 256];
    let ends = b" \t\n\r\x0b\x0c\"'<>`\\";
    let mut i = 0;
    while i < ends.len() {
        table[ends[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether a URL can hold a credential at all: user info (`user:pass@host`), or a parameter
/// whose name holds a credential stem (`token`, `key`, `secret`, `pass`, `pwd`, `sig`, `auth`,
/// `cred`). Most URLs in ordinary text (links, badges) have neither and need no parsing.
fn may_hold_credential(url: &str) -> bool {
    let bytes = url.as_bytes();
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let authority_end = bytes[after_scheme..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(bytes.len(), |i| after_scheme + i);
    if bytes[after_scheme..authority_end].contains(&b'@') {
        return true;
    }
    let mut name_start = after_scheme;
    for (i, &b) in bytes.iter().enumerate().skip(after_scheme) {
        match b {
            b'?' | b'&' | b';' | b'/' | b'#' => name_start = i + 1,
            b'=' => {
                if has_credential_stem(&bytes[name_start.min(i)..i]) {
                    return true;
                }
                name_start = i + 1;
            }
            _ => {}
        }
    }
    false
}

/// Passwords in URL user info and credential-like query parameters, at each `://`: the URL is
/// a scheme of 2 to 31 characters starting with a letter, `://`, and everything up to a blank,
/// quote, angle bracket, backtick or backslash.
pub(crate) fn url(
    text: &str,
    kw_start: usize,
    kw_end: usize,
    _rule: &Rule,
    cursor: &mut usize,
    out: &mut Vec<Candidate>,
) {
    let bytes = text.as_bytes();
    let mut run = kw_start;
    while run > 0 && kw_start - run < 31 && is_scheme_byte(bytes[run - 1]) {
        run -= 1;
    }
    // The earliest letter that leaves at least two scheme characters before `://`.
    let Some(start) = (run..kw_start.saturating_sub(1)).find(|&i| bytes[i].is_ascii_alphabetic())
    else {
        return;
    };
    if start < *cursor {
        return;
    }
    let mut end = kw_end;
    let mut assigns = false;
    while end < bytes.len() && !ends_url(bytes[end]) {
        assigns |= matches!(bytes[end], b'@' | b'=');
        end += 1;
    }
    if end == kw_end {
        return;
    }
    *cursor = end;
    // Without `@` or `=` there is neither user info nor a parameter value.
    if !assigns {
        return;
    }
    // The URL ends at a byte below 0x80, so `end` is a character boundary.
    let found = &text[start..end];
    let trimmed = found.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
    if !may_hold_credential(trimmed) {
        return;
    }
    for cred in url_credential_spans(trimmed) {
        out.push(Candidate::new(
            start + cred.start,
            start + cred.end,
            cred.kind,
            2,
        ));
    }
}

const ODBC_CONTEXT: &[&str] = &[
    "server=",
    "data source=",
    "host=",
    "hostname=",
    "uid=",
    "user id=",
    "userid=",
    "user=",
    "username=",
    "database=",
    "initial catalog=",
    "driver=",
    "dsn=",
    "port=",
];

/// `Password=…;` inside an ADO.NET/ODBC/JDBC-style connection string.
pub(crate) fn odbc_password(
    text: &str,
    caps: &Captures<'_>,
    rule: &Rule,
    out: &mut Vec<Candidate>,
) {
    let m = whole(caps);
    let bytes = text.as_bytes();
    let own_key = m.start() == 0
        || matches!(bytes[m.start() - 1], b';' | b'"' | b'\'' | b'{')
        || bytes[m.start() - 1].is_ascii_whitespace();
    if !own_key {
        return;
    }
    let start = m.end();
    let (value_start, value_end) = if bytes.get(start) == Some(&b'{') {
        match ahead(text, start, MAX_SCAN).find('}') {
            Some(close) => (start + 1, start + close),
            None => return,
        }
    } else {
        let mut i = start;
        while i < bytes.len()
            && i - start < MAX_SCAN
            && !matches!(bytes[i], b';' | b'"' | b'\'' | b'\n' | b'\r')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        (start, i)
    };
    if value_end <= value_start {
        return;
    }
    let before = behind(text, m.start(), 512);
    let line_start = before
        .rfind(['\n', '"', '\''])
        .map_or(m.start() - before.len(), |i| {
            m.start() - before.len() + i + 1
        });
    let after = ahead(text, value_end, 512);
    let line_end = after
        .find(['\n', '"', '\''])
        .map_or(value_end + after.len(), |i| value_end + i);
    let line = text[line_start..line_end].to_ascii_lowercase();
    let line = line.replace(" =", "=");
    if !ODBC_CONTEXT.iter().any(|k| line.contains(k)) {
        return;
    }
    if password_ok(&text[value_start..value_end], None) {
        out.push(Candidate::new(value_start, value_end, rule.id, 2));
    }
}

/// `//registry.example.com/:_authToken=…` in an `.npmrc`.
pub(crate) fn npmrc(text: &str, caps: &Captures<'_>, rule: &Rule, out: &mut Vec<Candidate>) {
    let Ok((start, end)) = value_at(text, whole(caps).end()) else {
        return;
    };
    if looks_secret(&text[start..end]) {
        out.push(Candidate::new(start, end, rule.id, 2));
    }
}
