//! The I/O half of `scan --connect --remote`: contact a configured remote server, speak MCP to
//! it as a client just long enough to list its tools, and end the session.
//!
//! Two transports:
//!
//! - **Streamable HTTP** (`type: "http"`, MCP 2025-03-26 and later): every message is a `POST`
//!   with `Accept: application/json, text/event-stream`; the answer is a JSON body or an event
//!   stream that carries it. The `Mcp-Session-Id` the server assigns on `initialize` is sent
//!   back, with `MCP-Protocol-Version`, on every later request, and the session is ended with a
//!   `DELETE`.
//! - **HTTP+SSE** (`type: "sse"`, the 2024-11-05 transport): a `GET` opens an event stream whose
//!   first `endpoint` event names the URL to `POST` messages to; answers come on the stream.
//!
//! The conversation is the stdio one ([`super::connect`]): `initialize`, then
//! `notifications/initialized`, then `tools/list` page by page; `ping` and `roots/list` from the
//! server are answered. Tools are kept exactly as sent, so pins equal what `mcpward run` computes.
//!
//! What an untrusted repository's config can make this do is bounded:
//!
//! - **No SSRF.** The URL is parsed strictly ([`mcpward_policy::ssrf::parse_url`]); its host is
//!   resolved once by the SSRF guard ([`mcpward_sandbox::Guard`]), every address in the answer
//!   is checked (loopback, private, link-local, metadata… are refused unless
//!   `--allow-private-remote`; cloud metadata always), and the connection goes to a checked
//!   address, never to the name again. IP literals take the same checks. Redirects are never
//!   followed, no proxy is used (the environment's `HTTPS_PROXY` is ignored), and the legacy
//!   transport's `endpoint` must stay on the configured origin.
//! - **TLS only.** `https` with certificates verified against the bundled Mozilla roots;
//!   plain `http` only to a loopback address, with `--allow-private-remote`.
//! - **Bounded.** One deadline (`--connect-timeout`) for the whole exchange, at most 16 MiB per
//!   message (and per response), [`MAX_PAGES`] pages, [`MAX_TOOLS`] tools.
//! - **No credential leaks.** Header values (after `${VAR}` expansion) are marked sensitive and
//!   never printed; nor is the URL (it may carry a key). A `401`/`403` is an outcome ("needs
//!   authorization"), not an error; no OAuth flow is started.
//!
//! Why `hyper` with `tokio-rustls` rather than `reqwest`: the SSRF guard already resolves,
//! checks and dials, and handing it the connection is all a client needs; `reqwest` would route
//! the same checks through its resolver hook (which IP-literal URLs bypass, so they would be
//! checked twice, differently) and would add about twenty crates (`tower`, `tower-http`,
//! `futures-util`, `hyper-rustls` and, in 0.13, `rustls-platform-verifier` with the system
//! store), while `hyper`, `hyper-util` and `http-body-util` are in the tree already. The event
//! streams are decoded by [`mcpward_protocol::sse`], which bounds every event.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use mcpward_policy::ssrf::{self, Url};
use mcpward_protocol::sse::{SseDecoder, SseEvent};
use mcpward_sandbox::{Guard, Limits};
use mcpward_scan::connect::{Outcome, Target};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::task::JoinHandle;

use super::connect::{
    MAX_MESSAGE, MAX_PAGES, declares_no_tools, expand_with, humanize, initialize_request,
    printable_max, reply_to_server, response_result, take_page, tools_list_request,
};

/// Bytes read from one event stream in all (a POST's answer, or the legacy session's stream).
const MAX_STREAM: usize = 4 * MAX_MESSAGE;
/// How long the closing `DELETE` may take, on top of the deadline.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// The headers mcpward sets itself, which a config may not set: framing and the session.
const OWN_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
    "keep-alive",
    "proxy-connection",
    "accept",
    "content-type",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
];

