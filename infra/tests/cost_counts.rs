//! What one order's whole life costs in AWS requests, measured. docs/COST.md is built from the
//! table this test prints (and writes to `$CF_CACHE/cost_counts.json`); against a running
//! `make dev`: `CARGOFLOW_STANDINS=1 cargo test -p cargoflow-infra --test cost_counts -- --nocapture`
//! with the environment of `.env.example`.
//!
//! A route of ten orders lives through the real handlers (as API Gateway would invoke them):
//! created by ops, planned on a route, the driver logs in, opens the day, starts, picks up,
//! goes in transit, uploads photo and signature and records the POD; the customer opens the
//! tracking page three times; ops open the order and its POD once. Every DynamoDB request the
//! functions make is counted, with the capacity DynamoDB reports for it
//! (`ReturnConsumedCapacity=INDEXES`, added by an interceptor; DynamoDB Local computes it as
//! AWS does: 1 KB write units, 4 KB read units, transactions doubled, index writes included).
//! The outbox events the life wrote then go through the relay (fed by the table's stream, as
//! Lambda's poller would, counting invocations) and the webhook dispatcher (one SQS message per
//! event, to a receiver subscribed to everything: the worst case), counted the same way.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::ConsumedCapacity;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use cargoflow_infra::host::{HostState, Invocation, invoke, routes};
use cargoflow_infra::template::Template;
use cargoflow_store::Store;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{Value, json};

const ORDERS: usize = 10;
const TRACKING_VIEWS: usize = 3;

/// Per DynamoDB operation: requests, read units, write units.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct OpCost {
    requests: u64,
    rru: f64,
    wru: f64,
}

/// Costs by (function, DynamoDB operation). The function is the task-local label the
/// invocation runs under, so concurrent functions (the relay beside the API) never mix.
#[derive(Debug, Default, Clone)]
struct Meter {
    ops: Arc<Mutex<BTreeMap<(String, String), OpCost>>>,
}

tokio::task_local! {
    static FUNCTION: String;
}

fn label() -> String {
    FUNCTION
        .try_with(|f| f.clone())
        .unwrap_or_else(|_| "(unlabelled)".into())
}

