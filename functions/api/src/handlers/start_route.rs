//! POST /api/driver/routes/{id}/start: the driver sets off. PLANNED -> IN_PROGRESS, the start
//! time is now, ETAs are recomputed from now on the route, `route.started`.
//! A driver reaches only their own routes: anyone else's answers 404.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

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
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::driver(&caller.user_id, &driver));
    let change = dispatch::start_route(&route, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&change.routes[0].route)
}
