//! Judgement calls shared by every rule: is a value a reference to a secret rather than the
//! secret itself, is it a placeholder, does a key name promise a credential, and does a value look
//! random enough to be one.

use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Shannon entropy of `s` in bits per character (0.0 for the empty string).
///
/// A random hex string approaches 4, random base64 approaches 6; English words and placeholders
/// stay well below 3.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut ascii = [0u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut total = 0u32;
    for c in s.chars() {
        total += 1;
        if c.is_ascii() {
            ascii[c as usize] += 1;
        } else if let Some(entry) = other.iter_mut().find(|(k, _)| *k == c) {
            entry.1 += 1;
        } else {
            other.push((c, 1));
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = f64::from(total);
    ascii
        .iter()
        .copied()
        .chain(other.iter().map(|&(_, n)| n))
        .filter(|&n| n > 0)
        .map(|n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// The entropy a secret-looking value of `len` characters should reach: 70 % of the most its
/// length allows, capped at 3 bits per character (random hex of 20+ characters sits near 3.7).
pub(crate) fn min_entropy_for(len: usize) -> f64 {
    if len < 2 {
        return f64::INFINITY;
    }
    let len = f64::from(u32::try_from(len).unwrap_or(u32::MAX));
    (0.7 * len.log2()).min(3.0)
}

/// Trims whitespace and one pair of matching surrounding quotes.
pub(crate) fn strip_quotes(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\'', '`'] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            // A backtick pair is command substitution, which is a reference: keep it.
            if q == '`' {
                return v;
            }
            return v[1..v.len() - 1].trim();
        }
    }
    v
}

/// Strips a leading HTTP authorization scheme ("Bearer ", "Basic ", "Token ", ...).
pub(crate) fn strip_auth_scheme(value: &str) -> &str {
    let v = value.trim_start();
    if let Some((scheme, rest)) = v.split_once([' ', '\t']) {
        let lower = scheme.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "bearer" | "basic" | "token" | "apikey" | "api-key" | "key" | "ssws" | "jwt"
        ) {
            return rest.trim();
        }
    }
    v
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether the whole value is one reference that a tool resolves elsewhere.
fn whole_reference(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("op://")
        || lower.starts_with("@microsoft.keyvault(")
        || lower.starts_with("arn:aws:secretsmanager:")
        || lower.starts_with("arn:aws:ssm:")
        || lower.starts_with("vault:")
        || lower.starts_with("keychain:")
        || (lower.starts_with("<%") && lower.ends_with("%>"))
        || (lower.starts_with("#{") && lower.ends_with('}'))
    {
        return true;
    }
    for prefix in ["env:", "env.", "secret:", "secrets.", "input:"] {
        if let Some(rest) = lower.strip_prefix(prefix)
            && (is_identifier(rest) || rest.split('.').all(is_identifier))
        {
            return true;
        }
    }
    if v.len() >= 3 && v.starts_with('%') && v.ends_with('%') && is_identifier(&v[1..v.len() - 1]) {
        return true;
    }
    false
}

/// Index just past the bracket that closes the one opened at `open` (nesting counted), or the
/// end of the string for an unterminated reference.
fn closing(bytes: &[u8], open: usize, left: u8, right: u8) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        if bytes[i] == left {
            depth += 1;
        } else if bytes[i] == right {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    bytes.len()
}

/// Whether the byte before a `$` or `%` separates it from literal text: punctuation or a space,
/// not a letter, digit, `_`, another `$` or `%`, or part of a non-ASCII character.
fn separates(before: u8) -> bool {
    before.is_ascii() && !before.is_ascii_alphanumeric() && !matches!(before, b'_' | b'$' | b'%')
}

/// A name that reads as a variable: one case throughout (`PASSWORD`, `db_pass`) or words
/// (`apiKey`). Random text after a `$` (`$mP2vQz7Lw`) is not one.
fn variable_name(name: &str) -> bool {
    let upper = name
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let lower = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    upper || lower || identifier_like(name)
}

/// The end of the reference that starts at `i`, if one does.
///
/// `${..}`, `$(..)`, `{{..}}` and a closed pair of backticks are references wherever they
/// stand. `$NAME`, `$1` and `%NAME%` are references only at a boundary (`boundary`: the start
/// of the value, after punctuation or right after another reference), so that a `$` or `%`
/// inside random text (`Tr0ub4dor$Horse99x`) stays literal; away from the start of the value
/// the name must also read as a variable name.
fn reference_end(v: &str, i: usize, boundary: bool) -> Option<usize> {
    let bytes = v.as_bytes();
    let next = bytes.get(i + 1).copied();
    match (bytes[i], next) {
        (b'$', Some(b'{')) => Some(closing(bytes, i + 1, b'{', b'}')),
        (b'$', Some(b'(')) => Some(closing(bytes, i + 1, b'(', b')')),
        (b'{', Some(b'{')) => Some(v[i..].find("}}").map_or(bytes.len(), |end| i + end + 2)),
        (b'`', _) => v[i + 1..].find('`').map(|end| i + 1 + end + 1),
        (b'$', Some(c)) if boundary && (c.is_ascii_alphabetic() || c == b'_') => {
            let mut j = i + 1;
            if v[j..].to_ascii_lowercase().starts_with("env:") {
                j += 4;
            }
            let name_start = j;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            (i == 0 || variable_name(&v[name_start..j])).then_some(j)
        }
        (b'$', Some(c)) if boundary && c.is_ascii_digit() => Some(i + 2),
        (b'%', Some(c)) if boundary && (c.is_ascii_alphabetic() || c == b'_') => {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            (bytes.get(j) == Some(&b'%')).then_some(j + 1)
        }
        _ => None,
    }
}

