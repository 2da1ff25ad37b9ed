//! SQS (the webhook queue) -> tenants' URLs. For each EventBridge envelope: load the tenant's
//! settings, skip what it does not subscribe to, POST the event signed per Standard Webhooks,
//! record the attempt. 2xx: delivered. 410: the endpoint is switched off. 429, 5xx, timeouts
//! and connection errors: retried through the message's visibility timeout on the configured
//! schedule (honouring Retry-After). Other 4xx: failed for good.
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
//! got to handle (crashes).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use cargoflow_domain::webhooks::{WebhookDelivery, WebhookSettings};
use cargoflow_domain::{TenantId, time_util};
use futures::StreamExt;
use serde_json::Value;
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

type SettingsCache = tokio::sync::Mutex<HashMap<String, Option<WebhookSettings>>>;

enum Verdict {
    Done,
    Retry { delay_secs: u64 },
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
    tenant: &str,
    cache: &SettingsCache,
) -> Result<Option<WebhookSettings>, String> {
    let cached = cache.lock().await.get(tenant).cloned();
    if let Some(s) = cached {
        return Ok(s);
    }
    let s = deps
        .store
        .get_webhook_settings(&TenantId::from_stored(tenant))
        .await
        .map_err(|e| e.to_string())?;
    cache.lock().await.insert(tenant.to_string(), s.clone());
    Ok(s)
}

