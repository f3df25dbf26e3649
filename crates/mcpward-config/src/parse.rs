//! Parsing config text into a [`Node`] tree with spans.
//!
//! JSON is parsed leniently (comments, trailing commas), as VS Code and Cursor write it. Every
//! parser here takes untrusted text and must return an error, never panic.

use crate::{Format, Node};

/// Files larger than this are not parsed: they become a `config-parse-error`.
pub const MAX_CONFIG_BYTES: usize = 10 * 1024 * 1024;

/// Why a document could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ParseError {
    /// Byte offset in the text where the problem was found.
    pub offset: usize,
    /// What is wrong, in words for a user (no secret values).
    pub message: String,
}

/// Parses `text` written in `format`.
pub fn parse_document(format: Format, text: &str) -> Result<Node, ParseError> {
    match format {
        Format::Json => json::parse(text),
        Format::Toml => toml::parse(text),
        Format::Yaml => yaml::parse(text),
    }
}

mod json;
mod toml;
mod yaml;
