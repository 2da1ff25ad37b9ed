//! POST /api/ops/webhooks/dlq/replay (OPS_ADMIN): moves this tenant's messages from the
//! webhook DLQ back to the queue, for delivery after the receiver recovered. Other tenants'
//! messages are left where they are.

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
    let caller = authenticate(&req, &deps.tokens, Permission::Administer)?;
    let queue_url = deps
        .webhook_queue_url()
        .await
        .map_err(|e| ApiError::internal("queues", e))?;
    let dlq_url = deps
        .webhook_dlq_url()
        .await
        .map_err(|e| ApiError::internal("queues", e))?;
    let sqs = deps.sqs();
    let mut replayed = 0;
    // A bounded sweep: at most 20 batches of 10 per call.
    for _ in 0..20 {
        let out = sqs
            .receive_message()
            .queue_url(dlq_url)
            .max_number_of_messages(10)
            .visibility_timeout(30)
            .send()
            .await
            .map_err(|e| ApiError::internal("ReceiveMessage", format!("{e:?}")))?;
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            break;
        }
        for m in messages {
            let body = m.body().unwrap_or_default().to_string();
            let mine = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .is_some_and(|v| v["detail"]["tenant_id"] == caller.tenant_id.as_str());
            let handle = m.receipt_handle().unwrap_or_default();
            if mine {
                sqs.send_message()
                    .queue_url(queue_url)
                    .message_body(body)
                    .send()
                    .await
                    .map_err(|e| ApiError::internal("SendMessage", format!("{e:?}")))?;
                sqs.delete_message()
                    .queue_url(dlq_url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .map_err(|e| ApiError::internal("DeleteMessage", format!("{e:?}")))?;
                replayed += 1;
            } else {
                let _ = sqs
                    .change_message_visibility()
                    .queue_url(dlq_url)
                    .receipt_handle(handle)
                    .visibility_timeout(0)
                    .send()
                    .await;
            }
        }
    }
    json(200, &DlqReplayResponse { replayed })
}
