//! Credentials inside URLs: a password in the user info (`scheme://user:PASS@host`), a token used
//! as the user name (`https://ghp_…@github.com`), and credential-like query parameters.

use super::heuristics::{
    has_reference, is_interpolation, is_non_secret_word, is_placeholder, looks_secret, password_ok,
    reference_default, shannon_entropy, words,
};

/// A credential found in a URL, as a byte range of the URL string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UrlCredential {
    /// Start of the credential.
    pub(crate) start: usize,
    /// End of the credential (exclusive).
    pub(crate) end: usize,
    /// The match kind to report.
    pub(crate) kind: &'static str,
}

/// The connection-string kind for a database scheme, or `None` for other schemes.
fn database_kind(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "postgres" | "postgresql" | "pgsql" => "postgres-connection-string",
        "mysql" | "mysqlx" | "mariadb" => "mysql-connection-string",
        "mongodb" | "mongodb+srv" => "mongodb-connection-string",
        "redis" | "rediss" | "valkey" => "redis-connection-string",
        "amqp" | "amqps" => "amqp-connection-string",
        "mssql" | "sqlserver" => "mssql-connection-string",
        "clickhouse" | "clickhouses" => "clickhouse-connection-string",
        _ => return None,
    })
}

/// Query parameter names whose value is a credential, normalized (lower case, without `-` and
/// `_`).
const CREDENTIAL_PARAMS: &[&str] = &[
    "token",
    "accesstoken",
    "idtoken",
    "refreshtoken",
    "authtoken",
    "apitoken",
    "privatetoken",
    "sessiontoken",
    "xamzsecuritytoken",
    "key",
    "apikey",
    "secret",
    "clientsecret",
    "appsecret",
    "password",
    "passwd",
    "pwd",
    "pass",
    "sig",
    "signature",
    "xamzsignature",
    "xgoogsignature",
    "auth",
    "accesskey",
    "secretkey",
];

/// Endings of normalized parameter names that hold a credential, whatever vendor name comes
/// first (`tavilyApiKey`, `exa_api_key`, `githubToken`, `dbPassword`, `x-amz-signature`).
const CREDENTIAL_ENDINGS: &[&str] = &[
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "authkey",
    "appkey",
    "licensekey",
    "masterkey",
    "signingkey",
    "subscriptionkey",
    "token",
    "secret",
    "password",
    "passwd",
    "auth",
    "sig",
    "signature",
    "credential",
    "credentials",
];

/// Fragments of normalized names that are not credentials even though they end like one:
/// pagination and protocol bookkeeping (`pageToken`, `next_token`, `continuationToken`,
/// `csrf_token`), public keys (`publicKey`, `pubkey`, `publishableKey`, reCAPTCHA's `sitekey`),
/// and signed-URL scopes that carry a key id rather than a secret (`X-Amz-Credential`).
const NON_CREDENTIAL_FRAGMENTS: &[&str] = &[
    "pagetoken",
    "nexttoken",
    "prevtoken",
    "continuationtoken",
    "synctoken",
    "resumetoken",
    "cursor",
    "csrf",
    "xsrf",
    "public",
    "publishable",
    "pubkey",
    "sitekey",
    "idempotency",
    "xamzcredential",
    "xgoogcredential",
];

/// Words of a parameter name (split like [`words`]) that make it a non-credential when it ends
/// in a bare `key`: `sortKey`, `partition_key`, `cacheKey`, `idempotency-key`.
fn non_credential_key_word(word: &str) -> bool {
    matches!(
        word,
        "sort"
            | "partition"
            | "row"
            | "cache"
            | "primary"
            | "foreign"
            | "hot"
            | "site"
            | "lookup"
            | "group"
            | "object"
            | "dedup"
            | "dedupe"
            | "map"
            | "hash"
    )
}

/// What a query parameter holds, which decides how its value is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Param {
    /// A password: short words are allowed.
    Password,
    /// A signature: long and random.
    Signature,
    /// Any other credential: a key or token.
    Secret,
}

