//! The egress proxy a sandboxed server is given (`HTTPS_PROXY`, `HTTP_PROXY`): HTTP `CONNECT`
//! tunnels and absolute-form `http://` requests, each destination checked by the [`Guard`].
//!
//! Requests are parsed by hyper's HTTP/1 server, not by hand: it bounds the head
//! (`max_buf_size`), times out a slow head, handles chunked bodies and keep-alive, and upgrades a
//! `CONNECT` to a raw tunnel; a hand-written parser would repeat all of that with less testing.
//! Absolute-form requests are forwarded with hyper's client on a connection the guard opened, so
//! the address dialled is the address checked.
//!
//! A refused destination gets `403` with a fixed body: the sandboxed server learns nothing about
//! why (whether the name exists, what it resolves to); mcpward's own log gets the reason.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use mcpward_policy::ssrf;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::guard::{Guard, Refusal};

/// Simultaneous client connections; more wait for a slot.
const MAX_CONNECTIONS: usize = 64;
/// The largest request head.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a client has to send a request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// What the proxy did with one destination, for mcpward's log.
#[derive(Debug)]
#[non_exhaustive]
pub enum ProxyEvent {
    /// Connected.
    Allowed {
        /// `CONNECT` or the request's method.
        method: String,
        /// `host:port` as asked.
        target: String,
    },
    /// Refused.
    Refused {
        /// `CONNECT` or the request's method.
        method: String,
        /// `host:port` (or the URL) as asked.
        target: String,
        /// Why.
        reason: String,
    },
}

/// Where [`serve`] reports what it did. For an [`ProxyEvent::Allowed`], `false` (the event
/// could not be recorded) refuses the connection after all: fail closed.
pub type EventSink = Arc<dyn Fn(ProxyEvent) -> bool + Send + Sync>;

type Body = BoxBody<Bytes, hyper::Error>;

fn text(status: StatusCode, body: &'static str) -> Response<Body> {
    let mut response = Response::new(
        Full::new(Bytes::from_static(body.as_bytes()))
            .map_err(|never| match never {})
            .boxed(),
    );
    *response.status_mut() = status;
    response
}

fn forbidden() -> Response<Body> {
    text(
        StatusCode::FORBIDDEN,
        "mcpward: this destination is not allowed for this server\n",
    )
}

/// Accepts connections on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, guard: Arc<Guard>, events: EventSink) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let Ok((stream, _)) = listener.accept().await else {
            // EMFILE and the like: wait instead of spinning.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let guard = guard.clone();
        let events = events.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let guard = guard.clone();
                let events = events.clone();
                async move { Ok::<_, Infallible>(handle(req, &guard, &events).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD_BYTES)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
            drop(permit);
        });
    }
}

async fn handle(req: Request<Incoming>, guard: &Guard, events: &EventSink) -> Response<Body> {
    let method = req.method().to_string();
    if req.method() == Method::CONNECT {
        let Some(authority) = req.uri().authority().cloned() else {
            return text(StatusCode::BAD_REQUEST, "CONNECT needs host:port\n");
        };
        let target = authority.to_string();
        let Some(port) = authority.port_u16() else {
            return text(StatusCode::BAD_REQUEST, "CONNECT needs host:port\n");
        };
        match guard.connect(authority.host(), port).await {
            Ok((mut upstream, _)) => {
                if !events(ProxyEvent::Allowed { method, target }) {
                    return forbidden();
                }
                tokio::spawn(async move {
                    if let Ok(upgraded) = hyper::upgrade::on(req).await {
                        let mut client = TokioIo::new(upgraded);
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                });
                Response::new(BoxBody::default())
            }
            Err(refusal) => refuse(events, method, target, &refusal),
        }
    } else {
        forward(req, guard, events, method).await
    }
}

fn refuse(events: &EventSink, method: String, target: String, r: &Refusal) -> Response<Body> {
    let _ = events(ProxyEvent::Refused {
        method,
        target,
        reason: r.to_string(),
    });
    match r {
        Refusal::Connect(_) | Refusal::Timeout | Refusal::Resolve(_) | Refusal::NoAddress(_) => {
            text(
                StatusCode::BAD_GATEWAY,
                "mcpward: the destination cannot be reached\n",
            )
        }
        _ => forbidden(),
    }
}

/// An absolute-form `http://` request: checked, sent on a guarded connection in origin form,
/// without the proxy's own headers.
async fn forward(
    mut req: Request<Incoming>,
    guard: &Guard,
    events: &EventSink,
    method: String,
) -> Response<Body> {
    let raw = req.uri().to_string();
    let url = match ssrf::parse_url(&raw, &["http"]) {
        Ok(url) => url,
        Err(e) => {
            // Not the text itself: a request target can carry credentials in its query.
            let target = "(an invalid or non-http request target)".to_owned();
            return refuse(events, method, target, &Refusal::Url(e));
        }
    };
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(80);
    let target = format!("{host}:{port}");
    let (stream, _) = match guard.connect(&host, port).await {
        Ok(ok) => ok,
        Err(refusal) => return refuse(events, method, target, &refusal),
    };
    if !events(ProxyEvent::Allowed { method, target }) {
        return forbidden();
    }
    let origin_form = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let Ok(uri) = origin_form.parse() else {
        return text(StatusCode::BAD_REQUEST, "bad request target\n");
    };
    *req.uri_mut() = uri;
    let headers = req.headers_mut();
    for name in [
        "proxy-authorization",
        "proxy-connection",
        "proxy-authenticate",
    ] {
        headers.remove(name);
    }
    if !headers.contains_key(hyper::header::HOST)
        && let Ok(value) = url[url::Position::BeforeHost..url::Position::AfterPort].parse()
    {
        headers.insert(hyper::header::HOST, value);
    }
    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
    else {
        return text(
            StatusCode::BAD_GATEWAY,
            "mcpward: the destination cannot be reached\n",
        );
    };
    tokio::spawn(conn);
    match sender.send_request(req).await {
        Ok(response) => response.map(BodyExt::boxed),
        Err(_) => text(StatusCode::BAD_GATEWAY, "mcpward: the destination failed\n"),
    }
}
