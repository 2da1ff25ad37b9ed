//! POST /api/ops/routes/{id}/optimize: re-runs the optimiser on the stops not yet visited and
//! writes the new ETAs.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

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
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::optimize_route(&route, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&change.routes[0].route)
}
