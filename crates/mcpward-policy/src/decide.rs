//! Deciding a call: glob lists, argument constraints and CEL rules, with precedence
//! deny > ask > allow > `defaults.decision`.

use std::path::Path;

use serde_json::Value;

use crate::args::{self, Found, Kind};
use crate::cel::{self, Bindings};
use crate::explain::{Explanation, Outcome, Step};
use crate::model::Verdict;
use crate::paths::{self, NormPath, PathPattern, PathProblem};
use crate::policy::{Policy, Section};
use crate::urls;

/// One `tools/call` to decide.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The server's name as configured (the `NAME` of `[servers.NAME]`).
    pub server: &'a str,
    /// The tool name the client asked for.
    pub tool: &'a str,
    /// The call's `arguments`; `Value::Null` when absent.
    pub arguments: &'a Value,
    /// The agent (client) name, when known.
    pub agent: Option<&'a str>,
    /// What the session has seen so far.
    pub session: &'a SessionState,
}

/// What a session has seen, for `session.*` in conditions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionState {
    /// Private data and untrusted content were both seen: exfiltration is possible.
    pub tainted: bool,
    /// A tool returned private data.
    pub private_seen: bool,
    /// A tool returned untrusted content.
    pub untrusted_seen: bool,
}

/// What the policy decided and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Allow, ask or deny.
    pub verdict: Verdict,
    /// What decided, as the file names it: `servers.github.deny[0] "delete_*"`,
    /// `servers.postgres.rules[0].deny_when`, `servers.fs.paths.deny "**/.ssh/**"`,
    /// `defaults.decision`; or a built-in check: `builtin.url-private-address`, …
    pub rule: String,
    /// One sentence for the audit log. It may name arguments and paths, so it is not meant
    /// for the model: see [`Decision::model_message`].
    pub reason: String,
}

impl Decision {
    pub(crate) fn new(
        verdict: Verdict,
        rule: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Decision {
            verdict,
            rule: rule.into(),
            reason: reason.into(),
        }
    }

    fn deny(rule: impl Into<String>, reason: impl Into<String>) -> Self {
        Decision::new(Verdict::Deny, rule, reason)
    }

    /// A neutral text for the model: it names the rule, never other tools or what exists.
    pub fn model_message(&self) -> String {
        match self.verdict {
            Verdict::Deny => format!("mcpward denied this call by policy (rule {}).", self.rule),
            Verdict::Ask => format!(
                "mcpward requires a person to approve this call (rule {}).",
                self.rule
            ),
            Verdict::Allow => format!("mcpward allowed this call (rule {}).", self.rule),
        }
    }
}

/// What a caller may add to a [`Call`] for argument checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecideOptions<'a> {
    /// The tool's `inputSchema`: a property's `format` (`uri`, `path`, …) marks URL and path
    /// arguments.
    pub schema: Option<&'a Value>,
    /// The server's working directory (absolute): relative path arguments are judged inside
    /// it. Without it, a relative path can only match relative patterns (`**/.env`) and is
    /// denied wherever `paths.allow` is set.
    pub cwd: Option<&'a Path>,
}

/// Records the steps for `explain`; with no steps vector, `decide` stops at the first deny.
struct Tracer<'t> {
    steps: Option<&'t mut Vec<Step>>,
}

impl Tracer<'_> {
    fn on(&self) -> bool {
        self.steps.is_some()
    }

    fn step(&mut self, rule: &str, outcome: Outcome, detail: impl FnOnce() -> String) {
        if let Some(steps) = self.steps.as_deref_mut() {
            steps.push(Step {
                rule: rule.to_owned(),
                outcome,
                detail: detail(),
            });
        }
    }
}

/// The decisions gathered so far; the first of each kind names the rule.
#[derive(Default)]
struct Found3 {
    deny: Option<Decision>,
    ask: Option<Decision>,
    allow: Option<Decision>,
}

impl Found3 {
    fn add(&mut self, d: Decision) {
        self.add_with(d.verdict, || d);
    }

