//! Report renderers: [`human`] for a terminal, [`json`] for `--format json` (version 1) and
//! [`sarif`] for `--format sarif` (SARIF 2.1.0, as GitHub code scanning reads it).
//!
//! Each renderer is a pure function from a [`Report`](crate::Report) to a `String` that ends with
//! one newline, ready for `print!`: no I/O, no environment, no clock, so the same report always
//! renders to the same bytes. The caller decides colour (`NO_COLOR`, tty) and reads the config
//! files whose lines the human renderer quotes.

pub mod human;
pub mod json;
pub mod sarif;

/// The rules whose finding span covers a secret value: a renderer that quotes source text must
/// never show the bytes of these spans.
const SECRET_RULES: [&str; 4] = [
    "secret-in-config",
    "token-in-url",
    "config-tracked-with-secret",
    "config-world-readable",
];

/// Whether the span of a finding of this rule covers a secret value.
fn is_secret_rule(rule: &str) -> bool {
    SECRET_RULES.contains(&rule)
}
