//! GET /api/ops/events: the tenant's event log (the outbox), newest first; filters by type and
//! status (PENDING, PROCESSED).

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
    pub status: String,
    pub retries: u32,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventLogEntry>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/events", operation_id = "list_events", tag = "webhooks",
    security(("bearer" = [])),
    params(("type" = Option<String>, Query), ("status" = Option<String>, Query, description = "PENDING or PROCESSED"), ("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query)),
    responses((status = 200, description = "Events", body = EventPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.tokens, Permission::Operate)?;
    let page = page_query(&req)?;
    let status = query_param(&req, "status").map(|s| s.to_uppercase());
    if status
        .as_deref()
        .is_some_and(|s| s != "PENDING" && s != "PROCESSED")
    {
        return Err(ApiError::field("status", "must be PENDING or PROCESSED"));
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
    let items = found
        .items
        .into_iter()
        .map(|e| EventLogEntry {
            payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
            id: e.id,
            event_type: e.event_type,
            status: e.status,
            retries: e.retries,
            created_at: cargoflow_domain::time_util::rfc3339(e.created_at),
        })
        .collect();
    ok(&EventPage {
        items,
        next_cursor: found.next_cursor,
    })
}
