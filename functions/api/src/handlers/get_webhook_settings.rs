//! GET /api/ops/settings/webhook (OPS_ADMIN): the settings without the secret (its last 4).

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_domain::webhooks::WebhookSettingsView;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok};

use crate::Deps;

#[utoipa::path(get, path = "/api/ops/settings/webhook", operation_id = "get_webhook_settings", tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = WebhookSettingsView),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Not set up yet", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let settings = deps
        .store
        .get_webhook_settings(&caller.tenant_id)
        .await?
        .ok_or(ApiError::NotFound("webhook settings"))?;
    ok(&WebhookSettingsView::from(&settings))
}
