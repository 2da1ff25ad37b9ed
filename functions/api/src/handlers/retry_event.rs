//! POST /api/ops/events/{id}/retry: an event whose publishing gave up (FAILED, after
//! OUTBOX_MAX_ATTEMPTS attempts) is put back and published at once. Answers the event as it
//! is afterwards: PROCESSED (on its way to the webhooks), or PENDING with its next attempt
//! scheduled when EventBridge still fails. Operators retry every tenant's FAILED events by
//! invoking the sweeper with `{"retry_failed": true}` (docs/FLOWS.md).

use std::sync::Arc;

use cargoflow_domain::{EventId, Permission};
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, json};
use cargoflow_store::outbox::RetryEventError;

use crate::Deps;
use crate::list_events::EventLogEntry;

#[utoipa::path(post, path = "/api/ops/events/{id}/retry", operation_id = "retry_event", tag = "webhooks",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Put back and published (PROCESSED), or PENDING again with its next attempt scheduled", body = EventLogEntry),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such event in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "The event is not FAILED", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let id = cargoflow_http::path_id(
        &req,
        "id",
        |s| ulid::Ulid::from_string(s).ok().map(|u| u.to_string()),
        "event",
    )?;
    let event = crate::publish::retry_failed(&deps, &caller.tenant_id, &EventId::from_stored(id))
        .await
        .map_err(|e| match e {
            RetryEventError::NotFound => ApiError::NotFound("event"),
            RetryEventError::NotFailed(status) => ApiError::Conflict {
                code: "event_not_failed",
                message: format!("The event is {status}; only FAILED events are retried."),
                fields: None,
                details: Some(serde_json::json!({ "current_status": status })),
            },
            RetryEventError::Store(e) => e.into(),
        })?;
    json(200, &EventLogEntry::from(event))
}
