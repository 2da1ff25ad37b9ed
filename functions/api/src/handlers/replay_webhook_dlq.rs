//! POST /api/ops/webhooks/dlq/replay (OPS_ADMIN): sends this tenant's dead letters (the
//! messages the dispatcher gave up on, kept in the tenant's own dead-letter partition) back to
//! the webhook queue, for delivery after the receiver recovered, with a fresh retry schedule.
//! Only the caller's partition is read: other tenants' dead letters are never touched, and
//! however many they have, this tenant's are reached at once. At most 200 per call.

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct DlqReplayResponse {
    /// Messages moved back to the webhook queue.
    pub replayed: usize,
}

#[utoipa::path(post, path = "/api/ops/webhooks/dlq/replay", operation_id = "replay_webhook_dlq", tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, description = "Moved back for delivery", body = DlqReplayResponse), (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let queue_url = deps
        .webhook_queue_url()
        .await
        .map_err(|e| ApiError::internal("queues", e))?;
    let mut replayed = 0;
    // A bounded sweep: at most 2 pages of 100 per call, oldest first.
    for _ in 0..2 {
        let letters = deps
            .store
            .dead_letters(&caller.tenant_id, 100)
            .await
            .map_err(|e| ApiError::internal("dead letters", e))?;
        if letters.is_empty() {
            break;
        }
        for letter in letters {
            // Sent first, then forgotten: a failure in between replays it twice at worst
            // (receivers dedupe on webhook-id), never loses it.
            deps.sqs()
                .send_message()
                .queue_url(queue_url)
                .message_body(&letter.body)
                .send()
                .await
                .map_err(|e| ApiError::internal("SendMessage", format!("{e:?}")))?;
            deps.store
                .delete_dead_letter(&caller.tenant_id, &letter.id)
                .await
                .map_err(|e| ApiError::internal("dead letters", e))?;
            replayed += 1;
        }
    }
    json(200, &DlqReplayResponse { replayed })
}
