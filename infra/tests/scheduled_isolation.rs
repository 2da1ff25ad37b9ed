//! Scheduled jobs go on for every tenant when one tenant's work fails, and a very large tenant
//! cannot use up a run: its share per run is bounded and the rest continues next run.
//! The failing tenant's DynamoDB reads fail through the FaultInjector (as an outage of its
//! partition would); the job runs as the schedule runs it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cargoflow_aws::faults::FaultInjector;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use common::*;
use serde_json::{Value, json};

const DAY: &str = "2030-01-15";

/// A tenant with a driver and a vehicle.
struct Fleet {
    t: TestTenant,
    driver: String,
    vehicle: String,
}

impl Fleet {
    async fn new() -> Self {
        let t = TestTenant::register().await;
        let (driver, _) = t.driver_with_login().await;
        let (s, v) = t.post("/api/ops/vehicles", json!({"plate_number": format!("V{}", &unique("")[..8]), "type": "VAN", "capacity_kg": 10000})).await;
        assert_eq!(s, 201, "{v}");
        Fleet {
            t,
            driver,
            vehicle: v["id"].as_str().unwrap().to_string(),
        }
    }

    /// `n` orders whose drop window ended long ago, on one route (ASSIGNED: late).
    async fn late_orders(&self, n: usize) -> Vec<String> {
        let mut ids = Vec::new();
        for i in 0..n {
            let (s, o) = self.t.post("/api/ops/orders", json!({
                "reference_code": format!("LATE-{i}"), "customer_name": "Customer", "customer_phone": "+918888887777",
                "stops": [
                    {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": 12.97, "lng": 77.59},
                    {"sequence_index": 2, "type": "DROP", "address_line": "Home", "city": "Bengaluru", "lat": 12.93, "lng": 77.62}
                ],
                "package": {"weight_kg": 1.0},
                "drop_window": {"start": "2020-01-01T08:00:00Z", "end": "2020-01-01T10:00:00Z"}
            })).await;
            assert_eq!(s, 201, "{o}");
            ids.push(o["id"].as_str().unwrap().to_string());
        }
        let (s, r) = self
            .t
            .post("/api/ops/routes", json!({"route_date": DAY, "driver_id": self.driver, "vehicle_id": self.vehicle, "order_ids": ids}))
            .await;
        assert_eq!(s, 201, "{r}");
        ids
    }

    async fn delay_exceptions(&self) -> usize {
        let (s, ex) = self.t.get("/api/ops/exceptions?type=DELAY&limit=100").await;
        assert_eq!(s, 200, "{ex}");
        ex["items"].as_array().unwrap().len()
    }
}

/// Deps whose DynamoDB Queries of `tenant`'s partitions fail while `armed` holds.
async fn deps_failing_for(tenant: &str, armed: Arc<AtomicBool>) -> Arc<Deps> {
    let tenant = tenant.to_string();
    let injector = FaultInjector::new(move |r| {
        (armed.load(Ordering::SeqCst)
            && r.service == "DynamoDB"
            && r.operation == "Query"
            && r.body.contains(&tenant))
        .then(|| "this tenant's partition is unavailable (injected)".to_string())
    });
    let sdk = aws_config::load_from_env().await;
    Arc::new(
        Deps::with_interceptors(AppConfig::from_env().unwrap(), sdk, vec![injector.shared()])
            .unwrap(),
    )
}

async fn run(deps: &Arc<Deps>, job: &str, per_tenant_limit: Option<u64>) -> Value {
    let mut event = cargoflow_infra::schedules::event(job);
    if let Some(n) = per_tenant_limit {
        event["per_tenant_limit"] = json!(n);
    }
    let f = cargoflow_functions::registry::schedule_function(job).unwrap();
    f(deps.clone(), event).await.expect("the run goes on")
}

#[tokio::test]
async fn delay_detection_goes_past_a_failing_tenant_and_bounds_a_huge_one_per_run() {
    let failing = Fleet::new().await;
    let huge = Fleet::new().await;
    let normal = Fleet::new().await;
    failing.late_orders(1).await;
    huge.late_orders(12).await;
    normal.late_orders(1).await;
    let armed = Arc::new(AtomicBool::new(true));
    let deps = deps_failing_for(&failing.t.tenant_id, armed.clone()).await;

    // Run 1: the failing tenant is counted and skipped; everyone else's work is done, the huge
    // tenant's up to its share (5 orders).
    let report = run(&deps, "detect-delays", Some(5)).await;
    assert!(report["tenants_failed"].as_u64().unwrap() >= 1, "{report}");
    assert!(
        report["tenants_continued"].as_u64().unwrap() >= 1,
        "{report}"
    );
    assert_eq!(
        normal.delay_exceptions().await,
        1,
        "the other tenant's work is done: {report}"
    );
    assert_eq!(failing.delay_exceptions().await, 0);
    assert_eq!(
        huge.delay_exceptions().await,
        5,
        "the huge tenant gets its share only"
    );
    // Runs 2 and 3: the huge tenant continues where it stopped.
    run(&deps, "detect-delays", Some(5)).await;
    assert_eq!(huge.delay_exceptions().await, 10);
    run(&deps, "detect-delays", Some(5)).await;
    assert_eq!(huge.delay_exceptions().await, 12);
    // The failing tenant recovers: its work is done on the next run.
    armed.store(false, Ordering::SeqCst);
    run(&deps, "detect-delays", Some(5)).await;
    assert_eq!(failing.delay_exceptions().await, 1);
    assert_eq!(normal.delay_exceptions().await, 1, "still exactly one");
    assert_eq!(huge.delay_exceptions().await, 12, "still exactly one each");
}

async fn sent(f: &Fleet, id: &str) -> bool {
    let (_, d) = f.t.get(&format!("/api/ops/routes/{id}")).await;
    d["reminder_sent_at"].is_string()
}

#[tokio::test]
async fn reminders_go_past_a_failing_tenant() {
    let soon = time::OffsetDateTime::now_utc() + time::Duration::minutes(20);
    let mut fleets = Vec::new();
    for _ in 0..2 {
        let f = Fleet::new().await;
        let (s, r) = f
            .t
            .post("/api/ops/routes", json!({"route_date": soon.date().to_string(), "driver_id": f.driver, "vehicle_id": f.vehicle, "order_ids": [],
                "start_time": cargoflow_domain::time_util::rfc3339(soon)}))
            .await;
        assert_eq!(s, 201, "{r}");
        fleets.push((f, r["id"].as_str().unwrap().to_string()));
    }
    let armed = Arc::new(AtomicBool::new(true));
    let deps = deps_failing_for(&fleets[0].0.t.tenant_id, armed.clone()).await;
    let report = run(&deps, "send-route-reminders", None).await;
    assert!(report["tenants_failed"].as_u64().unwrap() >= 1, "{report}");
    assert!(
        !sent(&fleets[0].0, &fleets[0].1).await,
        "the failing tenant's is not sent"
    );
    assert!(
        sent(&fleets[1].0, &fleets[1].1).await,
        "the other tenant's is sent: {report}"
    );
    armed.store(false, Ordering::SeqCst);
    run(&deps, "send-route-reminders", None).await;
    assert!(
        sent(&fleets[0].0, &fleets[0].1).await,
        "sent once it recovers"
    );
}

/// `n` orders (one `order.created` event each, PENDING: no relay runs in the tests).
async fn orders(t: &TestTenant, n: usize) {
    for i in 0..n {
        let (s, o) = t.post("/api/ops/orders", json!({"reference_code": format!("SW-{i}"), "customer_name": "C", "customer_phone": "+918888887777",
            "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]})).await;
        assert_eq!(s, 201, "{o}");
    }
}

async fn processed(t: &TestTenant) -> usize {
    stored_events(&t.tenant_id)
        .await
        .iter()
        .filter(|e| e["outbox_status"] == "PROCESSED")
        .count()
}

#[tokio::test]
async fn the_sweeper_goes_past_a_failing_tenant_and_bounds_a_huge_one_per_run() {
    let failing = TestTenant::register().await;
    let huge = TestTenant::register().await;
    let normal = TestTenant::register().await;
    orders(&failing, 1).await;
    orders(&huge, 8).await;
    orders(&normal, 1).await;
    // The failing tenant's events cannot be marked published (its writes fail).
    let armed = Arc::new(AtomicBool::new(true));
    let tenant = failing.tenant_id.clone();
    let flag = armed.clone();
    let injector = FaultInjector::new(move |r| {
        (flag.load(Ordering::SeqCst)
            && r.service == "DynamoDB"
            && r.operation == "UpdateItem"
            && r.body.contains(&tenant))
        .then(|| "this tenant's partition is unavailable (injected)".to_string())
    });
    let mut config = AppConfig::from_env().unwrap();
    config.sweep_after_secs = -3600; // every PENDING event is due
    let sdk = aws_config::load_from_env().await;
    let deps = Arc::new(Deps::with_interceptors(config, sdk, vec![injector.shared()]).unwrap());

    let report = run(&deps, "sweep-outbox", Some(3)).await;
    assert!(report["tenants_failed"].as_u64().unwrap() >= 1, "{report}");
    assert!(report["tenants_capped"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(
        processed(&normal).await,
        1,
        "the other tenant's event is published: {report}"
    );
    assert_eq!(processed(&failing).await, 0);
    assert_eq!(
        processed(&huge).await,
        3,
        "the huge tenant gets its share only"
    );
    run(&deps, "sweep-outbox", Some(3)).await;
    assert_eq!(processed(&huge).await, 6, "and the rest next run");
    armed.store(false, Ordering::SeqCst);
    run(&deps, "sweep-outbox", Some(3)).await;
    assert_eq!(processed(&huge).await, 8);
    assert_eq!(processed(&failing).await, 1, "published once it recovers");
}
