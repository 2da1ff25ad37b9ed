//! Live locations over the WebSocket API (the local host plays API Gateway's WebSocket routes
//! and its management API): a driver's fix reaches the ops console following the route within
//! a second, and a tracking page of an order on its way, rounded; only the latest location is
//! stored and fixes are rate-limited; connections are authorised per channel and tenant.

mod common;

use std::time::Duration;

use common::*;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

fn ws_url(path: &str) -> String {
    url(path).replacen("http://", "ws://", 1)
}

async fn connect(path: &str) -> Result<Socket, u16> {
    match tokio_tungstenite::connect_async(ws_url(path)).await {
        Ok((s, _)) => Ok(s),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("connect {path}: {e}"),
    }
}

/// The next JSON text message, within `within`.
async fn next_json(s: &mut Socket, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        match tokio::time::timeout(left, s.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return serde_json::from_str(&t).ok(),
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// The next `location` message: stream-pushed events (the route's and orders' changes, the ETA
/// refresh a fix can trigger) reach the same socket in any order around it.
async fn next_location(s: &mut Socket, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        let m = next_json(s, left).await?;
        if m["type"] == "location" {
            return Some(m);
        }
    }
}

async fn send_fix(s: &mut Socket, route: &str, lat: f64, lng: f64) -> Value {
    s.send(Message::Text(
        json!({"route_id": route, "lat": lat, "lng": lng})
            .to_string()
            .into(),
    ))
    .await
    .unwrap();
    next_json(s, Duration::from_secs(3))
        .await
        .expect("a reply to the fix")
}

async fn started(d: &DriverDay) -> String {
    let rid = d.route["id"].as_str().unwrap().to_string();
    let (s, _) = as_driver(
        d,
        &d.driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/routes/{rid}/start"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 200);
    rid
}

#[tokio::test]
async fn a_drivers_location_reaches_ops_and_the_tracking_page() {
    let d = driver_day().await;
    let rid = started(&d).await;
    for to in ["PICKED_UP", "IN_TRANSIT"] {
        as_driver(
            &d,
            &d.driver_token,
            reqwest::Method::POST,
            &format!("/api/driver/orders/{}/status", d.order),
            Some(json!({"to_status": to})),
        )
        .await;
    }
    let (_, o) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    let tracking = o["tracking_token"].as_str().unwrap().to_string();
    let mut ops = connect(&format!("/ws/ops/routes/{rid}?token={}", d.t.access))
        .await
        .unwrap();
    let mut customer = connect(&format!("/ws/tracking/{tracking}")).await.unwrap();
    let mut driver = connect(&format!("/ws/driver/location?token={}", d.driver_token))
        .await
        .unwrap();
    let sent = std::time::Instant::now();
    let ack = send_fix(&mut driver, &rid, 12.971234, 77.650987).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let seen = next_location(&mut ops, Duration::from_secs(1))
        .await
        .expect("ops got the location within a second");
    let latency = sent.elapsed();
    assert_eq!(seen["type"], "location");
    assert_eq!(
        (seen["lat"].as_f64(), seen["route_id"].as_str()),
        (Some(12.971234), Some(rid.as_str()))
    );
    let c = next_location(&mut customer, Duration::from_secs(1))
        .await
        .expect("the tracking page got it");
    assert_eq!(
        (c["lat"].as_f64(), c["lng"].as_f64()),
        (Some(12.971), Some(77.651))
    );
    assert!(c.get("route_id").is_none(), "{c}");
    println!("driver fix -> ops console: {} ms", latency.as_millis());
    // Too soon after the last one: refused, nothing stored.
    let again = send_fix(&mut driver, &rid, 1.0, 1.0).await;
    assert_eq!(
        (again["type"].as_str(), again["reason"].as_str()),
        (Some("error"), Some("rate_limited"))
    );
    // Only the latest location is kept, and the tracking answer shows it rounded.
    let r = client()
        .get(url(&format!("/api/tracking/{tracking}")))
        .send()
        .await
        .unwrap();
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["live_location"]["lat"].as_f64(), Some(12.971));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let ack = send_fix(&mut driver, &rid, 12.99, 77.7).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let seen = next_location(&mut ops, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(seen["lat"].as_f64(), Some(12.99));
    let r = client()
        .get(url(&format!("/api/tracking/{tracking}")))
        .send()
        .await
        .unwrap();
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["live_location"]["lat"].as_f64(), Some(12.99));
    // A closed tracking page is forgotten; the pushes go on for the rest.
    customer.close(None).await.unwrap();
    drop(customer);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        send_fix(&mut driver, &rid, 12.995, 77.7).await["type"],
        "ack"
    );
    let seen = next_location(&mut ops, Duration::from_secs(1))
        .await
        .expect("ops still get the fixes");
    assert_eq!(seen["lat"].as_f64(), Some(12.995));
}