const WITH_CAPACITY: &[&str] = &[
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
];
const WRITES: &[&str] = &[
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

fn op_name(headers: &aws_sdk_dynamodb::config::http::HttpRequest) -> String {
    headers
        .headers()
        .get("x-amz-target")
        .and_then(|t| t.rsplit('.').next())
        .unwrap_or("unknown")
        .to_string()
}

fn units<C: std::borrow::Borrow<ConsumedCapacity>>(caps: &[C]) -> f64 {
    caps.iter()
        .filter_map(|c| c.borrow().capacity_units())
        .sum()
}

impl Meter {
    /// The DynamoDB costs of one function, by operation.
    fn of(&self, function: &str) -> BTreeMap<String, OpCost> {
        self.ops
            .lock()
            .map(|m| {
                m.iter()
                    .filter(|((f, _), _)| f == function)
                    .map(|((_, op), c)| (op.clone(), *c))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Intercept for Meter {
    fn name(&self) -> &'static str {
        "CostMeter"
    }

    /// Asks DynamoDB for the capacity each request consumes (before signing, so the signature
    /// covers it) and counts the request.
    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request_mut();
        let op = op_name(req);
        if WITH_CAPACITY.contains(&op.as_str())
            && let Some(bytes) = req.body().bytes()
            && let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(bytes)
        {
            body.entry("ReturnConsumedCapacity")
                .or_insert_with(|| json!("INDEXES"));
            let new = serde_json::to_vec(&body)?;
            req.headers_mut()
                .insert("content-length", new.len().to_string());
            *req.body_mut() = new.into();
        }
        if let Ok(mut m) = self.ops.lock() {
            m.entry((label(), op)).or_default().requests += 1;
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Ok(out) = context.output_or_error() else {
            return Ok(());
        };
        use aws_sdk_dynamodb::operation::*;
        let (op, caps): (&str, f64) = if let Some(o) = out.downcast_ref::<get_item::GetItemOutput>()
        {
            (
                "GetItem",
                units(
                    o.consumed_capacity()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            )
        } else if let Some(o) = out.downcast_ref::<put_item::PutItemOutput>() {
            (
                "PutItem",
                units(
                    o.consumed_capacity()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            )
        } else if let Some(o) = out.downcast_ref::<update_item::UpdateItemOutput>() {
            (
                "UpdateItem",
                units(
                    o.consumed_capacity()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            )
        } else if let Some(o) = out.downcast_ref::<delete_item::DeleteItemOutput>() {
            (
                "DeleteItem",
                units(
                    o.consumed_capacity()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            )
        } else if let Some(o) = out.downcast_ref::<query::QueryOutput>() {
            (
                "Query",
                units(
                    o.consumed_capacity()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .as_slice(),
                ),
            )
        } else if let Some(o) = out.downcast_ref::<batch_get_item::BatchGetItemOutput>() {
            ("BatchGetItem", units(o.consumed_capacity()))
        } else if let Some(o) = out.downcast_ref::<batch_write_item::BatchWriteItemOutput>() {
            ("BatchWriteItem", units(o.consumed_capacity()))
        } else if let Some(o) = out.downcast_ref::<transact_write_items::TransactWriteItemsOutput>()
        {
            ("TransactWriteItems", units(o.consumed_capacity()))
        } else if let Some(o) = out.downcast_ref::<transact_get_items::TransactGetItemsOutput>() {
            ("TransactGetItems", units(o.consumed_capacity()))
        } else {
            return Ok(());
        };
        if let Ok(mut m) = self.ops.lock() {
            let e = m.entry((label(), op.to_string())).or_default();
            if WRITES.contains(&op) {
                e.wru += caps;
            } else {
                e.rru += caps;
            }
        }
        Ok(())
    }
}

/// One line of the bill: a function's invocations and what they cost.
#[derive(Debug, Default, Clone)]
struct Line {
    invocations: u64,
    millis: f64,
}

struct Harness {
    state: HostState,
    meter: Meter,
    lines: Mutex<BTreeMap<String, Line>>,
}

impl Harness {
    async fn new() -> Self {
        common::require_standins();
        let meter = Meter::default();
        // Budgets are per request: an instance's init (its warm-up GetItem) is not counted.
        let config = AppConfig {
            warm_up_timeout_ms: 0,
            ..AppConfig::from_env().unwrap()
        };
        let sdk = aws_config::load_from_env().await;
        // The functions' interceptors (the call recorder) and the meter.
        let mut interceptors = cargoflow_aws::function_interceptors(&sdk);
        interceptors.push(cargoflow_aws::SharedInterceptor::new(meter.clone()));
        let store = Store::from_sdk(&sdk, &interceptors, config.table_name.clone());
        let deps = Arc::new(Deps::new(config, sdk).unwrap().with_store(store));
        let template = Template::load(&common::template_path()).unwrap();
        let state = HostState {
            deps,
            routes: Arc::new(routes(&template).unwrap()),
            cors_origins: Arc::new(vec![]),
            static_dir: None,
        };
        Self {
            state,
            meter,
            lines: Mutex::new(BTreeMap::new()),
        }
    }

    fn record(&self, function: &str, started: Instant) {
        let mut lines = self.lines.lock().unwrap();
        let line = lines.entry(function.to_string()).or_default();
        line.invocations += 1;
        line.millis += started.elapsed().as_secs_f64() * 1000.0;
    }

    /// Invokes the function behind `method path`, as API Gateway would; `function` names the
    /// line of the bill (`None`: setup, not counted).
    async fn call(
        &self,
        function: Option<&str>,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        if let Some(t) = token {
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {t}")).unwrap(),
            );
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let started = Instant::now();
        let uri: http::Uri = path.parse().unwrap();
        let invocation = FUNCTION
            .scope(
                function.unwrap_or("(setup)").to_string(),
                invoke(&self.state, &method, &uri, &headers, &bytes, "127.0.0.77"),
            )
            .await;
        let Invocation::Response(resp) = invocation else {
            panic!("no route for {method} {path}");
        };
        if let Some(f) = function {
            self.record(f, started);
        }
        let body = match resp.body() {
            lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
            _ => Value::Null,
        };
        (resp.status().as_u16(), body)
    }

    async fn ok(
        &self,
        function: Option<&str>,
        want: u16,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Value {
        let (s, b) = self.call(function, method.clone(), path, token, body).await;
        assert_eq!(s, want, "{method} {path}: {b}");
        b
    }
}

#[tokio::test]
async fn one_order_life_counted() {
    let h = Arc::new(Harness::new().await);
    let sdk = aws_config::load_from_env().await;

    // A webhook receiver subscribed to everything (the dispatcher's worst case).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(|| async { "ok" });
        let _ = axum::serve(listener, app).await;
    });

    // Setup (not counted): a tenant, its driver with a login, a vehicle, webhooks on.
    let slug = common::unique("cost");
    let slug = &slug[..slug.len().min(30)];
    h.ok(
        None,
        202,
        Method::POST,
        "/api/auth/register",
        None,
        Some(json!({
        "tenant_name": "Cost", "tenant_slug": slug, "email": format!("a@{slug}.example"),
        "password": common::PASSWORD, "full_name": "A"})),
    )
    .await;
    let token = common::confirmation_token(&format!("a@{slug}.example")).await;
    let reg = h
        .ok(
            None,
            201,
            Method::POST,
            "/api/auth/register/confirm",
            None,
            Some(json!({ "token": token })),
        )
        .await;
    let ops = reg["access_token"].as_str().unwrap().to_string();
    let tenant_id = reg["tenant"]["id"].as_str().unwrap().to_string();
    let ops = Some(ops.as_str());
    let driver = h
        .ok(
            None,
            201,
            Method::POST,
            "/api/ops/drivers",
            ops,
            Some(json!({
            "name": "D", "phone": "+919900001111", "email": format!("d@{slug}.example"),
            "password": "DriverPass123!"})),
        )
        .await;
    let vehicle = h
        .ok(
            None,
            201,
            Method::POST,
            "/api/ops/vehicles",
            ops,
            Some(json!({
            "plate_number": "COST1", "type": "VAN", "capacity_kg": 1000})),
        )
        .await;
    h.ok(
        None,
        200,
        Method::PUT,
        "/api/ops/settings/webhook",
        ops,
        Some(json!({"enabled": true, "url": hook, "events": ["*"]})),
    )
    .await;

    // The relay, fed by the table's stream as Lambda's poller would (from now on), counting
    // its invocations; only this tenant's records reach it.
    let relay = cargoflow_functions::registry::stream_function("relay-outbox").unwrap();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    {
        let table = h.state.deps.config.table_name.clone();
        let h = h.clone();
        let prefix = format!("TENANT#{tenant_id}#EVENT#");
        let consumer: cargoflow_infra::streams::StreamConsumer = Arc::new(move |mut event| {
            let h = h.clone();
            let prefix = prefix.clone();
            Box::pin(async move {
                // As the template's FilterCriteria: INSERTs of Event items (of this tenant).
                event.records.retain(|r| {
                    r.event_name == "INSERT"
                        && r.change.keys.get("PK").is_some_and(|v| {
                            matches!(v, serde_dynamo::AttributeValue::S(s) if s.starts_with(&prefix))
                        })
                });
                if event.records.is_empty() {
                    return Ok(Default::default());
                }
                let started = Instant::now();
                let n = event.records.len() as u64;
                let out = FUNCTION
                    .scope("relay-outbox".into(), relay(h.state.deps.clone(), event))
                    .await;
                h.record("relay-outbox", started);
                h.lines
                    .lock()
                    .unwrap()
                    .entry("(stream records to relay)".into())
                    .or_default()
                    .invocations += n;
                out
            })
        });
        let poller = cargoflow_infra::streams::StreamPoller::new(
            &sdk,
            cargoflow_infra::streams::PollerConfig::new(table),
        );
        tokio::spawn(async move {
            let _ = poller.run(consumer, Some(ready_tx), stop_rx).await;
        });
    }
    ready_rx.await.unwrap();

    // ---- the life of ten orders on one route
    let mut ids = Vec::new();
    for i in 0..ORDERS {
        let o = h
            .ok(Some("create-order"), 201, Method::POST, "/api/ops/orders", ops, Some(json!({
                "reference_code": format!("C-{i}"), "customer_name": "Ananya Sharma",
                "customer_phone": "+918888887777", "package": {"weight_kg": 2.5},
                "stops": [
                    {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": 12.9698, "lng": 77.75},
                    {"sequence_index": 2, "type": "DROP", "address_line": "Customer Address", "city": "Bengaluru",
                     "lat": 12.9 + i as f64 * 0.01, "lng": 77.6412}]})))
            .await;
        ids.push((
            o["id"].as_str().unwrap().to_string(),
            o["tracking_token"].as_str().unwrap().to_string(),
        ));
    }
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let route = h
        .ok(
            Some("create-route"),
            201,
            Method::POST,
            "/api/ops/routes",
            ops,
            Some(json!({
            "route_date": today, "driver_id": driver["id"], "vehicle_id": vehicle["id"],
            "order_ids": ids.iter().map(|(i, _)| i).collect::<Vec<_>>(), "optimize": true})),
        )
        .await;
    let rid = route["id"].as_str().unwrap().to_string();
    let login = h
        .ok(
            Some("login"),
            200,
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": format!("d@{slug}.example"), "password": "DriverPass123!"})),
        )
        .await;
    let drv = login["access_token"].as_str().unwrap().to_string();
    let drv = Some(drv.as_str());
    h.ok(
        Some("list-driver-routes-today"),
        200,
        Method::GET,
        "/api/driver/routes/today",
        drv,
        None,
    )
    .await;
    h.ok(
        Some("get-driver-route"),
        200,
        Method::GET,
        &format!("/api/driver/routes/{rid}"),
        drv,
        None,
    )
    .await;
    h.ok(
        Some("start-route"),
        200,
        Method::POST,
        &format!("/api/driver/routes/{rid}/start"),
        drv,
        None,
    )
    .await;
    let http = reqwest::Client::new();
    let mut s3_puts = 0;
    for (id, token) in &ids {
        for _ in 0..TRACKING_VIEWS / 2 {
            h.ok(
                Some("get-tracking"),
                200,
                Method::GET,
                &format!("/api/tracking/{token}"),
                None,
                None,
            )
            .await;
        }
        for to in ["PICKED_UP", "IN_TRANSIT"] {
            h.ok(
                Some("update-order-status"),
                200,
                Method::POST,
                &format!("/api/driver/orders/{id}/status"),
                drv,
                Some(json!({"to_status": to})),
            )
            .await;
        }
        let up = h
            .ok(Some("create-pod-uploads"), 200, Method::POST, &format!("/api/driver/orders/{id}/pod/uploads"), drv,
                Some(json!({"files": [{"kind": "photo", "content_type": "image/jpeg", "size": 4}, {"kind": "signature", "content_type": "image/png", "size": 4}]})))
            .await;
        let mut keys = serde_json::Map::new();
        for u in up["uploads"].as_array().unwrap() {
            let mut req = http.put(u["url"].as_str().unwrap());
            for (k, v) in u["headers"].as_object().into_iter().flatten() {
                req = req.header(k, v.as_str().unwrap());
            }
            let r = req.body(vec![1u8, 2, 3, 4]).send().await.unwrap();
            assert!(r.status().is_success(), "S3 PUT: {}", r.status());
            s3_puts += 1;
            keys.insert(
                format!("{}_key", u["kind"].as_str().unwrap()),
                u["key"].clone(),
            );
        }
        let mut pod = json!({"receiver_name": "Ananya"});
        pod.as_object_mut().unwrap().extend(keys);
        h.ok(
            Some("create-pod"),
            201,
            Method::POST,
            &format!("/api/driver/orders/{id}/pod"),
            drv,
            Some(pod),
        )
        .await;
        for _ in 0..(TRACKING_VIEWS - TRACKING_VIEWS / 2) {
            h.ok(
                Some("get-tracking"),
                200,
                Method::GET,
                &format!("/api/tracking/{token}"),
                None,
                None,
            )
            .await;
        }
        h.ok(
            Some("get-order"),
            200,
            Method::GET,
            &format!("/api/ops/orders/{id}"),
            ops,
            None,
        )
        .await;
        h.ok(
            Some("get-pod"),
            200,
            Method::GET,
            &format!("/api/ops/orders/{id}/pod"),
            ops,
            None,
        )
        .await;
    }
    let done = h
        .ok(
            None,
            200,
            Method::GET,
            &format!("/api/ops/routes/{rid}"),
            ops,
            None,
        )
        .await;
    assert_eq!(
        done["status"], "COMPLETED",
        "the route completes with its last delivery"
    );

    // ---- the events: relayed from the stream, then one SQS message each to the dispatcher
    let events_written = {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/ops/events?limit=100&cursor={c}"),
                None => "/api/ops/events?limit=100".into(),
            };
            let page = h.ok(None, 200, Method::GET, &path, ops, None).await;
            all.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        all
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let relayed = h
            .lines
            .lock()
            .unwrap()
            .get("(stream records to relay)")
            .map_or(0, |l| l.invocations);
        if relayed as usize >= events_written.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = stop.send(true);
    let dispatch = cargoflow_functions::registry::sqs_function("dispatch-webhooks").unwrap();
    for e in &events_written {
        let envelope = json!({"version": "0", "id": ulid::Ulid::new().to_string(), "source": "cargoflow",
            "detail-type": e["type"], "detail": {"id": e["id"], "type": e["type"],
            "tenant_id": tenant_id, "created_at": e["created_at"], "data": e["payload"]}});
        let event: aws_lambda_events::event::sqs::SqsEvent = serde_json::from_value(json!({"Records": [{
            "messageId": ulid::Ulid::new().to_string(), "receiptHandle": "r", "body": envelope.to_string(),
            "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
            "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:cargoflow-webhooks",
            "awsRegion": "us-east-1"}]}))
        .unwrap();
        let started = Instant::now();
        let out = FUNCTION
            .scope(
                "dispatch-webhooks".into(),
                dispatch(h.state.deps.clone(), event),
            )
            .await
            .unwrap();
        assert!(out.batch_item_failures.is_empty(), "delivery failed");
        h.record("dispatch-webhooks", started);
    }
    // The relay also published these events to the bus, whose rule queued them on the
    // template's webhook queue; they were dispatched above from the same envelopes, so the
    // queued copies go (this binary is the queue's only user while it runs; left there, they
    // would stall the webhook tests' dispatcher behind ~100 messages for a dead receiver).
    {
        let sqs = aws_sdk_sqs::Client::new(&sdk);
        let queue = sqs
            .get_queue_url()
            .queue_name(std::env::var("WEBHOOK_QUEUE_NAME").unwrap())
            .send()
            .await
            .unwrap();
        let url = queue.queue_url().unwrap();
        loop {
            let got = sqs
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap();
            if got.messages().is_empty() {
                break;
            }
            for m in got.messages() {
                sqs.delete_message()
                    .queue_url(url)
                    .receipt_handle(m.receipt_handle().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    // ---- what stays stored: every item of this tenant, with its copies in the two indexes
    // (what each index projects, as the table describes it: keys and the INCLUDE list).
    // Size as DynamoDB counts it: attribute names + values (approximated by the length of
    // their JSON form), plus 100 bytes of index overhead per index copy.
    let (mut table_bytes, mut index_bytes, mut items) = (0usize, 0usize, 0usize);
    let mut kinds: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    {
        let ddb = aws_sdk_dynamodb::Client::new(&sdk);
        let described = ddb
            .describe_table()
            .table_name(&h.state.deps.config.table_name)
            .send()
            .await
            .unwrap();
        // Per index: its partition-key attribute and the attributes a copy holds (None: all).
        let projections: Vec<(String, Option<Vec<String>>)> = described
            .table()
            .unwrap()
            .global_secondary_indexes()
            .iter()
            .map(|g| {
                let keys: Vec<String> = g
                    .key_schema()
                    .iter()
                    .map(|k| k.attribute_name().to_string())
                    .collect();
                let p = g.projection().unwrap();
                let attrs = match p.projection_type() {
                    Some(aws_sdk_dynamodb::types::ProjectionType::All) => None,
                    _ => Some(
                        ["PK", "SK"]
                            .iter()
                            .map(|k| k.to_string())
                            .chain(keys.iter().cloned())
                            .chain(p.non_key_attributes().iter().cloned())
                            .collect(),
                    ),
                };
                (keys[0].clone(), attrs)
            })
            .collect();
        let mut start = None;
        loop {
            let page = ddb
                .scan()
                .table_name(&h.state.deps.config.table_name)
                .filter_expression("begins_with(PK, :t)")
                .expression_attribute_values(
                    ":t",
                    aws_sdk_dynamodb::types::AttributeValue::S(format!("TENANT#{tenant_id}")),
                )
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            for item in page.items() {
                let size_of = |keep: &dyn Fn(&str) -> bool| -> usize {
                    item.iter()
                        .filter(|(k, _)| keep(k))
                        .map(|(k, v)| {
                            k.len()
                                + serde_json::to_string(&serde_dynamo::AttributeValue::from(
                                    v.clone(),
                                ))
                                .map_or(0, |j| j.len())
                        })
                        .sum()
                };
                items += 1;
                table_bytes += size_of(&|_| true);
                let billed: usize = item.iter().map(|(k, v)| k.len() + ddb_size(v)).sum();
                let kind = match item.get("SK") {
                    Some(aws_sdk_dynamodb::types::AttributeValue::S(sk)) => {
                        sk.split('#').next().unwrap_or("").to_string()
                    }
                    _ => "?".into(),
                };
                let e = kinds.entry(kind).or_insert((0, 0, 0));
                e.0 += 1;
                e.1 += billed;
                e.2 = e.2.max(billed);
                for (partition, attrs) in &projections {
                    if item.contains_key(partition) {
                        index_bytes += 100
                            + match attrs {
                                None => size_of(&|_| true),
                                Some(a) => size_of(&|k| a.iter().any(|x| x == k)),
                            };
                    }
                }
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
    }
    // Which items the bytes are (each write costs 1 WRU per KB of the item, twice in a
    // transaction): kind (the sort key's first segment), count per order, mean and largest size
    // as DynamoDB bills it (`ddb_size`).
    println!(
        "| item kind | per order | mean bytes | largest bytes |\n| --- | ---: | ---: | ---: |"
    );
    for (kind, (n, bytes, max)) in &kinds {
        println!(
            "| {kind} | {:.2} | {} | {max} |",
            *n as f64 / ORDERS as f64,
            bytes / n
        );
    }
    println!(
        "stored per order: {:.1} items, {:.1} KB in the table + {:.1} KB in the indexes",
        items as f64 / ORDERS as f64,
        table_bytes as f64 / 1024.0 / ORDERS as f64,
        index_bytes as f64 / 1024.0 / ORDERS as f64
    );

    // ---- the bill, per order
    let lines = h.lines.lock().unwrap().clone();
    let per = ORDERS as f64;
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for e in &events_written {
        *by_type
            .entry(e["type"].as_str().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    println!(
        "\nCOST COUNTS: a route of {ORDERS} orders, {TRACKING_VIEWS} tracking views per order; figures per order"
    );
    println!("| function | invocations | avg ms (debug, local) | DynamoDB requests | RRU | WRU |");
    println!("| --- | ---: | ---: | --- | ---: | ---: |");
    let (mut inv, mut rru, mut wru, mut gbs) = (0.0, 0.0, 0.0, 0.0);
    let mut json_lines = serde_json::Map::new();
    for (f, l) in &lines {
        if f.starts_with('(') {
            continue;
        }
        let ddb = h.meter.of(f);
        let r: f64 = ddb.values().map(|c| c.rru).sum();
        let w: f64 = ddb.values().map(|c| c.wru).sum();
        let reqs = ddb
            .iter()
            .map(|(op, c)| format!("{op} {:.2}", c.requests as f64 / per))
            .collect::<Vec<_>>()
            .join(", ");
        let mem = if f == "create-pod" || f == "import-orders" {
            0.5
        } else {
            0.25
        };
        println!(
            "| {f} | {:.2} | {:.1} | {reqs} | {:.2} | {:.2} |",
            l.invocations as f64 / per,
            l.millis / l.invocations as f64,
            r / per,
            w / per
        );
        inv += l.invocations as f64 / per;
        rru += r / per;
        wru += w / per;
        gbs += mem * l.millis / 1000.0 / per;
        json_lines.insert(f.clone(), json!({"invocations_per_order": l.invocations as f64 / per,
            "avg_ms": l.millis / l.invocations as f64, "rru_per_order": r / per, "wru_per_order": w / per,
            "ddb_requests_per_order": ddb.iter().map(|(k, c)| (k.clone(), json!(c.requests as f64 / per))).collect::<serde_json::Map<_, _>>()}));
    }
    let relay_batches = lines.get("relay-outbox").map_or(0, |l| l.invocations);
    println!("| total | {inv:.2} | | | {rru:.2} | {wru:.2} |");
    println!(
        "events per order: {:.2} ({by_type:?}); relay batches per order {:.2}; S3 PUT per order {:.2}; GB-s per order at debug speed {gbs:.4}",
        events_written.len() as f64 / per,
        relay_batches as f64 / per,
        s3_puts as f64 / per
    );
    let report = json!({"orders": ORDERS, "tracking_views_per_order": TRACKING_VIEWS,
        "events_per_order": events_written.len() as f64 / per, "events_by_type": by_type,
        "relay_batches_per_order": relay_batches as f64 / per,
        "stored_items_per_order": items as f64 / per, "table_kb_per_order": table_bytes as f64 / 1024.0 / per,
        "index_kb_per_order": index_bytes as f64 / 1024.0 / per, "s3_put_per_order": s3_puts as f64 / per,
        "totals_per_order": {"invocations": inv, "rru": rru, "wru": wru, "gb_s_debug": gbs},
        "functions": json_lines});
    if let Ok(dir) = std::env::var("CF_CACHE") {
        let _ = std::fs::write(
            format!("{dir}/cost_counts.json"),
            serde_json::to_string_pretty(&report).unwrap(),
        );
    }

    // Budgets, so a change that makes an order's life much dearer fails here.
    assert!(wru < 350.0, "write units per order: {wru}");
    assert!(rru < 100.0, "read units per order: {rru}");
    assert!(inv < 25.0, "invocations per order: {inv}");
}

/// An attribute value's size as DynamoDB counts it for capacity units: strings and binaries
/// their bytes, numbers about one byte per two significant digits plus one, maps and lists 3
/// bytes plus 1 per element (and a map's names).
fn ddb_size(v: &aws_sdk_dynamodb::types::AttributeValue) -> usize {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    match v {
        A::S(s) => s.len(),
        A::N(n) => {
            let digits = n.chars().filter(|c| c.is_ascii_digit()).count();
            digits.div_ceil(2) + 1
        }
        A::B(b) => b.as_ref().len(),
        A::Bool(_) | A::Null(_) => 1,
        A::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| k.len() + ddb_size(v) + 1)
                .sum::<usize>()
        }
        A::L(l) => 3 + l.iter().map(|v| ddb_size(v) + 1).sum::<usize>(),
        A::Ss(l) => l.iter().map(String::len).sum(),
        A::Ns(l) => l.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        A::Bs(l) => l.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}
