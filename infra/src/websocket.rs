//! The WebSocket API, played locally: connections on `/ws` (query parameters as in AWS) and
//! on the seed's paths (`/ws/driver/location`, `/ws/ops/routes/{id}`, `/ws/tracking/{token}`,
//! mapped onto the same parameters as the CloudFront function does in AWS); `$connect`,
//! `$default` and `$disconnect` run the functions of template.yaml's WebSocket routes with API
//! Gateway WebSocket events; and the management API (`POST/GET/DELETE /@connections/{id}`)
//! that the functions call to push, answering 410 GoneException for closed connections.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{LazyLock, Mutex};

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode, Uri};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::host::HostState;

enum Outgoing {
    Text(String),
    Close,
}

/// Open connections of this process, by connection id.
static HUB: LazyLock<Mutex<HashMap<String, mpsc::UnboundedSender<Outgoing>>>> =
    LazyLock::new(Default::default);

fn hub() -> std::sync::MutexGuard<'static, HashMap<String, mpsc::UnboundedSender<Outgoing>>> {
    HUB.lock().unwrap_or_else(|p| p.into_inner())
}

/// A connection id shaped like API Gateway's (base64, 16 characters ending in `=`).
fn new_connection_id() -> String {
    use base64::Engine;
    let bytes: [u8; 11] = rand::random();
    let mut id = base64::engine::general_purpose::STANDARD.encode(bytes);
    id.truncate(15);
    id.push('=');
    id
}

/// The `$connect` query parameters a path stands for (what WsPathFunction does in AWS).
pub fn channel_params(path: &str, query: &str) -> Map<String, Value> {
    let mut params = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        params.insert(
            crate::host::percent_decode(k),
            Value::String(crate::host::percent_decode(v)),
        );
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["ws", "driver", "location"] => {
            params.insert("channel".into(), "driver".into());
        }
        ["ws", "ops", "routes", id] => {
            params.insert("channel".into(), "ops".into());
            params.insert("route_id".into(), Value::String(id.to_string()));
        }
        ["ws", "tracking", token] => {
            params.insert("channel".into(), "tracking".into());
            params.insert("tracking_token".into(), Value::String(token.to_string()));
        }
        _ => {}
    }
    params
}

/// The API Gateway WebSocket event for one route invocation.
pub fn websocket_event(
    route_key: &str,
    connection_id: &str,
    headers: &HeaderMap,
    query: &Map<String, Value>,
    body: Option<&str>,
    source_ip: &str,
) -> Value {
    let now = time::OffsetDateTime::now_utc();
    let ms = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    let event_type = match route_key {
        "$connect" => "CONNECT",
        "$disconnect" => "DISCONNECT",
        _ => "MESSAGE",
    };
    let mut hdrs = Map::new();
    for (k, v) in headers {
        hdrs.insert(
            k.as_str().to_string(),
            Value::String(v.to_str().unwrap_or_default().to_string()),
        );
    }
    let mut event = json!({
        "headers": hdrs,
        "requestContext": {
            "routeKey": route_key,
            "eventType": event_type,
            "messageDirection": "IN",
            "stage": "live",
            "apiId": "local",
            "domainName": "localhost",
            "connectionId": connection_id,
            "connectedAt": ms,
            "requestTimeEpoch": ms,
            "requestId": ulid::Ulid::new().to_string(),
            "identity": { "sourceIp": source_ip },
        },
        "isBase64Encoded": false,
    });
    if !query.is_empty() {
        event["queryStringParameters"] = Value::Object(query.clone());
    }
    if let Some(b) = body {
        event["body"] = Value::String(b.to_string());
    }
    event
}

/// Runs the function of a WebSocket route key; its status and body.
async fn run_route(
    state: &HostState,
    route_key: &str,
    connection_id: &str,
    headers: &HeaderMap,
    query: &Map<String, Value>,
    body: Option<&str>,
    source_ip: &str,
) -> (StatusCode, String) {
    let Some((_, handler)) = cargoflow_functions::registry::websocket_function(route_key) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no function".into());
    };
    let event = websocket_event(route_key, connection_id, headers, query, body, source_ip);
    match lambda_http::request::from_str(&event.to_string()) {
        Ok(req) => {
            let resp = handler(state.deps.clone(), req).await;
            let status = resp.status();
            let text = match resp.into_body() {
                lambda_http::Body::Text(t) => t,
                lambda_http::Body::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                _ => String::new(),
            };
            (status, text)
        }
        Err(e) => {
            tracing::error!(error = %e, "could not build the WebSocket event");
            (StatusCode::INTERNAL_SERVER_ERROR, String::new())
        }
    }
}

