//! POST /api/ops/exceptions/{id}/resolve: OPEN or ACKNOWLEDGED -> RESOLVED, with a resolution.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Deps;
use crate::transitions::write_error;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveExceptionRequest {
    #[schema(example = "Delivered after delay")]
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
    let caller = authenticate(&req, &deps.tokens, Permission::Operate)?;
    let id = path_id(&req, "id", ExceptionId::parse, "exception")?;
    let body: ResolveExceptionRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let resolution = parse_notes(Some(&body.resolution))
        .and_then(|r| r.ok_or_else(|| "is required".to_string()))
        .map_err(|r| ApiError::field("resolution", r))?;
    let updated = move_exception(
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

/// Shared by ack and resolve: checks the move, writes it with its event at the read version.
pub async fn move_exception(
    deps: &Deps,
    tenant: &TenantId,
    id: &ExceptionId,
    to: ExceptionStatus,
    change: impl FnOnce(&mut OrderException, OffsetDateTime),
) -> Result<OrderException, ApiError> {
    let current = deps
        .store
        .get_exception(tenant, id)
        .await
        .not_found_as("exception")?;
    if !ExceptionStatus::allowed_from(to).contains(&current.status) {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            message: format!(
                "The exception is {}; it cannot become {}.",
                current.status.as_str(),
                to.as_str()
            ),
            fields: None,
            details: Some(serde_json::json!({ "current_status": current.status })),
        });
    }
    let now = time_util::now();
    let mut next = current.clone();
    next.status = to;
    next.updated_at = now;
    next.version = current.version + 1;
    change(&mut next, now);
    let event_type = match to {
        ExceptionStatus::Acknowledged => EventType::ExceptionAcknowledged,
        _ => EventType::ExceptionResolved,
    };
    let event = events::exception_event(event_type, &next, now);
    deps.store
        .update_exception(tenant, &next, current.version, &event)
        .await
        .map_err(|e| write_error(e, None))?;
    Ok(next)
}
