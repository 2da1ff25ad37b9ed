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
/// Each event is tried once per invocation (one that fails again is PENDING, or FAILED anew
/// when `OUTBOX_MAX_ATTEMPTS` is 1); the work stops at the budget and the caller invokes again.
async fn retry_failed(
    deps: &Deps,
    tenant: Option<&str>,
    started: std::time::Instant,
) -> Result<usize, String> {
    let mut seen = std::collections::HashSet::new();
    let mut retried = 0;
    let mut cursor: Option<String> = None;
    loop {
        // One tenant: its event log, FAILED only (GSI1, page after page). Every tenant: the
        // FAILED partitions of the outbox index.
        let (batch, next) = match tenant {
            Some(t) => {
                let page = deps
                    .store
                    .list_events(
                        &TenantId::from_stored(t),
                        None,
                        Some("FAILED"),
                        cursor.as_deref(),
                        100,
                    )
                    .await
                    .map_err(|e| e.to_string())?;
                (page.items, page.next_cursor)
            }
            None => (
                deps.store
                    .failed_events(1000)
                    .await
                    .map_err(|e| e.to_string())?,
                None,
            ),
        };
        let fresh: Vec<_> = batch
            .into_iter()
            .filter(|e| seen.insert(e.id.clone()))
            .collect();
        for e in &fresh {
            if started.elapsed() > BUDGET {
                return Ok(retried);
            }
            let (t, id) = (
                TenantId::from_stored(e.tenant_id.clone()),
                EventId::from_stored(e.id.clone()),
            );
            match crate::publish::retry_failed(deps, &t, &id).await {
                Ok(_) => retried += 1,
                // Retried by someone else meanwhile.
                Err(cargoflow_store::outbox::RetryEventError::NotFailed(_)) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        cursor = next;
        // Every tenant: read again until a read brings nothing new (a stale index copy, or
        // events FAILED anew, are skipped by `seen`).
        if (tenant.is_some() && cursor.is_none()) || (tenant.is_none() && fresh.is_empty()) {
            return Ok(retried);
        }
    }
}
