//! Tenants cannot hurt each other through webhooks. Real HTTP receivers on loopback, the SQS
//! stand-in and the local event source (which stops a batch at the function's template
//! `Timeout`, as Lambda does):
//! - a tarpit receiver of tenant A (accepts, reads the request, never answers) in the same
//!   batches as tenant B's healthy receiver: every B delivery arrives once, on its first
//!   attempt, and none of B's messages is dead-lettered; A's are tried on the schedule and
//!   then dead-lettered into A's own partition;
//! - DLQ replay of tenant B replays B's dead letter and leaves tenant A's many untouched.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use cargoflow_domain::TenantId;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use cargoflow_infra::sqs::{SqsPoller, function_timeout};
use cargoflow_infra::template::Template;
use common::*;
use serde_json::json;
use tokio::io::AsyncReadExt;

/// A receiver answering 200, recording each request's webhook-id.
async fn healthy_receiver() -> (Arc<Mutex<Vec<String>>>, String) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let state = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, _body: String| {
            let state = state.clone();
            async move {
                let id = headers
                    .get("webhook-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                state.lock().unwrap().push(id);
                StatusCode::OK
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
    (got, url)
}

/// A tarpit: accepts, reads the request head (recording its webhook-id), never answers and
/// keeps the connection open.
async fn tarpit() -> (Arc<Mutex<Vec<String>>>, String) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let url = format!(
        "http://127.0.0.1:{}/hook",
        listener.local_addr().unwrap().port()
    );
    let state = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                continue;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).to_lowercase();
                let id = text
                    .lines()
                    .find_map(|l| l.strip_prefix("webhook-id:"))
                    .unwrap_or("")
                    .trim()
                    .to_uppercase();
                state.lock().unwrap().push(id);
                // Never answer; hold the connection until the client gives up.
                let _ = sock.read(&mut buf).await;
                tokio::time::sleep(Duration::from_secs(600)).await;
            });
        }
    });
    (got, url)
}

async fn configure(t: &TestTenant, url: &str) {
    let (s, body) = send(
        t.http
            .put(common::url("/api/ops/settings/webhook"))
            .bearer_auth(&t.access)
            .json(&json!({"enabled": true, "url": url, "events": ["*"]})),
    )
    .await;
    assert_eq!(s, 200, "{body}");
}

