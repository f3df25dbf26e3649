//! What `mcpward policy explain` prints: every rule considered for a call, in the order the
//! decision considered it, and the outcome.

use std::fmt;

use crate::decide::Decision;
use crate::model::Verdict;

/// The trace of one decision.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The server the call was for.
    pub server: String,
    /// The tool.
    pub tool: String,
    /// The tables that applied, in order: `servers.github`, `servers."*"`. Empty when the
    /// file names neither the server nor `"*"`.
    pub sections: Vec<String>,
    /// Every rule considered.
    pub steps: Vec<Step>,
    /// The decision, the same [`Policy::decide`](crate::Policy::decide) returns.
    pub decision: Decision,
}

/// One rule considered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The rule's name, as in [`Decision::rule`].
    pub rule: String,
    /// Whether it matched.
    pub outcome: Outcome,
    /// The expression, the argument judged, or the error.
    pub detail: String,
}

/// How a considered rule came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The rule matched and yields this verdict.
    Matched(Verdict),
    /// The rule was checked and did not match (for an argument: it passed).
    NotMatched,
    /// The rule does not apply to this tool.
    NotApplicable,
    /// Evaluating the rule failed; that denies.
    Error,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Matched(v) => write!(f, "matched ({v})"),
            Outcome::NotMatched => f.write_str("no match"),
            Outcome::NotApplicable => f.write_str("not applicable"),
            Outcome::Error => f.write_str("error (deny)"),
        }
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "server `{}`, tool `{}`", self.server, self.tool)?;
        if self.sections.is_empty() {
            writeln!(f, "tables: none (only [defaults] applies)")?;
        } else {
            writeln!(f, "tables: {}", self.sections.join(", "))?;
        }
        for s in &self.steps {
            write!(f, "  {:<16} {}", s.outcome.to_string(), s.rule)?;
            if !s.detail.is_empty() {
                write!(f, ": {}", s.detail)?;
            }
            writeln!(f)?;
        }
        writeln!(
            f,
            "decision: {} by {}",
            self.decision.verdict, self.decision.rule
        )?;
        write!(f, "reason: {}", self.decision.reason)
    }
}
