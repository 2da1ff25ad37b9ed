//! Orders, the status machine, history, exceptions and idempotency, over HTTP (CSV import:
//! imports.rs)
//! through the local host against DynamoDB Local. Every test has a tenant of its own.

mod common;

use common::*;
use serde_json::{Value, json};

fn order_body(reference: &str) -> Value {
    json!({
        "reference_code": reference,
        "customer_name": "Ananya Sharma",
        "customer_phone": "+918888887777",
        "stops": [
            {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": 12.9698, "lng": 77.75},
            {"sequence_index": 2, "type": "DROP", "address_line": "Customer Address", "city": "Bengaluru", "lat": 12.9719, "lng": 77.6412}
        ],
        "drop_window": {"start": "2026-11-23T09:00:00Z", "end": "2026-11-23T12:00:00Z"},
        "notes": "Fragile",
        "package": {"weight_kg": 2.5, "dimensions": {"length_cm": 30, "width_cm": 20, "height_cm": 10},
                    "items": [{"description": "Books", "quantity": 3, "sku": "BK-1"}]}
    })
}

async fn create(t: &TestTenant, reference: &str) -> Value {
    let (s, b) = t.post("/api/ops/orders", order_body(reference)).await;
    assert_eq!(s, 201, "{b}");
    b
}

/// Events the store wrote for this tenant, oldest first.
async fn events(t: &TestTenant) -> Vec<Value> {
    stored_events(&t.tenant_id).await
}

#[tokio::test]
async fn create_and_read_an_order_with_history() {
    let t = TestTenant::register().await;
    let o = create(&t, "cf-10021").await;
    assert_eq!(o["reference_code"], "CF-10021");
    assert_eq!(o["status"], "CREATED");
    assert_eq!(o["stops"][0]["status"], "PENDING");
    assert!(
        o["stops"][0]["scheduled_eta"].is_null()
            && o["stops"][0].get("actual_arrival_time").is_some()
    );
    let token = o["tracking_token"].as_str().unwrap();
    assert_eq!(token.len(), 32, "192 random bits, base64url");
    assert!(!token.contains(o["id"].as_str().unwrap()));
    let (s, d) = t
        .get(&format!("/api/ops/orders/{}", o["id"].as_str().unwrap()))
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["package"]["items"][0]["quantity"], 3);
    assert_eq!(d["history"].as_array().unwrap().len(), 1);
    assert!(d["history"][0]["from_status"].is_null());
    assert_eq!(d["history"][0]["to_status"], "CREATED");
    assert_eq!(d["history"][0]["actor_type"], "OPS");
    assert_eq!(d["history"][0]["actor_user_id"], t.user_id.as_str());
    assert_eq!(d["exceptions"], json!([]));
    let ev = events(&t).await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["event_type"], "order.created");
    assert_eq!(ev[0]["outbox_status"], "PENDING");
}

#[tokio::test]
async fn reference_codes_are_unique_per_tenant() {
    let t = TestTenant::register().await;
    create(&t, "DUP-1").await;
    let (s, b) = t.post("/api/ops/orders", order_body("dup-1")).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["fields"]["reference_code"], "is already taken");
    let other = TestTenant::register().await;
    create(&other, "DUP-1").await;
    let (_, list) = t.get("/api/ops/orders").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the refused order left nothing behind"
    );
    assert_eq!(events(&t).await.len(), 1);
}

#[tokio::test]
async fn validation_names_every_bad_field() {
    let t = TestTenant::register().await;
    let mut body = order_body("V-1");
    body["customer_phone"] = json!("98765");
    body["stops"][0]["type"] = json!("DROP");
    body["stops"][1]["lat"] = json!(123.0);
    body["pickup_window"] = json!({"start": "2026-11-23T12:00:00Z", "end": "2026-11-23T09:00:00Z"});
    let (s, b) = t.post("/api/ops/orders", body).await;
    assert_eq!(s, 400, "{b}");
    let f = &b["error"]["fields"];
    for field in ["customer_phone", "stops[1].lat", "pickup_window"] {
        assert!(f[field].is_string(), "{field}: {b}");
    }
    let mut body = order_body("V-2");
    body["stops"] = json!([body["stops"][1], body["stops"][0]]);
    body["stops"][0]["sequence_index"] = json!(1);
    body["stops"][1]["sequence_index"] = json!(2);
    let (s, b) = t.post("/api/ops/orders", body).await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["fields"]["stops"]
            .as_str()
            .unwrap()
            .contains("PICKUP"),
        "{b}"
    );
}

