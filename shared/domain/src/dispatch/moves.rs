//! An order's status moves, by each actor, and what they do to the route the order is on.

use serde_json::{Value, json};

use super::*;
use crate::status_machine::{self, TransitionError};
use crate::*;

/// A status move as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveRequest {
    pub to: OrderStatus,
    /// The stop the driver is at.
    pub stop: Option<StopId>,
    pub metadata: Value,
    /// Why (a cancellation, a failed attempt): on the order, its event and its exception.
    pub reason: Option<String>,
    /// The proof of delivery (DELIVERED only).
    pub pod: Option<Pod>,
}

impl MoveRequest {
    pub fn to(to: OrderStatus) -> Self {
        Self {
            to,
            stop: None,
            metadata: json!({}),
            reason: None,
            pod: None,
        }
    }
}

/// The refusal of a move the status machine does not allow.
pub fn transition_refused(e: TransitionError, current: &Order) -> DispatchError {
    match e {
        TransitionError::NotPermitted { .. } => {
            DispatchError::Forbidden("You may not make this status change.")
        }
        TransitionError::Terminal(_) | TransitionError::NotAllowed { .. } => {
            DispatchError::Conflict {
                code: "invalid_transition",
                message: e.to_string(),
                details: Some(json!({
                    "current_status": current.status,
                    "allowed_next": status_machine::next_statuses(current.status),
                    "version": current.version,
                })),
            }
        }
    }
}

/// The order must be the driver's when a driver asks (another driver's order is not there).
pub fn check_driver_owns(order: &Order, actor: &Actor) -> Result<(), DispatchError> {
    match &actor.driver {
        Some(d) if order.driver_id.as_ref() != Some(d) => Err(DispatchError::NotFound("order")),
        _ => Ok(()),
    }
}

/// Moves `order` to `req.to` with the move's effect on its stops (pickups completed, drops
/// failed or delivered), its history row and event, the exception a failed attempt opens, the
/// POD, and, when the order is on `route` (open), the route's side: stop statuses, completion
/// when all its orders are final, ETAs re-planned.
pub fn move_order(
    order: &Order,
    route: Option<&Route>,
    req: MoveRequest,
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    check_driver_owns(order, &ctx.actor)?;
    status_machine::check(order.status, req.to, ctx.actor.actor_type)
        .map_err(|e| transition_refused(e, order))?;
    if let Some(stop) = &req.stop
        && !order.stops.iter().any(|s| &s.id == stop)
    {
        return Err(DispatchError::field(
            "stop_id",
            "is not a stop of this order",
        ));
    }
    match (req.to, &req.pod) {
        (OrderStatus::Delivered, None) => {
            return Err(DispatchError::conflict(
                "pod_required",
                "Delivering needs proof of delivery: use the POD endpoint.",
            ));
        }
        (OrderStatus::Failed, _) if req.reason.is_none() => {
            return Err(DispatchError::field(
                "metadata.reason",
                "is required when the delivery failed",
            ));
        }
        _ => {}
    }
    let now = ctx.now;
    let mut next = order.clone();
    next.status = req.to;
    next.updated_at = now;
    next.version = order.version + 1;
    apply_stop_effects(&mut next, req.to, req.stop.as_ref(), now);
    match req.to {
        OrderStatus::Delivered => next.delivered_at = Some(now),
        OrderStatus::Cancelled => next.cancel_reason = req.reason.clone(),
        _ => {}
    }
    let mut change = Change::default();
    if let Some(route) = route.filter(|r| Some(&r.id) == order.route_id.as_ref())
        && !route.status.is_final()
    {
        let (next_route, event_type) = follow_on_route(route, &next, ctx);
        super::plan::sync_order_etas(&mut next, &next_route);
        if let Some(t) = event_type {
            change.events.push(events::route_event(t, &next_route, now));
        }
        change.routes.push(RouteWrite {
            route: next_route,
            expected_version: Some(route.version),
        });
    }
    let history = StatusHistoryEntry::new(
        &next,
        Some(order.status),
        ctx.actor.actor_type,
        ctx.actor.user.clone(),
        req.stop.clone(),
        req.metadata,
    );
    let event = events::order_status_changed(
        &next,
        order.status,
        ctx.actor.actor_type,
        ctx.actor.user.as_ref(),
        req.stop.as_ref(),
        req.reason.as_deref(),
    );
    if req.to == OrderStatus::Failed {
        let exception = new_exception(&next, ExceptionType::FailedAttempt, req.reason.clone(), ctx);
        change.events.push(events::exception_event(
            EventType::ExceptionCreated,
            &exception,
            now,
        ));
        change.exceptions.push(exception);
    }
    if let Some(pod) = req.pod {
        change.events.push(events::pod_created(&next, &pod));
        change.pod = Some(pod);
    }
    change.moves.insert(
        0,
        OrderMove {
            write: OrderWrite {
                order: next,
                expected_version: order.version,
                expected_status: order.status,
                driver: ctx.actor.driver.clone(),
            },
            history,
            event,
        },
    );
    Ok(change)
}