/// Removes every reference (`${..}`, `$(..)`, `{{..}}`, backticks, `$VAR`, `$1`, `%VAR%`; see
/// [`reference_end`]) and returns whether any was found together with the remaining literal
/// text.
fn remove_references(v: &str) -> (bool, String) {
    let bytes = v.as_bytes();
    let mut rest = String::new();
    let mut found = false;
    let mut after_reference = false;
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || after_reference || separates(bytes[i - 1]);
        match reference_end(v, i, boundary) {
            Some(end) => {
                found = true;
                after_reference = true;
                i = end.max(i + 1);
            }
            None => {
                after_reference = false;
                let ch = v[i..].chars().next().unwrap_or('\u{fffd}');
                rest.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
        // Keep `i` on a character boundary whatever a reference consumed.
        while i < bytes.len() && !v.is_char_boundary(i) {
            i += 1;
        }
    }
    (found, rest)
}

/// Whether the value contains a reference somewhere (`user:$PASSWORD`, `prefix-${ID}`): its
/// literal part is then only part of whatever secret the template resolves to.
pub(crate) fn has_reference(v: &str) -> bool {
    remove_references(v).0
}

/// Whether the value, or the secret part of it, is a reference to a secret kept elsewhere rather
/// than a literal: `${VAR}`, `${VAR:-x}`, `${env:VAR}`, `${input:id}`, `${{ secrets.X }}`, `$VAR`,
/// `$(cmd)`, `` `cmd` ``, `%VAR%`, `{{VAR}}`, `env:VAR`, `op://vault/item/field`,
/// `@Microsoft.KeyVault(...)`, and values made only of references and separators, such as
/// `Bearer ${TOKEN}` or `${USER}:${PASS}`.
///
/// Any letter or digit outside the references makes the value a literal: a `$` inside random
/// text (`Tr0ub4dor$Horse99x`) is part of a password, not a reference. The default of
/// `${VAR:-default}` is not looked at here: the secret finders judge it as a literal.
///
/// References are never secrets.
pub fn is_interpolation(value: &str) -> bool {
    let v = strip_auth_scheme(strip_quotes(value));
    if v.is_empty() {
        return false;
    }
    if whole_reference(v) {
        return true;
    }
    let (found, rest) = remove_references(v);
    found && !rest.chars().any(char::is_alphanumeric)
}

/// The longest default [`reference_default`] reads; a longer one is not a config value.
const MAX_DEFAULT: usize = 4096;

/// The length of `NAME` and of the operator in a `${NAME:-` opening at the start of `v` (also
/// `${NAME-`, `${NAME:=` and `${NAME=`).
fn default_opening(v: &str) -> Option<usize> {
    let rest = v.strip_prefix("${")?;
    let name_len = rest
        .bytes()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    if name_len == 0 {
        return None;
    }
    let op = [":-", ":=", "-", "="]
        .into_iter()
        .find(|op| rest[name_len..].starts_with(op))?;
    Some(2 + name_len + op.len())
}

/// For a `${NAME:-default}` reference at the start of `v` (also `${NAME-default}`,
/// `${NAME:=default}` and `${NAME=default}`): the byte range of `default`, the literal a shell
/// or an MCP client uses when `NAME` is unset, and the index just past the closing brace.
///
/// `None` for any other text, for an unterminated reference, and for a default longer than
/// [`MAX_DEFAULT`].
pub(crate) fn reference_default(v: &str) -> Option<(Range<usize>, usize)> {
    let start = default_opening(v)?;
    let bytes = v.as_bytes();
    let mut depth = 1usize;
    let mut i = start;
    while i < bytes.len() && i - start <= MAX_DEFAULT {
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((start..i, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The non-empty defaults of the `${NAME:-default}` references in `v` (see
/// [`reference_default`]), outermost only, as byte ranges of `v`.
pub(crate) fn default_literals(v: &str) -> Vec<Range<usize>> {
    // Match every brace once, so that a value full of unterminated references stays linear.
    let bytes = v.as_bytes();
    let mut closes = vec![None; bytes.len()];
    let mut open = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    closes[o] = Some(i);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = v[i..].find("${") {
        let at = i + rel;
        let opening = default_opening(&v[at..]);
        match (opening, closes[at + 1]) {
            (Some(len), Some(close)) if at + len <= close => {
                if at + len < close {
                    out.push(at + len..close);
                }
                i = close + 1;
            }
            _ => i = at + 2,
        }
    }
    out
}

/// Whether text ending with `before` has just opened the default of a reference (`${NAME:-`,
/// `${NAME-`, `${NAME:=`, `${NAME=`): a token that follows starts there, whatever the operator
/// character before it.
pub(crate) fn opens_default(before: &str) -> bool {
    let Some(rest) = [":-", ":=", "-", "="]
        .into_iter()
        .find_map(|op| before.strip_suffix(op))
    else {
        return false;
    };
    let name_len = rest
        .bytes()
        .rev()
        .take(129)
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    (1..=128).contains(&name_len) && rest[..rest.len() - name_len].ends_with("${")
}

/// Words of a key or value in lower case: split at punctuation, at lower-to-upper case changes
/// (`apiKey`), before the last capital of an acronym (`APIKey`) and between letters and digits.
pub(crate) fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(char::is_lowercase))
                || (prev.is_ascii_digit() != c.is_ascii_digit() && prev.is_alphanumeric());
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Words that, alone or together, make a value a placeholder or an obvious example.
fn is_placeholder_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "abc"
            | "abcd"
            | "abcdef"
            | "access"
            | "account"
            | "actual"
            | "add"
            | "admin"
            | "administrator"
            | "an"
            | "and"
            | "any"
            | "api"
            | "apikey"
            | "app"
            | "application"
            | "asdf"
            | "auth"
            | "aws"
            | "bar"
            | "baz"
            | "be"
            | "bearer"
            | "basic"
            | "bot"
            | "change"
            | "changeme"
            | "client"
            | "code"
            | "conf"
            | "config"
            | "cookie"
            | "cred"
            | "creds"
            | "credential"
            | "credentials"
            | "data"
            | "database"
            | "db"
            | "default"
            | "demo"
            | "dev"
            | "development"
            | "disabled"
            | "dummy"
            | "empty"
            | "enabled"
            | "enter"
            | "env"
            | "example"
            | "examples"
            | "fake"
            | "false"
            | "fixme"
            | "foo"
            | "foobar"
            | "for"
            | "generated"
            | "ghp"
            | "github"
            | "gitlab"
            | "glpat"
            | "goes"
            | "guest"
            | "hello"
            | "here"
            | "hidden"
            | "host"
            | "hunter"
            | "id"
            | "in"
            | "insert"
            | "is"
            | "jwt"
            | "key"
            | "keys"
            | "letmein"
            | "live"
            | "local"
            | "localhost"
            | "login"
            | "masked"
            | "me"
            | "mock"
            | "must"
            | "my"
            | "name"
            | "new"
            | "nil"
            | "no"
            | "none"
            | "not"
            | "null"
            | "of"
            | "off"
            | "on"
            | "openai"
            | "or"
            | "org"
            | "organization"
            | "our"
            | "pass"
            | "passphrase"
            | "passwd"
            | "password"
            | "passwords"
            | "paste"
            | "personal"
            | "pk"
            | "placeholder"
            | "private"
            | "prod"
            | "production"
            | "project"
            | "public"
            | "put"
            | "pwd"
            | "qux"
            | "qwerty"
            | "random"
            | "real"
            | "redacted"
            | "removed"
            | "replace"
            | "required"
            | "rk"
            | "root"
            | "sample"
            | "secret"
            | "secrets"
            | "server"
            | "service"
            | "session"
            | "set"
            | "sig"
            | "signature"
            | "sk"
            | "some"
            | "staging"
            | "str"
            | "string"
            | "super"
            | "tbd"
            | "tenant"
            | "test"
            | "testing"
            | "tests"
            | "text"
            | "that"
            | "the"
            | "this"
            | "to"
            | "todo"
            | "token"
            | "tokens"
            | "true"
            | "undefined"
            | "unset"
            | "url"
            | "user"
            | "username"
            | "usr"
            | "valid"
            | "value"
            | "val"
            | "var"
            | "welcome"
            | "anonymous"
            | "anon"
            | "with"
            | "world"
            | "x"
            | "xx"
            | "xxx"
            | "xyz"
            | "yes"
            | "you"
            | "your"
            | "yours"
    )
}

/// Substrings that mark a value as a stand-in wherever they appear.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "replace-me",
    "replace_with",
    "replace-with",
    "placeholder",
    "redacted",
    "dummy",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "insert_",
    "insert-",
    "_here",
    "-here",
    "notreal",
    "not_real",
    "not-real",
    "not_a_real",
    "fixme",
    "sample",
];

/// One automaton for all markers, so a value is read once rather than once per marker.
static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(PLACEHOLDER_MARKERS)
        // A short constant list of plain strings; the unit tests build it.
        .expect("the placeholder markers form an automaton")
});

