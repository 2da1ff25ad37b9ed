//! Load once, decide, commit: how handlers use the dispatch core (cargoflow_domain::dispatch).
//! A handler reads the state it needs (the order, the route, the crew: one read each), asks the
//! core for a [`Change`], and applies it with [`apply`]; failed guards become the answers the
//! API documents. A route a bulk change left half-applied is finished on the way in
//! ([`load_route`]).

use std::collections::{HashMap, HashSet};

use cargoflow_domain::dispatch::{self, Actor, Change, Crew, Ctx, MoveRequest, Settings};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, NotFoundAs, Optional};
use cargoflow_store::orders::OrderWriteError;
use cargoflow_store::unit_of_work::{CommitError, UnitOfWork};
use serde_json::json;

use crate::Deps;

pub fn settings(deps: &Deps) -> Settings {
    Settings {
        speed_kmh: deps.config.speed_kmh,
        stop_service_secs: deps.config.stop_service_secs,
    }
}

pub fn ctx(deps: &Deps, actor: Actor) -> Ctx {
    Ctx::new(settings(deps), actor, time_util::now())
}

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

/// The route's driver and vehicle, which must exist in the tenant (404).
pub async fn load_crew(
    deps: &Deps,
    tenant: &TenantId,
    driver: &DriverId,
    vehicle: &VehicleId,
) -> Result<Crew, ApiError> {
    let (driver, vehicle) = tokio::try_join!(
        async {
            deps.store
                .get_driver(tenant, driver)
                .await
                .not_found_as("driver")
        },
        async {
            deps.store
                .get_vehicle(tenant, vehicle)
                .await
                .not_found_as("vehicle")
        },
    )?;
    Ok(Crew { driver, vehicle })
}

/// Orders by id, in the order asked; every one must exist in the tenant (404).
pub async fn load_orders(
    deps: &Deps,
    tenant: &TenantId,
    ids: &[OrderId],
) -> Result<Vec<Order>, ApiError> {
    let mut orders = deps.store.get_orders(tenant, ids).await?;
    if orders.len() != ids.len() {
        return Err(ApiError::NotFound(if ids.len() - orders.len() == 1 {
            "order"
        } else {
            "orders"
        }));
    }
    let pos: HashMap<&OrderId, usize> = ids.iter().enumerate().map(|(i, id)| (id, i)).collect();
    orders.sort_by_key(|o| pos.get(&o.id).copied().unwrap_or(usize::MAX));
    Ok(orders)
}

/// The route (404 when not in the tenant), with any bulk change it records finished first.
pub async fn load_route(deps: &Deps, tenant: &TenantId, id: &RouteId) -> Result<Route, ApiError> {
    let route = deps
        .store
        .get_route(tenant, id)
        .await
        .not_found_as("route")?;
    settle(deps, tenant, route).await
}

/// Finishes the bulk change `route` records, if any.
pub async fn settle(deps: &Deps, tenant: &TenantId, route: Route) -> Result<Route, ApiError> {
    if route.applying.is_none() {
        return Ok(route);
    }
    cargoflow_store::bulk::resume(&deps.store, tenant, route, &ctx(deps, Actor::system()))
        .await
        .map_err(commit_error)
}

/// Route `route` as `change` left it: its decided state, or, after a bulk change, as it
/// settled (unchanged when the change did not touch it).
pub async fn route_after(
    deps: &Deps,
    tenant: &TenantId,
    change: &Change,
    route: &Route,
) -> Result<Route, ApiError> {
    match change.route(&route.id) {
        Some(r) if r.applying.is_some() => load_route(deps, tenant, &r.id).await,
        Some(r) => Ok(r.clone()),
        None => Ok(route.clone()),
    }
}

/// Applies a decided change; a failed guard answers 409 (which one in `details.failed`).
pub async fn apply(
    deps: &Deps,
    tenant: &TenantId,
    change: &Change,
    ctx: &Ctx,
) -> Result<(), ApiError> {
    UnitOfWork::apply(&deps.store, tenant, change, ctx)
        .await
        .map_err(commit_error)?;
    count_moves(change);
    Ok(())
}

