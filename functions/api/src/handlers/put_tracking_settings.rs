//! PUT /api/ops/settings/tracking (OPS_ADMIN) {show_pod_photo, link_expiry_days}.

use std::sync::Arc;

use cargoflow_domain::{Permission, TrackingSettings, time_util};
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutTrackingSettingsRequest {
    /// Show the POD photo on the public tracking page.
    pub show_pod_photo: bool,
    /// Days after an order ends that its link keeps working (1 to 90).
    #[schema(minimum = 1, maximum = 90)]
    pub link_expiry_days: i64,
}

#[utoipa::path(put, path = "/api/ops/settings/tracking", operation_id = "put_tracking_settings", tag = "tracking",
    security(("bearer" = [])), request_body = PutTrackingSettingsRequest,
    responses(
        (status = 200, description = "Saved", body = TrackingSettings),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let body: PutTrackingSettingsRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let days = u32::try_from(body.link_expiry_days)
        .map_err(|_| ApiError::field("link_expiry_days", "must be between 1 and 90"))?;
    let settings = TrackingSettings {
        show_pod_photo: body.show_pod_photo,
        link_expiry_days: days,
    };
    settings.check().map_err(|(f, r)| ApiError::field(f, r))?;
    deps.store
        .put_tracking_settings(&caller.tenant_id, &settings, time_util::now())
        .await?;
    ok(&settings)
}