fn is_simple_number(word: &str) -> bool {
    let digits: Vec<u8> = word.bytes().collect();
    if digits.len() <= 4 {
        return true;
    }
    let same = digits.windows(2).all(|w| w[0] == w[1]);
    let up = digits
        .windows(2)
        .all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'));
    let down = digits.windows(2).all(|w| w[0] == w[1] + 1);
    same || up || down
}

/// Every word is placeholder vocabulary ("your-api-key-here", "test123", "my_secret_token").
fn vocabulary_only(v: &str) -> bool {
    if v.len() > 64 {
        return false;
    }
    let ws = words(v);
    let mut alphabetic = 0;
    for w in &ws {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            if !is_simple_number(w) {
                return false;
            }
        } else if is_placeholder_word(w) {
            alphabetic += 1;
        } else {
            return false;
        }
    }
    alphabetic > 0
}

/// Longest run of letters or digits that go up (or down) by one: `abcdef`, `123456`, `zyx`.
/// Punctuation breaks a run.
pub(crate) fn longest_sequence(v: &str) -> usize {
    let mut best = 0;
    let (mut up, mut down) = (0usize, 0usize);
    let mut prev: Option<u8> = None;
    for b in v.bytes().map(|b| b.to_ascii_lowercase()) {
        if !b.is_ascii_alphanumeric() {
            (up, down, prev) = (0, 0, None);
            continue;
        }
        match prev {
            Some(p) => {
                up = if b == p.wrapping_add(1) { up + 1 } else { 1 };
                down = if b.wrapping_add(1) == p { down + 1 } else { 1 };
            }
            None => (up, down) = (1, 1),
        }
        best = best.max(up).max(down);
        prev = Some(b);
    }
    best
}

