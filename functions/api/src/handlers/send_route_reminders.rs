//! Scheduled (every 5 minutes): a `route.reminder` event, once, for each PLANNED route that
//! starts within REMINDER_LEAD_SECS, through the same outbox pipeline as every event.
//!
//! Tenants are gone over as [`crate::tenant_runs`] says: one tenant's failure does not stop
//! the run, and each tenant has [`ROUTES_PER_TENANT`] routes looked at per run (an invocation
//! may pass `per_tenant_limit`); the rest continues next run from its page cursor.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_store::unit_of_work::UnitOfWork;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Deps;
use crate::tenant_runs::Progress;

/// Routes looked at per tenant per run.
pub const ROUTES_PER_TENANT: usize = 500;
/// Stop starting tenants after this long (the function's timeout is 60 s).
const RUN_BUDGET: std::time::Duration = std::time::Duration::from_secs(45);
const JOB: &str = "send-route-reminders";

#[derive(Debug, Default, Serialize)]
pub struct ReminderReport {
    /// Tenants seen, failed, continued next run, not reached.
    #[serde(flatten)]
    pub run: crate::tenant_runs::RunReport,
    pub routes_checked: usize,
    pub reminders_sent: usize,
}

/// One tenant's share of a run: up to `limit` PLANNED routes of the window, from `cursor`.
async fn tenant_reminders(
    deps: &Deps,
    tenant: &TenantId,
    mut cursor: Option<String>,
    limit: usize,
    now: OffsetDateTime,
    report: &std::sync::Mutex<ReminderReport>,
) -> Result<Progress, String> {
    let horizon = now + time::Duration::seconds(deps.config.reminder_lead_secs);
    let (from, to) = (now.date().to_string(), horizon.date().to_string());
    let mut seen = 0usize;
    loop {
        if seen >= limit {
            return Ok(match cursor {
                Some(c) => Progress::More(c),
                None => Progress::Done,
            });
        }
        let page = match deps
            .store
            .list_routes(
                tenant,
                Some(&from),
                Some(&to),
                None,
                Some(RouteStatus::Planned),
                cursor.as_deref(),
                (limit - seen).min(100) as i32,
            )
            .await
        {
            Ok(p) => p,
            // A continuation outside today's window: from the window's start.
            Err(cargoflow_store::StoreError::BadCursor) if cursor.is_some() => {
                cursor = None;
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        seen += page.items.len();
        report.lock().unwrap().routes_checked += page.items.len();
        for route in page.items {
            let due = route.start_time.is_some_and(|s| s > now && s <= horizon);
            if !due || route.reminder_sent_at.is_some() {
                continue;
            }
            let mut next = route.clone();
            next.reminder_sent_at = Some(now);
            next.updated_at = now;
            next.version = route.version + 1;
            let mut uow = UnitOfWork::new(&deps.store, tenant);
            uow.route(&next, route.version).map_err(|e| e.to_string())?;
            uow.event(&events::route_event(EventType::RouteReminder, &next, now))
                .map_err(|e| e.to_string())?;
            match uow.commit().await {
                Ok(()) => report.lock().unwrap().reminders_sent += 1,
                // Changed meanwhile (or another run sent it): the next run looks again.
                Err(cargoflow_store::unit_of_work::CommitError::Guards(_)) => {}
                Err(e) => return Err(format!("{e:?}")),
            }
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(Progress::Done);
        }
    }
}

pub async fn handle(
    deps: Arc<Deps>,
    event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let now = time_util::now();
    let limit = crate::tenant_runs::per_tenant_limit(&event, ROUTES_PER_TENANT);
    let report = std::sync::Mutex::new(ReminderReport::default());
    let run = crate::tenant_runs::for_each_tenant(&deps, JOB, RUN_BUDGET, |tenant, cursor| {
        let (deps, report) = (&deps, &report);
        async move { tenant_reminders(deps, &tenant, cursor, limit, now, report).await }
    })
    .await?;
    let mut report = report.into_inner().unwrap();
    report.run = run;
    serde_json::to_value(&report).map_err(|e| e.to_string())
}
