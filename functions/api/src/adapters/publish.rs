//! Publishing outbox events to EventBridge, shared by the stream relay and the sweeper.
//! The event id stays the same end to end, so publishing twice is harmless downstream.

use cargoflow_domain::{EventEnvelope, EventId, TenantId, time_util};
use cargoflow_store::order_items::EventItem;
use cargoflow_store::outbox::AfterFailure;
use futures::StreamExt;

use crate::Deps;

pub const SOURCE: &str = cargoflow_domain::events::EVENT_SOURCE;

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

    /// PutEvents in batches of 10 (EventBridge's limit; [`PUT_CONCURRENCY`] at once), each
    /// event's envelope as its detail; one result per event, in order. An event that has no
    /// envelope (never written so) fails without being sent.
    pub async fn publish(&self, events: &[EventItem]) -> Vec<Result<(), String>> {
        let mut results: Vec<Result<(), String>> = Vec::with_capacity(events.len());
        let mut sendable: Vec<(usize, EventEnvelope)> = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            match EventEnvelope::try_from(e) {
                Ok(env) => {
                    sendable.push((i, env));
                    results.push(Ok(()));
                }
                Err(err) => {
                    tracing::error!(error = %err, "outbox event without an envelope");
                    results.push(Err(err.to_string()));
                }
            }
        }
        // The calls made before the stream polls them: no closure is kept in this future
        // (one would make it lose `Send` over the borrowed chunks).
        let calls: Vec<_> = sendable
            .chunks(10)
            .map(|chunk| self.put_chunk(chunk))
            .collect();
        let sent: Vec<Vec<(usize, Result<(), String>)>> = futures::stream::iter(calls)
            .buffered(PUT_CONCURRENCY)
            .collect()
            .await;
        for (i, r) in sent.into_iter().flatten() {
            results[i] = r;
        }
        results
    }

    /// One PutEvents of at most 10 envelopes; each one's result, by its index.
    async fn put_chunk(
        &self,
        chunk: &[(usize, EventEnvelope)],
    ) -> Vec<(usize, Result<(), String>)> {
        let entries: Vec<_> = chunk
            .iter()
            .map(|(_, env)| {
                aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
                    .event_bus_name(&self.bus)
                    .source(SOURCE)
                    .detail_type(env.event_type.as_str())
                    .detail(env.to_json())
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
                chunk
                    .iter()
                    .enumerate()
                    .map(|(n, (i, _))| {
                        let r = match per_entry.get(n) {
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
                        };
                        (*i, r)
                    })
                    .collect()
            }
            Err(e) => {
                // The full error (it names the account, the role and request ids) goes to
                // the log only; the event keeps a classified message tenants may see.
                tracing::warn!(error = ?e, "PutEvents failed");
                let msg = match e.as_service_error().and_then(|s| {
                    aws_sdk_eventbridge::error::ProvideErrorMetadata::code(s).map(str::to_string)
                }) {
                    Some(code) => format!("EventBridge refused the events ({code})"),
                    None => "EventBridge could not be reached".to_string(),
                };
                chunk.iter().map(|(i, _)| (*i, Err(msg.clone()))).collect()
            }
        }
    }
}

/// PutEvents calls under way at once (10 entries each).
const PUT_CONCURRENCY: usize = 4;

/// How long until a failed event is tried again: `base` doubling with each retry, at most an
/// hour.
pub fn retry_delay(retries: u32, base_secs: i64) -> time::Duration {
    time::Duration::seconds((base_secs.max(0) << retries.min(7)).min(3600))
}

/// Outcomes recorded at once by [`publish_and_record`] (one conditional update each).
const RECORD_CONCURRENCY: usize = 10;

/// Publishes `events` and records the outcome on each: PROCESSED, PENDING with a retry
/// scheduled, or FAILED once its `OUTBOX_MAX_ATTEMPTS` are spent (logged as an error and
/// counted in the `OutboxEventsFailed` metric, which alarms). The outcomes are recorded
/// concurrently (each event's own update). Returns the ids that failed.
pub async fn publish_and_record(deps: &Deps, events: &[EventItem]) -> Result<Vec<EventId>, String> {
    if events.is_empty() {
        return Ok(vec![]);
    }
    let results = deps.publisher().await.publish(events).await;
    let now = time_util::now();
    let records: Vec<_> = events
        .iter()
        .zip(results)
        .map(|(e, r)| record_outcome(deps, e, r, now))
        .collect();
    let recorded: Vec<Result<Option<EventId>, String>> = futures::stream::iter(records)
        .buffer_unordered(RECORD_CONCURRENCY)
        .collect()
        .await;
    let mut failed = Vec::new();
    for r in recorded {
        failed.extend(r?);
    }
    Ok(failed)
}

/// Records one event's publish result; Some(id) when it failed.
async fn record_outcome(
    deps: &Deps,
    e: &EventItem,
    result: Result<(), String>,
    now: time::OffsetDateTime,
) -> Result<Option<EventId>, String> {
    let tenant = TenantId::from_stored(e.tenant_id.clone());
    let id = EventId::from_stored(e.id.clone());
    let err = match result {
        Ok(()) => {
            return deps
                .store
                .mark_event_processed(&tenant, &id, now)
                .await
                .map(|()| None)
                .map_err(|e| e.to_string());
        }
        Err(err) => err,
    };
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
    Ok(Some(id))
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
