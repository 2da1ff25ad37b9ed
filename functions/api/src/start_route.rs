//! POST /api/driver/routes/{id}/start: the driver sets off. PLANNED -> IN_PROGRESS, the start
//! time is now, ETAs are recomputed from now and written to the orders, `route.started`.
//! A driver reaches only their own routes: anyone else's answers 404.

use std::collections::HashSet;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};
use cargoflow_store::unit_of_work::UnitOfWork;

use crate::Deps;
use crate::routing;

#[utoipa::path(post, path = "/api/driver/routes/{id}/start", operation_id = "start_route", tag = "driver",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Started", body = Route),
        (status = 404, description = "Not one of this driver's routes", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Not PLANNED", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Drive).await?;
    let driver = caller
        .driver_id
        .clone()
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let (route, vehicle, orders) = routing::load_route(&deps, &caller.tenant_id, &id).await?;
    if route.driver_id != driver {
        return Err(ApiError::NotFound("route"));
    }
    if !route.status.can_become(RouteStatus::InProgress) {
        return Err(ApiError::conflict(
            "route_not_planned",
            format!(
                "The route is {}; only a PLANNED route can start.",
                route.status.as_str()
            ),
        ));
    }
    let now = time_util::now();
    let mut next = route.clone();
    next.status = RouteStatus::InProgress;
    next.start_time = Some(now);
    routing::replan(&deps, &mut next, vehicle.vehicle_type, &orders, false, now);
    next.updated_at = now;
    next.version = route.version + 1;
    let mut uow = UnitOfWork::new(&deps.store, &caller.tenant_id);
    uow.route(&next, route.version)?;
    uow.event(&events::route_event(EventType::RouteStarted, &next, now))?;
    routing::sync_etas(&mut uow, &orders, &next, &HashSet::new(), now)?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&next)
}
