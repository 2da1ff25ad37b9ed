//! Route changes: assign, unassign and reassign orders; start, reorder, optimise, cancel; ETAs
//! from the driver's position; and the bulk changes too large for one transaction.

use std::collections::HashSet;

use serde_json::json;
use time::{Date, OffsetDateTime};

use super::*;
use crate::*;

/// A route's driver and vehicle, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Crew {
    pub driver: Driver,
    pub vehicle: Vehicle,
}

impl Crew {
    /// Both must be active (409 otherwise).
    pub fn check_active(&self) -> Result<(), DispatchError> {
        if !self.driver.is_active {
            return Err(DispatchError::conflict(
                "driver_inactive",
                "The driver is deactivated.",
            ));
        }
        if !self.vehicle.is_active {
            return Err(DispatchError::conflict(
                "vehicle_inactive",
                "The vehicle is deactivated.",
            ));
        }
        Ok(())
    }

    fn checks(&self) -> [Check; 2] {
        [
            Check::DriverActive {
                id: self.driver.id.clone(),
                version: self.driver.version,
            },
            Check::VehicleActive {
                id: self.vehicle.id.clone(),
                version: self.vehicle.version,
            },
        ]
    }
}

/// Now for today's (or past) routes, 08:00 UTC on the route's date otherwise.
pub fn default_start(date: Date, now: OffsetDateTime) -> OffsetDateTime {
    if date <= now.date() {
        now
    } else {
        date.with_hms(8, 0, 0)
            .map(|d| d.assume_utc())
            .unwrap_or(now)
    }
}