#[tokio::test]
async fn cancel_is_terminal_and_writes_history_and_an_event() {
    let t = TestTenant::register().await;
    let o = create(&t, "C-1").await;
    let id = o["id"].as_str().unwrap();
    let (s, c) = t
        .post(
            &format!("/api/ops/orders/{id}/cancel"),
            json!({"reason": "Customer cancelled"}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["status"], "CANCELLED");
    assert_eq!(c["cancel_reason"], "Customer cancelled");
    let (s, b) = t
        .post(
            &format!("/api/ops/orders/{id}/cancel"),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["code"], "invalid_transition");
    assert_eq!(b["error"]["details"]["current_status"], "CANCELLED");
    let (s, _) = t
        .patch(
            &format!("/api/ops/orders/{id}"),
            json!({"notes": "late edit"}),
        )
        .await;
    assert_eq!(s, 409, "final orders cannot be edited");
    let (_, d) = t.get(&format!("/api/ops/orders/{id}")).await;
    let h = d["history"].as_array().unwrap();
    assert_eq!(
        h.len(),
        2,
        "one row per transition, none for the refused one"
    );
    assert_eq!(
        (h[1]["from_status"].as_str(), h[1]["to_status"].as_str()),
        (Some("CREATED"), Some("CANCELLED"))
    );
    assert_eq!(h[1]["metadata"]["reason"], "Customer cancelled");
    let ev = events(&t).await;
    assert_eq!(
        ev.iter()
            .map(|e| e["event_type"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["order.created", "order.cancelled"]
    );
    let payload: Value = serde_json::from_str(ev[1]["payload"].as_str().unwrap()).unwrap();
    assert_eq!(payload["from_status"], "CREATED");
    assert_eq!(payload["to_status"], "CANCELLED");
    let (s, _) = t
        .post(
            &format!("/api/ops/orders/{id}/cancel"),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn twenty_concurrent_cancels_give_one_success_and_one_history_row() {
    let t = TestTenant::register().await;
    let o = create(&t, "RACE-1").await;
    let id = o["id"].as_str().unwrap().to_string();
    let reqs = (0..20).map(|i| {
        let path = format!("/api/ops/orders/{id}/cancel");
        let t = &t;
        async move { t.post(&path, json!({"reason": format!("racer {i}")})).await }
    });
    let results = futures::future::join_all(reqs).await;
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    let conflicts = results.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!((ok, conflicts), (1, 19), "{results:?}");
    for (s, b) in &results {
        if *s == 409 {
            assert_eq!(b["error"]["details"]["current_status"], "CANCELLED", "{b}");
        }
    }
    let (_, d) = t.get(&format!("/api/ops/orders/{id}")).await;
    assert_eq!(
        d["history"].as_array().unwrap().len(),
        2,
        "created + exactly one cancel"
    );
    assert_eq!(events(&t).await.len(), 2);
}

#[tokio::test]
async fn status_is_never_patchable_and_edits_are_versioned() {
    let t = TestTenant::register().await;
    let o = create(&t, "P-1").await;
    let id = o["id"].as_str().unwrap();
    let (s, b) = t
        .patch(
            &format!("/api/ops/orders/{id}"),
            json!({"status": "DELIVERED"}),
        )
        .await;
    assert_eq!(s, 400, "{b}");
    assert!(b["error"]["fields"]["status"].is_string());
    let (s, u) = t
        .patch(
            &format!("/api/ops/orders/{id}"),
            json!({"notes": null, "customer_name": "A. Sharma", "drop_window": null}),
        )
        .await;
    assert_eq!(s, 200, "{u}");
    assert!(u["notes"].is_null() && u["drop_window"].is_null());
    assert_eq!(u["customer_name"], "A. Sharma");
    assert_eq!(u["version"], 2);
    assert_eq!(u["status"], "CREATED");
    let mut stops = order_body("x")["stops"].clone();
    stops[1]["address_line"] = json!("New address");
    let (s, u) = t
        .patch(&format!("/api/ops/orders/{id}"), json!({"stops": stops}))
        .await;
    assert_eq!(s, 200, "{u}");
    assert_eq!(u["stops"][1]["address_line"], "New address");
    let (s, _) = t.patch(&format!("/api/ops/orders/{id}"), json!({})).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn list_filters_search_and_pages() {
    let t = TestTenant::register().await;
    let a = create(&t, "LIST-A").await;
    let mut b = order_body("LIST-B");
    b["customer_name"] = json!("Zed Zebra");
    b["customer_phone"] = json!("+14155550000");
    let (_, b) = t.post("/api/ops/orders", b).await;
    create(&t, "LIST-C").await;
    t.post(
        &format!("/api/ops/orders/{}/cancel", a["id"].as_str().unwrap()),
        json!({"reason": "x"}),
    )
    .await;

    let ids = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["reference_code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (_, all) = t.get("/api/ops/orders").await;
    assert_eq!(
        ids(&all),
        vec!["LIST-C", "LIST-B", "LIST-A"],
        "newest first"
    );
    let (_, cancelled) = t.get("/api/ops/orders?status=CANCELLED").await;
    assert_eq!(ids(&cancelled), vec!["LIST-A"]);
    let (_, created) = t.get("/api/ops/orders?status=created").await;
    assert_eq!(ids(&created), vec!["LIST-C", "LIST-B"]);
    for q in ["zebra", "list-b", "4155550000"] {
        let (_, found) = t.get(&format!("/api/ops/orders?q={q}")).await;
        assert_eq!(ids(&found), vec!["LIST-B"], "q={q}");
    }
    assert_eq!(b["reference_code"], "LIST-B");
    let today = time::OffsetDateTime::now_utc().date();
    let (_, ranged) = t
        .get(&format!(
            "/api/ops/orders?created_from={today}&created_to={today}"
        ))
        .await;
    assert_eq!(ids(&ranged).len(), 3);
    let (_, none) = t.get("/api/ops/orders?created_to=2020-01-01").await;
    assert_eq!(ids(&none).len(), 0);
    let (_, p1) = t.get("/api/ops/orders?limit=2").await;
    assert_eq!(ids(&p1).len(), 2);
    let (_, p2) = t
        .get(&format!(
            "/api/ops/orders?limit=2&cursor={}",
            p1["next_cursor"].as_str().unwrap()
        ))
        .await;
    assert_eq!(ids(&p2), vec!["LIST-A"]);
    for bad in [
        "status=LOST",
        "created_from=yesterday",
        "limit=500",
        "route_id=nope",
        "created_from=2026-02-02&created_to=2026-01-01",
    ] {
        let (s, body) = t.get(&format!("/api/ops/orders?{bad}")).await;
        assert_eq!(s, 400, "{bad}: {body}");
    }
}

#[tokio::test]
async fn exceptions_lifecycle_and_events() {
    let t = TestTenant::register().await;
    let o = create(&t, "EX-1").await;
    let oid = o["id"].as_str().unwrap();
    let (s, e) = t
        .post(
            &format!("/api/ops/orders/{oid}/exceptions"),
            json!({"type": "DAMAGED", "notes": "Box crushed"}),
        )
        .await;
    assert_eq!(s, 201, "{e}");
    assert_eq!(e["status"], "OPEN");
    let eid = e["id"].as_str().unwrap();
    let (_, e2) = t
        .post(
            &format!("/api/ops/orders/{oid}/exceptions"),
            json!({"type": "DELAY"}),
        )
        .await;

    let count = |v: &Value| v["items"].as_array().unwrap().len();
    assert_eq!(count(&t.get("/api/ops/exceptions").await.1), 2);
    assert_eq!(count(&t.get("/api/ops/exceptions?status=OPEN").await.1), 2);
    assert_eq!(count(&t.get("/api/ops/exceptions?type=DAMAGED").await.1), 1);
    assert_eq!(
        count(
            &t.get(&format!("/api/ops/exceptions?order_id={oid}"))
                .await
                .1
        ),
        2
    );
    assert_eq!(
        count(
            &t.get(&format!(
                "/api/ops/exceptions?order_id={oid}&status=OPEN&type=DELAY"
            ))
            .await
            .1
        ),
        1
    );

    let (s, a) = t
        .post(
            &format!("/api/ops/exceptions/{eid}/ack"),
            json!({"note": "Investigating"}),
        )
        .await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(
        (a["status"].as_str(), a["ack_note"].as_str()),
        (Some("ACKNOWLEDGED"), Some("Investigating"))
    );
    assert_eq!(
        count(&t.get("/api/ops/exceptions?status=ACKNOWLEDGED").await.1),
        1
    );
    let (s, r) = t
        .post(
            &format!("/api/ops/exceptions/{eid}/resolve"),
            json!({"resolution": "Replaced"}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["status"], "RESOLVED");
    assert!(r["resolved_at"].is_string());
    let (s, b) = t
        .post(
            &format!("/api/ops/exceptions/{eid}/ack"),
            json!({"note": "late"}),
        )
        .await;
    assert_eq!(s, 409, "{b}");
    let (s, _) = t
        .post(
            &format!("/api/ops/exceptions/{}/resolve", e2["id"].as_str().unwrap()),
            json!({"resolution": ""}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, _) = t
        .post(
            &format!("/api/ops/orders/{oid}/exceptions"),
            json!({"type": "ALIENS"}),
        )
        .await;
    assert_eq!(s, 400);
    let (_, d) = t.get(&format!("/api/ops/orders/{oid}")).await;
    assert_eq!(
        d["exceptions"].as_array().unwrap().len(),
        2,
        "the order detail shows its exceptions"
    );
    let types: Vec<String> = events(&t)
        .await
        .iter()
        .map(|e| e["event_type"].as_str().unwrap().to_string())
        .collect();
    for want in [
        "exception.created",
        "exception.acknowledged",
        "exception.resolved",
    ] {
        assert!(types.iter().any(|t| t == want), "{want} in {types:?}");
    }
}

#[tokio::test]
async fn idempotency_key_replays_and_refuses_a_different_body() {
    let t = TestTenant::register().await;
    let post = |body: Value, key: &str| {
        send(
            t.http
                .post(url("/api/ops/orders"))
                .bearer_auth(&t.access)
                .header("idempotency-key", key)
                .json(&body),
        )
    };
    let (s1, b1) = post(order_body("IDEM-1"), "key-1").await;
    assert_eq!(s1, 201, "{b1}");
    let r = t
        .http
        .post(url("/api/ops/orders"))
        .bearer_auth(&t.access)
        .header("idempotency-key", "key-1")
        .json(&order_body("IDEM-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let b2: Value = r.json().await.unwrap();
    assert_eq!(b1, b2, "the first response, again");
    let (s, b) = post(order_body("IDEM-2"), "key-1").await;
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"]["code"], "idempotency_key_reused");
    let (_, list) = t.get("/api/ops/orders").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "no second effect"
    );
    // 4xx answers replay too, and keys belong to their caller
    let (s, _) = post(order_body("IDEM-1"), "key-2").await;
    assert_eq!(s, 409);
    let (s, _) = post(order_body("IDEM-1"), "key-2").await;
    assert_eq!(s, 409);
    let other = TestTenant::register().await;
    let (s, _) = send(
        other
            .http
            .post(url("/api/ops/orders"))
            .bearer_auth(&other.access)
            .header("idempotency-key", "key-1")
            .json(&order_body("IDEM-1")),
    )
    .await;
    assert_eq!(s, 201, "another caller's key-1 is its own");
    // a cancel replayed does not cancel twice (the second would be a 409 without the key)
    let id = b1["id"].as_str().unwrap();
    let cancel = || {
        send(
            t.http
                .post(url(&format!("/api/ops/orders/{id}/cancel")))
                .bearer_auth(&t.access)
                .header("idempotency-key", "c-1")
                .json(&json!({"reason": "x"})),
        )
    };
    assert_eq!(cancel().await.0, 200);
    assert_eq!(cancel().await.0, 200);
    let (_, d) = t.get(&format!("/api/ops/orders/{id}")).await;
    assert_eq!(d["history"].as_array().unwrap().len(), 2);
    let (s, _) = send(
        t.http
            .post(url("/api/ops/orders"))
            .bearer_auth(&t.access)
            .header("idempotency-key", "")
            .json(&order_body("IDEM-9")),
    )
    .await;
    assert_eq!(s, 400);
}

// CSV import (a background job since issue 14): infra/tests/imports.rs.

#[tokio::test]
async fn tenant_isolation_on_every_order_endpoint() {
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let o = create(&a, "ISO-1").await;
    let oid = o["id"].as_str().unwrap();
    let (_, e) = a
        .post(
            &format!("/api/ops/orders/{oid}/exceptions"),
            json!({"type": "OTHER"}),
        )
        .await;
    let eid = e["id"].as_str().unwrap();
    let checks = [
        b.get(&format!("/api/ops/orders/{oid}")).await,
        b.patch(&format!("/api/ops/orders/{oid}"), json!({"notes": "x"}))
            .await,
        b.post(
            &format!("/api/ops/orders/{oid}/cancel"),
            json!({"reason": "x"}),
        )
        .await,
        b.post(
            &format!("/api/ops/orders/{oid}/exceptions"),
            json!({"type": "OTHER"}),
        )
        .await,
        b.post(
            &format!("/api/ops/exceptions/{eid}/ack"),
            json!({"note": "x"}),
        )
        .await,
        b.post(
            &format!("/api/ops/exceptions/{eid}/resolve"),
            json!({"resolution": "x"}),
        )
        .await,
    ];
    for (i, (s, body)) in checks.iter().enumerate() {
        assert_eq!(*s, 404, "check {i}: {body}");
    }
    assert_eq!(b.get("/api/ops/orders").await.1["items"], json!([]));
    assert_eq!(b.get("/api/ops/orders?q=iso").await.1["items"], json!([]));
    assert_eq!(b.get("/api/ops/exceptions").await.1["items"], json!([]));
    assert_eq!(
        b.get(&format!("/api/ops/exceptions?order_id={oid}"))
            .await
            .1["items"],
        json!([])
    );
    let (_, d) = a.get(&format!("/api/ops/orders/{oid}")).await;
    assert_eq!(d["status"], "CREATED");
    assert_eq!(d["exceptions"][0]["status"], "OPEN");
}

#[tokio::test]
async fn drivers_cannot_use_order_endpoints() {
    let t = TestTenant::register().await;
    let o = create(&t, "DRV-1").await;
    let (_, email) = t.driver_with_login().await;
    let (_, session) = login(&t.http, &email, "DriverPass123!").await;
    let driver = session["access_token"].as_str().unwrap();
    let (s, _) = send(
        t.http
            .post(url(&format!(
                "/api/ops/orders/{}/cancel",
                o["id"].as_str().unwrap()
            )))
            .bearer_auth(driver)
            .json(&json!({"reason": "no"})),
    )
    .await;
    assert_eq!(s, 403, "the driver cannot cancel");
    let (_, d) = t
        .get(&format!("/api/ops/orders/{}", o["id"].as_str().unwrap()))
        .await;
    assert_eq!(d["status"], "CREATED");
}

#[tokio::test]
async fn garbage_order_input_is_4xx_never_500() {
    let t = TestTenant::register().await;
    let o = create(&t, "G-1").await;
    let oid = o["id"].as_str().unwrap();
    let h = &t.http;
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (h.post(url("/api/ops/orders")).bearer_auth(&t.access).json(&json!({"reference_code": 5})), 400),
        (h.post(url("/api/ops/orders")).bearer_auth(&t.access).json(&json!({"reference_code": "X", "customer_name": "n", "customer_phone": "+918888887777", "stops": "no"})), 400),
        (h.post(url("/api/ops/orders")).bearer_auth(&t.access).json(&json!({"reference_code": "X", "customer_name": "n", "customer_phone": "+918888887777", "stops": [], "extra": true})), 400),
        (h.post(url("/api/ops/orders")).bearer_auth(&t.access).json(&json!({"reference_code": "X", "customer_name": "n", "customer_phone": "+918888887777", "stops": [{"sequence_index": 1e20, "type": "PICKUP", "address_line": "a", "city": "b"}]})), 400),
        (h.get(url("/api/ops/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV")).bearer_auth(&t.access), 404),
        (h.get(url("/api/ops/orders/garbage")).bearer_auth(&t.access), 404),
        (h.post(url(&format!("/api/ops/orders/{oid}/cancel"))).bearer_auth(&t.access).json(&json!({})), 400),
        (h.post(url(&format!("/api/ops/orders/{oid}/cancel"))).bearer_auth(&t.access).header("content-type", "application/json").body("{{{"), 400),
        (h.patch(url(&format!("/api/ops/orders/{oid}"))).bearer_auth(&t.access).json(&json!({"pickup_window": {"start": "x"}})), 400),
        (h.get(url("/api/ops/exceptions?status=MAYBE")).bearer_auth(&t.access), 400),
        (h.post(url("/api/ops/exceptions/01ARZ3NDEKTSV4RRFFQ69G5FAV/ack")).bearer_auth(&t.access).json(&json!({})), 404),
        (h.post(url("/api/ops/orders/import")).bearer_auth(&t.access).header("content-type", "text/csv").body(vec![0xff, 0xfe, 0x00, 0x01]), 400),
    ];
    for (i, (req, want)) in cases.into_iter().enumerate() {
        let (s, b) = send(req).await;
        assert_eq!(s, want, "case {i}: {b}");
    }
}
