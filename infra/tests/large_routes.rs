//! Routes of hundreds of stops (docs/ARCHITECTURE.md, "Routes of hundreds of stops"): a route
//! of 300 orders lives its whole day through the real handlers; two routes race for the same
//! 300 orders; a crash in the middle of a large assignment (150 orders) is finished by the retry; a
//! driver's concurrent moves on one large route (150 orders) all land. Timings go to $TEST_REPORT_DIR/large-routes.json.

mod common;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use cargoflow_aws::faults::FaultInjector;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use common::*;
use futures::StreamExt;
use serde_json::{Value, json};

const N: usize = 300;

async fn create_orders(t: &TestTenant, n: usize, tag: &str) -> Vec<String> {
    let ids: Vec<String> = futures::stream::iter(0..n)
        .map(|i| async move {
            let (s, o) = t
                .post(
                    "/api/ops/orders",
                    json!({"reference_code": format!("{tag}-{i}"), "customer_name": "Carla Customer",
                    "customer_phone": "+918888887777", "package": {"weight_kg": 1.0},
                    "stops": [
                        {"sequence_index": 1, "type": "PICKUP", "address_line": "Depot", "city": "Bengaluru",
                         "lat": 12.97, "lng": 77.59},
                        {"sequence_index": 2, "type": "DROP", "address_line": format!("House {i}"), "city": "Bengaluru",
                         "lat": 12.85 + (i % 29) as f64 * 0.008, "lng": 77.50 + (i / 29) as f64 * 0.02}]}),
                )
                .await;
            assert_eq!(s, 201, "{o}");
            o["id"].as_str().unwrap().to_string()
        })
        .buffered(8)
        .collect()
        .await;
    ids
}

async fn vehicle(t: &TestTenant) -> String {
    let (s, v) = t
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": format!("L{}", &unique("")[19..]), "type": "VAN", "capacity_kg": 5000}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_str().unwrap().to_string()
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// Every stored item of the tenant's events, all pages: counts per (type, order id).
async fn event_counts(tenant_id: &str) -> HashMap<(String, String), usize> {
    let sdk = aws_config::load_from_env().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk);
    let pk =
        cargoflow_store::keys::gsi1_events(&cargoflow_domain::TenantId::from_stored(tenant_id));
    let mut counts = HashMap::new();
    let mut start = None;
    loop {
        let out = client
            .query()
            .table_name(std::env::var("TABLE_NAME").unwrap())
            .index_name(cargoflow_store::keys::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(pk.clone()),
            )
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        let table = std::env::var("TABLE_NAME").unwrap();
        for item in common::items_of(&client, &table, out.items.unwrap_or_default()).await {
            let v: Value = serde_dynamo::from_item(item).unwrap();
            let payload: Value = match &v["payload"] {
                Value::String(s) => serde_json::from_str(s).unwrap_or(Value::Null),
                p => p.clone(),
            };
            let order = payload["order"]["id"].as_str().unwrap_or("").to_string();
            *counts
                .entry((v["event_type"].as_str().unwrap_or("").to_string(), order))
                .or_insert(0) += 1;
        }
        start = out.last_evaluated_key;
        if start.is_none() {
            break;
        }
    }
    counts
}

fn report(name: &str, timings: &serde_json::Map<String, Value>) {
    eprintln!("{name}: {}", Value::Object(timings.clone()));
    if let Ok(dir) = std::env::var("TEST_REPORT_DIR") {
        let _ = std::fs::write(
            format!("{dir}/{name}.json"),
            serde_json::to_string_pretty(timings).unwrap(),
        );
    }
}

