//! Behind CloudFront: only requests carrying the origin secret are served, the client is the
//! viewer (CloudFront-Viewer-Address), and no anonymous caller can run out a limit that other
//! viewers or drivers share. Requests go through the host as CloudFront would send them (one
//! edge address for everybody, the viewer in the header), from viewer addresses of the test's
//! own, so counters of earlier runs never interfere.

mod common;

use std::sync::Arc;

use cargoflow_functions::Deps;
use cargoflow_infra::host::{HostState, Invocation, invoke, invoke_execute_api};
use common::*;
use serde_json::{Value, json};

async fn state() -> HostState {
    require_standins();
    let config = cargoflow_http::AppConfig::from_env().unwrap();
    assert!(
        config.origin_verify_sha256.is_some(),
        "outside Lambda the functions expect the local host's origin secret"
    );
    let sdk = aws_config::load_from_env().await;
    host_with(Arc::new(Deps::new(config, sdk).unwrap()))
}

fn headers(list: &[(&str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (k, v) in list {
        map.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

fn answer(inv: Invocation) -> (u16, Value) {
    let Invocation::Response(resp) = inv else {
        panic!("no route");
    };
    let body = match resp.body() {
        lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::String(t.clone())),
        _ => Value::Null,
    };
    (resp.status().as_u16(), body)
}

/// A request of viewer `viewer` (ip:port) through CloudFront.
async fn as_viewer(
    state: &HostState,
    viewer: &str,
    method: http::Method,
    path: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> (u16, Value) {
    let mut list = vec![("content-type", "application/json")];
    list.extend_from_slice(extra);
    answer(
        invoke(
            state,
            &method,
            &path.parse().unwrap(),
            &headers(&list),
            body,
            viewer,
        )
        .await,
    )
}

/// A viewer address nobody else uses: IPv4 from 198.51.100.0/24 is too small to be unique
/// across runs, so a random IPv6 address in 2001:db8::/32 (and a random port).
fn viewer() -> String {
    let r: [u16; 6] = rand::random();
    format!(
        "[2001:db8:{:x}:{:x}:{:x}:{:x}:{:x}:1]:{}",
        r[0],
        r[1],
        r[2],
        r[3],
        r[4],
        1024 + r[5] % 60000
    )
}

#[tokio::test]
async fn the_execute_api_endpoint_without_the_origin_secret_is_refused() {
    let state = state().await;
    let path: http::Uri = "/api/health".parse().unwrap();
    // Straight to API Gateway, with or without a viewer address of one's choosing.
    for extra in [
        vec![],
        vec![("cloudfront-viewer-address", "203.0.113.9:443")],
        vec![
            ("x-origin-verify", "a-guess"),
            ("cloudfront-viewer-address", "203.0.113.9:443"),
        ],
    ] {
        let (s, body) = answer(
            invoke_execute_api(
                &state,
                &http::Method::GET,
                &path,
                &headers(&extra),
                b"",
                "198.51.100.20",
            )
            .await,
        );
        assert_eq!(s, 403, "{body}");
        assert_eq!(body["error"]["code"], "forbidden", "{body}");
    }
    // The same request through CloudFront.
    let (s, body) = as_viewer(
        &state,
        &viewer(),
        http::Method::GET,
        "/api/health",
        &[],
        b"",
    )
    .await;
    assert_eq!(s, 200, "{body}");
}

#[tokio::test]
async fn anonymous_callers_from_one_address_hurt_no_other_viewer_or_driver() {
    let state = state().await;
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let (s, r) = as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/routes/{rid}/start"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, order) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    assert_eq!(s, 200, "{order}");
    let token = order["tracking_token"].as_str().unwrap().to_string();
    let tracking = format!("/api/tracking/{token}");

    // One address, many anonymous callers (one per port): the shared link until this
    // address is refused, then anything at all until the address's own limit refuses it.
    let attacker = viewer();
    let (attacker_ip, _) = attacker.rsplit_once(':').unwrap();
    let caller = |i: u32| format!("{attacker_ip}:{}", 1024 + i);
    let mut statuses = Vec::new();
    for i in 0..61 {
        statuses.push(
            as_viewer(&state, &caller(i), http::Method::GET, &tracking, &[], b"")
                .await
                .0,
        );
    }
    assert!(statuses[..60].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(statuses[60], 429, "the link, for this address");
    let mut last = 0;
    for i in 61..320 {
        last = as_viewer(
            &state,
            &caller(i),
            http::Method::GET,
            &format!("/api/tracking/{}", "x".repeat(32)),
            &[],
            b"",
        )
        .await
        .0;
    }
    assert_eq!(last, 429, "this address's own limit");
    // The same caller trying drivers' routes without a driver's token.
    let status_path = format!("/api/driver/orders/{}/status", d.order);
    let forged = [("authorization", "Bearer not-a-token")];
    for i in 0..70 {
        let (s, _) = as_viewer(
            &state,
            &caller(i),
            http::Method::POST,
            &status_path,
            &forged,
            br#"{"to_status":"PICKED_UP"}"#,
        )
        .await;
        assert_eq!(s, 401);
    }

    // Another viewer of the same link, through the same edge: served.
    let (s, body) = as_viewer(&state, &viewer(), http::Method::GET, &tracking, &[], b"").await;
    assert_eq!(s, 200, "another viewer: {body}");
    // An IPv4 viewer too.
    let v4: [u8; 2] = rand::random();
    let (s, body) = as_viewer(
        &state,
        &format!("10.{}.{}.7:5000", v4[0], v4[1]),
        http::Method::GET,
        &tracking,
        &[],
        b"",
    )
    .await;
    assert_eq!(s, 200, "an IPv4 viewer: {body}");
    // The driver, through the same edge.
    let bearer = format!("Bearer {}", d.driver_token);
    let (s, body) = as_viewer(
        &state,
        &viewer(),
        http::Method::POST,
        &status_path,
        &[("authorization", &bearer)],
        br#"{"to_status":"PICKED_UP"}"#,
    )
    .await;
    assert_eq!(s, 200, "the driver: {body}");
}

#[tokio::test]
async fn a_viewer_address_sent_by_the_caller_is_not_trusted() {
    // The host, as CloudFront, replaces a viewer's own CloudFront-Viewer-Address: a caller
    // cannot borrow another viewer's address, nor rotate addresses to escape its limit.
    let state = state().await;
    let (s, o) = TestTenant::register()
        .await
        .post(
            "/api/ops/orders",
            json!({"reference_code": "EDGE-1", "customer_name": "C", "customer_phone": "+918888887777",
                "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "Pune"},
                          {"sequence_index": 2, "type": "DROP", "address_line": "H", "city": "Pune"}]}),
        )
        .await;
    assert_eq!(s, 201, "{o}");
    let tracking = format!("/api/tracking/{}", o["tracking_token"].as_str().unwrap());
    let me = viewer();
    let mut last = 0;
    for i in 0..61 {
        let claimed = format!("203.0.113.{}:80", i % 250);
        last = as_viewer(
            &state,
            &me,
            http::Method::GET,
            &tracking,
            &[("cloudfront-viewer-address", &claimed)],
            b"",
        )
        .await
        .0;
    }
    assert_eq!(last, 429);
}
