//! Webhooks against a real HTTP receiver on loopback: settings and their rules (secret never
//! shown again, SSRF refusals), signed deliveries checked by an independent verifier (Python's
//! hmac), retries through the queue's visibility, the DLQ and its replay, 410, isolation, and
//! the whole way from a status change: relay -> EventBridge rule -> SQS -> dispatcher.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use cargoflow_infra::sqs::SqsPoller;
use common::*;
use serde_json::{Value, json};

/// (webhook-id, webhook-timestamp, webhook-signature, body) of one request.
type Received = (String, String, String, String);

#[derive(Clone, Default)]
struct Receiver {
    /// (webhook-id, webhook-timestamp, webhook-signature, body) of every request.
    got: Arc<Mutex<Vec<Received>>>,
    /// Status to answer, one per request; after the script, `then`.
    script: Arc<Mutex<Vec<u16>>>,
    then: Arc<Mutex<u16>>,
}

impl Receiver {
    async fn start(script: Vec<u16>, then: u16) -> (Self, String) {
        let r = Receiver {
            script: Arc::new(Mutex::new(script.into_iter().rev().collect())),
            then: Arc::new(Mutex::new(then)),
            ..Default::default()
        };
        let state = r.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let h = |n: &str| {
                        headers
                            .get(n)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_string()
                    };
                    state.got.lock().unwrap().push((
                        h("webhook-id"),
                        h("webhook-timestamp"),
                        h("webhook-signature"),
                        body,
                    ));
                    let code = state
                        .script
                        .lock()
                        .unwrap()
                        .pop()
                        .unwrap_or(*state.then.lock().unwrap());
                    StatusCode::from_u16(code).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let url = format!(
            "http://127.0.0.1:{}/hook",
            listener.local_addr().unwrap().port()
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (r, url)
    }

    fn requests(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Checks a Standard Webhooks signature with Python's own hmac: independent of our code.
fn python_verifies(secret: &str, id: &str, ts: &str, body: &str, header: &str) -> bool {
    let script = r#"
import base64, hashlib, hmac, sys
secret, msg_id, ts, header = sys.argv[1:5]
body = sys.stdin.read()
key = base64.b64decode(secret[len("whsec_"):]) if secret.startswith("whsec_") else secret.encode()
expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode()
sys.exit(0 if any(s.split(",", 1)[1] == expected for s in header.split(" ") if s.startswith("v1,")) else 1)
"#;
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script, secret, id, ts, header])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}

/// A queue of the test's own with a DLQ after `max_receives`, and a dispatcher polling it.
struct Pipe {
    url: String,
    dlq_url: String,
    stop: tokio::sync::watch::Sender<bool>,
}

async fn dispatcher_deps(schedule: &str) -> Arc<Deps> {
    let mut config = AppConfig::from_env().unwrap();
    config.webhook_retry_schedule = cargoflow_domain::webhooks::parse_schedule(schedule).unwrap();
    let sdk_ = aws_config::load_from_env().await;
    Arc::new(Deps::new(config, sdk_).unwrap())
}

impl Pipe {
    async fn start(schedule: &str, max_receives: usize) -> Pipe {
        let sdk = aws_config::load_from_env().await;
        let name = format!("wh-{}", &unique("")[14..]);
        let (dlq_url, dlq_arn) = test_queue(&format!("{name}-dlq"), None).await;
        let (url, _) = test_queue(&name, Some((&dlq_arn, max_receives as u32))).await;
        // The test's queues play the template's (for the IAM check of the dispatcher's calls).
        cargoflow_aws::calls::stand_in(&name, "WebhookQueue");
        cargoflow_aws::calls::stand_in(&format!("{name}-dlq"), "WebhookDeadLetterQueue");
        let poller = SqsPoller::new(&sdk, &name, None).await.unwrap();
        let (stop, rx) = tokio::sync::watch::channel(false);
        // Configured with its queues' URLs, as template.yaml configures the dispatcher.
        let mut config = AppConfig::from_env().unwrap();
        config.webhook_retry_schedule =
            cargoflow_domain::webhooks::parse_schedule(schedule).unwrap();
        config.webhook_queue_url = url.clone();
        config.webhook_dlq_url = dlq_url.clone();
        let deps = Arc::new(Deps::new(config, aws_config::load_from_env().await).unwrap());
        let handler = cargoflow_functions::registry::sqs_function("dispatch-webhooks").unwrap();
        tokio::spawn(async move { poller.run(handler, deps, rx).await.unwrap() });
        Pipe { url, dlq_url, stop }
    }

