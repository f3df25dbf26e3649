//! Static rules over MCP client configs.
//!
//! The main types: [`Finding`] (one problem, with a rule id, [`Severity`], position and fix),
//! [`Report`] (what `mcpward scan` prints: configs, servers and findings), [`Capability`] (what a
//! server can reach), and the [`catalogue`] of known servers and packages.

pub mod catalogue;
pub mod render;
pub mod rules;
mod model;

pub use model::{
    Capability, ConfigReport, Ecosystem, Finding, PackageInfo, Report, ServerReport, Severity,
};