/// A new, empty PLANNED route for the crew (its orders come with [`assign`]).
pub fn new_route(
    date: Date,
    crew: &Crew,
    start_time: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Route {
    Route {
        id: RouteId::generate(),
        route_date: date,
        driver_id: crew.driver.id.clone(),
        vehicle_id: crew.vehicle.id.clone(),
        vehicle_type: Some(crew.vehicle.vehicle_type),
        status: RouteStatus::Planned,
        order_ids: vec![],
        finished_order_ids: vec![],
        stops: vec![],
        total_distance_m: 0.0,
        total_weight_kg: 0.0,
        optimized: false,
        unmet_windows: vec![],
        start_time: Some(start_time.unwrap_or_else(|| default_start(date, now))),
        end_time: None,
        reminder_sent_at: None,
        applying: None,
        created_at: now,
        updated_at: now,
        version: 0,
    }
}

pub fn require_open(route: &Route) -> Result<(), DispatchError> {
    if route.status.is_final() {
        return Err(DispatchError::conflict(
            "route_final",
            format!("The route is {}; it cannot change.", route.status.as_str()),
        ));
    }
    Ok(())
}

/// A route in the middle of a bulk change takes no other change until it is finished.
pub fn require_settled(route: &Route) -> Result<(), DispatchError> {
    if route.applying.is_some() {
        return Err(DispatchError::conflict(
            "route_busy",
            "A large change to this route is still being applied; try again in a moment.",
        ));
    }
    Ok(())
}

fn capacity_exceeded(total: f64, capacity: f64) -> DispatchError {
    DispatchError::Conflict {
        code: "capacity_exceeded",
        message: format!("The orders weigh {total:.1} kg; the vehicle takes {capacity:.0} kg."),
        details: Some(json!({ "capacity_kg": capacity, "total_weight_kg": round_kg(total) })),
    }
}

/// Adds orders' stops to a route (its size limits and capacity hold) and re-plans it.
fn add_to_route(
    route: &mut Route,
    orders: &[&Order],
    capacity_kg: f64,
    optimize: bool,
    ctx: &Ctx,
) -> Result<(), DispatchError> {
    let total = route.total_weight_kg + orders.iter().map(|o| weight_of(o)).sum::<f64>();
    if total > capacity_kg + 1e-9 {
        return Err(capacity_exceeded(total, capacity_kg));
    }
    let count = route.order_ids.len() + orders.len();
    if count > MAX_ORDERS_PER_ROUTE {
        return Err(DispatchError::Conflict {
            code: "route_full",
            message: format!(
                "A route holds at most {MAX_ORDERS_PER_ROUTE} orders; this change would make {count}."
            ),
            details: Some(json!({ "max_orders": MAX_ORDERS_PER_ROUTE, "orders": count })),
        });
    }
    for o in orders {
        route.order_ids.push(o.id.clone());
        route.stops.extend(
            route_stops_of(o)
                .into_iter()
                .filter(|s| s.status == StopStatus::Pending),
        );
    }
    if route.stops.len() > MAX_STOPS_PER_ROUTE {
        return Err(DispatchError::Conflict {
            code: "route_full",
            message: format!(
                "A route holds at most {MAX_STOPS_PER_ROUTE} stops; this change would make {}.",
                route.stops.len()
            ),
            details: Some(json!({ "max_stops": MAX_STOPS_PER_ROUTE, "stops": route.stops.len() })),
        });
    }
    route.total_weight_kg = round_kg(total);
    route.updated_at = ctx.now;
    replan(
        route,
        &ctx.settings,
        optimize || route.optimized,
        None,
        ctx.now,
    );
    Ok(())
}

/// Takes an order's stops off a route and re-plans it.
fn remove_from_route(route: &mut Route, order: &Order, ctx: &Ctx) {
    route.order_ids.retain(|id| id != &order.id);
    route.finished_order_ids.retain(|id| id != &order.id);
    route.stops.retain(|s| s.order_id != order.id);
    route.total_weight_kg = round_kg((route.total_weight_kg - weight_of(order)).max(0.0));
    route.updated_at = ctx.now;
    replan(route, &ctx.settings, false, None, ctx.now);
}

/// A move of `order` to `next` with its history row and event, guarded by the order's
/// version and status as read.
fn status_move(
    order: &Order,
    next: Order,
    event_type: EventType,
    meta: serde_json::Value,
    ctx: &Ctx,
) -> OrderMove {
    OrderMove {
        history: StatusHistoryEntry::new(
            &next,
            Some(order.status),
            ctx.actor.actor_type,
            ctx.actor.user.clone(),
            None,
            meta.clone(),
        ),
        event: events::order_moved(
            event_type,
            &next,
            order.status,
            ctx.actor.actor_type,
            ctx.actor.user.as_ref(),
            meta,
        ),
        write: OrderWrite {
            order: next,
            expected_version: order.version,
            expected_status: order.status,
            driver: None,
        },
    }
}

/// The move of one CREATED order onto `route` (ASSIGNED, `order.assigned`).
pub fn assign_move(order: &Order, route: &Route, ctx: &Ctx) -> OrderMove {
    let mut next = order.clone();
    next.status = OrderStatus::Assigned;
    next.route_id = Some(route.id.clone());
    next.driver_id = Some(route.driver_id.clone());
    next.updated_at = ctx.now;
    next.version = order.version + 1;
    sync_order_etas(&mut next, route);
    let meta = json!({ "route_id": route.id });
    status_move(order, next, EventType::OrderAssigned, meta, ctx)
}

/// The move of one ASSIGNED order off `route` (back to CREATED, its ETAs cleared).
pub fn unassign_move(order: &Order, route: &Route, reason: &str, ctx: &Ctx) -> OrderMove {
    let mut next = order.clone();
    next.status = OrderStatus::Created;
    next.route_id = None;
    next.driver_id = None;
    for s in &mut next.stops {
        s.scheduled_eta = None;
    }
    next.updated_at = ctx.now;
    next.version = order.version + 1;
    let meta = json!({ "route_id": route.id, "reason": reason });
    status_move(order, next, EventType::OrderStatusChanged, meta, ctx)
}

/// Puts CREATED orders on a route (`route.version` 0: a new one, which claims the driver's
/// day): each moves to ASSIGNED with a history row and `order.assigned`; the route gets their
/// stops, re-planned (optimised when asked or when it already was), and its event; the crew
/// must be active and the vehicle's capacity holds. Orders already on this route are left as
/// they are (a retried request changes nothing twice).
pub fn assign(
    route: &Route,
    crew: &Crew,
    orders: &[Order],
    optimize: bool,
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    if route.status != RouteStatus::Planned {
        return Err(DispatchError::conflict(
            "route_not_planned",
            format!(
                "Orders can only be added while the route is PLANNED; it is {}.",
                route.status.as_str()
            ),
        ));
    }
    require_settled(route)?;
    crew.check_active()?;
    let members: HashSet<&OrderId> = route.order_ids.iter().collect();
    let new: Vec<&Order> = orders
        .iter()
        .filter(|o| !(members.contains(&o.id) && o.route_id.as_ref() == Some(&route.id)))
        .collect();
    let not_created: Vec<serde_json::Value> = new
        .iter()
        .filter(|o| o.status != OrderStatus::Created)
        .map(|o| json!({ "order_id": o.id, "status": o.status, "route_id": o.route_id }))
        .collect();
    if !not_created.is_empty() {
        return Err(DispatchError::Conflict {
            code: "order_not_assignable",
            message: "Only CREATED orders can be put on a route (use reassign to move an assigned order).".into(),
            details: Some(json!({ "orders": not_created })),
        });
    }
    let is_new = route.version == 0;
    if new.is_empty() && !is_new {
        return Ok(Change::default());
    }
    let mut next = route.clone();
    add_to_route(
        &mut next,
        &new,
        f64::from(crew.vehicle.capacity_kg.get()),
        optimize,
        ctx,
    )?;
    next.vehicle_type = Some(crew.vehicle.vehicle_type);
    next.version = route.version + 1;
    let mut change = Change {
        moves: new.iter().map(|o| assign_move(o, &next, ctx)).collect(),
        checks: crew.checks().into(),
        ..Default::default()
    };
    if is_new {
        change.markers.push(DayMarker::Claim(next.clone()));
    }
    change.events.push(events::route_event(
        if is_new {
            EventType::RouteCreated
        } else {
            EventType::RouteUpdated
        },
        &next,
        ctx.now,
    ));
    change.routes.push(RouteWrite {
        route: next,
        expected_version: (!is_new).then_some(route.version),
    });
    Ok(mark_bulk(change, BulkKind::Assign, None, ctx))
}

/// When `change` is too large for one transaction, its route carries the bulk change's
/// record, so that any reader sees it is still being applied and any writer can finish it.
fn mark_bulk(mut change: Change, kind: BulkKind, reason: Option<&str>, ctx: &Ctx) -> Change {
    if !change.is_bulk() {
        return change;
    }
    let applying = Applying {
        change_id: ulid::Ulid::new().to_string(),
        kind,
        order_ids: change
            .moves
            .iter()
            .map(|m| m.write.order.id.clone())
            .collect(),
        actor_type: ctx.actor.actor_type,
        actor_user_id: ctx.actor.user.clone(),
        reason: reason.map(str::to_string),
        started_at: ctx.now,
    };
    if let Some(w) = change.routes.first_mut() {
        w.route.applying = Some(applying);
    }
    change
}

/// One order of a bulk change, decided again from the order as it is now (resuming a bulk
/// change after a crash): None when the order is no longer in the state the change expects.
pub fn resume_move(
    order: &Order,
    route: &Route,
    applying: &Applying,
    ctx: &Ctx,
) -> Option<OrderMove> {
    match applying.kind {
        BulkKind::Assign if order.status == OrderStatus::Created => {
            Some(assign_move(order, route, ctx))
        }
        BulkKind::Unassign
            if order.status == OrderStatus::Assigned
                && order.route_id.as_ref() == Some(&route.id) =>
        {
            Some(unassign_move(
                order,
                route,
                applying.reason.as_deref().unwrap_or("route cancelled"),
                ctx,
            ))
        }
        _ => None,
    }
}

/// Ends a bulk change: the route loses its record, and orders the change could not move
/// (`lost`: changed by someone else after their hold lapsed) leave an assigning route.
pub fn finish_bulk(route: &Route, lost: &[OrderId], ctx: &Ctx) -> RouteWrite {
    let mut next = route.clone();
    let kind = route.applying.as_ref().map(|a| a.kind);
    next.applying = None;
    if kind == Some(BulkKind::Assign) && !lost.is_empty() {
        next.order_ids.retain(|id| !lost.contains(id));
        next.stops.retain(|s| !lost.contains(&s.order_id));
        replan(&mut next, &ctx.settings, false, None, ctx.now);
    }
    next.updated_at = ctx.now;
    next.version = route.version + 1;
    RouteWrite {
        route: next,
        expected_version: Some(route.version),
    }
}

/// Takes an ASSIGNED order off its open route (back to CREATED); the route is re-planned.
pub fn unassign(
    route: &Route,
    order: &Order,
    reason: &str,
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    require_open(route)?;
    require_settled(route)?;
    if !route.order_ids.contains(&order.id) || order.route_id.as_ref() != Some(&route.id) {
        return Err(DispatchError::NotFound("order"));
    }
    if order.status != OrderStatus::Assigned {
        return Err(DispatchError::conflict(
            "order_not_assigned",
            format!(
                "Only ASSIGNED orders can be taken off a route; this one is {}.",
                order.status.as_str()
            ),
        ));
    }
    let mut next = route.clone();
    remove_from_route(&mut next, order, ctx);
    next.version = route.version + 1;
    Ok(Change {
        moves: vec![unassign_move(order, &next, reason, ctx)],
        events: vec![events::route_event(EventType::RouteUpdated, &next, ctx.now)],
        routes: vec![RouteWrite {
            route: next,
            expected_version: Some(route.version),
        }],
        ..Default::default()
    })
}

/// Moves an ASSIGNED order from its route to another open one (whose driver takes it): the
/// unassign of the source and the assign of the target, as one change with one history row
/// and `order.reassigned`. Both routes are re-planned; the target's capacity holds.
pub fn reassign(
    order: &Order,
    source: &Route,
    target: &Route,
    target_crew: &Crew,
    note: Option<&str>,
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    if order.status != OrderStatus::Assigned {
        return Err(DispatchError::conflict(
            "order_not_assigned",
            format!(
                "Only ASSIGNED orders are reassigned; this one is {}.",
                order.status.as_str()
            ),
        ));
    }
    if order.route_id.as_ref() != Some(&source.id) {
        return Err(DispatchError::conflict(
            "order_not_assigned",
            "The order is not on a route.",
        ));
    }
    if source.id == target.id {
        return Err(DispatchError::field(
            "target_route_id",
            "is the route the order is already on",
        ));
    }
    require_open(target)?;
    require_settled(target)?;
    require_settled(source)?;
    if target_crew.check_active().is_err() {
        return Err(DispatchError::conflict(
            "crew_inactive",
            "The target route's driver or vehicle is deactivated.",
        ));
    }
    let mut new_source = source.clone();
    remove_from_route(&mut new_source, order, ctx);
    new_source.version = source.version + 1;
    let mut new_target = target.clone();
    add_to_route(
        &mut new_target,
        &[order],
        f64::from(target_crew.vehicle.capacity_kg.get()),
        false,
        ctx,
    )?;
    new_target.version = target.version + 1;
    let mut moved = order.clone();
    moved.route_id = Some(target.id.clone());
    moved.driver_id = Some(target.driver_id.clone());
    sync_order_etas(&mut moved, &new_target);
    moved.updated_at = ctx.now;
    moved.version = order.version + 1;
    let meta = json!({ "from_route_id": source.id, "to_route_id": target.id, "note": note });
    Ok(Change {
        moves: vec![status_move(
            order,
            moved,
            EventType::OrderReassigned,
            meta,
            ctx,
        )],
        events: vec![
            events::route_event(EventType::RouteUpdated, &new_source, ctx.now),
            events::route_event(EventType::RouteUpdated, &new_target, ctx.now),
        ],
        routes: vec![
            RouteWrite {
                route: new_source,
                expected_version: Some(source.version),
            },
            RouteWrite {
                route: new_target,
                expected_version: Some(target.version),
            },
        ],
        checks: vec![Check::VehicleActive {
            id: target_crew.vehicle.id.clone(),
            version: target_crew.vehicle.version,
        }],
        ..Default::default()
    })
}

/// The driver starts their PLANNED route: ETAs from now.
pub fn start_route(route: &Route, ctx: &Ctx) -> Result<Change, DispatchError> {
    if let Some(d) = &ctx.actor.driver
        && &route.driver_id != d
    {
        return Err(DispatchError::NotFound("route"));
    }
    if !route.status.can_become(RouteStatus::InProgress) {
        return Err(DispatchError::conflict(
            "route_not_planned",
            format!(
                "The route is {}; only a PLANNED route can start.",
                route.status.as_str()
            ),
        ));
    }
    require_settled(route)?;
    let mut next = route.clone();
    next.status = RouteStatus::InProgress;
    next.start_time = Some(ctx.now);
    replan(&mut next, &ctx.settings, false, None, ctx.now);
    Ok(route_only(route, next, EventType::RouteStarted, ctx))
}

fn route_only(route: &Route, mut next: Route, event_type: EventType, ctx: &Ctx) -> Change {
    next.updated_at = ctx.now;
    next.version = route.version + 1;
    Change {
        events: vec![events::route_event(event_type, &next, ctx.now)],
        routes: vec![RouteWrite {
            route: next,
            expected_version: Some(route.version),
        }],
        ..Default::default()
    }
}

/// Re-optimises the pending stops of an open route.
pub fn optimize_route(route: &Route, ctx: &Ctx) -> Result<Change, DispatchError> {
    require_open(route)?;
    require_settled(route)?;
    let mut next = route.clone();
    replan(&mut next, &ctx.settings, true, None, ctx.now);
    Ok(route_only(route, next, EventType::RouteUpdated, ctx))
}

/// Puts the pending stops in the order ops give (every pending stop once, every pickup before
/// its order's drops); visited stops keep their place.
pub fn reorder_route(
    route: &Route,
    stop_order: &[String],
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    require_open(route)?;
    require_settled(route)?;
    let pending: Vec<&RouteStop> = route
        .stops
        .iter()
        .filter(|s| s.status == StopStatus::Pending)
        .collect();
    let mut seen = HashSet::new();
    let mut ordered: Vec<RouteStop> = route
        .stops
        .iter()
        .filter(|s| s.status != StopStatus::Pending)
        .cloned()
        .collect();
    for (i, raw) in stop_order.iter().enumerate() {
        let stop = pending
            .iter()
            .find(|s| s.stop_id.as_str() == raw)
            .ok_or_else(|| {
                DispatchError::field(
                    format!("stop_order[{i}]"),
                    "is not a pending stop of this route",
                )
            })?;
        if !seen.insert(raw.as_str()) {
            return Err(DispatchError::field(
                format!("stop_order[{i}]"),
                "is listed twice",
            ));
        }
        ordered.push((*stop).clone());
    }
    if seen.len() != pending.len() {
        return Err(DispatchError::field(
            "stop_order",
            format!(
                "must list all {} pending stops; {} given",
                pending.len(),
                seen.len()
            ),
        ));
    }
    if !precedence_holds(&ordered) {
        return Err(DispatchError::field(
            "stop_order",
            "every PICKUP must come before its order's DROP",
        ));
    }
    let mut next = route.clone();
    next.stops = ordered;
    next.optimized = false;
    replan(&mut next, &ctx.settings, false, None, ctx.now);
    Ok(route_only(route, next, EventType::RouteUpdated, ctx))
}

/// Pending ETAs from the driver's live position (an IN_PROGRESS route only; None otherwise).
pub fn refresh_etas(route: &Route, position: (f64, f64), ctx: &Ctx) -> Option<Change> {
    if route.status != RouteStatus::InProgress || route.applying.is_some() {
        return None;
    }
    let mut next = route.clone();
    replan(&mut next, &ctx.settings, false, Some(position), ctx.now);
    Some(route_only(route, next, EventType::RouteUpdated, ctx))
}

/// Cancels an open route: its ASSIGNED orders go back to CREATED (refused while orders are on
/// board), the driver's day is released.
pub fn cancel_route(
    route: &Route,
    orders: &[Order],
    reason: &str,
    ctx: &Ctx,
) -> Result<Change, DispatchError> {
    require_open(route)?;
    require_settled(route)?;
    let on_board: Vec<&str> = orders
        .iter()
        .filter(|o| matches!(o.status, OrderStatus::PickedUp | OrderStatus::InTransit))
        .map(|o| o.id.as_str())
        .collect();
    if !on_board.is_empty() {
        return Err(DispatchError::Conflict {
            code: "orders_on_board",
            message:
                "Orders are picked up or in transit on this route; reassign them before cancelling."
                    .into(),
            details: Some(json!({ "order_ids": on_board })),
        });
    }
    let mut next = route.clone();
    next.status = RouteStatus::Cancelled;
    next.end_time = Some(ctx.now);
    let mut change = route_only(route, next, EventType::RouteCancelled, ctx);
    let cancelled = change.routes[0].route.clone();
    change.moves = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Assigned && o.route_id.as_ref() == Some(&route.id))
        .map(|o| unassign_move(o, &cancelled, reason, ctx))
        .collect();
    change.markers.push(DayMarker::Release(route.clone()));
    Ok(mark_bulk(change, BulkKind::Unassign, Some(reason), ctx))
}
