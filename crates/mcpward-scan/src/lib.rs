//! Static rules over MCP client configs.
//!
//! The main types: [`Finding`] (one problem, with a rule id, [`Severity`], position and fix),
//! [`Report`] (what `mcpward scan` prints: configs, servers and findings), [`Capability`] (what a
//! server can reach), and the [`catalogue`] of known servers and packages. [`connect`] is the
//! sans-IO half of `scan --connect`: which servers to start, and the [`connect::Connection`]s
//! the caller hands back in [`Input::connections`].

pub mod catalogue;
pub mod connect;
pub mod inventory;
mod model;
pub mod render;
pub mod rules;
mod scan;

pub use model::{
    Capability, ConfigReport, Ecosystem, Finding, PackageInfo, Report, ServerReport, Severity,
};
pub use rules::{FileFacts, NoFacts, RuleMeta};
pub use scan::{Input, scan};