/// What every remote connection shares.
#[derive(Clone)]
pub(crate) struct Remote {
    /// `--connect-timeout`: the whole exchange with one server.
    pub(crate) timeout: Duration,
    /// `--allow-private-remote`.
    pub(crate) allow_private: bool,
    /// `--remote-env`: the environment variables a config may send (in its URL or headers).
    env: Vec<String>,
    tls: Arc<rustls::ClientConfig>,
}

impl Remote {
    /// Fails only if the TLS configuration cannot be built (the ring provider supports every
    /// default protocol version, so it can).
    pub(crate) fn new(timeout: Duration, allow_private: bool) -> anyhow::Result<Remote> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Remote {
            timeout,
            allow_private,
            env: Vec::new(),
            tls: Arc::new(config),
        })
    }

    /// Allows configs to send these environment variables (`--remote-env`).
    pub(crate) fn with_env(mut self, names: &[String]) -> Remote {
        self.env = names.to_vec();
        self
    }

    /// The environment a config's URL and headers are expanded from: a repository's config
    /// chooses where they go, so an environment value (a CI token) leaves only when the user
    /// named it with `--remote-env`; any other reference refuses the server.
    fn lookup(&self, name: &str) -> Result<Option<String>, String> {
        if !self.env.iter().any(|n| n == name) {
            let shown = printable_max(name, 60);
            return Err(format!(
                "its config sends ${{{shown}}} from the environment; a remote server gets an environment value only when it is named with --remote-env {shown}"
            ));
        }
        // A value that is not UTF-8 could not be sent in a header anyway.
        Ok(std::env::var_os(name).and_then(|v| v.into_string().ok()))
    }
}

/// Lists the tools of one remote server. Never panics and never takes longer than the timeout
/// (plus [`CLOSE_TIMEOUT`] to end the session).
pub(crate) async fn list_tools(target: &Target, remote: &Remote) -> Outcome {
    if let Some(reason) = &target.skip {
        return Outcome::Skipped {
            reason: reason.clone(),
        };
    }
    let mut client = match Client::new(target, remote) {
        Ok(c) => c,
        Err(reason) => return Outcome::Failed { reason },
    };
    let mut stage = "connect";
    let legacy = target.transport == "sse";
    let result = tokio::time::timeout(remote.timeout, async {
        if legacy {
            client.converse_legacy(&mut stage).await
        } else {
            client.converse(&mut stage).await
        }
    })
    .await;
    let outcome = match result {
        Ok(Ok(tools)) => Outcome::Listed {
            tools,
            changes: Vec::new(),
            pinned_now: false,
        },
        Ok(Err(reason)) => Outcome::Failed { reason },
        Err(_) => Outcome::Failed {
            reason: format!("no answer to {stage} within {}", humanize(remote.timeout)),
        },
    };
    if !legacy {
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, client.close()).await;
    }
    outcome
}

/// Any connection the client speaks HTTP/1.1 over: TCP or TLS on TCP.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// One HTTP/1.1 connection: the request half and the task driving it (aborted on drop).
struct Conn {
    sender: SendRequest<Full<Bytes>>,
    driver: JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// The transport a conversation runs over.
enum Channel<'a> {
    /// Streamable HTTP: each request is a POST answered by JSON or an event stream.
    Streamable,
    /// HTTP+SSE: requests are POSTed to `endpoint`, answers arrive on `events`.
    Legacy {
        events: &'a mut EventStream,
        endpoint: &'a Url,
    },
}

/// One server's client. It holds expanded header values: no `Debug`.
struct Client {
    url: Url,
    /// The configured headers, expanded, values marked sensitive.
    headers: HeaderMap,
    guard: Guard,
    tls: Arc<rustls::ClientConfig>,
    /// Plain `http`: only to loopback addresses.
    plain: bool,
    /// The connection requests go over, reused while the server keeps it open.
    conn: Option<Conn>,
    session: Option<HeaderValue>,
    protocol: Option<HeaderValue>,
    next_id: u64,
}