/// Share of adjacent alphanumeric pairs that step by one (`abc123` is 0.8).
fn sequential_ratio(v: &str) -> f64 {
    let chars: Vec<u8> = v
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if chars.len() < 2 {
        return 0.0;
    }
    let steps = chars
        .windows(2)
        .filter(|w| w[1] == w[0].wrapping_add(1) || w[1].wrapping_add(1) == w[0])
        .count();
    f64::from(u32::try_from(steps).unwrap_or(u32::MAX))
        / f64::from(u32::try_from(chars.len() - 1).unwrap_or(u32::MAX))
}

/// One alphanumeric character makes up half of the value or more (`AKIAXXXXXXXX`, `0000-0000`).
fn dominated(v: &str) -> bool {
    let mut counts = [0u32; 128];
    let mut total = 0u32;
    for b in v.bytes().filter(u8::is_ascii_alphanumeric) {
        counts[usize::from(b.to_ascii_lowercase())] += 1;
        total += 1;
    }
    total >= 6 && counts.iter().any(|&n| n * 2 >= total)
}

fn has_run(v: &str, chars: &[char], len: usize) -> bool {
    let mut run = 0usize;
    let mut last: Option<char> = None;
    for c in v.chars() {
        let c = c.to_ascii_lowercase();
        if chars.contains(&c) {
            run = if last == Some(c) { run + 1 } else { 1 };
            if run >= len {
                return true;
            }
        } else {
            run = 0;
        }
        last = Some(c);
    }
    false
}

/// A snake- or kebab-case name in one case, digits allowed: `nl80211_pattern_support`,
/// `IFLA_INET6_TOKEN`, `_bindgen_ty_7`, `scram-sha-256`, `D3D11_STENCIL_OP`. Each part is
/// letters, a short number, or letters with digits, and one part at least is a word of three
/// letters or more.
fn snake_case_name(v: &str) -> bool {
    let sep = |b: u8| b == b'_' || b == b'-';
    let lower = v
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || sep(b));
    let upper = v
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || sep(b));
    let parts = || v.split(['_', '-']).filter(|p| !p.is_empty());
    (lower || upper)
        && v.bytes().any(sep)
        && parts().all(|p| {
            let letters = p.bytes().filter(u8::is_ascii_alphabetic).count();
            letters > 0 || p.len() <= 4
        })
        && parts().any(|p| p.len() >= 3 && p.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// Whether one separator-free piece of a value reads as a name: words of two or more letters
/// (`RcVecIntoIter`, `PATH`, `kEnumerableProperty` with its one-letter prefix) with at most one
/// number, which may be long only among real words (`Socks5Auth`,
/// `X509CertificateTemplatePrivateKeyFlag`), or a short number alone (`256`). Counts words of
/// four or more letters into `long_words`.
fn name_piece(piece: &str, long_words: &mut usize) -> bool {
    if !piece.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    if piece.bytes().all(|b| b.is_ascii_digit()) {
        return piece.len() <= 4;
    }
    let ws = words(piece);
    let wordy = ws
        .iter()
        .filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_alphabetic()))
        .count();
    let max_number = if wordy >= 2 { 5 } else { 2 };
    let mut numbers = 0;
    for (i, w) in ws.iter().enumerate() {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            numbers += 1;
            if w.len() > max_number || numbers > 1 {
                return false;
            }
        } else if w.len() < 2 && !(i == 0 && ws.len() >= 3) {
            return false;
        } else if w.len() >= 4 {
            *long_words += 1;
        }
    }
    true
}

/// An identifier rather than a random value: name-like pieces joined by separators
/// (`ACCESS_TOKEN`, `my-secret`, `fifo:PATH`, `SumoAccessKey`, `MYTOKEN1`), or a snake-case name
/// with digits (`IFLA_INET6_TOKEN`).
pub(crate) fn identifier_like(v: &str) -> bool {
    if v.is_empty() {
        return false;
    }
    if snake_case_name(v) {
        return true;
    }
    let separators = ['_', '-', '.', ' ', ':', '/'];
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || separators.contains(&c))
    {
        return false;
    }
    let mut long_words = 0;
    v.split(separators)
        .filter(|p| !p.is_empty())
        .all(|p| name_piece(p, &mut long_words))
        && (long_words > 0 || !v.bytes().any(|b| b.is_ascii_digit()))
}

