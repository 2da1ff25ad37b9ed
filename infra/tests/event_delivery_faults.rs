//! Nothing is lost between a committed change and the tenant's webhook receiver, whatever
//! fails on the way. One run through the real pipeline (DynamoDB Local's stream -> the relay
//! -> moto's EventBridge -> a rule -> SQS with a DLQ -> the dispatcher -> an HTTP receiver),
//! with:
//!
//! 1. EventBridge PutEvents failing (an SDK interceptor on the functions' clients) until the
//!    relay's retries and the sweeper's attempts are spent: the events end FAILED;
//! 2. the relay killed mid-batch, right after a PutEvents succeeded and before it marked the
//!    events (the stream mapping retries the batch, as Lambda does after a crash);
//! 3. the FAILED events retried by hand (the retry endpoint, and the sweeper's operator mode);
//! 4. the stream read again from its start (a new mapping at TRIM_HORIZON);
//! 5. the receiver answering 503 throughout, so every message ends in the DLQ; then it
//!    recovers and the DLQ is replayed through the API.
//!
//! Every event the table holds for the tenant must reach the receiver (deduplicated on
//! `webhook-id`, signatures checked) and the DLQ must end empty. The counts are printed and
//! written to `$TEST_REPORT_DIR/event-delivery-faults.json`. The run has a table, bus and
//! queues of its own (created from template.yaml), so the sweeper's passes over every tenant
//! see only this test's events.

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use cargoflow_aws::faults::FaultInjector;
use cargoflow_functions::Deps;
use cargoflow_functions::registry;
use cargoflow_http::AppConfig;
use cargoflow_infra::sqs::SqsPoller;
use cargoflow_infra::streams::{PollerConfig, StreamConsumer, StreamPoller};
use common::*;
use http::Method;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

const SECRET: &str = "fault-test-secret-0123456789abcdef";

/// The tenant's webhook receiver: answers 503 while `failing`, else 200; counts what it got
/// per `webhook-id` and checks each signature.
#[derive(Clone, Default)]
struct Receiver {
    failing: Arc<AtomicBool>,
    /// webhook-id -> (answered 200, answered 503).
    seen: Arc<Mutex<HashMap<String, (usize, usize)>>>,
    bad_signatures: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start(self) -> String {
        let state = self.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: http::HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string()
                    };
                    let (id, ts) = (h("webhook-id"), h("webhook-timestamp").parse().unwrap_or(0));
                    let expected = cargoflow_domain::webhooks::sign(SECRET, &id, ts, &body);
                    if !h("webhook-signature").split(' ').any(|s| s == expected) {
                        state.bad_signatures.fetch_add(1, Ordering::SeqCst);
                    }
                    let failing = state.failing.load(Ordering::SeqCst);
                    let mut seen = state.seen.lock().unwrap();
                    let e = seen.entry(id).or_default();
                    if failing {
                        e.1 += 1;
                        http::StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        e.0 += 1;
                        http::StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://127.0.0.1:{port}/hook")
    }

    fn delivered(&self) -> std::collections::HashSet<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, c)| c.0 > 0)
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn duplicates(&self) -> usize {
        self.seen
            .lock()
            .unwrap()
            .values()
            .map(|c| c.0.saturating_sub(1))
            .sum()
    }
}

/// Messages in a queue, visible or in flight.
async fn depth(sqs: &aws_sdk_sqs::Client, url: &str) -> usize {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap();
    out.attributes
        .unwrap_or_default()
        .values()
        .filter_map(|v| v.parse::<usize>().ok())
        .sum()
}

