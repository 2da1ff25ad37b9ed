//! DynamoDB stream -> EventBridge: every newly inserted outbox Event is published and marked
//! PROCESSED. A failed publish leaves the event PENDING with a retry scheduled (the sweeper's
//! safety net) and reports its stream record, so Lambda retries the batch from there.

use std::sync::Arc;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use cargoflow_store::order_items::EventItem;

use crate::Deps;

pub async fn handle(deps: Arc<Deps>, event: Event) -> Result<DynamoDbEventResponse, String> {
    let mut candidates: Vec<(String, EventItem)> = Vec::new();
    for r in &event.records {
        if r.event_name != "INSERT" {
            continue;
        }
        let Ok(item) = serde_dynamo::from_item::<_, EventItem>(r.change.new_image.clone()) else {
            continue;
        };
        if item.entity_type == EventItem::TYPE && item.status == "PENDING" {
            candidates.push((r.change.sequence_number.clone().unwrap_or_default(), item));
        }
    }
    let items: Vec<EventItem> = candidates.iter().map(|(_, i)| i.clone()).collect();
    let failed = crate::publish::publish_and_record(&deps, &items).await?;
    let mut response = DynamoDbEventResponse::default();
    for (seq, item) in &candidates {
        if failed.iter().any(|f| f.as_str() == item.id) {
            let mut f = DynamoDbBatchItemFailure::default();
            f.item_identifier = Some(seq.clone());
            response.batch_item_failures.push(f);
        }
    }
    tracing::info!(
        records = event.records.len(),
        published = items.len() - failed.len(),
        failed = failed.len(),
        "relay batch"
    );
    Ok(response)
}
