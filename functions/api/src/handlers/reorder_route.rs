//! POST /api/ops/routes/{id}/reorder: a new order for the stops not yet visited. It must list
//! exactly those stops, once each, and keep every PICKUP before its order's DROPs; ETAs are
//! recomputed on the route (the dispatch core's `reorder_route`).

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderRouteRequest {
    /// Stop ids of every not-yet-visited stop, in the new driving order.
    pub stop_order: Vec<String>,
}

#[utoipa::path(post, path = "/api/ops/routes/{id}/reorder", operation_id = "reorder_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = ReorderRouteRequest,
    responses(
        (status = 200, description = "Reordered, ETAs recomputed", body = Route),
        (status = 400, description = "Not a permutation of the pending stops, or a DROP before its PICKUP", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Route final or changed concurrently", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let body: ReorderRouteRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::reorder_route(&route, &body.stop_order, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&change.routes[0].route)
}
