//! DELETE /api/ops/routes/{id}/orders/{order_id}: takes an ASSIGNED order off its route; it
//! goes back to CREATED (history and event) and the route is re-planned.

use std::collections::HashSet;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};
use cargoflow_store::unit_of_work::UnitOfWork;

use crate::Deps;
use crate::routing;

#[utoipa::path(delete, path = "/api/ops/routes/{id}/orders/{order_id}", operation_id = "remove_route_order", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("order_id" = String, Path)),
    responses(
        (status = 200, description = "Removed; the route as it is now", body = Route),
        (status = 404, description = "Route not found, or the order is not on it", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Order already picked up or final, route final, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let order_id = path_id(&req, "order_id", OrderId::parse, "order")?;
    let (route, vehicle, orders) = routing::load_route(&deps, &caller.tenant_id, &id).await?;
    routing::require_open(&route)?;
    let order = orders
        .iter()
        .find(|o| o.id == order_id)
        .ok_or(ApiError::NotFound("order"))?;
    if order.status != OrderStatus::Assigned {
        return Err(ApiError::conflict(
            "order_not_assigned",
            format!(
                "Only ASSIGNED orders can be taken off a route; this one is {}.",
                order.status.as_str()
            ),
        ));
    }
    let now = time_util::now();
    let mut next = route.clone();
    let mut uow = UnitOfWork::new(&deps.store, &caller.tenant_id);
    routing::unassign(
        &mut uow,
        &mut next,
        order,
        ActorType::Ops,
        Some(&caller.user_id),
        "removed from route",
        now,
    )?;
    routing::replan(&deps, &mut next, vehicle.vehicle_type, &orders, false, now);
    next.updated_at = now;
    next.version = route.version + 1;
    uow.route(&next, route.version)?;
    uow.event(&events::route_event(EventType::RouteUpdated, &next, now))?;
    routing::sync_etas(&mut uow, &orders, &next, &HashSet::from([order_id]), now)?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&next)
}
