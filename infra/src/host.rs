//! Serves template.yaml's HttpApi routes with the functions' own handlers, the way API
//! Gateway would: the request becomes an API Gateway v2 HTTP event (JSON), which
//! lambda_http turns into the handler's `Request` exactly as in Lambda.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Result, anyhow};
use axum::body::{Body as AxumBody, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response as AxumResponse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use cargoflow_functions::Deps;
use cargoflow_functions::registry::{HttpFn, http_function};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::template::Template;

/// One route: its template path split into segments, and the handler.
#[derive(Clone)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub function: String,
    segments: Vec<Segment>,
    handler: HttpFn,
}

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Static(String),
    Param(String),
    Greedy(String),
}

impl Route {
    fn new(method: &str, path: &str, function: &str, handler: HttpFn) -> Self {
        let segments = path
            .trim_matches('/')
            .split('/')
            .map(|s| {
                if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix("+}")) {
                    Segment::Greedy(name.to_string())
                } else if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Segment::Param(name.to_string())
                } else {
                    Segment::Static(s.to_string())
                }
            })
            .collect();
        Self {
            method: method.to_string(),
            path: path.to_string(),
            function: function.to_string(),
            segments,
            handler,
        }
    }

    /// Matches a request path; returns the path parameters. Like API Gateway, a trailing
    /// slash is served by the route without it.
    fn matches(&self, path: &str) -> Option<BTreeMap<String, String>> {
        let trimmed = path.trim_end_matches('/');
        let parts: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
        let mut params = BTreeMap::new();
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Static(s) => {
                    if parts.get(i) != Some(&s.as_str()) {
                        return None;
                    }
                }
                Segment::Param(name) => {
                    let value = parts.get(i).filter(|v| !v.is_empty())?;
                    params.insert(name.clone(), percent_decode(value));
                }
                Segment::Greedy(name) => {
                    if i >= parts.len() {
                        return None;
                    }
                    params.insert(name.clone(), parts[i..].join("/"));
                    return Some(params);
                }
            }
        }
        (parts.len() == self.segments.len()).then_some(params)
    }

    /// API Gateway prefers the most specific route: static segments over parameters over
    /// greedy ones.
    fn specificity(&self) -> (usize, usize) {
        let statics = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Static(_)))
            .count();
        let greedy = self
            .segments
            .iter()
            .filter(|s| matches!(s, Segment::Greedy(_)))
            .count();
        (usize::MAX - greedy, statics)
    }
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every HttpApi route of the template, each bound to its function's handler. A function
/// without a handler (or the reverse) is an error: the template and the code must agree.
pub fn routes(template: &Template) -> Result<Vec<Route>> {
    let mut routes = Vec::new();
    for f in &template.functions {
        if f.http_routes.is_empty() {
            if f.schedules.is_empty() && f.other_events.is_empty() && f.websocket_routes.is_empty()
            {
                return Err(anyhow!("{} has no event source", f.logical_id));
            }
            for key in &f.websocket_routes {
                match cargoflow_functions::registry::websocket_function(key) {
                    Some((name, _)) if name == f.binary => {}
                    _ => {
                        return Err(anyhow!(
                            "{} serves WebSocket {key} in the template, not in the registry",
                            f.logical_id
                        ));
                    }
                }
            }
            continue;
        }
        let handler = http_function(&f.binary).ok_or_else(|| {
            anyhow!(
                "{} ({}) has no HTTP handler in the registry",
                f.logical_id,
                f.binary
            )
        })?;
        for r in &f.http_routes {
            routes.push(Route::new(&r.method, &r.path, &f.binary, handler));
        }
    }
    routes.sort_by_key(|r| std::cmp::Reverse(r.specificity()));
    Ok(routes)
}

#[derive(Clone)]
pub struct HostState {
    pub deps: Arc<Deps>,
    pub routes: Arc<Vec<Route>>,
    pub cors_origins: Arc<Vec<String>>,
    pub static_dir: Option<PathBuf>,
}

