//! POST /api/ops/orders/{id}/cancel: ops only, from CREATED, ASSIGNED or PICKED_UP.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{Actor, MoveRequest};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrderRequest {
    #[schema(example = "Customer cancelled")]
    #[schema(max_length = 1000)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/ops/orders/{id}/cancel", operation_id = "cancel_order", tag = "orders",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CancelOrderRequest,
    responses(
        (status = 200, description = "Cancelled", body = Order),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Not cancellable from its status, or changed concurrently (details.current_status)", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", OrderId::parse, "order")?;
    let body: CancelOrderRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let reason = parse_notes(Some(&body.reason))
        .and_then(|r| r.ok_or_else(|| "is required".to_string()))
        .map_err(|r| ApiError::field("reason", r))?;
    let mut req = MoveRequest::to(OrderStatus::Cancelled);
    req.metadata = serde_json::json!({ "reason": reason });
    req.reason = Some(reason);
    let tenant = &caller.tenant_id;
    let order =
        crate::dispatch::ops_move(&deps, tenant, &id, req, Actor::ops(&caller.user_id)).await?;
    ok(&order)
}
