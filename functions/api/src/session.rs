//! Starting a login session: an access token and the first refresh token of a new family.

use cargoflow_auth::Subject;
use cargoflow_domain::{TokenFamilyId, TokenId, User, time_util};
use cargoflow_http::ApiError;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

pub fn subject(user: &User) -> Subject<'_> {
    Subject {
        user_id: &user.id,
        tenant_id: &user.tenant_id,
        role: user.role,
        driver_id: user.driver_id.as_ref(),
    }
}

/// Issues tokens for `user` from a refresh family at `token_id`.
pub fn token_response(
    deps: &Deps,
    user: User,
    tenant: TenantSummary,
    family: &TokenFamilyId,
    token_id: &TokenId,
    now: time::OffsetDateTime,
) -> TokenResponse {
    let access = deps.tokens.issue_access(&subject(&user), now);
    let refresh = deps
        .tokens
        .issue_refresh(&subject(&user), family, token_id, now);
    TokenResponse {
        access_token: access.token,
        refresh_token: refresh.token,
        token_type: "Bearer",
        expires_in: deps.tokens.access_ttl().whole_seconds(),
        user,
        tenant,
    }
}

/// A new session (family) for a user who just proved who they are.
pub async fn start(
    deps: &Deps,
    user: User,
    tenant: TenantSummary,
) -> Result<TokenResponse, ApiError> {
    let now = time_util::now();
    let family = TokenFamilyId::generate();
    let token_id = TokenId::generate();
    let expires_at = now + deps.tokens.refresh_ttl();
    deps.store
        .create_token_family(
            &user.tenant_id,
            &family,
            &user.id,
            &token_id,
            expires_at,
            now,
        )
        .await?;
    Ok(token_response(deps, user, tenant, &family, &token_id, now))
}
