//! One positive and one near miss per format family. Sample tokens are generated at run time
//! from a fixed seed, so no credential-shaped literal sits in the source.

use super::*;

const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const DIGITS: &str = "0123456789";
const HEX: &str = "0123456789abcdef";

fn alnum() -> String {
    format!("{UPPER}{LOWER}{DIGITS}")
}

/// Deterministic pseudo-random text over `alphabet` (xorshift).
fn rand(alphabet: &str, len: usize, seed: u64) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chars[(x % chars.len() as u64) as usize]
        })
        .collect()
}

fn b62(len: usize, seed: u64) -> String {
    rand(&alnum(), len, seed)
}

fn hex(len: usize, seed: u64) -> String {
    rand(HEX, len, seed)
}

/// Asserts that `secret`, placed in `text`, is found with `kind` and exactly its range.
#[track_caller]
fn found(kind: &str, text: &str, secret: &str) {
    let start = text.find(secret).expect("the secret is part of the text");
    let matches = find_secrets(text);
    assert!(
        matches
            .iter()
            .any(|m| m.kind == kind && m.start == start && m.end == start + secret.len()),
        "expected {kind} at {start}..{} in {text:?}, got {matches:?}",
        start + secret.len()
    );
}

#[track_caller]
fn nothing(text: &str) {
    let matches = find_secrets(text);
    assert!(
        matches.is_empty(),
        "expected nothing in {text:?}, got {matches:?}"
    );
}

/// Formats whose token stands alone: `(kind, token)`. The near miss drops the last character.
fn prefixed_tokens() -> Vec<(&'static str, String)> {
    let gh = |prefix: &str, seed| {
        let random = b62(30, seed);
        let check = encoding::base62(encoding::crc32(random.as_bytes()), 6);
        format!("{prefix}{random}{check}")
    };
    vec![
        (
            "aws-access-key-id",
            format!("AKIA{}", rand(&format!("{UPPER}234567"), 16, 1)),
        ),
        (
            "aws-access-key-id",
            format!("ASIA{}", rand(&format!("{UPPER}234567"), 16, 2)),
        ),
        ("gcp-api-key", format!("AIza{}", b62(35, 3))),
        (
            "google-oauth-client-secret",
            format!("GOCSPX-{}", b62(28, 4)),
        ),
        ("github-pat", gh("ghp_", 5)),
        ("github-oauth-token", gh("gho_", 6)),
        ("github-user-token", gh("ghu_", 7)),
        ("github-app-token", gh("ghs_", 8)),
        ("github-refresh-token", gh("ghr_", 9)),
        (
            "github-fine-grained-pat",
            format!("github_pat_{}_{}", b62(22, 10), b62(59, 11)),
        ),
        ("gitlab-pat", format!("glpat-{}", b62(20, 12))),
        ("gitlab-deploy-token", format!("gldt-{}", b62(20, 13))),
        ("gitlab-runner-token", format!("glrt-{}", b62(20, 14))),
        ("gitlab-oauth-secret", format!("gloas-{}", b62(64, 15))),
        (
            "gitlab-runner-registration-token",
            format!("GR1348941{}", b62(20, 16)),
        ),
        (
            "slack-bot-token",
            format!(
                "xoxb-{}-{}-{}",
                rand(DIGITS, 12, 17),
                rand(DIGITS, 13, 18),
                b62(24, 19)
            ),
        ),
        (
            "slack-user-token",
            format!(
                "xoxp-{}-{}-{}-{}",
                rand(DIGITS, 12, 20),
                rand(DIGITS, 12, 21),
                rand(DIGITS, 12, 22),
                hex(32, 23)
            ),
        ),
        (
            "slack-app-token",
            format!(
                "xapp-1-A{}-{}-{}",
                rand(&format!("{UPPER}{DIGITS}"), 10, 24),
                rand(DIGITS, 13, 25),
                hex(64, 26)
            ),
        ),
        (
            "slack-webhook-url",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                rand(&format!("{UPPER}{DIGITS}"), 8, 27),
                rand(&format!("{UPPER}{DIGITS}"), 8, 28),
                b62(24, 29)
            ),
        ),
        (
            "discord-bot-token",
            format!("MT{}.{}.{}", b62(22, 30), b62(6, 31), b62(27, 32)),
        ),
        (
            "discord-webhook-url",
            format!(
                "https://discord.com/api/webhooks/{}/{}",
                rand(DIGITS, 18, 33),
                b62(68, 34)
            ),
        ),
        (
            "telegram-bot-token",
            format!("{}:AA{}", rand(DIGITS, 10, 35), b62(33, 36)),
        ),
        ("twilio-api-key", format!("SK{}", hex(32, 37))),
        (
            "sendgrid-api-key",
            format!("SG.{}.{}", b62(22, 38), b62(43, 39)),
        ),
        ("mailgun-api-key", format!("key-{}", hex(32, 40))),
        ("mailchimp-api-key", format!("{}-us14", hex(32, 41))),
        ("stripe-secret-key", format!("sk_live_{}", b62(24, 42))),
        ("stripe-restricted-key", format!("rk_live_{}", b62(24, 43))),
        ("stripe-webhook-secret", format!("whsec_{}", b62(32, 44))),
        ("square-access-token", format!("EAAA{}", b62(60, 45))),
        ("shopify-access-token", format!("shpat_{}", hex(32, 46))),
        ("shopify-shared-secret", format!("shpss_{}", hex(32, 47))),
        (
            "openai-api-key",
            format!("sk-proj-{}T3BlbkFJ{}", b62(74, 48), b62(74, 49)),
        ),
        (
            "openai-api-key",
            format!("sk-{}T3BlbkFJ{}", b62(20, 50), b62(20, 51)),
        ),
        (
            "anthropic-api-key",
            format!("sk-ant-api03-{}AA", b62(93, 52)),
        ),
        (
            "anthropic-admin-key",
            format!("sk-ant-admin01-{}AA", b62(93, 53)),
        ),
        (
            "huggingface-token",
            format!("hf_{}", rand(&format!("{UPPER}{LOWER}"), 34, 54)),
        ),
        ("replicate-api-token", format!("r8_{}", b62(37, 55))),
        ("groq-api-key", format!("gsk_{}", b62(52, 56))),
        ("perplexity-api-key", format!("pplx-{}", b62(48, 57))),
        ("xai-api-key", format!("xai-{}", b62(80, 58))),
        ("npm-token", format!("npm_{}", b62(36, 59))),
        (
            "pypi-token",
            format!("pypi-AgEIcHlwaS5vcmc{}", b62(150, 60)),
        ),
        ("rubygems-api-key", format!("rubygems_{}", hex(48, 61))),
        (
            "nuget-api-key",
            format!("oy2{}", rand(&format!("{LOWER}{DIGITS}"), 43, 62)),
        ),
        ("dockerhub-token", format!("dckr_pat_{}", b62(27, 63))),
        ("crates-io-token", format!("cio{}", b62(32, 64))),
        ("heroku-api-key", format!("HRKU-AA{}", b62(58, 65))),
        ("digitalocean-pat", format!("dop_v1_{}", hex(64, 66))),
        (
            "digitalocean-oauth-token",
            format!("doo_v1_{}", hex(64, 67)),
        ),
        (
            "digitalocean-refresh-token",
            format!("dor_v1_{}", hex(64, 68)),
        ),
        ("linear-api-key", format!("lin_api_{}", b62(40, 69))),
        (
            "notion-token",
            format!("ntn_{}{}", rand(DIGITS, 11, 70), b62(35, 71)),
        ),
        (
            "airtable-pat",
            format!("pat{}.{}", b62(14, 72), hex(64, 73)),
        ),
        ("atlassian-api-token", format!("ATATT3{}", b62(180, 74))),
        ("figma-pat", format!("figd_{}", b62(40, 75))),
        ("sentry-user-token", format!("sntryu_{}", hex(64, 76))),
        (
            "new-relic-user-api-key",
            format!("NRAK-{}", rand(&format!("{UPPER}{DIGITS}"), 27, 77)),
        ),
        (
            "grafana-service-account-token",
            format!("glsa_{}_{}", b62(32, 78), hex(8, 79)),
        ),
        ("vault-service-token", format!("hvs.{}", b62(95, 80))),
        (
            "terraform-cloud-token",
            format!("{}.atlasv1.{}", b62(14, 81), b62(67, 82)),
        ),
        ("pulumi-access-token", format!("pul-{}", hex(40, 83))),
        ("doppler-token", format!("dp.pt.{}", b62(43, 84))),
        ("supabase-access-token", format!("sbp_{}", hex(40, 85))),
        ("flyio-token", format!("fo1_{}", b62(43, 86))),
        ("databricks-token", format!("dapi{}", hex(32, 87))),
        ("firecrawl-api-key", format!("fc-{}", hex(32, 88))),
        ("tavily-api-key", format!("tvly-{}", b62(32, 89))),
        ("browserbase-api-key", format!("bb_live_{}", b62(27, 90))),
        (
            "postman-api-key",
            format!("PMAK-{}-{}", hex(24, 91), hex(34, 92)),
        ),
        (
            "age-secret-key",
            format!(
                "AGE-SECRET-KEY-1{}",
                rand("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58, 93)
            ),
        ),
        ("sourcegraph-access-token", format!("sgp_{}", hex(40, 94))),
        (
            "langsmith-api-key",
            format!("lsv2_pt_{}_{}", hex(32, 95), hex(10, 96)),
        ),
        ("openrouter-api-key", format!("sk-or-v1-{}", hex(64, 97))),
        (
            "azure-ad-client-secret",
            format!("{}8Q~{}", b62(3, 98), b62(34, 99)),
        ),
        (
            "octopus-deploy-api-key",
            format!("API-{}", rand(&format!("{UPPER}{DIGITS}"), 26, 100)),
        ),
        (
            "1password-secret-key",
            format!(
                "A3-{}-{}-{}-{}-{}",
                rand(&format!("{UPPER}{DIGITS}"), 6, 101),
                rand(&format!("{UPPER}{DIGITS}"), 11, 102),
                rand(&format!("{UPPER}{DIGITS}"), 5, 103),
                rand(&format!("{UPPER}{DIGITS}"), 5, 104),
                rand(&format!("{UPPER}{DIGITS}"), 5, 105)
            ),
        ),
        ("openshift-token", format!("sha256~{}", b62(43, 106))),
        (
            "dynatrace-api-token",
            format!(
                "dt0c01.{}.{}",
                rand(&format!("{UPPER}{DIGITS}"), 24, 107),
                rand(&format!("{UPPER}{DIGITS}"), 64, 108)
            ),
        ),
        (
            "intra42-client-secret",
            format!("s-s4t2ud-{}", hex(64, 109)),
        ),
    ]
}

