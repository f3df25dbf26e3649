//! Stage one: the policy file exactly as written, with the span of every value.
//!
//! Every table denies unknown keys, so a misspelled key is an error rather than a rule that
//! silently does nothing. [`compile`](crate::compile) turns these into a [`Policy`](crate::Policy).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{
    InjectionAction, PoisonedToolAction, SecretAction, SecretInArgsAction, ToolChangeAction,
    Verdict,
};

pub(crate) type List = Option<Spanned<Vec<Spanned<String>>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WirePolicy {
    pub(crate) version: Option<Spanned<i64>>,
    pub(crate) defaults: Option<Spanned<WireDefaults>>,
    pub(crate) servers: Option<Spanned<BTreeMap<Spanned<String>, Spanned<WireServer>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireDefaults {
    pub(crate) decision: Option<Spanned<Verdict>>,
    pub(crate) on_injection: Option<Spanned<InjectionAction>>,
    pub(crate) on_secret: Option<Spanned<SecretAction>>,
    pub(crate) on_tool_change: Option<Spanned<ToolChangeAction>>,
    pub(crate) on_poisoned_tool: Option<Spanned<PoisonedToolAction>>,
    pub(crate) on_secret_in_args: Option<Spanned<SecretInArgsAction>>,
    pub(crate) approval_timeout: Option<Spanned<String>>,
    pub(crate) hide_denied_tools: Option<Spanned<bool>>,
    pub(crate) strict_schema: Option<Spanned<bool>>,
    pub(crate) sampling: Option<Spanned<Verdict>>,
    pub(crate) elicitation: Option<Spanned<Verdict>>,
    pub(crate) roots: Option<Spanned<Verdict>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireServer {
    pub(crate) allow: List,
    pub(crate) ask: List,
    pub(crate) deny: List,
    pub(crate) private: List,
    pub(crate) untrusted: List,
    pub(crate) paths: Option<Spanned<WireLists>>,
    pub(crate) urls: Option<Spanned<WireLists>>,
    pub(crate) rules: Option<Spanned<Vec<Spanned<WireRule>>>>,
    pub(crate) sandbox: Option<Spanned<WireSandbox>>,
    pub(crate) sampling: Option<Spanned<Verdict>>,
    pub(crate) elicitation: Option<Spanned<Verdict>>,
    pub(crate) roots: Option<Spanned<Verdict>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireLists {
    pub(crate) allow: List,
    pub(crate) deny: List,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireRule {
    pub(crate) tool: Option<Spanned<String>>,
    pub(crate) deny_when: Option<Spanned<String>>,
    pub(crate) ask_when: Option<Spanned<String>>,
    pub(crate) allow_when: Option<Spanned<String>>,
    pub(crate) reason: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireSandbox {
    pub(crate) fs_read: List,
    pub(crate) fs_write: List,
    pub(crate) net: List,
    pub(crate) env: List,
}