impl Client {
    fn new(target: &Target, remote: &Remote) -> Result<Client, String> {
        let lookup = |name: &str| remote.lookup(name);
        let raw = expand_with(target.url.as_deref().unwrap_or_default(), lookup)?;
        let url = ssrf::parse_url(&raw, &["https", "http"]).map_err(|e| format!("its URL {e}"))?;
        let plain = url.scheme() == "http";
        if plain && !remote.allow_private {
            return Err(
                "its URL uses plain http://: remote servers are contacted over https only (http only to a loopback address, with --allow-private-remote)"
                    .to_owned(),
            );
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &target.headers {
            let shown = printable_max(name, 60);
            let header = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| format!("its header `{shown}` is not a valid header name"))?;
            if OWN_HEADERS.contains(&header.as_str()) {
                return Err(format!(
                    "its header `{shown}` is one mcpward sets itself; remove it from the config"
                ));
            }
            let mut value =
                HeaderValue::from_str(expand_with(value, lookup)?.trim()).map_err(|_| {
                    format!("the value of its header `{shown}` is not a valid header value")
                })?;
            value.set_sensitive(true);
            headers.append(header, value);
        }
        let mut guard = Guard::public_only().with_limits(limits(remote.timeout));
        if remote.allow_private {
            guard = guard.admitting_private();
        }
        Ok(Client {
            url,
            headers,
            guard,
            tls: Arc::clone(&remote.tls),
            plain,
            conn: None,
            session: None,
            protocol: None,
            next_id: 0,
        })
    }

