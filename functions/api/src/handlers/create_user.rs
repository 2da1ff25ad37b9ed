//! POST /api/ops/users: an OPS_ADMIN adds an ops user (admin or dispatcher) to the tenant.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(max_length = 120)]
    pub full_name: String,
    /// OPS_ADMIN or OPS_DISPATCHER (drivers are created through /api/ops/drivers).
    #[schema(value_type = cargoflow_domain::OpsRole)]
    pub role: String,
}

/// Ops roles only: DRIVER logins belong to driver records.
pub fn parse_ops_role(raw: &str) -> Result<Role, String> {
    match raw {
        "OPS_ADMIN" => Ok(Role::OpsAdmin),
        "OPS_DISPATCHER" => Ok(Role::OpsDispatcher),
        "DRIVER" => Err("drivers are created through /api/ops/drivers".into()),
        _ => Err("must be OPS_ADMIN or OPS_DISPATCHER".into()),
    }
}

#[utoipa::path(post, path = "/api/ops/users", operation_id = "create_user", tag = "users",
    security(("bearer" = [])), request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Email taken", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let body: CreateUserRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let email = e.check("email", Email::parse(&body.email));
    let password = e.check("password", Password::parse(&body.password));
    let full_name = e.check("full_name", DisplayName::parse(&body.full_name));
    let role = e.check("role", parse_ops_role(&body.role));
    let (Some(email), Some(password), Some(full_name), Some(role)) =
        (email, password, full_name, role)
    else {
        return Err(e.into());
    };
    let now = time_util::now();
    let user = User {
        id: UserId::generate(),
        tenant_id: caller.tenant_id,
        email,
        full_name,
        role,
        is_active: true,
        driver_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let hash = cargoflow_auth::hash_password(&password)
        .map_err(|e| ApiError::internal("hashing password", e))?;
    deps.store.create_user(&user, hash).await?;
    created(&user)
}
