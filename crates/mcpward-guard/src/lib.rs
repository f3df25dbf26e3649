//! Pure text analysis for MCP configs and traffic.
//!
//! The main entry points live in [`secrets`] and are re-exported here:
//!
//! - [`SecretMatch`]: one credential found in a text (a kind and a byte range, never the secret).
//! - [`find_secrets`]: every literal credential in a text, for config scans and tool results.
//! - [`find_secret_in_assignment`]: judges one config key/value pair (`"GITHUB_TOKEN": "…"`).
//! - [`redact`] and [`redact_preview`]: safe output for the gateway and for reports.
//! - [`is_placeholder`], [`is_interpolation`], [`url_credentials`], [`shannon_entropy`]: the
//!   building blocks, for rules that need them on their own.
//!
//! - [`screen::screen`]: sanitize a text bound for a model (ANSI escapes, invisible, bidi and
//!   tag characters removed; hidden HTML counted), then check it for prompt injection (a layered
//!   detector: an Aho-Corasick prefilter over anchor phrases, confirming patterns, a scored
//!   verdict with the spans that fired) and for secrets. [`normalize`] holds the sanitizer and
//!   the detection-only folding (NFKC, confusables). `docs/screening.md` lists what is caught
//!   and how to measure it (`cargo run --release -p mcpward-guard --example eval`).
//! - [`tools::screen_tool`]: look for poisoning in a tool definition.
//!
//! The crate does no I/O: it takes text and returns decisions, so it can be fuzzed and
//! benchmarked without files or sockets.

mod injection;
pub mod normalize;
pub mod screen;
pub mod secrets;
pub mod tools;

pub use secrets::{
    SecretMatch, find_secret_in_assignment, find_secrets, is_interpolation, is_placeholder,
    known_kinds, redact, redact_preview, shannon_entropy, url_credentials,
};