    /// Checks the destination, connects to a checked address, and starts TLS and HTTP/1.1.
    async fn open(&self, url: &Url) -> Result<Conn, String> {
        let host = url.host_str().unwrap_or_default();
        let port = url.port_or_known_default().unwrap_or(0);
        let addrs = self.guard.check(host, port).await.map_err(refused)?;
        if self.plain && !addrs.iter().all(|a| is_loopback(*a)) {
            return Err(
                "its URL uses plain http:// to an address that is not loopback: remote servers are contacted over https only"
                    .to_owned(),
            );
        }
        let (tcp, _) = self.guard.connect_checked(addrs).await.map_err(refused)?;
        let _ = tcp.set_nodelay(true);
        let io: Box<dyn Io> = if url.scheme() == "https" {
            // A name, or an IP address (an IPv6 one without its brackets).
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            let name = rustls::pki_types::ServerName::try_from(bare.to_owned())
                .map_err(|_| "its host is not a valid TLS server name".to_owned())?;
            let tls = tokio_rustls::TlsConnector::from(Arc::clone(&self.tls))
                .connect(name, tcp)
                .await
                .map_err(|e| format!("TLS failed: {}", printable_max(&e.to_string(), 160)))?;
            Box::new(tls)
        } else {
            Box::new(tcp)
        };
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
            .await
            .map_err(|e| format!("HTTP failed: {e}"))?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { sender, driver })
    }

    /// Sends `request` over the kept connection, or a new one when the server closed it.
    async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<Response<Incoming>, String> {
        let reusable = match &mut self.conn {
            Some(c) => c.sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            self.conn = None;
            let url = self.url.clone();
            self.conn = Some(self.open(&url).await?);
        }
        let Some(conn) = &mut self.conn else {
            return Err("no connection".to_owned());
        };
        conn.sender
            .send_request(request)
            .await
            .map_err(|e| format!("HTTP failed: {e}"))
    }

    /// A request to `url` with the configured headers, the session's, and `accept`.
    fn request(
        &self,
        method: Method,
        url: &Url,
        accept: &'static str,
        body: Option<&Value>,
    ) -> Result<Request<Full<Bytes>>, String> {
        let (target, authority) = mcpward_sandbox::guard::request_target(url);
        let mut builder = Request::builder()
            .method(method)
            .uri(target)
            .header(header::HOST, authority)
            .header(header::ACCEPT, accept)
            .header(
                header::USER_AGENT,
                concat!("mcpward-scan/", env!("CARGO_PKG_VERSION")),
            );
        if body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(h) = builder.headers_mut() {
            for (name, value) in &self.headers {
                h.append(name, value.clone());
            }
            if let Some(s) = &self.session {
                h.insert("mcp-session-id", s.clone());
            }
            if let Some(p) = &self.protocol {
                h.insert("mcp-protocol-version", p.clone());
            }
        }
        let bytes = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
        builder
            .body(Full::new(bytes))
            .map_err(|_| "could not build the request".to_owned())
    }

    // --- Streamable HTTP -----------------------------------------------------------------------

    async fn converse(&mut self, stage: &mut &'static str) -> Result<Vec<Value>, String> {
        self.list_over(Channel::Streamable, stage).await
    }

    /// The conversation both transports hold: `initialize`, `notifications/initialized`, then
    /// `tools/list` page by page.
    async fn list_over(
        &mut self,
        mut channel: Channel<'_>,
        stage: &mut &'static str,
    ) -> Result<Vec<Value>, String> {
        *stage = "initialize";
        let init = initialize_request(self.id());
        let init = self.exchange(&mut channel, init, "initialize").await?;
        // Streamable HTTP sends the negotiated version back on every later request.
        if matches!(channel, Channel::Streamable)
            && let Some(v) = init.get("protocolVersion").and_then(Value::as_str)
            && v.len() <= 32
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            self.protocol = HeaderValue::from_str(v).ok();
        }
        *stage = "notifications/initialized";
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let to = match &channel {
            Channel::Streamable => self.url.clone(),
            Channel::Legacy { endpoint, .. } => (*endpoint).clone(),
        };
        self.post(&to, &initialized, "notifications/initialized")
            .await?;
        if declares_no_tools(&init) {
            return Ok(Vec::new());
        }
        *stage = "tools/list";
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let req = tools_list_request(self.id(), cursor.as_deref());
            let page = self.exchange(&mut channel, req, "tools/list").await?;
            match take_page(&page, cursor.as_deref(), &mut tools)? {
                Some(next) => cursor = Some(next),
                None => return Ok(tools),
            }
        }
        Err(format!("tools/list did not end after {MAX_PAGES} pages"))
    }

    /// One request and its answer, over either transport.
    async fn exchange(
        &mut self,
        channel: &mut Channel<'_>,
        msg: Value,
        stage: &'static str,
    ) -> Result<Value, String> {
        match channel {
            Channel::Streamable => self.call(msg, stage).await,
            Channel::Legacy { events, endpoint } => {
                self.legacy_call(events, endpoint, msg, stage).await
            }
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// POSTs a request and returns its result, reading a JSON body or an event stream.
    async fn call(&mut self, msg: Value, stage: &'static str) -> Result<Value, String> {
        let id = msg.get("id").cloned().unwrap_or(Value::Null);
        let url = self.url.clone();
        let request = self.request(
            Method::POST,
            &url,
            "application/json, text/event-stream",
            Some(&msg),
        )?;
        let response = self.send(request).await?;
        check_status(response.status(), stage, self.session.is_some())?;
        if stage == "initialize"
            && let Some(s) = response.headers().get("mcp-session-id")
        {
            // Visible ASCII only, as the specification requires, and short.
            if s.len() > 512 || !s.as_bytes().iter().all(|b| (0x21..=0x7e).contains(b)) {
                return Err("its Mcp-Session-Id is not visible ASCII".to_owned());
            }
            let mut s = s.clone();
            s.set_sensitive(true);
            self.session = Some(s);
        }
        match content_type(response.headers()).as_str() {
            "application/json" => {
                let body = read_limited(response.into_body(), MAX_MESSAGE).await?;
                let value: Value = serde_json::from_slice(&body)
                    .map_err(|_| format!("answered {stage} with a body that is not JSON"))?;
                let messages = match value {
                    Value::Array(items) => items,
                    one => vec![one],
                };
                for m in &messages {
                    if m.get("method").is_none() && m.get("id") == Some(&id) {
                        return response_result(m, stage);
                    }
                }
                Err(format!("its answer to {stage} holds no response to it"))
            }
            "text/event-stream" => {
                let mut events = EventStream::new(response.into_body());
                while let Some(event) = events.next().await? {
                    let Ok(m) = serde_json::from_str::<Value>(&event.data) else {
                        continue;
                    };
                    if let Some(done) = self.handle(&m, &id, stage, None).await {
                        return done;
                    }
                }
                Err(format!(
                    "its event stream ended before the response to {stage}"
                ))
            }
            _ => Err(format!(
                "answered {stage} with neither JSON nor an event stream"
            )),
        }
    }

    /// One message read while waiting for the response to `id`: the response ends the wait;
    /// a request from the server is answered (POSTed to `endpoint`, else to the URL).
    async fn handle(
        &mut self,
        m: &Value,
        id: &Value,
        stage: &'static str,
        endpoint: Option<&Url>,
    ) -> Option<Result<Value, String>> {
        match (m.get("method").and_then(Value::as_str), m.get("id")) {
            (None, Some(got)) if got == id => Some(response_result(m, stage)),
            (Some(method), Some(req_id)) => {
                let reply = reply_to_server(method, req_id);
                // On a connection of its own: the kept one may be busy with the stream.
                let url = endpoint.unwrap_or(&self.url).clone();
                if let Ok(request) = self.request(
                    Method::POST,
                    &url,
                    "application/json, text/event-stream",
                    Some(&reply),
                ) && let Ok(mut conn) = self.open(&url).await
                    && let Ok(response) = conn.sender.send_request(request).await
                {
                    let _ = read_limited(response.into_body(), 64 * 1024).await;
                }
                None
            }
            _ => None,
        }
    }

    /// Ends the session, if the server gave one (a `405` means it does not allow that; fine).
    async fn close(&mut self) {
        if self.session.is_none() {
            return;
        }
        let url = self.url.clone();
        if let Ok(request) = self.request(Method::DELETE, &url, "application/json", None)
            && let Ok(response) = self.send(request).await
        {
            let _ = read_limited(response.into_body(), 64 * 1024).await;
        }
    }

    // --- HTTP+SSE (2024-11-05) -----------------------------------------------------------------

    async fn converse_legacy(&mut self, stage: &mut &'static str) -> Result<Vec<Value>, String> {
        *stage = "the event stream";
        let url = self.url.clone();
        let request = self.request(Method::GET, &url, "text/event-stream", None)?;
        // The stream has a connection of its own; POSTs go over another.
        let mut stream_conn = self.open(&url).await?;
        let response = stream_conn
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("HTTP failed: {e}"))?;
        check_status(response.status(), "the event stream", false)?;
        if content_type(response.headers()) != "text/event-stream" {
            return Err("its SSE URL did not answer with an event stream".to_owned());
        }
        let mut events = EventStream::new(response.into_body());
        *stage = "the endpoint event";
        let endpoint = loop {
            match events.next().await? {
                Some(e) if e.event == "endpoint" => break e.data,
                Some(_) => {}
                None => return Err("its event stream ended before the endpoint event".to_owned()),
            }
        };
        let endpoint = self
            .url
            .join(endpoint.trim())
            .ok()
            .and_then(|u| ssrf::parse_url(u.as_str(), &["https", "http"]).ok())
            .ok_or("its endpoint event holds no valid URL")?;
        if endpoint.origin() != self.url.origin() {
            return Err(
                "its endpoint event names another origin than the configured URL; refused"
                    .to_owned(),
            );
        }
        let channel = Channel::Legacy {
            events: &mut events,
            endpoint: &endpoint,
        };
        // `stream_conn` carries the event stream: it lives until the conversation ends.
        let tools = self.list_over(channel, stage).await;
        drop(stream_conn);
        tools
    }

    /// POSTs a message whose answer does not matter (a notification; with HTTP+SSE every
    /// request, whose answer comes on the stream): accepted is any 2xx.
    async fn post(&mut self, url: &Url, msg: &Value, stage: &'static str) -> Result<(), String> {
        let request = self.request(
            Method::POST,
            url,
            "application/json, text/event-stream",
            Some(msg),
        )?;
        // Streamable HTTP's URL, or an endpoint on the configured origin: the kept connection
        // serves it.
        let response = self.send(request).await?;
        check_status(response.status(), stage, self.session.is_some())?;
        // Read what little there is, so that the connection can be reused.
        let _ = read_limited(response.into_body(), 64 * 1024).await;
        Ok(())
    }

    async fn legacy_call(
        &mut self,
        events: &mut EventStream,
        endpoint: &Url,
        msg: Value,
        stage: &'static str,
    ) -> Result<Value, String> {
        let id = msg.get("id").cloned().unwrap_or(Value::Null);
        self.post(endpoint, &msg, stage).await?;
        while let Some(event) = events.next().await? {
            if event.event != "message" {
                continue;
            }
            let Ok(m) = serde_json::from_str::<Value>(&event.data) else {
                continue;
            };
            if let Some(done) = self.handle(&m, &id, stage, Some(endpoint)).await {
                return done;
            }
        }
        Err(format!(
            "its event stream ended before the response to {stage}"
        ))
    }
}

