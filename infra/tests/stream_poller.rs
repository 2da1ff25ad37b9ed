//! The DynamoDB stream poller against DynamoDB Local's real stream: a simple consumer sees
//! inserts as Lambda would deliver them, and a reported partial failure is retried from the
//! failed record onward.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use aws_sdk_dynamodb::types::AttributeValue;
use cargoflow_infra::streams::{PollerConfig, StreamConsumer, StreamPoller};

fn require_standins() {
    if std::env::var("CARGOFLOW_STANDINS").is_err() {
        panic!("this test needs DynamoDB Local: run it through `make test`");
    }
}

async fn put(ddb: &aws_sdk_dynamodb::Client, table: &str, pk: &str) {
    ddb.put_item()
        .table_name(table)
        .item("PK", AttributeValue::S(pk.into()))
        .item("SK", AttributeValue::S("PROBE".into()))
        .item("entity_type", AttributeValue::S("STREAM_PROBE".into()))
        .item("n", AttributeValue::N("42".into()))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn delivers_inserts_and_retries_from_the_failed_record() {
    require_standins();
    let table = std::env::var("TABLE_NAME").unwrap();
    let sdk = aws_config::load_from_env().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let run = ulid::Ulid::new().to_string();
    let fail_once_pk = format!("PROBE#{run}#2");

    // Every delivery, in order: (pk, event name, new image's n).
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let failed_already = Arc::new(Mutex::new(false));
    let consumer: StreamConsumer = {
        let seen = seen.clone();
        let failed_already = failed_already.clone();
        let run = run.clone();
        let fail_once_pk = fail_once_pk.clone();
        Arc::new(move |event: aws_lambda_events::dynamodb::Event| {
            let seen = seen.clone();
            let failed_already = failed_already.clone();
            let run = run.clone();
            let fail_once_pk = fail_once_pk.clone();
            Box::pin(async move {
                let mut failures = Vec::new();
                for r in &event.records {
                    let item: HashMap<String, serde_json::Value> =
                        serde_dynamo::from_item(r.change.new_image.clone()).unwrap_or_default();
                    let pk = item
                        .get("PK")
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string();
                    if !pk.contains(&run) {
                        continue; // other tests' writes share the table
                    }
                    assert_eq!(
                        item.get("n").and_then(|v| v.as_i64()),
                        Some(42),
                        "numbers arrive as numbers"
                    );
                    seen.lock()
                        .unwrap()
                        .push((pk.clone(), r.event_name.clone()));
                    let mut done = failed_already.lock().unwrap();
                    if pk == fail_once_pk && !*done {
                        *done = true;
                        let mut f = DynamoDbBatchItemFailure::default();
                        f.item_identifier = r.change.sequence_number.clone();
                        failures.push(f);
                        break;
                    }
                }
                let mut resp = DynamoDbEventResponse::default();
                resp.batch_item_failures = failures;
                Ok(resp)
            })
        })
    };

    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut config = PollerConfig::new(table.clone());
    config.interval = Duration::from_millis(100);
    let poller = StreamPoller::new(&sdk, config);
    let task = tokio::spawn(poller.run(consumer, Some(ready_tx), stop_rx));
    tokio::time::timeout(Duration::from_secs(10), ready_rx)
        .await
        .expect("poller ready in time")
        .unwrap();

    for i in 1..=3 {
        put(&ddb, &table, &format!("PROBE#{run}#{i}")).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let got: Vec<String> = seen
            .lock()
            .unwrap()
            .iter()
            .map(|(pk, _)| pk.clone())
            .collect();
        if got.len() >= 4 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "stream records did not arrive: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop_tx.send(true).unwrap();
    task.await.unwrap().unwrap();

    let got = seen.lock().unwrap().clone();
    let pks: Vec<&str> = got.iter().map(|(pk, _)| pk.as_str()).collect();
    let p = |i: u32| format!("PROBE#{run}#{i}");
    // 1 once; 2 failed then retried; 3 only after 2's retry (never before it, never twice)
    assert_eq!(
        pks,
        vec![p(1).as_str(), p(2).as_str(), p(2).as_str(), p(3).as_str()],
        "{got:?}"
    );
    assert!(got.iter().all(|(_, name)| name == "INSERT"));
}
