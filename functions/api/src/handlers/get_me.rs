//! GET /api/auth/me: the caller's user and tenant (any token scope).

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, identify, ok};

use crate::Deps;
use crate::dto::{MeResponse, TenantSummary};

#[utoipa::path(get, path = "/api/auth/me", operation_id = "get_me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "Missing or invalid token", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let id = identify(&req, &deps.auth).await?;
    let user = deps.store.get_user(&id.tenant_id, &id.user_id).await?;
    if !user.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    let tenant = deps.store.get_tenant(&id.tenant_id).await?;
    ok(&MeResponse {
        user,
        tenant: TenantSummary::from(&tenant),
    })
}
