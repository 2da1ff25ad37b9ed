//! POST /api/ops/routes/{id}/cancel: a PLANNED or IN_PROGRESS route is cancelled; its ASSIGNED
//! orders go back to CREATED (history and events) and the driver's day is free again. A route
//! with orders on board (PICKED_UP, IN_TRANSIT) cannot be cancelled: reassign them first.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRouteRequest {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/routes/{id}/cancel", operation_id = "cancel_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = CancelRouteRequest,
    responses(
        (status = 200, description = "Cancelled", body = Route),
        (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Already final, orders on board, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let body: CancelRouteRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let reason = parse_notes(body.reason.as_deref())
        .map_err(|r| ApiError::field("reason", r))?
        .unwrap_or_else(|| "route cancelled".into());
    let tenant = &caller.tenant_id;
    let route = crate::dispatch::load_route(&deps, tenant, &id).await?;
    let orders = deps.store.get_orders(tenant, &route.order_ids).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::cancel_route(&route, &orders, &reason, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    let cancelled = crate::dispatch::route_after(&deps, tenant, &change, &route).await?;
    ok(&cancelled)
}