/// The API Gateway v2 HTTP event for one request (payload format 2.0).
pub fn api_gateway_event(
    route: &Route,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    params: &BTreeMap<String, String>,
    source_ip: &str,
) -> Value {
    let mut hdrs = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in headers {
        let v = value.to_str().unwrap_or_default().to_string();
        if name == http::header::COOKIE {
            cookies.extend(v.split(';').map(|c| c.trim().to_string()));
            continue;
        }
        match hdrs.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                hdrs.insert(name.as_str().to_string(), Value::String(v));
            }
        }
    }
    let raw_query = uri.query().unwrap_or("").to_string();
    let mut query = Map::new();
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (
            percent_decode(&k.replace('+', " ")),
            percent_decode(&v.replace('+', " ")),
        );
        match query.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                query.insert(k, Value::String(v));
            }
        }
    }
    let now = time::OffsetDateTime::now_utc();
    let route_key = format!("{} {}", route.method, route.path);
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let (body_value, is_b64) = if body.is_empty() {
        (Value::Null, false)
    } else {
        match std::str::from_utf8(body) {
            Ok(text) => (Value::String(text.to_string()), false),
            Err(_) => (Value::String(B64.encode(body)), true),
        }
    };
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": uri.path(),
        "rawQueryString": raw_query,
        "headers": hdrs,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split('.').next().unwrap_or("localhost"),
            "http": {
                "method": method.as_str(),
                "path": uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent").and_then(|h| h.to_str().ok()).unwrap_or(""),
            },
            "requestId": ulid::Ulid::new().to_string(),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.unix_timestamp().to_string(),
            "timeEpoch": now.unix_timestamp() * 1000 + i64::from(now.millisecond()),
        },
        "isBase64Encoded": is_b64,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query);
    }
    if !params.is_empty() {
        event["pathParameters"] = json!(params);
    }
    if !body_value.is_null() {
        event["body"] = body_value;
    }
    event
}

fn cors_headers(state: &HostState, req_headers: &HeaderMap, out: &mut HeaderMap) {
    let Some(origin) = req_headers.get("origin").and_then(|o| o.to_str().ok()) else {
        return;
    };
    let allowed = state.cors_origins.iter().any(|o| o == "*" || o == origin);
    if !allowed {
        return;
    }
    let value = if state.cors_origins.iter().any(|o| o == "*") {
        "*"
    } else {
        origin
    };
    if let Ok(v) = HeaderValue::from_str(value) {
        out.insert("access-control-allow-origin", v);
    }
    out.insert(
        "access-control-expose-headers",
        HeaderValue::from_static("x-request-id, retry-after, etag"),
    );
    out.insert("vary", HeaderValue::from_static("origin"));
}

pub enum Invocation {
    Response(lambda_http::Response<lambda_http::Body>),
    NoRoute { method_mismatch: bool },
    BadEvent(String),
}

/// The address API Gateway sees on requests the local host forwards as CloudFront: one
/// edge address for every viewer (130.176.0.0/16 is among CloudFront's origin-facing ranges),
/// as in AWS, so only the viewer address tells viewers apart.
pub const LOCAL_EDGE_IP: &str = "130.176.0.1";

