//! DELETE /api/ops/routes/{id}/orders/{order_id}: takes an ASSIGNED order off its route; it
//! goes back to CREATED (history and event) and the route is re-planned.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, path_id};

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

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
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    if !route.order_ids.contains(&order_id) {
        return Err(ApiError::NotFound("order"));
    }
    let order = deps
        .store
        .get_order(tenant, &order_id)
        .await
        .not_found_as("order")?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::unassign(&route, &order, "removed from route", &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&change.routes[0].route)
}
