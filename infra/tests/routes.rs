//! Routes over HTTP through the local host: assignment rules enforced in the transaction,
//! optimisation and ETAs, reorder, remove, reassign, cancel, auto-completion, and the
//! scheduled jobs (called as the schedule would). Every test has a tenant of its own.

mod common;

use std::sync::Arc;

use common::*;
use serde_json::{Value, json};

fn order_body(reference: &str, weight: f64, pickup: (f64, f64), drop: (f64, f64)) -> Value {
    json!({
        "reference_code": reference, "customer_name": "Customer", "customer_phone": "+918888887777",
        "stops": [
            {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": pickup.0, "lng": pickup.1},
            {"sequence_index": 2, "type": "DROP", "address_line": "Home", "city": "Bengaluru", "lat": drop.0, "lng": drop.1}
        ],
        "package": {"weight_kg": weight}
    })
}

struct Fleet {
    t: TestTenant,
    driver: String,
    vehicle: String,
}

impl Fleet {
    async fn new(capacity: i64) -> Self {
        let t = TestTenant::register().await;
        let (driver, _) = t.driver_with_login().await;
        let (s, v) = t.post("/api/ops/vehicles", json!({"plate_number": format!("V{}", &unique("")[..8]), "type": "VAN", "capacity_kg": capacity})).await;
        assert_eq!(s, 201, "{v}");
        Fleet {
            t,
            driver,
            vehicle: v["id"].as_str().unwrap().to_string(),
        }
    }

    async fn order(&self, reference: &str, weight: f64, offset: f64) -> String {
        let (s, o) = self
            .t
            .post(
                "/api/ops/orders",
                order_body(
                    reference,
                    weight,
                    (12.97 + offset, 77.59),
                    (12.93 - offset, 77.62 + offset),
                ),
            )
            .await;
        assert_eq!(s, 201, "{o}");
        o["id"].as_str().unwrap().to_string()
    }

    async fn route(&self, date: &str, orders: &[&str], optimize: bool) -> (u16, Value) {
        self.t
            .post("/api/ops/routes", json!({"route_date": date, "driver_id": self.driver, "vehicle_id": self.vehicle, "order_ids": orders, "optimize": optimize}))
            .await
    }
}

const DAY: &str = "2030-01-15";

#[tokio::test]
async fn create_a_route_assigns_orders_with_history_events_and_etas() {
    let f = Fleet::new(1000).await;
    let a = f.order("R-A", 10.0, 0.00).await;
    let b = f.order("R-B", 20.0, 0.02).await;
    let (s, r) = f.route(DAY, &[&a, &b], true).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["status"], "PLANNED");
    assert_eq!(r["stops"].as_array().unwrap().len(), 4);
    assert_eq!(r["total_weight_kg"], 30.0);
    assert!(r["total_distance_m"].as_f64().unwrap() > 0.0);
    assert!(
        r["stops"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["scheduled_eta"].is_string()),
        "{r}"
    );
    // pickup before drop for each order
    let stops = r["stops"].as_array().unwrap();
    for id in [&a, &b] {
        let pos = |t: &str| {
            stops
                .iter()
                .position(|s| s["order_id"] == id.as_str() && s["type"] == t)
                .unwrap()
        };
        assert!(pos("PICKUP") < pos("DROP"));
    }
    let (_, o) = f.t.get(&format!("/api/ops/orders/{a}")).await;
    assert_eq!(o["status"], "ASSIGNED");
    assert_eq!(o["route_id"], r["id"]);
    assert_eq!(o["driver_id"], f.driver.as_str());
    assert!(
        o["stops"][0]["scheduled_eta"].is_string(),
        "ETAs copied to the order: {o}"
    );
    let h = o["history"].as_array().unwrap();
    assert_eq!((h.len(), h[1]["to_status"].as_str()), (2, Some("ASSIGNED")));
    let (_, detail) =
        f.t.get(&format!("/api/ops/routes/{}", r["id"].as_str().unwrap()))
            .await;
    assert_eq!(detail["orders"].as_array().unwrap().len(), 2);
    assert_eq!(detail["driver"]["id"], f.driver.as_str());
    assert_eq!(detail["progress"]["stops_total"], 4);
    assert_eq!(detail["progress"]["percent"], 0);
    let (_, list) = f.t.get(&format!("/api/ops/routes?date={DAY}")).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, list) =
        f.t.get(&format!(
            "/api/ops/routes?driver_id={}&status=PLANNED",
            f.driver
        ))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (_, none) = f.t.get("/api/ops/routes?date=2030-01-16").await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn assignment_rules_are_enforced() {
    let f = Fleet::new(100).await;
    let a = f.order("RULE-A", 60.0, 0.0).await;
    let b = f.order("RULE-B", 60.0, 0.01).await;
    let (s, e) = f.route(DAY, &[&a, &b], false).await;
    assert_eq!(s, 409, "{e}");
    assert_eq!(e["error"]["code"], "capacity_exceeded");
    assert_eq!(e["error"]["details"]["capacity_kg"], 100.0);
    assert_eq!(e["error"]["details"]["total_weight_kg"], 120.0);
    let (s, r) = f.route(DAY, &[&a], false).await;
    assert_eq!(s, 201, "{r}");
    // one route per driver per date
    let (s, e) = f.route(DAY, &[&b], false).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("driver_busy")),
        "{e}"
    );
    // only CREATED orders: `a` is ASSIGNED now
    let (s, e) = f.route("2030-01-16", &[&a], false).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("order_not_assignable")),
        "{e}"
    );
    // nothing half-written: b is still CREATED and 2030-01-16 is still free for the driver
    assert_eq!(
        f.t.get(&format!("/api/ops/orders/{b}")).await.1["status"],
        "CREATED"
    );
    let (s, _) = f.route("2030-01-16", &[&b], false).await;
    assert_eq!(s, 201);
    // a deactivated vehicle or driver cannot take a route
    let (_, v2) =
        f.t.post(
            "/api/ops/vehicles",
            json!({"plate_number": "OFF1", "type": "VAN", "capacity_kg": 500}),
        )
        .await;
    f.t.post(
        &format!(
            "/api/ops/vehicles/{}/deactivate",
            v2["id"].as_str().unwrap()
        ),
        json!({}),
    )
    .await;
    let (s, e) = f.t.post("/api/ops/routes", json!({"route_date": "2030-01-17", "driver_id": f.driver, "vehicle_id": v2["id"], "order_ids": []})).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("vehicle_inactive"))
    );
    let other = Fleet::new(100).await;
    let (s, _) = f.t.post("/api/ops/routes", json!({"route_date": "2030-01-17", "driver_id": other.driver, "vehicle_id": f.vehicle, "order_ids": []})).await;
    assert_eq!(s, 404, "another tenant's driver");
    let foreign_order = other.order("FOREIGN", 1.0, 0.0).await;
    let (s, _) = f.t.post("/api/ops/routes", json!({"route_date": "2030-01-18", "driver_id": f.driver, "vehicle_id": f.vehicle, "order_ids": [foreign_order]})).await;
    assert_eq!(s, 404, "another tenant's order");
    let (s, _) =
        f.t.post(
            "/api/ops/routes",
            json!({"route_date": "18/01/2030", "driver_id": f.driver, "vehicle_id": f.vehicle}),
        )
        .await;
    assert_eq!(s, 400);
    let _ = r;
}

