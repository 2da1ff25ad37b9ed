//! POST /api/ops/orders/{id}/exceptions: ops raise an exception on an order.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, created, parse_json, path_id,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::transitions::write_error;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExceptionRequest {
    /// DELAY, FAILED_ATTEMPT, WRONG_ADDRESS, CUSTOMER_UNAVAILABLE, DAMAGED or OTHER.
    #[serde(rename = "type")]
    pub exception_type: String,
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
    deps.store
        .get_order(&caller.tenant_id, &order_id)
        .await
        .not_found_as("order")?;
    let now = time_util::now();
    let exception = OrderException {
        id: ExceptionId::generate(),
        order_id,
        exception_type,
        status: ExceptionStatus::Open,
        notes,
        ack_note: None,
        resolution: None,
        created_by: Some(caller.user_id.clone()),
        created_at: now,
        acknowledged_at: None,
        resolved_at: None,
        updated_at: now,
        version: 1,
    };
    let event = events::exception_event(EventType::ExceptionCreated, &exception, now);
    if let Err(e) = deps
        .store
        .create_exception(&caller.tenant_id, &exception, &event)
        .await
    {
        // A failed guard: the order vanished (404), or a concurrent write collided (409).
        return Err(
            match deps
                .store
                .get_order(&caller.tenant_id, &exception.order_id)
                .await
            {
                Err(cargoflow_store::StoreError::NotFound) => ApiError::NotFound("order"),
                _ => write_error(e, None),
            },
        );
    }
    created(&exception)
}