/// Whether a parameter name holds a credential stem (`token`, `key`, `secret`, `pass`, `pwd`,
/// `sig`, `auth`, `cred`), without regard to case: every credential name does.
pub(super) fn has_credential_stem(name: &[u8]) -> bool {
    const STEMS: &[&[u8]] = &[
        b"token", b"key", b"secret", b"pass", b"pwd", b"sig", b"auth", b"cred",
    ];
    STEMS.iter().any(|stem| {
        name.windows(stem.len())
            .any(|w| w.eq_ignore_ascii_case(stem))
    })
}

/// Classifies a query parameter name, compared without regard to case, `-` and `_`: a name in
/// [`CREDENTIAL_PARAMS`], one ending in [`CREDENTIAL_ENDINGS`] or in a bare `key` word
/// (`exaApiKey`, `x-api-key`, `mapsKey`), except pagination, CSRF and public-key names.
fn classify_param(name: &str) -> Option<Param> {
    // Every credential name holds one of these; most parameters (`style=`, `page=`) hold none
    // and are dismissed without splitting them into words.
    if !has_credential_stem(name.as_bytes()) {
        return None;
    }
    let normalized: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if normalized.is_empty()
        || NON_CREDENTIAL_FRAGMENTS
            .iter()
            .any(|f| normalized.contains(f))
    {
        return None;
    }
    let ws = words(name);
    if ws.iter().any(|w| is_non_secret_word(w.as_bytes())) {
        return None;
    }
    let listed = CREDENTIAL_PARAMS.contains(&normalized.as_str())
        || CREDENTIAL_ENDINGS.iter().any(|e| normalized.ends_with(e));
    let keyed =
        ws.last().is_some_and(|w| w == "key") && !ws.iter().any(|w| non_credential_key_word(w));
    if !listed && !keyed {
        return None;
    }
    Some(
        if ["password", "passwd", "pwd", "pass"]
            .iter()
            .any(|p| normalized == *p)
            || normalized.ends_with("password")
            || normalized.ends_with("passwd")
        {
            Param::Password
        } else if normalized.ends_with("sig") || normalized.ends_with("signature") {
            Param::Signature
        } else {
            Param::Secret
        },
    )
}

/// Whether a query parameter's value is a credential: a known token format, or a literal that
/// passes the check for its kind of parameter.
fn query_value_ok(param: Param, value: &str) -> bool {
    if is_placeholder(value) {
        return false;
    }
    match param {
        Param::Signature => {
            value.len() >= 16 && shannon_entropy(value) >= 3.0 && !has_reference(value)
        }
        Param::Password => password_ok(value, None),
        Param::Secret => looks_secret(value),
    }
}

/// The literal part of a URL component: the component itself, or, for a whole
/// `${NAME:-default}` reference, its default (innermost when defaults nest), which the client
/// uses when `NAME` is unset. Returned as a byte range of `part`.
fn literal_part(part: &str) -> (usize, usize) {
    let (mut start, mut end) = (0, part.len());
    while let Some((default, ref_end)) = reference_default(&part[start..end]) {
        if ref_end != end - start {
            break;
        }
        (start, end) = (start + default.start, start + default.end);
    }
    (start, end)
}

