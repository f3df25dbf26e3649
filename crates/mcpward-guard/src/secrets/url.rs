//! Credentials inside URLs: a password in the user info (`scheme://user:PASS@host`), a token used
//! as the user name (`https://ghp_…@github.com`), and credential-like query parameters.

use super::heuristics::{is_placeholder, looks_secret, password_ok, shannon_entropy};

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

/// Query parameters whose value is a credential.
const CREDENTIAL_PARAMS: &[&str] = &[
    "token",
    "access_token",
    "accesstoken",
    "id_token",
    "refresh_token",
    "auth_token",
    "authtoken",
    "api_token",
    "apitoken",
    "private_token",
    "privatetoken",
    "session_token",
    "x-amz-security-token",
    "key",
    "api_key",
    "apikey",
    "api-key",
    "secret",
    "client_secret",
    "app_secret",
    "password",
    "passwd",
    "pwd",
    "pass",
    "sig",
    "signature",
    "x-amz-signature",
    "x-goog-signature",
    "auth",
    "access_key",
    "secret_key",
];

fn is_password_param(name: &str) -> bool {
    matches!(name, "password" | "passwd" | "pwd" | "pass")
}

fn query_value_ok(name: &str, value: &str) -> bool {
    if is_placeholder(value) {
        return false;
    }
    if matches!(
        name,
        "sig" | "signature" | "x-amz-signature" | "x-goog-signature"
    ) {
        return value.len() >= 16 && shannon_entropy(value) >= 3.0;
    }
    if is_password_param(name) {
        return password_ok(value, None);
    }
    looks_secret(value)
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
            let (user, pass, pass_start) = match userinfo.find(':') {
                Some(colon) => (&userinfo[..colon], &userinfo[colon + 1..], colon + 1),
                None => (userinfo, "", userinfo.len()),
            };
            if !pass.is_empty() {
                // A second colon is not user:password (`cvs://:pserver:anoncvs@host`).
                if !pass.contains(':')
                    && password_ok(pass, Some(user))
                    && !super::heuristics::is_interpolation(user)
                {
                    found.push(UrlCredential {
                        start: authority_start + pass_start,
                        end: authority_start + at,
                        kind: db_kind.unwrap_or("basic-auth-url"),
                    });
                }
            } else if let Some(kind) = super::known_token_kind(user) {
                found.push(UrlCredential {
                    start: authority_start,
                    end: authority_start + user.len(),
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
        let name = name.to_ascii_lowercase();
        if value.is_empty() || !CREDENTIAL_PARAMS.contains(&name.as_str()) {
            continue;
        }
        if !query_value_ok(&name, value) {
            continue;
        }
        let kind = if azure_sas && name == "sig" {
            "azure-sas-token"
        } else if let (Some(kind), true) = (db_kind, is_password_param(&name)) {
            kind
        } else {
            "url-query-secret"
        };
        let start = piece_start + name.len() + 1;
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
/// `password=`, `sig=`, `apikey=`, `auth=`, ...).
///
/// Returns `None` when there is none, or when the value is an interpolation (`${DB_PASSWORD}`)
/// or a placeholder (`<password>`).
pub fn url_credentials(url: &str) -> Option<(usize, usize)> {
    url_credential_spans(url).first().map(|c| (c.start, c.end))
}
