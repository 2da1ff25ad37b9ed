//! Publishing outbox events to EventBridge, shared by the stream relay and the sweeper.
//! The event id stays the same end to end, so publishing twice is harmless downstream.

use cargoflow_domain::{EventId, TenantId, time_util};
use cargoflow_store::order_items::EventItem;
use cargoflow_store::outbox::AfterFailure;
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
                            Some(r) if r.error_code().is_some() => {
                                tracing::warn!(
                                    code = r.error_code(),
                                    message = r.error_message(),
                                    "PutEvents refused an entry"
                                );
                                Err(format!(
                                    "EventBridge refused the event ({})",
                                    r.error_code().unwrap_or("")
                                ))
                            }
                            Some(_) => Ok(()),
                            None => Err("no result for this entry".into()),
                        });
                    }
                }
                Err(e) => {
                    // The full error (it names the account, the role and request ids) goes to
                    // the log only; the event keeps a classified message tenants may see.
                    tracing::warn!(error = ?e, "PutEvents failed");
                    let msg = match e.as_service_error().and_then(|s| {
                        aws_sdk_eventbridge::error::ProvideErrorMetadata::code(s)
                            .map(str::to_string)
                    }) {
                        Some(code) => format!("EventBridge refused the events ({code})"),
                        None => "EventBridge could not be reached".to_string(),
                    };
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

/// Publishes `events` and records the outcome on each: PROCESSED, PENDING with a retry
/// scheduled, or FAILED once its `OUTBOX_MAX_ATTEMPTS` are spent (logged as an error and
/// counted in the `OutboxEventsFailed` metric, which alarms). Returns the ids that failed.
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
                let next = now + retry_delay(e.retries, deps.config.outbox_retry_base_secs);
                let outcome = deps
                    .store
                    .reschedule_or_fail(
                        &tenant,
                        &id,
                        next,
                        &err,
                        now,
                        deps.config.outbox_max_attempts,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                match outcome {
                    AfterFailure::Failed => {
                        tracing::error!(event_id = %id, tenant_id = %tenant, error = %err, "event publish gave up: FAILED");
                        cargoflow_http::metrics::count(&[], &[("OutboxEventsFailed", 1.0)]);
                    }
                    AfterFailure::Rescheduled => {
                        tracing::warn!(event_id = %id, error = %err, "event publish failed; retried later");
                    }
                    AfterFailure::DoneMeanwhile => {}
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
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(0, 30), time::Duration::seconds(30));
        assert_eq!(retry_delay(3, 30), time::Duration::seconds(240));
        assert_eq!(retry_delay(20, 30), time::Duration::seconds(3600));
        assert_eq!(retry_delay(2, 0), time::Duration::ZERO);
        // OUTBOX_MAX_ATTEMPTS = 10 at the defaults: about three hours before FAILED.
        let total: i64 = (0..9).map(|r| retry_delay(r, 30).whole_seconds()).sum();
        assert!((10_000..12_000).contains(&total), "{total}");
    }
}
