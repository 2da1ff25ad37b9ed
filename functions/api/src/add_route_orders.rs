//! POST /api/ops/routes/{id}/orders: puts more CREATED orders on a PLANNED route.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::routing::{self, Assignment};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddRouteOrdersRequest {
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
    let ids = routing::parse_order_ids(&body.order_ids, &mut e);
    if ids.is_empty() && e.is_empty() {
        e.add("order_ids", "is required");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let route = deps
        .store
        .get_route(&caller.tenant_id, &id)
        .await
        .not_found_as("route")?;
    if route.order_ids.len() + ids.len() > MAX_ORDERS_PER_ROUTE {
        return Err(ApiError::field(
            "order_ids",
            format!("a route holds at most {MAX_ORDERS_PER_ROUTE} orders"),
        ));
    }
    let (driver, vehicle) = routing::load_crew(
        &deps,
        &caller.tenant_id,
        &route.driver_id,
        &route.vehicle_id,
    )
    .await?;
    let version = route.version;
    let a = Assignment {
        route,
        expected_version: Some(version),
        driver,
        vehicle,
        optimize: body.optimize,
    };
    ok(&routing::assign_orders(&deps, &caller, a, &ids).await?)
}
