//! The outbox side of events: marking them published, scheduling a retry, finding the ones
//! the relay missed.

use cargoflow_domain::*;
use time::OffsetDateTime;

use crate::order_items::{EventItem, due_key};
use crate::store::{key_map, n, s};
use crate::{Store, StoreError, keys};

/// The stored name of an event's outbox status (`EventItem::status`).
const EVENT_STATUS: &str = "outbox_status";

impl Store {
    /// PENDING (or FAILED) -> PROCESSED, leaving the outbox index. A publish that succeeded
    /// wins over a concurrent worker's give-up. Idempotent: an event already PROCESSED (by a
    /// concurrent relay or sweeper) is left alone.
    pub async fn mark_event_processed(
        &self,
        tenant: &TenantId,
        event: &EventId,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let r = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::event(tenant, event))))
            .update_expression("SET #status = :done, processed_at = :now, updated_at = :now, version = version + :one REMOVE GSI2PK, GSI2SK, failed_at")
            .condition_expression("#status IN (:pending, :failed)")
            .expression_attribute_names("#status", EVENT_STATUS)
            .expression_attribute_values(":done", s("PROCESSED"))
            .expression_attribute_values(":pending", s("PENDING"))
            .expression_attribute_values(":failed", s("FAILED"))
            .expression_attribute_values(":now", s(time_util::rfc3339(now)))
            .expression_attribute_values(":one", n(1))
            .send()
            .await;
        unless_done_meanwhile(r)
    }

    /// A failed publish: one more attempt counted. While attempts remain (fewer than
    /// `max_attempts` counting this one) the event stays PENDING, due again at
    /// `next_attempt_at` (the sweeper finds it then); the last one makes it FAILED. The rule is
    /// the update's condition on the stored count, so a worker holding a stale copy (the
    /// relay's stream image) cannot miscount.
    pub async fn reschedule_or_fail(
        &self,
        tenant: &TenantId,
        event: &EventId,
        next_attempt_at: OffsetDateTime,
        error: &str,
        now: OffsetDateTime,
        max_attempts: u32,
    ) -> Result<AfterFailure, StoreError> {
        let last = max_attempts.max(1) - 1;
        let r = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::event(tenant, event))))
            .update_expression("SET retries = retries + :one, next_attempt_at = :next, last_error = :err, updated_at = :now, version = version + :one, GSI2PK = :shard, GSI2SK = :due")
            .condition_expression("#status = :pending AND retries < :last")
            .expression_attribute_names("#status", EVENT_STATUS)
            .expression_attribute_values(":pending", s("PENDING"))
            .expression_attribute_values(":last", n(last))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":next", s(time_util::rfc3339(next_attempt_at)))
            .expression_attribute_values(":err", s(error.chars().take(500).collect::<String>()))
            .expression_attribute_values(":now", s(time_util::rfc3339(now)))
            .expression_attribute_values(":shard", s(keys::gsi2_outbox_pending(event)))
            .expression_attribute_values(":due", s(format!("{}#{}", due_key(next_attempt_at), event)))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match r {
            Ok(_) => Ok(AfterFailure::Rescheduled),
            Err(e) => match e.as_service_error() {
                Some(aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c)) => {
                    let still_pending = c
                        .item()
                        .and_then(|old| old.get(EVENT_STATUS))
                        .and_then(|v| v.as_s().ok())
                        .is_some_and(|st| st == "PENDING");
                    // Still PENDING: its attempts are spent. Otherwise published (or given up)
                    // meanwhile by another worker: nothing to do.
                    if still_pending && self.fail_event(tenant, event, error, now).await? {
                        Ok(AfterFailure::Failed)
                    } else {
                        Ok(AfterFailure::DoneMeanwhile)
                    }
                }
                _ => Err(StoreError::backend("UpdateItem", e)),
            },
        }
    }
}