/// A dotted expression such as `urllib.request.HTTPPasswordMgr`, `exports2.HEADER_CHARS` or
/// `ed25519.Ed25519PrivateKey.from_private_bytes`.
fn dotted_code(v: &str) -> bool {
    let segments: Vec<&str> = v.split('.').collect();
    segments.len() >= 2
        && segments.iter().all(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        })
        && (segments.iter().any(|s| identifier_like(s))
            || words(v)
                .iter()
                .filter(|w| w.len() >= 3 && w.bytes().all(|b| b.is_ascii_alphabetic()))
                .count()
                >= 2)
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            )
        {
            // Two hex digits make one byte.
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Wrapped in brackets as documentation does: `<YOUR_TOKEN>`, `[PASSWORD]`, `{SumoAccessKey}`.
fn wrapped_placeholder(v: &str) -> bool {
    if v.starts_with('<') && v.ends_with('>') {
        return true;
    }
    for (open, close) in [('[', ']'), ('{', '}'), ('(', ')')] {
        if v.len() >= 2 && v.starts_with(open) && v.ends_with(close) {
            let inner = v[1..v.len() - 1].trim();
            return inner.is_empty() || identifier_like(inner) || inner.contains(' ');
        }
    }
    // `sk-<your key>`, `Bearer <token>`.
    if let (Some(open), Some(close)) = (v.find('<'), v.rfind('>'))
        && open < close
    {
        let inner = &v[open + 1..close];
        if !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '-' | ' ' | '.'))
        {
            return true;
        }
    }
    false
}

/// Whether a value is a stand-in rather than a real secret: `your-api-key-here`,
/// `<YOUR_TOKEN>`, `xxxxxxxx`, `changeme`, `REPLACE_ME`, `sk-...`, `ghp_xxxxxxxx`, `TODO`,
/// `example`, `dummy`, `test`, `***`, an interpolation such as `${...}`, a single repeated
/// character, or a long alphabetical run (`abcdefghijklmnop`).
pub fn is_placeholder(value: &str) -> bool {
    let v = strip_quotes(value);
    if v.is_empty() || is_interpolation(v) || wrapped_placeholder(v) {
        return true;
    }
    if MARKERS.is_match(v) {
        return true;
    }
    if has_run(v, &['x'], 4)
        || has_run(v, &['*'], 3)
        || has_run(v, &['#'], 3)
        || has_run(v, &['.'], 3)
        || has_run(v, &['_'], 4)
        || has_run(v, &['•', '…'], 1)
    {
        return true;
    }
    vocabulary_only(v) || dominated(v) || longest_sequence(v) >= 16
}

fn is_path_like(v: &str) -> bool {
    let b = v.as_bytes();
    // Base64 secrets contain `/` too, but almost never without a capital letter.
    let lowercase_path = v.contains('/') && !v.bytes().any(|b| b.is_ascii_uppercase());
    lowercase_path
        || v.starts_with('/')
        || v.starts_with("./")
        || v.starts_with("../")
        || v.starts_with("~/")
        || v.starts_with("~\\")
        || v.starts_with("file:")
        || v.starts_with("\\\\")
        || (b.len() > 2
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

const FILE_EXTENSIONS: &[&str] = &[
    "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "env", "txt", "pem", "key", "crt", "cer",
    "der", "p12", "pfx", "jks", "keystore", "keytab", "gpg", "asc", "pub", "js", "ts", "py", "sh",
    "rb", "go", "rs", "java", "xml", "html", "png", "jpg", "gif", "svg", "csv", "log", "db",
    "sqlite", "zip", "tar", "gz",
];

fn is_file_name(v: &str) -> bool {
    v.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && FILE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

fn is_email(v: &str) -> bool {
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !local.contains(':')
                && domain.contains('.')
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        }
        None => false,
    }
}

/// A host name or a dotted lower-case identifier (`api.example.com`, `x25519.secret_length`).
fn is_dotted_name(v: &str) -> bool {
    v.contains('.')
        && !v.starts_with('.')
        && v.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | ':')
        })
        && v.split('.').all(|label| !label.is_empty())
}