    /// Records the decision `make` builds, unless one of that verdict came first.
    fn add_with(&mut self, verdict: Verdict, make: impl FnOnce() -> Decision) {
        let slot = match verdict {
            Verdict::Deny => &mut self.deny,
            Verdict::Ask => &mut self.ask,
            Verdict::Allow => &mut self.allow,
        };
        if slot.is_none() {
            *slot = Some(make());
        }
    }
}

fn matched(v: Verdict) -> Outcome {
    Outcome::Matched(v)
}

impl Policy {
    /// Decides `call`. Never panics; anything that goes wrong while deciding denies, naming
    /// what went wrong in `rule` and `reason`.
    pub fn decide(&self, call: &Call<'_>) -> Decision {
        self.decide_with(call, &DecideOptions::default())
    }

    /// [`Policy::decide`] with the tool's schema and the server's working directory.
    pub fn decide_with(&self, call: &Call<'_>, options: &DecideOptions<'_>) -> Decision {
        self.evaluate(call, options, Tracer { steps: None })
    }

    /// Every rule considered for `call`, whether it matched, and the decision, for
    /// `mcpward policy explain`.
    pub fn explain(&self, call: &Call<'_>) -> Explanation {
        self.explain_with(call, &DecideOptions::default())
    }

    /// [`Policy::explain`] with the options of [`Policy::decide_with`].
    pub fn explain_with(&self, call: &Call<'_>, options: &DecideOptions<'_>) -> Explanation {
        let mut steps = Vec::new();
        let decision = self.evaluate(
            call,
            options,
            Tracer {
                steps: Some(&mut steps),
            },
        );
        Explanation {
            server: call.server.to_owned(),
            tool: call.tool.to_owned(),
            sections: self
                .sections(call.server)
                .map(|s| s.prefix.clone())
                .collect(),
            steps,
            decision,
        }
    }

    fn evaluate(
        &self,
        call: &Call<'_>,
        options: &DecideOptions<'_>,
        mut t: Tracer<'_>,
    ) -> Decision {
        let mut found = Found3::default();
        let sections = self.sections(call.server);

        // 1. deny lists.
        for s in sections.clone() {
            for g in &s.deny {
                let hit = g.glob.is_match(call.tool);
                t.step(
                    &g.name,
                    if hit {
                        matched(Verdict::Deny)
                    } else {
                        Outcome::NotMatched
                    },
                    String::new,
                );
                if hit {
                    found.add(Decision::deny(
                        &g.name,
                        format!(
                            "tool `{}` on server `{}` matches the deny pattern \"{}\"",
                            call.tool, call.server, g.text
                        ),
                    ));
                    if !t.on() {
                        return finish(found, self, call);
                    }
                }
            }
        }

        // 2. path and URL arguments.
        self.check_arguments_constraints(call, options, sections.clone(), &mut found, &mut t);
        if found.deny.is_some() && !t.on() {
            return finish(found, self, call);
        }

        // 3. conditions.
        let mut bindings: Option<Bindings> = None;
        for s in sections.clone() {
            for rule in &s.rules {
                if !rule.tool.is_match(call.tool) {
                    if t.on() {
                        t.step(
                            &format!("{}.tool", rule.key),
                            Outcome::NotApplicable,
                            || format!("tool \"{}\" does not match", rule.tool_text),
                        );
                    }
                    continue;
                }
                for c in &rule.conditions {
                    let b = bindings.get_or_insert_with(|| Bindings::new(&self.env, call));
                    match cel::evaluate(&c.program, b) {
                        Ok(true) => {
                            t.step(&c.name, matched(c.verdict), || c.source.clone());
                            found.add_with(c.verdict, || {
                                let reason = match &rule.reason {
                                    Some(r) => r.clone(),
                                    None => format!("the condition `{}` held", c.source),
                                };
                                Decision::new(c.verdict, &c.name, reason)
                            });
                            if c.verdict == Verdict::Deny && !t.on() {
                                return finish(found, self, call);
                            }
                        }
                        Ok(false) => t.step(&c.name, Outcome::NotMatched, || c.source.clone()),
                        Err(e) => {
                            t.step(&c.name, Outcome::Error, || e.clone());
                            found.add(Decision::deny(&c.name, e));
                            if !t.on() {
                                return finish(found, self, call);
                            }
                        }
                    }
                }
            }
        }

        // 4. ask and allow lists.
        for (verdict, pick) in [
            (
                Verdict::Ask,
                (|s: &Section| &s.ask) as fn(&Section) -> &Vec<_>,
            ),
            (Verdict::Allow, |s: &Section| &s.allow),
        ] {
            // Without a trace, a later verdict cannot change the outcome once a stronger
            // one was found.
            if !t.on()
                && (found.ask.is_some() || (verdict == Verdict::Allow && found.allow.is_some()))
            {
                break;
            }
            for s in sections.clone() {
                for g in pick(s) {
                    let hit = g.glob.is_match(call.tool);
                    t.step(
                        &g.name,
                        if hit {
                            matched(verdict)
                        } else {
                            Outcome::NotMatched
                        },
                        String::new,
                    );
                    if hit {
                        found.add_with(verdict, || {
                            Decision::new(
                                verdict,
                                &g.name,
                                format!(
                                    "tool `{}` on server `{}` matches the {verdict} pattern \"{}\"",
                                    call.tool, call.server, g.text
                                ),
                            )
                        });
                    }
                }
            }
        }
        finish(found, self, call)
    }

