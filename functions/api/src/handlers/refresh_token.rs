//! POST /api/auth/refresh: the realm's refresh cookie for a new access token and a rotated
//! refresh cookie. Presenting an old refresh token (it was stolen or replayed) revokes the whole
//! session, except within `REFRESH_GRACE_SECS` of its rotation: a phone that lost the answer
//! (or two tabs racing) gets the same successor again.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, parse_json};
use cargoflow_store::StoreError;
use cargoflow_store::sessions::TokenFamily;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};
use crate::session::{SessionPoint, cookie_name, read_cookie};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// Which app's session to refresh: `ops` or `driver` (each has its own cookie).
    #[schema(example = "ops")]
    pub realm: String,
}

/// `ops` or `driver`.
pub fn parse_realm(realm: &str) -> Result<Scope, ApiError> {
    match realm {
        "ops" => Ok(Scope::Ops),
        "driver" => Ok(Scope::Driver),
        _ => Err(ApiError::field("realm", "must be ops or driver")),
    }
}

fn refused() -> ApiError {
    ApiError::Unauthorized(
        "The session is over (refresh token invalid, expired or revoked); log in again.",
    )
}

#[utoipa::path(post, path = "/api/auth/refresh", operation_id = "refresh_token", tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new access token; the refresh cookie is rotated", body = TokenResponse),
        (status = 400, description = "Invalid realm", body = cargoflow_http::ErrorBody),
        (status = 401, description = "No refresh cookie, or invalid, expired, reused or revoked", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let body: RefreshRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let realm = parse_realm(&body.realm)?;
    let token = read_cookie(&req, cookie_name(realm)).ok_or_else(refused)?;
    let kid = cargoflow_auth::key_id(&token, cargoflow_auth::TYP_REFRESH).map_err(|e| {
        tracing::info!(reason = %e, "refresh token refused");
        refused()
    })?;
    let keys = deps.auth.public_keys(Some(&kid)).await?;
    let claims = deps.tokens().verify_refresh(&token, &keys).map_err(|e| {
        tracing::info!(reason = %e, "refresh token refused");
        refused()
    })?;
    // The claims are signed by us, so their ids are trusted (and were checked to be ids).
    let tenant_id = TenantId::from_stored(claims.tid);
    let family_id = TokenFamilyId::from_stored(claims.fam);
    let presented = TokenId::from_stored(claims.jti);
    let now = time_util::now();
    let grace = time::Duration::seconds(deps.config.refresh_grace_secs);

    let family = deps
        .store
        .get_token_family(&tenant_id, &family_id)
        .await?
        .ok_or_else(refused)?;
    let too_old = now > family.created_at + time::Duration::seconds(deps.config.session_max_secs);
    if family.revoked || family.expires_at <= now || too_old {
        return Err(refused());
    }
    let revoke = |reason: &'static str| {
        let deps = deps.clone();
        let (tenant_id, family_id) = (tenant_id.clone(), family_id.clone());
        async move {
            deps.store
                .revoke_token_family(&tenant_id, &family_id, reason, now)
                .await?;
            tracing::warn!(tenant_id = %tenant_id, family = %family_id, reason, "session revoked");
            Err::<Response<Body>, ApiError>(refused())
        }
    };
    let (user, epoch) = match deps
        .store
        .get_user_session(&tenant_id, &family.user_id)
        .await
    {
        Ok((u, _)) if !u.is_active => return revoke("user deactivated").await,
        Ok((_, e)) if e != family.session_epoch => return revoke("user role changed").await,
        Ok((u, _)) if u.role.scope() != realm => return Err(refused()),
        Ok(found) => found,
        Err(StoreError::NotFound) => return revoke("user deleted").await,
        Err(e) => return Err(e.into()),
    };
    let tenant = deps.store.get_tenant(&tenant_id).await?;
    if !tenant.is_active {
        return Err(refused());
    }
    let summary = TenantSummary::from(&tenant);

    if family.current_token_id != presented {
        return match successor_in_grace(&family, &presented, now, grace) {
            Some(point) => crate::session::respond(&deps, 200, user, epoch, summary, point).await,
            None => revoke("reuse").await,
        };
    }
    let next = TokenId::generate();
    match deps
        .store
        .rotate_token_family(
            &tenant_id,
            &family_id,
            &presented,
            &next,
            now + deps.tokens().refresh_ttl(),
            now,
        )
        .await
    {
        Ok(()) => {
            let point = SessionPoint {
                family: &family_id,
                token_id: &next,
                issued_at: now,
            };
            crate::session::respond(&deps, 200, user, epoch, summary, point).await
        }
        Err(StoreError::Conflict) => {
            // Another request rotated it first with the same token (two tabs, a retry): within
            // the grace window both get the one successor.
            let latest = deps
                .store
                .get_token_family(&tenant_id, &family_id)
                .await?
                .ok_or_else(refused)?;
            match successor_in_grace(&latest, &presented, now, grace) {
                Some(point) if !latest.revoked => {
                    crate::session::respond(&deps, 200, user, epoch, summary, point).await
                }
                _ => revoke("concurrent reuse").await,
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// The family's current token, when `presented` is the one it replaced less than `grace` ago.
fn successor_in_grace<'a>(
    family: &'a TokenFamily,
    presented: &TokenId,
    now: time::OffsetDateTime,
    grace: time::Duration,
) -> Option<SessionPoint<'a>> {
    let rotated_at = family.rotated_at?;
    (family.previous_token_id.as_ref() == Some(presented) && now - rotated_at <= grace).then_some(
        SessionPoint {
            family: &family.family_id,
            token_id: &family.current_token_id,
            issued_at: rotated_at,
        },
    )
}