/// A request from viewer `viewer` through the distribution, as CloudFront sends it to its API
/// origin: when the functions expect CloudFront (`ORIGIN_VERIFY_SHA256` set), the host adds
/// the origin secret and `CloudFront-Viewer-Address` (CloudFront replaces whatever the viewer
/// sent in either) and API Gateway sees the edge's address; otherwise the viewer reaches API
/// Gateway itself. Tests call this directly to count a function's DynamoDB requests.
pub async fn invoke(
    state: &HostState,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    viewer: &str,
) -> Invocation {
    let viewer = viewer
        .parse::<SocketAddr>()
        .or_else(|_| {
            viewer
                .parse::<std::net::IpAddr>()
                .map(|ip| SocketAddr::new(ip, 0))
        })
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
    if state.deps.config.origin_verify_sha256.is_none() {
        let ip = viewer.ip().to_string();
        return invoke_execute_api(state, method, uri, headers, body, &ip).await;
    }
    let mut headers = headers.clone();
    headers.insert(
        cargoflow_http::ORIGIN_VERIFY_HEADER,
        HeaderValue::from_static(cargoflow_http::LOCAL_ORIGIN_SECRET),
    );
    // CloudFront's form: ip:port, an IPv6 address without brackets.
    let address = format!("{}:{}", viewer.ip(), viewer.port());
    if let Ok(v) = HeaderValue::from_str(&address) {
        headers.insert(cargoflow_http::VIEWER_ADDRESS_HEADER, v);
    }
    invoke_execute_api(state, method, uri, &headers, body, LOCAL_EDGE_IP).await
}

/// Finds the route for a request and runs its function with the API Gateway event, as
/// API Gateway would: the execute-api endpoint itself, without CloudFront in front.
pub async fn invoke_execute_api(
    state: &HostState,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
    body: &[u8],
    source_ip: &str,
) -> Invocation {
    let path = uri.path();
    let candidates: Vec<(&Route, BTreeMap<String, String>)> = state
        .routes
        .iter()
        .filter_map(|r| r.matches(path).map(|p| (r, p)))
        .collect();
    let Some((route, params)) = candidates
        .iter()
        .find(|(r, _)| r.method == method.as_str())
        .cloned()
    else {
        return Invocation::NoRoute {
            method_mismatch: !candidates.is_empty(),
        };
    };
    let event = api_gateway_event(route, method, uri, headers, body, &params, source_ip);
    match lambda_http::request::from_str(&event.to_string()) {
        Ok(req) => Invocation::Response((route.handler)(state.deps.clone(), req).await),
        Err(e) => Invocation::BadEvent(e.to_string()),
    }
}

/// Handles one request: a route of the template, a CORS preflight, or a static file.
pub async fn dispatch(
    State(state): State<HostState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    req: http::Request<AxumBody>,
) -> AxumResponse {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    if parts.method == Method::OPTIONS
        && parts.headers.contains_key("access-control-request-method")
    {
        let mut headers = HeaderMap::new();
        cors_headers(&state, &parts.headers, &mut headers);
        headers.insert(
            "access-control-allow-methods",
            HeaderValue::from_static("GET,POST,PUT,PATCH,DELETE,OPTIONS"),
        );
        headers.insert(
            "access-control-allow-headers",
            HeaderValue::from_static("authorization,content-type,idempotency-key,if-none-match"),
        );
        headers.insert("access-control-max-age", HeaderValue::from_static("600"));
        return (StatusCode::NO_CONTENT, headers).into_response();
    }
    // API Gateway HTTP APIs accept payloads up to 10 MB.
    let bytes: Bytes = match axum::body::to_bytes(body, 10 * 1024 * 1024).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                [("content-type", "application/json")],
                r#"{"message":"Request Entity Too Large"}"#,
            )
                .into_response();
        }
    };
    let response = match invoke(
        &state,
        &parts.method,
        &parts.uri,
        &parts.headers,
        &bytes,
        &addr.to_string(),
    )
    .await
    {
        Invocation::Response(r) => r,
        Invocation::NoRoute { method_mismatch } => {
            if path.starts_with("/api/") || path == "/api" {
                let status = if method_mismatch {
                    StatusCode::METHOD_NOT_ALLOWED
                } else {
                    StatusCode::NOT_FOUND
                };
                // API Gateway's own answer for an unknown route.
                return (
                    status,
                    [("content-type", "application/json")],
                    r#"{"message":"Not Found"}"#,
                )
                    .into_response();
            }
            return serve_static(&state, &parts.headers, &path).await;
        }
        Invocation::BadEvent(e) => {
            tracing::error!(error = %e, "could not build the API Gateway event");
            return (StatusCode::INTERNAL_SERVER_ERROR, "local host: bad event").into_response();
        }
    };
    let (rparts, rbody) = response.into_parts();
    let mut headers = rparts.headers;
    cors_headers(&state, &parts.headers, &mut headers);
    let body = match rbody {
        lambda_http::Body::Empty => AxumBody::empty(),
        lambda_http::Body::Text(t) => AxumBody::from(t),
        lambda_http::Body::Binary(b) => AxumBody::from(b),
        _ => AxumBody::empty(),
    };
    let mut out = AxumResponse::new(body);
    *out.status_mut() = rparts.status;
    *out.headers_mut() = headers;
    out
}

