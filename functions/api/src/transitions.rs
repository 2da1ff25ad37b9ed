//! Moving an order through the status machine: the one place a transition is checked and
//! written (order + history + event in one transaction). Cancel, the driver's status updates
//! and route assignment all come through here.

use cargoflow_domain::status_machine::{self, TransitionError};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs, Optional};
use cargoflow_store::orders::OrderWriteError;
use cargoflow_store::unit_of_work::{CommitError, UnitOfWork};
use serde_json::{Value, json};

use crate::Deps;

/// Who asks for the move.
pub struct Mover<'a> {
    pub tenant: &'a TenantId,
    pub actor: ActorType,
    pub user: Option<&'a UserId>,
    /// A driver's move: the order must be this driver's, checked on the order read and again
    /// in the write's condition (a reassignment in between refuses the write).
    pub driver: Option<&'a DriverId>,
}

pub fn transition_error(e: TransitionError, current: &Order) -> ApiError {
    let details = json!({
        "current_status": current.status,
        "allowed_next": status_machine::next_statuses(current.status),
        "version": current.version,
    });
    match e {
        TransitionError::NotPermitted { .. } => {
            ApiError::Forbidden("You may not make this status change.")
        }
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

/// Moves `order` to `to`, applying `change` to the new state (stop times, reasons, ...), in one
/// transaction with its history row and event, and, when the order is on a route, the route:
/// a cancelled order's pending stops leave the plan, the other ETAs are recomputed, and the
/// route completes when all its orders are final.
#[allow(clippy::too_many_arguments)]
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
    transition_with(
        deps,
        who,
        order,
        to,
        stop,
        metadata,
        reason,
        Extras::default(),
        change,
    )
    .await
}

/// What a move may write besides the order, its history and its event.
#[derive(Default, Clone, Copy)]
pub struct Extras<'a> {
    /// An exception to raise (a failed attempt), with its event.
    pub exception: Option<&'a OrderException>,
    /// The proof of delivery (DELIVERED), with its pod.created event; refused if one exists.
    pub pod: Option<&'a Pod>,
}

/// [`transition`], also writing `extras` (with their events) in the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn transition_with(
    deps: &Deps,
    who: &Mover<'_>,
    order: &OrderId,
    to: OrderStatus,
    stop: Option<StopId>,
    metadata: Value,
    reason: Option<&str>,
    extras: Extras<'_>,
    change: impl FnOnce(&mut Order),
) -> Result<Order, ApiError> {
    let current = deps
        .store
        .get_order(who.tenant, order)
        .await
        .not_found_as("order")?;
    if let Some(driver) = who.driver
        && current.driver_id.as_ref() != Some(driver)
    {
        return Err(ApiError::NotFound("order"));
    }
    status_machine::check(current.status, to, who.actor)
        .map_err(|e| transition_error(e, &current))?;
    let now = time_util::now();
    let mut next = current.clone();
    next.status = to;
    next.updated_at = now;
    next.version = current.version + 1;
    change(&mut next);
    let history = StatusHistoryEntry::new(
        &next,
        Some(current.status),
        who.actor,
        who.user.cloned(),
        stop.clone(),
        metadata,
    );
    let event = events::order_status_changed(
        &next,
        current.status,
        who.actor,
        who.user,
        stop.as_ref(),
        reason,
    );
    let mut uow = UnitOfWork::new(&deps.store, who.tenant);
    match who.driver {
        Some(driver) => uow.driver_order(&next, current.version, current.status, driver)?,
        None => uow.order(&next, current.version, current.status)?,
    }
    uow.history(&history)?;
    uow.event(&event)?;
    if let Some(pod) = extras.pod {
        uow.pod(pod)?;
        uow.event(&events::pod_created(&next, pod))?;
    }
    if let Some(e) = extras.exception {
        uow.exception(e)?;
        uow.event(&events::exception_event(
            EventType::ExceptionCreated,
            e,
            next.updated_at,
        ))?;
    }
    if let Some(route_id) = &next.route_id {
        follow_on_route(deps, who.tenant, route_id, &next, &mut uow, now).await?;
    }
    match uow.commit().await {
        Ok(()) => {
            tracing::info!(order_id = %next.id, from = current.status.as_str(), to = to.as_str(), "order status changed");
            cargoflow_http::metrics::count(
                &[("ToStatus", to.as_str())],
                &[("OrderTransitions", 1.0)],
            );
            Ok(next)
        }
        Err(CommitError::Guards(labels))
            if labels.iter().all(|l| {
                l.starts_with("order:") || l.starts_with("pod:") || l == "transaction_conflict"
            }) =>
        {
            let latest = deps.store.get_order(who.tenant, order).await.ok();
            // Reassigned to someone else meanwhile: for this driver the order is gone.
            if let (Some(driver), Some(l)) = (who.driver, &latest)
                && l.driver_id.as_ref() != Some(driver)
            {
                return Err(ApiError::NotFound("order"));
            }
            Err(write_error(OrderWriteError::Stale, latest.as_ref()))
        }
        Err(e) => Err(crate::routing::commit_error(e)),
    }
}

