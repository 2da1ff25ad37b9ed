//! Issue 14's smaller holes around tracking, POD files, driver writes and webhook records:
//! - the driver's position reaches a tracking page (GET and WebSocket) only while its order's
//!   drop is the next stop (TRACKING_LIVE_STOPS, default 1), the ETA before that;
//! - at most TRACKING_SOCKETS_PER_LINK (3) sockets per link (the oldest is closed), and a
//!   rotated or revoked link's sockets are closed and their items deleted at once;
//! - a POD's files are copied out of `incoming/` and read at the recorded version, so a second
//!   PUT to an old upload URL changes nothing;
//! - a driver's order write carries the driver in its condition;
//! - delivery records show dispatchers the receiver's host only.

mod common;

use std::time::Duration;

use common::*;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(path: &str) -> Result<Socket, u16> {
    match tokio_tungstenite::connect_async(url(path).replacen("http://", "ws://", 1)).await {
        Ok((s, _)) => Ok(s),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("connect {path}: {e}"),
    }
}

/// The next `location` message within `within` (other pushes skipped).
async fn next_location(s: &mut Socket, within: Duration) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now())?;
        match tokio::time::timeout(left, s.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).ok()?;
                if v["type"] == "location" {
                    return Some(v);
                }
            }
            Ok(Some(Ok(_))) => continue,
            _ => return None,
        }
    }
}