/// What a move does to the order's stops: a pickup completes the pickup stops (the one the
/// driver is at, or all), a failure fails the drops, a delivery completes the pending drops.
pub fn apply_stop_effects(
    o: &mut Order,
    to: OrderStatus,
    stop: Option<&StopId>,
    now: time::OffsetDateTime,
) {
    for s in &mut o.stops {
        let at_this = stop.is_none_or(|sid| sid == &s.id);
        match (to, s.stop_type) {
            (OrderStatus::PickedUp, StopType::Pickup) if at_this => {
                s.actual_arrival_time.get_or_insert(now);
                s.completed_at = Some(now);
                s.status = StopStatus::Completed;
            }
            (OrderStatus::Failed, StopType::Drop) if at_this => {
                s.actual_arrival_time.get_or_insert(now);
                s.status = StopStatus::Failed;
            }
            (OrderStatus::Delivered, StopType::Drop) if s.status == StopStatus::Pending => {
                s.actual_arrival_time.get_or_insert(now);
                s.completed_at = Some(now);
                s.status = StopStatus::Completed;
            }
            _ => {}
        }
    }
}

/// The route's side of an order's move: its copy of the order's stops follows their status; a
/// cancelled order's pending stops leave the plan; a final order counts towards completion;
/// the route completes when all its orders are final, otherwise its ETAs are re-planned. The
/// route's event: `route.completed` when it completes, `route.updated` when its plan lost
/// stops (a cancellation), none for a stop the driver worked (the order's own event tells it).
pub fn follow_on_route(route: &Route, moved: &Order, ctx: &Ctx) -> (Route, Option<EventType>) {
    let mut next = route.clone();
    for rs in next.stops.iter_mut().filter(|rs| rs.order_id == moved.id) {
        if let Some(s) = moved.stops.iter().find(|s| s.id == rs.stop_id) {
            rs.status = s.status;
        }
    }
    let planned = next.stops.len();
    if moved.status == OrderStatus::Cancelled {
        next.stops
            .retain(|s| s.order_id != moved.id || s.status != StopStatus::Pending);
    }
    let plan_changed = next.stops.len() != planned;
    if moved.status.is_terminal() && !next.finished_order_ids.contains(&moved.id) {
        next.finished_order_ids.push(moved.id.clone());
    }
    next.updated_at = ctx.now;
    next.version = route.version + 1;
    let all_final = next
        .order_ids
        .iter()
        .all(|id| next.finished_order_ids.contains(id));
    if all_final {
        next.status = RouteStatus::Completed;
        next.end_time = Some(ctx.now);
        (next, Some(EventType::RouteCompleted))
    } else {
        replan(&mut next, &ctx.settings, false, None, ctx.now);
        (next, plan_changed.then_some(EventType::RouteUpdated))
    }
}

fn new_exception(
    order: &Order,
    exception_type: ExceptionType,
    notes: Option<String>,
    ctx: &Ctx,
) -> OrderException {
    OrderException {
        id: ExceptionId::generate(),
        order_id: order.id.clone(),
        exception_type,
        status: ExceptionStatus::Open,
        notes,
        ack_note: None,
        resolution: None,
        created_by: ctx.actor.user.clone(),
        created_at: ctx.now,
        acknowledged_at: None,
        resolved_at: None,
        updated_at: ctx.now,
        version: 1,
    }
}

/// Opens an exception on `order` (ops by hand, or CargoFlow's delay detection), with its event,
/// while the order exists.
pub fn open_exception(
    order: &Order,
    exception_type: ExceptionType,
    notes: Option<String>,
    ctx: &Ctx,
) -> Change {
    let exception = new_exception(order, exception_type, notes, ctx);
    Change {
        events: vec![events::exception_event(
            EventType::ExceptionCreated,
            &exception,
            ctx.now,
        )],
        exceptions: vec![exception],
        checks: vec![Check::OrderExists {
            id: order.id.clone(),
        }],
        ..Default::default()
    }
}
