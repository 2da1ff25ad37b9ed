//! Scheduled (every minute): events still PENDING past SWEEP_AFTER_SECS (the relay missed
//! them, or their publish failed and their retry is due) are published again.

use std::sync::Arc;

use cargoflow_domain::time_util;

use crate::Deps;

/// Stop starting new pages after this long (the function's timeout is 60 s).
const BUDGET: std::time::Duration = std::time::Duration::from_secs(45);

pub async fn handle(
    deps: Arc<Deps>,
    _event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let started = std::time::Instant::now();
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
    tracing::info!(due = due_total, failed = failed_total, "outbox sweep");
    Ok(
        serde_json::json!({ "due": due_total, "published": due_total - failed_total, "failed": failed_total }),
    )
}
