//! POST /api/auth/refresh: a refresh token for a new pair. The refresh token rotates on every
//! use; presenting an old one (reuse: it was stolen or replayed) revokes the whole session.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, ok, parse_json};
use cargoflow_store::StoreError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

fn refused() -> ApiError {
    ApiError::Unauthorized("The refresh token is invalid, expired or revoked; log in again.")
}

#[utoipa::path(post, path = "/api/auth/refresh", operation_id = "refresh_token", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens (store the new refresh token)", body = TokenResponse),
        (status = 401, description = "Invalid, expired, reused or revoked", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let body: RefreshRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let claims = deps
        .tokens
        .verify_refresh(&body.refresh_token)
        .map_err(|e| {
            tracing::info!(reason = %e, "refresh token refused");
            refused()
        })?;
    // The claims are signed by us, so their ids are trusted (and were checked to be ids).
    let tenant_id = TenantId::from_stored(claims.tid);
    let family_id = TokenFamilyId::from_stored(claims.fam);
    let presented = TokenId::from_stored(claims.jti);
    let now = time_util::now();

    let family = deps
        .store
        .get_token_family(&tenant_id, &family_id)
        .await?
        .ok_or_else(refused)?;
    let too_old = now > family.created_at + time::Duration::seconds(deps.config.session_max_secs);
    if family.revoked || family.expires_at <= now || too_old {
        return Err(refused());
    }
    if family.current_token_id != presented {
        deps.store
            .revoke_token_family(&tenant_id, &family_id, "reuse", now)
            .await?;
        tracing::warn!(tenant_id = %tenant_id, family = %family_id, "refresh token reuse: session revoked");
        return Err(refused());
    }
    let user = match deps.store.get_user(&tenant_id, &family.user_id).await {
        Ok(u) if u.is_active => u,
        Ok(_) | Err(StoreError::NotFound) => {
            deps.store
                .revoke_token_family(&tenant_id, &family_id, "user deactivated", now)
                .await?;
            return Err(refused());
        }
        Err(e) => return Err(e.into()),
    };
    let tenant = deps.store.get_tenant(&tenant_id).await?;
    if !tenant.is_active {
        return Err(refused());
    }
    let next = TokenId::generate();
    match deps
        .store
        .rotate_token_family(
            &tenant_id,
            &family_id,
            &presented,
            &next,
            now + deps.tokens.refresh_ttl(),
            now,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::Conflict) => {
            // Another request rotated it first with the same token: that is reuse too.
            deps.store
                .revoke_token_family(&tenant_id, &family_id, "concurrent reuse", now)
                .await?;
            return Err(refused());
        }
        Err(e) => return Err(e.into()),
    }
    ok(&crate::session::token_response(
        &deps,
        user,
        TenantSummary::from(&tenant),
        &family_id,
        &next,
        now,
    ))
}