/// The first index of `c` in `s` outside `${...}` references.
fn find_outside_references(s: &str, c: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            _ if b == c && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// Every credential in `url`, user info first, then query parameters in order.
pub(crate) fn url_credential_spans(url: &str) -> Vec<UrlCredential> {
    let mut found = Vec::new();
    let Some(sep) = url.find("://") else {
        return found;
    };
    let scheme_start = url[..sep]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let scheme = url[scheme_start..sep].to_ascii_lowercase();
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return found;
    }
    let authority_start = sep + 3;
    let rest = &url[authority_start..];
    let rest_len = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '\\'))
        .unwrap_or(rest.len());
    let rest = &rest[..rest_len];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@');
    let host_start = at.map_or(0, |at| at + 1);
    let db_kind = database_kind(&scheme);

    if let Some(at) = at {
        let userinfo = &rest[..at];
        let host_ok = rest[host_start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '[');
        if host_ok && !userinfo.is_empty() {
            // Colons inside `${USER:-app}` do not separate the user from the password.
            let (user, pass, pass_start) = match find_outside_references(userinfo, b':') {
                Some(colon) => (&userinfo[..colon], &userinfo[colon + 1..], colon + 1),
                None => (userinfo, "", userinfo.len()),
            };
            let (user_start, user_end) = literal_part(user);
            let user = &user[user_start..user_end];
            if !pass.is_empty() {
                let (lit_start, lit_end) = literal_part(pass);
                let literal = &pass[lit_start..lit_end];
                // A second colon is not user:password (`cvs://:pserver:anoncvs@host`).
                if find_outside_references(pass, b':').is_none()
                    && password_ok(literal, Some(user))
                    && !is_interpolation(user)
                {
                    found.push(UrlCredential {
                        start: authority_start + pass_start + lit_start,
                        end: authority_start + pass_start + lit_end,
                        kind: db_kind.unwrap_or("basic-auth-url"),
                    });
                }
            } else if let Some(kind) = super::known_token_kind(user) {
                found.push(UrlCredential {
                    start: authority_start + user_start,
                    end: authority_start + user_end,
                    kind,
                });
            }
        }
    }

    // Query parameters, and `;key=value` properties (JDBC SQL Server) after the host.
    let tail_rel = rest[host_start..]
        .find(['/', '?', ';'])
        .map_or(rest.len(), |i| host_start + i);
    let tail_start = authority_start + tail_rel;
    let tail = &url[tail_start..authority_start + rest.len()];
    let azure_sas = tail.contains("sv=") && tail.contains("sig=");
    let mut offset = 0;
    for piece in tail.split(['?', '&', ';']) {
        let piece_start = tail_start + offset;
        offset += piece.len() + 1;
        let Some((name, value)) = piece.split_once('=') else {
            continue;
        };
        let value = value.split('#').next().unwrap_or(value);
        let Some(param) = classify_param(name) else {
            continue;
        };
        let (lit_start, lit_end) = literal_part(value);
        let value = &value[lit_start..lit_end];
        if value.is_empty() {
            continue;
        }
        let known = super::known_token_kind(value);
        if known.is_none() && !query_value_ok(param, value) {
            continue;
        }
        let kind = if azure_sas && name.eq_ignore_ascii_case("sig") {
            "azure-sas-token"
        } else if let Some(kind) = known {
            kind
        } else if let (Some(kind), Param::Password) = (db_kind, param) {
            kind
        } else {
            "url-query-secret"
        };
        let start = piece_start + name.len() + 1 + lit_start;
        found.push(UrlCredential {
            start,
            end: start + value.len(),
            kind,
        });
    }
    found
}

/// The byte range of the credential in a URL: the password in the user info
/// (`scheme://user:PASS@host`), a known token used as the user name, or the value of a
/// credential-like query parameter (`token=`, `key=`, `api_key=`, `access_token=`, `secret=`,
/// `password=`, `sig=`, `apikey=`, `auth=`, and vendor-prefixed names such as `tavilyApiKey=`
/// or `exa_api_key=`; not `pageToken=`, `csrf_token=` or `publicKey=`).
///
/// For a password or parameter written as `${NAME:-default}`, the default is judged, and its
/// range returned, since the client uses it when `NAME` is unset.
///
/// Returns `None` when there is none, or when the value is an interpolation (`${DB_PASSWORD}`)
/// or a placeholder (`<password>`).
pub fn url_credentials(url: &str) -> Option<(usize, usize)> {
    url_credential_spans(url).first().map(|c| (c.start, c.end))
}