/// GET /ws and /ws/...: the upgrade, authorised by `$connect` first (a refusal is answered
/// with the function's status, as API Gateway refuses the handshake).
pub async fn upgrade(
    State(state): State<HostState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let query = channel_params(uri.path(), uri.query().unwrap_or(""));
    let id = new_connection_id();
    let ip = addr.ip().to_string();
    // Registered before $connect runs, so pushes made right after it are queued, not lost.
    let (tx, rx) = mpsc::unbounded_channel();
    hub().insert(id.clone(), tx);
    let (status, body) = run_route(&state, "$connect", &id, &headers, &query, None, &ip).await;
    if !status.is_success() {
        hub().remove(&id);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    ws.on_upgrade(move |socket| run_socket(state, socket, id, rx, headers, ip))
}

async fn run_socket(
    state: HostState,
    socket: WebSocket,
    id: String,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
    headers: HeaderMap,
    ip: String,
) {
    let (mut sink, mut stream) = socket.split();
    let empty = Map::new();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let (status, body) =
                        run_route(&state, "$default", &id, &headers, &empty, Some(text.as_str()), &ip).await;
                    if status.is_success() && !body.is_empty()
                        && sink.send(Message::Text(body.into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Ping(p))) => {
                    let _ = sink.send(Message::Pong(p)).await;
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Text(t)) => {
                    if sink.send(Message::Text(t.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
            },
        }
    }
    hub().remove(&id);
    run_route(&state, "$disconnect", &id, &headers, &empty, None, &ip).await;
}

fn gone() -> Response {
    (
        StatusCode::GONE,
        [
            ("content-type", "application/json"),
            ("x-amzn-errortype", "GoneException"),
        ],
        r#"{"message":"Gone"}"#,
    )
        .into_response()
}

/// POST /@connections/{id}: PostToConnection.
pub async fn post_to_connection(Path(id): Path<String>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body).into_owned();
    match hub().get(&id) {
        Some(tx) if tx.send(Outgoing::Text(text)).is_ok() => StatusCode::OK.into_response(),
        _ => gone(),
    }
}

/// GET /@connections/{id}: GetConnection.
pub async fn get_connection(Path(id): Path<String>) -> Response {
    if hub().contains_key(&id) {
        (
            [("content-type", "application/json")],
            json!({ "identity": { "sourceIp": "127.0.0.1" } }).to_string(),
        )
            .into_response()
    } else {
        gone()
    }
}

/// DELETE /@connections/{id}: DeleteConnection.
pub async fn delete_connection(Path(id): Path<String>) -> Response {
    match hub().remove(&id) {
        Some(tx) => {
            let _ = tx.send(Outgoing::Close);
            StatusCode::NO_CONTENT.into_response()
        }
        None => gone(),
    }
}

pub fn routes(router: axum::Router<HostState>) -> axum::Router<HostState> {
    use axum::routing::{get, post};
    router
        .route("/ws", get(upgrade))
        .route("/ws/{*rest}", get(upgrade))
        .route(
            "/@connections/{id}",
            post(post_to_connection)
                .get(get_connection)
                .delete(delete_connection),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_paths_map_to_channels() {
        let p = channel_params("/ws/ops/routes/R1", "token=a%2Bb");
        assert_eq!(p["channel"], "ops");
        assert_eq!(p["route_id"], "R1");
        assert_eq!(p["token"], "a+b");
        assert_eq!(
            channel_params("/ws/driver/location", "")["channel"],
            "driver"
        );
        let t = channel_params("/ws/tracking/TOK", "");
        assert_eq!(
            (t["channel"].as_str(), t["tracking_token"].as_str()),
            (Some("tracking"), Some("TOK"))
        );
        assert_eq!(
            channel_params("/ws", "channel=driver&token=x")["channel"],
            "driver"
        );
    }

    #[test]
    fn events_are_what_lambda_http_reads() {
        let q = channel_params("/ws/ops/routes/R1", "token=abc");
        let ev = websocket_event(
            "$connect",
            "Abc123=",
            &HeaderMap::new(),
            &q,
            None,
            "10.0.0.9",
        );
        let req = lambda_http::request::from_str(&ev.to_string()).unwrap();
        use lambda_http::RequestExt;
        assert_eq!(req.query_string_parameters().first("route_id"), Some("R1"));
        match req.request_context_ref() {
            Some(lambda_http::request::RequestContext::WebSocket(ctx)) => {
                assert_eq!(ctx.connection_id.as_deref(), Some("Abc123="));
                assert_eq!(ctx.route_key.as_deref(), Some("$connect"));
            }
            other => panic!("not a WebSocket request: {other:?}"),
        }
        let msg = websocket_event(
            "$default",
            "Abc123=",
            &HeaderMap::new(),
            &Map::new(),
            Some("{\"a\":1}"),
            "10.0.0.9",
        );
        let req = lambda_http::request::from_str(&msg.to_string()).unwrap();
        assert_eq!(req.body().as_ref(), b"{\"a\":1}");
    }
}
