//! GET /api/ops/events: the tenant's event log (the outbox), newest first; filters by type and
//! status (PENDING, PROCESSED, FAILED).

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct EventLogEntry {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// PENDING (not yet published), PROCESSED, or FAILED (publishing gave up; retry it).
    pub status: String,
    /// Failed publishing attempts so far.
    pub retries: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: String,
}

impl From<cargoflow_store::order_items::EventItem> for EventLogEntry {
    fn from(e: cargoflow_store::order_items::EventItem) -> Self {
        Self {
            payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
            id: e.id,
            event_type: e.event_type,
            status: e.status,
            retries: e.retries,
            last_error: e.last_error,
            created_at: cargoflow_domain::time_util::rfc3339(e.created_at),
        }
    }
}

/// The statuses an event can have.
pub const STATUSES: &[&str] = &["PENDING", "PROCESSED", "FAILED"];

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventLogEntry>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/events", operation_id = "list_events", tag = "webhooks",
    security(("bearer" = [])),
    params(("type" = Option<String>, Query), ("status" = Option<String>, Query, description = "PENDING, PROCESSED or FAILED"), ("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query)),
    responses((status = 200, description = "Events", body = EventPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let status = query_param(&req, "status").map(|s| s.to_uppercase());
    if status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(ApiError::field(
            "status",
            "must be PENDING, PROCESSED or FAILED",
        ));
    }
    let event_type = query_param(&req, "type");
    let found = deps
        .store
        .list_events(
            &caller.tenant_id,
            event_type.as_deref(),
            status.as_deref(),
            page.cursor(),
            page.limit,
        )
        .await?;
    let items = found.items.into_iter().map(EventLogEntry::from).collect();
    ok(&EventPage {
        items,
        next_cursor: found.next_cursor,
    })
}