/// `2024-05-01`, `2024-05-01T10:00:00Z`.
fn is_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// A number literal, possibly with a type or unit suffix: `49187u32`, `16i32`, `0x1F`, `3.5s`.
fn is_number_literal(v: &str) -> bool {
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        return !hex.is_empty()
            && hex.len() <= 16
            && hex.bytes().all(|b| b.is_ascii_hexdigit() || b == b'_');
    }
    let digits_end = body
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'_' || b == b'.'))
        .unwrap_or(body.len());
    let suffix = &body[digits_end..];
    digits_end > 0
        && suffix.len() <= 5
        && suffix
            .bytes()
            .next()
            .is_none_or(|b| b.is_ascii_alphabetic())
        && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_version(v: &str) -> bool {
    let core = v.strip_prefix('v').unwrap_or(v);
    let core = core.split(['-', '+']).next().unwrap_or(core);
    core.contains('.')
        && core
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Values that are never secrets whatever their key says: booleans, short numbers, paths, URLs,
/// e-mail addresses, host names, versions, file names and code.
fn obviously_not_secret(v: &str) -> bool {
    let digits_only = v.bytes().all(|b| b.is_ascii_digit());
    (digits_only && v.len() < 16)
        || is_path_like(v)
        || v.contains("://")
        || v.starts_with("www.")
        || is_email(v)
        || is_dotted_name(v)
        || dotted_code(v)
        || is_version(v)
        || is_date(v)
        || is_number_literal(v)
        || is_file_name(v)
        || v.contains(['(', ')', '{', '}', '[', ']'])
        || v.contains("::")
        || v.contains("->")
        || v.starts_with("this.")
        || v.starts_with("self.")
}

/// Whether a value found next to a credential-like key looks like a literal secret: long
/// enough, not a placeholder or reference, not an obvious non-secret, and varied enough.
pub(crate) fn looks_secret(v: &str) -> bool {
    let len = v.chars().count();
    if !(8..=4096).contains(&len) || v.chars().any(char::is_whitespace) {
        return false;
    }
    if is_placeholder(v) || obviously_not_secret(v) || identifier_like(v) {
        return false;
    }
    if v.contains('%') && is_placeholder(&percent_decode(v)) {
        return false;
    }
    // Partly templated (`user:$PASSWORD`, `prefix-${ID}`): the literal part is not the secret.
    if has_reference(v) {
        return false;
    }
    if sequential_ratio(v) >= 0.5 {
        return false;
    }
    shannon_entropy(v) >= min_entropy_for(len)
}

/// Whether a password found in a URL, a `curl -u` argument or a connection string is a literal
/// worth reporting. Passwords are often short words, so this asks less than [`looks_secret`].
pub(crate) fn password_ok(pass: &str, user: Option<&str>) -> bool {
    let len = pass.chars().count();
    if !(4..=1024).contains(&len) || pass.chars().any(char::is_whitespace) {
        return false;
    }
    if pass.bytes().all(|b| b.is_ascii_digit()) && len < 6 {
        return false;
    }
    if user.is_some_and(|u| u.eq_ignore_ascii_case(pass)) {
        return false;
    }
    // A partly templated password (`pre${SUFFIX}`) is not the password itself.
    !is_placeholder(pass) && !has_reference(pass)
}

/// A UUID of version 1, 2 or 6: a timestamp, a clock sequence and a node (often a MAC
/// address). It carries at most 14 random bits, so it identifies something rather than
/// guarding it; credentials drawn as UUIDs are version 4 (random) or 7.
pub(crate) fn is_time_based_uuid(v: &str) -> bool {
    is_uuid(v) && matches!(v.as_bytes().get(14), Some(b'1' | b'2' | b'6'))
}

/// `8-4-4-4-12` hexadecimal digits.
fn is_uuid(v: &str) -> bool {
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the value of a bare `key` name (`--key`, `key`), which may hold anything from a sort
/// order to a file name, is random enough to be a credential: a UUID, or 16 characters or more
/// mixing letters and digits with at least 3 bits of entropy per character, and secret-looking
/// by [`looks_secret`] (so never a word, path, URL, number or placeholder).
pub(crate) fn random_key_value(v: &str) -> bool {
    if !looks_secret(v) {
        return false;
    }
    let mixed = v.chars().count() >= 16
        && v.bytes().any(|b| b.is_ascii_alphabetic())
        && v.bytes().any(|b| b.is_ascii_digit())
        && shannon_entropy(v) >= 3.0;
    is_uuid(v) || mixed
}

/// Last words of a key that make it describe a secret rather than hold one
/// (`TOKEN_URL`, `SECRET_NAME`, `PASSWORD_FILE`, `ACCESS_KEY_ID`).
fn is_non_secret_tail(word: &[u8]) -> bool {
    matches!(
        word,
        b"id"
            | b"ids"
            | b"name"
            | b"names"
            | b"url"
            | b"uri"
            | b"urls"
            | b"uris"
            | b"endpoint"
            | b"endpoints"
            | b"host"
            | b"hostname"
            | b"port"
            | b"file"
            | b"files"
            | b"filename"
            | b"path"
            | b"paths"
            | b"dir"
            | b"directory"
            | b"folder"
            | b"type"
            | b"types"
            | b"kind"
            | b"length"
            | b"len"
            | b"size"
            | b"version"
            | b"format"
            | b"mode"
            | b"count"
            | b"prefix"
            | b"suffix"
            | b"header"
            | b"headers"
            | b"label"
            | b"source"
            | b"src"
            | b"method"
            | b"methods"
            | b"provider"
            | b"expiry"
            | b"expires"
            | b"expiration"
            | b"expire"
            | b"ttl"
            | b"timeout"
            | b"lifetime"
            | b"duration"
            | b"env"
            | b"var"
            | b"variable"
            | b"field"
            | b"fields"
            | b"hint"
            | b"policy"
            | b"required"
            | b"enabled"
            | b"enable"
            | b"disabled"
            | b"min"
            | b"max"
            | b"limit"
            | b"limits"
            | b"location"
            | b"region"
            | b"scope"
            | b"scopes"
            | b"audience"
            | b"issuer"
            | b"arn"
            | b"ref"
            | b"reference"
            | b"template"
            | b"pattern"
            | b"regex"
            | b"algorithm"
            | b"alg"
            | b"encoding"
            | b"rotation"
            | b"created"
            | b"updated"
            | b"date"
            | b"time"
            | b"timestamp"
            | b"protocol"
            | b"at"
            | b"on"
            | b"by"
            | b"since"
            | b"until"
            | b"rate"
            | b"ratio"
            | b"percent"
            | b"score"
            | b"user"
            | b"username"
            | b"login"
            | b"email"
            | b"owner"
            | b"description"
            | b"desc"
            | b"text"
            | b"title"
            | b"placeholder"
            | b"help"
            | b"store"
            | b"manager"
            | b"helper"
            | b"command"
            | b"cmd"
            | b"class"
            | b"handler"
            | b"callback"
            | b"validator"
            | b"generator"
            | b"strategy"
            | b"schema"
            | b"config"
            | b"configuration"
            | b"settings"
            | b"setting"
            | b"option"
            | b"options"
            | b"flag"
            | b"flags"
            | b"param"
            | b"params"
            | b"parameter"
            | b"index"
            | b"idx"
            | b"hash"
            | b"usage"
            | b"used"
            | b"number"
            | b"num"
            | b"status"
            | b"state"
            | b"error"
            | b"errors"
            | b"message"
            | b"msg"
            | b"reason"
            | b"response"
            | b"request"
            | b"tag"
            | b"tags"
            | b"level"
            | b"group"
            | b"role"
            | b"roles"
            | b"permission"
            | b"permissions"
            | b"rule"
            | b"rules"
            | b"output"
            | b"column"
            | b"table"
            | b"map"
            | b"list"
            | b"cache"
            | b"storage"
            | b"bucket"
            | b"container"
            | b"vault"
            | b"encryption"
            | b"chars"
            | b"charset"
            | b"characters"
            | b"strength"
            | b"reset"
            | b"changed"
            | b"check"
            | b"validation"
            | b"input"
            | b"box"
            | b"dialog"
            | b"button"
            | b"view"
            | b"link"
            | b"page"
            | b"screen"
            | b"form"
            | b"regexp"
            | b"mask"
    )
}

/// Key words that on their own mean "this holds a credential".
fn is_credential_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"token"
            | b"secret"
            | b"password"
            | b"passwd"
            | b"pwd"
            | b"pass"
            | b"passphrase"
            | b"passcode"
            | b"credential"
            | b"credentials"
            | b"creds"
            | b"auth"
            | b"authorization"
            | b"bearer"
            | b"apikey"
            | b"apitoken"
            | b"accesstoken"
            | b"authtoken"
            | b"accesskey"
            | b"secretkey"
            | b"privatekey"
            | b"clientsecret"
            | b"appkey"
            | b"masterkey"
            | b"signingkey"
            | b"authkey"
            | b"sessiontoken"
    )
}

