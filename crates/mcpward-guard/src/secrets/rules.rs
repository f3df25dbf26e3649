//! The rule table: one entry per documented credential format.
//!
//! Each rule has a stable id (the `kind` reported in a [`SecretMatch`](super::SecretMatch)),
//! keywords for the Aho-Corasick prefilter (a rule's regex runs only when one of its keywords
//! occurs in the text, compared without regard to ASCII case), a regex, and what to do with a
//! match. Formats come from the vendors' published token descriptions; rules were written for
//! this crate, not copied from other rule sets.
//!
//! A rule whose regex has a group named `s` reports that group (the value next to a key name);
//! otherwise it reports the whole match.

use super::Candidate;
use super::extract;

/// Pulls candidates out of one regex match of a rule that needs custom parsing.
pub(crate) type Extractor = fn(&str, &regex::Captures<'_>, &Rule, &mut Vec<Candidate>);

/// Pulls candidates from around one keyword occurrence (its byte range), without a regex.
/// Occurrences come in text order; the `usize` is a cursor the extractor may move forward past
/// text it has already judged (a value), so that keywords inside it are skipped.
pub(crate) type KeywordExtractor = fn(&str, usize, usize, &Rule, &mut usize, &mut Vec<Candidate>);

/// Extra validation for a token rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verify {
    /// Boundaries, placeholder and entropy checks only.
    Plain,
    /// GitHub's token format (also npm's): a four-character prefix, 30 random characters and
    /// their base62 CRC-32. A valid checksum proves the format and skips the placeholder and
    /// entropy heuristics; a failing one falls back to them.
    GithubChecksum,
    /// Both upper- and lower-case letters must occur (random mixed-case alphabets).
    MixedCase,
    /// Upper case, lower case and digits must all occur.
    AllClasses,
}

/// How a token rule is checked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub(crate) verify: Verify,
    /// Higher wins when candidates overlap: 3 self-identifying token, 2 token found by its key
    /// name or a structured credential, 1 an authorization value, 0 a generic secret.
    pub(crate) priority: u8,
    /// Characters, besides the defaults, that may not touch the token on its left.
    pub(crate) left_extra: &'static str,
    /// The token may follow this text directly (a Telegram token after `/bot` in an API URL).
    pub(crate) allow_after: &'static str,
    /// The whole match starts with a key name, which must not continue a longer word
    /// (`okta` in `rookTable`).
    pub(crate) key_start: bool,
}

impl Tok {
    const PREFIXED: Tok = Tok {
        verify: Verify::Plain,
        priority: 3,
        left_extra: "",
        allow_after: "",
        key_start: false,
    };
}

/// What to do with a match.
#[derive(Clone, Copy)]
pub(crate) enum Action {
    /// A token with a documented shape.
    Token(Tok),
    /// A credential that needs parsing (URLs, headers, PEM blocks, connection strings).
    Extract(Extractor),
    /// A credential found by parsing around each keyword occurrence; the rule has no regex.
    /// Used for key/value pairs, whose keywords are common words: looking at each occurrence
    /// costs less than a regex pass over the whole text.
    AtKeyword(KeywordExtractor),
}

/// One detection rule.
pub(crate) struct Rule {
    /// Stable id, reported as the match kind.
    pub(crate) id: &'static str,
    /// Prefilter keywords (ASCII case-insensitive). A rule without keywords runs only inside
    /// runs of at least [`LONG_RUN`](super::LONG_RUN) token characters, so every match of its
    /// regex must be one.
    pub(crate) keywords: &'static [&'static str],
    /// The regex, compiled the first time the rule is triggered (empty for
    /// [`Action::AtKeyword`] rules).
    pub(crate) pattern: &'static str,
    /// What to do with a match.
    pub(crate) action: Action,
}

const fn token(id: &'static str, keywords: &'static [&'static str], pattern: &'static str) -> Rule {
    Rule {
        id,
        keywords,
        pattern,
        action: Action::Token(Tok::PREFIXED),
    }
}

const fn token_v(
    id: &'static str,
    keywords: &'static [&'static str],
    pattern: &'static str,
    verify: Verify,
) -> Rule {
    Rule {
        id,
        keywords,
        pattern,
        action: Action::Token(Tok {
            verify,
            ..Tok::PREFIXED
        }),
    }
}