/// The guard's limits within the overall deadline.
fn limits(timeout: Duration) -> Limits {
    let mut limits = Limits::default();
    limits.resolve_timeout = limits.resolve_timeout.min(timeout);
    limits.connect_timeout = limits.connect_timeout.min(timeout);
    limits.total_timeout = timeout;
    limits.max_redirects = 0;
    limits.max_body_bytes = MAX_MESSAGE;
    limits
}

fn is_loopback(addr: SocketAddr) -> bool {
    match addr.ip() {
        std::net::IpAddr::V4(a) => a.is_loopback(),
        std::net::IpAddr::V6(a) => a
            .to_ipv4_mapped()
            .map_or(a.is_loopback(), |v4| v4.is_loopback()),
    }
}

/// Why the guard refused, for the report: the host is the configured one, so it is named, but
/// never the whole URL.
fn refused(r: mcpward_sandbox::Refusal) -> String {
    use mcpward_sandbox::Refusal;
    const HINT: &str = "remote servers on loopback, private, link-local and other non-public addresses are contacted only with --allow-private-remote, cloud metadata ones never";
    match r {
        Refusal::Special {
            host,
            addr: Some(addr),
            kind,
        } => format!("refused: {host} resolves to {addr}, {kind} ({HINT})"),
        Refusal::Special { host, kind, .. } => format!("refused: {host} is {kind} ({HINT})"),
        Refusal::Timeout => "its host name did not resolve in time".to_owned(),
        Refusal::Resolve(e) => format!("its host name did not resolve: {e}"),
        Refusal::NoAddress(_) => "its host name has no address".to_owned(),
        Refusal::Connect(e) => format!("cannot connect: {e}"),
        other => format!("refused: {other}"),
    }
}