#[tokio::test]
async fn connections_are_authorised_per_channel_and_tenant() {
    let d = driver_day().await;
    let rid = started(&d).await;
    assert_eq!(connect("/ws/driver/location").await.err(), Some(401));
    assert_eq!(
        connect("/ws/driver/location?token=nope").await.err(),
        Some(401)
    );
    // An ops token is not a driver's, and the reverse.
    assert_eq!(
        connect(&format!("/ws/driver/location?token={}", d.t.access))
            .await
            .err(),
        Some(403)
    );
    assert_eq!(
        connect(&format!("/ws/ops/routes/{rid}?token={}", d.driver_token))
            .await
            .err(),
        Some(403)
    );
    // Another tenant's route is not found.
    let other = TestTenant::register().await;
    assert_eq!(
        connect(&format!("/ws/ops/routes/{rid}?token={}", other.access))
            .await
            .err(),
        Some(404)
    );
    assert_eq!(
        connect(&format!("/ws/tracking/{}", "A".repeat(32)))
            .await
            .err(),
        Some(404)
    );
    // Another driver cannot send locations for this route.
    let mut intruder = connect(&format!(
        "/ws/driver/location?token={}",
        d.other_driver_token
    ))
    .await
    .unwrap();
    let reply = send_fix(&mut intruder, &rid, 12.9, 77.6).await;
    assert_eq!(
        (reply["type"].as_str(), reply["reason"].as_str()),
        (Some("error"), Some("unknown route"))
    );
    // Nonsense is answered, not fatal.
    intruder
        .send(Message::Text("{\"lat\": 500}".into()))
        .await
        .unwrap();
    let reply = next_json(&mut intruder, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(reply["type"], "error");
    let mut driver = connect(&format!("/ws/driver/location?token={}", d.driver_token))
        .await
        .unwrap();
    let reply = send_fix(&mut driver, &rid, 95.0, 0.0).await;
    assert_eq!(reply["type"], "error", "{reply}");
}

#[tokio::test]
async fn status_changes_are_pushed_to_the_routes_ops_console() {
    // The stream consumer (push-live-updates) reads the outbox; here its handler gets the
    // stream's records from the table through the local stream poller.
    let d = driver_day().await;
    let rid = started(&d).await;
    let mut ops = connect(&format!("/ws/ops/routes/{rid}?token={}", d.t.access))
        .await
        .unwrap();
    let sdk = aws_config::load_from_env().await;
    let mut config = cargoflow_http::AppConfig::from_env().unwrap();
    config.websocket_management_url = base_url().to_string();
    let sdk_ = aws_config::load_from_env().await;
    let deps = std::sync::Arc::new(cargoflow_functions::Deps::new(config, sdk_).unwrap());
    let (_stop, rx) = tokio::sync::watch::channel(false);
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let handler = cargoflow_functions::registry::stream_function("push-live-updates").unwrap();
    let consumer: cargoflow_infra::streams::StreamConsumer =
        std::sync::Arc::new(move |event| handler(deps.clone(), event));
    let mut cfg = cargoflow_infra::streams::PollerConfig::new(std::env::var("TABLE_NAME").unwrap());
    cfg.interval = Duration::from_millis(100);
    let poller = cargoflow_infra::streams::StreamPoller::new(&sdk, cfg);
    tokio::spawn(async move { poller.run(consumer, Some(ready_tx), rx).await });
    ready_rx.await.unwrap();
    as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/orders/{}/status", d.order),
        Some(json!({"to_status": "PICKED_UP"})),
    )
    .await;
    let mut got = Vec::new();
    while let Some(m) = next_json(&mut ops, Duration::from_secs(5)).await {
        got.push(m.clone());
        if m["event_type"] == "order.status_changed" {
            break;
        }
    }
    let status = got
        .iter()
        .find(|m| m["event_type"] == "order.status_changed")
        .unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(
        (status["order_id"].as_str(), status["status"].as_str()),
        (Some(d.order.as_str()), Some("PICKED_UP"))
    );
    assert!(status.get("customer_name").is_none());
}

#[tokio::test]
async fn a_live_location_moves_the_routes_etas() {
    // ws-message refreshes ETAs at most every ETA_REFRESH_SECS (60 s): its refresh is called
    // here directly, with the driver far from the next stop.
    let d = driver_day().await;
    let rid = started(&d).await;
    let (_, before) = d.t.get(&format!("/api/ops/routes/{rid}")).await;
    let eta = |r: &Value| r["stops"][0]["scheduled_eta"].as_str().map(str::to_string);
    let deps = cargoflow_functions::Deps::new(
        cargoflow_http::AppConfig::from_env().unwrap(),
        aws_config::load_from_env().await,
    )
    .unwrap();
    let tenant = cargoflow_domain::TenantId::from_stored(d.t.tenant_id.clone());
    let route = cargoflow_domain::RouteId::parse(&rid).unwrap();
    let far = cargoflow_domain::LiveLocation {
        route_id: route.clone(),
        driver_id: cargoflow_domain::DriverId::parse(d.route["driver_id"].as_str().unwrap())
            .unwrap(),
        lat: 13.5,
        lng: 78.2,
        accuracy_m: None,
        heading: None,
        speed_mps: None,
        at: cargoflow_domain::time_util::now(),
    };
    // ws-message's own code, so its AWS calls are checked against ws-message's role.
    cargoflow_aws::calls::as_function(
        "ws-message",
        cargoflow_aws::calls::Via::Code,
        cargoflow_functions::ws_message::refresh_etas(&deps, &tenant, &route, &far, far.at),
    )
    .await
    .unwrap();
    let (_, after) = d.t.get(&format!("/api/ops/routes/{rid}")).await;
    assert!(
        eta(&after) > eta(&before),
        "{:?} -> {:?}",
        eta(&before),
        eta(&after)
    );
    assert_eq!(
        after["version"].as_u64(),
        before["version"].as_u64().map(|v| v + 1)
    );
    // The order carries the route's new ETA for its stop.
    let (_, o) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    assert_eq!(
        o["stops"][0]["scheduled_eta"].as_str().map(str::to_string),
        eta(&after)
    );
}
