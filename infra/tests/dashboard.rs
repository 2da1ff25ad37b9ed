//! GET /api/ops/dashboard: the counts the writes keep inside their own transactions follow
//! every kind of change (creation, assignment and bulk assignment, removal, reassignment,
//! driver moves, POD, cancellation, route cancellation, CSV import, exceptions raised by ops,
//! by a driver's failed attempt and by the delay job, acknowledged and resolved), equal a
//! recount through the listings after each step, and stay per tenant. Run through `make test`
//! (DynamoDB Local + moto).

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::*;
use serde_json::{Value, json};

const STATUSES: [&str; 7] = [
    "CREATED",
    "ASSIGNED",
    "PICKED_UP",
    "IN_TRANSIT",
    "DELIVERED",
    "FAILED",
    "CANCELLED",
];

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

fn order_body(reference: &str, late: bool) -> Value {
    let mut o = json!({
        "reference_code": reference, "customer_name": "Customer", "customer_phone": "+918888887777",
        "stops": [
            {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": 12.97, "lng": 77.59},
            {"sequence_index": 2, "type": "DROP", "address_line": "Home", "city": "Bengaluru", "lat": 12.93, "lng": 77.62}
        ],
        "package": {"weight_kg": 1.0}
    });
    if late {
        o["drop_window"] = json!({"start": "2020-01-01T08:00:00Z", "end": "2020-01-01T10:00:00Z"});
    }
    o
}

async fn create_order(t: &TestTenant, reference: &str, late: bool) -> String {
    let (s, o) = t.post("/api/ops/orders", order_body(reference, late)).await;
    assert_eq!(s, 201, "{o}");
    o["id"].as_str().unwrap().to_string()
}

async fn dashboard(t: &TestTenant, date: Option<&str>) -> Value {
    let path = match date {
        Some(d) => format!("/api/ops/dashboard?date={d}"),
        None => "/api/ops/dashboard".to_string(),
    };
    let (s, d) = t.get(&path).await;
    assert_eq!(s, 200, "{d}");
    d
}

/// Every item of a listing, page after page.
async fn all_items(t: &TestTenant, path: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let page_path = match &cursor {
            Some(c) => format!("{path}{sep}limit=100&cursor={c}"),
            None => format!("{path}{sep}limit=100"),
        };
        let (s, page) = t.get(&page_path).await;
        assert_eq!(s, 200, "{page_path}: {page}");
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
}

fn tally<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v.to_string()).or_insert(0) += 1;
    }
    m
}

fn non_zero(counts: &Value) -> BTreeMap<String, i64> {
    counts
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
        .filter(|(_, v)| *v != 0)
        .collect()
}

/// The dashboard equals a recount through list-orders, list-routes and list-exceptions.
async fn assert_recount(t: &TestTenant, step: &str) -> Value {
    let day = today();
    let d = dashboard(t, None).await;
    assert_eq!(d["date"], day.as_str());
    let orders = all_items(
        t,
        &format!("/api/ops/orders?created_from={day}&created_to={day}"),
    )
    .await;
    let by_status = tally(orders.iter().map(|o| o["status"].as_str().unwrap()));
    assert_eq!(
        non_zero(&d["orders"]["by_status"]),
        by_status,
        "{step}: orders by status"
    );
    assert_eq!(
        d["orders"]["total"].as_u64(),
        Some(orders.len() as u64),
        "{step}"
    );
    let routes = all_items(t, &format!("/api/ops/routes?date={day}")).await;
    let by_status = tally(routes.iter().map(|r| r["status"].as_str().unwrap()));
    assert_eq!(
        non_zero(&d["routes"]["by_status"]),
        by_status,
        "{step}: routes by status"
    );
    let open = all_items(t, "/api/ops/exceptions?status=OPEN").await;
    let by_type = tally(open.iter().map(|e| e["type"].as_str().unwrap()));
    assert_eq!(
        non_zero(&d["exceptions"]["open_by_type"]),
        by_type,
        "{step}: open exceptions"
    );
    assert_eq!(
        d["exceptions"]["open"].as_u64(),
        Some(open.len() as u64),
        "{step}"
    );
    assert_eq!(
        d["exceptions"]["open_delay"].as_i64(),
        Some(by_type.get("DELAY").copied().unwrap_or(0)),
        "{step}"
    );
    d
}

fn count(d: &Value, status: &str) -> i64 {
    d["orders"]["by_status"][status].as_i64().unwrap()
}

