//! Scheduled (every minute): events still PENDING past SWEEP_AFTER_SECS (the relay missed
//! them, or their publish failed and their retry is due) are published again.
//!
//! Tenants cannot hurt each other: the due events of each page are published per tenant, a
//! tenant whose publishing fails (an error, or every event of its batch refused) is skipped
//! for the rest of the run (logged, counted) while the others go on, and a tenant has at most
//! [`EVENTS_PER_TENANT`] events published per run (an invocation may pass
//! `per_tenant_limit`): the shards are read page after page, past a large tenant's backlog,
//! so its rest waits for the next run instead of using this one up.
//!
//! Invoked by an operator with `{"retry_failed": true}` (optionally `"tenant_id"`), it first
//! puts every FAILED event back and publishes it: the way out after an EventBridge outage
//! longer than the retries (`aws lambda invoke --function-name <SweepOutboxFunction>
//! --payload '{"retry_failed":true}' out.json`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cargoflow_domain::{EventId, TenantId, time_util};
use cargoflow_store::order_items::EventItem;

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
    let limit = crate::tenant_runs::per_tenant_limit(&event, EVENTS_PER_TENANT);
    let mut sweep = Sweep::default();
    'shards: for shard in 0..cargoflow_store::keys::OUTBOX_SHARDS {
        let mut from = None;
        loop {
            if started.elapsed() > BUDGET {
                break 'shards;
            }
            let (page, next) = match deps.store.due_events_page(shard, due_by, from, 100).await {
                Ok(p) => p,
                Err(e) => {
                    tracing::error!(shard, error = %e, "outbox shard unreadable: the others go on");
                    sweep.shards_failed += 1;
                    continue 'shards;
                }
            };
            sweep.publish_page(&deps, page, limit).await;
            from = next;
            if from.is_none() {
                break;
            }
        }
    }
    tracing::info!(
        due = sweep.due,
        failed = sweep.failed,
        tenants_failed = sweep.failed_tenants.len(),
        tenants_capped = sweep.capped.len(),
        retried,
        "outbox sweep"
    );
    Ok(
        serde_json::json!({ "due": sweep.due, "published": sweep.due - sweep.failed, "failed": sweep.failed,
        "retried": retried, "tenants_failed": sweep.failed_tenants.len(), "tenants_capped": sweep.capped.len(),
        "shards_failed": sweep.shards_failed }),
    )
}

/// Events published per tenant per run.
pub const EVENTS_PER_TENANT: usize = 1000;

#[derive(Default)]
struct Sweep {
    due: usize,
    failed: usize,
    shards_failed: usize,
    per_tenant: HashMap<String, usize>,
    /// Tenants skipped for the rest of the run: their publishing failed.
    failed_tenants: HashSet<String>,
    /// Tenants whose per-run share is used up.
    capped: HashSet<String>,
}

impl Sweep {
    /// Publishes one page's due events, tenant by tenant.
    async fn publish_page(&mut self, deps: &Deps, page: Vec<EventItem>, limit: usize) {
        let mut by_tenant: Vec<(String, Vec<EventItem>)> = Vec::new();
        for e in page {
            if self.failed_tenants.contains(&e.tenant_id) {
                continue;
            }
            let used = self.per_tenant.entry(e.tenant_id.clone()).or_default();
            if *used >= limit {
                self.capped.insert(e.tenant_id.clone());
                continue;
            }
            *used += 1;
            match by_tenant.iter_mut().find(|(t, _)| *t == e.tenant_id) {
                Some((_, v)) => v.push(e),
                None => by_tenant.push((e.tenant_id.clone(), vec![e])),
            }
        }
        for (tenant, events) in by_tenant {
            self.due += events.len();
            match crate::publish::publish_and_record(deps, &events).await {
                Ok(failed) => {
                    self.failed += failed.len();
                    if failed.len() == events.len() {
                        // Refused whole: its retries are scheduled; no more of it this run.
                        self.failed_tenants.insert(tenant);
                    }
                }
                Err(e) => {
                    self.failed += events.len();
                    tracing::error!(tenant_id = %tenant, error = %e, "tenant's events failed: the sweep goes on");
                    cargoflow_http::metrics::count(&[], &[("ScheduledTenantFailures", 1.0)]);
                    self.failed_tenants.insert(tenant);
                }
            }
        }
    }
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
