//! How many DynamoDB requests each order endpoint makes, counted by an SDK interceptor on the
//! function's own client: a status transition is one GetItem and exactly one
//! TransactWriteItems; the order detail is exactly one Query. Verifying the caller costs one
//! GetItem of the public keys per instance (cached 5 minutes) and one of the caller's session
//! state per user per instance per `AUTH_STATE_CACHE_SECS`.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use cargoflow_infra::host::HostState;
use cargoflow_store::Store;
use cargoflow_store::metrics::RequestCounter;
use http::Method;
use serde_json::{Value, json};

struct Harness {
    state: HostState,
    counter: RequestCounter,
}

impl Harness {
    async fn new() -> Self {
        common::require_standins();
        let counter = RequestCounter::default();
        // Budgets are per request: an instance's init (its warm-up GetItem) is not counted.
        // The caller's session state is cached per instance (AUTH_STATE_CACHE_SECS); an hour
        // here, so the counts below are a warm instance's, whatever the machine's speed.
        let config = AppConfig {
            warm_up_timeout_ms: 0,
            auth_state_cache_secs: 3600,
            ..AppConfig::from_env().unwrap()
        };
        let sdk = aws_config::load_from_env().await;
        let mut interceptors = cargoflow_aws::function_interceptors(&sdk);
        interceptors.push(cargoflow_aws::SharedInterceptor::new(counter.clone()));
        let store = Store::from_sdk(&sdk, &interceptors, config.table_name.clone());
        let deps = Arc::new(Deps::new(config, sdk).unwrap().with_store(store));
        Self {
            state: common::host_with(deps),
            counter,
        }
    }

    /// Calls one route; returns status, body and the DynamoDB requests it made.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value, BTreeMap<String, u64>) {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("authorization", a.as_str()));
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let before = self.counter.snapshot();
        let (status, _, body) =
            common::invoke_route(&self.state, method, path, &headers, &bytes).await;
        (status, body, self.counter.since(&before))
    }
}

fn ops(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[tokio::test]
async fn order_endpoints_stay_within_their_request_budget() {
    let h = Harness::new().await;
    let slug = common::unique("rb");
    let slug = &slug[..slug.len().min(30)];
    let (s, _, reg) = common::register_through(&h.state, json!({"tenant_name": "Budget", "tenant_slug": slug, "email": format!("a@{slug}.example"), "password": common::PASSWORD, "full_name": "A"})).await;
    assert_eq!(s, 201, "{reg}");
    let token = reg["access_token"].as_str().unwrap().to_string();
    // A caller's first request on an instance reads the public keys (not yet cached: no
    // warm-up here) and the user's session state: two GetItems, then none while cached.
    let (s, _, used) = h
        .call(Method::GET, "/api/auth/me", Some(&token), None)
        .await;
    assert_eq!(s, 200);
    let (s, _, again) = h
        .call(Method::GET, "/api/auth/me", Some(&token), None)
        .await;
    assert_eq!(s, 200);
    let me = ops(&[("GetItem", 2)]);
    assert_eq!(
        (used, again),
        (ops(&[("GetItem", 4)]), me.clone()),
        "first: keys + session state + user + tenant; then user + tenant only"
    );
    let order = json!({"reference_code": "RB-1", "customer_name": "C", "customer_phone": "+918888887777", "stops": [
        {"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"},
        {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]});

    let (s, created, used) = h
        .call(Method::POST, "/api/ops/orders", Some(&token), Some(order))
        .await;
    assert_eq!(s, 201, "{created}");
    assert_eq!(used, ops(&[("TransactWriteItems", 1)]), "create-order");
    let id = created["id"].as_str().unwrap();

    let (s, _, used) = h
        .call(
            Method::GET,
            &format!("/api/ops/orders/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(used, ops(&[("Query", 1)]), "get-order is exactly one Query");

    let (s, _, used) = h
        .call(
            Method::POST,
            &format!("/api/ops/orders/{id}/cancel"),
            Some(&token),
            Some(json!({"reason": "budget"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        used,
        ops(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        "a transition is one read and exactly one TransactWriteItems"
    );

    let (s, _, used) = h
        .call(Method::GET, "/api/ops/orders", Some(&token), None)
        .await;
    assert_eq!(s, 200);
    // The index holds keys and the filters' attributes only: the page's orders come from the
    // table in one BatchGetItem (up to 100 per request).
    assert_eq!(
        used,
        ops(&[("Query", 1), ("BatchGetItem", 1)]),
        "list-orders is one Query and one BatchGetItem"
    );

    let (s, _, used) = h
        .call(
            Method::POST,
            &format!("/api/ops/orders/{id}/exceptions"),
            Some(&token),
            Some(json!({"type": "OTHER"})),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(
        used,
        ops(&[("GetItem", 1), ("TransactWriteItems", 1)]),
        "create-exception"
    );

    eprintln!(
        "request budgets held: create 1 tx; detail 1 query; transition 1 get + 1 tx; list 1 query + 1 batch get; exception 1 get + 1 tx"
    );
}
