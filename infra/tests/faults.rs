//! What happens when AWS fails: requests whose DynamoDB calls fail answer 5xx with nothing
//! written, release their Idempotency-Key for the retry, and a store error is never taken for
//! "not there". Faults are injected with an SDK interceptor on the function's own clients
//! (cargoflow_aws::faults), the stand-ins stay real.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cargoflow_aws::faults::FaultInjector;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use common::*;
use http::Method;
use serde_json::{Value, json};

/// A host whose functions' DynamoDB calls fail while `armed` holds and
/// `fails(operation, body)` says so.
async fn faulty_host(
    armed: Arc<AtomicBool>,
    fails: impl Fn(&str, &str) -> bool + Send + Sync + 'static,
) -> cargoflow_infra::host::HostState {
    require_standins();
    let injector = FaultInjector::new(move |r| {
        (armed.load(Ordering::SeqCst) && r.service == "DynamoDB" && fails(&r.operation, &r.body))
            .then(|| "DynamoDB is unavailable (injected)".to_string())
    });
    let sdk = aws_config::load_from_env().await;
    let deps =
        Deps::with_interceptors(AppConfig::from_env().unwrap(), sdk, vec![injector.shared()])
            .unwrap();
    host_with(Arc::new(deps))
}

/// One request for each function behind the idempotency layer: (function, path, driver's?,
/// content type, body). Paths name ids that do not exist: the handler's first read is enough.
fn idempotent_requests(d: &DriverDay) -> Vec<(&'static str, String, bool, &'static str, Vec<u8>)> {
    let id = ulid::Ulid::new().to_string();
    let order = &d.order;
    let route = d.route["id"].as_str().unwrap();
    let j = |v: Value| v.to_string().into_bytes();
    let stops = json!([{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"},
                       {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]);
    let csv = "reference_code,customer_name,customer_phone,pickup_address,pickup_city,pickup_lat,pickup_lng,drop_address,drop_city,drop_lat,drop_lng,weight_kg\n\
               IDEM-CSV,Ananya,+918888887777,Warehouse,Bengaluru,12.9698,77.75,Home,Bengaluru,12.9719,77.6412,2.5\n";
    let ct = "application/json";
    vec![
        (
            "create-user",
            "/api/ops/users".into(),
            false,
            ct,
            j(
                json!({"email": format!("{}@idem.example", unique("u")), "password": PASSWORD, "full_name": "I", "role": "OPS_DISPATCHER"}),
            ),
        ),
        (
            "deactivate-user",
            format!("/api/ops/users/{id}/deactivate"),
            false,
            ct,
            j(json!({})),
        ),
        (
            "create-driver",
            "/api/ops/drivers".into(),
            false,
            ct,
            j(json!({"name": "Idem Driver", "phone": "+919900001111"})),
        ),
        (
            "deactivate-driver",
            format!("/api/ops/drivers/{id}/deactivate"),
            false,
            ct,
            j(json!({})),
        ),
        (
            "create-vehicle",
            "/api/ops/vehicles".into(),
            false,
            ct,
            j(
                json!({"plate_number": format!("I{}", &unique("")[..7]), "type": "VAN", "capacity_kg": 100}),
            ),
        ),
        (
            "deactivate-vehicle",
            format!("/api/ops/vehicles/{id}/deactivate"),
            false,
            ct,
            j(json!({})),
        ),
        (
            "create-order",
            "/api/ops/orders".into(),
            false,
            ct,
            j(
                json!({"reference_code": "IDEM-1", "customer_name": "C", "customer_phone": "+918888887777", "stops": stops}),
            ),
        ),
        (
            "cancel-order",
            format!("/api/ops/orders/{id}/cancel"),
            false,
            ct,
            j(json!({"reason": "idem"})),
        ),
        (
            "import-orders",
            "/api/ops/orders/import".into(),
            false,
            "text/csv",
            csv.as_bytes().to_vec(),
        ),
        (
            "create-exception",
            format!("/api/ops/orders/{id}/exceptions"),
            false,
            ct,
            j(json!({"type": "OTHER"})),
        ),
        (
            "ack-exception",
            format!("/api/ops/exceptions/{id}/ack"),
            false,
            ct,
            j(json!({})),
        ),
        (
            "resolve-exception",
            format!("/api/ops/exceptions/{id}/resolve"),
            false,
            ct,
            j(json!({"resolution": "done"})),
        ),
        (
            "create-route",
            "/api/ops/routes".into(),
            false,
            ct,
            j(
                json!({"route_date": "2026-12-01", "driver_id": id, "vehicle_id": id, "order_ids": [order]}),
            ),
        ),
        (
            "add-route-orders",
            format!("/api/ops/routes/{id}/orders"),
            false,
            ct,
            j(json!({"order_ids": [order]})),
        ),
        (
            "cancel-route",
            format!("/api/ops/routes/{id}/cancel"),
            false,
            ct,
            j(json!({})),
        ),
        (
            "reassign-order",
            format!("/api/ops/orders/{id}/reassign"),
            false,
            ct,
            j(json!({"target_route_id": route})),
        ),
        (
            "start-route",
            format!("/api/driver/routes/{id}/start"),
            true,
            ct,
            j(json!({})),
        ),
        (
            "update-order-status",
            format!("/api/driver/orders/{id}/status"),
            true,
            ct,
            j(json!({"to_status": "PICKED_UP"})),
        ),
        (
            "create-pod",
            format!("/api/driver/orders/{id}/pod"),
            true,
            ct,
            j(
                json!({"receiver_name": "R", "photo_key": format!("pod/{}/{id}/photo-{}.jpg", d.t.tenant_id, ulid::Ulid::new())}),
            ),
        ),
    ]
}

#[tokio::test]
async fn every_idempotent_route_releases_its_key_on_a_failure_then_runs_once_and_replays() {
    let armed = Arc::new(AtomicBool::new(false));
    // Everything but the idempotency records fails while armed.
    let d = driver_day().await;
    // The tenant's idempotency records, by the store's own key format.
    let tenant = cargoflow_domain::TenantId::from_stored(d.t.tenant_id.clone());
    let records = cargoflow_store::keys::idempotency(&tenant, "").pk;
    let host = faulty_host(armed.clone(), move |_, body| !body.contains(&records)).await;
    let requests = idempotent_requests(&d);
    let covered: Vec<&str> = requests.iter().map(|r| r.0).collect();
    for f in cargoflow_functions::registry::idempotent_functions() {
        assert!(
            covered.contains(f),
            "{f} is idempotent: add a request for it here"
        );
    }
    for (function, path, as_driver, content_type, body) in requests {
        let token = if as_driver {
            &d.driver_token
        } else {
            &d.t.access
        };
        let auth = format!("Bearer {token}");
        let key = unique("idem-");
        let headers = [
            ("authorization", auth.as_str()),
            ("content-type", content_type),
            ("idempotency-key", key.as_str()),
        ];

        armed.store(true, Ordering::SeqCst);
        let (failed, _, b) = invoke_route(&host, Method::POST, &path, &headers, &body).await;
        armed.store(false, Ordering::SeqCst);
        assert!(
            failed >= 500,
            "{function}: DynamoDB down should answer 5xx, got {failed} {b}"
        );

        // The failure released the key: the same request runs for real now...
        let (first, h1, b1) = invoke_route(&host, Method::POST, &path, &headers, &body).await;
        assert!(first < 500, "{function}: {first} {b1}");
        assert!(
            h1.get("idempotent-replayed").is_none(),
            "{function}: a released key must run, not replay"
        );
        // ...and once: a repeat is the stored answer.
        let (again, h2, b2) = invoke_route(&host, Method::POST, &path, &headers, &body).await;
        assert_eq!(
            (again, &b2),
            (first, &b1),
            "{function}: the repeat must be the first answer"
        );
        assert_eq!(
            h2.get("idempotent-replayed").map(|v| v.to_str().unwrap()),
            Some("true"),
            "{function}"
        );
    }
}

#[tokio::test]
async fn a_failed_route_read_fails_the_move_and_writes_nothing() {
    let armed = Arc::new(AtomicBool::new(false));
    let d = driver_day().await;
    let order = d.order.clone();
    let route = d.route["id"].as_str().unwrap().to_string();
    // Only reads of the route's item fail (its key, as the store writes it).
    let key = cargoflow_store::keys::route(
        &cargoflow_domain::TenantId::from_stored(d.t.tenant_id.clone()),
        &cargoflow_domain::RouteId::parse(&route).unwrap(),
    );
    let host = faulty_host(armed.clone(), move |operation, body| {
        operation == "GetItem"
            && body.contains(&key.pk)
            && body.contains(&format!("\"{}\"", key.sk))
    })
    .await;
    let auth = format!("Bearer {}", d.t.access);
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let cancel = format!("/api/ops/orders/{order}/cancel");
    let body = json!({"reason": "customer changed their mind"})
        .to_string()
        .into_bytes();

    armed.store(true, Ordering::SeqCst);
    let (status, _, b) = invoke_route(&host, Method::POST, &cancel, &headers, &body).await;
    armed.store(false, Ordering::SeqCst);
    assert!(
        status >= 500,
        "a route that cannot be read is not 'no route': {status} {b}"
    );
    let (_, o) = d.t.get(&format!("/api/ops/orders/{order}")).await;
    assert_eq!(o["status"], "ASSIGNED", "nothing written: {o}");
    assert!(
        !o["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["to_status"] == "CANCELLED"),
        "no history row: {o}"
    );
    let (_, r) = d.t.get(&format!("/api/ops/routes/{route}")).await;
    assert_eq!(
        r["order_ids"].as_array().unwrap().len(),
        1,
        "the route still holds the order: {r}"
    );

    // With the store back, the same cancel goes through and the route follows.
    let (status, _, b) = invoke_route(&host, Method::POST, &cancel, &headers, &body).await;
    assert_eq!(status, 200, "{b}");
    let (_, r) = d.t.get(&format!("/api/ops/routes/{route}")).await;
    assert!(
        r["stops"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["order_id"] != order.as_str() || s["status"] != "PENDING"),
        "the cancelled order's pending stops left the route: {r}"
    );
}
