//! Route rules, shared by the route endpoints: loading the crew, assigning and removing orders,
//! planning stops with the optimiser and ETAs, and turning a failed guard into the right answer.
//! Every change is one TransactWriteItems built with the store's UnitOfWork.

use std::collections::{HashMap, HashSet};

use cargoflow_auth::Identity;
use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs};
use cargoflow_store::unit_of_work::{CommitError, UnitOfWork};
use serde_json::json;
use time::{Date, OffsetDateTime};

use crate::Deps;

pub fn parse_order_ids(raw: &[String], e: &mut FieldErrors) -> Vec<OrderId> {
    if raw.len() > MAX_ORDERS_PER_ROUTE {
        e.add(
            "order_ids",
            format!("at most {MAX_ORDERS_PER_ROUTE} orders per request"),
        );
        return vec![];
    }
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        match OrderId::parse(r) {
            Some(id) if seen.insert(id.clone()) => ids.push(id),
            Some(_) => e.add(format!("order_ids[{i}]"), "is listed twice"),
            None => e.add(format!("order_ids[{i}]"), "is not an id"),
        }
    }
    ids
}

/// The route's driver and vehicle, which must exist in the tenant (404) and be active (409).
pub async fn load_crew(
    deps: &Deps,
    tenant: &TenantId,
    driver: &DriverId,
    vehicle: &VehicleId,
) -> Result<(Driver, Vehicle), ApiError> {
    let driver = deps
        .store
        .get_driver(tenant, driver)
        .await
        .not_found_as("driver")?;
    let vehicle = deps
        .store
        .get_vehicle(tenant, vehicle)
        .await
        .not_found_as("vehicle")?;
    if !driver.is_active {
        return Err(ApiError::conflict(
            "driver_inactive",
            "The driver is deactivated.",
        ));
    }
    if !vehicle.is_active {
        return Err(ApiError::conflict(
            "vehicle_inactive",
            "The vehicle is deactivated.",
        ));
    }
    Ok((driver, vehicle))
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

pub fn speed_kmh(deps: &Deps, t: VehicleType) -> f64 {
    let [bike, car, van, truck] = deps.config.speed_kmh;
    match t {
        VehicleType::Bike => bike,
        VehicleType::Car => car,
        VehicleType::Van => van,
        VehicleType::Truck => truck,
    }
}

pub fn weight_of(o: &Order) -> f64 {
    o.package.weight_kg.unwrap_or(0.0)
}

/// An order's stops as route stops, in the order's sequence.
pub fn route_stops_of(o: &Order) -> Vec<RouteStop> {
    o.stops
        .iter()
        .map(|s| RouteStop {
            stop_id: s.id.clone(),
            order_id: o.id.clone(),
            stop_type: s.stop_type,
            address_line: s.address_line.clone(),
            city: s.city.clone(),
            lat: s.lat,
            lng: s.lng,
            status: s.status,
            scheduled_eta: s.scheduled_eta,
        })
        .collect()
}

/// Copies the route's ETAs onto the order's own stops.
pub fn sync_order_etas(o: &mut Order, route: &Route) {
    let etas: HashMap<&StopId, Option<OffsetDateTime>> = route
        .stops
        .iter()
        .map(|s| (&s.stop_id, s.scheduled_eta))
        .collect();
    for s in &mut o.stops {
        if let Some(eta) = etas.get(&s.id) {
            s.scheduled_eta = *eta;
        }
    }
}

/// Every PICKUP of an order comes before its DROPs, in this sequence of stops.
pub fn precedence_holds(stops: &[RouteStop]) -> bool {
    let mut dropped: HashSet<&OrderId> = HashSet::new();
    for s in stops {
        match s.stop_type {
            StopType::Drop => {
                dropped.insert(&s.order_id);
            }
            StopType::Pickup => {
                if dropped.contains(&s.order_id) {
                    return false;
                }
            }
        }
    }
    true
}

/// Re-plans the route: visited stops keep their place at the front; the pending ones are
/// optimised (or kept in their order) and get ETAs from the start (or from now once the route
/// is under way); windows the plan cannot meet are recorded.
pub fn replan(
    deps: &Deps,
    route: &mut Route,
    vehicle: VehicleType,
    orders: &[Order],
    optimize: bool,
    now: OffsetDateTime,
) {
    replan_from(deps, route, vehicle, orders, optimize, None, now)
}

/// [`replan`], starting from `position` (the driver's live location) when given instead of
/// the last visited stop.
pub fn replan_from(
    deps: &Deps,
    route: &mut Route,
    vehicle: VehicleType,
    orders: &[Order],
    optimize: bool,
    position: Option<(f64, f64)>,
    now: OffsetDateTime,
) {
    let (visited, pending): (Vec<RouteStop>, Vec<RouteStop>) = route
        .stops
        .drain(..)
        .partition(|s| s.status != StopStatus::Pending);
    let start_at = match (route.status, route.start_time) {
        (RouteStatus::Planned, Some(t)) => t,
        _ => now,
    };
    let origin = position.or_else(|| visited.iter().rev().find_map(|s| s.lat.zip(s.lng)));
    let windows: HashMap<OrderId, (Option<TimeWindow>, Option<TimeWindow>)> = orders
        .iter()
        .map(|o| (o.id.clone(), (o.pickup_window, o.drop_window)))
        .collect();
    let plan = crate::planning::plan(
        &pending,
        origin,
        &windows,
        start_at,
        speed_kmh(deps, vehicle),
        deps.config.stop_service_secs,
        optimize,
    );
    route.stops = visited;
    route.stops.extend(plan.stops);
    route.total_distance_m = plan.total_distance_m;
    route.unmet_windows = plan.unmet_windows;
    if optimize {
        route.optimized = true;
    }
}

/// What a route change starts from.
pub struct Assignment {
    /// The route as it will be (new, or as read).
    pub route: Route,
    /// None for a new route; the version read for an existing one.
    pub expected_version: Option<u64>,
    pub driver: Driver,
    pub vehicle: Vehicle,
    pub optimize: bool,
}

/// Maps a failed transaction to the answer the caller needs.
pub fn commit_error(e: CommitError) -> ApiError {
    match e {
        CommitError::Guards(labels) => {
            let label = labels.first().cloned().unwrap_or_default();
            let (code, message) = if label == "driver_day" {
                (
                    "driver_busy",
                    "The driver already has a route on that date.",
                )
            } else if label == "driver" {
                (
                    "driver_changed",
                    "The driver was deactivated or changed meanwhile; nothing was written.",
                )
            } else if label == "vehicle" {
                (
                    "vehicle_changed",
                    "The vehicle was deactivated or changed meanwhile; nothing was written.",
                )
            } else if label.starts_with("order:") {
                (
                    "concurrent_change",
                    "An order changed meanwhile; nothing was written.",
                )
            } else {
                (
                    "concurrent_change",
                    "The route changed meanwhile; nothing was written.",
                )
            };
            ApiError::Conflict {
                code,
                message: message.into(),
                fields: None,
                details: Some(json!({ "failed": labels })),
            }
        }
        CommitError::TooLarge(n) => ApiError::conflict(
            "too_many_changes",
            format!("The change needs {n} writes; at most 100 fit one transaction."),
        ),
        CommitError::Store(e) => e.into(),
    }
}

/// Loads orders by id; every one must exist in the tenant.
pub async fn load_orders(
    deps: &Deps,
    tenant: &TenantId,
    ids: &[OrderId],
) -> Result<Vec<Order>, ApiError> {
    let mut orders = deps.store.get_orders(tenant, ids).await?;
    if orders.len() != ids.len() {
        let found: HashSet<&OrderId> = orders.iter().map(|o| &o.id).collect();
        let missing: Vec<&str> = ids
            .iter()
            .filter(|i| !found.contains(i))
            .map(|i| i.as_str())
            .collect();
        return Err(ApiError::NotFound(if missing.len() == 1 {
            "order"
        } else {
            "orders"
        }));
    }
    let pos: HashMap<&OrderId, usize> = ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    orders.sort_by_key(|o| pos.get(&o.id).copied().unwrap_or(usize::MAX));
    Ok(orders)
}

/// Puts CREATED orders on a route (new, or PLANNED): each moves to ASSIGNED with a history
/// row and `order.assigned`; the route gets their stops, re-planned, and its event; the
/// vehicle's capacity holds. All in one transaction.
pub async fn assign_orders(
    deps: &Deps,
    caller: &Identity,
    a: Assignment,
    ids: &[OrderId],
) -> Result<Route, ApiError> {
    let tenant = &caller.tenant_id;
    let Assignment {
        mut route,
        expected_version,
        driver,
        vehicle,
        optimize,
    } = a;
    if route.status != RouteStatus::Planned {
        return Err(ApiError::conflict(
            "route_not_planned",
            format!(
                "Orders can only be added while the route is PLANNED; it is {}.",
                route.status.as_str()
            ),
        ));
    }
    let orders = load_orders(deps, tenant, ids).await?;
    let not_created: Vec<serde_json::Value> = orders
        .iter()
        .filter(|o| o.status != OrderStatus::Created)
        .map(|o| json!({ "order_id": o.id, "status": o.status, "route_id": o.route_id }))
        .collect();
    if !not_created.is_empty() {
        return Err(ApiError::Conflict {
            code: "order_not_assignable",
            message: "Only CREATED orders can be put on a route (use reassign to move an assigned order).".into(),
            fields: None,
            details: Some(json!({ "orders": not_created })),
        });
    }
    // Orders already on the route count towards capacity too.
    let existing = load_orders(deps, tenant, &route.order_ids).await?;
    let total: f64 = existing.iter().chain(orders.iter()).map(weight_of).sum();
    let capacity = f64::from(vehicle.capacity_kg.get());
    if total > capacity + 1e-9 {
        return Err(ApiError::Conflict {
            code: "capacity_exceeded",
            message: format!("The orders weigh {total:.1} kg; the vehicle takes {capacity:.0} kg."),
            fields: None,
            details: Some(
                json!({ "capacity_kg": capacity, "total_weight_kg": (total * 1000.0).round() / 1000.0 }),
            ),
        });
    }
    let now = time_util::now();
    for o in &orders {
        route.order_ids.push(o.id.clone());
        route.stops.extend(route_stops_of(o));
    }
    route.total_weight_kg = (total * 1000.0).round() / 1000.0;
    route.updated_at = now;
    let all_orders: Vec<Order> = existing.iter().chain(orders.iter()).cloned().collect();
    let optimise = optimize || route.optimized;
    replan(
        deps,
        &mut route,
        vehicle.vehicle_type,
        &all_orders,
        optimise,
        now,
    );

    let mut uow = UnitOfWork::new(&deps.store, tenant);
    match expected_version {
        None => {
            uow.new_route(&route)?;
            uow.claim_driver_day(&route)?;
            uow.event(&events::route_event(EventType::RouteCreated, &route, now))?;
        }
        Some(v) => {
            route.version = v + 1;
            uow.route(&route, v)?;
            uow.event(&events::route_event(EventType::RouteUpdated, &route, now))?;
        }
    }
    uow.driver_active(&driver)?;
    uow.vehicle_active(&vehicle)?;
    for o in &orders {
        let mut next = o.clone();
        next.status = OrderStatus::Assigned;
        next.route_id = Some(route.id.clone());
        next.driver_id = Some(route.driver_id.clone());
        next.updated_at = now;
        next.version = o.version + 1;
        sync_order_etas(&mut next, &route);
        let meta = json!({ "route_id": route.id });
        uow.order(&next, o.version, OrderStatus::Created)?;
        uow.history(&StatusHistoryEntry::new(
            &next,
            Some(o.status),
            ActorType::Ops,
            Some(caller.user_id.clone()),
            None,
            meta.clone(),
        ))?;
        uow.event(&events::order_moved(
            EventType::OrderAssigned,
            &next,
            o.status,
            ActorType::Ops,
            Some(&caller.user_id),
            meta,
        ))?;
    }
    // Orders already on the route get their new ETAs.
    for o in &existing {
        if o.status.is_terminal() {
            continue;
        }
        let mut next = o.clone();
        sync_order_etas(&mut next, &route);
        if next != *o {
            next.version = o.version + 1;
            next.updated_at = now;
            uow.order(&next, o.version, o.status)?;
        }
    }
    uow.commit().await.map_err(commit_error)?;
    tracing::info!(route_id = %route.id, orders = ids.len(), "orders assigned");
    Ok(route)
}

/// Adds the writes that give the route's orders their new ETAs (orders in `skip` are written
/// by the caller). Final orders are left alone.
pub fn sync_etas(
    uow: &mut UnitOfWork<'_>,
    orders: &[Order],
    route: &Route,
    skip: &HashSet<OrderId>,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    for o in orders {
        if skip.contains(&o.id) || o.status.is_terminal() {
            continue;
        }
        let mut next = o.clone();
        sync_order_etas(&mut next, route);
        if next != *o {
            next.version = o.version + 1;
            next.updated_at = now;
            uow.order(&next, o.version, o.status)?;
        }
    }
    Ok(())
}

/// The route, its vehicle and its orders, for a change to an existing route.
pub async fn load_route(
    deps: &Deps,
    tenant: &TenantId,
    id: &RouteId,
) -> Result<(Route, Vehicle, Vec<Order>), ApiError> {
    let route = deps
        .store
        .get_route(tenant, id)
        .await
        .not_found_as("route")?;
    let (vehicle, orders) = load_route_members(deps, tenant, &route).await?;
    Ok((route, vehicle, orders))
}

/// A route's vehicle and orders (the orders in the route's order).
pub async fn load_route_members(
    deps: &Deps,
    tenant: &TenantId,
    route: &Route,
) -> Result<(Vehicle, Vec<Order>), ApiError> {
    let vehicle = deps
        .store
        .get_vehicle(tenant, &route.vehicle_id)
        .await
        .not_found_as("vehicle")?;
    let orders = load_orders(deps, tenant, &route.order_ids).await?;
    Ok((vehicle, orders))
}

pub fn require_open(route: &Route) -> Result<(), ApiError> {
    if route.status.is_final() {
        return Err(ApiError::conflict(
            "route_final",
            format!("The route is {}; it cannot change.", route.status.as_str()),
        ));
    }
    Ok(())
}

/// Takes an order off a route (ASSIGNED -> CREATED), in `uow`: the order, its history row and
/// event; the route loses its stops (the caller re-plans and writes the route).
pub fn unassign(
    uow: &mut UnitOfWork<'_>,
    route: &mut Route,
    order: &Order,
    actor: ActorType,
    user: Option<&UserId>,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(), ApiError> {
    route.order_ids.retain(|id| id != &order.id);
    route.stops.retain(|s| s.order_id != order.id);
    route.total_weight_kg =
        ((route.total_weight_kg - weight_of(order)).max(0.0) * 1000.0).round() / 1000.0;
    let mut next = order.clone();
    next.status = OrderStatus::Created;
    next.route_id = None;
    next.driver_id = None;
    for s in &mut next.stops {
        s.scheduled_eta = None;
    }
    next.updated_at = now;
    next.version = order.version + 1;
    let meta = json!({ "route_id": route.id, "reason": reason });
    uow.order(&next, order.version, OrderStatus::Assigned)?;
    uow.history(&StatusHistoryEntry::new(
        &next,
        Some(order.status),
        actor,
        user.cloned(),
        None,
        meta.clone(),
    ))?;
    uow.event(&events::order_moved(
        EventType::OrderStatusChanged,
        &next,
        order.status,
        actor,
        user,
        meta,
    ))?;
    Ok(())
}
