//! POST /api/ops/users/{id}/deactivate: the user can no longer log in or refresh, and their
//! access tokens and WebSockets stop working within seconds (OPS_ADMIN).

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, path_id};
use cargoflow_store::tenancy::UserChanges;

use crate::Deps;

#[utoipa::path(post, path = "/api/ops/users/{id}/deactivate", operation_id = "deactivate_user", tag = "users",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Deactivated", body = User),
        (status = 404, description = "No such user in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Cannot deactivate yourself", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let user_id = path_id(&req, "id", UserId::parse, "user")?;
    if user_id == caller.user_id {
        return Err(ApiError::conflict(
            "own_account",
            "You cannot deactivate your own account.",
        ));
    }
    let current = deps
        .store
        .get_user(&caller.tenant_id, &user_id)
        .await
        .not_found_as("user")?;
    if current.role == Role::Driver {
        return Err(ApiError::conflict(
            "driver_login",
            "Deactivate drivers through /api/ops/drivers/{id}/deactivate, which also deactivates their login.",
        ));
    }
    if !current.is_active {
        return ok(&current);
    }
    let changes = UserChanges {
        is_active: Some(false),
        ..Default::default()
    };
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
    // The write moved the user's session epoch on: their tokens and sessions are over.
    crate::revocation::close_user_sockets(&deps, &caller.tenant_id, &user_id).await;
    tracing::info!(target_user = %user_id, "user deactivated");
    ok(&updated)
}