/// A token without a distinctive prefix, recognised by the key name in front of it.
const fn keyed(id: &'static str, keywords: &'static [&'static str], pattern: &'static str) -> Rule {
    Rule {
        id,
        keywords,
        pattern,
        action: Action::Token(Tok {
            priority: 2,
            key_start: true,
            ..Tok::PREFIXED
        }),
    }
}

const fn extract(
    id: &'static str,
    keywords: &'static [&'static str],
    pattern: &'static str,
    f: Extractor,
) -> Rule {
    Rule {
        id,
        keywords,
        pattern,
        action: Action::Extract(f),
    }
}

/// A key name (case-insensitive; [`keyed`] rules check that it does not start inside a longer
/// word), up to 30 more key characters, an assignment (`=`, `:`, `:=`,
/// `=>`, optionally quoted on either side) and the value as group `s`.
macro_rules! keyed {
    ($name:literal, $value:literal) => {
        concat!(
            "(?i:",
            $name,
            r#")[A-Za-z0-9_.\-]{0,30}\\?["']?[ \t]*(?:=>|:=|=|:)[ \t]*\\?["']?(?P<s>"#,
            $value,
            ")"
        )
    };
}

/// Every rule, in no particular order (overlaps are resolved by priority, then length).
pub(crate) static RULES: &[Rule] = &[
    // --- Amazon Web Services -------------------------------------------------------------
    token(
        "aws-access-key-id",
        &["akia", "asia", "abia", "acca"],
        r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",
    ),
    keyed(
        "aws-secret-access-key",
        &["aws"],
        keyed!(
            r"aws[A-Za-z0-9_.\-]{0,20}(?:secret|sk)",
            r"[A-Za-z0-9/+]{40}"
        ),
    ),
    keyed(
        "aws-session-token",
        &["aws"],
        keyed!(r"aws[_.\-]?session[_.\-]?token", r"[A-Za-z0-9/+=]{100,}"),
    ),
    token(
        "aws-bedrock-api-key",
        &["absk"],
        r"ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{100,}={0,2}",
    ),
    token(
        "aws-bedrock-short-term-key",
        &["bedrock-api-key-"],
        r"bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]{100,}",
    ),
    // --- Google ---------------------------------------------------------------------------
    token("gcp-api-key", &["aiza"], r"AIza[0-9A-Za-z_-]{35}"),
    token(
        "google-oauth-client-secret",
        &["gocspx-"],
        r"GOCSPX-[A-Za-z0-9_-]{28}",
    ),
    token(
        "google-oauth-access-token",
        &["ya29."],
        r"ya29\.[0-9A-Za-z_-]{30,}",
    ),
    // --- Microsoft Azure ------------------------------------------------------------------
    token(
        "azure-storage-account-key",
        &["accountkey"],
        r"(?i:AccountKey)[ \t]*=[ \t]*(?P<s>[A-Za-z0-9+/]{86}==)",
    ),
    token(
        "azure-shared-access-key",
        &["sharedaccesskey"],
        r"(?i:SharedAccessKey)[ \t]*=[ \t]*(?P<s>[A-Za-z0-9+/]{42,43}=)",
    ),
    Rule {
        id: "azure-ad-client-secret",
        keywords: &["q~"],
        pattern: r"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
        action: Action::Token(Tok {
            left_extra: "~",
            ..Tok::PREFIXED
        }),
    },
    token(
        "teams-webhook-url",
        &["webhook.office.com"],
        r"https://[A-Za-z0-9-]+\.webhook\.office\.com/webhookb2/[A-Za-z0-9@-]{40,100}/IncomingWebhook/[A-Za-z0-9]{32}/[A-Za-z0-9-]{36}",
    ),
    // --- Other clouds and hosting -----------------------------------------------------------
    token_v(
        "alibaba-access-key-id",
        &["ltai"],
        r"LTAI[A-Za-z0-9]{12,20}",
        Verify::MixedCase,
    ),
    token("digitalocean-pat", &["dop_v1_"], r"dop_v1_[a-f0-9]{64}"),
    token(
        "digitalocean-oauth-token",
        &["doo_v1_"],
        r"doo_v1_[a-f0-9]{64}",
    ),
    token(
        "digitalocean-refresh-token",
        &["dor_v1_"],
        r"dor_v1_[a-f0-9]{64}",
    ),
    token("heroku-api-key", &["hrku-"], r"HRKU-AA[0-9A-Za-z_-]{58}"),
    keyed(
        "heroku-api-key",
        &["heroku"],
        keyed!(
            r"heroku",
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        ),
    ),
    token(
        "flyio-token",
        &["fo1_", "flyv1"],
        r"fo1_[A-Za-z0-9_-]{43}|FlyV1 fm[12][a-z]?_[A-Za-z0-9+/=_,-]{100,}",
    ),
    keyed(
        "vercel-token",
        &["vercel"],
        keyed!(r"vercel", r"[A-Za-z0-9]{24}"),
    ),
    token("netlify-token", &["nfp_"], r"nfp_[A-Za-z0-9]{36}"),
    keyed(
        "netlify-token",
        &["netlify"],
        keyed!(r"netlify", r"[A-Za-z0-9_-]{40,46}"),
    ),
    keyed(
        "cloudflare-api-token",
        &["cloudflare", "cf_api", "cf-api", "cf_token", "cf_auth"],
        keyed!(
            r"(?:cloudflare|cf)[_.\-]?(?:api[_.\-]?)?(?:token|key|auth)",
            r"[A-Za-z0-9_-]{37,40}"
        ),
    ),
    token(
        "cloudflare-origin-ca-key",
        &["v1.0-"],
        r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}",
    ),
    token("supabase-access-token", &["sbp_"], r"sbp_[a-f0-9]{40}"),
    token(
        "supabase-secret-key",
        &["sb_secret_"],
        r"sb_secret_[A-Za-z0-9_-]{31,}",
    ),
    token(
        "databricks-token",
        &["dapi"],
        r"dapi[a-f0-9]{32}(?:-[0-9])?",
    ),
    token(
        "planetscale-password",
        &["pscale_pw_"],
        r"pscale_pw_[A-Za-z0-9_.-]{43}",
    ),
    token(
        "planetscale-token",
        &["pscale_tkn_", "pscale_oauth_"],
        r"pscale_(?:tkn|oauth)_[A-Za-z0-9_.-]{43}",
    ),
    // --- Source hosting and CI ----------------------------------------------------------------
    token_v(
        "github-pat",
        &["ghp_"],
        r"ghp_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    token_v(
        "github-oauth-token",
        &["gho_"],
        r"gho_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    token_v(
        "github-user-token",
        &["ghu_"],
        r"ghu_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    token_v(
        "github-app-token",
        &["ghs_"],
        r"ghs_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    token_v(
        "github-refresh-token",
        &["ghr_"],
        r"ghr_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    token(
        "github-fine-grained-pat",
        &["github_pat_"],
        r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
    ),
    token(
        "gitlab-pat",
        &["glpat-"],
        r"glpat-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,12}){0,2}",
    ),
    token(
        "gitlab-deploy-token",
        &["gldt-"],
        r"gldt-[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "gitlab-runner-token",
        &["glrt-"],
        r"glrt-(?:t[0-9]_)?[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,12}){0,2}",
    ),
    token(
        "gitlab-ci-job-token",
        &["glcbt-"],
        r"glcbt-(?:[0-9a-fA-F]{1,5}_)?[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "gitlab-trigger-token",
        &["glptt-"],
        r"glptt-[A-Za-z0-9_-]{40}",
    ),
    token(
        "gitlab-feed-token",
        &["glft-"],
        r"glft-[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "gitlab-incoming-mail-token",
        &["glimt-"],
        r"glimt-[A-Za-z0-9_-]{25}",
    ),
    token(
        "gitlab-agent-token",
        &["glagent-"],
        r"glagent-[A-Za-z0-9_-]{50,100}",
    ),
    token(
        "gitlab-scim-token",
        &["glsoat-"],
        r"glsoat-[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "gitlab-feature-flag-token",
        &["glffct-"],
        r"glffct-[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "gitlab-oauth-secret",
        &["gloas-"],
        r"gloas-[A-Za-z0-9_-]{64}",
    ),
    token(
        "gitlab-runner-registration-token",
        &["gr1348941"],
        r"GR1348941[A-Za-z0-9_-]{20,50}",
    ),
    token(
        "bitbucket-app-password",
        &["atbb"],
        r"ATBB[A-Za-z0-9_=.-]{32,64}",
    ),
    token(
        "bitbucket-access-token",
        &["atctt3"],
        r"ATCTT3[A-Za-z0-9_=-]{150,250}",
    ),
    token(
        "atlassian-api-token",
        &["atatt3"],
        r"ATATT3[A-Za-z0-9_=-]{150,250}",
    ),
    token(
        "sourcegraph-access-token",
        &["sgp_"],
        r"sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40}",
    ),
    keyed(
        "sourcegraph-access-token",
        &["sourcegraph"],
        keyed!(r"sourcegraph", r"[a-fA-F0-9]{40}"),
    ),
    token(
        "terraform-cloud-token",
        &[".atlasv1."],
        r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70}",
    ),
    token("pulumi-access-token", &["pul-"], r"pul-[a-f0-9]{40}"),
    token("octopus-deploy-api-key", &["api-"], r"API-[A-Z0-9]{26}"),
    token(
        "dockerhub-token",
        &["dckr_pat_", "dckr_oat_"],
        r"dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32}",
    ),
    token("artifactory-api-key", &["akcp"], r"AKCp[A-Za-z0-9]{69}"),
    token(
        "artifactory-reference-token",
        &["cmvmdgtu"],
        r"cmVmdGtuOjAxOj[A-Za-z0-9]{50,}",
    ),
    // --- Package registries ---------------------------------------------------------------------
    // npm's granular and automation tokens follow GitHub's format: 30 random characters and a
    // base62 CRC-32 of them.
    token_v(
        "npm-token",
        &["npm_"],
        r"npm_[A-Za-z0-9]{36}",
        Verify::GithubChecksum,
    ),
    extract(
        "npmrc-auth-token",
        &["_authtoken", ":_auth", ":_password"],
        r#"//[A-Za-z0-9.\-]+(?::[0-9]+)?(?:/[^\s:'"]*)?/:_(?:authToken|auth|password)[ \t]*=[ \t]*"#,
        extract::npmrc,
    ),
    token(
        "pypi-token",
        &["pypi-age"],
        r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{100,}",
    ),
    token("rubygems-api-key", &["rubygems_"], r"rubygems_[a-f0-9]{48}"),
    token("nuget-api-key", &["oy2"], r"oy2[a-z0-9]{43}"),
    token_v(
        "crates-io-token",
        &["cio"],
        r"cio[A-Za-z0-9]{32}",
        Verify::MixedCase,
    ),
    // --- Chat and messaging -------------------------------------------------------------------
    token(
        "slack-bot-token",
        &["xoxb-"],
        r"xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34}",
    ),
    token(
        "slack-user-token",
        &["xoxp-", "xoxe-"],
        r"xox[pe]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{28,34}",
    ),
    token(
        "slack-app-token",
        &["xapp-"],
        r"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[A-Za-z0-9]{64}",
    ),
    token(
        "slack-config-token",
        &["xoxe"],
        r"xoxe(?:\.xox[bp])?-[0-9]-[A-Za-z0-9]{100,300}",
    ),
    token(
        "slack-legacy-token",
        &["xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxb-"],
        r"xox[aors]-(?:[0-9]-)?[0-9]{5,13}-[0-9]{5,13}-[0-9]{5,13}-[A-Za-z0-9]{20,40}|xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}",
    ),
    token(
        "slack-webhook-url",
        &["hooks.slack.com"],
        r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{6,12}/[A-Z0-9]{6,12}/(?:[0-9]{6,20}/)?[A-Za-z0-9]{20,32}",
    ),
    // Rules without keywords run only inside long runs of token characters (see
    // `LONG_RUN`): their only fixed text is too short or too common to gate on, and the Discord
    // token, base64 of a numeric user id, carries no fixed text at all.
    token(
        "discord-bot-token",
        &[],
        r"[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}",
    ),
    token(
        "discord-webhook-url",
        &["discord"],
        r"https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}",
    ),
    Rule {
        id: "telegram-bot-token",
        keywords: &[":aa"],
        pattern: r"[0-9]{8,10}:AA[A-Za-z0-9_-]{33}",
        action: Action::Token(Tok {
            allow_after: "/bot",
            ..Tok::PREFIXED
        }),
    },
    token("twilio-api-key", &[], r"SK[0-9a-f]{32}"),
    token("twilio-account-sid", &[], r"AC[0-9a-f]{32}"),
    keyed(
        "twilio-auth-token",
        &["twilio"],
        keyed!(
            r"twilio[A-Za-z0-9_.\-]{0,20}(?:token|secret)",
            r"[0-9a-f]{32}"
        ),
    ),
    token(
        "sendgrid-api-key",
        &["sg."],
        r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}",
    ),
    token("mailgun-api-key", &["key-"], r"key-[0-9a-f]{32}"),
    token("mailchimp-api-key", &["-us"], r"[0-9a-f]{32}-us[0-9]{1,2}"),
    keyed(
        "postmark-server-token",
        &["postmark"],
        keyed!(
            r"postmark",
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        ),
    ),
    // --- Payments and commerce ------------------------------------------------------------------
    token(
        "stripe-secret-key",
        &["sk_live_", "sk_test_"],
        r"sk_(?:live|test)_[0-9A-Za-z]{24,247}",
    ),
    token(
        "stripe-restricted-key",
        &["rk_live_", "rk_test_"],
        r"rk_(?:live|test)_[0-9A-Za-z]{24,247}",
    ),
    token(
        "stripe-webhook-secret",
        &["whsec_"],
        r"whsec_[A-Za-z0-9+/=]{32,}",
    ),
    keyed(
        "clerk-secret-key",
        &["clerk"],
        keyed!(r"clerk", r"sk_(?:live|test)_[A-Za-z0-9]{20,}"),
    ),
    token(
        "square-access-token",
        &["eaaa", "sq0atp-"],
        r"EAAA[0-9A-Za-z_-]{60}|sq0atp-[0-9A-Za-z_-]{22}",
    ),
    token(
        "square-oauth-secret",
        &["sq0csp-"],
        r"sq0csp-[0-9A-Za-z_-]{43}",
    ),
    token(
        "braintree-access-token",
        &["access_token$"],
        r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}",
    ),
    token(
        "shopify-access-token",
        &["shpat_"],
        r"shpat_[a-fA-F0-9]{32}",
    ),
    token(
        "shopify-shared-secret",
        &["shpss_"],
        r"shpss_[a-fA-F0-9]{32}",
    ),
    token(
        "shopify-custom-app-token",
        &["shpca_"],
        r"shpca_[a-fA-F0-9]{32}",
    ),
    token(
        "shopify-private-app-token",
        &["shppa_"],
        r"shppa_[a-fA-F0-9]{32}",
    ),
    token(
        "shippo-api-token",
        &["shippo_"],
        r"shippo_(?:live|test)_[a-f0-9]{40}",
    ),
    token(
        "plaid-access-token",
        &[
            "access-sandbox-",
            "access-development-",
            "access-production-",
        ],
        r"access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    ),
    token(
        "easypost-api-key",
        &["ezak", "eztk"],
        r"EZ[AT]K[A-Za-z0-9]{54}",
    ),
    // --- AI providers and AI tooling ------------------------------------------------------------
    token(
        "openai-api-key",
        &["t3blbkfj"],
        r"sk-[A-Za-z0-9_-]{16,250}T3BlbkFJ[A-Za-z0-9_-]{16,250}",
    ),
    token(
        "anthropic-api-key",
        &["sk-ant-api"],
        r"sk-ant-api03-[A-Za-z0-9_-]{93}AA",
    ),
    token(
        "anthropic-admin-key",
        &["sk-ant-admin"],
        r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA",
    ),
    token(
        "openrouter-api-key",
        &["sk-or-v1-"],
        r"sk-or-v1-[a-f0-9]{64}",
    ),
    token_v(
        "huggingface-token",
        &["hf_"],
        r"hf_[A-Za-z]{34}",
        Verify::MixedCase,
    ),
    token_v(
        "huggingface-org-token",
        &["api_org_"],
        r"api_org_[A-Za-z]{34}",
        Verify::MixedCase,
    ),
    token("replicate-api-token", &["r8_"], r"r8_[A-Za-z0-9]{37}"),
    token("groq-api-key", &["gsk_"], r"gsk_[A-Za-z0-9]{52}"),
    token("perplexity-api-key", &["pplx-"], r"pplx-[A-Za-z0-9]{48}"),
    token("xai-api-key", &["xai-"], r"xai-[A-Za-z0-9]{80}"),
    keyed(
        "cohere-api-key",
        &["cohere", "co_api"],
        keyed!(r"(?:cohere|co)[_.\-]?api[_.\-]?key", r"[A-Za-z0-9]{40}"),
    ),
    keyed(
        "mistral-api-key",
        &["mistral"],
        keyed!(r"mistral", r"[A-Za-z0-9]{32}"),
    ),
    keyed(
        "deepseek-api-key",
        &["deepseek"],
        keyed!(r"deepseek", r"sk-[a-f0-9]{32}"),
    ),
    token(
        "langsmith-api-key",
        &["lsv2_"],
        r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}",
    ),
    token("firecrawl-api-key", &["fc-"], r"fc-[a-f0-9]{32}"),
    token(
        "tavily-api-key",
        &["tvly-"],
        r"tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}",
    ),
    keyed(
        "exa-api-key",
        &["exa_api", "exa-api", "exaapi"],
        keyed!(
            r"exa[_.\-]?api[_.\-]?key",
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        ),
    ),
    token(
        "browserbase-api-key",
        &["bb_live_"],
        r"bb_live_[A-Za-z0-9_-]{20,40}",
    ),
    keyed(
        "brave-search-api-key",
        &["brave"],
        keyed!(r"brave[A-Za-z0-9_.\-]{0,20}key", r"[A-Za-z0-9_-]{20,40}"),
    ),
    // --- Productivity and collaboration ---------------------------------------------------------
    token("linear-api-key", &["lin_api_"], r"lin_api_[A-Za-z0-9]{40}"),
    token(
        "linear-oauth-token",
        &["lin_oauth_"],
        r"lin_oauth_[a-f0-9]{64}",
    ),
    token("notion-token", &["ntn_"], r"ntn_[0-9]{11}[A-Za-z0-9]{35}"),
    token_v(
        "notion-legacy-token",
        &["secret_"],
        r"secret_[A-Za-z0-9]{43}",
        Verify::AllClasses,
    ),
    token("airtable-pat", &[], r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"),
    token(
        "asana-pat",
        &["asana"],
        r"[0-9]/[0-9]{10,20}(?:/[0-9]{10,20})?:[A-Za-z0-9]{32}",
    ),
    token("figma-pat", &["figd_"], r"figd_[A-Za-z0-9_-]{40,}"),
    token(
        "postman-api-key",
        &["pmak-"],
        r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    ),
    token("contentful-pat", &["cfpat-"], r"CFPAT-[A-Za-z0-9_-]{43}"),
    token("typeform-pat", &["tfp_"], r"tfp_[A-Za-z0-9_.=-]{40,70}"),
    token("readme-api-key", &["rdme_"], r"rdme_[a-z0-9]{70}"),
    token(
        "mapbox-secret-token",
        &["sk.eyj"],
        r"sk\.eyJ[A-Za-z0-9_-]{50,}\.[A-Za-z0-9_-]{20,}",
    ),
    token("adobe-client-secret", &["p8e-"], r"p8e-[A-Za-z0-9]{32}"),
    token(
        "intra42-client-secret",
        &["s-s4t2"],
        r"s-s4t2(?:ud|af)-[a-f0-9]{64}",
    ),
    keyed(
        "facebook-access-token",
        &["facebook"],
        r"(?i:facebook)[^\n]{0,40}?(?P<s>[0-9]{15,16}\|[A-Za-z0-9_-]{27,40})",
    ),
    token_v(
        "facebook-page-token",
        &["eaa"],
        r"EAA[A-Za-z0-9]{90,}",
        Verify::AllClasses,
    ),
    // --- Observability and operations -----------------------------------------------------------
    token(
        "sentry-org-token",
        &["sntrys_"],
        r"sntrys_eyJ[A-Za-z0-9_=+/-]{50,}",
    ),
    token("sentry-user-token", &["sntryu_"], r"sntryu_[a-f0-9]{64}"),
    keyed(
        "datadog-api-key",
        &["datadog", "dd_api", "dd-api", "ddapi"],
        keyed!(r"(?:datadog|dd)[_.\-]?api[_.\-]?key", r"[a-f0-9]{32}"),
    ),
    keyed(
        "datadog-app-key",
        &["datadog", "dd_app", "dd-app", "ddapp"],
        keyed!(
            r"(?:datadog|dd)[_.\-]?app(?:lication)?[_.\-]?key",
            r"[a-f0-9]{40}"
        ),
    ),
    token("new-relic-user-api-key", &["nrak-"], r"NRAK-[A-Z0-9]{27}"),
    token(
        "new-relic-insert-key",
        &["nrii-"],
        r"NRII-[A-Za-z0-9_-]{32}",
    ),
    token(
        "grafana-cloud-token",
        &["glc_"],
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}",
    ),
    token(
        "grafana-service-account-token",
        &["glsa_"],
        r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}",
    ),
    token(
        "grafana-api-key",
        &["eyjrijoi"],
        r"eyJrIjoi[A-Za-z0-9+/]{50,}={0,2}",
    ),
    keyed(
        "pagerduty-api-key",
        &["pagerduty"],
        keyed!(r"pagerduty", r"[A-Za-z0-9_+-]{20}"),
    ),
    token(
        "dynatrace-api-token",
        &["dt0c01."],
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
    ),
    token("infracost-api-token", &["ico-"], r"ico-[A-Za-z0-9]{32}"),
    token("prefect-api-key", &["pnu_"], r"pnu_[A-Za-z0-9]{36}"),
    // --- Secret managers and identity -----------------------------------------------------------
    token("vault-service-token", &["hvs."], r"hvs\.[A-Za-z0-9_-]{90,}"),
    token("vault-batch-token", &["hvb."], r"hvb\.[A-Za-z0-9_-]{90,}"),
    Rule {
        id: "vault-legacy-token",
        keywords: &["vault", "token"],
        pattern: keyed!(r"(?:vault|token)", r"s\.[A-Za-z0-9]{24}"),
        action: Action::Token(Tok {
            verify: Verify::AllClasses,
            priority: 2,
            key_start: true,
            ..Tok::PREFIXED
        }),
    },
    token(
        "doppler-token",
        &[
            "dp.pt.",
            "dp.st.",
            "dp.sa.",
            "dp.ct.",
            "dp.scim.",
            "dp.audit.",
        ],
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}",
    ),
    token(
        "1password-service-account-token",
        &["ops_eyj"],
        r"ops_eyJ[A-Za-z0-9+/=_-]{250,}",
    ),
    token(
        "1password-secret-key",
        &["a3-"],
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
    ),
    token(
        "age-secret-key",
        &["age-secret-key-1"],
        r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
    ),
    keyed(
        "okta-api-token",
        &["okta", "ssws"],
        r"(?:(?i:okta)[A-Za-z0-9_.\-]{0,30}\\?[\x22']?[ \t]*(?:=>|:=|=|:)[ \t]*\\?[\x22']?|SSWS[ \t]+)(?P<s>00[A-Za-z0-9_-]{40})",
    ),
    keyed(
        "auth0-client-secret",
        &["auth0"],
        keyed!(r"auth0[A-Za-z0-9_.\-]{0,20}secret", r"[A-Za-z0-9_-]{32,}"),
    ),
    token("openshift-token", &["sha256~"], r"sha256~[A-Za-z0-9_-]{43}"),
    // --- Structured credentials -------------------------------------------------------------------
    extract(
        "private-key",
        &["private key"],
        r"-----BEGIN[ A-Z0-9]{0,40}?PRIVATE KEY(?: BLOCK)?-----",
        extract::pem,
    ),
    extract(
        "jwt",
        &["eyj"],
        r"eyJ[A-Za-z0-9_-]{8,}={0,2}\.eyJ[A-Za-z0-9_-]{2,}={0,2}(?:\.[A-Za-z0-9_-]{4,}={0,2})?",
        extract::jwt,
    ),
    Rule {
        id: "basic-auth-url",
        keywords: &["://"],
        pattern: "",
        action: Action::AtKeyword(extract::url),
    },
    extract(
        "bearer-token",
        &["authorization"],
        r#"(?i)authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?[ \t]*"#,
        extract::authorization,
    ),
    extract(
        "basic-auth",
        &["curl"],
        r"(?:-u|--user)(?:[ \t]+|=)",
        extract::curl_user,
    ),
    extract(
        "connection-string-password",
        &["password", "pwd"],
        r"(?i)(?:password|pwd)[ \t]*=[ \t]*",
        extract::odbc_password,
    ),
    Rule {
        id: "generic-secret",
        keywords: &[
            "token",
            "secret",
            "pass",
            "pwd",
            "key",
            "credential",
            "creds",
            "auth",
            "bearer",
        ],
        pattern: "",
        action: Action::AtKeyword(extract::generic),
    },
];