/// The web apps' security headers, as CloudFront's `WebResponseHeadersPolicy` sends them;
/// set once by the local host's `main` ([`use_web_headers`]).
static WEB_HEADERS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();

/// Serves the static files with `headers` from now on (see [`web_headers`]).
pub fn use_web_headers(headers: Vec<(String, String)>) {
    let _ = WEB_HEADERS.set(headers);
}

fn untag(v: &serde_yaml_ng::Value) -> &serde_yaml_ng::Value {
    match v {
        serde_yaml_ng::Value::Tagged(t) => untag(&t.value),
        other => other,
    }
}

fn yaml_at<'a>(v: &'a serde_yaml_ng::Value, path: &[&str]) -> Option<&'a serde_yaml_ng::Value> {
    path.iter().try_fold(untag(v), |v, k| v.get(*k).map(untag))
}

/// The response headers of template.yaml's `WebResponseHeadersPolicy`, as the local host
/// sends them with the web apps: the same policy the browser tests then run under. Its `!Sub`
/// variables become local values: `PodOrigin` the S3 endpoint's origin (`pod_origin`),
/// parameters their defaults; a variable left unknown is an error, never a looser policy.
pub fn web_headers(template_text: &str, pod_origin: &str) -> Result<Vec<(String, String)>> {
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(template_text)?;
    let config = yaml_at(
        &doc,
        &[
            "Resources",
            "WebResponseHeadersPolicy",
            "Properties",
            "ResponseHeadersPolicyConfig",
            "SecurityHeadersConfig",
        ],
    )
    .ok_or_else(|| anyhow!("template.yaml has no WebResponseHeadersPolicy"))?;
    let str_of = |v: Option<&serde_yaml_ng::Value>, what: &str| -> Result<String> {
        v.and_then(|v| untag(v).as_str())
            .map(str::to_string)
            .ok_or_else(|| anyhow!("WebResponseHeadersPolicy: no {what}"))
    };
    // `!Sub [text, {vars}]` or `!Sub text`.
    let csp = yaml_at(config, &["ContentSecurityPolicy", "ContentSecurityPolicy"]);
    let mut csp_text = match csp.map(untag) {
        Some(serde_yaml_ng::Value::Sequence(seq)) => str_of(seq.first(), "CSP text")?,
        other => str_of(other, "CSP")?,
    };
    let mut vars: Vec<(String, String)> = vec![("PodOrigin".into(), pod_origin.into())];
    if let Some(params) = yaml_at(&doc, &["Parameters"]).and_then(|p| p.as_mapping()) {
        for (k, v) in params {
            if let (Some(k), Some(d)) = (k.as_str(), yaml_at(v, &["Default"])) {
                let d = match d {
                    serde_yaml_ng::Value::String(s) => s.clone(),
                    serde_yaml_ng::Value::Number(n) => n.to_string(),
                    _ => continue,
                };
                vars.push((k.to_string(), d));
            }
        }
    }
    for (k, v) in &vars {
        csp_text = csp_text.replace(&format!("${{{k}}}"), v);
    }
    if csp_text.contains("${") {
        return Err(anyhow!(
            "WebResponseHeadersPolicy: unresolved variable in {csp_text}"
        ));
    }
    let mut out = vec![("content-security-policy".to_string(), csp_text)];
    if let Some(hsts) = yaml_at(config, &["StrictTransportSecurity"]) {
        let age = yaml_at(hsts, &["AccessControlMaxAgeSec"])
            .and_then(|v| v.as_u64())
            .ok_or_else(|| anyhow!("WebResponseHeadersPolicy: HSTS without a max age"))?;
        let mut value = format!("max-age={age}");
        if yaml_at(hsts, &["IncludeSubdomains"]).and_then(|v| v.as_bool()) == Some(true) {
            value.push_str("; includeSubDomains");
        }
        if yaml_at(hsts, &["Preload"]).and_then(|v| v.as_bool()) == Some(true) {
            value.push_str("; preload");
        }
        out.push(("strict-transport-security".into(), value));
    }
    if let Some(f) = yaml_at(config, &["FrameOptions", "FrameOption"]) {
        out.push(("x-frame-options".into(), str_of(Some(f), "frame option")?));
    }
    if yaml_at(config, &["ContentTypeOptions"]).is_some() {
        out.push(("x-content-type-options".into(), "nosniff".into()));
    }
    if let Some(r) = yaml_at(config, &["ReferrerPolicy", "ReferrerPolicy"]) {
        out.push((
            "referrer-policy".into(),
            str_of(Some(r), "referrer policy")?,
        ));
    }
    Ok(out)
}

