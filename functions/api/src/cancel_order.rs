//! POST /api/ops/orders/{id}/cancel: ops only, from CREATED, ASSIGNED or PICKED_UP.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::transitions::{Mover, transition};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrderRequest {
    #[schema(example = "Customer cancelled")]
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
    let who = Mover {
        tenant: &caller.tenant_id,
        actor: ActorType::Ops,
        user: Some(&caller.user_id),
        driver: None,
    };
    let metadata = serde_json::json!({ "reason": reason });
    let order = transition(
        &deps,
        &who,
        &id,
        OrderStatus::Cancelled,
        None,
        metadata,
        Some(&reason),
        |o| {
            o.cancel_reason = Some(reason.clone());
        },
    )
    .await?;
    ok(&order)
}
