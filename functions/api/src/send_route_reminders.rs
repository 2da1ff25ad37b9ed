//! Scheduled (every 5 minutes): a `route.reminder` event, once, for each PLANNED route that
//! starts within REMINDER_LEAD_SECS, through the same outbox pipeline as every event.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_store::unit_of_work::UnitOfWork;
use serde::Serialize;

use crate::Deps;

#[derive(Debug, Default, Serialize)]
pub struct ReminderReport {
    pub tenants: usize,
    pub routes_checked: usize,
    pub reminders_sent: usize,
}

pub async fn handle(
    deps: Arc<Deps>,
    _event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let now = time_util::now();
    let horizon = now + time::Duration::seconds(deps.config.reminder_lead_secs);
    let (from, to) = (now.date().to_string(), horizon.date().to_string());
    let mut report = ReminderReport::default();
    for tenant in deps.store.all_tenants().await.map_err(|e| e.to_string())? {
        report.tenants += 1;
        let mut cursor: Option<String> = None;
        loop {
            let page = deps
                .store
                .list_routes(
                    &tenant,
                    Some(&from),
                    Some(&to),
                    None,
                    Some(RouteStatus::Planned),
                    cursor.as_deref(),
                    100,
                )
                .await
                .map_err(|e| e.to_string())?;
            for route in page.items {
                report.routes_checked += 1;
                let due = route.start_time.is_some_and(|s| s > now && s <= horizon);
                if !due || route.reminder_sent_at.is_some() {
                    continue;
                }
                let mut next = route.clone();
                next.reminder_sent_at = Some(now);
                next.updated_at = now;
                next.version = route.version + 1;
                let mut uow = UnitOfWork::new(&deps.store, &tenant);
                uow.route(&next, route.version).map_err(|e| e.to_string())?;
                uow.event(&events::route_event(EventType::RouteReminder, &next, now))
                    .map_err(|e| e.to_string())?;
                match uow.commit().await {
                    Ok(()) => report.reminders_sent += 1,
                    // Changed meanwhile (or another run sent it): the next run looks again.
                    Err(cargoflow_store::unit_of_work::CommitError::Guards(_)) => {}
                    Err(e) => return Err(format!("{e:?}")),
                }
            }
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
    }
    serde_json::to_value(&report).map_err(|e| e.to_string())
}
