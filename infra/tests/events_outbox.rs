//! The outbox: a state change's Event, written in its transaction, reaches EventBridge through
//! the stream relay (DynamoDB Local's real stream -> relay -> moto's EventBridge -> the rule
//! -> the SQS webhook queue); a failed publish leaves it PENDING and the sweeper publishes it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use cargoflow_functions::Deps;
use cargoflow_functions::publish::Publisher;
use cargoflow_http::AppConfig;
use cargoflow_infra::streams::{PollerConfig, StreamConsumer, StreamPoller};
use common::*;
use serde_json::{Value, json};

async fn deps(bus: Option<&str>) -> Arc<Deps> {
    let config = AppConfig::from_env().unwrap();
    let sdk_ = aws_config::load_from_env().await;
    let d = Deps::new(config, sdk_).unwrap();
    Arc::new(match bus {
        Some(b) => {
            let sdk = aws_config::load_from_env().await;
            d.with_publisher(Publisher::new(aws_sdk_eventbridge::Client::new(&sdk), b))
        }
        None => d,
    })
}

async fn event_items(t: &TestTenant) -> Vec<Value> {
    stored_events(&t.tenant_id).await
}

/// A queue of this test's own, fed by an EventBridge rule on the real bus that matches only
/// this tenant's events (the same routing the template's rule does, narrowed for isolation).
async fn tenant_queue(tenant_id: &str) -> String {
    let name = format!("t-{}", &tenant_id[tenant_id.len() - 12..]).to_lowercase();
    let (url, arn) = test_queue(&name, None).await;
    let pattern = json!({"source": ["cargoflow"], "detail": {"tenant_id": [tenant_id]}});
    rule_to_queue(
        &std::env::var("EVENT_BUS_NAME").unwrap(),
        &name,
        &pattern,
        &arn,
    )
    .await;
    url
}