/// Words that make a following "key" a credential (`API_KEY`, `ACCESS_KEY`, `X-Api-Key`).
fn is_key_modifier(word: &[u8]) -> bool {
    matches!(
        word,
        b"api"
            | b"access"
            | b"secret"
            | b"private"
            | b"master"
            | b"signing"
            | b"encryption"
            | b"account"
            | b"storage"
            | b"app"
            | b"auth"
            | b"client"
            | b"license"
            | b"subscription"
            | b"shared"
            | b"admin"
            | b"ingest"
            | b"management"
            | b"deploy"
            | b"session"
            | b"hmac"
            | b"service"
            | b"integration"
            | b"write"
            | b"server"
    )
}

/// Words that make a key public or not a credential at all (`publicToken`, `csrf-token`,
/// `nextPageToken`).
pub(crate) fn is_non_secret_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"public"
            | b"publishable"
            | b"pub"
            | b"csrf"
            | b"xsrf"
            // Pagination and protocol bookkeeping, which tool results carry everywhere.
            | b"page"
            | b"pagination"
            | b"continuation"
            | b"cursor"
            | b"next"
            | b"prev"
            | b"previous"
            | b"sync"
            | b"resume"
            | b"delta"
            | b"skip"
            | b"etag"
            | b"nonce"
            | b"idempotency"
            | b"correlation"
            | b"trace"
    )
}

/// How a key name relates to credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyClass {
    /// Not credential-like.
    Other,
    /// Holds a credential (`GITHUB_TOKEN`, `api_key`, `password`).
    Credential,
    /// An HTTP `Authorization` header: the value starts with a scheme.
    Authorization,
}

/// The lower-case words of a key, split like [`words`], kept on the stack.
struct KeyWords {
    buf: [u8; KeyWords::MAX_LEN],
    spans: [(u8, u8); KeyWords::MAX_WORDS],
    len: usize,
}

impl KeyWords {
    const MAX_LEN: usize = 96;
    const MAX_WORDS: usize = 24;

