//! POST /api/auth/register: creates a tenant and its first OPS_ADMIN, and logs them in.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::dto::{TenantSummary, TokenResponse};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "Acme Logistics")]
    pub tenant_name: String,
    #[schema(example = "acme")]
    pub tenant_slug: String,
    #[schema(example = "ops@acme.com")]
    pub email: String,
    #[schema(example = "StrongPass123!")]
    pub password: String,
    #[schema(example = "Ops Admin")]
    pub full_name: String,
}

pub struct Registration {
    pub tenant_name: DisplayName,
    pub tenant_slug: TenantSlug,
    pub email: Email,
    pub password: Password,
    pub full_name: DisplayName,
}

impl TryFrom<RegisterRequest> for Registration {
    type Error = FieldErrors;
    fn try_from(r: RegisterRequest) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let tenant_name = e.check("tenant_name", DisplayName::parse(&r.tenant_name));
        let tenant_slug = e.check("tenant_slug", TenantSlug::parse(&r.tenant_slug));
        let email = e.check("email", Email::parse(&r.email));
        let password = e.check("password", Password::parse(&r.password));
        let full_name = e.check("full_name", DisplayName::parse(&r.full_name));
        match (tenant_name, tenant_slug, email, password, full_name) {
            (
                Some(tenant_name),
                Some(tenant_slug),
                Some(email),
                Some(password),
                Some(full_name),
            ) if e.is_empty() => Ok(Self {
                tenant_name,
                tenant_slug,
                email,
                password,
                full_name,
            }),
            _ => Err(e),
        }
    }
}

#[utoipa::path(post, path = "/api/auth/register", operation_id = "register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Tenant and admin created; logged in", body = TokenResponse),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Email or slug already taken", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let reg: Registration =
        parse_json::<RegisterRequest>(&req, deps.config.max_body_bytes)?.try_into()?;
    let now = time_util::now();
    let tenant = Tenant {
        id: TenantId::generate(),
        name: reg.tenant_name,
        slug: reg.tenant_slug,
        is_active: true,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let admin = User {
        id: UserId::generate(),
        tenant_id: tenant.id.clone(),
        email: reg.email,
        full_name: reg.full_name,
        role: Role::OpsAdmin,
        is_active: true,
        driver_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let hash = cargoflow_auth::hash_password(&reg.password)
        .map_err(|e| ApiError::internal("hashing password", e))?;
    deps.store.register_tenant(&tenant, &admin, hash).await?;
    tracing::info!(tenant_id = %tenant.id, user_id = %admin.id, "tenant registered");
    crate::session::start(&deps, 201, admin, 0, TenantSummary::from(&tenant)).await
}
