//! PATCH /api/ops/users/{id}: change a user's name or role (OPS_ADMIN). Admins cannot change
//! their own role, so a tenant cannot lock itself out by accident.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use cargoflow_store::tenancy::UserChanges;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::create_user::parse_ops_role;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(max_length = 120)]
    pub full_name: Option<String>,
    /// OPS_ADMIN or OPS_DISPATCHER.
    #[schema(value_type = Option<cargoflow_domain::OpsRole>)]
    pub role: Option<String>,
}

#[utoipa::path(patch, path = "/api/ops/users/{id}", operation_id = "update_user", tag = "users",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such user in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Changed concurrently, or a rule forbids it", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let user_id = path_id(&req, "id", UserId::parse, "user")?;
    let body: UpdateUserRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let mut changes = UserChanges {
        full_name: body
            .full_name
            .as_deref()
            .and_then(|n| e.check("full_name", DisplayName::parse(n))),
        role: body
            .role
            .as_deref()
            .and_then(|r| e.check("role", parse_ops_role(r))),
        is_active: None,
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    if changes.full_name.is_none() && changes.role.is_none() {
        return Err(ApiError::bad_request(
            "empty_update",
            "Send at least one of full_name, role.",
        ));
    }
    let current = deps
        .store
        .get_user(&caller.tenant_id, &user_id)
        .await
        .not_found_as("user")?;
    if current.role == Role::Driver && changes.role.is_some() {
        return Err(ApiError::conflict(
            "driver_login",
            "A driver's login keeps the DRIVER role.",
        ));
    }
    if current.id == caller.user_id && changes.role.is_some_and(|r| r != current.role) {
        return Err(ApiError::conflict(
            "own_role",
            "You cannot change your own role.",
        ));
    }
    // The same role again is no change (and must not end the user's sessions).
    if changes.role == Some(current.role) {
        changes.role = None;
    }
    if changes.full_name.is_none() && changes.role.is_none() {
        return ok(&current);
    }
    let updated = deps
        .store
        .update_user(
            &caller.tenant_id,
            &user_id,
            current.version,
            &changes,
            time_util::now(),
        )
        .await?;
    if changes.role.is_some() {
        // The write moved the user's session epoch on: their tokens and sessions are over.
        crate::revocation::close_user_sockets(&deps, &caller.tenant_id, &user_id).await;
    }
    ok(&updated)
}
