//! Scheduled (every minute): events still PENDING past SWEEP_AFTER_SECS (the relay missed
//! them, or their publish failed and their retry is due) are published again.
//!
//! Invoked by an operator with `{"retry_failed": true}` (optionally `"tenant_id"`), it first
//! puts every FAILED event back and publishes it: the way out after an EventBridge outage
//! longer than the retries (`aws lambda invoke --function-name <SweepOutboxFunction>
//! --payload '{"retry_failed":true}' out.json`).

use std::sync::Arc;

use cargoflow_domain::{EventId, TenantId, time_util};

use crate::Deps;

/// Stop starting new pages after this long (the function's timeout is 60 s).
const BUDGET: std::time::Duration = std::time::Duration::from_secs(45);

pub async fn handle(
    deps: Arc<Deps>,
    event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let started = std::time::Instant::now();
    let retried = if event["retry_failed"].as_bool() == Some(true) {
        retry_failed(&deps, event["tenant_id"].as_str(), started).await?
    } else {
        0
    };
    let due_by = time_util::now() - time::Duration::seconds(deps.config.sweep_after_secs);
    let (mut due_total, mut failed_total) = (0usize, 0usize);
    // Each pass takes the oldest due events of every shard; published ones leave the index and
    // failed ones move to their next attempt, so passes make progress until nothing is due.
    loop {
        let due = deps
            .store
            .due_events(due_by, 100)
            .await
            .map_err(|e| e.to_string())?;
        if due.is_empty() {
            break;
        }
        let failed = crate::publish::publish_and_record(&deps, &due).await?;
        due_total += due.len();
        failed_total += failed.len();
        if failed.len() == due.len() || started.elapsed() > BUDGET {
            break;
        }
    }
    tracing::info!(
        due = due_total,
        failed = failed_total,
        retried,
        "outbox sweep"
    );
    Ok(
        serde_json::json!({ "due": due_total, "published": due_total - failed_total, "failed": failed_total, "retried": retried }),
    )
}

/// Puts FAILED events (of one tenant, or all) back and publishes them. Returns how many.
async fn retry_failed(
    deps: &Deps,
    tenant: Option<&str>,
    started: std::time::Instant,
) -> Result<usize, String> {
    let mut retried = 0;
    loop {
        let failed: Vec<_> = deps
            .store
            .failed_events(100)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|e| tenant.is_none_or(|t| t == e.tenant_id))
            .collect();
        if failed.is_empty() || started.elapsed() > BUDGET {
            return Ok(retried);
        }
        for e in failed {
            let (t, id) = (
                TenantId::from_stored(e.tenant_id),
                EventId::from_stored(e.id),
            );
            match crate::publish::retry_failed(deps, &t, &id).await {
                Ok(_) => retried += 1,
                // Retried by someone else meanwhile.
                Err(cargoflow_store::outbox::RetryEventError::NotFailed(_)) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
    }
}
