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

/// How long until a failed event is tried again: `base` doubling with each retry, at most an
/// hour.
pub fn retry_delay(retries: u32, base_secs: i64) -> time::Duration {
    time::Duration::seconds((base_secs.max(0) << retries.min(7)).min(3600))
}

/// What becomes of an event whose publish failed: tried again later, or given up (FAILED)
/// once it has had `max_attempts` attempts (this one included).
pub fn after_failure(retries_before: u32, max_attempts: u32) -> AfterFailure {
    if retries_before + 1 >= max_attempts.max(1) {
        AfterFailure::GiveUp
    } else {
        AfterFailure::RetryLater
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AfterFailure {
    RetryLater,
    GiveUp,
}

/// Publishes `events` and records the outcome on each: PROCESSED, PENDING with a retry
/// scheduled, or FAILED once its attempts are spent (logged as an error and counted in the
/// `OutboxEventsFailed` metric, which alarms). Returns the ids that failed.
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
                match after_failure(e.retries, deps.config.outbox_max_attempts) {
                    AfterFailure::RetryLater => {
                        tracing::warn!(event_id = %id, retries = e.retries, error = %err, "event publish failed");
                        let next = now + retry_delay(e.retries, deps.config.outbox_retry_base_secs);
                        deps.store
                            .reschedule_event(&tenant, &id, next, &err, now)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    AfterFailure::GiveUp => {
                        tracing::error!(event_id = %id, tenant_id = %tenant, attempts = e.retries + 1, error = %err, "event publish gave up: FAILED");
                        deps.store
                            .fail_event(&tenant, &id, &err, now)
                            .await
                            .map_err(|e| e.to_string())?;
                        cargoflow_http::metrics::count(&[], &[("OutboxEventsFailed", 1.0)]);
                    }
                }
                failed.push(id);
            }
        }
    }
    Ok(failed)
}

/// Puts a FAILED event back (PENDING, attempts from zero) and publishes it at once. Returns
/// the event as it is afterwards: PROCESSED, or PENDING with its next attempt scheduled.
pub async fn retry_failed(
    deps: &Deps,
    tenant: &TenantId,
    id: &EventId,
) -> Result<EventItem, cargoflow_store::outbox::RetryEventError> {
    let pending = deps.store.retry_event(tenant, id, time_util::now()).await?;
    if let Err(e) = publish_and_record(deps, std::slice::from_ref(&pending)).await {
        // Recording the outcome failed; the event is PENDING and due: the sweeper has it.
        tracing::warn!(event_id = %id, error = %e, "retried event: outcome not recorded");
    }
    Ok(deps.store.get_event(tenant, id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_then_give_up() {
        assert_eq!(retry_delay(0, 30), time::Duration::seconds(30));
        assert_eq!(retry_delay(3, 30), time::Duration::seconds(240));
        assert_eq!(retry_delay(20, 30), time::Duration::seconds(3600));
        assert_eq!(retry_delay(2, 0), time::Duration::ZERO);
        assert_eq!(after_failure(0, 10), AfterFailure::RetryLater);
        assert_eq!(after_failure(8, 10), AfterFailure::RetryLater);
        assert_eq!(
            after_failure(9, 10),
            AfterFailure::GiveUp,
            "the tenth attempt was the last"
        );
        assert_eq!(after_failure(0, 1), AfterFailure::GiveUp);
        assert_eq!(
            after_failure(0, 0),
            AfterFailure::GiveUp,
            "at least one attempt"
        );
    }
}
