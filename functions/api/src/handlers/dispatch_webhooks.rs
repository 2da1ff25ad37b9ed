//! SQS (the webhook queue) -> tenants' URLs. Each message is read into the event's
//! [`EventEnvelope`] (the type the relay published); then: load the tenant's settings, skip
//! what it does not subscribe to ([`Skip`]), POST the envelope signed per Standard Webhooks,
//! and record the attempt with the [`AttemptVerdict`] its answer gets. 2xx: delivered. 410:
//! the endpoint is switched off. 429, 5xx, timeouts and connection errors: retried through the
//! message's visibility timeout on the configured schedule (honouring Retry-After). Other 4xx:
//! failed for good. The batch's result is one [`MessageResult`] per message; those that keep
//! their message are reported as batch item failures.
//!
//! Tenants cannot hold each other up: a batch's messages are delivered concurrently (at most
//! [`CONCURRENCY`] at once), each attempt has its own deadline ([`DELIVERY_DEADLINE`], well
//! under the function's 10 s timeout), and a message that cannot be started within the
//! batch's budget is *deferred*: sent again as a copy carrying the attempts it already had
//! ([`ATTEMPTS_ATTRIBUTE`]) and deleted, so waiting spends none of its attempts (its receive
//! count starts over with the copy). The attempt number is that attribute plus the
//! ApproximateReceiveCount. After the last attempt the dispatcher itself dead-letters the
//! message into its tenant's dead-letter partition (the replay reads only the caller's); the
//! queue's own redrive to the SQS DLQ stays as the backstop for messages the function never
//! got to handle (crashes) and for messages that are not event envelopes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use cargoflow_domain::webhooks::{
    AttemptVerdict, DeliveryOutcome, Skip, WebhookDelivery, WebhookSettings, attempts_spent,
};
use cargoflow_domain::{EventBridgeMessage, EventEnvelope, TenantId, time_util};
use futures::StreamExt;
use tokio::time::Instant;

use crate::Deps;

/// The longest one attempt may take (connect, send, answer); `WEBHOOK_TIMEOUT_SECS` may set
/// it lower. Well under the function's 10 s timeout, so a tarpit costs only its own message.
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(4);
/// A delivery is started only while it can end (with its record written) within this much of
/// the batch's start; later ones are deferred. The function's timeout is 10 s.
pub const BATCH_BUDGET: Duration = Duration::from_secs(8);
/// Attempts under way at once within a batch.
pub const CONCURRENCY: usize = 5;
/// Message attribute of a deferred copy: the attempts made before it was sent.
pub const ATTEMPTS_ATTRIBUTE: &str = "cargoflow-attempts";
/// Time kept for writing an attempt's record after its deadline.
const RECORD_MARGIN: Duration = Duration::from_millis(1500);
/// A deferred copy comes back after this many seconds.
const DEFER_DELAY_SECS: i32 = 1;

type SettingsCache = tokio::sync::Mutex<HashMap<TenantId, Option<WebhookSettings>>>;

/// What became of one message of a batch (the batch's result is one per message).
#[derive(Debug, Clone, PartialEq)]
pub enum MessageResult {
    /// Not an EventBridge message with a CargoFlow event envelope (nothing CargoFlow queues;
    /// a type this dispatcher does not know yet, say): left on the queue, so the queue's
    /// redrive moves it to the SQS DLQ, where it can be looked at and redriven.
    Unreadable,
    /// The tenant takes no delivery of this event: nothing sent, nothing recorded.
    Skipped(Skip),
    /// Attempted, and the attempt recorded with [`AttemptVerdict::outcome`].
    Attempted(AttemptVerdict),
    /// Its attempts were spent by earlier receives (giving up did not finish then): put in
    /// the tenant's dead letters without another attempt.
    DeadLettered,
    /// Not started within the batch's budget: sent again as a copy carrying its attempts
    /// (`copied`), or, when that failed, left to come back after its visibility.
    Deferred { copied: bool },
    /// Started, but unfinished when the batch's time ran out.
    Unfinished,
    /// Could not be handled (the store or SQS failed): it comes back after its visibility.
    Error(String),
}

impl MessageResult {
    /// Whether the message stays on the queue (reported in `batchItemFailures`); every other
    /// message is done with and deleted.
    pub fn keeps_message(&self) -> bool {
        match self {
            MessageResult::Attempted(AttemptVerdict::RetryLater { .. })
            | MessageResult::Unreadable
            | MessageResult::Deferred { copied: false }
            | MessageResult::Unfinished
            | MessageResult::Error(_) => true,
            MessageResult::Skipped(_)
            | MessageResult::Attempted(_)
            | MessageResult::DeadLettered
            | MessageResult::Deferred { copied: true } => false,
        }
    }
}