/// Why [`Store::retry_event`] did not move an event.
#[derive(Debug, thiserror::Error)]
pub enum RetryEventError {
    /// No such event in this tenant.
    #[error("not found")]
    NotFound,
    /// The event is not FAILED (it is this status).
    #[error("the event is {0}")]
    NotFailed(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// PENDING -> FAILED: publishing gave up after its attempts. The event leaves the due
    /// index for the failed one (an operator lists and retries those) and keeps its error.
    /// False when it was no longer PENDING (published meanwhile).
    async fn fail_event(
        &self,
        tenant: &TenantId,
        event: &EventId,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let r = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::event(tenant, event))))
            .update_expression("SET #status = :failed, retries = retries + :one, last_error = :err, failed_at = :now, updated_at = :now, version = version + :one, GSI2PK = :shard, GSI2SK = :at")
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", EVENT_STATUS)
            .expression_attribute_values(":failed", s("FAILED"))
            .expression_attribute_values(":pending", s("PENDING"))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":err", s(error.chars().take(500).collect::<String>()))
            .expression_attribute_values(":now", s(time_util::rfc3339(now)))
            .expression_attribute_values(":shard", s(keys::gsi2_outbox_failed(event)))
            .expression_attribute_values(":at", s(format!("{}#{}", due_key(now), event)))
            .send()
            .await;
        match r {
            Ok(_) => Ok(true),
            // Published meanwhile by a concurrent relay or sweeper: nothing to give up.
            Err(e) if is_condition_failure(&e) => Ok(false),
            Err(e) => Err(StoreError::backend("UpdateItem", e)),
        }
    }

    /// FAILED -> PENDING with its attempts counted from zero and due `now`: back in the
    /// sweeper's index; the caller publishes it at once. Returns the event as it is now.
    pub async fn retry_event(
        &self,
        tenant: &TenantId,
        event: &EventId,
        now: OffsetDateTime,
    ) -> Result<EventItem, RetryEventError> {
        let r = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::event(tenant, event))))
            .update_expression("SET #status = :pending, retries = :zero, next_attempt_at = :now, updated_at = :now, version = version + :one, GSI2PK = :shard, GSI2SK = :due REMOVE failed_at")
            .condition_expression("attribute_exists(PK) AND #status = :failed")
            .expression_attribute_names("#status", EVENT_STATUS)
            .expression_attribute_values(":failed", s("FAILED"))
            .expression_attribute_values(":pending", s("PENDING"))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(time_util::rfc3339(now)))
            .expression_attribute_values(":shard", s(keys::gsi2_outbox_pending(event)))
            .expression_attribute_values(":due", s(format!("{}#{}", due_key(now), event)))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match r {
            Ok(out) => Ok(serde_dynamo::from_item(out.attributes.unwrap_or_default())
                .map_err(StoreError::from)?),
            Err(e) => match e.as_service_error() {
                Some(aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c)) => {
                    match c.item() {
                        Some(old) => Err(RetryEventError::NotFailed(
                            old.get(EVENT_STATUS)
                                .and_then(|v| v.as_s().ok())
                                .cloned()
                                .unwrap_or_default(),
                        )),
                        None => Err(RetryEventError::NotFound),
                    }
                }
                _ => Err(StoreError::backend("UpdateItem", e).into()),
            },
        }
    }

    /// FAILED events across every tenant (every shard, page after page), oldest first per
    /// shard, at most `max` in all.
    pub async fn failed_events(&self, max: usize) -> Result<Vec<EventItem>, StoreError> {
        let mut out = Vec::new();
        for shard in 0..keys::OUTBOX_SHARDS {
            let shard_key = keys::gsi2_outbox_failed_shard(shard);
            for item in self
                .query_all(Some(keys::GSI2), keys::GSI2PK, &shard_key, max - out.len())
                .await?
            {
                out.push(serde_dynamo::from_item(item)?);
            }
        }
        Ok(out)
    }
}

type UpdateResult<O> = Result<
    O,
    aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::update_item::UpdateItemError,
        aws_sdk_dynamodb::config::http::HttpResponse,
    >,
>;

fn is_condition_failure<O>(
    e: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::update_item::UpdateItemError,
        O,
    >,
) -> bool {
    matches!(
        e.as_service_error(),
        Some(aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(_))
    )
}

/// A conditional update whose condition failed because another relay or sweeper already did
/// the work: fine. Any other error is one.
fn unless_done_meanwhile<O>(r: UpdateResult<O>) -> Result<(), StoreError> {
    match r {
        Ok(_) => Ok(()),
        Err(e) if is_condition_failure(&e) => Ok(()),
        Err(e) => Err(StoreError::backend("UpdateItem", e)),
    }
}

/// An outbox event that cannot be sent: its stored type or payload is not one CargoFlow
/// writes (nothing does that; such an event fails its publish and ends FAILED, alarmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event {id} cannot be published: {why}")]
pub struct UnpublishableEvent {
    pub id: String,
    pub why: String,
}

/// The envelope an outbox event is published as (the EventBridge detail, the webhook body).
impl TryFrom<&EventItem> for EventEnvelope {
    type Error = UnpublishableEvent;

    fn try_from(e: &EventItem) -> Result<Self, Self::Error> {
        let bad = |why: String| UnpublishableEvent {
            id: e.id.clone(),
            why,
        };
        Ok(EventEnvelope {
            created_at: e.created_at,
            data: serde_json::from_str(&e.payload)
                .map_err(|err| bad(format!("its payload is not JSON ({err})")))?,
            id: EventId::from_stored(e.id.clone()),
            tenant_id: TenantId::from_stored(e.tenant_id.clone()),
            event_type: EventType::parse(&e.event_type)
                .ok_or_else(|| bad(format!("unknown event type {}", e.event_type)))?,
        })
    }
}

/// What became of an event whose publish failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// PENDING, tried again at its next attempt.
    Rescheduled,
    /// Its attempts are spent: FAILED (alarm; retried by hand).
    Failed,
    /// Another worker published it or gave it up meanwhile.
    DoneMeanwhile,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> EventItem {
        let tenant = TenantId::generate();
        let e = NewEvent {
            id: EventId::generate(),
            event_type: EventType::RouteStarted,
            occurred_at: time_util::parse_rfc3339("2026-11-22T06:05:14.5Z").unwrap(),
            payload: serde_json::json!({"route": {"id": "r", "stops": 3}}),
        };
        EventItem::new(&tenant, &e)
    }

    #[test]
    fn an_outbox_item_is_published_as_its_envelope() {
        let i = item();
        let env = EventEnvelope::try_from(&i).unwrap();
        assert_eq!(env.id.as_str(), i.id);
        assert_eq!(env.tenant_id.as_str(), i.tenant_id);
        assert_eq!(env.event_type, EventType::RouteStarted);
        assert_eq!(env.created_at, i.created_at);
        assert_eq!(
            env.data,
            serde_json::json!({"route": {"id": "r", "stops": 3}})
        );
        assert!(
            env.to_json()
                .starts_with(r#"{"created_at":"2026-11-22T06:05:14.5Z","data":{"route":"#),
            "{}",
            env.to_json()
        );
    }

    #[test]
    fn an_unreadable_item_is_not_published() {
        let mut i = item();
        i.event_type = "route.exploded".into();
        let err = EventEnvelope::try_from(&i).unwrap_err();
        assert!(err.to_string().contains("route.exploded"), "{err}");
        let mut i = item();
        i.payload = "{not json".into();
        assert!(EventEnvelope::try_from(&i).is_err());
    }
}
