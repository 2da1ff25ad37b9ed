//! Publishing outbox events to EventBridge, shared by the stream relay and the sweeper.
//! The event id stays the same end to end, so publishing twice is harmless downstream.

use cargoflow_domain::{EventId, TenantId, time_util};
use cargoflow_store::order_items::EventItem;
use serde_json::json;

use crate::Deps;

pub const SOURCE: &str = "cargoflow";

pub struct Publisher {
    client: aws_sdk_eventbridge::Client,
    bus: String,
}

impl Publisher {
    pub fn new(client: aws_sdk_eventbridge::Client, bus: impl Into<String>) -> Self {
        Self {
            client,
            bus: bus.into(),
        }
    }

    /// A client from the function's SDK configuration, with its interceptors.
    pub fn from_sdk(
        sdk: &cargoflow_aws::SdkConfig,
        interceptors: &[cargoflow_aws::SharedInterceptor],
        bus: String,
    ) -> Self {
        Self::new(
            cargoflow_aws::client!(aws_sdk_eventbridge, sdk, interceptors),
            bus,
        )
    }

    /// The envelope receivers get (the webhook body, issue 5).
    pub fn envelope(e: &EventItem) -> serde_json::Value {
        json!({
            "id": e.id,
            "type": e.event_type,
            "tenant_id": e.tenant_id,
            "created_at": time_util::rfc3339(e.created_at),
            "data": serde_json::from_str::<serde_json::Value>(&e.payload).unwrap_or(serde_json::Value::Null),
        })
    }

    /// PutEvents in batches of 10 (EventBridge's limit); one result per event, in order.
    pub async fn publish(&self, events: &[EventItem]) -> Vec<Result<(), String>> {
        let mut results = Vec::with_capacity(events.len());
        for chunk in events.chunks(10) {
            let entries: Vec<_> = chunk
                .iter()
                .map(|e| {
                    aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
                        .event_bus_name(&self.bus)
                        .source(SOURCE)
                        .detail_type(&e.event_type)
                        .detail(Self::envelope(e).to_string())
                        .build()
                })
                .collect();
            match self
                .client
                .put_events()
                .set_entries(Some(entries))
                .send()
                .await
            {
                Ok(out) => {
                    let per_entry = out.entries();
                    for (i, _) in chunk.iter().enumerate() {
                        results.push(match per_entry.get(i) {
                            Some(r) if r.error_code().is_some() => Err(format!(
                                "{}: {}",
                                r.error_code().unwrap_or(""),
                                r.error_message().unwrap_or("")
                            )),
                            Some(_) => Ok(()),
                            None => Err("no result for this entry".into()),
                        });
                    }
                }
                Err(e) => {
                    let msg = format!("PutEvents failed: {e:?}");
                    results.extend(chunk.iter().map(|_| Err(msg.clone())));
                }
            }
        }
        results
    }
}

/// How long until a failed event is tried again: 30 s doubling, at most an hour.
pub fn retry_delay(retries: u32) -> time::Duration {
    time::Duration::seconds((30i64 << retries.min(7)).min(3600))
}

/// Publishes `events` and records the outcome on each: PROCESSED, or PENDING with a retry
/// scheduled. Returns the ids that failed.
pub async fn publish_and_record(deps: &Deps, events: &[EventItem]) -> Result<Vec<EventId>, String> {
    if events.is_empty() {
        return Ok(vec![]);
    }
    let results = deps.publisher().await.publish(events).await;
    let now = time_util::now();
    let mut failed = Vec::new();
    for (e, r) in events.iter().zip(results) {
        let tenant = TenantId::from_stored(e.tenant_id.clone());
        let id = EventId::from_stored(e.id.clone());
        match r {
            Ok(()) => deps
                .store
                .mark_event_processed(&tenant, &id, now)
                .await
                .map_err(|e| e.to_string())?,
            Err(err) => {
                tracing::warn!(event_id = %id, error = %err, "event publish failed");
                deps.store
                    .reschedule_event(&tenant, &id, now + retry_delay(e.retries), &err, now)
                    .await
                    .map_err(|e| e.to_string())?;
                failed.push(id);
            }
        }
    }
    Ok(failed)
}