fn envelope(tenant_id: &str, event_id: &str) -> String {
    json!({"version": "0", "id": unique(""), "detail-type": "order.created", "source": "cargoflow", "account": "000000000000",
        "time": "2026-11-22T00:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"id": event_id, "type": "order.created", "tenant_id": tenant_id, "created_at": "2026-11-22T00:00:00Z", "data": {}}})
    .to_string()
}

fn sqs_client(sdk: &aws_config::SdkConfig) -> aws_sdk_sqs::Client {
    aws_sdk_sqs::Client::new(sdk)
}

async fn depth(sdk: &aws_config::SdkConfig, url: &str) -> usize {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    sqs_client(sdk)
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(A::ApproximateNumberOfMessages)
        .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(A::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap_or_default()
        .values()
        .filter_map(|v| v.parse::<usize>().ok())
        .sum()
}

async fn deps_with(schedule: &str, queue_url: &str, dlq_url: &str) -> Arc<Deps> {
    let mut config = AppConfig::from_env().unwrap();
    config.webhook_retry_schedule = cargoflow_domain::webhooks::parse_schedule(schedule).unwrap();
    if !queue_url.is_empty() {
        config.webhook_queue_url = queue_url.to_string();
        config.webhook_dlq_url = dlq_url.to_string();
    }
    Arc::new(Deps::new(config, aws_config::load_from_env().await).unwrap())
}

/// The dispatcher's timeout, as template.yaml gives it.
fn dispatcher_timeout() -> Duration {
    let template = Template::load(&common::template_path()).unwrap();
    function_timeout(&template, "DispatchWebhooksFunction")
}

/// (attempt, outcome) of every recorded attempt, by event id.
async fn attempts(t: &TestTenant) -> BTreeMap<String, Vec<(u64, String)>> {
    let mut out: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/ops/webhooks/deliveries?limit=100&cursor={c}"),
            None => "/api/ops/webhooks/deliveries?limit=100".to_string(),
        };
        let (s, d) = t.get(&path).await;
        assert_eq!(s, 200, "{d}");
        for x in d["items"].as_array().unwrap() {
            out.entry(x["event_id"].as_str().unwrap().to_string())
                .or_default()
                .push((
                    x["attempt"].as_u64().unwrap(),
                    x["outcome"].as_str().unwrap().to_string(),
                ));
        }
        cursor = d["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

#[tokio::test]
async fn a_tarpit_of_one_tenant_does_not_delay_or_dead_letter_another_tenants_deliveries() {
    let sdk = aws_config::load_from_env().await;
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let (pit, pit_url) = tarpit().await;
    let (got_b, url_b) = healthy_receiver().await;
    configure(&a, &pit_url).await;
    configure(&b, &url_b).await;

    // A queue of the test's own (visibility 15 s) whose redrive policy allows 4 receives,
    // as many as the schedule's attempts.
    let name = format!("whi-{}", &unique("")[14..]);
    let (dlq_url, dlq_arn) = test_queue(&format!("{name}-dlq"), None).await;
    let (url, _) = test_queue(&name, Some((&dlq_arn, 4))).await;
    sqs_client(&sdk)
        .set_queue_attributes()
        .queue_url(&url)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "15",
        )
        .send()
        .await
        .unwrap();
    cargoflow_aws::calls::stand_in(&name, "WebhookQueue");
    cargoflow_aws::calls::stand_in(&format!("{name}-dlq"), "WebhookDeadLetterQueue");

    // A's and B's events interleaved, all on the queue before the dispatcher starts: the
    // batches mix them.
    let ids_a: Vec<String> = (0..6).map(|_| ulid::Ulid::new().to_string()).collect();
    let ids_b: Vec<String> = (0..6).map(|_| ulid::Ulid::new().to_string()).collect();
    for (ea, eb) in ids_a.iter().zip(&ids_b) {
        for (tenant, id) in [(&a.tenant_id, ea), (&b.tenant_id, eb)] {
            sqs_client(&sdk)
                .send_message()
                .queue_url(&url)
                .message_body(envelope(tenant, id))
                .send()
                .await
                .unwrap();
        }
    }
    let timeout = dispatcher_timeout();
    assert_eq!(
        timeout,
        Duration::from_secs(10),
        "the template's dispatcher timeout"
    );
    let poller = SqsPoller::new(&sdk, &name, None)
        .await
        .unwrap()
        .with_timeout(timeout);
    let deps = deps_with("0,1,1,1", &url, &dlq_url).await;
    let handler = cargoflow_functions::registry::sqs_function("dispatch-webhooks").unwrap();
    let (stop, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move { poller.run(handler, deps.clone(), rx).await.unwrap() });

    // B's deliveries all arrive.
    let want_b: BTreeSet<String> = ids_b.iter().cloned().collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    while tokio::time::Instant::now() < deadline
        && got_b
            .lock()
            .unwrap()
            .iter()
            .cloned()
            .collect::<BTreeSet<_>>()
            != want_b
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A is tried 4 times per event, then dead-lettered; meanwhile anything of B's that came
    // back to the queue would be delivered again.
    let store = deps_with("0", "", "").await;
    let tenant_a = TenantId::from_stored(a.tenant_id.clone());
    let tenant_b = TenantId::from_stored(b.tenant_id.clone());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while tokio::time::Instant::now() < deadline
        && store
            .store
            .dead_letters(&tenant_a, 100)
            .await
            .unwrap()
            .len()
            < ids_a.len()
    {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // One more visibility timeout: a batch that had failed would be back by now.
    tokio::time::sleep(Duration::from_secs(16)).await;
    let _ = stop.send(true);

    let mut got: Vec<String> = got_b.lock().unwrap().clone();
    got.sort();
    let mut want: Vec<String> = ids_b.clone();
    want.sort();
    assert_eq!(got, want, "every B event delivered exactly once");
    let by_event = attempts(&b).await;
    for id in &ids_b {
        assert_eq!(
            by_event.get(id),
            Some(&vec![(1, "delivered".to_string())]),
            "B's {id}: delivered on its first attempt"
        );
    }
    assert!(
        store
            .store
            .dead_letters(&tenant_b, 100)
            .await
            .unwrap()
            .is_empty(),
        "no dead letter of B"
    );
    assert_eq!(depth(&sdk, &dlq_url).await, 0, "nothing in the SQS DLQ");

    // A: on the schedule, 4 attempts each, then dead-lettered into A's partition.
    let pit_ids: Vec<String> = pit.lock().unwrap().clone();
    let by_event = attempts(&a).await;
    for id in &ids_a {
        assert_eq!(
            pit_ids.iter().filter(|x| *x == id).count(),
            4,
            "A's {id}: 4 attempts reached the tarpit ({pit_ids:?})"
        );
        assert_eq!(
            by_event.get(id),
            Some(&vec![
                (1, "retrying".to_string()),
                (2, "retrying".to_string()),
                (3, "retrying".to_string()),
                (4, "failed".to_string())
            ]),
            "A's {id}"
        );
    }
    let dead = store.store.dead_letters(&tenant_a, 100).await.unwrap();
    assert_eq!(
        dead.iter()
            .map(|d| d.event_id.clone())
            .collect::<BTreeSet<_>>(),
        ids_a.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert!(
        dead.iter()
            .all(|d| d.attempts == 4 && d.last_error.as_deref().unwrap_or("").contains("timeout"))
    );
    assert_eq!(depth(&sdk, &url).await, 0, "the queue is empty");
}

#[tokio::test]
async fn dlq_replay_replays_only_the_callers_dead_letters_however_many_others_have() {
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let (got_b, url_b) = healthy_receiver().await;
    configure(&b, &url_b).await;
    let deps = deps_with("0,1,1,1", "", "").await;
    let (tenant_a, tenant_b) = (
        TenantId::from_stored(a.tenant_id.clone()),
        TenantId::from_stored(b.tenant_id.clone()),
    );
    let letter = |tenant: &str, event_id: &str| cargoflow_store::webhooks::DeadLetter {
        id: ulid::Ulid::new().to_string(),
        event_id: event_id.to_string(),
        event_type: "order.created".into(),
        body: envelope(tenant, event_id),
        attempts: 8,
        last_error: Some("timeout".into()),
        created_at: cargoflow_domain::time_util::now(),
    };
    // A: more dead letters than one replay call takes (written first: older than B's).
    let mut ids_a = BTreeSet::new();
    for _ in 0..250 {
        let l = letter(&a.tenant_id, &ulid::Ulid::new().to_string());
        ids_a.insert(l.id.clone());
        deps.store.put_dead_letter(&tenant_a, &l).await.unwrap();
    }
    let event_b = ulid::Ulid::new().to_string();
    deps.store
        .put_dead_letter(&tenant_b, &letter(&b.tenant_id, &event_b))
        .await
        .unwrap();

    // A dispatcher on the template's queue (where the replay sends). The queue also holds
    // whatever earlier test binaries' relays and sweepers published to the bus (the template's
    // rule sends every event there and nothing else consumes it in the tests): emptied first,
    // so B's message is not behind a backlog of thousands.
    let sdk = aws_config::load_from_env().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let queue_url = sqs
        .get_queue_url()
        .queue_name(std::env::var("WEBHOOK_QUEUE_NAME").unwrap())
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    sqs.purge_queue()
        .queue_url(&queue_url)
        .send()
        .await
        .unwrap();
    let poller = SqsPoller::new(&sdk, &std::env::var("WEBHOOK_QUEUE_NAME").unwrap(), None)
        .await
        .unwrap()
        .with_timeout(dispatcher_timeout());
    let handler = cargoflow_functions::registry::sqs_function("dispatch-webhooks").unwrap();
    let (stop, rx) = tokio::sync::watch::channel(false);
    let dispatcher = deps.clone();
    tokio::spawn(async move { poller.run(handler, dispatcher, rx).await.unwrap() });

    let (s, r) = b.post("/api/ops/webhooks/dlq/replay", json!({})).await;
    assert_eq!((s, r["replayed"].as_u64()), (200, Some(1)), "{r}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while tokio::time::Instant::now() < deadline && !got_b.lock().unwrap().contains(&event_b) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = stop.send(true);
    assert_eq!(
        got_b.lock().unwrap().clone(),
        vec![event_b.clone()],
        "B's dead letter delivered once"
    );
    assert!(
        deps.store
            .dead_letters(&tenant_b, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let mut left = BTreeSet::new();
    for l in deps.store.dead_letters(&tenant_a, 1000).await.unwrap() {
        left.insert(l.id);
    }
    assert_eq!(
        left, ids_a,
        "A's dead letters are all still there, untouched"
    );

    // A's replay takes at most 200 of its own per call; B has none left.
    let (s, r) = a.post("/api/ops/webhooks/dlq/replay", json!({})).await;
    assert_eq!((s, r["replayed"].as_u64()), (200, Some(200)), "{r}");
    let (s, r) = b.post("/api/ops/webhooks/dlq/replay", json!({})).await;
    assert_eq!((s, r["replayed"].as_u64()), (200, Some(0)), "{r}");
}
