//! POST /api/ops/orders: an order with its stops, windows and package. Written with its
//! reference-code marker (unique per tenant), its first history row and `order.created`.

use std::sync::Arc;

use cargoflow_auth::Identity;
use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};

use crate::Deps;

#[utoipa::path(post, path = "/api/ops/orders", operation_id = "create_order", tag = "orders",
    security(("bearer" = [])), request_body = OrderInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe: the same key and body replay the first response")),
    responses(
        (status = 201, description = "Created", body = Order),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 409, description = "reference_code already used in this tenant", body = cargoflow_http::ErrorBody),
        (status = 422, description = "Idempotency-Key reused with another body", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let input: OrderInput = parse_json(&req, deps.config.max_body_bytes)?;
    let new = NewOrder::try_from(&input)?;
    created(&create(&deps, &caller, new).await?)
}

/// Shared with import-orders: one order, one transaction.
pub async fn create(deps: &Deps, caller: &Identity, new: NewOrder) -> Result<Order, ApiError> {
    let order = new.into_order(time_util::now());
    let history = StatusHistoryEntry::new(
        &order,
        None,
        ActorType::Ops,
        Some(caller.user_id.clone()),
        None,
        serde_json::json!({}),
    );
    let event = events::order_created(&order);
    deps.store
        .create_order(&caller.tenant_id, &order, &history, &event)
        .await?;
    cargoflow_http::metrics::count(&[], &[("OrdersCreated", 1.0)]);
    Ok(order)
}
