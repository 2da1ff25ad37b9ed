//! Scheduled (every 5 minutes): orders under way that are past their drop window's end, or
//! their drop stop's ETA, by more than DELAY_MARGIN_SECS get one DELAY exception each. The
//! delay flag written in the same transaction makes "exactly one" hold however often (and
//! however concurrently) the job runs.

use std::sync::Arc;

use cargoflow_domain::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Deps;

#[derive(Debug, Default, Serialize)]
pub struct DelayReport {
    pub tenants: usize,
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

pub async fn handle(
    deps: Arc<Deps>,
    _event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let now = time_util::now();
    let mut report = DelayReport::default();
    for tenant in deps.store.all_tenants().await.map_err(|e| e.to_string())? {
        report.tenants += 1;
        let orders = deps
            .store
            .active_orders(&tenant)
            .await
            .map_err(|e| e.to_string())?;
        report.orders_checked += orders.len();
        for o in orders
            .iter()
            .filter(|o| is_late(o, now, deps.config.delay_margin_secs))
        {
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
            if deps
                .store
                .raise_delay(&tenant, &exception, &event)
                .await
                .map_err(|e| e.to_string())?
            {
                report.exceptions_raised += 1;
                tracing::info!(tenant_id = %tenant, order_id = %o.id, "delay exception raised");
            }
        }
    }
    tracing::info!(
        tenants = report.tenants,
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
