//! POST /api/ops/routes/{id}/optimize: re-runs the optimiser on the stops not yet visited and
//! writes the new ETAs.

use std::collections::HashSet;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};
use cargoflow_store::unit_of_work::UnitOfWork;

use crate::Deps;
use crate::routing;

#[utoipa::path(post, path = "/api/ops/routes/{id}/optimize", operation_id = "optimize_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Optimised", body = Route),
        (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Route final or changed concurrently", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let (route, vehicle, orders) = routing::load_route(&deps, &caller.tenant_id, &id).await?;
    routing::require_open(&route)?;
    let now = time_util::now();
    let mut next = route.clone();
    routing::replan(&deps, &mut next, vehicle.vehicle_type, &orders, true, now);
    next.updated_at = now;
    next.version = route.version + 1;
    let mut uow = UnitOfWork::new(&deps.store, &caller.tenant_id);
    uow.route(&next, route.version)?;
    uow.event(&events::route_event(EventType::RouteUpdated, &next, now))?;
    routing::sync_etas(&mut uow, &orders, &next, &HashSet::new(), now)?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&next)
}
