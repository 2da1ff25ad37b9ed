//! POST /api/auth/register/confirm: the emailed link's token creates the tenant and its first
//! OPS_ADMIN (from the registration kept since POST /api/auth/register) and logs them in. The
//! pending registration is consumed in the same transaction: one link, one tenant.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, parse_json};
use cargoflow_store::StoreError;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRegistrationRequest {
    /// The token from the emailed link (`/register/confirm#token=...`).
    pub token: String,
}

fn invalid_token() -> ApiError {
    ApiError::field("token", "is invalid or expired; register again")
}

#[utoipa::path(post, path = "/api/auth/register/confirm", operation_id = "register_confirm", tag = "auth",
    request_body = ConfirmRegistrationRequest,
    responses(
        (status = 201, description = "Tenant and admin created; logged in (refresh token in the httpOnly cookie)", body = TokenResponse),
        (status = 400, description = "Token invalid, expired or already used", body = cargoflow_http::ErrorBody),
        (status = 409, description = "The slug or email was taken meanwhile", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let body: ConfirmRegistrationRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let token = RegistrationToken::parse(&body.token).ok_or_else(invalid_token)?;
    let now = time_util::now();
    let pending = deps
        .store
        .pending_registration(&token.hash(), now)
        .await?
        .ok_or_else(invalid_token)?;
    let tenant = Tenant {
        id: TenantId::generate(),
        name: pending.tenant_name,
        slug: pending.tenant_slug,
        is_active: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let admin = User {
        id: UserId::generate(),
        tenant_id: tenant.id.clone(),
        email: pending.email,
        full_name: pending.full_name,
        role: Role::OpsAdmin,
        is_active: true,
        driver_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    match deps
        .store
        .confirm_registration(&token.hash(), &tenant, &admin, pending.password_hash)
        .await
    {
        Ok(()) => {}
        // The pending registration went between the read and the write: the link was used.
        Err(StoreError::Conflict) => return Err(invalid_token()),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(tenant_id = %tenant.id, user_id = %admin.id, "tenant registered");
    crate::session::start(&deps, 201, admin, 0, TenantSummary::from(&tenant)).await
}
