//! POST /api/driver/orders/{id}/status {to_status, stop_id, metadata}: the driver's moves on
//! an order of their own started route: PICKED_UP (its pickup stops completed), IN_TRANSIT,
//! FAILED (a reason is required; its drop stops fail and a FAILED_ATTEMPT exception opens in
//! the same transaction). Server timestamps. DELIVERED needs proof of delivery (the POD
//! endpoint). Another driver's order, or one not on a route, answers 404.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, ok, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{Actor, MoveRequest};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrderStatusRequest {
    /// PICKED_UP, IN_TRANSIT or FAILED.
    pub to_status: String,
    /// The stop the driver is at.
    pub stop_id: Option<String>,
    /// Free-form; `reason` is required for FAILED.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
}

#[utoipa::path(post, path = "/api/driver/orders/{id}/status", operation_id = "update_order_status", tag = "driver",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = UpdateOrderStatusRequest,
    responses(
        (status = 200, description = "Moved", body = Order),
        (status = 400, description = "Invalid fields (FAILED without a reason, unknown stop)", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Not one of this driver's orders", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Not allowed from its status, route not started, POD required, or a concurrent change", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many updates from this driver (Retry-After)", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    // The token first (401/403 before anything else), the body next, then the order.
    cargoflow_http::authenticate(&req, &deps.auth, Permission::Drive).await?;
    let body: UpdateOrderStatusRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let to = OrderStatus::parse(&body.to_status).map_err(|r| ApiError::field("to_status", r))?;
    let metadata = match body.metadata {
        None => serde_json::json!({}),
        Some(m @ serde_json::Value::Object(_)) if m.to_string().len() <= 2048 => m,
        Some(_) => {
            return Err(ApiError::field(
                "metadata",
                "must be an object of at most 2 KB",
            ));
        }
    };
    let reason = metadata
        .get("reason")
        .and_then(|r| r.as_str())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    match to {
        OrderStatus::PickedUp | OrderStatus::InTransit => {}
        OrderStatus::Failed if reason.is_none() => {
            return Err(ApiError::field(
                "metadata.reason",
                "is required when the delivery failed",
            ));
        }
        OrderStatus::Failed => {}
        OrderStatus::Delivered => {
            return Err(ApiError::conflict(
                "pod_required",
                "Delivering needs proof of delivery: use the POD endpoint.",
            ));
        }
        _ => {
            return Err(ApiError::Forbidden(
                "Drivers make pickup, in-transit and failed moves only.",
            ));
        }
    }
    let crate::driver_scope::DriverOrder {
        caller,
        driver,
        order,
        route,
    } = crate::driver_scope::driver_order(&deps, &req).await?;
    let stop = match &body.stop_id {
        Some(raw) => Some(
            StopId::parse(raw)
                .ok_or_else(|| ApiError::field("stop_id", "is not a stop of this order"))?,
        ),
        None => None,
    };
    let req = MoveRequest {
        to,
        stop,
        metadata,
        reason,
        pod: None,
    };
    let moved = crate::dispatch::move_order(
        &deps,
        &caller.tenant_id,
        &order,
        Some(&route),
        req,
        Actor::driver(&caller.user_id, &driver),
    )
    .await?;
    ok(&moved)
}
