//! POST /api/auth/logout: ends the caller's session (the one its access token was issued in)
//! and removes the realm's refresh cookie.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, identify};
use cargoflow_store::StoreError;

use crate::Deps;

#[utoipa::path(post, path = "/api/auth/logout", operation_id = "logout", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Session revoked; the refresh cookie is removed"),
        (status = 401, description = "Not a valid access token", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = identify(&req, &deps.auth).await?;
    match deps
        .store
        .revoke_token_family(
            &caller.tenant_id,
            &caller.session_id,
            "logout",
            time_util::now(),
        )
        .await
    {
        Ok(()) | Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let mut response = cargoflow_http::no_content()?;
    let clear = crate::session::clear_cookie(caller.role.scope())
        .parse()
        .map_err(|e| ApiError::internal("building the cookie", e))?;
    response
        .headers_mut()
        .append(http::header::SET_COOKIE, clear);
    Ok(response)
}