/// Adds the route's side of an order's move to `uow`.
async fn follow_on_route(
    deps: &Deps,
    tenant: &TenantId,
    route_id: &RouteId,
    moved: &Order,
    uow: &mut UnitOfWork<'_>,
    now: time::OffsetDateTime,
) -> Result<(), ApiError> {
    // Only a route that is not there means "no route to follow"; any other failure to read
    // it fails the move, with nothing written.
    let Some(route) = deps.store.get_route(tenant, route_id).await.optional()? else {
        return Ok(());
    };
    if route.status.is_final() {
        return Ok(());
    }
    let (vehicle, orders) = crate::routing::load_route_members(deps, tenant, &route).await?;
    let orders: Vec<Order> = orders
        .into_iter()
        .map(|o| if o.id == moved.id { moved.clone() } else { o })
        .collect();
    let mut next = route.clone();
    // The route's copy of the order's stops follows their status.
    for rs in next.stops.iter_mut().filter(|rs| rs.order_id == moved.id) {
        if let Some(s) = moved.stops.iter().find(|s| s.id == rs.stop_id) {
            rs.status = s.status;
        }
    }
    if moved.status == OrderStatus::Cancelled {
        next.stops
            .retain(|s| s.order_id != moved.id || s.status != StopStatus::Pending);
    }
    next.updated_at = now;
    next.version = route.version + 1;
    let event_type = if orders.iter().all(|o| o.status.is_terminal()) {
        next.status = RouteStatus::Completed;
        next.end_time = Some(now);
        EventType::RouteCompleted
    } else {
        crate::routing::replan(deps, &mut next, vehicle.vehicle_type, &orders, false, now);
        EventType::RouteUpdated
    };
    uow.route(&next, route.version)?;
    uow.event(&events::route_event(event_type, &next, now))?;
    if next.status != RouteStatus::Completed {
        let skip = std::collections::HashSet::from([moved.id.clone()]);
        crate::routing::sync_etas(uow, &orders, &next, &skip, now)?;
    }
    Ok(())
}

/// Shared by ack and resolve: checks the move, writes it with its event at the read version.
pub async fn move_exception(
    deps: &Deps,
    tenant: &TenantId,
    id: &ExceptionId,
    to: ExceptionStatus,
    change: impl FnOnce(&mut OrderException, time::OffsetDateTime),
) -> Result<OrderException, ApiError> {
    let current = deps
        .store
        .get_exception(tenant, id)
        .await
        .not_found_as("exception")?;
    if !ExceptionStatus::allowed_from(to).contains(&current.status) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message: format!(
                "The exception is {}; it cannot become {}.",
                current.status.as_str(),
                to.as_str()
            ),
            fields: None,
            details: Some(serde_json::json!({ "current_status": current.status })),
        });
    }
    let now = time_util::now();
    let mut next = current.clone();
    next.status = to;
    next.updated_at = now;
    next.version = current.version + 1;
    change(&mut next, now);
    let event_type = match to {
        ExceptionStatus::Acknowledged => EventType::ExceptionAcknowledged,
        _ => EventType::ExceptionResolved,
    };
    let event = events::exception_event(event_type, &next, now);
    deps.store
        .update_exception(tenant, &next, current.version, &event)
        .await
        .map_err(|e| write_error(e, None))?;
    Ok(next)
}
