//! SQS (the webhook queue) -> tenants' URLs. For each EventBridge envelope: load the tenant's
//! settings, skip what it does not subscribe to, POST the event signed per Standard Webhooks,
//! record the attempt. 2xx: delivered. 410: the endpoint is switched off. 429, 5xx, timeouts
//! and connection errors: retried through the message's visibility timeout on the configured
//! schedule (honouring Retry-After); after the last attempt the queue moves it to the DLQ.
//! Other 4xx: failed for good. Failed messages are reported as partial batch failures.

use std::collections::HashMap;
use std::sync::Arc;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use cargoflow_domain::webhooks::{WebhookDelivery, WebhookSettings};
use cargoflow_domain::{TenantId, time_util};
use serde_json::Value;

use crate::Deps;

enum Verdict {
    Done,
    Retry { delay_secs: u64 },
}

fn attempt_of(m: &SqsMessage) -> u32 {
    m.attributes
        .get("ApproximateReceiveCount")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

async fn deliver_one(
    deps: &Deps,
    m: &SqsMessage,
    settings_cache: &tokio::sync::Mutex<HashMap<String, Option<WebhookSettings>>>,
) -> Result<Verdict, String> {
    let envelope: Value = serde_json::from_str(m.body.as_deref().unwrap_or(""))
        .map_err(|e| format!("not an EventBridge envelope: {e}"))?;
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
    let cached = settings_cache.lock().await.get(tenant).cloned();
    let settings = match cached {
        Some(s) => s,
        None => {
            let s = deps
                .store
                .get_webhook_settings(&tenant_id)
                .await
                .map_err(|e| e.to_string())?;
            settings_cache
                .lock()
                .await
                .insert(tenant.to_string(), s.clone());
            s
        }
    };
    let Some(settings) = settings else {
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
    let now = time_util::now();
    let body = detail.to_string();
    let outcome = deps
        .webhook_client()
        .send(
            &url,
            &settings.signing_secrets(now),
            event_id,
            now.unix_timestamp(),
            &body,
        )
        .await;
    let schedule = &deps.config.webhook_retry_schedule;
    let last_attempt = attempt as usize >= schedule.len();
    let retryable = matches!(outcome.status, None | Some(429) | Some(500..=599));
    let (result, verdict) = match outcome.status {
        Some(200..=299) => ("delivered", Verdict::Done),
        Some(410) => {
            deps.store
                .disable_webhook(&tenant_id, "the receiver answered 410 Gone", now)
                .await
                .map_err(|e| e.to_string())?;
            settings_cache.lock().await.remove(tenant);
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
        // The last attempt failed: SQS moves the message to the DLQ on its next receive.
        _ if retryable => ("failed", Verdict::Retry { delay_secs: 0 }),
        _ => ("failed", Verdict::Done),
    };
    let next_retry_at = match verdict {
        Verdict::Retry { delay_secs } if result == "retrying" => {
            Some(now + time::Duration::seconds(delay_secs as i64))
        }
        _ => None,
    };
    let record = WebhookDelivery {
        id: ulid::Ulid::new().to_string(),
        event_id: event_id.to_string(),
        event_type: event_type.to_string(),
        attempt,
        outcome: result.to_string(),
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
    tracing::info!(event_id, attempt, outcome = result, status = ?outcome.status, latency_ms = outcome.latency_ms, "webhook attempt");
    let failed = if result == "delivered" { 0.0 } else { 1.0 };
    cargoflow_http::metrics::count(
        &[],
        &[("WebhookAttempts", 1.0), ("WebhookFailures", failed)],
    );
    Ok(verdict)
}

/// One message: delivered (None) or failed, with its retry delay set (Some).
async fn process(
    deps: &Deps,
    m: &SqsMessage,
    cache: &tokio::sync::Mutex<HashMap<String, Option<WebhookSettings>>>,
) -> Option<BatchItemFailure> {
    let id = m.message_id.clone().unwrap_or_default();
    match deliver_one(deps, m, cache).await {
        Ok(Verdict::Done) => {}
        Ok(Verdict::Retry { delay_secs }) => {
            // Back off through the message's visibility timeout (SQS delays cap at 15 min).
            // The message's own queue, named by the last part of its ARN.
            let queue = m
                .event_source_arn
                .as_deref()
                .and_then(|arn| arn.rsplit(':').next())
                .unwrap_or_default();
            if let Some(handle) = m.receipt_handle.as_deref() {
                match deps.url_of_queue(queue).await {
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
            let mut f = BatchItemFailure::default();
            f.item_identifier = id;
            return Some(f);
        }
        Err(e) => {
            tracing::error!(message_id = %id, error = %e, "webhook message failed");
            let mut f = BatchItemFailure::default();
            f.item_identifier = id;
            return Some(f);
        }
    }
    None
}

pub async fn handle(deps: Arc<Deps>, event: SqsEvent) -> Result<SqsBatchResponse, String> {
    let cache = tokio::sync::Mutex::new(HashMap::new());
    // A batch holds at most 10 messages (the event source's BatchSize): all at once.
    let deliveries: Vec<_> = event
        .records
        .iter()
        .map(|m| process(&deps, m, &cache))
        .collect();
    let failures: Vec<BatchItemFailure> = futures::future::join_all(deliveries)
        .await
        .into_iter()
        .flatten()
        .collect();
    let mut resp = SqsBatchResponse::default();
    resp.batch_item_failures = failures;
    Ok(resp)
}