async fn wait_for(what: &str, secs: u64, mut check: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The tenant the run works for, through a host of the test's own functions (its table).
struct Tenant {
    host: cargoflow_infra::host::HostState,
    table: String,
    id: String,
    auth: String,
}

impl Tenant {
    async fn register(host: cargoflow_infra::host::HostState, table: &str) -> Self {
        let slug = unique("ev");
        let slug = slug[..slug.len().min(30)].to_string();
        let body = json!({"tenant_name": "Faults", "tenant_slug": slug, "email": format!("a@{slug}.example"), "password": PASSWORD, "full_name": "A"});
        let (s, _, b) = register_through(&host, body).await;
        assert_eq!(s, 201, "{b}");
        Tenant {
            host,
            table: table.to_string(),
            id: b["tenant"]["id"].as_str().unwrap().to_string(),
            auth: format!("Bearer {}", b["access_token"].as_str().unwrap()),
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> (u16, Value) {
        let headers = [
            ("authorization", self.auth.as_str()),
            ("content-type", content_type),
        ];
        let (s, _, b) = invoke_route(&self.host, method, path, &headers, body).await;
        (s, b)
    }

    async fn json(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        self.call(
            method,
            path,
            "application/json",
            body.to_string().as_bytes(),
        )
        .await
    }

    async fn events(&self) -> Vec<Value> {
        stored_events_in(&self.table, &self.id).await
    }

    async fn statuses(&self) -> HashMap<String, usize> {
        let mut out = HashMap::new();
        for e in self.events().await {
            *out.entry(e["outbox_status"].as_str().unwrap_or("").to_string())
                .or_default() += 1;
        }
        out
    }

    /// `n` orders in one CSV import (one order.created event each).
    async fn import(&self, prefix: &str, n: usize) {
        let mut csv = String::from(
            "reference_code,customer_name,customer_phone,pickup_address,pickup_city,drop_address,drop_city\n",
        );
        for i in 0..n {
            csv.push_str(&format!(
                "{prefix}-{i},Ananya,+918888887777,Warehouse,Bengaluru,Home,Bengaluru\n"
            ));
        }
        let (s, body) = self
            .call(
                Method::POST,
                "/api/ops/orders/import",
                "text/csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(s, 202, "{body}");
        // The import worker writes the rows: run here on the run's own table (the queue's
        // message is for the suite's table and finds no job there).
        let tenant = cargoflow_domain::TenantId::from_stored(self.id.clone());
        let job = body["id"].as_str().unwrap();
        let budget = cargoflow_functions::import_orders_worker::Budget {
            deadline: std::time::Instant::now() + std::time::Duration::from_secs(120),
            max_chunks: None,
        };
        let outcome = cargoflow_functions::import_orders_worker::run_job(
            &self.host.deps,
            &tenant,
            job,
            budget,
        )
        .await
        .unwrap();
        assert_eq!(
            outcome,
            cargoflow_functions::import_orders_worker::Outcome::Finished("SUCCEEDED".into())
        );
        let (s, job) = self
            .call(Method::GET, &format!("/api/ops/imports/{job}"), "", b"")
            .await;
        assert_eq!((s, job["created"].as_u64()), (200, Some(n as u64)), "{job}");
    }
}

/// A stream mapping feeding the relay this tenant's records; `kill` stops an invocation
/// where it stands (the mapping then retries the batch, as after a crash).
fn relay_mapping(
    deps: Arc<Deps>,
    table: String,
    tenant: String,
    kill: Arc<Notify>,
    from_latest: bool,
    stop: watch::Receiver<bool>,
) -> tokio::sync::oneshot::Receiver<()> {
    let relay = registry::stream_function("relay-outbox").unwrap();
    let consumer: StreamConsumer = Arc::new(
        move |mut event: aws_lambda_events::dynamodb::Event| {
            event.records.retain(|r| {
                serde_dynamo::from_item::<_, Value>(r.change.new_image.clone())
                    .map(|v| v["tenant_id"] == tenant.as_str())
                    .unwrap_or(false)
            });
            let (deps, kill) = (deps.clone(), kill.clone());
            Box::pin(async move {
                if event.records.is_empty() {
                    return Ok(Default::default());
                }
                tokio::select! {
                    r = relay(deps, event) => r,
                    _ = kill.notified() => Err("the relay was killed mid-batch (injected)".to_string()),
                }
            })
        },
    );
    let config = PollerConfig {
        interval: Duration::from_millis(100),
        batch_size: 1000,
        max_retries: 2,
        from_latest,
        function: Some("relay-outbox".into()),
        ..PollerConfig::new(table)
    };
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let sdk = aws_config::load_from_env().await;
        StreamPoller::new(&sdk, config)
            .run(consumer, Some(ready_tx), stop)
            .await
            .unwrap();
    });
    ready_rx
}

#[tokio::test]
async fn every_committed_change_reaches_the_receiver_or_the_dlq_and_its_replay() {
    require_standins();
    let sdk = aws_config::load_from_env().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let receiver = Receiver {
        failing: Arc::new(AtomicBool::new(true)),
        ..Default::default()
    };
    let hook = receiver.clone().start().await;

    // A table, bus, rule and queue with a DLQ after 3 receives of the run's own: the
    // template's wiring.
    let name = format!("ev-{}", &unique("")[14..]).to_lowercase();
    let table = format!("{name}-table");
    let template = cargoflow_infra::template::Template::load(&template_path()).unwrap();
    cargoflow_infra::resources::create_table(
        &aws_sdk_dynamodb::Client::new(&sdk),
        &template,
        &table,
    )
    .await
    .unwrap();
    cargoflow_aws::calls::stand_in(&table, "Table");
    let (dlq_url, dlq_arn) = test_queue(&format!("{name}-dlq"), None).await;
    let (queue_url, queue_arn) = test_queue(&name, Some((&dlq_arn, 3))).await;
    let bus = format!("{name}-bus");
    aws_sdk_eventbridge::Client::new(&sdk)
        .create_event_bus()
        .name(&bus)
        .send()
        .await
        .unwrap();
    rule_to_queue(&bus, &name, &json!({"source": ["cargoflow"]}), &queue_arn).await;
    cargoflow_aws::calls::stand_in(&name, "WebhookQueue");
    cargoflow_aws::calls::stand_in(&format!("{name}-dlq"), "WebhookDeadLetterQueue");
    cargoflow_aws::calls::stand_in(&bus, "EventBus");

    // The functions' clients: PutEvents fails while `eventbridge_down`; a successful PutEvents
    // kills the relay's invocation once while `kill_armed`.
    let eventbridge_down = Arc::new(AtomicBool::new(true));
    let kill_armed = Arc::new(AtomicBool::new(false));
    let kill = Arc::new(Notify::new());
    let kills = Arc::new(AtomicUsize::new(0));
    let published = Arc::new(AtomicUsize::new(0));
    let injector = {
        let (down, armed, kill, kills, published) = (
            eventbridge_down.clone(),
            kill_armed.clone(),
            kill.clone(),
            kills.clone(),
            published.clone(),
        );
        FaultInjector::new(move |r| {
            (r.operation == "PutEvents" && down.load(Ordering::SeqCst))
                .then(|| "EventBridge is unavailable (injected)".into())
        })
        .on_done(move |r, ok| {
            if r.operation == "PutEvents" && ok {
                published.fetch_add(r.body.matches("\"EventBusName\"").count(), Ordering::SeqCst);
                if armed.swap(false, Ordering::SeqCst) {
                    kills.fetch_add(1, Ordering::SeqCst);
                    kill.notify_one();
                }
            }
        })
    };
    let mut config = AppConfig::from_env().unwrap();
    config.table_name = table.clone();
    config.event_bus_name = bus.clone();
    config.webhook_queue_url = queue_url.clone();
    config.webhook_dlq_url = dlq_url.clone();
    config.webhook_retry_schedule = cargoflow_domain::webhooks::parse_schedule("0,1,1").unwrap();
    config.outbox_max_attempts = 3;
    config.outbox_retry_base_secs = 0;
    config.sweep_after_secs = 0;
    let deps =
        Arc::new(Deps::with_interceptors(config, sdk.clone(), vec![injector.shared()]).unwrap());
    let t = Tenant::register(host_with(deps.clone()), &table).await;
    let (s, b) = t
        .json(
            Method::PUT,
            "/api/ops/settings/webhook",
            json!({"enabled": true, "url": hook, "secret": SECRET, "events": ["*"]}),
        )
        .await;
    assert_eq!(s, 200, "{b}");

    let (stop_dispatcher, dispatcher_rx) = watch::channel(false);
    let poller = SqsPoller::new(&sdk, &name, Some("dispatch-webhooks"))
        .await
        .unwrap();
    let dispatcher = registry::sqs_function("dispatch-webhooks").unwrap();
    tokio::spawn({
        let deps = deps.clone();
        cargoflow_aws::calls::as_function(
            "dispatch-webhooks",
            cargoflow_aws::calls::Via::EventSource,
            async move { poller.run(dispatcher, deps, dispatcher_rx).await.unwrap() },
        )
    });
    let (stop_first, first_rx) = watch::channel(false);
    relay_mapping(
        deps.clone(),
        table.clone(),
        t.id.clone(),
        kill.clone(),
        true,
        first_rx,
    )
    .await
    .unwrap();

    // 1. EventBridge down: the relay's attempts and then the sweeper's are spent: FAILED.
    t.import("F1", 12).await;
    let (s, orders) = t
        .json(Method::GET, "/api/ops/orders?limit=2", Value::Null)
        .await;
    assert_eq!(s, 200);
    for o in orders["items"].as_array().unwrap() {
        let (s, b) = t
            .json(
                Method::POST,
                &format!("/api/ops/orders/{}/cancel", o["id"].as_str().unwrap()),
                json!({"reason": "changed"}),
            )
            .await;
        assert_eq!(s, 200, "{b}");
    }
    wait_for("the relay's failed attempts", 30, async || {
        t.events()
            .await
            .iter()
            .all(|e| e["retries"].as_u64().unwrap_or(0) >= 1)
    })
    .await;
    let sweep = registry::schedule_function("sweep-outbox").unwrap();
    wait_for("every event FAILED", 30, async || {
        sweep(deps.clone(), json!({})).await.unwrap();
        t.statuses().await.keys().all(|s| s == "FAILED")
    })
    .await;
    let failed = t.statuses().await["FAILED"];
    assert!(
        published.load(Ordering::SeqCst) == 0,
        "nothing could be published while EventBridge was down"
    );

    // 2. EventBridge back; the relay is killed right after its first successful PutEvents.
    eventbridge_down.store(false, Ordering::SeqCst);
    kill_armed.store(true, Ordering::SeqCst);
    t.import("F2", 15).await;
    wait_for(
        "the second import published despite the kill",
        30,
        async || {
            let s = t.statuses().await;
            s.get("PROCESSED").copied().unwrap_or(0) >= 15 && !s.contains_key("PENDING")
        },
    )
    .await;
    assert_eq!(
        kills.load(Ordering::SeqCst),
        1,
        "the relay should have been killed once"
    );

    // 3. The FAILED events retried by hand: half through the API, the rest by the sweeper's
    // operator mode.
    let failed_ids: Vec<String> = t
        .events()
        .await
        .iter()
        .filter(|e| e["outbox_status"] == "FAILED")
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed_ids.len(), failed);
    for id in &failed_ids[..failed / 2] {
        let (s, b) = t
            .call(
                Method::POST,
                &format!("/api/ops/events/{id}/retry"),
                "application/json",
                b"",
            )
            .await;
        assert_eq!((s, b["status"].as_str()), (200, Some("PROCESSED")), "{b}");
    }
    let (s, b) = t
        .call(
            Method::POST,
            &format!("/api/ops/events/{}/retry", failed_ids[0]),
            "application/json",
            b"",
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("event_not_failed")),
        "{b}"
    );
    let report = sweep(
        deps.clone(),
        json!({"retry_failed": true, "tenant_id": t.id}),
    )
    .await
    .unwrap();
    assert_eq!(
        report["retried"].as_u64(),
        Some((failed - failed / 2) as u64),
        "{report}"
    );
    let s = t.statuses().await;
    assert_eq!(s.keys().collect::<Vec<_>>(), ["PROCESSED"], "{s:?}");

    // 4. The stream read again from its start: every insert is published once more.
    stop_first.send(true).unwrap();
    let committed: Vec<String> = t
        .events()
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let before = published.load(Ordering::SeqCst);
    let (stop_second, second_rx) = watch::channel(false);
    relay_mapping(
        deps.clone(),
        table.clone(),
        t.id.clone(),
        kill.clone(),
        false,
        second_rx,
    )
    .await
    .unwrap();
    wait_for("the re-read stream published again", 60, async || {
        published.load(Ordering::SeqCst) >= before + committed.len()
    })
    .await;
    stop_second.send(true).unwrap();

    // 5. The receiver failed all along: everything ends in the DLQ. It recovers; the DLQ is
    // replayed through the API.
    wait_for("the webhook queue drained into the DLQ", 60, async || {
        depth(&sqs, &queue_url).await == 0
    })
    .await;
    assert!(receiver.delivered().is_empty());
    // The dispatcher dead-letters into the tenant's partition (the SQS DLQ is the backstop).
    let tenant_id = cargoflow_domain::TenantId::from_stored(t.id.clone());
    let in_dlq = deps
        .store
        .dead_letters(&tenant_id, 1000)
        .await
        .unwrap()
        .len();
    receiver.failing.store(false, Ordering::SeqCst);
    let mut replayed = 0;
    loop {
        let (s, b) = t
            .call(
                Method::POST,
                "/api/ops/webhooks/dlq/replay",
                "application/json",
                b"",
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let n = b["replayed"].as_u64().unwrap() as usize;
        replayed += n;
        if n == 0 {
            break;
        }
    }
    wait_for("every committed event delivered", 60, async || {
        let got = receiver.delivered();
        committed.iter().all(|id| got.contains(id)) && depth(&sqs, &queue_url).await == 0
    })
    .await;
    stop_dispatcher.send(true).unwrap();

    let delivered = receiver.delivered();
    let lost = committed
        .iter()
        .filter(|id| !delivered.contains(*id))
        .count();
    let dlq_end = depth(&sqs, &dlq_url).await
        + deps
            .store
            .dead_letters(&tenant_id, 1000)
            .await
            .unwrap()
            .len();
    let counts = json!({
        "committed": committed.len(),
        "failed_then_retried": failed,
        "relay_kills": kills.load(Ordering::SeqCst),
        "published_entries": published.load(Ordering::SeqCst),
        "went_to_dlq": in_dlq,
        "replayed_from_dlq": replayed,
        "delivered": delivered.len(),
        "duplicates": receiver.duplicates(),
        "in_dlq_at_end": dlq_end,
        "bad_signatures": receiver.bad_signatures.load(Ordering::SeqCst),
        "lost": lost,
    });
    eprintln!("event delivery under faults: {counts}");
    if let Ok(dir) = std::env::var("TEST_REPORT_DIR") {
        std::fs::write(
            format!("{dir}/event-delivery-faults.json"),
            counts.to_string(),
        )
        .unwrap();
    }
    assert_eq!(lost, 0, "{counts}");
    assert_eq!(dlq_end, 0, "{counts}");
    assert_eq!(
        receiver.bad_signatures.load(Ordering::SeqCst),
        0,
        "{counts}"
    );
    assert!(
        failed > 0 && in_dlq > 0 && replayed == in_dlq,
        "every fault happened: {counts}"
    );
    assert!(
        receiver.duplicates() > 0,
        "the kill and the re-read publish twice: {counts}"
    );
}
