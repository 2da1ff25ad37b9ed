//! PUT /api/ops/settings/webhook (OPS_ADMIN): {enabled, url, secret?, events}. Without a secret
//! one is generated (first time) or the current one kept; a new secret rotates: the old one
//! keeps signing for 24 hours, both signatures sent. The answer shows the secret in full only
//! when CargoFlow generated it (so the tenant can copy it once); never afterwards.

use std::sync::Arc;

use cargoflow_domain::webhooks::{self, ROTATION_GRACE, WebhookSettings, WebhookSettingsView};
use cargoflow_domain::{FieldErrors, Permission, time_util};
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutWebhookSettingsRequest {
    pub enabled: bool,
    #[schema(example = "https://example.com/webhook")]
    #[schema(max_length = 2048)]
    pub url: Option<String>,
    /// `whsec_` + base64 of 24-64 bytes, or 16-128 visible characters; omitted: generated/kept.
    pub secret: Option<String>,
    #[schema(example = json!(["order.status_changed", "pod.created"]))]
    pub events: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PutWebhookSettingsResponse {
    #[serde(flatten)]
    pub settings: WebhookSettingsView,
    /// The generated secret, shown this once.
    pub generated_secret: Option<String>,
}

#[utoipa::path(put, path = "/api/ops/settings/webhook", operation_id = "put_webhook_settings", tag = "webhooks",
    security(("bearer" = [])), request_body = PutWebhookSettingsRequest,
    responses(
        (status = 200, description = "Saved", body = PutWebhookSettingsResponse),
        (status = 400, description = "Invalid URL (https only, no internal addresses), secret or event types", body = cargoflow_http::ErrorBody),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let body: PutWebhookSettingsRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let c = &deps.config;
    let mut e = FieldErrors::new();
    let url = body
        .url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .and_then(|u| {
            e.check(
                "url",
                webhooks::check_url(u, c.webhook_allow_http, c.webhook_allow_loopback),
            )
        });
    if body.enabled && url.is_none() && e.get("url").is_none() {
        e.add("url", "is required while enabled");
    }
    let secret = body
        .secret
        .as_deref()
        .and_then(|s| e.check("secret", webhooks::parse_secret(s)));
    let events = e.check("events", webhooks::parse_events(&body.events));
    if !e.is_empty() {
        return Err(e.into());
    }
    let now = time_util::now();
    let current = deps.store.get_webhook_settings(&caller.tenant_id).await?;
    let mut generated = None;
    let next = match &current {
        None => {
            let secret = secret.unwrap_or_else(|| {
                let s = webhooks::generate_secret();
                generated = Some(s.clone());
                s
            });
            WebhookSettings {
                enabled: body.enabled,
                url,
                events: events.unwrap_or_default(),
                secret,
                previous_secret: None,
                previous_valid_until: None,
                disabled_reason: None,
                updated_at: now,
                version: 1,
            }
        }
        Some(cur) => {
            let mut n = cur.clone();
            n.enabled = body.enabled;
            n.url = url;
            n.events = events.unwrap_or_default();
            if body.enabled {
                n.disabled_reason = None;
            }
            if let Some(s) = secret.filter(|s| *s != cur.secret) {
                n.previous_secret = Some(cur.secret.clone());
                n.previous_valid_until = Some(now + ROTATION_GRACE);
                n.secret = s;
            }
            n.updated_at = now;
            n.version = cur.version + 1;
            n
        }
    };
    deps.store
        .put_webhook_settings(
            &caller.tenant_id,
            &next,
            current.as_ref().map(|c| c.version),
        )
        .await?;
    ok(&PutWebhookSettingsResponse {
        settings: WebhookSettingsView::from(&next),
        generated_secret: generated,
    })
}
