//! POST /api/ops/orders/{id}/reassign: moves an ASSIGNED order to another open route (its
//! driver takes it); both routes are re-planned, capacity holds on the target, and the order's
//! history shows the move: the dispatch core's `reassign` (unassign + assign), one transaction.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignOrderRequest {
    pub target_route_id: String,
    #[schema(example = "Driver reassigned")]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/orders/{id}/reassign", operation_id = "reassign_order", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ReassignOrderRequest,
    responses(
        (status = 200, description = "Moved; the order as it is now", body = Order),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Order or route not found in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Order not ASSIGNED, target final, capacity exceeded, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let tenant = &caller.tenant_id;
    let order_id = path_id(&req, "id", OrderId::parse, "order")?;
    let body: ReassignOrderRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let target_id = RouteId::parse(&body.target_route_id)
        .ok_or_else(|| ApiError::field("target_route_id", "is not an id"))?;
    let note = parse_notes(body.note.as_deref()).map_err(|r| ApiError::field("note", r))?;
    let order = deps
        .store
        .get_order(tenant, &order_id)
        .await
        .not_found_as("order")?;
    let source_id = order
        .route_id
        .clone()
        .ok_or_else(|| ApiError::conflict("order_not_assigned", "The order is not on a route."))?;
    if source_id == target_id {
        return Err(ApiError::field(
            "target_route_id",
            "is the route the order is already on",
        ));
    }
    let (source, target) = tokio::try_join!(
        crate::dispatch::load_route(&deps, tenant, &source_id),
        crate::dispatch::load_route(&deps, tenant, &target_id),
    )?;
    let crew =
        crate::dispatch::load_crew(&deps, tenant, &target.driver_id, &target.vehicle_id).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::reassign(&order, &source, &target, &crew, note.as_deref(), &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    ok(&change.moves[0].write.order)
}