    /// `None` for keys too long or with too many words to be a config key name.
    fn new(key: &str) -> Option<Self> {
        let bytes = key.as_bytes();
        if bytes.len() > Self::MAX_LEN {
            return None;
        }
        let mut words = KeyWords {
            buf: [0; Self::MAX_LEN],
            spans: [(0, 0); Self::MAX_WORDS],
            len: 0,
        };
        let mut start: Option<usize> = None;
        for (i, &b) in bytes.iter().enumerate() {
            words.buf[i] = b.to_ascii_lowercase();
            if !b.is_ascii_alphanumeric() {
                if let Some(s) = start.take() {
                    words.push(s, i)?;
                }
                continue;
            }
            if let (Some(s), Some(&prev)) = (start, i.checked_sub(1).and_then(|p| bytes.get(p))) {
                let next = bytes.get(i + 1).copied();
                let boundary = (prev.is_ascii_lowercase() && b.is_ascii_uppercase())
                    || (prev.is_ascii_uppercase()
                        && b.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase()))
                    || prev.is_ascii_digit() != b.is_ascii_digit();
                if boundary {
                    words.push(s, i)?;
                    start = Some(i);
                }
            }
            if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push(s, bytes.len())?;
        }
        Some(words)
    }

    fn push(&mut self, start: usize, end: usize) -> Option<()> {
        let span = self.spans.get_mut(self.len)?;
        // Both fit in a byte: the key is at most MAX_LEN (96) bytes long.
        *span = (u8::try_from(start).ok()?, u8::try_from(end).ok()?);
        self.len += 1;
        Some(())
    }

    fn get(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.buf[usize::from(s)..usize::from(e)]
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = &[u8]> {
        (0..self.len).map(|i| self.get(i))
    }
}

/// Classifies a config key, environment variable, header or CLI flag name.
pub(crate) fn classify_key(key: &str) -> KeyClass {
    // A property path names what its last segment holds: `spring.datasource.password`,
    // `tokenData.cidr_whitelist`. A bare `key` keeps the segment before it: `api.key`.
    let mut segments = key.rsplit('.');
    let last = segments.next().unwrap_or(key);
    let key = if last.eq_ignore_ascii_case("key") {
        match segments.next() {
            Some(prev) => &key[key.len() - last.len() - 1 - prev.len()..],
            None => last,
        }
    } else {
        last
    };
    let Some(ws) = KeyWords::new(key) else {
        return KeyClass::Other;
    };
    if ws.len == 0 || ws.iter().any(is_non_secret_word) {
        return KeyClass::Other;
    }
    if ws.iter().any(|w| w == b"authorization") {
        return if ws.len <= 2 {
            KeyClass::Authorization
        } else {
            KeyClass::Other
        };
    }
    // `token3` and `password_2` are still tokens and passwords.
    let Some(last) = ws.iter().rev().find(|w| !w.iter().all(u8::is_ascii_digit)) else {
        return KeyClass::Other;
    };
    if is_non_secret_tail(last) {
        return KeyClass::Other;
    }
    // "pat" (personal access token) only ends a longer name: `GITLAB_PAT`, not `pat`.
    let pat = ws.len >= 2 && last == b"pat";
    let credential = pat
        || ws.iter().any(is_credential_word)
        || (1..ws.len).any(|i| ws.get(i) == b"key" && is_key_modifier(ws.get(i - 1)));
    if credential {
        KeyClass::Credential
    } else {
        KeyClass::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_values() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("ab") - 1.0).abs() < 1e-9);
        assert!((shannon_entropy("0123456789abcdef") - 4.0).abs() < 1e-9);
        assert!(shannon_entropy("ééa") > 0.9);
    }

    #[test]
    fn splits_words() {
        assert_eq!(words("apiKey"), ["api", "key"]);
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("X-Api-Key"), ["x", "api", "key"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("token3"), ["token", "3"]);
    }

    #[test]
    fn key_classes() {
        for key in [
            "GITHUB_TOKEN",
            "api_key",
            "apiKey",
            "APIKEY",
            "X-API-Key",
            "password",
            "DB_PASS",
            "client_secret",
            "AWS_SECRET_ACCESS_KEY",
            "secret_key_base",
            "--api-key",
            "token3",
            "PRIVATE_KEY",
            "credentials",
            "auth",
            "AZURE_DEVOPS_PAT",
        ] {
            assert_eq!(classify_key(key), KeyClass::Credential, "{key}");
        }
        for key in [
            "AWS_ACCESS_KEY_ID",
            "TOKEN_URL",
            "SECRET_NAME",
            "public_key",
            "publicToken",
            "csrf-token",
            "credentialsId",
            "AuthSource",
            "keyStr",
            "MAX_TOKENS",
            "tokenizer",
            "PATH",
            "secret_length",
            "PASSWORD_FILE",
            "",
        ] {
            assert_eq!(classify_key(key), KeyClass::Other, "{key}");
        }
        assert_eq!(classify_key("Authorization"), KeyClass::Authorization);
        assert_eq!(classify_key("Proxy-Authorization"), KeyClass::Authorization);
    }

    #[test]
    fn secret_looking_values() {
        assert!(looks_secret("3fea6af1349166ea"));
        assert!(looks_secret("Sk94HG7f6KB"));
        assert!(looks_secret("k9Lm2xQp"));
        for v in [
            "true",
            "12345",
            "/etc/secret",
            "https://example.com",
            "api.example.com",
            "ACCESS_TOKEN",
            "searchConfluenceUsingCql",
            "1.2.3",
            "key.pem",
            "AbCeFG123",
            "aaaaaaaaaaaa",
            "short",
            "two words here",
            "user@example.com",
        ] {
            assert!(!looks_secret(v), "{v}");
        }
    }

    #[test]
    fn sequences() {
        assert_eq!(longest_sequence("xabcdefy"), 6);
        assert_eq!(longest_sequence("9876"), 4);
        assert_eq!(longest_sequence(""), 0);
    }
}
