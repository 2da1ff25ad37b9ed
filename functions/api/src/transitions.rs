//! Moving an order through the status machine: the one place a transition is checked and
//! written (order + history + event in one transaction). Cancel, the driver's status updates
//! and route assignment all come through here.

use cargoflow_domain::status_machine::{self, TransitionError};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs};
use cargoflow_store::orders::OrderWriteError;
use serde_json::{Value, json};

use crate::Deps;

/// Who asks for the move.
pub struct Mover<'a> {
    pub tenant: &'a TenantId,
    pub actor: ActorType,
    pub user: Option<&'a UserId>,
}

pub fn transition_error(e: TransitionError, current: &Order) -> ApiError {
    let details = json!({
        "current_status": current.status,
        "allowed_next": status_machine::next_statuses(current.status),
        "version": current.version,
    });
    match e {
        TransitionError::NotPermitted { .. } => ApiError::Forbidden("You may not make this status change."),
        TransitionError::Terminal(_) | TransitionError::NotAllowed { .. } => ApiError::Conflict {
            code: "invalid_transition",
            message: e.to_string(),
            fields: None,
            details: Some(details),
        },
    }
}

pub fn write_error(e: OrderWriteError, current: Option<&Order>) -> ApiError {
    match e {
        OrderWriteError::Stale => ApiError::Conflict {
            code: "concurrent_change",
            message: "The order was changed by another request; nothing was written.".into(),
            fields: None,
            details: current.map(|o| json!({ "current_status": o.status, "version": o.version })),
        },
        OrderWriteError::Store(e) => e.into(),
    }
}

/// Moves `order` to `to`, applying `change` to the new state (stop times, reasons, ...).
pub async fn transition(
    deps: &Deps,
    who: &Mover<'_>,
    order: &OrderId,
    to: OrderStatus,
    stop: Option<StopId>,
    metadata: Value,
    reason: Option<&str>,
    change: impl FnOnce(&mut Order),
) -> Result<Order, ApiError> {
    let current = deps.store.get_order(who.tenant, order).await.not_found_as("order")?;
    status_machine::check(current.status, to, who.actor).map_err(|e| transition_error(e, &current))?;
    let mut next = current.clone();
    next.status = to;
    next.updated_at = time_util::now();
    next.version = current.version + 1;
    change(&mut next);
    let history = StatusHistoryEntry::new(&next, Some(current.status), who.actor, who.user.cloned(), stop.clone(), metadata);
    let event = events::order_status_changed(&next, current.status, who.actor, who.user, stop.as_ref(), reason);
    match deps.store.transition_order(who.tenant, &next, current.version, current.status, &history, &event).await {
        Ok(()) => {
            tracing::info!(order_id = %next.id, from = current.status.as_str(), to = to.as_str(), "order status changed");
            Ok(next)
        }
        Err(e) => {
            let latest = deps.store.get_order(who.tenant, order).await.ok();
            Err(write_error(e, latest.as_ref()))
        }
    }
}
