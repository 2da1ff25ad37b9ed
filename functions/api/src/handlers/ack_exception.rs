//! POST /api/ops/exceptions/{id}/ack: OPEN -> ACKNOWLEDGED, with a note.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckExceptionRequest {
    #[schema(example = "Investigating")]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/exceptions/{id}/ack", operation_id = "ack_exception", tag = "exceptions",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = AckExceptionRequest,
    responses(
        (status = 200, description = "Acknowledged", body = OrderException),
        (status = 404, description = "No such exception in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Not OPEN any more", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", ExceptionId::parse, "exception")?;
    let body: AckExceptionRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let note = parse_notes(body.note.as_deref()).map_err(|r| ApiError::field("note", r))?;
    let updated = crate::dispatch::move_exception(
        &deps,
        &caller.tenant_id,
        &id,
        ExceptionStatus::Acknowledged,
        |e, now| {
            e.ack_note = note.clone();
            e.acknowledged_at = Some(now);
        },
    )
    .await?;
    ok(&updated)
}
