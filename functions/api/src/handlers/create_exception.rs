//! POST /api/ops/orders/{id}/exceptions: ops raise an exception on an order.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, created, parse_json, path_id,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExceptionRequest {
    /// DELAY, FAILED_ATTEMPT, WRONG_ADDRESS, CUSTOMER_UNAVAILABLE, DAMAGED or OTHER.
    #[serde(rename = "type")]
    pub exception_type: String,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/orders/{id}/exceptions", operation_id = "create_exception", tag = "exceptions",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateExceptionRequest,
    responses(
        (status = 201, description = "Raised", body = OrderException),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let order_id = path_id(&req, "id", OrderId::parse, "order")?;
    let body: CreateExceptionRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let exception_type = e.check("type", ExceptionType::parse(&body.exception_type));
    let notes = e
        .check("notes", parse_notes(body.notes.as_deref()))
        .flatten();
    let Some(exception_type) = exception_type else {
        return Err(e.into());
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    // The order must exist in this tenant (the transaction checks it again).
    let tenant = &caller.tenant_id;
    let order = deps
        .store
        .get_order(tenant, &order_id)
        .await
        .not_found_as("order")?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let change = dispatch::open_exception(&order, exception_type, notes, &ctx);
    crate::dispatch::apply(&deps, tenant, &change, &ctx)
        .await
        .map_err(|e| match e {
            // The order vanished meanwhile.
            ApiError::Conflict { .. } => ApiError::NotFound("order"),
            e => e,
        })?;
    created(&change.exceptions[0])
}