/// Receives until `want` distinct event ids arrived (duplicates, at least once, are kept).
async fn receive(url: &str, want: usize) -> Vec<Value> {
    let sdk = aws_config::load_from_env().await;
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let mut got: Vec<Value> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let distinct = |got: &Vec<Value>| {
        got.iter()
            .map(|m| m["detail"]["id"].to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    while distinct(&got) < want && tokio::time::Instant::now() < deadline {
        let out = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for m in out.messages.unwrap_or_default() {
            got.push(serde_json::from_str(m.body().unwrap_or("{}")).unwrap());
            sqs.delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    got
}

#[tokio::test]
async fn a_status_change_reaches_the_webhook_queue_through_the_relay() {
    let t = TestTenant::register().await;
    let relay_deps = deps(None).await;
    // Other tests share the table and its stream: this relay takes only this tenant's records.
    let tenant = t.tenant_id.clone();
    let consumer: StreamConsumer =
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
    let sdk = aws_config::load_from_env().await;
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut cfg = PollerConfig::new(std::env::var("TABLE_NAME").unwrap());
    cfg.interval = Duration::from_millis(100);
    let task = tokio::spawn(StreamPoller::new(&sdk, cfg).run(consumer, Some(ready_tx), stop_rx));
    ready_rx.await.unwrap();
    let queue = tenant_queue(&t.tenant_id).await;

    let (s, o) = t.post("/api/ops/orders", json!({"reference_code": "PIPE-1", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]})).await;
    assert_eq!(s, 201);
    t.post(
        &format!("/api/ops/orders/{}/cancel", o["id"].as_str().unwrap()),
        json!({"reason": "pipeline"}),
    )
    .await;
    let messages = receive(&queue, 2).await;
    // The events are marked once published; another worker may have published one first (the
    // sweeper of a test running beside this one publishes every due event), and the relay
    // marks it when its own copy comes by: wait for that, a few seconds at most.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let items = loop {
        let items = event_items(&t).await;
        if items.iter().all(|i| i["outbox_status"] == "PROCESSED")
            || tokio::time::Instant::now() > deadline
        {
            break items;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop_tx.send(true).unwrap();
    task.await.unwrap().unwrap();

    // At least once: a concurrent sweep may publish an event again, always under its own id.
    let ids: std::collections::BTreeSet<&str> = messages
        .iter()
        .map(|m| m["detail"]["id"].as_str().unwrap())
        .collect();
    for item in &items {
        assert!(
            ids.contains(&item["id"].as_str().unwrap()),
            "the event id is stable end to end"
        );
        assert_eq!(item["outbox_status"], "PROCESSED", "{item}");
        assert!(item.get("GSI2PK").is_none(), "left the pending index");
    }
    let cancelled = messages
        .iter()
        .find(|m| m["detail-type"] == "order.cancelled")
        .expect("order.cancelled delivered");
    assert_eq!(cancelled["source"], "cargoflow");
    assert_eq!(cancelled["detail"]["data"]["to_status"], "CANCELLED");
    assert_eq!(
        cancelled["detail"]["data"]["order"]["reference_code"],
        "PIPE-1"
    );
}

#[tokio::test]
async fn a_failed_publish_stays_pending_and_the_sweeper_delivers_it() {
    let t = TestTenant::register().await;
    let queue = tenant_queue(&t.tenant_id).await;
    let (s, _) = t.post("/api/ops/orders", json!({"reference_code": "SWEEP-1", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]})).await;
    assert_eq!(s, 201);
    let mine = event_items(&t).await;
    assert_eq!(mine.len(), 1);
    // The relay's publish fails (the bus does not exist): the event stays PENDING, retry counted.
    let broken = deps(Some("no-such-bus")).await;
    let item: cargoflow_store::order_items::EventItem =
        serde_json::from_value(mine[0].clone()).unwrap();
    let failed =
        cargoflow_functions::publish::publish_and_record(&broken, std::slice::from_ref(&item))
            .await
            .unwrap();
    assert_eq!(failed.len(), 1);
    let after = event_items(&t).await;
    assert_eq!(
        (
            after[0]["outbox_status"].as_str(),
            after[0]["retries"].as_u64()
        ),
        (Some("PENDING"), Some(1)),
        "{}",
        after[0]
    );
    // What tenants see of the failure names EventBridge and its code, never the SDK's
    // details (account, role, request ids: those are in the log only).
    let error = after[0]["last_error"].as_str().unwrap();
    assert!(error.starts_with("EventBridge "), "{error}");
    assert!(
        !error.contains("arn:") && !error.contains("request"),
        "{error}"
    );
    // The sweeper (with a threshold far in the future, so the retry counts as due) publishes it.
    let mut config = AppConfig::from_env().unwrap();
    config.sweep_after_secs = -3600;
    let sdk_ = aws_config::load_from_env().await;
    let sweeper = Arc::new(Deps::new(config, sdk_).unwrap());
    let sweep = cargoflow_functions::registry::schedule_function("sweep-outbox").unwrap();
    let report = sweep(sweeper, json!({})).await.unwrap();
    assert!(report["published"].as_u64().unwrap() >= 1, "{report}");
    let done = event_items(&t).await;
    assert_eq!(done[0]["outbox_status"], "PROCESSED");
    let messages = receive(&queue, 1).await;
    assert!(!messages.is_empty());
    assert!(
        messages
            .iter()
            .all(|m| m["detail"]["id"] == item.id.as_str()),
        "{messages:?}"
    );
}

#[tokio::test]
async fn the_stored_count_decides_when_an_event_fails_and_a_late_success_still_wins() {
    let t = TestTenant::register().await;
    let (s, _) = t.post("/api/ops/orders", json!({"reference_code": "COUNT-1", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]})).await;
    assert_eq!(s, 201);
    // The relay's copy: the stream's INSERT image, which says retries = 0 forever.
    let stale: cargoflow_store::order_items::EventItem =
        serde_json::from_value(event_items(&t).await[0].clone()).unwrap();
    let mut config = AppConfig::from_env().unwrap();
    config.outbox_max_attempts = 2;
    let sdk = aws_config::load_from_env().await;
    let broken = Deps::new(config, sdk.clone())
        .unwrap()
        .with_publisher(Publisher::new(
            aws_sdk_eventbridge::Client::new(&sdk),
            "no-such-bus",
        ));
    let publish = async |d: &Deps| {
        cargoflow_functions::publish::publish_and_record(d, std::slice::from_ref(&stale))
            .await
            .unwrap()
    };
    assert_eq!(publish(&broken).await.len(), 1);
    assert_eq!(
        event_items(&t).await[0]["outbox_status"],
        "PENDING",
        "one attempt of two"
    );
    // The same stale copy again: the stored count (1) makes this the last attempt.
    assert_eq!(publish(&broken).await.len(), 1);
    let failed = event_items(&t).await;
    assert_eq!(
        (
            failed[0]["outbox_status"].as_str(),
            failed[0]["retries"].as_u64()
        ),
        (Some("FAILED"), Some(2)),
        "{}",
        failed[0]
    );
    assert!(
        failed[0]["GSI2PK"]
            .as_str()
            .unwrap()
            .starts_with("OUTBOX#FAILED#")
    );
    // A worker whose publish went through meanwhile (the real bus) still marks it PROCESSED.
    let good = deps(Some(&std::env::var("EVENT_BUS_NAME").unwrap())).await;
    assert!(publish(&good).await.is_empty());
    let done = event_items(&t).await;
    assert_eq!(done[0]["outbox_status"], "PROCESSED", "{}", done[0]);
    assert!(
        done[0].get("GSI2PK").is_none(),
        "it left the outbox index: {}",
        done[0]
    );
}
