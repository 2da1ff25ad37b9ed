//! GET /api/ops/settings/tracking: the tenant's tracking-page settings (defaults until saved).

use std::sync::Arc;

use cargoflow_domain::{Permission, TrackingSettings};
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok};

use crate::Deps;

#[utoipa::path(get, path = "/api/ops/settings/tracking", operation_id = "get_tracking_settings", tag = "tracking",
    security(("bearer" = [])),
    responses((status = 200, description = "The settings", body = TrackingSettings)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    ok(&deps.store.get_tracking_settings(&caller.tenant_id).await?)
}