/// This receive's attempt number: the attempts of earlier copies plus the receive count.
pub fn attempt_of(m: &SqsMessage) -> u32 {
    let received: u32 = m
        .attributes
        .get("ApproximateReceiveCount")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    received + attempts_before(m)
}

fn attempts_before(m: &SqsMessage) -> u32 {
    m.message_attributes
        .get(ATTEMPTS_ATTRIBUTE)
        .and_then(|a| a.string_value.as_deref())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The per-attempt deadline: `WEBHOOK_TIMEOUT_SECS`, at most [`DELIVERY_DEADLINE`].
fn delivery_deadline(deps: &Deps) -> Duration {
    Duration::from_secs(deps.config.webhook_timeout_secs.max(1)).min(DELIVERY_DEADLINE)
}

async fn settings_of(
    deps: &Deps,
    tenant: &TenantId,
    cache: &SettingsCache,
) -> Result<Option<WebhookSettings>, String> {
    let cached = cache.lock().await.get(tenant).cloned();
    if let Some(s) = cached {
        return Ok(s);
    }
    let s = deps
        .store
        .get_webhook_settings(tenant)
        .await
        .map_err(|e| e.to_string())?;
    cache.lock().await.insert(tenant.clone(), s.clone());
    Ok(s)
}

/// The envelope in a queue message (None: not one).
pub fn envelope_of(m: &SqsMessage) -> Option<EventEnvelope> {
    let raw = m.body.as_deref().unwrap_or("");
    match serde_json::from_str::<EventBridgeMessage>(raw) {
        Ok(msg) => Some(msg.detail),
        Err(e) => {
            tracing::warn!(message_id = ?m.message_id, error = %e, "not an EventBridge message with an event envelope: left for the DLQ");
            None
        }
    }
}

async fn deliver_one(
    deps: &Deps,
    m: &SqsMessage,
    cache: &SettingsCache,
) -> Result<MessageResult, String> {
    let Some(event) = envelope_of(m) else {
        return Ok(MessageResult::Unreadable);
    };
    let raw = m.body.as_deref().unwrap_or("");
    let tenant = &event.tenant_id;
    let Some(settings) = settings_of(deps, tenant, cache).await? else {
        return Ok(MessageResult::Skipped(Skip::NoSettings));
    };
    let url = match settings.target(event.event_type) {
        Ok(url) => url.to_string(),
        Err(skip) => return Ok(MessageResult::Skipped(skip)),
    };
    let attempt = attempt_of(m);
    let schedule = &deps.config.webhook_retry_schedule;
    let now = time_util::now();
    if attempts_spent(attempt, schedule) {
        // Its last attempt was made but giving up did not finish (the dead letter was not
        // written): finish it without another attempt.
        dead_letter(deps, &event, raw, attempt - 1, None, now).await?;
        return Ok(MessageResult::DeadLettered);
    }
    let body = event.to_json();
    let deadline = delivery_deadline(deps);
    let secrets = settings.signing_secrets(now);
    let send = deps.webhook_client().send(
        &url,
        &secrets,
        event.id.as_str(),
        now.unix_timestamp(),
        &body,
    );
    let answer = match tokio::time::timeout(deadline, send).await {
        Ok(o) => o,
        Err(_) => crate::webhook_client::Outcome {
            status: None,
            latency_ms: deadline.as_millis() as u64,
            retry_after_secs: None,
            error: Some(format!(
                "timeout: no answer within {} ms",
                deadline.as_millis()
            )),
        },
    };
    let verdict = AttemptVerdict::judge(answer.status, answer.retry_after_secs, attempt, schedule);
    if verdict == AttemptVerdict::Gone {
        deps.store
            .disable_webhook(tenant, "the receiver answered 410 Gone", now)
            .await
            .map_err(|e| e.to_string())?;
        cache.lock().await.remove(tenant);
    }
    let outcome = verdict.outcome();
    let record = WebhookDelivery {
        id: ulid::Ulid::new().to_string(),
        event_id: event.id.to_string(),
        event_type: event.event_type.as_str().to_string(),
        attempt,
        outcome,
        status_code: answer.status,
        latency_ms: Some(answer.latency_ms),
        error: answer.error.clone(),
        next_retry_at: verdict.next_retry_at(now),
        url,
        created_at: now,
    };
    deps.store
        .record_delivery(tenant, &record)
        .await
        .map_err(|e| e.to_string())?;
    if let AttemptVerdict::DeadLetter { .. } = verdict {
        // The last attempt failed: into the tenant's dead letters, then deleted.
        dead_letter(deps, &event, raw, attempt, answer.error.clone(), now).await?;
    }
    tracing::info!(tenant_id = %tenant, event_id = %event.id, attempt, %outcome, verdict = ?verdict, status = ?answer.status, latency_ms = answer.latency_ms, "webhook attempt");
    let failed = if outcome == DeliveryOutcome::Delivered {
        0.0
    } else {
        1.0
    };
    cargoflow_http::metrics::count(
        &[],
        &[("WebhookAttempts", 1.0), ("WebhookFailures", failed)],
    );
    Ok(MessageResult::Attempted(verdict))
}

/// Keeps the message in its tenant's dead letters (the replay of that tenant sends it again).
async fn dead_letter(
    deps: &Deps,
    event: &EventEnvelope,
    body: &str,
    attempts: u32,
    last_error: Option<String>,
    now: time::OffsetDateTime,
) -> Result<(), String> {
    let letter = cargoflow_store::webhooks::DeadLetter {
        id: ulid::Ulid::new().to_string(),
        event_id: event.id.to_string(),
        event_type: event.event_type.as_str().to_string(),
        body: body.to_string(),
        attempts,
        last_error,
        created_at: now,
    };
    deps.store
        .put_dead_letter(&event.tenant_id, &letter)
        .await
        .map_err(|e| e.to_string())?;
    tracing::warn!(tenant_id = %event.tenant_id, event_id = %event.id, attempts, "webhook dead-lettered");
    cargoflow_http::metrics::count(&[], &[("WebhookDeadLetters", 1.0)]);
    Ok(())
}

/// The queue a message came from (the last part of its source ARN), by URL.
async fn queue_of(deps: &Deps, m: &SqsMessage) -> Result<String, String> {
    let name = m
        .event_source_arn
        .as_deref()
        .and_then(|arn| arn.rsplit(':').next())
        .unwrap_or_default();
    deps.url_of_queue(name).await
}

fn failure(m: &SqsMessage) -> BatchItemFailure {
    let mut f = BatchItemFailure::default();
    f.item_identifier = m.message_id.clone().unwrap_or_default();
    f
}

/// One message, attempted: a retry's delay is set on the message's visibility.
async fn process(deps: &Deps, m: &SqsMessage, cache: &SettingsCache) -> MessageResult {
    let result = match deliver_one(deps, m, cache).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(message_id = ?m.message_id, error = %e, "webhook message failed");
            return MessageResult::Error(e);
        }
    };
    if let MessageResult::Attempted(AttemptVerdict::RetryLater { delay_secs, .. }) = result {
        // Back off through the message's visibility timeout (SQS delays cap at 15 min).
        if let Some(handle) = m.receipt_handle.as_deref() {
            match queue_of(deps, m).await {
                Ok(url) => {
                    if let Err(e) = deps
                        .sqs()
                        .change_message_visibility()
                        .queue_url(url)
                        .receipt_handle(handle)
                        .visibility_timeout(delay_secs as i32)
                        .send()
                        .await
                    {
                        tracing::warn!(error = ?e, "could not set the retry delay");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not find the message's queue"),
            }
        }
    }
    result
}

/// A message not attempted within the batch's budget: sent again as a copy that carries the
/// attempts made so far (so the wait costs none), the original deleted. When the copy cannot
/// be sent, the original stays and comes back after its visibility.
async fn defer(deps: &Deps, m: &SqsMessage) -> MessageResult {
    let spent = attempt_of(m).saturating_sub(1);
    let sent = async {
        let url = queue_of(deps, m).await?;
        let attr = aws_sdk_sqs::types::MessageAttributeValue::builder()
            .data_type("Number")
            .string_value(spent.to_string())
            .build()
            .map_err(|e| e.to_string())?;
        deps.sqs()
            .send_message()
            .queue_url(url)
            .message_body(m.body.clone().unwrap_or_default())
            .delay_seconds(DEFER_DELAY_SECS)
            .message_attributes(ATTEMPTS_ATTRIBUTE, attr)
            .send()
            .await
            .map_err(|e| format!("SendMessage: {e:?}"))
    }
    .await;
    match sent {
        Ok(_) => {
            tracing::info!(message_id = ?m.message_id, spent, "webhook deferred to the next batch");
            cargoflow_http::metrics::count(&[], &[("WebhookDeferred", 1.0)]);
            MessageResult::Deferred { copied: true }
        }
        Err(e) => {
            tracing::warn!(message_id = ?m.message_id, error = %e, "could not defer: back through the visibility");
            MessageResult::Deferred { copied: false }
        }
    }
}

/// One message of the batch: attempted if it can still end within the budget, else deferred.
async fn one(
    deps: Arc<Deps>,
    cache: Arc<SettingsCache>,
    m: SqsMessage,
    last_start: Instant,
    hard_stop: Instant,
) -> (SqsMessage, MessageResult) {
    if Instant::now() > last_start {
        let r = defer(&deps, &m).await;
        return (m, r);
    }
    let r = match tokio::time::timeout_at(hard_stop, process(&deps, &m, &cache)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(message_id = ?m.message_id, "attempt unfinished at the batch's end");
            MessageResult::Unfinished
        }
    };
    (m, r)
}

