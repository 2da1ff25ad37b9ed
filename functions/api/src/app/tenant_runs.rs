//! How the scheduled jobs go over the tenants so that none can hurt the others:
//! - each tenant's work is isolated: an error is logged, counted (`ScheduledTenantFailures`)
//!   and the run goes on with the next tenant (its continuation stays for the next run);
//! - each tenant gets a work budget per run; what does not fit continues next run from a
//!   cursor kept in the job's state item (`JOB#<job>` / `STATE`);
//! - the order rotates: each run starts one tenant further on, and a run stopped by its time
//!   budget starts the next one with the first tenant it did not reach.

use std::future::Future;
use std::time::{Duration, Instant};

use cargoflow_domain::{TenantId, time_util};
use serde::Serialize;

use crate::Deps;

/// What one tenant's share of a run ended with.
pub enum Progress {
    /// All its work is done.
    Done,
    /// Its budget is spent: the work continues next run from this cursor.
    More(String),
}

#[derive(Debug, Default, Serialize)]
pub struct RunReport {
    pub tenants: usize,
    /// Tenants whose work ended in an error (logged; the others went on).
    pub tenants_failed: usize,
    /// Tenants whose budget ran out (continued next run).
    pub tenants_continued: usize,
    /// Tenants not reached before the run's time budget (first next run).
    pub tenants_not_reached: usize,
}

/// The per-tenant budget: the event's `per_tenant_limit` (an operator's invocation) or `default`.
pub fn per_tenant_limit(event: &serde_json::Value, default: usize) -> usize {
    event["per_tenant_limit"]
        .as_u64()
        .map(|n| n.clamp(1, 100_000) as usize)
        .unwrap_or(default)
}

/// The tenants in this run's order: sorted by id, starting with `next_start` (or the first
/// after it, when that tenant is gone).
pub fn rotated(mut tenants: Vec<TenantId>, next_start: Option<&str>) -> Vec<TenantId> {
    tenants.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let start = next_start
        .and_then(|n| tenants.iter().position(|t| t.as_str() >= n))
        .unwrap_or(0);
    tenants.rotate_left(start);
    tenants
}

/// Runs `work(tenant, cursor)` for every tenant, isolated, in the rotated order, until
/// `time_budget`; saves the cursors and the next start.
pub async fn for_each_tenant<F, Fut>(
    deps: &Deps,
    job: &str,
    time_budget: Duration,
    mut work: F,
) -> Result<RunReport, String>
where
    F: FnMut(TenantId, Option<String>) -> Fut,
    Fut: Future<Output = Result<Progress, String>>,
{
    let started = Instant::now();
    let tenants = deps.store.all_tenants().await.map_err(|e| e.to_string())?;
    let mut state = match deps.store.get_job_state(job).await {
        Ok(s) => s,
        Err(e) => {
            // Without its state the run still goes (from the start, every tenant afresh).
            tracing::warn!(job, error = %e, "job state unreadable: starting afresh");
            Default::default()
        }
    };
    let order = rotated(tenants, state.next_start.as_deref());
    let mut report = RunReport {
        tenants: order.len(),
        ..Default::default()
    };
    let mut next_start = order.get(1).or(order.first()).map(|t| t.to_string());
    for (i, tenant) in order.iter().enumerate() {
        if started.elapsed() > time_budget {
            report.tenants_not_reached = order.len() - i;
            next_start = Some(tenant.to_string());
            tracing::warn!(
                job,
                not_reached = order.len() - i,
                "run's time budget spent"
            );
            break;
        }
        let cursor = state.cursors.get(tenant.as_str()).cloned();
        match work(tenant.clone(), cursor).await {
            Ok(Progress::Done) => {
                state.cursors.remove(tenant.as_str());
            }
            Ok(Progress::More(c)) => {
                report.tenants_continued += 1;
                state.cursors.insert(tenant.to_string(), c);
            }
            Err(e) => {
                report.tenants_failed += 1;
                tracing::error!(job, tenant_id = %tenant, error = %e, "tenant's work failed: the run goes on");
                cargoflow_http::metrics::count(&[], &[("ScheduledTenantFailures", 1.0)]);
            }
        }
    }
    // Tenants that are gone keep no cursor.
    state
        .cursors
        .retain(|t, _| order.iter().any(|o| o.as_str() == t));
    state.next_start = next_start;
    if let Err(e) = deps
        .store
        .put_job_state(job, &state, time_util::now())
        .await
    {
        tracing::warn!(job, error = %e, "job state not saved: the next run starts as this one did");
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<TenantId> {
        v.iter()
            .map(|s| TenantId::from_stored(s.to_string()))
            .collect()
    }

    #[test]
    fn rotation_starts_at_the_stored_tenant_or_the_next_one() {
        let t = ids(&["C", "A", "B"]);
        let s = |v: Vec<TenantId>| v.iter().map(|t| t.to_string()).collect::<Vec<_>>().join("");
        assert_eq!(s(rotated(t.clone(), None)), "ABC");
        assert_eq!(s(rotated(t.clone(), Some("B"))), "BCA");
        assert_eq!(
            s(rotated(t.clone(), Some("BB"))),
            "CAB",
            "B's successor when BB is gone"
        );
        assert_eq!(s(rotated(t, Some("Z"))), "ABC");
    }

    #[test]
    fn the_limit_comes_from_the_event_within_bounds() {
        assert_eq!(per_tenant_limit(&serde_json::json!({}), 500), 500);
        assert_eq!(
            per_tenant_limit(&serde_json::json!({"per_tenant_limit": 3}), 500),
            3
        );
        assert_eq!(
            per_tenant_limit(&serde_json::json!({"per_tenant_limit": 0}), 500),
            1
        );
    }
}
