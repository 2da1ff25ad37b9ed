//! DynamoDB stream -> EventBridge: every newly inserted outbox Event is published and marked
//! PROCESSED. A failed publish is recorded on the event (PENDING with its next attempt, or
//! FAILED once its attempts are spent): the outbox is the retry, and the sweeper makes it, so
//! the stream moves on. Only a failure to record the outcome fails the invocation, and then
//! Lambda retries the whole batch (a republish is harmless: receivers dedupe on the id).

use std::sync::Arc;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use cargoflow_store::order_items::EventItem;

use crate::Deps;

pub async fn handle(deps: Arc<Deps>, event: Event) -> Result<DynamoDbEventResponse, String> {
    let started = std::time::Instant::now();
    let mut items: Vec<EventItem> = Vec::new();
    for r in &event.records {
        if r.event_name != "INSERT" {
            continue;
        }
        let Ok(item) = serde_dynamo::from_item::<_, EventItem>(r.change.new_image.clone()) else {
            continue;
        };
        if item.entity_type == EventItem::TYPE && item.status == "PENDING" {
            items.push(item);
        }
    }
    let failed = crate::publish::publish_and_record(&deps, &items).await?;
    tracing::info!(
        records = event.records.len(),
        published = items.len() - failed.len(),
        failed = failed.len(),
        ms = started.elapsed().as_millis() as u64,
        "relay batch"
    );
    Ok(DynamoDbEventResponse::default())
}