async fn deliver_one(
    deps: &Deps,
    m: &SqsMessage,
    cache: &SettingsCache,
) -> Result<Verdict, String> {
    let raw = m.body.as_deref().unwrap_or("");
    let envelope: Value =
        serde_json::from_str(raw).map_err(|e| format!("not an EventBridge envelope: {e}"))?;
    let detail = &envelope["detail"];
    let (Some(event_id), Some(event_type), Some(tenant)) = (
        detail["id"].as_str(),
        detail["type"].as_str(),
        detail["tenant_id"].as_str(),
    ) else {
        tracing::warn!("message without an event id, type or tenant: dropped");
        return Ok(Verdict::Done);
    };
    let tenant_id = TenantId::from_stored(tenant);
    let Some(settings) = settings_of(deps, tenant, cache).await? else {
        return Ok(Verdict::Done);
    };
    let Some(url) = settings
        .url
        .clone()
        .filter(|_| settings.enabled && settings.subscribed(event_type))
    else {
        return Ok(Verdict::Done);
    };
    let attempt = attempt_of(m);
    let schedule = &deps.config.webhook_retry_schedule;
    let now = time_util::now();
    if attempt as usize > schedule.len() {
        // Its last attempt was made but giving up did not finish (the dead letter was not
        // written): finish it without another attempt.
        dead_letter(
            deps,
            &tenant_id,
            event_id,
            event_type,
            raw,
            attempt - 1,
            None,
            now,
        )
        .await?;
        return Ok(Verdict::Done);
    }
    let body = detail.to_string();
    let deadline = delivery_deadline(deps);
    let secrets = settings.signing_secrets(now);
    let send = deps
        .webhook_client()
        .send(&url, &secrets, event_id, now.unix_timestamp(), &body);
    let outcome = match tokio::time::timeout(deadline, send).await {
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
    let last_attempt = attempt as usize >= schedule.len();
    let retryable = matches!(outcome.status, None | Some(429) | Some(500..=599));
    let (result, verdict) = match outcome.status {
        Some(200..=299) => ("delivered", Verdict::Done),
        Some(410) => {
            deps.store
                .disable_webhook(&tenant_id, "the receiver answered 410 Gone", now)
                .await
                .map_err(|e| e.to_string())?;
            cache.lock().await.remove(tenant);
            ("disabled", Verdict::Done)
        }
        _ if retryable && !last_attempt => {
            let planned = schedule.get(attempt as usize).copied().unwrap_or(0);
            let delay = outcome
                .retry_after_secs
                .unwrap_or(0)
                .max(planned)
                .min(43_200);
            ("retrying", Verdict::Retry { delay_secs: delay })
        }
        // The last attempt failed: into the tenant's dead letters (below), then deleted.
        _ if retryable => ("dead_lettered", Verdict::Done),
        _ => ("failed", Verdict::Done),
    };
    let next_retry_at = match verdict {
        Verdict::Retry { delay_secs } => Some(now + time::Duration::seconds(delay_secs as i64)),
        Verdict::Done => None,
    };
    let record = WebhookDelivery {
        id: ulid::Ulid::new().to_string(),
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        attempt,
        outcome: if result == "dead_lettered" {
            "failed"
        } else {
            result
        }
        .to_string(),
        status_code: outcome.status,
        latency_ms: Some(outcome.latency_ms),
        error: outcome.error.clone(),
        next_retry_at,
        url,
        created_at: now,
    };
    deps.store
        .record_delivery(&tenant_id, &record)
        .await
        .map_err(|e| e.to_string())?;
    if result == "dead_lettered" {
        dead_letter(
            deps,
            &tenant_id,
            event_id,
            event_type,
            raw,
            attempt,
            outcome.error.clone(),
            now,
        )
        .await?;
    }
    tracing::info!(tenant_id = %tenant, event_id, attempt, outcome = result, status = ?outcome.status, latency_ms = outcome.latency_ms, "webhook attempt");
    let failed = if result == "delivered" { 0.0 } else { 1.0 };
    cargoflow_http::metrics::count(
        &[],
        &[("WebhookAttempts", 1.0), ("WebhookFailures", failed)],
    );
    Ok(verdict)
}

/// Keeps the message in its tenant's dead letters (the replay of that tenant sends it again).
#[allow(clippy::too_many_arguments)]
async fn dead_letter(
    deps: &Deps,
    tenant: &TenantId,
    event_id: &str,
    event_type: &str,
    body: &str,
    attempts: u32,
    last_error: Option<String>,
    now: time::OffsetDateTime,
) -> Result<(), String> {
    let letter = cargoflow_store::webhooks::DeadLetter {
        id: ulid::Ulid::new().to_string(),
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        body: body.to_string(),
        attempts,
        last_error,
        created_at: now,
    };
    deps.store
        .put_dead_letter(tenant, &letter)
        .await
        .map_err(|e| e.to_string())?;
    tracing::warn!(tenant_id = %tenant, event_id, attempts, "webhook dead-lettered");
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

/// One message: delivered or done with (None), or failed, with its retry delay set (Some).
async fn process(deps: &Deps, m: &SqsMessage, cache: &SettingsCache) -> Option<BatchItemFailure> {
    match deliver_one(deps, m, cache).await {
        Ok(Verdict::Done) => None,
        Ok(Verdict::Retry { delay_secs }) => {
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
            Some(failure(m))
        }
        Err(e) => {
            tracing::error!(message_id = ?m.message_id, error = %e, "webhook message failed");
            Some(failure(m))
        }
    }
}

/// A message not attempted within the batch's budget: sent again as a copy that carries the
/// attempts made so far (so the wait costs none), the original deleted (None). When the copy
/// cannot be sent, the original is reported failed and comes back after its visibility.
async fn defer(deps: &Deps, m: &SqsMessage) -> Option<BatchItemFailure> {
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
            None
        }
        Err(e) => {
            tracing::warn!(message_id = ?m.message_id, error = %e, "could not defer: back through the visibility");
            Some(failure(m))
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
) -> Option<BatchItemFailure> {
    if Instant::now() > last_start {
        return defer(&deps, &m).await;
    }
    match tokio::time::timeout_at(hard_stop, process(&deps, &m, &cache)).await {
        Ok(f) => f,
        Err(_) => {
            tracing::warn!(message_id = ?m.message_id, "attempt unfinished at the batch's end");
            Some(failure(&m))
        }
    }
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
    let results: Vec<Option<BatchItemFailure>> = futures::stream::iter(event.records)
        .map(|m| one(deps.clone(), cache.clone(), m, last_start, hard_stop))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let mut resp = SqsBatchResponse::default();
    resp.batch_item_failures = results.into_iter().flatten().collect();
    Ok(resp)
}
