//! POST /api/auth/logout: revokes the refresh token's session.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, no_content, parse_json};
use cargoflow_store::StoreError;

use crate::Deps;
use crate::refresh_token::RefreshRequest;

#[utoipa::path(post, path = "/api/auth/logout", operation_id = "logout", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Session revoked"),
        (status = 401, description = "Not a valid refresh token", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let body: RefreshRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let claims = deps
        .tokens
        .verify_refresh(&body.refresh_token)
        .map_err(|_| ApiError::Unauthorized("The refresh token is invalid or expired."))?;
    let tenant_id = TenantId::from_stored(claims.tid);
    let family_id = TokenFamilyId::from_stored(claims.fam);
    match deps
        .store
        .revoke_token_family(&tenant_id, &family_id, "logout", time_util::now())
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => no_content(),
        Err(e) => Err(e.into()),
    }
}