/// What a status means before the body is read.
fn check_status(status: StatusCode, stage: &str, in_session: bool) -> Result<(), String> {
    match status.as_u16() {
        200..=299 => Ok(()),
        401 | 403 => Err(format!(
            "needs authorization (HTTP {}): the server refused {stage} with the headers the config gives; scan does not run OAuth flows",
            status.as_u16()
        )),
        300..=399 => Err(format!(
            "answered {stage} with a redirect (HTTP {}); redirects are not followed: put the final URL in the config",
            status.as_u16()
        )),
        404 if in_session => Err(format!("answered {stage} with HTTP 404: the session ended")),
        s => Err(format!("answered {stage} with HTTP {s}")),
    }
}

/// The media type of a response, lower case, without parameters.
fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The whole body, refused once it passes `max` bytes (a declared length over it is refused
/// before reading).
async fn read_limited(mut body: Incoming, max: usize) -> Result<Vec<u8>, String> {
    let too_large = || {
        format!(
            "sent a response larger than {} MiB",
            max.div_ceil(1024 * 1024)
        )
    };
    if hyper::body::Body::size_hint(&body)
        .exact()
        .is_some_and(|n| n > max as u64)
    {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| format!("HTTP failed: {e}"))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > max {
                return Err(too_large());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// An event stream read incrementally, bounded per event and in all.
struct EventStream {
    body: Incoming,
    decoder: SseDecoder,
    read: usize,
    done: bool,
}

impl EventStream {
    fn new(body: Incoming) -> EventStream {
        EventStream {
            body,
            decoder: SseDecoder::new(MAX_MESSAGE),
            read: 0,
            done: false,
        }
    }

    /// The next event, `None` at the end of the stream.
    async fn next(&mut self) -> Result<Option<SseEvent>, String> {
        loop {
            if let Some(e) = self.decoder.next_event() {
                return Ok(Some(e));
            }
            if self.done {
                return Ok(None);
            }
            match self.body.frame().await {
                None => self.done = true,
                Some(Err(e)) => return Err(format!("its event stream failed: {e}")),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.read += data.len();
                        if self.read > MAX_STREAM {
                            return Err(format!(
                                "sent an event stream longer than {} MiB",
                                MAX_STREAM / (1024 * 1024)
                            ));
                        }
                        self.decoder.push(&data).map_err(|_| {
                            format!(
                                "sent a message larger than {} MiB",
                                MAX_MESSAGE / (1024 * 1024)
                            )
                        })?;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};

    fn e2e_py() -> PathBuf {
        let dir = std::env::var_os("MCPWARD_E2E_DIR")
            .filter(|d| !d.is_empty())
            .map_or_else(
                || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e"),
                PathBuf::from,
            );
        let py = dir.join("py");
        assert!(
            py.join("mcp").is_dir(),
            "{} holds no Python MCP SDK: run `scripts/e2e-setup.sh` first",
            py.display()
        );
        py
    }

    fn target(url: &str) -> Target {
        Target {
            id: "test#tls".to_owned(),
            name: "tls".to_owned(),
            pin_name: "tls".to_owned(),
            transport: "http",
            command: None,
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            url: Some(url.to_owned()),
            headers: Vec::new(),
            skip: None,
        }
    }

    /// The https path end to end — TLS with a name and with an IP address, ALPN, HTTP/1.1 over
    /// TLS — against the Python SDK's server on a self-signed certificate, trusted here by
    /// putting it in the root store the way the bundled roots are.
    #[test]
    fn https_with_a_trusted_certificate_lists_the_tools() {
        // A committed test-only certificate (tests/fixtures/tls/README.md): no `openssl` needed.
        let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
        let (cert, key) = (tls.join("cert.pem"), tls.join("key.pem"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("bind")
            .port();
        let mut server = Command::new("python3")
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/poisoned_http_server.py"),
            )
            .arg(port.to_string())
            .arg("--tls")
            .arg(&cert)
            .arg(&key)
            .env("PYTHONPATH", e2e_py())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 starts");
        let until = std::time::Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
            && std::time::Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(100));
        }

        let mut remote = Remote::new(Duration::from_secs(20), true).expect("TLS config");
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_file(&cert).expect("PEM"))
            .expect("a root");
        let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        remote.tls = Arc::new(config);

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        for host in ["localhost", "127.0.0.1"] {
            let url = format!("https://{host}:{port}/mcp");
            let outcome = runtime.block_on(list_tools(&target(&url), &remote));
            let Outcome::Listed { tools, .. } = outcome else {
                let _ = server.kill();
                panic!("{host}: {outcome:?}");
            };
            assert!(
                tools.iter().any(|t| t["name"] == "add"),
                "{host}: {tools:?}"
            );
        }
        // The bundled roots do not know the certificate.
        let plain = Remote::new(Duration::from_secs(20), true).expect("TLS config");
        let url = format!("https://localhost:{port}/mcp");
        let outcome = runtime.block_on(list_tools(&target(&url), &plain));
        let _ = server.kill();
        let _ = server.wait();
        assert!(
            matches!(&outcome, Outcome::Failed { reason } if reason.contains("certificate")),
            "{outcome:?}"
        );
    }
}