/// One `OrderTransitions` metric per order move applied.
fn count_moves(change: &Change) {
    for m in &change.moves {
        tracing::info!(order_id = %m.write.order.id, from = m.write.expected_status.as_str(), to = m.write.order.status.as_str(), "order status changed");
        cargoflow_http::metrics::count(
            &[("ToStatus", m.write.order.status.as_str())],
            &[("OrderTransitions", 1.0)],
        );
    }
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

/// How often a move is decided again when only its route changed meanwhile (another order's
/// move on the same route): the order's own guard still decides who wins a race on the order.
const ROUTE_RETRIES: usize = 20;

/// An order's move by `actor`, on the order (and its route) as read: decided, applied, and
/// answered with the order as it is now. When only the route moved on meanwhile (the driver's
/// other orders), it is read again and the move decided again. A lost race on the order
/// answers 409 with its current status, or 404 to a driver the order was taken from.
pub async fn move_order(
    deps: &Deps,
    tenant: &TenantId,
    order: &Order,
    route: Option<&Route>,
    req: MoveRequest,
    actor: Actor,
) -> Result<Order, ApiError> {
    let mut state = (order.clone(), route.cloned());
    let mut attempt = 0;
    loop {
        attempt += 1;
        let ctx = ctx(deps, actor.clone());
        let (order, route) = &state;
        let change = dispatch::move_order(order, route.as_ref(), req.clone(), &ctx)?;
        let labels = match UnitOfWork::apply(&deps.store, tenant, &change, &ctx).await {
            Ok(()) => {
                count_moves(&change);
                return Ok(change.moves[0].write.order.clone());
            }
            Err(CommitError::Guards(labels)) => labels,
            Err(e) => return Err(commit_error(e)),
        };
        let latest = deps.store.get_order(tenant, &order.id).await.optional()?;
        // Reassigned to someone else meanwhile: for this driver the order is gone.
        if let (Some(driver), Some(l)) = (&ctx.actor.driver, &latest)
            && l.driver_id.as_ref() != Some(driver)
        {
            return Err(ApiError::NotFound("order"));
        }
        let route_only = labels.iter().all(|l| l.starts_with("route:"));
        match latest {
            Some(l) if route_only && attempt < ROUTE_RETRIES && l.version == order.version => {
                // A jittered, exponentially growing pause (capped) so that racing moves
                // interleave instead of colliding again.
                let cap = (10u64 << attempt.min(5)).min(320);
                let pause = rand::random_range(cap / 4..=cap);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                let route = match &l.route_id {
                    Some(r) => Some(load_route(deps, tenant, r).await?),
                    None => None,
                };
                if ctx.actor.driver.is_some()
                    && route.as_ref().map(|r| r.status) != Some(RouteStatus::InProgress)
                {
                    return Err(ApiError::conflict(
                        "route_not_started",
                        "Start the route before updating its orders.",
                    ));
                }
                state = (l, route);
            }
            None => return Err(ApiError::NotFound("order")),
            Some(_) if route_only => return Err(commit_error(CommitError::Guards(labels))),
            latest => {
                return Err(ApiError::Conflict {
                    code: "concurrent_change",
                    message: "The order was changed by another request; nothing was written."
                        .into(),
                    fields: None,
                    details: latest
                        .as_ref()
                        .map(|o| json!({ "current_status": o.status, "version": o.version })),
                });
            }
        }
    }
}

/// An ops move of order `id`: the order read once, its route once (when it is on one).
pub async fn ops_move(
    deps: &Deps,
    tenant: &TenantId,
    id: &OrderId,
    req: MoveRequest,
    actor: Actor,
) -> Result<Order, ApiError> {
    let order = deps
        .store
        .get_order(tenant, id)
        .await
        .not_found_as("order")?;
    let route = match &order.route_id {
        Some(r) => match deps.store.get_route(tenant, r).await.optional()? {
            Some(route) => Some(settle(deps, tenant, route).await?),
            None => None,
        },
        None => None,
    };
    move_order(deps, tenant, &order, route.as_ref(), req, actor).await
}

/// The order with the live ETAs of its route (orders keep the ETAs of their last write; the
/// route's plan is the authority).
pub fn with_live_etas(mut order: Order, route: Option<&Route>) -> Order {
    if let Some(r) = route.filter(|r| Some(&r.id) == order.route_id.as_ref())
        && !r.status.is_final()
    {
        dispatch::sync_order_etas(&mut order, r);
    }
    order
}

/// A write that lost its version guard: 409 with the current state when known.
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
        .update_exception(tenant, &next, &current, &event)
        .await
        .map_err(|e| write_error(e, None))?;
    Ok(next)
}