#[test]
fn prefixed_formats_are_found_alone_and_in_context() {
    for (kind, token) in prefixed_tokens() {
        found(kind, &token, &token);
        found(kind, &format!("export SOME_VALUE={token}\n"), &token);
        found(kind, &format!(r#"{{"env": {{"X": "{token}"}}}}"#), &token);
    }
}

#[test]
fn prefixed_formats_cut_short_are_not_found() {
    for (kind, token) in prefixed_tokens() {
        // A shortened URL is still a URL and an OpenAI key has open-ended halves; the others
        // lose their documented length.
        if kind.ends_with("-url") || kind == "openai-api-key" {
            continue;
        }
        let short = &token[..token.len() * 2 / 3];
        let matches = find_secrets(short);
        assert!(
            matches.iter().all(|m| m.kind != kind),
            "{kind}: {short:?} gave {matches:?}"
        );
    }
}

#[test]
fn near_misses_are_not_found() {
    for text in [
        "AKIAIOSFODNN7EXAMPLE",
        "key = AKIAXXXXXXXXXXXXXXXX",
        "TODAYINASIAASACKOFRICEFELLOVER",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "foo_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx",
        "glpat-XXXXXXXXXXX-XXXXXXXX",
        "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx",
        "xoxb-12345-abcd234",
        "sk-proj-Xi8tdMjHV6pmbBbwilTeT4BlbkFJ3UDnpdEwNNm6wVBpYM0o",
        "hf_requiredCharacteristicTypesForDisplayMetadata",
        "bot110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw",
        "pk_live_j5krY8XTgIcDaHDb3YrsAfCl",
        "sk_live_",
        "SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
        "https://assets.example.com/video_box.ico-7a388b69018576d24b59331fd60aab0c.png",
        "vipul-f0eb1acf0da84c06a50c5b2c59932001997786b176dec02bd16128ee9ea83628.png",
        "s.AcceptanceTimeoutSeconds ",
        "GSSAPI-VIRHEKAPSELOINTIMERKKIJONO.",
        "client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "ntn_123456789012345678901234567890123456789012345678901234567890",
        "dapi123456789012345678a9bc01234defg5",
        "9276a43e2951aa46e2b1c33ED38357DB-us2",
        "MZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe,4iUcrGOuegj57zMC",
    ] {
        nothing(text);
    }
}

#[test]
fn github_checksum_is_extra_confidence_only() {
    let random = b62(30, 500);
    let good = format!(
        "ghp_{random}{}",
        encoding::base62(encoding::crc32(random.as_bytes()), 6)
    );
    found("github-pat", &good, &good);
    // A wrong checksum still matches the documented shape, so it is still reported.
    let bad = format!("ghp_{random}{}", b62(6, 501));
    found("github-pat", &bad, &bad);
}

#[test]
fn keyed_formats() {
    let aws = rand(&format!("{}/+", alnum()), 40, 200);
    found(
        "aws-secret-access-key",
        &format!("aws_secret_access_key = {aws}"),
        &aws,
    );
    found(
        "aws-secret-access-key",
        &format!(r#""AWS_SECRET_ACCESS_KEY": "{aws}""#),
        &aws,
    );
    nothing("aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}");

    let sf = hex(32, 201);
    found("twilio-auth-token", &format!("TWILIO_AUTH_TOKEN={sf}"), &sf);
    let dd = hex(32, 202);
    found("datadog-api-key", &format!("DD_API_KEY: {dd}"), &dd);
    let co = b62(40, 203);
    found("cohere-api-key", &format!("CO_API_KEY={co}"), &co);
    let okta = format!("00{}", b62(40, 204));
    found(
        "okta-api-token",
        &format!("Authorization: SSWS {okta}"),
        &okta,
    );
    nothing("rookTable = 0023452Lllk2KqjLBvaxANWEgTd7bqjsxjo8aZj0wd");
    let vault = format!("s.{}", b62(24, 205));
    found("vault-legacy-token", &format!("token: {vault}"), &vault);
    nothing("s.THISSTRINGISALLUPPERCASE");
    let fb = format!("{}|{}", rand(DIGITS, 16, 206), b62(27, 207));
    found("facebook-access-token", &format!("facebook {fb}"), &fb);
}

#[test]
fn azure_formats() {
    let key = format!("{}==", rand(&format!("{}+/", alnum()), 86, 210));
    let conn = format!(
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net"
    );
    found("azure-storage-account-key", &conn, &key);
    nothing("AccountKey=short==");
    let sig = format!("{}%3D", b62(43, 211));
    let sas = format!(
        "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&sp=r&se=2030-01-01&sig={sig}"
    );
    found("azure-sas-token", &sas, &sig);
    nothing("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=${SAS_SIG}");
}

fn b64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[test]
fn jwts_need_a_json_header_with_alg() {
    let header = b64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = b64url(br#"{"sub":"1234567890","name":"Jo","iat":1516239022}"#);
    let jwt = format!("{header}.{payload}.{}", b62(43, 220));
    found("jwt", &format!("Authorization: Bearer {jwt}"), &jwt);
    let unsigned = format!("{header}.{payload}");
    found("jwt", &unsigned, &unsigned);
    let no_alg = b64url(br#"{"typ":"JWT"}"#);
    nothing(&format!("{no_alg}.{payload}.{}", b62(43, 221)));
    nothing("eyJBB.eyJCC.eyJDDDD");
}

#[test]
fn private_keys() {
    let body: Vec<String> = (0..5)
        .map(|i| rand(&format!("{}+/", alnum()), 64, 230 + i))
        .collect();
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----",
        body.join("\n")
    );
    found("private-key", &format!("key: |\n{pem}\n"), &pem);
    let openssh = pem.replace("RSA", "OPENSSH");
    found("private-key", &openssh, &openssh);
    let pgp = format!(
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n{}\n-----END PGP PRIVATE KEY BLOCK-----",
        body.join("\n")
    );
    found("private-key", &pgp, &pgp);
    let escaped = format!(
        "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n",
        body.join("\\n")
    );
    let json = format!(r#"{{"type": "service_account", "private_key": "{escaped}"}}"#);
    found(
        "gcp-service-account-key",
        &json,
        escaped.trim_end_matches("\\n"),
    );
    nothing("-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----");
    nothing("-----BEGIN OPENSSH PRIVATE KEY----------END OPENSSH PRIVATE KEY-----");
    nothing(
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----",
    );
}

#[test]
fn connection_strings() {
    for (scheme, kind) in [
        ("postgres", "postgres-connection-string"),
        ("postgresql", "postgres-connection-string"),
        ("mysql", "mysql-connection-string"),
        ("mongodb", "mongodb-connection-string"),
        ("mongodb+srv", "mongodb-connection-string"),
        ("redis", "redis-connection-string"),
        ("rediss", "redis-connection-string"),
        ("amqp", "amqp-connection-string"),
        ("amqps", "amqp-connection-string"),
        ("mssql", "mssql-connection-string"),
        ("sqlserver", "mssql-connection-string"),
        ("clickhouse", "clickhouse-connection-string"),
    ] {
        let pass = b62(14, 240);
        found(
            kind,
            &format!("DATABASE_URL={scheme}://app:{pass}@db.internal:5432/app"),
            &pass,
        );
        nothing(&format!(
            "{scheme}://app:${{DB_PASSWORD}}@db.internal:5432/app"
        ));
        nothing(&format!("{scheme}://app:<password>@db.internal/app"));
        nothing(&format!("{scheme}://db.internal:5432/app"));
    }
    found(
        "postgres-connection-string",
        "postgres://u:P@ss#w0rd!@h/db",
        "P@ss#w0rd!",
    );
    nothing("postgres://postgres:postgres@localhost/db");
    found(
        "connection-string-password",
        "Server=tcp:db.example.net,1433;Database=app;User ID=app;Password=Qz8!vR2#kLm9;Encrypt=True",
        "Qz8!vR2#kLm9",
    );
    nothing("Server=db;Database=app;User ID=app;Password=${DB_PASSWORD};");
    found(
        "mssql-connection-string",
        "jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=Qz8vR2kLm9x",
        "Qz8vR2kLm9x",
    );
}

#[test]
fn urls_with_credentials() {
    found(
        "basic-auth-url",
        "https://cafeb4b3:d3adb33f@enterprise.example.com/",
        "d3adb33f",
    );
    found(
        "url-query-secret",
        "https://api.example.com/v1?access_token=Zk3pQ9vX2mL7rT4w",
        "Zk3pQ9vX2mL7rT4w",
    );
    let token = {
        let random = b62(30, 250);
        format!(
            "ghp_{random}{}",
            encoding::base62(encoding::crc32(random.as_bytes()), 6)
        )
    };
    found(
        "github-pat",
        &format!("git clone https://{token}@github.com/o/r.git"),
        &token,
    );
    nothing("https://username:password@example.com");
    nothing("https://url:8000 @something else");
    nothing("\"https://url:8000\";@something else");
    nothing("https://api.example.com/v1?access_token=ACCESS_TOKEN");
    nothing("https://example.com/search?key=value&q=test");
}

#[test]
fn authorization_values() {
    let token = b62(32, 260);
    found(
        "bearer-token",
        &format!("curl -H \"Authorization: Bearer {token}\""),
        &token,
    );
    found(
        "bearer-token",
        &format!(r#"{{"Authorization": "token {token}"}}"#),
        &token,
    );
    found(
        "basic-auth",
        "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "YWxhZGRpbjpvcGVuc2VzYW1l",
    );
    for text in [
        "Authorization: Bearer XXXXXXXXXXXX",
        "Authorization: Basic ...",
        "Authorization: Bearer <Openverse API token>",
        "Authorization: Token **********",
        "Authorization: Bearer $API_KEY",
        "Authorization: Bearer ${TOKEN}",
        "Authorization: Bearer $(gcloud auth print-access-token)",
        "Authorization: Basic {base64(email:password)}",
    ] {
        nothing(text);
    }
}

#[test]
fn curl_user_option() {
    found(
        "basic-auth",
        "curl -u elastic:Qk7vP2xL9m https://localhost:9200",
        "Qk7vP2xL9m",
    );
    found(
        "basic-auth",
        "curl --user 'api:d2LkV78zLx!t' https://api.example.net",
        "d2LkV78zLx!t",
    );
    found(
        "basic-auth",
        "curl -X POST \\\n  -u dev:yqDVtkqPECriaLRi",
        "yqDVtkqPECriaLRi",
    );
    for text in [
        "curl -u 'test:test'",
        "curl -u \"$1:$2\" \"$3\"",
        "curl -u <user:password> https://test.com/endpoint",
        "curl --user \"${username}\":\"${password}\"",
        "curl --user \"xxx:yyy\"",
        "curl --user user:pass --digest",
        "docker run -u 1000:Qk7vP2xL9m image",
    ] {
        nothing(text);
    }
}

#[test]
fn generic_assignments() {
    let value = b62(24, 270);
    for text in [
        format!("api_key = \"{value}\""),
        format!("\"password\": \"{value}\""),
        format!("SECRET={value}"),
        format!("client-secret: {value}"),
        format!("--api-key={value}"),
        format!("{{\\\"token\\\": \\\"{value}\\\"}}"),
        format!("\"access_token\": \"Bearer {value}\""),
    ] {
        found("generic-secret", &text, &value);
    }
    for text in [
        "api_key = \"your-api-key-here\"",
        "password: changeme",
        "SECRET=${SECRET}",
        "TOKEN_URL=https://example.com/token",
        "credentialsId: 'ff083f76-7804-4ef1-80e4-fe975bb9141b'",
        "public_key = \"9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit\"",
        "secret_length = X25519.secret_length",
        "PASSWORD=true",
        "token: 12345",
        "GITHUB_API_KEY=\nDYNATRACE_API_KEY=",
        "csrf-token=Mj2qykJO5rELyHgezQ69nzUX0i3OH67V7+V4eUrLfpuyOuxmiW9rhROG/Whikle15syazJOkrjJa3U2AbhIvUw==",
        "\"token3\": \"xoxp-1234-1234-1234-4ddbc191d40ee098cbaae6f3523ada2d\"",
    ] {
        nothing(text);
    }
}

#[test]
fn assignments() {
    let gh = {
        let random = b62(30, 280);
        format!(
            "ghp_{random}{}",
            encoding::base62(encoding::crc32(random.as_bytes()), 6)
        )
    };
    let m = find_secret_in_assignment("GITHUB_TOKEN", &gh).expect("a GitHub token");
    assert_eq!((m.kind, m.start, m.end), ("github-pat", 0, gh.len()));

    let value = format!("Bearer {gh}");
    let m = find_secret_in_assignment("Authorization", &value).expect("a bearer token");
    assert_eq!((m.kind, &value[m.range()]), ("github-pat", gh.as_str()));

    let opaque = b62(32, 281);
    let value = format!("Bearer {opaque}");
    let m = find_secret_in_assignment("Authorization", &value).expect("an opaque bearer token");
    assert_eq!(
        (m.kind, &value[m.range()]),
        ("bearer-token", opaque.as_str())
    );

    let m = find_secret_in_assignment("X-API-Key", &opaque).expect("an API key header");
    assert_eq!(
        (m.kind, m.start, m.end),
        ("generic-secret", 0, opaque.len())
    );

    let aws = rand(&format!("{}/+", alnum()), 40, 282);
    let m = find_secret_in_assignment("AWS_SECRET_ACCESS_KEY", &aws).expect("an AWS secret key");
    assert_eq!((m.kind, m.start, m.end), ("aws-secret-access-key", 0, 40));

    let pass = b62(12, 283);
    let url = format!("postgresql://app:{pass}@db:5432/app");
    let m = find_secret_in_assignment("DATABASE_URL", &url).expect("a database password");
    assert_eq!(
        (m.kind, &url[m.range()]),
        ("postgres-connection-string", pass.as_str())
    );

    for (key, value) in [
        ("GITHUB_TOKEN", "${GITHUB_TOKEN}"),
        ("GITHUB_TOKEN", "${env:GITHUB_TOKEN}"),
        ("API_KEY", "${input:api_key}"),
        ("TOKEN", "${{ secrets.TOKEN }}"),
        ("Authorization", "Bearer ${TOKEN}"),
        ("API_KEY", "your-api-key-here"),
        ("API_KEY", "<YOUR_API_KEY>"),
        ("PASSWORD", "true"),
        ("SECRET", "short"),
        ("TOKEN", "1234567"),
        ("AUTH_TOKEN_PATH", "/home/me/.token"),
        ("LOG_LEVEL", &opaque),
        ("ALLOWED_DIRECTORIES", "/home/me/projects"),
        ("API_URL", "https://api.example.com/v1"),
        ("DATABASE_URL", "postgresql://localhost/app"),
    ] {
        assert_eq!(find_secret_in_assignment(key, value), None, "{key}={value}");
    }
}

#[test]
fn placeholders() {
    for v in [
        "your-api-key-here",
        "<YOUR_TOKEN>",
        "xxxxxxxxxxxx",
        "changeme",
        "REPLACE_ME",
        "sk-...",
        "ghp_xxxxxxxx",
        "TODO",
        "example",
        "dummy",
        "test",
        "***",
        "${TOKEN}",
        "[PASSWORD]",
        "{SumoAccessKey}",
        "AKIAIOSFODNN7EXAMPLE",
        "password123",
        "my_secret_token",
        "sk-<your key>",
        "00000000-0000-0000-0000-000000000000",
        "abcdefghijklmnopqrstuvwxyz",
        "",
    ] {
        assert!(is_placeholder(v), "{v:?}");
    }
    for v in [
        "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",
        "Qk7vP2xL9mZ",
        "glpat-hellOworld380_testin",
        "deadbeef",
        "{ZqL5kVrX1n8tA2}",
        "P@ssw0rd$1",
    ] {
        assert!(!is_placeholder(v), "{v:?}");
    }
}

#[test]
fn interpolations() {
    for v in [
        "${VAR}",
        "${VAR:-default}",
        "${env:GITHUB_TOKEN}",
        "${input:api_key}",
        "${{ secrets.X }}",
        "$VAR",
        "$env:API_KEY",
        "%VAR%",
        "{{VAR}}",
        "{{ .Values.token }}",
        "env:VAR",
        "$(cat /run/secrets/token)",
        "`vault read -field=token secret/x`",
        "Bearer ${TOKEN}",
        "${USER}:${PASS}",
        "op://vault/item/credential",
        "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/x/)",
        " \"${TOKEN}\" ",
    ] {
        assert!(is_interpolation(v), "{v:?}");
    }
    for v in [
        "P@ssw0rd$1",
        "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",
        "plain",
        "abc${X}defgh",
        "100%",
        "",
    ] {
        assert!(!is_interpolation(v), "{v:?}");
    }
}

#[test]
fn previews() {
    let gh = "ghp_wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0p3f9a";
    assert_eq!(redact_preview(gh), "ghp_…3f9a");
    assert_eq!(redact_preview("short"), "…");
    assert_eq!(redact_preview("1234567"), "…");
    assert_eq!(redact_preview("12345678"), "12…");
    assert_eq!(redact_preview("123456789012345"), "12…");
    assert_eq!(redact_preview("abcdefghijklmnop"), "ab…op");
    assert_eq!(redact_preview(&"é".repeat(31)), "éééé…ééé");
    for n in 0..100 {
        let s: String = "k".repeat(n);
        let shown = redact_preview(&s).chars().filter(|&c| c != '…').count();
        assert!(shown <= 8 && shown * 4 <= n, "{n}: {shown}");
    }
}

#[test]
fn url_credential_ranges() {
    let url = "postgres://app:S3cr3tPa55@db:5432/app";
    assert_eq!(url_credentials(url), Some((15, 25)));
    let url = "https://api.example.com/x?api_key=Zk3pQ9vX2mL7rT4w&q=1";
    let (s, e) = url_credentials(url).expect("a key parameter");
    assert_eq!(&url[s..e], "Zk3pQ9vX2mL7rT4w");
    let url = "https://x.example/?sig=Zk3pQ9vX2mL7rT4wAb12Cd34";
    let (s, e) = url_credentials(url).expect("a signature");
    assert_eq!(&url[s..e], "Zk3pQ9vX2mL7rT4wAb12Cd34");
    for url in [
        "postgres://app:${DB_PASSWORD}@db/app",
        "postgres://app:<password>@db/app",
        "https://example.com/path?q=search",
        "https://user@example.com/",
        "not a url",
        "https://example.com/?token=$TOKEN",
        "",
    ] {
        assert_eq!(url_credentials(url), None, "{url}");
    }
}

#[test]
fn redaction() {
    let gh = {
        let random = b62(30, 290);
        format!(
            "ghp_{random}{}",
            encoding::base62(encoding::crc32(random.as_bytes()), 6)
        )
    };
    let text = format!("token {gh} and password={} end", b62(16, 291));
    let out = redact(&text);
    assert_eq!(
        out,
        "token [REDACTED:github-pat] and password=[REDACTED:generic-secret] end"
    );
    assert_eq!(redact("nothing here"), "nothing here");
}

#[test]
fn matches_are_sorted_and_disjoint() {
    let text = format!(
        "a={} b=AKIA{} c=https://u:{}@h/ d=Authorization: Bearer sk-{}T3BlbkFJ{}",
        b62(20, 300),
        rand(UPPER, 16, 301),
        b62(12, 302),
        b62(20, 303),
        b62(20, 304)
    );
    let matches = find_secrets(&text);
    assert!(matches.len() >= 3, "{matches:?}");
    for pair in matches.windows(2) {
        assert!(pair[0].end <= pair[1].start);
    }
    assert!(matches.iter().any(|m| m.kind == "openai-api-key"));
}

#[test]
fn debug_does_not_print_secret_text() {
    let m = find_secrets("password = Qk7vP2xL9mZr")[0];
    let shown = format!("{m:?}");
    assert!(!shown.contains("Qk7vP2xL9mZr"), "{shown}");
}

#[test]
fn every_rule_compiles_and_has_a_unique_keyword_set() {
    // Regexes compile lazily, when a text first triggers their rule: force every one here so
    // that a broken pattern fails this test instead of hiding until a rare input.
    let engine = &*ENGINE;
    assert_eq!(engine.regexes.len(), RULES.len());
    for (index, rule) in RULES.iter().enumerate() {
        if matches!(rule.action, Action::AtKeyword(_)) {
            assert!(engine.regex(index).is_none(), "{}", rule.id);
            continue;
        }
        if let Err(e) = Regex::new(rule.pattern) {
            panic!("{}: invalid pattern: {e}", rule.id);
        }
        assert!(engine.regex(index).is_some(), "{}", rule.id);
        assert!(engine.regexes[index].get().is_some(), "{}", rule.id);
    }
    assert!(known_kinds().len() >= 160, "{}", known_kinds().len());
    for rule in RULES {
        for k in rule.keywords {
            assert_eq!(
                *k,
                k.to_ascii_lowercase(),
                "{}: keywords are lower case",
                rule.id
            );
        }
    }
}

#[test]
fn lazy_regexes_are_shared_across_threads() {
    // Many threads may trigger the same rule for the first time at once; each must see the
    // one compiled regex and find the same matches.
    let text = "GITHUB_TOKEN=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 \
        DATABASE_URL=postgres://app:Qz8vR2kLm9xW@db.internal:5432/app";
    let results: Vec<Vec<SecretMatch>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8).map(|_| scope.spawn(|| find_secrets(text))).collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a scan does not panic"))
            .collect()
    });
    let expected = find_secrets(text);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(results.iter().all(|r| *r == expected), "{results:?}");
}

#[test]
fn non_ascii_text_is_safe() {
    let text = "пароль: Qk7vP2xL9mZr — token=é€Ω😀Qk7vP2xL9mZr🙂 ключ AKIA€";
    for m in find_secrets(text) {
        assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
    }
    let _ = redact(text);
}

#[test]
fn mcp_client_config() {
    let gh = {
        let random = b62(30, 310);
        format!(
            "ghp_{random}{}",
            encoding::base62(encoding::crc32(random.as_bytes()), 6)
        )
    };
    let brave = b62(31, 311);
    let pg = b62(16, 312);
    let bearer = b62(40, 313);
    let config = format!(
        r#"{{
  "mcpServers": {{
    "github": {{
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": {{ "GITHUB_PERSONAL_ACCESS_TOKEN": "{gh}", "GITHUB_TOKEN_URL": "https://github.com/login" }}
    }},
    "brave": {{ "command": "npx", "env": {{ "BRAVE_API_KEY": "{brave}", "LOG_LEVEL": "debug" }} }},
    "db": {{
      "command": "npx",
      "args": ["@modelcontextprotocol/server-postgres", "postgresql://app:{pg}@db.internal/app"]
    }},
    "remote": {{ "url": "https://mcp.example.com/mcp", "headers": {{ "Authorization": "Bearer {bearer}" }} }},
    "safe": {{ "command": "uvx", "env": {{ "API_KEY": "${{env:API_KEY}}", "TOKEN": "${{input:token}}" }} }}
  }}
}}"#
    );
    let found: Vec<(&str, &str)> = find_secrets(&config)
        .iter()
        .map(|m| (m.kind, &config[m.range()]))
        .collect();
    assert_eq!(
        found,
        [
            ("github-pat", gh.as_str()),
            ("brave-search-api-key", brave.as_str()),
            ("postgres-connection-string", pg.as_str()),
            ("bearer-token", bearer.as_str()),
        ]
    );
}

#[test]
fn tool_results_and_environment_dumps() {
    let gh = format!("gho_{}", b62(36, 320));
    let env = format!(
        "PATH=/usr/local/bin:/usr/bin\nHOME=/home/me\nPWD=/home/me/src\nSSH_AUTH_SOCK=/tmp/ssh-AbCdEf/agent.1234\n\
         GIT_ASKPASS=/usr/lib/git-core/git-gui--askpass\nTERM_SESSION_ID=w0t0p0:8E3C2A1B-9D4F-4E5A-8B7C-6D5E4F3A2B1C\n\
         SESSION_MANAGER=local/host:@/tmp/.ICE-unix/2187,unix/host:/tmp/.ICE-unix/2187\nGH_TOKEN={gh}\n"
    );
    let found: Vec<&str> = find_secrets(&env).iter().map(|m| m.kind).collect();
    assert_eq!(found, ["github-oauth-token"]);
    for text in [
        r#"{"nextPageToken": "CiAKGjBpNDd2Nmp2Zml2cXRwYjBpOXAwMnVtYzY5"}"#,
        r#"{"pagination": {"cursor": "eyJvZmZzZXQiOjEwMH0", "next_token": "AAMA-EFRSURBSGlpbXB3TjBDZ3dBQUFBQUFBQUE"}}"#,
        r#"{"usage": {"input_tokens": 1234, "output_tokens": 98}, "max_tokens": 4096}"#,
        r#"{"token_type": "Bearer", "expires_in": 3600, "token_count": 17}"#,
        r#"{"password_changed_at": "2024-05-01T10:00:00Z", "auth_method": "oauth"}"#,
        r#"{"sha": "3f786850e387550fdab836ed7e6dc881de23001b", "node_id": "MDQ6VXNlcjE5MDQ="}"#,
    ] {
        nothing(text);
    }
}

/// Crafted input that once made a scan revisit the same bytes for every keyword (one huge line
/// full of keywords, markers without ends). These must finish; the time is not asserted.
#[test]
fn pathological_inputs_stay_linear() {
    let inputs = [
        "token=".repeat(10_000),
        format!("curl{}", " -u a".repeat(10_000)),
        "-----BEGIN PRIVATE KEY-----".repeat(2_000),
        "Password=x;Server=y;".repeat(2_500),
        "tokenpassword".repeat(5_000),
        format!("https://u:{}@h", "${".repeat(12_500)),
        "ghp_".repeat(12_500),
        "AKIA".repeat(12_500),
        "Authorization: ".repeat(3_750),
        format!("key={}", "a".repeat(50_000)),
        "eyJhbGciOiJIUzI1NiJ9.".repeat(2_500),
        "x:AA".repeat(12_500),
    ];
    // Unterminated `${NAME:-` openings, whose defaults are looked into.
    let openings = [
        "${a-".repeat(12_500),
        format!("API_KEY={}", "${K:-".repeat(10_000)),
        format!("https://u:{}@h", "${P:-".repeat(8_000)),
    ];
    for text in &inputs {
        let _ = find_secrets(text);
        let _ = redact(text);
        let _ = url_credentials(text);
    }
    for text in &openings {
        let _ = find_secrets(text);
        let _ = url_credentials(text);
        let _ = find_secret_in_assignment("API_KEY", text);
    }
}

/// A classic GitHub token with a valid checksum, from `seed`.
fn github_pat(seed: u64) -> String {
    let random = b62(30, seed);
    format!(
        "ghp_{random}{}",
        encoding::base62(encoding::crc32(random.as_bytes()), 6)
    )
}

/// Asserts that `find_secret_in_assignment(key, value)` reports `secret` (a substring of
/// `value`) with `kind`.
#[track_caller]
fn assigned(kind: &str, key: &str, value: &str, secret: &str) {
    let start = value.find(secret).expect("the secret is part of the value");
    let m = find_secret_in_assignment(key, value);
    assert_eq!(
        m.map(|m| (m.kind, m.start, m.end)),
        Some((kind, start, start + secret.len())),
        "{key}={value}"
    );
}

/// Bug: a `$` followed by a letter anywhere in a value made it a reference, so passwords such as
/// `Tr0ub4dor$Horse99x` were missed (and then printed verbatim by the scanner).
#[test]
fn dollar_inside_a_value_is_not_a_reference() {
    assigned(
        "generic-secret",
        "MYSQL_PASS",
        "Tr0ub4dor$Horse99x",
        "Tr0ub4dor$Horse99x",
    );
    let url = "postgresql://app:Xk9$mP2vQz7Lw@db.example.com/app";
    found("postgres-connection-string", url, "Xk9$mP2vQz7Lw");
    let (s, e) = url_credentials(url).expect("the password");
    assert_eq!(&url[s..e], "Xk9$mP2vQz7Lw");
    assigned(
        "postgres-connection-string",
        "DATABASE_URL",
        url,
        "Xk9$mP2vQz7Lw",
    );
    found(
        "basic-auth-url",
        "https://deploy:Qm7$vLp2Xz9k@registry.example.com/v2",
        "Qm7$vLp2Xz9k",
    );
    for v in [
        "Tr0ub4dor$Horse99x",
        "Xk9$mP2vQz7Lw",
        "ab`cd12345",
        "Xk9-$mP2vQz7Lw",
    ] {
        assert!(!is_interpolation(v), "{v:?}");
    }
    // Whole references, and references joined only by separators, still are.
    for v in [
        "$DB_PASS",
        "$Horse99x",
        "${DB_PASS}",
        "${DB_PASS:-}",
        "${env:DB_PASS}",
        "${input:db_pass}",
        "${{ secrets.DB_PASS }}",
        "%DB_PASS%",
        "{{DB_PASS}}",
        "env:DB_PASS",
        "$user:$pass",
        "${USER}:${PASS}",
        "Bearer ${TOKEN}",
        "$1:$2",
    ] {
        assert!(is_interpolation(v), "{v:?}");
    }
    for (key, value) in [
        ("MYSQL_PASS", "$MYSQL_PASS"),
        ("MYSQL_PASS", "prefix-${MYSQL_PASS}"),
        (
            "DATABASE_URL",
            "postgresql://app:$DB_PASS@db.example.com/app",
        ),
        (
            "DATABASE_URL",
            "postgresql://app:pre${DB_PASS}@db.example.com/app",
        ),
        (
            "DATABASE_URL",
            "postgresql://${DB_USER}:${DB_PASS}@db.example.com/app",
        ),
    ] {
        assert_eq!(find_secret_in_assignment(key, value), None, "{key}={value}");
    }
    nothing("curl -u \"$user:$pass\" https://api.example.net");
    nothing("https://app:$DB_PASS@db.example.com/app");
}

/// Bug: `${VAR:-default}` was skipped as a reference, although its default is a literal the
/// client uses whenever `VAR` is unset.
#[test]
fn reference_default_is_a_literal() {
    let stripe = format!("sk_live_{}", b62(34, 400));
    let value = format!("${{STRIPE_KEY:-{stripe}}}");
    assigned("stripe-secret-key", "STRIPE_KEY", &value, &stripe);
    assigned(
        "stripe-secret-key",
        "STRIPE_KEY",
        &format!("\"${{STRIPE_KEY:-${{LEGACY_KEY:-{stripe}}}}}\""),
        &stripe,
    );

    let gh = github_pat(401);
    found("github-pat", &format!("--api-key=${{K:-{gh}}}"), &gh);
    found(
        "github-pat",
        &format!(r#""args": ["--api-key=${{GITHUB_TOKEN:-{gh}}}"]"#),
        &gh,
    );

    let opaque = b62(24, 402);
    for text in [
        format!("--api-key=${{K:-{opaque}}}"),
        format!("API_KEY=${{API_KEY:-{opaque}}}"),
        format!("\"API_KEY\": \"${{API_KEY:-{opaque}}}\""),
        format!("client_secret: ${{CLIENT_SECRET:={opaque}}}"),
    ] {
        found("generic-secret", &text, &opaque);
    }
    assigned(
        "generic-secret",
        "API_KEY",
        &format!("${{API_KEY:-{opaque}}}"),
        &opaque,
    );
    assigned(
        "bearer-token",
        "Authorization",
        &format!("Bearer ${{TOKEN:-{opaque}}}"),
        &opaque,
    );

    let pass = b62(14, 403);
    let url = format!("postgres://app:${{DB_PASS:-{pass}}}@db.internal:5432/app");
    found("postgres-connection-string", &url, &pass);
    let (s, e) = url_credentials(&url).expect("the default password");
    assert_eq!(&url[s..e], pass);
    let url = format!("postgres://${{DB_USER:-app}}:${{DB_PASS:-{pass}}}@db.internal/app");
    found("postgres-connection-string", &url, &pass);
    assigned(
        "postgres-connection-string",
        "DATABASE_URL",
        &format!("${{DATABASE_URL:-postgres://app:{pass}@db.internal/app}}"),
        &pass,
    );
    let url = format!("https://api.example.com/v1?api_key=${{API_KEY:-{opaque}}}");
    let (s, e) = url_credentials(&url).expect("the default key");
    assert_eq!(&url[s..e], opaque);

    // Defaults that are placeholders, empty or references themselves are not secrets.
    for (key, value) in [
        ("API_KEY", "${API_KEY:-}"),
        ("API_KEY", "${API_KEY:-changeme}"),
        ("API_KEY", "${API_KEY:-your-api-key-here}"),
        ("API_KEY", "${API_KEY:-${OTHER_KEY}}"),
        ("API_KEY", "${API_KEY:?API_KEY must be set}"),
        ("DATABASE_URL", "postgres://app:${DB_PASS:-password}@db/app"),
    ] {
        assert_eq!(find_secret_in_assignment(key, value), None, "{key}={value}");
    }
    nothing("API_KEY=${API_KEY:-changeme}");
    nothing("--api-key=${K:-<your key>}");
    nothing("postgres://app:${DB_PASS:-}@db/app");
}

/// Bug: query parameters were matched by exact name, so vendor-prefixed ones such as
/// `tavilyApiKey` and `exaApiKey` were missed.
#[test]
fn vendor_prefixed_url_parameters() {
    let tavily = format!("tvly-dev-{}", "AbCdEf1234567890".repeat(2));
    let url = format!("https://mcp.tavily.com/mcp/?tavilyApiKey={tavily}");
    let (s, e) = url_credentials(&url).expect("the Tavily key");
    assert_eq!(&url[s..e], tavily);
    let url = "https://mcp.exa.ai/mcp?exaApiKey=2f6c1a9e-3b7d-4c8e-9f0a-1b2c3d4e5f60";
    let (s, e) = url_credentials(url).expect("the Exa key");
    assert_eq!(&url[s..e], "2f6c1a9e-3b7d-4c8e-9f0a-1b2c3d4e5f60");
    found("exa-api-key", url, "2f6c1a9e-3b7d-4c8e-9f0a-1b2c3d4e5f60");

    let value = b62(24, 410);
    for name in [
        "exa_api_key",
        "EXA-API-KEY",
        "x-api-key",
        "githubToken",
        "access-token",
        "ClientSecret",
        "mapsKey",
        "sessionCredentials",
        "Auth",
    ] {
        let url = format!("https://api.example.com/v1?q=1&{name}={value}");
        found("url-query-secret", &url, &value);
    }
    let pass = "Qz8vR2kL";
    found(
        "url-query-secret",
        &format!("https://h.example.com/login?dbPassword={pass}"),
        pass,
    );
    found(
        "url-query-secret",
        &format!("https://h.example.com/f?X-Goog-Signature={}", hex(64, 411)),
        &hex(64, 411),
    );

    for name in [
        "pageToken",
        "next_token",
        "nextPageToken",
        "continuationtoken",
        "cursor",
        "csrf_token",
        "publicKey",
        "pubkey",
        "publishableKey",
        "sitekey",
        "sortKey",
        "idempotency-key",
        "X-Amz-Credential",
        "monkey",
        "tokenizer",
    ] {
        let url = format!("https://api.example.com/v1?{name}={value}");
        assert_eq!(url_credentials(&url), None, "{url}");
    }
    for url in [
        "https://mcp.tavily.com/mcp/?tavilyApiKey=${TAVILY_API_KEY}",
        "https://mcp.tavily.com/mcp/?tavilyApiKey=<your-api-key>",
        "https://mcp.tavily.com/mcp/?tavilyApiKey=tvly-YOUR_API_KEY",
        "https://mcp.exa.ai/mcp?exaApiKey=abc123",
        "https://mcp.exa.ai/mcp?exaApiKey=your-exa-api-key",
    ] {
        assert_eq!(url_credentials(url), None, "{url}");
    }
}

/// Bug: a bare `key` (`--key`, `key`) never counted as a credential name, so
/// `--key <uuid>` in a server's arguments was missed.
#[test]
fn bare_key_name_with_a_random_value() {
    let uuid = "662b5e80-1a2b-4c3d-9e8f-0123456789ab";
    for key in ["--key", "key", "KEY", "-key"] {
        assigned("generic-secret", key, uuid, uuid);
    }
    assigned("generic-secret", "--key", &format!("\"{uuid}\""), uuid);
    let opaque = b62(20, 420);
    assigned("generic-secret", "key", &opaque, &opaque);
    for value in [
        "primary",
        "sortOrderAscending",
        "created_at",
        "/etc/ssl/private/server.key",
        "./certs/client-key.pem",
        "https://keys.example.com/jwks.json",
        "1234567890123456789",
        "00000000-0000-0000-0000-000000000000",
        "abcdefghijklmnopq",
        "Ab3dE9",
        "k9Lm2xQp",
        "${KEY}",
        "your-key-here",
    ] {
        for key in ["--key", "key"] {
            assert_eq!(find_secret_in_assignment(key, value), None, "{key}={value}");
        }
    }
    // Free text keeps ignoring a bare `key`.
    nothing("The key: value pairs are sorted by key = name, then key: primary.");
    nothing("each key: 9f0a1b2c3d4e lookup");
}

#[test]
fn npm_tokens_carry_a_github_style_checksum() {
    let random = b62(30, 510);
    let good = format!(
        "npm_{random}{}",
        encoding::base62(encoding::crc32(random.as_bytes()), 6)
    );
    assert!(encoding::github_checksum_ok(&good));
    found(
        "npm-token",
        &format!("//registry.npmjs.org/:_authToken={good}"),
        &good,
    );
    // A wrong checksum still has the documented shape, so it is still reported.
    let bad = format!("npm_{random}{}", b62(6, 511));
    found("npm-token", &bad, &bad);
}

#[test]
fn published_fixture_keys_are_not_secrets() {
    for key in rules::KNOWN_PUBLIC {
        nothing(key);
        nothing(&format!("apiKey: \"{key}\""));
    }
    // Any other key of the same shape is.
    let key = format!("AIzaSy{}", b62(33, 520));
    found("gcp-api-key", &format!("apiKey: \"{key}\""), &key);
}

#[test]
fn time_based_uuids_are_identifiers_not_credentials() {
    // Version 1: a timestamp and a node address, with 14 random bits at most.
    let v1 = "743b294a-cd03-11ec-9d64-0242ac120002";
    nothing(&format!("_authToken={v1}"));
    nothing(&format!("session_token: \"{v1}\""));
    assert_eq!(find_secret_in_assignment("API_TOKEN", v1), None);
    // In an .npmrc auth line the value is the credential whatever its form.
    found(
        "npmrc-auth-token",
        &format!("//registry.npmjs.org/:_authToken={v1}"),
        v1,
    );
    // Version 4 is random: a credential.
    let v4 = "346a14f2-a672-4668-a892-956a462ab56e";
    found("generic-secret", &format!("_authToken={v4}"), v4);
}

/// The scan was redesigned for speed (keyword lanes, per-line regexes, long-run probing, gates):
/// matches that straddle its internal boundaries must still be found.
#[test]
fn matches_survive_lane_and_line_boundaries() {
    let token = format!("ghp_{}", b62(36, 530));
    let discord = format!("MTA{}.{}.{}", b62(21, 531), b62(6, 532), b62(30, 533));
    let twilio = format!("SK{}", hex(32, 534));
    let filler = "The quick brown fox reads the key-value docs; api-docs and token-gate notes.\n";
    for offset in [0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377] {
        for secret in [&token, &discord, &twilio] {
            let mut text = filler.repeat(40);
            text.truncate(text.len() / 2 + offset);
            while !text.is_char_boundary(text.len()) {
                text.pop();
            }
            text.push(' ');
            text.push_str(secret);
            text.push(' ');
            text.push_str(&filler.repeat(40));
            let m = find_secrets(&text);
            let start = text.find(secret.as_str()).expect("inserted");
            assert!(
                m.iter()
                    .any(|m| m.start == start && m.end == start + secret.len()),
                "offset {offset}: {m:?}"
            );
        }
    }
    // Ordinary words that start like a format stay quiet.
    nothing(&filler.repeat(100));
}

#[test]
fn long_run_table_is_the_token_characters() {
    for b in 0..=255u8 {
        let want = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
        assert_eq!(super::in_long_run(b), want, "{b}");
    }
}

/// [`super::long_runs`] (windows skipped from their last space or other byte outside a run)
/// finds every maximal run of token characters of [`super::LONG_RUN`] bytes or more, as a
/// byte-by-byte scan does: texts of runs with lengths around the limit, in many alignments.
#[test]
fn long_runs_are_every_long_run() {
    fn naive(text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut runs = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !super::in_long_run(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && super::in_long_run(bytes[i]) {
                i += 1;
            }
            if i - start >= super::LONG_RUN {
                runs.push(start..i);
            }
        }
        runs
    }
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _ in 0..3000 {
        let mut text = String::new();
        while text.len() < 400 {
            let len = match next(4) {
                0 => next(8),
                1 => 28 + next(12),
                _ => next(40),
            };
            for _ in 0..len {
                text.push(['a', 'Z', '7', '_', '.', '-'][next(6) as usize]);
            }
            for _ in 0..1 + next(3) {
                text.push([' ', '\n', '/', 'é', '"'][next(5) as usize]);
            }
        }
        assert_eq!(super::long_runs(&text), naive(&text), "{text:?}");
    }
}