#[tokio::test]
async fn concurrent_routes_cannot_take_the_same_order() {
    let t = TestTenant::register().await;
    let (d1, _) = t.driver_with_login().await;
    let (d2, _) = t.driver_with_login().await;
    let (_, v) = t
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "RACE1", "type": "TRUCK", "capacity_kg": 5000}),
        )
        .await;
    let (_, o) = t
        .post(
            "/api/ops/orders",
            order_body("RACE-O", 1.0, (12.97, 77.59), (12.93, 77.62)),
        )
        .await;
    let reqs = [d1, d2].map(|d| {
        let body = json!({"route_date": DAY, "driver_id": d, "vehicle_id": v["id"], "order_ids": [o["id"]]});
        let t = &t;
        async move { t.post("/api/ops/routes", body).await }
    });
    let results = futures::future::join_all(reqs).await;
    let ok = results.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(ok, 1, "an order is on at most one route: {results:?}");
    let (_, d) = t
        .get(&format!("/api/ops/orders/{}", o["id"].as_str().unwrap()))
        .await;
    assert_eq!(d["history"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn reorder_validates_and_recomputes_etas() {
    let f = Fleet::new(1000).await;
    let a = f.order("RO-A", 1.0, 0.0).await;
    let b = f.order("RO-B", 1.0, 0.05).await;
    let (_, r) = f.route(DAY, &[&a, &b], false).await;
    let rid = r["id"].as_str().unwrap();
    let ids: Vec<String> = r["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stop_id"].as_str().unwrap().to_string())
        .collect();
    // [a-pick, a-drop, b-pick, b-drop] -> [b-pick, a-pick, b-drop, a-drop]
    let new_order = vec![
        ids[2].clone(),
        ids[0].clone(),
        ids[3].clone(),
        ids[1].clone(),
    ];
    let (s, r2) =
        f.t.post(
            &format!("/api/ops/routes/{rid}/reorder"),
            json!({"stop_order": new_order}),
        )
        .await;
    assert_eq!(s, 200, "{r2}");
    let got: Vec<&str> = r2["stops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stop_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        new_order.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let eta = |route: &Value, id: &str| {
        route["stops"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["stop_id"] == id)
            .unwrap()["scheduled_eta"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        eta(&r2, &ids[0]) > eta(&r, &ids[0]),
        "ETAs recomputed: a's pickup is now second"
    );
    let (_, o) = f.t.get(&format!("/api/ops/orders/{b}")).await;
    assert_eq!(
        o["stops"][0]["scheduled_eta"], r2["stops"][0]["scheduled_eta"],
        "and written to the order"
    );
    let bad = [
        json!([ids[1], ids[0], ids[2], ids[3]]), // a DROP before its PICKUP
        json!([ids[0], ids[1], ids[2]]),         // missing a stop
        json!([ids[0], ids[0], ids[2], ids[3]]), // twice
        json!([ids[0], ids[1], ids[2], "01ARZ3NDEKTSV4RRFFQ69G5FAV"]), // a stranger
    ];
    for (i, stop_order) in bad.into_iter().enumerate() {
        let (s, b) =
            f.t.post(
                &format!("/api/ops/routes/{rid}/reorder"),
                json!({"stop_order": stop_order}),
            )
            .await;
        assert_eq!(s, 400, "case {i}: {b}");
    }
    let (s, opt) =
        f.t.post(&format!("/api/ops/routes/{rid}/optimize"), json!({}))
            .await;
    assert_eq!(s, 200, "{opt}");
    assert_eq!(opt["optimized"], true);
}

#[tokio::test]
async fn remove_add_reassign_and_cancel() {
    let f = Fleet::new(1000).await;
    let a = f.order("M-A", 1.0, 0.0).await;
    let b = f.order("M-B", 1.0, 0.01).await;
    let c = f.order("M-C", 1.0, 0.02).await;
    let (_, r1) = f.route(DAY, &[&a, &b], false).await;
    let r1id = r1["id"].as_str().unwrap().to_string();
    // remove b: back to CREATED
    let (s, r) = send(
        f.t.http
            .delete(url(&format!("/api/ops/routes/{r1id}/orders/{b}")))
            .bearer_auth(&f.t.access),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["order_ids"].as_array().unwrap().len(), 1);
    let (_, ob) = f.t.get(&format!("/api/ops/orders/{b}")).await;
    assert_eq!(
        (ob["status"].as_str(), ob["route_id"].is_null()),
        (Some("CREATED"), true)
    );
    // add b and c back
    let (s, r) =
        f.t.post(
            &format!("/api/ops/routes/{r1id}/orders"),
            json!({"order_ids": [b, c]}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["order_ids"].as_array().unwrap().len(), 3);
    // a second route for another driver, and reassign c to it
    let (d2, _) = f.t.driver_with_login().await;
    let (_, r2) =
        f.t.post(
            "/api/ops/routes",
            json!({"route_date": DAY, "driver_id": d2, "vehicle_id": f.vehicle, "order_ids": []}),
        )
        .await;
    let r2id = r2["id"].as_str().unwrap().to_string();
    let (s, oc) =
        f.t.post(
            &format!("/api/ops/orders/{c}/reassign"),
            json!({"target_route_id": r2id, "note": "Driver reassigned"}),
        )
        .await;
    assert_eq!(s, 200, "{oc}");
    assert_eq!(
        (
            oc["route_id"].as_str(),
            oc["driver_id"].as_str(),
            oc["status"].as_str()
        ),
        (Some(r2id.as_str()), Some(d2.as_str()), Some("ASSIGNED"))
    );
    let (_, r1now) = f.t.get(&format!("/api/ops/routes/{r1id}")).await;
    assert!(
        !r1now["order_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == c.as_str())
    );
    let (_, r2now) = f.t.get(&format!("/api/ops/routes/{r2id}")).await;
    assert_eq!(r2now["stops"].as_array().unwrap().len(), 2);
    let (_, hist) = f.t.get(&format!("/api/ops/orders/{c}")).await;
    assert_eq!(
        hist["history"].as_array().unwrap().last().unwrap()["metadata"]["note"],
        "Driver reassigned"
    );
    // a CREATED order is not reassigned
    let d = f.order("M-D", 1.0, 0.03).await;
    let (s, _) =
        f.t.post(
            &format!("/api/ops/orders/{d}/reassign"),
            json!({"target_route_id": r2id}),
        )
        .await;
    assert_eq!(s, 409);
    // cancel route 1: its orders go back to CREATED, and the driver's day is free again
    let (s, rc) =
        f.t.post(
            &format!("/api/ops/routes/{r1id}/cancel"),
            json!({"reason": "Van broke down"}),
        )
        .await;
    assert_eq!(s, 200, "{rc}");
    assert_eq!(rc["status"], "CANCELLED");
    for o in [&a, &b] {
        assert_eq!(
            f.t.get(&format!("/api/ops/orders/{o}")).await.1["status"],
            "CREATED"
        );
    }
    let (s, _) =
        f.t.post(
            &format!("/api/ops/routes/{r1id}/orders"),
            json!({"order_ids": [a]}),
        )
        .await;
    assert_eq!(s, 409, "a cancelled route takes no orders");
    let (s, again) = f.route(DAY, &[&a], false).await;
    assert_eq!(s, 201, "{again}");
}

#[tokio::test]
async fn a_route_completes_when_all_its_orders_are_final() {
    let f = Fleet::new(1000).await;
    let a = f.order("DONE-A", 1.0, 0.0).await;
    let b = f.order("DONE-B", 1.0, 0.01).await;
    let (_, r) = f.route(DAY, &[&a, &b], false).await;
    let rid = r["id"].as_str().unwrap();
    let (s, _) =
        f.t.post(
            &format!("/api/ops/orders/{a}/cancel"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, now) = f.t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(now["status"], "PLANNED");
    assert_eq!(
        now["stops"].as_array().unwrap().len(),
        2,
        "the cancelled order's stops left the plan"
    );
    let (s, _) =
        f.t.post(
            &format!("/api/ops/orders/{b}/cancel"),
            json!({"reason": "y"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, done) = f.t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert!(done["end_time"].is_string());
}

async fn run_job(name: &str) -> Value {
    let config = cargoflow_http::AppConfig::from_env().unwrap();
    let sdk_ = aws_config::load_from_env().await;
    let deps = Arc::new(cargoflow_functions::Deps::new(config, sdk_).unwrap());
    let job = cargoflow_functions::registry::schedule_function(name).unwrap();
    job(deps, cargoflow_infra::schedules::event(name))
        .await
        .unwrap()
}

#[tokio::test]
async fn one_delay_exception_per_late_order_however_often_the_job_runs() {
    let f = Fleet::new(1000).await;
    let mut late = order_body("LATE-1", 1.0, (12.97, 77.59), (12.93, 77.62));
    late["drop_window"] = json!({"start": "2020-01-01T08:00:00Z", "end": "2020-01-01T10:00:00Z"});
    let (_, o) = f.t.post("/api/ops/orders", late).await;
    let oid = o["id"].as_str().unwrap().to_string();
    let on_time = f.order("ONTIME-1", 1.0, 0.01).await;
    f.route(DAY, &[&oid, &on_time], false).await;
    // three runs, two of them at once
    run_job("detect-delays").await;
    futures::future::join(run_job("detect-delays"), run_job("detect-delays")).await;
    let (_, ex) =
        f.t.get(&format!("/api/ops/exceptions?order_id={oid}&type=DELAY"))
            .await;
    assert_eq!(ex["items"].as_array().unwrap().len(), 1, "{ex}");
    assert!(
        ex["items"][0]["created_by"].is_null(),
        "raised by CargoFlow"
    );
    let (_, none) =
        f.t.get(&format!("/api/ops/exceptions?order_id={on_time}"))
            .await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn routes_starting_soon_get_one_reminder_event() {
    let f = Fleet::new(1000).await;
    let a = f.order("REM-A", 1.0, 0.0).await;
    let soon = time::OffsetDateTime::now_utc() + time::Duration::minutes(20);
    let (s, r) = f
        .t
        .post("/api/ops/routes", json!({"route_date": soon.date().to_string(), "driver_id": f.driver, "vehicle_id": f.vehicle, "order_ids": [a],
            "start_time": cargoflow_domain::time_util::rfc3339(soon)}))
        .await;
    assert_eq!(s, 201, "{r}");
    run_job("send-route-reminders").await;
    run_job("send-route-reminders").await;
    let (_, detail) =
        f.t.get(&format!("/api/ops/routes/{}", r["id"].as_str().unwrap()))
            .await;
    assert!(detail["reminder_sent_at"].is_string(), "{detail}");
    let reminders: Vec<Value> = stored_events(&f.t.tenant_id)
        .await
        .into_iter()
        .filter(|e| e["event_type"] == "route.reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "exactly one route.reminder");
}

#[tokio::test]
async fn tenant_isolation_on_every_route_endpoint() {
    let f = Fleet::new(1000).await;
    let a = f.order("ISO-R", 1.0, 0.0).await;
    let (_, r) = f.route(DAY, &[&a], false).await;
    let rid = r["id"].as_str().unwrap();
    let stop = r["stops"][0]["stop_id"].as_str().unwrap();
    let other = Fleet::new(1000).await;
    let (_, r_other) = other.route(DAY, &[], false).await;
    let checks = [
        other.t.get(&format!("/api/ops/routes/{rid}")).await,
        other
            .t
            .post(
                &format!("/api/ops/routes/{rid}/reorder"),
                json!({"stop_order": [stop]}),
            )
            .await,
        other
            .t
            .post(&format!("/api/ops/routes/{rid}/optimize"), json!({}))
            .await,
        other
            .t
            .post(
                &format!("/api/ops/routes/{rid}/orders"),
                json!({"order_ids": [a]}),
            )
            .await,
        other
            .t
            .post(&format!("/api/ops/routes/{rid}/cancel"), json!({}))
            .await,
        send(
            other
                .t
                .http
                .delete(url(&format!("/api/ops/routes/{rid}/orders/{a}")))
                .bearer_auth(&other.t.access),
        )
        .await,
        other
            .t
            .post(
                &format!("/api/ops/orders/{a}/reassign"),
                json!({"target_route_id": r_other["id"]}),
            )
            .await,
        other
            .t
            .post(
                &format!("/api/ops/routes/{}/orders", r_other["id"].as_str().unwrap()),
                json!({"order_ids": [a]}),
            )
            .await,
    ];
    for (i, (s, b)) in checks.iter().enumerate() {
        assert_eq!(*s, 404, "check {i}: {b}");
    }
    assert_eq!(
        other.t.get(&format!("/api/ops/routes?date={DAY}")).await.1["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        f.t.get(&format!("/api/ops/routes/{rid}")).await.1["status"],
        "PLANNED"
    );
}

#[tokio::test]
async fn only_the_routes_driver_starts_it() {
    let f = Fleet::new(1000).await;
    let a = f.order("START-A", 1.0, 0.0).await;
    let (_, r) = f.route(DAY, &[&a], false).await;
    let rid = r["id"].as_str().unwrap();
    let driver_email = f.t.get(&format!("/api/ops/drivers/{}", f.driver)).await.1["email"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, session) = login(&f.t.http, &driver_email, "DriverPass123!").await;
    let driver = session["access_token"].as_str().unwrap().to_string();
    let (_, other_email) = f.t.driver_with_login().await;
    let (_, other) = login(&f.t.http, &other_email, "DriverPass123!").await;
    let start = |token: String| {
        send(
            f.t.http
                .post(url(&format!("/api/driver/routes/{rid}/start")))
                .bearer_auth(token),
        )
    };
    assert_eq!(
        start(other["access_token"].as_str().unwrap().to_string())
            .await
            .0,
        404,
        "another driver's route"
    );
    assert_eq!(
        start(f.t.access.clone()).await.0,
        403,
        "ops tokens cannot use driver routes"
    );
    let (s, started) = start(driver.clone()).await;
    assert_eq!(s, 200, "{started}");
    assert_eq!(started["status"], "IN_PROGRESS");
    assert!(started["start_time"].is_string());
    assert_eq!(start(driver).await.0, 409, "already started");
}