/// Kinds reported by extractors besides their rule ids.
pub(crate) const EXTRA_KINDS: &[&str] = &[
    "gcp-service-account-key",
    "url-query-secret",
    "azure-sas-token",
    "postgres-connection-string",
    "mysql-connection-string",
    "mongodb-connection-string",
    "redis-connection-string",
    "amqp-connection-string",
    "mssql-connection-string",
    "clickhouse-connection-string",
];

/// Literal prefixes that belong to one vendor format. A value that starts with one of them but
/// fails that format is a truncated or made-up example, not a generic secret.
pub(crate) const VENDOR_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "gldt-",
    "glrt-",
    "glcbt-",
    "glptt-",
    "glft-",
    "glimt-",
    "glagent-",
    "glsoat-",
    "glffct-",
    "gloas-",
    "GR1348941",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxr-",
    "xoxs-",
    "xoxe",
    "xapp-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "whsec_",
    "shpat_",
    "shpss_",
    "shpca_",
    "shppa_",
    "sk-ant-api03-",
    "sk-ant-admin01-",
    "sk-or-v1-",
    "hf_",
    "api_org_",
    "r8_",
    "gsk_",
    "pplx-",
    "xai-",
    "npm_",
    "pypi-AgE",
    "rubygems_",
    "dckr_pat_",
    "dckr_oat_",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "lin_api_",
    "lin_oauth_",
    "ntn_",
    "figd_",
    "sntrys_",
    "sntryu_",
    "NRAK-",
    "NRII-",
    "glc_",
    "glsa_",
    "hvs.",
    "hvb.",
    "pul-",
    "dp.pt.",
    "dp.st.",
    "dp.sa.",
    "dp.ct.",
    "ops_eyJ",
    "sbp_",
    "sb_secret_",
    "fo1_",
    "dapi",
    "tvly-",
    "bb_live_",
    "PMAK-",
    "AGE-SECRET-KEY-1",
    "sgp_",
    "SG.",
    "AKIA",
    "ASIA",
    "AIza",
    "GOCSPX-",
    "ya29.",
    "sq0atp-",
    "sq0csp-",
    "ATATT3",
    "ATCTT3",
    "ATBB",
    "lsv2_",
    "pscale_",
    "pnu_",
    "rdme_",
    "CFPAT-",
    "shippo_",
    "dt0c01.",
    "tfp_",
    "ABSK",
    "HRKU-",
    "nfp_",
    "AKCp",
    "sha256~",
];

/// Values of a credential format that are published as fixtures and so are public knowledge,
/// not secrets: the example Google API keys in the Firebase SDKs' own test sources
/// (`firebase-js-sdk`, `firebase-android-sdk`), which validate key formats with them and which
/// example code and tests copy. A fact about these exact strings, not a pattern.
pub(crate) const KNOWN_PUBLIC: &[&str] = &[
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ",
    "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY",
    "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c",
    "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU",
    "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0",
    "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
];