/// The web headers for one response: the page's WebSockets go to this host (`ws://` of the
/// request's Host), which CSP Level 3's 'self' already covers; named too for older engines.
fn add_web_headers(req_headers: &HeaderMap, out: &mut HeaderMap) {
    let Some(list) = WEB_HEADERS.get() else {
        return;
    };
    let host = req_headers.get("host").and_then(|h| h.to_str().ok());
    for (name, value) in list {
        let value = match (name.as_str(), host) {
            ("content-security-policy", Some(host)) => value.replacen(
                "connect-src 'self'",
                &format!("connect-src 'self' ws://{host}"),
                1,
            ),
            _ => value.clone(),
        };
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            out.insert(n, v);
        }
    }
}

async fn serve_static(state: &HostState, req_headers: &HeaderMap, path: &str) -> AxumResponse {
    let mut response = serve_file(state, path).await;
    add_web_headers(req_headers, response.headers_mut());
    response
}

async fn serve_file(state: &HostState, path: &str) -> AxumResponse {
    let Some(dir) = &state.static_dir else {
        return (StatusCode::NOT_FOUND, "Not Found").into_response();
    };
    let rel = path.trim_start_matches('/');
    let safe = !rel.split('/').any(|s| s == ".." || s.starts_with('.'));
    let candidate = dir.join(rel);
    // The tracking page is its own entry (track.html), as CloudFront's SpaRouting function
    // does in AWS; every other app path gets the SPA shell.
    let track = dir.join("track.html");
    let file = if safe && !rel.is_empty() && candidate.is_file() {
        candidate
    } else if rel.starts_with("track/") && track.is_file() {
        track
    } else {
        dir.join("index.html")
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => {
            let ct = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") | Some("mjs") => "text/javascript",
                Some("css") => "text/css",
                Some("json") => "application/json",
                Some("webmanifest") => "application/manifest+json",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("ico") => "image/x-icon",
                Some("woff2") => "font/woff2",
                _ => "application/octet-stream",
            };
            // Only the content-hashed build output under /assets is immutable; the shells,
            // the service worker, the manifest and icons are revalidated (CloudFront: the
            // /assets/* behaviour in template.yaml).
            let cache = if rel.starts_with("assets/") && file.starts_with(dir.join("assets")) {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            ([("content-type", ct), ("cache-control", cache)], bytes).into_response()
        }
        Err(_) => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

pub fn router(state: HostState) -> axum::Router {
    crate::websocket::routes(axum::Router::new())
        .route("/_local/mail", axum::routing::get(crate::mailbox::handler))
        .fallback(dispatch)
        .with_state(state)
}

/// Serves until the future `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: HostState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop() -> HttpFn {
        cargoflow_functions::registry::http_function("health").unwrap()
    }

    #[test]
    fn matching_like_api_gateway() {
        let r = Route::new("GET", "/api/ops/drivers/{id}", "get-driver", noop());
        assert_eq!(r.matches("/api/ops/drivers/01ABC").unwrap()["id"], "01ABC");
        assert!(r.matches("/api/ops/drivers/01ABC/").is_some());
        assert!(r.matches("/api/ops/drivers").is_none());
        assert!(r.matches("/api/ops/drivers/a/b").is_none());
        let h = Route::new("GET", "/api/health", "health", noop());
        assert!(h.matches("/api/health/").is_some());
        assert!(h.matches("/api/healthz").is_none());
        let g = Route::new("GET", "/api/docs/{proxy+}", "get-docs", noop());
        assert_eq!(g.matches("/api/docs/a/b.css").unwrap()["proxy"], "a/b.css");
        assert!(g.matches("/api/docs").is_none());
        assert!(Route::new("GET", "/api/ops/users", "x", noop()).specificity() > g.specificity());
    }

    #[test]
    fn web_headers_are_the_templates_policy() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"),
        )
        .unwrap();
        let headers: BTreeMap<String, String> = web_headers(&text, "http://127.0.0.1:9")
            .unwrap()
            .into_iter()
            .collect();
        let csp = &headers["content-security-policy"];
        let directive = |name: &str| -> String {
            csp.split(';')
                .map(str::trim)
                .find(|d| d.split_whitespace().next() == Some(name))
                .unwrap_or_else(|| panic!("no {name} in {csp}"))
                .to_string()
        };
        assert_eq!(directive("script-src"), "script-src 'self'");
        assert_eq!(directive("frame-ancestors"), "frame-ancestors 'none'");
        assert_eq!(directive("object-src"), "object-src 'none'");
        assert!(
            directive("connect-src").contains("http://127.0.0.1:9"),
            "{csp}"
        );
        assert!(
            directive("img-src").contains("https://tile.openstreetmap.org"),
            "{csp}"
        );
        assert!(!csp.contains("${"), "{csp}");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert!(headers["strict-transport-security"].starts_with("max-age=63072000"));
        // A variable the host cannot fill is an error, never a looser policy.
        let broken = text.replace("${MapTileOrigin}", "${UnknownOrigin}");
        assert!(web_headers(&broken, "http://127.0.0.1:9").is_err());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn event_is_what_lambda_http_reads() {
        let r = Route::new("POST", "/api/ops/drivers/{id}", "x", noop());
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert("authorization", HeaderValue::from_static("Bearer t"));
        let uri: http::Uri = "/api/ops/drivers/D1?limit=5&cursor=a%2Bb".parse().unwrap();
        let params = BTreeMap::from([("id".to_string(), "D1".to_string())]);
        let ev = api_gateway_event(
            &r,
            &Method::POST,
            &uri,
            &headers,
            br#"{"a":1}"#,
            &params,
            "10.0.0.1",
        );
        let req = lambda_http::request::from_str(&ev.to_string()).unwrap();
        use lambda_http::RequestExt;
        assert_eq!(req.method(), Method::POST);
        assert_eq!(req.uri().path(), "/api/ops/drivers/D1");
        assert_eq!(req.path_parameters().first("id"), Some("D1"));
        assert_eq!(req.query_string_parameters().first("limit"), Some("5"));
        assert_eq!(req.query_string_parameters().first("cursor"), Some("a+b"));
        assert_eq!(req.headers()["authorization"], "Bearer t");
        assert_eq!(cargoflow_http::client_ip(&req).as_deref(), Some("10.0.0.1"));
        assert_eq!(req.body().as_ref(), br#"{"a":1}"#);
    }
}