    /// Puts an event on the queue as the EventBridge rule would.
    async fn send(&self, tenant_id: &str, event_id: &str, event_type: &str) {
        let sdk = aws_config::load_from_env().await;
        let body = json!({"version": "0", "id": unique(""), "detail-type": event_type, "source": "cargoflow", "account": "000000000000",
            "time": "2026-11-22T00:00:00Z", "region": "us-east-1", "resources": [],
            "detail": {"id": event_id, "type": event_type, "tenant_id": tenant_id, "created_at": "2026-11-22T00:00:00Z", "data": {"hello": "world"}}});
        aws_sdk_sqs::Client::new(&sdk)
            .send_message()
            .queue_url(&self.url)
            .message_body(body.to_string())
            .send()
            .await
            .unwrap();
    }

    async fn dlq_depth(&self) -> usize {
        let sdk = aws_config::load_from_env().await;
        let out = aws_sdk_sqs::Client::new(&sdk)
            .get_queue_attributes()
            .queue_url(&self.dlq_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .unwrap();
        out.attributes
            .unwrap_or_default()
            .get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn wait_until(mut f: impl FnMut() -> bool, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if f() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    f()
}

async fn configure(t: &TestTenant, url: &str) -> String {
    let (s, b) = t
        .http
        .put(common::url("/api/ops/settings/webhook"))
        .bearer_auth(&t.access)
        .json(&json!({"enabled": true, "url": url, "events": ["*"]}))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    let body: Value = b.json().await.unwrap();
    assert_eq!(s, 200, "{body}");
    body["generated_secret"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn settings_hide_the_secret_and_refuse_internal_urls() {
    let t = TestTenant::register().await;
    let secret = configure(&t, "http://127.0.0.1:9/hook").await;
    assert!(secret.starts_with("whsec_"));
    let (s, got) = t.get("/api/ops/settings/webhook").await;
    assert_eq!(s, 200);
    assert!(
        !got.to_string().contains(&secret),
        "the secret is never returned: {got}"
    );
    assert_eq!(got["secret_last4"], &secret[secret.len() - 4..]);
    // rotate: the old one keeps signing for 24 h
    let put = |body: Value| {
        send(
            t.http
                .put(url("/api/ops/settings/webhook"))
                .bearer_auth(&t.access)
                .json(&body),
        )
    };
    let (s, rotated) = put(json!({"enabled": true, "url": "http://127.0.0.1:9/hook", "events": ["order.status_changed"], "secret": "a-brand-new-secret-value"})).await;
    assert_eq!(s, 200, "{rotated}");
    assert!(rotated["previous_secret_valid_until"].is_string());
    assert!(rotated["generated_secret"].is_null());
    for bad in [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.8/hook",
        "http://192.168.1.2/hook",
        "http://[fd00::1]/hook",
        "ftp://example.com/x",
        "http://user:pw@example.com/",
    ] {
        let (s, b) = put(json!({"enabled": true, "url": bad, "events": ["*"]})).await;
        assert_eq!(s, 400, "{bad}: {b}");
        assert!(b["error"]["fields"]["url"].is_string());
    }
    let (s, _) = put(
        json!({"enabled": true, "url": "http://127.0.0.1:9/hook", "events": ["order.exploded"]}),
    )
    .await;
    assert_eq!(s, 400);
    let dispatcher = t.user_token("OPS_DISPATCHER").await;
    let (s, _) = send(
        t.http
            .get(url("/api/ops/settings/webhook"))
            .bearer_auth(&dispatcher),
    )
    .await;
    assert_eq!(s, 403, "OPS_ADMIN only");
}

#[tokio::test]
async fn signed_delivery_retries_then_succeeds_with_every_attempt_recorded() {
    let t = TestTenant::register().await;
    let (receiver, hook) = Receiver::start(vec![500, 503], 200).await;
    let secret = configure(&t, &hook).await;
    let pipe = Pipe::start("0,1,1,1", 4).await;
    let event_id = ulid::Ulid::new().to_string();
    pipe.send(&t.tenant_id, &event_id, "order.status_changed")
        .await;
    assert!(
        wait_until(|| receiver.requests().len() >= 3, 20).await,
        "{:?}",
        receiver.requests()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let reqs = receiver.requests();
    assert_eq!(reqs.len(), 3, "two failures, then delivered once: {reqs:?}");
    for (id, ts, sig, body) in &reqs {
        assert_eq!(id, &event_id, "webhook-id is the event id");
        assert!(
            python_verifies(&secret, id, ts, body, sig),
            "independent verification of {sig}"
        );
        let b: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (b["id"].as_str(), b["type"].as_str()),
            (Some(event_id.as_str()), Some("order.status_changed"))
        );
    }
    let (_, d) = t
        .get(&format!("/api/ops/webhooks/deliveries?event_id={event_id}"))
        .await;
    let mut attempts: Vec<(u64, String)> = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["attempt"].as_u64().unwrap(),
                x["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    attempts.sort();
    assert_eq!(
        attempts,
        vec![
            (1, "retrying".into()),
            (2, "retrying".into()),
            (3, "delivered".into())
        ],
        "{d}"
    );
    assert!(
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["latency_ms"].is_u64())
    );
    assert_eq!(pipe.dlq_depth().await, 0);
}

#[tokio::test]
async fn a_receiver_that_always_fails_ends_in_the_dlq_and_replay_delivers_once() {
    let t = TestTenant::register().await;
    let (receiver, hook) = Receiver::start(vec![], 500).await;
    configure(&t, &hook).await;
    let pipe = Pipe::start("0,1,1,1", 4).await;
    let event_id = ulid::Ulid::new().to_string();
    pipe.send(&t.tenant_id, &event_id, "order.created").await;
    assert!(wait_until(|| receiver.requests().len() >= 4, 25).await);
    // After the last attempt the dispatcher dead-letters it into the tenant's partition.
    let store = dispatcher_deps("0").await;
    let tenant = cargoflow_domain::TenantId::from_stored(t.tenant_id.clone());
    let mut dead = Vec::new();
    for _ in 0..50 {
        dead = store.store.dead_letters(&tenant, 10).await.unwrap();
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        dead.len(),
        1,
        "after the last attempt the message is a dead letter"
    );
    assert_eq!(
        (dead[0].event_id.as_str(), dead[0].attempts),
        (event_id.as_str(), 4)
    );
    assert_eq!(pipe.dlq_depth().await, 0, "not left to the SQS redrive");
    assert_eq!(receiver.requests().len(), 4);
    let (_, d) = t
        .get(&format!(
            "/api/ops/webhooks/deliveries?event_id={event_id}&outcome=failed"
        ))
        .await;
    assert_eq!(
        d["items"].as_array().unwrap().len(),
        1,
        "the last attempt is recorded as failed: {d}"
    );
    // The receiver recovers; the dead letter goes back to this pipe's queue (as the replay
    // sends it) and is delivered once.
    *receiver.then.lock().unwrap() = 200;
    let sdk = aws_config::load_from_env().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    sqs.send_message()
        .queue_url(&pipe.url)
        .message_body(&dead[0].body)
        .send()
        .await
        .unwrap();
    assert!(wait_until(|| receiver.requests().len() >= 5, 15).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.requests().len(),
        5,
        "delivered exactly once after the replay"
    );
    assert_eq!(receiver.requests()[4].0, event_id, "with the same id");
}

#[tokio::test]
async fn gone_disables_the_endpoint_and_tenants_never_get_each_others_events() {
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let (ra, hook_a) = Receiver::start(vec![], 200).await;
    let (rb, hook_b) = Receiver::start(vec![], 410).await;
    configure(&a, &hook_a).await;
    configure(&b, &hook_b).await;
    let pipe = Pipe::start("0,1,1,1", 4).await;
    let (ea, eb) = (ulid::Ulid::new().to_string(), ulid::Ulid::new().to_string());
    pipe.send(&a.tenant_id, &ea, "order.created").await;
    pipe.send(&b.tenant_id, &eb, "order.created").await;
    assert!(
        wait_until(
            || !ra.requests().is_empty() && !rb.requests().is_empty(),
            15
        )
        .await
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        ra.requests().iter().all(|r| r.0 == ea),
        "A's URL gets only A's events"
    );
    assert!(
        rb.requests().iter().all(|r| r.0 == eb),
        "B's URL gets only B's events"
    );
    assert_eq!(rb.requests().len(), 1, "410 is not retried");
    let (_, settings) = b.get("/api/ops/settings/webhook").await;
    assert_eq!(settings["enabled"], false, "{settings}");
    assert!(
        settings["disabled_reason"]
            .as_str()
            .unwrap()
            .contains("410")
    );
    // B's later events are not sent while disabled
    pipe.send(
        &b.tenant_id,
        &ulid::Ulid::new().to_string(),
        "order.created",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(rb.requests().len(), 1);
}

#[tokio::test]
async fn unsubscribed_events_are_skipped() {
    let t = TestTenant::register().await;
    let (receiver, hook) = Receiver::start(vec![], 200).await;
    configure(&t, &hook).await;
    send(
        t.http
            .put(url("/api/ops/settings/webhook"))
            .bearer_auth(&t.access)
            .json(&json!({"enabled": true, "url": hook, "events": ["order.cancelled"]})),
    )
    .await;
    let pipe = Pipe::start("0,1,1,1", 4).await;
    let wanted = ulid::Ulid::new().to_string();
    pipe.send(
        &t.tenant_id,
        &ulid::Ulid::new().to_string(),
        "order.created",
    )
    .await;
    pipe.send(&t.tenant_id, &wanted, "order.cancelled").await;
    assert!(wait_until(|| !receiver.requests().is_empty(), 15).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let ids: Vec<String> = receiver.requests().into_iter().map(|r| r.0).collect();
    assert_eq!(ids, vec![wanted]);
}

/// The template's own queue and DLQ (the ones the API's replays use), with a dispatcher on the
/// queue; and the relay on this tenant's stream records.
#[tokio::test]
async fn a_status_change_arrives_signed_and_replays_go_through_the_real_queues() {
    let t = TestTenant::register().await;
    let (receiver, hook) = Receiver::start(vec![], 200).await;
    let secret = configure(&t, &hook).await;
    let sdk = aws_config::load_from_env().await;
    let (stop, rx) = tokio::sync::watch::channel(false);
    // dispatcher on the template's webhook queue
    let poller = SqsPoller::new(&sdk, &std::env::var("WEBHOOK_QUEUE_NAME").unwrap(), None)
        .await
        .unwrap();
    let deps = dispatcher_deps("0,1,1,1,1,1,1,1").await;
    let handler = cargoflow_functions::registry::sqs_function("dispatch-webhooks").unwrap();
    let rx2 = rx.clone();
    tokio::spawn(async move { poller.run(handler, deps, rx2).await.unwrap() });
    // relay on the stream, for this tenant's records
    let relay_deps = dispatcher_deps("0").await;
    let tenant = t.tenant_id.clone();
    let consumer: cargoflow_infra::streams::StreamConsumer =
        Arc::new(move |mut event: aws_lambda_events::dynamodb::Event| {
            event.records.retain(|r| {
                serde_dynamo::from_item::<_, Value>(r.change.new_image.clone())
                    .map(|v| v["tenant_id"] == tenant.as_str())
                    .unwrap_or(false)
            });
            // As Lambda runs it (init, then the handler), its calls recorded as the relay's.
            cargoflow_functions::registry::stream_function("relay-outbox").unwrap()(
                relay_deps.clone(),
                event,
            )
        });
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let mut cfg = cargoflow_infra::streams::PollerConfig::new(std::env::var("TABLE_NAME").unwrap());
    cfg.interval = Duration::from_millis(100);
    tokio::spawn(cargoflow_infra::streams::StreamPoller::new(&sdk, cfg).run(
        consumer,
        Some(ready_tx),
        rx,
    ));
    ready_rx.await.unwrap();

    // 1. create and cancel an order: both events arrive, signed, under their event ids
    let (_, o) = t
        .post("/api/ops/orders", json!({"reference_code": "E2E-1", "customer_name": "C", "customer_phone": "+918888887777",
            "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]}))
        .await;
    t.post(
        &format!("/api/ops/orders/{}/cancel", o["id"].as_str().unwrap()),
        json!({"reason": "e2e"}),
    )
    .await;
    let types = |r: &Receiver| {
        r.requests()
            .iter()
            .map(|x| {
                serde_json::from_str::<Value>(&x.3).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    assert!(
        wait_until(
            || types(&receiver).iter().any(|t| t == "order.cancelled"),
            20
        )
        .await,
        "{:?}",
        types(&receiver)
    );
    let cancelled = receiver
        .requests()
        .into_iter()
        .find(|x| x.3.contains("order.cancelled"))
        .unwrap();
    assert!(python_verifies(
        &secret,
        &cancelled.0,
        &cancelled.1,
        &cancelled.3,
        &cancelled.2
    ));
    let body: Value = serde_json::from_str(&cancelled.3).unwrap();
    assert_eq!(body["data"]["to_status"], "CANCELLED");
    assert_eq!(body["tenant_id"], t.tenant_id.as_str());
    let (_, events) = t.get("/api/ops/events?type=order.cancelled").await;
    assert_eq!(
        events["items"][0]["id"], cancelled.0,
        "the event log shows the delivered event under the same id"
    );
    assert_eq!(events["items"][0]["status"], "PROCESSED");

    // 2. replay a delivery: the same event again, same webhook-id
    let (_, d) = t
        .get(&format!(
            "/api/ops/webhooks/deliveries?event_id={}",
            cancelled.0
        ))
        .await;
    let delivery = d["items"][0]["id"].as_str().unwrap().to_string();
    let before = receiver.requests().len();
    let (s, r) = t
        .post(
            &format!("/api/ops/webhooks/deliveries/{delivery}/replay"),
            json!({}),
        )
        .await;
    assert_eq!(s, 202, "{r}");
    assert!(wait_until(|| receiver.requests().len() > before, 15).await);
    assert_eq!(receiver.requests().last().unwrap().0, cancelled.0);

    // 3. a dead letter of this tenant goes back through the queue; another tenant's stays
    let dead_id = ulid::Ulid::new().to_string();
    let msg = |tenant: &str, id: &str| {
        json!({"detail-type": "order.created", "source": "cargoflow",
        "detail": {"id": id, "type": "order.created", "tenant_id": tenant, "created_at": "2026-11-22T00:00:00Z", "data": {}}}).to_string()
    };
    let letter = |tenant: &str, id: &str| cargoflow_store::webhooks::DeadLetter {
        id: ulid::Ulid::new().to_string(),
        event_id: id.to_string(),
        event_type: "order.created".into(),
        body: msg(tenant, id),
        attempts: 8,
        last_error: None,
        created_at: cargoflow_domain::time_util::now(),
    };
    let other_tenant = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    let store = dispatcher_deps("0").await;
    let mine = cargoflow_domain::TenantId::from_stored(t.tenant_id.clone());
    let theirs = cargoflow_domain::TenantId::from_stored(other_tenant);
    store
        .store
        .put_dead_letter(&mine, &letter(&t.tenant_id, &dead_id))
        .await
        .unwrap();
    store
        .store
        .put_dead_letter(
            &theirs,
            &letter(other_tenant, &ulid::Ulid::new().to_string()),
        )
        .await
        .unwrap();
    let (s, r) = t.post("/api/ops/webhooks/dlq/replay", json!({})).await;
    assert_eq!((s, r["replayed"].as_u64()), (200, Some(1)), "{r}");
    assert!(wait_until(|| receiver.requests().iter().any(|x| x.0 == dead_id), 15).await);
    assert_eq!(
        store.store.dead_letters(&theirs, 10).await.unwrap().len(),
        1,
        "the other tenant's dead letter is untouched"
    );
    let (_, other) = TestTenant::register()
        .await
        .get("/api/ops/webhooks/deliveries")
        .await;
    assert_eq!(
        other["items"],
        json!([]),
        "another tenant sees none of these deliveries"
    );
    let _ = stop.send(true);
}