async fn driver_token(t: &TestTenant, email: &str) -> String {
    login(&t.http, email, "DriverPass123!").await.1["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn as_token(t: &TestTenant, token: &str, path: &str, body: Value) -> (u16, Value) {
    send(t.http.post(url(path)).bearer_auth(token).json(&body)).await
}

async fn run_job(name: &str) -> Value {
    let config = cargoflow_http::AppConfig::from_env().unwrap();
    let sdk = aws_config::load_from_env().await;
    let deps = Arc::new(cargoflow_functions::Deps::new(config, sdk).unwrap());
    let job = cargoflow_functions::registry::schedule_function(name).unwrap();
    job(deps, cargoflow_infra::schedules::event(name))
        .await
        .unwrap()
}

/// A proof of delivery with one photo, uploaded as the driver app does; answers the POD call.
async fn deliver(t: &TestTenant, token: &str, order: &str) -> (u16, Value) {
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.resize(2000, 7);
    let (s, ups) = as_token(
        t,
        token,
        &format!("/api/driver/orders/{order}/pod/uploads"),
        json!({"files": [{"kind": "photo", "content_type": "image/jpeg", "size": photo.len()}]}),
    )
    .await;
    assert_eq!(s, 200, "{ups}");
    let up = &ups["uploads"][0];
    let mut req = reqwest::Client::new().put(up["url"].as_str().unwrap());
    for (k, v) in up["headers"].as_object().unwrap() {
        req = req.header(k, v.as_str().unwrap());
    }
    let r = req.body(photo).send().await.unwrap();
    assert!(r.status().is_success(), "PUT to S3: {}", r.status());
    as_token(
        t,
        token,
        &format!("/api/driver/orders/{order}/pod"),
        json!({"receiver_name": "Ravi", "photo_key": up["key"]}),
    )
    .await
}

/// Imports `n` orders through the CSV import (the worker writes them); answers their ids.
async fn import(t: &TestTenant, n: usize, prefix: &str) -> Vec<String> {
    let mut csv = String::from(CSV_HEADER);
    for i in 0..n {
        csv.push_str(&format!(
            "{prefix}-{i},Customer {i},+9188888{i:05},Warehouse,Bengaluru,12.97,77.75,Flat {i},Bengaluru,12.9719,77.6412,2030-11-23T09:00:00Z,2030-11-23T12:00:00Z,1.0,\n"
        ));
    }
    let (status, _, job) = post_csv(t, csv).await;
    assert_eq!(status, 202, "{job}");
    let done = wait_for_import(&t.http, &t.access, job["id"].as_str().unwrap()).await;
    assert_eq!(done["created"].as_u64(), Some(n as u64), "{done}");
    done["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["order_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn counts_follow_every_change_and_equal_a_recount() {
    let t = TestTenant::register().await;
    let other = TestTenant::register().await;
    let other_order = create_order(&other, "OTHER-1", false).await;
    let (d1, d1_email) = t.driver_with_login().await;
    let (d2, _) = t.driver_with_login().await;
    let (s, v) = t.post("/api/ops/vehicles", json!({"plate_number": format!("DB{}", &unique("")[..7]), "type": "VAN", "capacity_kg": 5000})).await;
    assert_eq!(s, 201, "{v}");
    let vehicle = v["id"].as_str().unwrap().to_string();
    let day = today();

    // Nothing yet.
    let d = assert_recount(&t, "empty").await;
    assert_eq!(d["orders"]["total"], 0);
    assert_eq!(
        d["orders"]["by_status"].as_object().unwrap().len(),
        STATUSES.len(),
        "every status is listed: {d}"
    );

    // Creates.
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(create_order(&t, &format!("DASH-{i}"), i == 0).await);
    }
    let d = assert_recount(&t, "created").await;
    assert_eq!(
        (count(&d, "CREATED"), d["orders"]["total"].as_i64()),
        (7, Some(7))
    );

    // Assignment: a route of four for the first driver.
    let (s, r1) = t
        .post("/api/ops/routes", json!({"route_date": day, "driver_id": d1, "vehicle_id": vehicle, "order_ids": &ids[0..4]}))
        .await;
    assert_eq!(s, 201, "{r1}");
    let r1 = r1["id"].as_str().unwrap().to_string();
    let d = assert_recount(&t, "route created").await;
    assert_eq!((count(&d, "CREATED"), count(&d, "ASSIGNED")), (3, 4));
    assert_eq!(d["routes"]["by_status"]["PLANNED"], 1);

    // Add one, remove another.
    let (s, b) = t
        .post(
            &format!("/api/ops/routes/{r1}/orders"),
            json!({"order_ids": [ids[4]]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        t.http
            .delete(url(&format!("/api/ops/routes/{r1}/orders/{}", ids[3])))
            .bearer_auth(&t.access),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "added and removed").await;
    assert_eq!((count(&d, "CREATED"), count(&d, "ASSIGNED")), (3, 4));

    // Ops cancel a CREATED order and an ASSIGNED one.
    for id in [&ids[5], &ids[2]] {
        let (s, b) = t
            .post(
                &format!("/api/ops/orders/{id}/cancel"),
                json!({"reason": "Customer cancelled"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    let d = assert_recount(&t, "cancelled").await;
    assert_eq!(
        (
            count(&d, "CREATED"),
            count(&d, "ASSIGNED"),
            count(&d, "CANCELLED")
        ),
        (2, 3, 2)
    );

    // The driver's day: start, pick up, in transit, deliver with a POD, fail one (which raises
    // a FAILED_ATTEMPT exception).
    let token = driver_token(&t, &d1_email).await;
    let (s, b) = as_token(
        &t,
        &token,
        &format!("/api/driver/routes/{r1}/start"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    for (id, to) in [
        (&ids[0], "PICKED_UP"),
        (&ids[1], "PICKED_UP"),
        (&ids[1], "IN_TRANSIT"),
        (&ids[4], "PICKED_UP"),
        (&ids[4], "IN_TRANSIT"),
    ] {
        let (s, b) = as_token(
            &t,
            &token,
            &format!("/api/driver/orders/{id}/status"),
            json!({"to_status": to}),
        )
        .await;
        assert_eq!(s, 200, "{to}: {b}");
    }
    let d = assert_recount(&t, "driver moves").await;
    assert_eq!((count(&d, "PICKED_UP"), count(&d, "IN_TRANSIT")), (1, 2));
    assert_eq!(d["routes"]["by_status"]["IN_PROGRESS"], 1);
    let (s, b) = deliver(&t, &token, &ids[1]).await;
    assert_eq!(s, 201, "{b}");
    let (s, b) = as_token(
        &t,
        &token,
        &format!("/api/driver/orders/{}/status", ids[4]),
        json!({"to_status": "FAILED", "metadata": {"reason": "Customer not home"}}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "delivered and failed").await;
    assert_eq!(
        (
            count(&d, "IN_TRANSIT"),
            count(&d, "DELIVERED"),
            count(&d, "FAILED")
        ),
        (0, 1, 1)
    );
    assert_eq!(d["exceptions"]["open_by_type"]["FAILED_ATTEMPT"], 1);

    // Exceptions: two raised by ops, one acknowledged then resolved, one resolved straight
    // from OPEN.
    let mut raised = Vec::new();
    for kind in ["DAMAGED", "WRONG_ADDRESS"] {
        let (s, e) = t
            .post(
                &format!("/api/ops/orders/{}/exceptions", ids[0]),
                json!({"type": kind}),
            )
            .await;
        assert_eq!(s, 201, "{e}");
        raised.push(e["id"].as_str().unwrap().to_string());
    }
    let d = assert_recount(&t, "exceptions raised").await;
    assert_eq!(d["exceptions"]["open"], 3);
    let (s, b) = t
        .post(
            &format!("/api/ops/exceptions/{}/ack", raised[0]),
            json!({"note": "Looking"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = t
        .post(
            &format!("/api/ops/exceptions/{}/resolve", raised[1]),
            json!({"resolution": "Fixed"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "acknowledged and resolved").await;
    assert_eq!(d["exceptions"]["open"], 1);
    let (s, b) = t
        .post(
            &format!("/api/ops/exceptions/{}/resolve", raised[0]),
            json!({"resolution": "Done"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "resolved after ack").await;
    assert_eq!(
        d["exceptions"]["open"], 1,
        "an acknowledged one was no longer open"
    );

    // The delay job raises one DELAY exception for the late order, however often it runs.
    run_job("detect-delays").await;
    run_job("detect-delays").await;
    let d = assert_recount(&t, "delay detected").await;
    assert_eq!(d["exceptions"]["open_delay"], 1);

    // Import: forty orders through the worker; then all of them on the second driver's route
    // (a bulk change: 120 moves do not fit one transaction).
    let imported = import(&t, 40, "IMP").await;
    let d = assert_recount(&t, "imported").await;
    assert_eq!(count(&d, "CREATED"), 42);
    let (s, r2) = t
        .post("/api/ops/routes", json!({"route_date": day, "driver_id": d2, "vehicle_id": vehicle, "order_ids": imported}))
        .await;
    assert_eq!(s, 201, "{r2}");
    let r2 = r2["id"].as_str().unwrap().to_string();
    let d = assert_recount(&t, "bulk assignment").await;
    assert_eq!((count(&d, "CREATED"), count(&d, "ASSIGNED")), (2, 40));

    // Reassignment keeps the status (no change), the route's cancellation sends its orders
    // back to CREATED (bulk again).
    let (d3, _) = t.driver_with_login().await;
    let (s, r3) = t
        .post(
            "/api/ops/routes",
            json!({"route_date": day, "driver_id": d3, "vehicle_id": vehicle, "order_ids": []}),
        )
        .await;
    assert_eq!(s, 201, "{r3}");
    let (s, b) = t
        .post(
            &format!("/api/ops/orders/{}/reassign", imported[0]),
            json!({"target_route_id": r3["id"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "reassigned").await;
    assert_eq!(count(&d, "ASSIGNED"), 40);
    let (s, b) = t
        .post(
            &format!("/api/ops/routes/{r2}/cancel"),
            json!({"reason": "Van broke down"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    let d = assert_recount(&t, "route cancelled").await;
    assert_eq!((count(&d, "CREATED"), count(&d, "ASSIGNED")), (41, 1));
    assert_eq!(d["orders"]["total"], 47);
    assert_eq!(d["routes"]["by_status"]["CANCELLED"], 1);

    // The other tenant's counts are its own.
    let o = dashboard(&other, None).await;
    assert_eq!(
        non_zero(&o["orders"]["by_status"]),
        tally(["CREATED"].into_iter())
    );
    assert_eq!(
        (
            o["exceptions"]["open"].as_i64(),
            o["routes"]["total"].as_i64()
        ),
        (Some(0), Some(0))
    );
    let (s, b) = other
        .post(
            &format!("/api/ops/orders/{other_order}/cancel"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert_recount(&other, "other tenant").await;
    assert_recount(&t, "untouched by the other tenant").await;
    // ... and another tenant's ids find nothing here.
    let (s, _) = other
        .post(
            &format!("/api/ops/orders/{}/exceptions", ids[0]),
            json!({"type": "OTHER"}),
        )
        .await;
    assert_eq!(s, 404);
    assert_eq!(dashboard(&t, None).await["exceptions"]["open"], 2);
}

#[tokio::test]
async fn a_day_counts_the_orders_created_that_day_only() {
    let t = TestTenant::register().await;
    create_order(&t, "DAY-1", false).await;
    let d = dashboard(&t, Some(&today())).await;
    assert_eq!(d["orders"]["total"], 1);
    let yesterday = (time::OffsetDateTime::now_utc() - time::Duration::days(1))
        .date()
        .to_string();
    let y = dashboard(&t, Some(&yesterday)).await;
    assert_eq!(
        (y["date"].as_str(), y["orders"]["total"].as_i64()),
        (Some(yesterday.as_str()), Some(0))
    );
    for bad in ["2026-13-01", "yesterday", "20261120"] {
        let (s, b) = t.get(&format!("/api/ops/dashboard?date={bad}")).await;
        assert_eq!(
            (s, b["error"]["fields"]["date"].is_string()),
            (400, true),
            "{bad}: {b}"
        );
    }
    // Ops only: not without a token, not for a driver.
    let (s, _) = send(client().get(url("/api/ops/dashboard"))).await;
    assert_eq!(s, 401);
    let (_, email) = t.driver_with_login().await;
    let token = driver_token(&t, &email).await;
    let (s, _) = send(t.http.get(url("/api/ops/dashboard")).bearer_auth(&token)).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn concurrent_creates_are_all_counted() {
    let t = TestTenant::register().await;
    let results = futures::future::join_all((0..24).map(|i| {
        let t = &t;
        async move {
            t.post("/api/ops/orders", order_body(&format!("CC-{i}"), false))
                .await
        }
    }))
    .await;
    for (s, b) in &results {
        assert_eq!(*s, 201, "{b}");
    }
    let d = assert_recount(&t, "concurrent creates").await;
    assert_eq!(count(&d, "CREATED"), 24);
}
