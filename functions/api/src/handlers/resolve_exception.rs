//! POST /api/ops/exceptions/{id}/resolve: OPEN or ACKNOWLEDGED -> RESOLVED, with a resolution.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveExceptionRequest {
    #[schema(example = "Delivered after delay")]
    #[schema(max_length = 1000)]
    pub resolution: String,
}

#[utoipa::path(post, path = "/api/ops/exceptions/{id}/resolve", operation_id = "resolve_exception", tag = "exceptions",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = ResolveExceptionRequest,
    responses(
        (status = 200, description = "Resolved", body = OrderException),
        (status = 400, description = "resolution missing", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such exception in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Already resolved", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", ExceptionId::parse, "exception")?;
    let body: ResolveExceptionRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let resolution = parse_notes(Some(&body.resolution))
        .and_then(|r| r.ok_or_else(|| "is required".to_string()))
        .map_err(|r| ApiError::field("resolution", r))?;
    let updated = crate::dispatch::move_exception(
        &deps,
        &caller.tenant_id,
        &id,
        ExceptionStatus::Resolved,
        |e, now| {
            e.resolution = Some(resolution.clone());
            e.resolved_at = Some(now);
        },
    )
    .await?;
    ok(&updated)
}