async fn timed<F: std::future::Future<Output = (u16, Value)>>(
    timings: &mut serde_json::Map<String, Value>,
    name: &str,
    f: F,
) -> (u16, Value) {
    let t0 = Instant::now();
    let r = f.await;
    let ms = t0.elapsed().as_millis() as u64;
    timings.insert(name.into(), json!(ms));
    // API Gateway ends a request at 30 s: every step must finish well inside it.
    assert!(ms < 30_000, "{name} took {ms} ms");
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_route_of_300_orders_lives_its_whole_day() {
    let t = TestTenant::register().await;
    let (driver, email) = t.driver_with_login().await;
    let (driver2, _) = t.driver_with_login().await;
    let (v1, v2) = (vehicle(&t).await, vehicle(&t).await);
    let ids = create_orders(&t, N, "BIG").await;
    let mut timings = serde_json::Map::new();

    let (s, route) = timed(&mut timings, "create_route_300_optimised", t.post(
        "/api/ops/routes",
        json!({"route_date": today(), "driver_id": driver, "vehicle_id": v1, "order_ids": ids, "optimize": true}),
    ))
    .await;
    assert_eq!(s, 201, "{route}");
    let rid = route["id"].as_str().unwrap().to_string();
    assert_eq!(route["order_ids"].as_array().unwrap().len(), N);
    assert_eq!(route["stops"].as_array().unwrap().len(), 2 * N);
    assert!(route.get("applying").is_none(), "settled when answered");
    let (_, detail) = t.get(&format!("/api/ops/routes/{rid}")).await;
    let orders = detail["orders"].as_array().unwrap();
    assert_eq!(orders.len(), N);
    assert!(
        orders
            .iter()
            .all(|o| o["status"] == "ASSIGNED" && o["route_id"] == rid.as_str())
    );
    let events = event_counts(&t.tenant_id).await;
    for id in &ids {
        assert_eq!(
            events.get(&("order.assigned".into(), id.clone())),
            Some(&1),
            "{id}"
        );
    }

    // Remove one, add it back, reorder as given, optimise.
    let (s, r) = timed(&mut timings, "remove_order", async {
        send(
            t.http
                .delete(url(&format!("/api/ops/routes/{rid}/orders/{}", ids[0])))
                .bearer_auth(&t.access),
        )
        .await
    })
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["order_ids"].as_array().unwrap().len(), N - 1);
    let (s, r) = timed(
        &mut timings,
        "add_order",
        t.post(
            &format!("/api/ops/routes/{rid}/orders"),
            json!({"order_ids": [ids[0]]}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["order_ids"].as_array().unwrap().len(), N);
    let order: Vec<Value> = r["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stop_id"].clone())
        .collect();
    let (s, r) = timed(
        &mut timings,
        "reorder",
        t.post(
            &format!("/api/ops/routes/{rid}/reorder"),
            json!({"stop_order": order}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (s, r) = timed(
        &mut timings,
        "optimise",
        t.post(&format!("/api/ops/routes/{rid}/optimize"), json!({})),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["stops"].as_array().unwrap().len(), 2 * N);

    // Reassign one order to a second route and check both sides.
    let (s, small) = t
        .post(
            "/api/ops/routes",
            json!({"route_date": today(), "driver_id": driver2, "vehicle_id": v2, "order_ids": []}),
        )
        .await;
    assert_eq!(s, 201, "{small}");
    let (s, moved) = timed(
        &mut timings,
        "reassign",
        t.post(
            &format!("/api/ops/orders/{}/reassign", ids[1]),
            json!({"target_route_id": small["id"]}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{moved}");
    assert_eq!(moved["route_id"], small["id"]);
    let (_, big) = t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(big["order_ids"].as_array().unwrap().len(), N - 1);

    // The driver's day: start, then moves; ops cancel most orders; the last final order
    // completes the route.
    let dt = login(&t.http, &email, "DriverPass123!").await.1["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let drv = |m: reqwest::Method, p: String, b: Value| {
        let (http, dt) = (&t.http, &dt);
        async move { send(http.request(m, url(&p)).bearer_auth(dt).json(&b)).await }
    };
    let (s, r) = timed(
        &mut timings,
        "start_route",
        drv(
            reqwest::Method::POST,
            format!("/api/driver/routes/{rid}/start"),
            json!({}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let mine: Vec<&String> = ids.iter().filter(|id| *id != &ids[1]).collect();
    for (k, to) in ["PICKED_UP", "IN_TRANSIT"].iter().enumerate() {
        let (s, r) = timed(
            &mut timings,
            &format!("driver_move_{k}"),
            drv(
                reqwest::Method::POST,
                format!("/api/driver/orders/{}/status", mine[0]),
                json!({"to_status": to}),
            ),
        )
        .await;
        assert_eq!(s, 200, "{r}");
    }
    let cancel_start = Instant::now();
    let results: Vec<(u16, Value)> = futures::stream::iter(mine[1..].iter())
        .map(|id| {
            let t = &t;
            async move {
                t.post(
                    &format!("/api/ops/orders/{id}/cancel"),
                    json!({"reason": "customer away"}),
                )
                .await
            }
        })
        .buffer_unordered(2)
        .collect()
        .await;
    for (s, r) in &results {
        assert_eq!(*s, 200, "{r}");
    }
    timings.insert(
        "cancel_298_orders_total".into(),
        json!(cancel_start.elapsed().as_millis() as u64),
    );
    let (_, still) = t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(
        still["status"], "IN_PROGRESS",
        "one order is still on board"
    );
    let (s, r) = timed(
        &mut timings,
        "last_move_completes",
        drv(
            reqwest::Method::POST,
            format!("/api/driver/orders/{}/status", mine[0]),
            json!({"to_status": "FAILED", "metadata": {"reason": "nobody home"}}),
        ),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    let (_, done) = t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(done["status"], "COMPLETED", "{}", done["status"]);
    let events = event_counts(&t.tenant_id).await;
    assert_eq!(
        events
            .iter()
            .filter(|((k, _), _)| k == "route.completed")
            .map(|(_, n)| n)
            .sum::<usize>(),
        1
    );
    report("large-routes", &timings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_routes_race_for_the_same_300_orders() {
    let t = TestTenant::register().await;
    let (d1, _) = t.driver_with_login().await;
    let (d2, _) = t.driver_with_login().await;
    let (d3, _) = t.driver_with_login().await;
    let (v1, v2, v3) = (vehicle(&t).await, vehicle(&t).await, vehicle(&t).await);
    let ids = create_orders(&t, N, "RACE").await;
    let body = |d: &str, v: &str| json!({"route_date": today(), "driver_id": d, "vehicle_id": v, "order_ids": ids});
    let ((s1, r1), (s2, r2)) = tokio::join!(
        t.post("/api/ops/routes", body(&d1, &v1)),
        t.post("/api/ops/routes", body(&d2, &v2)),
    );
    assert!(
        [201, 409].contains(&s1) && [201, 409].contains(&s2),
        "{s1} {r1} / {s2} {r2}"
    );
    assert!(
        !(s1 == 201 && s2 == 201),
        "both routes took the same orders"
    );
    let winner = [(s1, &r1), (s2, &r2)]
        .into_iter()
        .find(|(s, _)| *s == 201)
        .map(|(_, r)| r["id"].as_str().unwrap().to_string());
    // Every order is on at most one route, and exactly where the winner's route says.
    let (_, listed) = t.get("/api/ops/routes").await;
    let routes = listed["items"].as_array().unwrap();
    let mut on_routes: HashMap<String, String> = HashMap::new();
    for r in routes {
        for id in r["order_ids"].as_array().unwrap() {
            assert!(
                on_routes
                    .insert(
                        id.as_str().unwrap().into(),
                        r["id"].as_str().unwrap().into()
                    )
                    .is_none(),
                "{id} is on two routes"
            );
        }
    }
    for id in &ids {
        let (_, o) = t.get(&format!("/api/ops/orders/{id}")).await;
        let on = o["route_id"].as_str().map(str::to_string);
        assert_eq!(on, on_routes.get(id).cloned(), "{id}");
        assert_eq!(on, winner, "{id}: all or nothing");
    }
    if winner.is_none() {
        // Both lost (each held some orders first): their holds are gone, a third route takes all.
        let (s, r) = t.post("/api/ops/routes", body(&d3, &v3)).await;
        assert_eq!(s, 201, "{r}");
    } else {
        let loser = if s1 == 409 { &r1 } else { &r2 };
        assert_eq!(loser["error"]["code"], "concurrent_change", "{loser}");
        let _ = (d3, v3);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crash_in_the_middle_of_a_large_assignment_is_finished_by_the_retry() {
    let t = TestTenant::register().await;
    let (driver, _) = t.driver_with_login().await;
    let v = vehicle(&t).await;
    let ids = create_orders(&t, N / 2, "CRASH").await;
    let (s, route) = t
        .post(
            "/api/ops/routes",
            json!({"route_date": today(), "driver_id": driver, "vehicle_id": v, "order_ids": []}),
        )
        .await;
    assert_eq!(s, 201, "{route}");
    let rid = route["id"].as_str().unwrap().to_string();

    // A host whose DynamoDB fails on the third chunk of order moves (after the commit).
    let armed = Arc::new(AtomicBool::new(true));
    let applied = Arc::new(AtomicUsize::new(0));
    let (a, n) = (armed.clone(), applied.clone());
    let injector = FaultInjector::new(move |r| {
        let chunk = r.service == "DynamoDB"
            && r.operation == "TransactWriteItems"
            && r.body.contains("hold_change = :c AND version = :v");
        (a.load(Ordering::SeqCst) && chunk && n.fetch_add(1, Ordering::SeqCst) == 2)
            .then(|| "DynamoDB is unavailable (injected)".to_string())
    });
    let sdk = aws_config::load_from_env().await;
    let deps =
        Deps::with_interceptors(AppConfig::from_env().unwrap(), sdk, vec![injector.shared()])
            .unwrap();
    let host = host_with(Arc::new(deps));
    let auth = format!("Bearer {}", t.access);
    let body = json!({"order_ids": ids}).to_string();
    let path = format!("/api/ops/routes/{rid}/orders");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let (s, _, b) = invoke_route(&host, http::Method::POST, &path, &headers, body.as_bytes()).await;
    assert!(s >= 500, "the crash answers 5xx: {s} {b}");

    // Half applied: the route records the change; some orders are ASSIGNED, the rest still
    // CREATED (held), none is shown as final.
    let (_, mid) = t.get(&format!("/api/ops/routes/{rid}")).await;
    assert!(
        mid.get("applying").is_some(),
        "the route shows the change is being applied: {}",
        mid["status"]
    );
    let assigned = mid["orders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "ASSIGNED")
        .count();
    assert_eq!(assigned, 66, "two chunks of 33 landed before the crash");

    // The retry (same request) finishes the change and changes nothing twice.
    armed.store(false, Ordering::SeqCst);
    let (s, _, done) =
        invoke_route(&host, http::Method::POST, &path, &headers, body.as_bytes()).await;
    assert_eq!(s, 200, "{done}");
    assert!(done.get("applying").is_none());
    assert_eq!(done["order_ids"].as_array().unwrap().len(), N / 2);
    let (_, detail) = t.get(&format!("/api/ops/routes/{rid}")).await;
    assert!(
        detail["orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "ASSIGNED" && o["route_id"] == rid.as_str())
    );
    let events = event_counts(&t.tenant_id).await;
    let once: HashSet<&String> = ids
        .iter()
        .filter(|id| events.get(&("order.assigned".to_string(), (*id).clone())) == Some(&1))
        .collect();
    assert_eq!(once.len(), N / 2, "exactly one order.assigned per order");
    // Every order's history has exactly one ASSIGNED row.
    for id in ids.iter().take(40).chain(ids.iter().skip(60).take(20)) {
        let (_, o) = t.get(&format!("/api/ops/orders/{id}")).await;
        let rows = o["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["to_status"] == "ASSIGNED")
            .count();
        assert_eq!(rows, 1, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_driver_moves_on_one_large_route_all_land() {
    let t = TestTenant::register().await;
    let (driver, email) = t.driver_with_login().await;
    let v = vehicle(&t).await;
    let ids = create_orders(&t, N / 2, "CONC").await;
    let (s, route) = t
        .post(
            "/api/ops/routes",
            json!({"route_date": today(), "driver_id": driver, "vehicle_id": v, "order_ids": ids}),
        )
        .await;
    assert_eq!(s, 201, "{route}");
    let rid = route["id"].as_str().unwrap().to_string();
    let dt = login(&t.http, &email, "DriverPass123!").await.1["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = send(
        t.http
            .post(url(&format!("/api/driver/routes/{rid}/start")))
            .bearer_auth(&dt)
            .json(&json!({})),
    )
    .await;
    assert_eq!(s, 200);
    let picked: Vec<&String> = ids.iter().take(12).collect();
    let results: Vec<(u16, Value)> = futures::stream::iter(picked.iter())
        .map(|id| {
            let (http, dt) = (&t.http, &dt);
            async move {
                send(
                    http.post(url(&format!("/api/driver/orders/{id}/status")))
                        .bearer_auth(dt)
                        .json(&json!({"to_status": "PICKED_UP"})),
                )
                .await
            }
        })
        .buffer_unordered(6)
        .collect()
        .await;
    for (s, r) in &results {
        assert_eq!(*s, 200, "{r}");
    }
    let (_, after) = t.get(&format!("/api/ops/routes/{rid}")).await;
    let stops = after["stops"].as_array().unwrap();
    for id in &picked {
        let pickup = stops
            .iter()
            .find(|s| s["order_id"] == id.as_str() && s["type"] == "PICKUP")
            .unwrap();
        assert_eq!(pickup["status"], "COMPLETED", "{id}");
    }
    let completed = stops.iter().filter(|s| s["status"] == "COMPLETED").count();
    assert_eq!(completed, picked.len(), "no other stop moved");
    assert_eq!(
        after["version"].as_u64().unwrap(),
        route["version"].as_u64().unwrap() + 1 + picked.len() as u64
    );
}