    fn check_arguments_constraints<'s>(
        &'s self,
        call: &Call<'_>,
        options: &DecideOptions<'_>,
        sections: impl Iterator<Item = &'s Section> + Clone,
        found: &mut Found3,
        t: &mut Tracer<'_>,
    ) {
        let want_paths = sections.clone().any(Section::has_path_rules);
        let args = match args::collect(call.arguments, options.schema, want_paths) {
            Ok(a) => a,
            Err(args::TooDeep) => {
                let d = Decision::deny(
                    "builtin.arguments-too-deep",
                    format!(
                        "the arguments nest deeper than {} levels and cannot be checked",
                        args::MAX_DEPTH
                    ),
                );
                t.step(&d.rule, Outcome::Error, || d.reason.clone());
                found.add(d);
                return;
            }
        };
        for arg in &args {
            let result = match arg.kind {
                Kind::Path => self.check_path(arg, options, sections.clone()),
                Kind::Url => self.check_url(arg, sections.clone()),
            };
            match result {
                Ok(checked) => {
                    if t.on() {
                        t.step(
                            &format!("arguments {}", arg.pointer),
                            Outcome::NotMatched,
                            || {
                                format!(
                                    "{} argument (by {}) passes: {}",
                                    kind_word(arg.kind),
                                    evidence_word(arg.evidence),
                                    checked.describe()
                                )
                            },
                        );
                    }
                }
                Err(d) => {
                    t.step(&d.rule, matched(Verdict::Deny), || d.reason.clone());
                    found.add(d);
                    if !t.on() {
                        return;
                    }
                }
            }
        }
    }

    /// Judges one path argument; `Ok` says what it was judged as.
    fn check_path<'s>(
        &'s self,
        arg: &Found<'_>,
        options: &DecideOptions<'_>,
        sections: impl Iterator<Item = &'s Section> + Clone,
    ) -> Result<Checked, Decision> {
        let invalid = |p: PathProblem| {
            Decision::deny(
                "builtin.path-invalid",
                format!("path argument `{}` {}", arg.pointer, p.describe()),
            )
        };
        let from_url;
        let raw = if arg
            .value
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("file:"))
        {
            from_url = url::Url::parse(arg.value)
                .ok()
                .filter(|u| u.scheme() == "file" && u.host_str().is_none_or(|h| h == "localhost"))
                .and_then(|u| u.to_file_path().ok())
                .and_then(|p| p.to_str().map(str::to_owned))
                .ok_or_else(|| invalid(PathProblem::BadFileUrl))?;
            from_url.as_str()
        } else {
            arg.value
        };
        let home = self.home.as_deref();
        if home.is_none()
            && sections.clone().any(|s| {
                s.paths_allow
                    .iter()
                    .chain(&s.paths_deny)
                    .any(PathPattern::needs_home)
            })
        {
            return Err(invalid(PathProblem::NoHome));
        }
        let cwd = options.cwd.and_then(NormPath::from_real);
        let norm = paths::normalize(raw, home, cwd.as_ref()).map_err(invalid)?;
        self.judge_path(arg, &norm, None, sections.clone())?;
        let real = paths::resolve(self.resolver.as_ref(), &norm).map_err(invalid)?;
        if let Some(real) = &real {
            self.judge_path(arg, real, Some(&norm), sections)?;
        }
        Ok(Checked::Path(norm, real))
    }

    /// Checks a normalized path (or, with `lexical`, the symlink-resolved form of it).
    fn judge_path<'s>(
        &'s self,
        arg: &Found<'_>,
        path: &NormPath,
        lexical: Option<&NormPath>,
        sections: impl Iterator<Item = &'s Section> + Clone,
    ) -> Result<(), Decision> {
        let home = self.home.as_deref();
        let shown = || match lexical {
            Some(l) => format!(
                "`{}`, which resolves through a symlink to `{}`,",
                l.display(),
                path.display()
            ),
            None => format!("`{}`", path.display()),
        };
        let hits = |p: &PathPattern| {
            p.matches(path, home)
                || (lexical.is_some()
                    && p.base(home)
                        .and_then(|b| self.resolver.canonicalize(&b.to_path_buf()))
                        .and_then(|b| NormPath::from_real(&b))
                        .is_some_and(|real_base| p.matches_under(&real_base, path)))
        };
        for s in sections.clone() {
            if let Some(p) = s.paths_deny.iter().find(|p| hits(p)) {
                return Err(Decision::deny(
                    format!("{}.paths.deny \"{}\"", s.prefix, p.text),
                    format!(
                        "path argument `{}` is {} which matches the denied pattern \"{}\"",
                        arg.pointer,
                        shown(),
                        p.text
                    ),
                ));
            }
        }
        let Some(owner) = sections.clone().find(|s| !s.paths_allow.is_empty()) else {
            return Ok(());
        };
        if sections.clone().any(|s| s.paths_allow.iter().any(&hits)) {
            return Ok(());
        }
        let reason = if path.absolute {
            format!(
                "path argument `{}` is {} which is outside every paths.allow pattern",
                arg.pointer,
                shown()
            )
        } else {
            format!(
                "path argument `{}` is the relative path {}; without the server's working directory it cannot be placed inside paths.allow",
                arg.pointer,
                shown()
            )
        };
        Err(Decision::deny(
            format!("{}.paths.allow", owner.prefix),
            reason,
        ))
    }

    /// Judges one URL argument; `Ok` says what it was judged as.
    fn check_url<'s>(
        &'s self,
        arg: &Found<'_>,
        sections: impl Iterator<Item = &'s Section> + Clone,
    ) -> Result<Checked, Decision> {
        let problem = |p: urls::UrlProblem| {
            Decision::deny(
                p.builtin_rule(),
                format!("URL argument `{}` {}", arg.pointer, p.describe()),
            )
        };
        let url = urls::parse_arg(arg.value).map_err(problem)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        for s in sections.clone() {
            if let Some(p) = s.urls_deny.iter().find(|p| p.matches(&url)) {
                return Err(Decision::deny(
                    format!("{}.urls.deny \"{}\"", s.prefix, p.text),
                    format!(
                        "URL argument `{}` (host `{host}`) matches the denied pattern \"{}\"",
                        arg.pointer, p.text
                    ),
                ));
            }
        }
        let explicit = sections
            .clone()
            .any(|s| s.urls_allow.iter().any(|p| p.is_explicit_for(&url)));
        if !urls::scheme_is_web(&url) && !explicit {
            return Err(problem(urls::UrlProblem::Scheme(url.scheme().to_owned())));
        }
        if let Some(kind) = urls::special_host(&url)
            && !explicit
        {
            return Err(problem(urls::UrlProblem::SpecialHost(kind, host)));
        }
        if let Some(owner) = sections.clone().find(|s| !s.urls_allow.is_empty()) {
            let inside = sections
                .clone()
                .any(|s| s.urls_allow.iter().any(|p| p.matches(&url)));
            if !inside {
                return Err(Decision::deny(
                    format!("{}.urls.allow", owner.prefix),
                    format!(
                        "URL argument `{}` (host `{host}`) is outside every urls.allow pattern",
                        arg.pointer
                    ),
                ));
            }
        }
        Ok(Checked::Url(host))
    }

    /// Whether the policy marks `tool`'s output as private data (`servers.NAME.private`), for
    /// session taint.
    pub fn tool_private(&self, server: &str, tool: &str) -> bool {
        self.sections(server)
            .any(|s| s.private.iter().any(|g| g.glob.is_match(tool)))
    }

    /// Whether the policy marks `tool`'s output as untrusted content
    /// (`servers.NAME.untrusted`), for session taint.
    pub fn tool_untrusted(&self, server: &str, tool: &str) -> bool {
        self.sections(server)
            .any(|s| s.untrusted.iter().any(|g| g.glob.is_match(tool)))
    }

    /// Whether `tool` appears in `tools/list`: `false` when `hide_denied_tools` is on and the
    /// tool is denied whatever its arguments (a deny pattern matches, or nothing could allow
    /// it and the default is deny).
    pub fn tool_visible(&self, server: &str, tool: &str) -> bool {
        if !self.defaults.hide_denied_tools {
            return true;
        }
        let sections = self.sections(server);
        if sections
            .clone()
            .any(|s| s.deny.iter().any(|g| g.glob.is_match(tool)))
        {
            return false;
        }
        let listed = sections.clone().any(|s| {
            s.ask.iter().chain(&s.allow).any(|g| g.glob.is_match(tool))
                || s.rules.iter().any(|r| {
                    r.tool.is_match(tool) && r.conditions.iter().any(|c| c.verdict != Verdict::Deny)
                })
        });
        listed || self.defaults.decision != Verdict::Deny
    }

    /// Decides a request the server sends to the client: `sampling/*` (default deny),
    /// `elicitation/*` (default allow), `roots/*` (default allow), each overridable per
    /// server (`sampling = "allow"` in `[servers.NAME]`, or in `[servers."*"]`) and in
    /// `[defaults]`. Other methods are not governed here and are allowed.
    pub fn server_request(&self, server: &str, method: &str) -> Decision {
        type Pick = fn(&Section) -> Option<Verdict>;
        let (field, default, pick): (&str, Verdict, Pick) = if method.starts_with("sampling/") {
            ("sampling", self.defaults.sampling, |s| s.sampling)
        } else if method.starts_with("elicitation/") {
            ("elicitation", self.defaults.elicitation, |s| s.elicitation)
        } else if method.starts_with("roots/") {
            ("roots", self.defaults.roots, |s| s.roots)
        } else {
            return Decision::new(
                Verdict::Allow,
                "builtin.ungoverned-method",
                format!("server request `{method}` is not one the policy governs"),
            );
        };
        let (verdict, rule) = self
            .sections(server)
            .find_map(|s| pick(s).map(|v| (v, format!("{}.{field}", s.prefix))))
            .unwrap_or_else(|| (default, format!("defaults.{field}")));
        Decision::new(
            verdict,
            rule,
            format!("server `{server}` sent `{method}`; {field} is {verdict}"),
        )
    }
}

/// What an argument that passed was judged as, for `explain`.
enum Checked {
    Path(NormPath, Option<NormPath>),
    Url(String),
}

impl Checked {
    fn describe(&self) -> String {
        match self {
            Checked::Path(p, None) => format!("`{}`", p.display()),
            Checked::Path(p, Some(real)) => {
                format!("`{}` (resolves to `{}`)", p.display(), real.display())
            }
            Checked::Url(host) => format!("host `{host}`"),
        }
    }
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Path => "path",
        Kind::Url => "URL",
    }
}

fn evidence_word(e: args::Evidence) -> &'static str {
    match e {
        args::Evidence::Format => "schema format",
        args::Evidence::Name => "name",
        args::Evidence::Shape => "shape",
    }
}

fn finish(found: Found3, policy: &Policy, call: &Call<'_>) -> Decision {
    found.deny.or(found.ask).or(found.allow).unwrap_or_else(|| {
        Decision::new(
            policy.defaults.decision,
            "defaults.decision",
            format!(
                "no rule decides tool `{}` on server `{}`; the default is {}",
                call.tool, call.server, policy.defaults.decision
            ),
        )
    })
}
