//! POST /api/ops/webhooks/deliveries/{id}/replay: sends that delivery's event through the
//! webhook queue again (same event id, so receivers can still dedupe).

use std::sync::Arc;

use cargoflow_domain::{EventBridgeMessage, EventEnvelope, EventId, Permission, time_util};
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResponse {
    pub event_id: String,
    pub queued: usize,
}

/// The message the EventBridge rule would have put on the queue (None: the event has no
/// envelope, which nothing writes).
pub fn queue_message(e: &cargoflow_store::order_items::EventItem) -> Option<String> {
    let detail = EventEnvelope::try_from(e).ok()?;
    let message =
        EventBridgeMessage::queued(detail, ulid::Ulid::new().to_string(), time_util::now());
    serde_json::to_string(&message).ok()
}

#[utoipa::path(post, path = "/api/ops/webhooks/deliveries/{id}/replay", operation_id = "replay_webhook_delivery", tag = "webhooks",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 202, description = "Queued for delivery", body = ReplayResponse), (status = 404, description = "No such delivery in this tenant", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let id = cargoflow_http::path_id(
        &req,
        "id",
        |s| ulid::Ulid::from_string(s).ok().map(|u| u.to_string()),
        "delivery",
    )?;
    let delivery = deps
        .store
        .get_delivery(&caller.tenant_id, &id)
        .await
        .not_found_as("delivery")?;
    let event = deps
        .store
        .get_event(
            &caller.tenant_id,
            &EventId::from_stored(delivery.event_id.clone()),
        )
        .await
        .not_found_as("event")?;
    let body = queue_message(&event).ok_or_else(|| {
        ApiError::internal("replay", format!("event {} has no envelope", event.id))
    })?;
    let queue_url = deps
        .webhook_queue_url()
        .await
        .map_err(|e| ApiError::internal("queues", e))?;
    deps.sqs()
        .send_message()
        .queue_url(queue_url)
        .message_body(body)
        .send()
        .await
        .map_err(|e| ApiError::internal("SendMessage", format!("{e:?}")))?;
    json(
        202,
        &ReplayResponse {
            event_id: event.id,
            queued: 1,
        },
    )
}
