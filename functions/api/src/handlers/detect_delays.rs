//! Scheduled (every 5 minutes): orders under way that are past their drop window's end, or
//! their drop stop's ETA, by more than DELAY_MARGIN_SECS get one DELAY exception each. The
//! delay flag written in the same transaction makes "exactly one" hold however often (and
//! however concurrently) the job runs.
//!
//! Tenants are gone over as [`crate::tenant_runs`] says: one tenant's failure does not stop
//! the run, and each tenant has [`ORDERS_PER_TENANT`] active orders looked at per run (an
//! invocation may pass `per_tenant_limit`); a larger tenant continues next run where it
//! stopped (cursor: status index and page cursor).

use std::sync::Arc;

use cargoflow_domain::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Deps;

#[derive(Debug, Default, Serialize)]
pub struct DelayReport {
    /// Tenants seen, failed, continued next run, not reached.
    #[serde(flatten)]
    pub run: crate::tenant_runs::RunReport,
    pub orders_checked: usize,
    pub exceptions_raised: usize,
}

/// When the order counts as late: its drop window's end, else its last DROP stop's ETA.
pub fn due_at(o: &Order) -> Option<OffsetDateTime> {
    o.drop_window.map(|w| w.end).or_else(|| {
        o.stops
            .iter()
            .rev()
            .find(|s| s.stop_type == StopType::Drop)
            .and_then(|s| s.scheduled_eta)
    })
}

pub fn is_late(o: &Order, now: OffsetDateTime, margin_secs: i64) -> bool {
    matches!(
        o.status,
        OrderStatus::Assigned | OrderStatus::PickedUp | OrderStatus::InTransit
    ) && due_at(o).is_some_and(|due| now > due + time::Duration::seconds(margin_secs))
}

/// Active orders looked at per tenant per run.
pub const ORDERS_PER_TENANT: usize = 500;
/// Stop starting tenants after this long (the function's timeout is 60 s).
const RUN_BUDGET: std::time::Duration = std::time::Duration::from_secs(45);
const JOB: &str = "detect-delays";
const ACTIVE: [OrderStatus; 3] = [
    OrderStatus::Assigned,
    OrderStatus::PickedUp,
    OrderStatus::InTransit,
];

/// `"<status index>:<page cursor>"`.
fn parse_cursor(c: Option<&str>) -> (usize, Option<String>) {
    let Some((i, page)) = c.and_then(|c| c.split_once(':')) else {
        return (0, None);
    };
    let i = i.parse().unwrap_or(0).min(ACTIVE.len());
    (i, (!page.is_empty()).then(|| page.to_string()))
}

/// One tenant's share of a run: up to `limit` active orders from `cursor`.
async fn tenant_delays(
    deps: &Deps,
    tenant: &TenantId,
    cursor: Option<String>,
    limit: usize,
    now: OffsetDateTime,
    report: &std::sync::Mutex<DelayReport>,
) -> Result<crate::tenant_runs::Progress, String> {
    use crate::tenant_runs::Progress;
    let (mut status_i, mut page_cursor) = parse_cursor(cursor.as_deref());
    let mut seen = 0usize;
    while status_i < ACTIVE.len() {
        if seen >= limit {
            return Ok(Progress::More(format!(
                "{status_i}:{}",
                page_cursor.unwrap_or_default()
            )));
        }
        let filter = cargoflow_store::orders::OrderFilter {
            status: Some(ACTIVE[status_i]),
            ..Default::default()
        };
        let page = match deps
            .store
            .list_orders(
                tenant,
                &filter,
                page_cursor.as_deref(),
                (limit - seen).min(100) as i32,
            )
            .await
        {
            Ok(p) => p,
            // A cursor that no longer fits (the data moved on): from the start of this status.
            Err(cargoflow_store::StoreError::BadCursor) if page_cursor.is_some() => {
                page_cursor = None;
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        seen += page.items.len();
        report.lock().unwrap().orders_checked += page.items.len();
        for o in page
            .items
            .iter()
            .filter(|o| is_late(o, now, deps.config.delay_margin_secs))
        {
            if raise(deps, tenant, o, now).await? {
                report.lock().unwrap().exceptions_raised += 1;
            }
        }
        page_cursor = page.next_cursor;
        if page_cursor.is_none() {
            status_i += 1;
        }
    }
    Ok(Progress::Done)
}

async fn raise(
    deps: &Deps,
    tenant: &TenantId,
    o: &Order,
    now: OffsetDateTime,
) -> Result<bool, String> {
    let due = due_at(o).map(time_util::rfc3339).unwrap_or_default();
    let exception = OrderException {
        id: ExceptionId::generate(),
        order_id: o.id.clone(),
        exception_type: ExceptionType::Delay,
        status: ExceptionStatus::Open,
        notes: Some(format!(
            "Not delivered by {due} (status {}).",
            o.status.as_str()
        )),
        ack_note: None,
        resolution: None,
        created_by: None,
        created_at: now,
        acknowledged_at: None,
        resolved_at: None,
        updated_at: now,
        version: 1,
    };
    let event = events::exception_event(EventType::ExceptionCreated, &exception, now);
    let raised = deps
        .store
        .raise_delay(tenant, &exception, &event)
        .await
        .map_err(|e| e.to_string())?;
    if raised {
        tracing::info!(tenant_id = %tenant, order_id = %o.id, "delay exception raised");
    }
    Ok(raised)
}

pub async fn handle(
    deps: Arc<Deps>,
    event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let now = time_util::now();
    let limit = crate::tenant_runs::per_tenant_limit(&event, ORDERS_PER_TENANT);
    let report = std::sync::Mutex::new(DelayReport::default());
    let run = crate::tenant_runs::for_each_tenant(&deps, JOB, RUN_BUDGET, |tenant, cursor| {
        let (deps, report) = (&deps, &report);
        async move { tenant_delays(deps, &tenant, cursor, limit, now, report).await }
    })
    .await?;
    let mut report = report.into_inner().unwrap();
    report.run = run;
    tracing::info!(
        tenants = report.run.tenants,
        failed = report.run.tenants_failed,
        continued = report.run.tenants_continued,
        checked = report.orders_checked,
        raised = report.exceptions_raised,
        "delay detection done"
    );
    serde_json::to_value(&report).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lateness() {
        let now = time_util::now();
        let mut o: Order = serde_json::from_value(serde_json::json!({
            "id": OrderId::generate(), "reference_code": "R", "customer_name": "C", "customer_phone": "+918888887777",
            "status": "IN_TRANSIT", "tracking_token": "t", "pickup_window": null,
            "drop_window": {"start": time_util::rfc3339(now - time::Duration::hours(3)), "end": time_util::rfc3339(now - time::Duration::hours(1))},
            "notes": null, "package": {"weight_kg": null, "dimensions": null, "items": []}, "stops": [],
            "route_id": null, "driver_id": null, "cancel_reason": null, "delivered_at": null,
            "created_at": time_util::rfc3339(now), "updated_at": time_util::rfc3339(now), "version": 1
        }))
        .unwrap();
        assert!(is_late(&o, now, 900));
        assert!(!is_late(&o, now, 7200), "within the margin");
        o.status = OrderStatus::Delivered;
        assert!(!is_late(&o, now, 900), "final orders are never late");
        o.status = OrderStatus::Created;
        assert!(!is_late(&o, now, 900), "not under way");
        o.status = OrderStatus::Assigned;
        o.drop_window = None;
        assert!(!is_late(&o, now, 900), "nothing to be late against");
    }
}