/// The batch's answer to the event source: the messages that stay on the queue.
pub fn batch_response(results: &[(SqsMessage, MessageResult)]) -> SqsBatchResponse {
    let mut resp = SqsBatchResponse::default();
    resp.batch_item_failures = results
        .iter()
        .filter(|(_, r)| r.keeps_message())
        .map(|(m, _)| failure(m))
        .collect();
    resp
}

pub async fn handle(deps: Arc<Deps>, event: SqsEvent) -> Result<SqsBatchResponse, String> {
    let started = Instant::now();
    let cache: Arc<SettingsCache> = Arc::new(tokio::sync::Mutex::new(HashMap::new()));
    let deadline = delivery_deadline(&deps);
    // Last moment to start an attempt, and the moment an unfinished one is given up.
    let last_start = (started + BATCH_BUDGET)
        .checked_sub(deadline + RECORD_MARGIN)
        .unwrap_or(started);
    let hard_stop = started + BATCH_BUDGET;
    let results: Vec<(SqsMessage, MessageResult)> = futures::stream::iter(event.records)
        .map(|m| one(deps.clone(), cache.clone(), m, last_start, hard_stop))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    Ok(batch_response(&results))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargoflow_domain::webhooks::AttemptFailure;

    fn message(id: &str, body: &str) -> SqsMessage {
        let mut m = SqsMessage::default();
        m.message_id = Some(id.into());
        m.body = Some(body.into());
        m
    }

    #[test]
    fn only_retries_unreadable_and_unfinished_messages_stay_on_the_queue() {
        use MessageResult as R;
        let retry = AttemptVerdict::RetryLater {
            delay_secs: 5,
            reason: AttemptFailure::Status(503),
        };
        let cases = [
            (R::Skipped(Skip::NotSubscribed), false),
            (R::Skipped(Skip::NoSettings), false),
            (R::Skipped(Skip::Disabled), false),
            (R::Attempted(AttemptVerdict::Delivered), false),
            (R::Attempted(AttemptVerdict::Gone), false),
            (
                R::Attempted(AttemptVerdict::Rejected { status: 400 }),
                false,
            ),
            (
                R::Attempted(AttemptVerdict::DeadLetter {
                    reason: AttemptFailure::NoAnswer,
                }),
                false,
            ),
            (R::DeadLettered, false),
            (R::Deferred { copied: true }, false),
            (R::Attempted(retry), true),
            (R::Deferred { copied: false }, true),
            (R::Unfinished, true),
            (R::Error("store down".into()), true),
            (R::Unreadable, true),
        ];
        for (r, keeps) in &cases {
            assert_eq!(r.keeps_message(), *keeps, "{r:?}");
        }
        let results: Vec<(SqsMessage, MessageResult)> = cases
            .iter()
            .enumerate()
            .map(|(i, (r, _))| (message(&format!("m{i}"), ""), r.clone()))
            .collect();
        let failed: Vec<String> = batch_response(&results)
            .batch_item_failures
            .into_iter()
            .map(|f| f.item_identifier)
            .collect();
        assert_eq!(failed, vec!["m9", "m10", "m11", "m12", "m13"]);
    }

    #[test]
    fn the_queue_message_is_read_into_the_envelope() {
        let detail = EventEnvelope {
            created_at: time_util::parse_rfc3339("2026-11-22T00:00:00Z").unwrap(),
            data: serde_json::json!({"order": {"id": "o"}}),
            id: cargoflow_domain::EventId::generate(),
            tenant_id: TenantId::generate(),
            event_type: cargoflow_domain::EventType::OrderCancelled,
        };
        let body = serde_json::to_string(&EventBridgeMessage::queued(
            detail.clone(),
            "e".into(),
            time_util::now(),
        ))
        .unwrap();
        assert_eq!(envelope_of(&message("m", &body)), Some(detail));
        assert_eq!(envelope_of(&message("m", "not json")), None);
        assert_eq!(
            envelope_of(&message("m", r#"{"detail": {"id": "x"}}"#)),
            None
        );
    }
}