/// Whether the server closes the socket within `within` (pushes before the close skipped).
async fn closed_within(s: &mut Socket, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) else {
            return false;
        };
        match tokio::time::timeout(left, s.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

async fn driver_post(d: &DriverDay, path: &str, body: Value) -> (u16, Value) {
    as_driver(d, &d.driver_token, reqwest::Method::POST, path, Some(body)).await
}

/// The subscriber items of an order's tracking partition, straight from the table.
async fn order_subscriber_items(tenant: &str, order: &str) -> usize {
    let sdk = aws_config::load_from_env().await;
    let pk = cargoflow_store::keys::ws_order_subscribers(
        &cargoflow_domain::TenantId::from_stored(tenant),
        &cargoflow_domain::OrderId::parse(order).unwrap(),
    );
    aws_sdk_dynamodb::Client::new(&sdk)
        .query()
        .table_name(std::env::var("TABLE_NAME").unwrap())
        .key_condition_expression("PK = :pk")
        .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default()
        .len()
}

/// A started route of two orders, both picked up: (day, near order, far order, tokens).
async fn two_orders_on_the_way() -> (DriverDay, String, String, String, String) {
    let mut d = driver_day().await;
    let (_, second) = d
        .t
        .post("/api/ops/orders", json!({"reference_code": "DRV-2", "customer_name": "Other Customer", "customer_phone": "+918888887776",
            "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "B", "lat": 12.97, "lng": 77.59},
                      {"sequence_index": 2, "type": "DROP", "address_line": "Far", "city": "B", "lat": 13.10, "lng": 77.70}]}))
        .await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let (s, r) =
        d.t.post(
            &format!("/api/ops/routes/{rid}/orders"),
            json!({"order_ids": [second["id"]]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    d.route = r;
    let (s, r) = driver_post(&d, &format!("/api/driver/routes/{rid}/start"), json!({})).await;
    assert_eq!(s, 200, "{r}");
    for order in [d.order.clone(), second["id"].as_str().unwrap().to_string()] {
        for to in ["PICKED_UP", "IN_TRANSIT"] {
            let (s, o) = driver_post(
                &d,
                &format!("/api/driver/orders/{order}/status"),
                json!({"to_status": to}),
            )
            .await;
            assert_eq!(s, 200, "{to}: {o}");
        }
    }
    // Which drop comes first is the route's (planned) driving order.
    let (_, route) = d.t.get(&format!("/api/ops/routes/{rid}")).await;
    let next = route["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "PENDING" || s["status"] == "ARRIVED")
        .expect("a remaining stop")
        .clone();
    assert_eq!(
        next["type"], "DROP",
        "both picked up: a drop is next: {route}"
    );
    let near = next["order_id"].as_str().unwrap().to_string();
    let far = if near == d.order {
        second["id"].as_str().unwrap().to_string()
    } else {
        d.order.clone()
    };
    let token = |id: String| {
        let t = &d.t;
        async move {
            t.get(&format!("/api/ops/orders/{id}")).await.1["tracking_token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let (near_token, far_token) = (token(near.clone()).await, token(far.clone()).await);
    (d, near, far, near_token, far_token)
}

#[tokio::test]
async fn the_driver_is_shown_only_to_the_page_of_the_next_drop() {
    let (d, _near, _far, near_token, far_token) = two_orders_on_the_way().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let mut near_page = connect(&format!("/ws/tracking/{near_token}"))
        .await
        .unwrap();
    let mut far_page = connect(&format!("/ws/tracking/{far_token}")).await.unwrap();
    let mut driver = connect(&format!("/ws/driver/location?token={}", d.driver_token))
        .await
        .unwrap();
    driver
        .send(Message::Text(
            json!({"route_id": rid, "lat": 12.951234, "lng": 77.640987})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let seen = next_location(&mut near_page, Duration::from_secs(2))
        .await
        .expect("the next drop's page follows the driver");
    assert_eq!(seen["lat"].as_f64(), Some(12.951));
    assert!(
        next_location(&mut far_page, Duration::from_millis(1500))
            .await
            .is_none(),
        "another customer's stop comes first: no position for this page"
    );
    // The same in the GET answer: the position for the next drop, the ETA only for the other.
    let view = |token: String| async move {
        client()
            .get(url(&format!("/api/tracking/{token}")))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    let near_view = view(near_token).await;
    assert_eq!(near_view["live_location"]["lat"].as_f64(), Some(12.951));
    let far_view = view(far_token).await;
    assert_eq!(far_view["status"], "IN_TRANSIT");
    assert_eq!(far_view["live_location"], Value::Null, "{far_view}");
    assert!(far_view.get("eta").is_some(), "{far_view}");
}

#[tokio::test]
async fn a_link_holds_three_sockets_and_rotating_or_revoking_closes_them() {
    let t = TestTenant::register().await;
    let (_, o) = t.post("/api/ops/orders", json!({"reference_code": "WS-CAP", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "Pune"}, {"sequence_index": 2, "type": "DROP", "address_line": "H", "city": "Pune"}]})).await;
    let oid = o["id"].as_str().unwrap().to_string();
    let token = o["tracking_token"].as_str().unwrap().to_string();
    let path = format!("/ws/tracking/{token}");
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(connect(&path).await.unwrap());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(order_subscriber_items(&t.tenant_id, &oid).await, 3);
    // A fourth: the oldest makes room.
    let fourth = connect(&path).await.unwrap();
    assert!(
        closed_within(&mut sockets[0], Duration::from_secs(2)).await,
        "the oldest socket is closed"
    );
    assert_eq!(order_subscriber_items(&t.tenant_id, &oid).await, 3);
    sockets[0] = fourth;
    // Rotating the link closes every socket of the old one and deletes their items at once.
    let (s, r) = t
        .post(
            &format!("/api/ops/orders/{oid}/tracking-link/rotate"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(order_subscriber_items(&t.tenant_id, &oid).await, 0);
    for s in &mut sockets {
        assert!(closed_within(s, Duration::from_secs(2)).await);
    }
    assert_eq!(connect(&path).await.err(), Some(404), "the old link");
    // Revoking does the same for the new link's sockets.
    let new = r["tracking_token"].as_str().unwrap().to_string();
    let mut page = connect(&format!("/ws/tracking/{new}")).await.unwrap();
    assert_eq!(order_subscriber_items(&t.tenant_id, &oid).await, 1);
    let (s, _) = t
        .post(
            &format!("/api/ops/orders/{oid}/tracking-link/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(order_subscriber_items(&t.tenant_id, &oid).await, 0);
    assert!(closed_within(&mut page, Duration::from_secs(2)).await);
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn jpeg(len: usize, fill: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.resize(len, fill);
    v
}

async fn put_upload(up: &Value, bytes: Vec<u8>) -> u16 {
    let mut req = reqwest::Client::new().put(up["url"].as_str().unwrap());
    for (k, v) in up["headers"].as_object().unwrap() {
        req = req.header(k, v.as_str().unwrap());
    }
    req.body(bytes).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn a_second_put_to_an_old_upload_url_cannot_change_the_proof() {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let oid = d.order.clone();
    assert_eq!(
        driver_post(&d, &format!("/api/driver/routes/{rid}/start"), json!({}))
            .await
            .0,
        200
    );
    for to in ["PICKED_UP", "IN_TRANSIT"] {
        let (s, _) = driver_post(
            &d,
            &format!("/api/driver/orders/{oid}/status"),
            json!({"to_status": to}),
        )
        .await;
        assert_eq!(s, 200);
    }
    let original = jpeg(3000, 1);
    let (s, ups) = driver_post(
        &d,
        &format!("/api/driver/orders/{oid}/pod/uploads"),
        json!({"files": [{"kind": "photo", "content_type": "image/jpeg", "size": original.len()}]}),
    )
    .await;
    assert_eq!(s, 200, "{ups}");
    let up = ups["uploads"][0].clone();
    let key = up["key"].as_str().unwrap().to_string();
    assert!(
        key.starts_with(&format!("incoming/pod/{}/{oid}/photo-", d.t.tenant_id)),
        "{key}"
    );
    assert_eq!(put_upload(&up, original.clone()).await, 200);
    let (s, done) = driver_post(
        &d,
        &format!("/api/driver/orders/{oid}/pod"),
        json!({"receiver_name": "Ravi", "photo_key": key}),
    )
    .await;
    assert_eq!(s, 201, "{done}");
    // The POD holds the final key (out of incoming/) and its version.
    assert_eq!(
        done["pod"]["photo_key"].as_str(),
        key.strip_prefix("incoming/")
    );
    assert!(done["pod"]["photo_version"].is_string(), "{done}");
    // The same upload URL, used again with other bytes of the same type and size.
    assert_eq!(put_upload(&up, jpeg(3000, 9)).await, 200);
    let (s, pod) = d.t.get(&format!("/api/ops/orders/{oid}/pod")).await;
    assert_eq!(s, 200, "{pod}");
    let link = pod["photo_url"].as_str().unwrap();
    let q: std::collections::HashMap<String, String> = reqwest::Url::parse(link)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        q.get("versionId").map(String::as_str),
        done["pod"]["photo_version"].as_str(),
        "the read is signed for the recorded version: {link}"
    );
    assert!(!link.contains("incoming/"), "{link}");
    let got = reqwest::get(link).await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), original.as_slice(), "the proof is unchanged");
    // The multipart path records the version it wrote, too.
    let d2 = driver_day().await;
    let rid2 = d2.route["id"].as_str().unwrap().to_string();
    driver_post(&d2, &format!("/api/driver/routes/{rid2}/start"), json!({})).await;
    for to in ["PICKED_UP", "IN_TRANSIT"] {
        driver_post(
            &d2,
            &format!("/api/driver/orders/{}/status", d2.order),
            json!({"to_status": to}),
        )
        .await;
    }
    let form = reqwest::multipart::Form::new()
        .text("receiver_name", "Asha")
        .part(
            "signature",
            reqwest::multipart::Part::bytes(PNG.to_vec())
                .file_name("s.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let r = client()
        .post(url(&format!("/api/driver/orders/{}/pod", d2.order)))
        .bearer_auth(&d2.driver_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let body: Value = r.json().await.unwrap();
    assert!(body["pod"]["signature_version"].is_string(), "{body}");
    assert!(
        body["pod"]["signature_key"]
            .as_str()
            .unwrap()
            .starts_with("pod/")
    );
}

#[tokio::test]
async fn a_drivers_order_write_is_refused_once_the_order_is_someone_elses() {
    use cargoflow_domain::*;
    use cargoflow_store::unit_of_work::{CommitError, UnitOfWork};
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    assert_eq!(
        driver_post(&d, &format!("/api/driver/routes/{rid}/start"), json!({}))
            .await
            .0,
        200
    );
    let sdk = aws_config::load_from_env().await;
    let store = cargoflow_store::Store::from_sdk(&sdk, &[], std::env::var("TABLE_NAME").unwrap());
    let tenant = TenantId::from_stored(d.t.tenant_id.clone());
    let id = OrderId::parse(&d.order).unwrap();
    let read = store.get_order(&tenant, &id).await.unwrap();
    let mine = read.driver_id.clone().expect("assigned");
    let mut next = read.clone();
    next.status = OrderStatus::PickedUp;
    next.version = read.version + 1;
    // The write as the driver who read it, had the order meanwhile gone to someone else: the
    // stored order names another driver, so DynamoDB refuses the write (same version, same
    // status: only the driver condition can refuse it).
    let someone_else = DriverId::generate();
    let mut uow = UnitOfWork::new(&store, &tenant);
    uow.driver_order(&next, read.version, read.status, &someone_else)
        .unwrap();
    match uow.commit().await {
        Err(CommitError::Guards(labels)) => {
            assert_eq!(labels, vec![format!("order:{id}")])
        }
        other => panic!("expected the driver condition to refuse: {other:?}"),
    }
    assert_eq!(
        store.get_order(&tenant, &id).await.unwrap().version,
        read.version
    );
    // The order's own driver: written.
    let mut uow = UnitOfWork::new(&store, &tenant);
    uow.driver_order(&next, read.version, read.status, &mine)
        .unwrap();
    uow.commit().await.unwrap();
    assert_eq!(
        store.get_order(&tenant, &id).await.unwrap().status,
        OrderStatus::PickedUp
    );
    // Through the API: the other driver's status move is 404 (never their order).
    let (s, _) = as_driver(
        &d,
        &d.other_driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/orders/{}/status", d.order),
        Some(json!({"to_status": "IN_TRANSIT"})),
    )
    .await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn dispatchers_see_the_receivers_host_admins_the_full_url() {
    use cargoflow_domain::webhooks::WebhookDelivery;
    let t = TestTenant::register().await;
    let sdk = aws_config::load_from_env().await;
    let store = cargoflow_store::Store::from_sdk(&sdk, &[], std::env::var("TABLE_NAME").unwrap());
    let tenant = cargoflow_domain::TenantId::from_stored(t.tenant_id.clone());
    let full = "https://hooks.example.com/in/T0KEN-abc?key=s3cret";
    store
        .record_delivery(
            &tenant,
            &WebhookDelivery {
                id: ulid::Ulid::new().to_string(),
                event_id: ulid::Ulid::new().to_string(),
                event_type: "order.created".into(),
                attempt: 1,
                outcome: cargoflow_domain::webhooks::DeliveryOutcome::Retrying,
                status_code: None,
                latency_ms: Some(12),
                error: Some(format!(
                    "connect: error sending request for url ({full}): refused"
                )),
                next_retry_at: None,
                url: full.into(),
                created_at: time::OffsetDateTime::now_utc(),
            },
        )
        .await
        .unwrap();
    let (s, admin) = t.get("/api/ops/webhooks/deliveries").await;
    assert_eq!(s, 200, "{admin}");
    assert_eq!(admin["items"][0]["url"], full);
    assert_eq!(admin["items"][0]["receiver_host"], "hooks.example.com");
    let dispatcher = t.user_token("OPS_DISPATCHER").await;
    let (s, seen) = send(
        t.http
            .get(url("/api/ops/webhooks/deliveries"))
            .bearer_auth(&dispatcher),
    )
    .await;
    assert_eq!(s, 200, "{seen}");
    let item = &seen["items"][0];
    assert_eq!(item["url"], Value::Null);
    assert_eq!(item["receiver_host"], "hooks.example.com");
    let text = seen.to_string();
    assert!(
        !text.contains("s3cret") && !text.contains("T0KEN"),
        "{text}"
    );
}

/// A host of this test's own whose functions run with `LIVE_FANOUT_MAX` = `max`.
async fn host_with_fanout_max(max: usize) -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut config = cargoflow_http::AppConfig::from_env().unwrap();
    config.websocket_management_url = format!("http://127.0.0.1:{port}");
    config.live_fanout_max = max;
    let sdk = aws_config::load_from_env().await;
    let deps = std::sync::Arc::new(cargoflow_functions::Deps::new(config, sdk).unwrap());
    let state = host_with(deps);
    tokio::spawn(cargoflow_infra::host::serve(
        listener,
        state,
        std::future::pending(),
    ));
    format!("ws://127.0.0.1:{port}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_location_update_reaches_at_most_live_fanout_max_connections() {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    driver_post(&d, &format!("/api/driver/routes/{rid}/start"), json!({})).await;
    for to in ["PICKED_UP", "IN_TRANSIT"] {
        driver_post(
            &d,
            &format!("/api/driver/orders/{}/status", d.order),
            json!({"to_status": to}),
        )
        .await;
    }
    let (_, o) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    let token = o["tracking_token"].as_str().unwrap().to_string();
    let ws = host_with_fanout_max(2).await;
    let open = |path: String| {
        let url = format!("{ws}{path}");
        async move { tokio_tungstenite::connect_async(url).await.unwrap().0 }
    };

    // Six listeners: three ops consoles and the three sockets the link may hold.
    let mut listeners = Vec::new();
    for _ in 0..3 {
        listeners.push(open(format!("/ws/ops/routes/{rid}?token={}", d.t.access)).await);
        listeners.push(open(format!("/ws/tracking/{token}")).await);
    }
    let mut driver = open(format!("/ws/driver/location?token={}", d.driver_token)).await;
    driver
        .send(Message::Text(
            json!({"route_id": rid, "lat": 12.95, "lng": 77.64})
                .to_string()
                .into(),
        ))
        .await
        .unwrap();
    let ack = loop {
        match tokio::time::timeout(Duration::from_secs(3), driver.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "ack" || v["type"] == "error" {
                    break v;
                }
            }
            Ok(Some(Ok(_))) => continue,
            other => panic!("no ack: {other:?}"),
        }
    };
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(ack["pushed"], 2, "six listeners, LIVE_FANOUT_MAX 2: {ack}");
    let mut reached = 0;
    for s in &mut listeners {
        if next_location(s, Duration::from_millis(500)).await.is_some() {
            reached += 1;
        }
    }
    assert_eq!(reached, 2);
}
