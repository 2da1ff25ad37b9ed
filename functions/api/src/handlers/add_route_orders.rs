//! POST /api/ops/routes/{id}/orders: puts more CREATED orders on a PLANNED route.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRouteOrdersRequest {
    #[schema(max_items = 300)]
    pub order_ids: Vec<String>,
    #[serde(default)]
    pub optimize: bool,
}

#[utoipa::path(post, path = "/api/ops/routes/{id}/orders", operation_id = "add_route_orders", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = AddRouteOrdersRequest,
    responses(
        (status = 200, description = "Orders added", body = Route),
        (status = 404, description = "Route or order not found in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Route not PLANNED, an order not CREATED, capacity exceeded, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let body: AddRouteOrdersRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let ids = crate::dispatch::parse_order_ids(&body.order_ids, &mut e);
    if ids.is_empty() && e.is_empty() {
        e.add("order_ids", "is required");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    let crew =
        crate::dispatch::load_crew(&deps, tenant, &route.driver_id, &route.vehicle_id).await?;
    let orders = crate::dispatch::load_orders(&deps, tenant, &ids).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::assign(&route, &crew, &orders, body.optimize, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&crate::dispatch::route_after(&deps, tenant, &change, &route).await?)
}
