//! GET /api/ops/webhooks/deliveries: every delivery attempt, newest first; filters by event
//! and outcome.

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_domain::webhooks::WebhookDelivery;
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<WebhookDelivery>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/webhooks/deliveries", operation_id = "list_webhook_deliveries", tag = "webhooks",
    security(("bearer" = [])),
    params(("event_id" = Option<String>, Query), ("outcome" = Option<String>, Query, description = "delivered, retrying, failed, disabled"),
        ("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query)),
    responses((status = 200, description = "Delivery attempts", body = DeliveryPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.tokens, Permission::Operate)?;
    let page = page_query(&req)?;
    let outcome = query_param(&req, "outcome");
    if let Some(o) = &outcome
        && !["delivered", "retrying", "failed", "disabled"].contains(&o.as_str())
    {
        return Err(ApiError::field(
            "outcome",
            "must be delivered, retrying, failed or disabled",
        ));
    }
    let event_id = query_param(&req, "event_id").filter(|e| ulid::Ulid::from_string(e).is_ok());
    let found = deps
        .store
        .list_deliveries(
            &caller.tenant_id,
            event_id.as_deref(),
            outcome.as_deref(),
            page.cursor(),
            page.limit,
        )
        .await?;
    ok(&DeliveryPage {
        items: found.items,
        next_cursor: found.next_cursor,
    })
}
