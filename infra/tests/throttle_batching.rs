//! Busy rate-limit counters written a batch of hits at a time (`Store::throttle_hit_batched`,
//! used for drivers' requests and tracking views), against DynamoDB Local: one instance
//! decides exactly as the per-hit counter does; several instances together let at most
//! `batch - 1` extra hits each through; the counter is written once per batch.
mod common;

use cargoflow_store::Store;
use cargoflow_store::keys;
use cargoflow_store::throttle::{LocalCounts, ThrottleRule};

async fn store() -> Store {
    common::require_standins();
    let config = cargoflow_http::AppConfig::from_env().unwrap();
    Store::from_env(config.table_name).await
}

const RULE: ThrottleRule = ThrottleRule {
    limit: 11,
    window_secs: 60,
    block_secs: 60,
};

fn subject() -> String {
    ulid::Ulid::new().to_string()
}

/// The stored counter's hits so far.
async fn stored_count(key: &keys::Key) -> u64 {
    let sdk = aws_config::load_from_env().await;
    let out = aws_sdk_dynamodb::Client::new(&sdk)
        .get_item()
        .table_name(std::env::var("TABLE_NAME").unwrap())
        .key(
            keys::PK,
            aws_sdk_dynamodb::types::AttributeValue::S(key.pk.clone()),
        )
        .key(
            keys::SK,
            aws_sdk_dynamodb::types::AttributeValue::S(key.sk.clone()),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.item
        .map(|i| {
            serde_dynamo::from_item::<_, cargoflow_store::items::ThrottleItem>(i)
                .unwrap()
                .count
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn one_instance_decides_as_the_per_hit_counter_does() {
    let store = store().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let (batched, per_hit) = (
        keys::throttle("test-batch", &subject()),
        keys::throttle("test-batch", &subject()),
    );
    let local = LocalCounts::new(5);
    for hit in 1..=30 {
        // Hits within one window, then a new window after the block has passed.
        let at = if hit <= 15 { now } else { now + 200 };
        let a = store
            .throttle_hit_batched(&local, &batched, RULE, at)
            .await
            .unwrap();
        let b = store.throttle_hit(&per_hit, RULE, at).await.unwrap();
        assert_eq!(a.allowed, b.allowed, "hit {hit}");
        assert_eq!(
            a.allowed,
            hit <= 10 || (16..=25).contains(&hit),
            "hit {hit}"
        );
    }
}

#[tokio::test]
async fn the_counter_is_written_once_per_batch() {
    let store = store().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let key = keys::throttle("test-batch", &subject());
    let local = LocalCounts::new(5);
    let rule = ThrottleRule {
        limit: 1000,
        ..RULE
    };
    let mut seen = Vec::new();
    for _ in 0..12 {
        assert!(
            store
                .throttle_hit_batched(&local, &key, rule, now)
                .await
                .unwrap()
                .allowed
        );
        seen.push(stored_count(&key).await);
    }
    // The first hit is written at once (the instance learns the shared count); then every
    // fifth.
    assert_eq!(seen, [1, 1, 1, 1, 1, 6, 6, 6, 6, 6, 11, 11]);
}

#[tokio::test]
async fn instances_together_let_at_most_a_batch_each_more_through() {
    let store = store().await;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let key = keys::throttle("test-batch", &subject());
    let instances: Vec<LocalCounts> = (0..3).map(|_| LocalCounts::new(5)).collect();
    let mut allowed = 0;
    for round in 0..20 {
        for local in &instances {
            if store
                .throttle_hit_batched(local, &key, RULE, now)
                .await
                .unwrap()
                .allowed
            {
                allowed += 1;
            }
        }
        if round == 19 {
            // By now every instance has met the shared block.
            for local in &instances {
                let d = store
                    .throttle_hit_batched(local, &key, RULE, now)
                    .await
                    .unwrap();
                assert!(!d.allowed && d.retry_after_secs > 0, "{d:?}");
            }
        }
    }
    assert!(
        (10..=10 + 3 * 4).contains(&allowed),
        "{allowed} hits allowed for a limit of 10"
    );
}
