//! PATCH /api/ops/drivers/{id}: name, phone, active. Deactivating a driver deactivates its
//! login in the same transaction.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use cargoflow_store::fleet::DriverChanges;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDriverRequest {
    #[schema(max_length = 120)]
    pub name: Option<String>,
    pub phone: Option<String>,
    pub is_active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/ops/drivers/{id}", operation_id = "update_driver", tag = "drivers",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = UpdateDriverRequest,
    responses(
        (status = 200, description = "Updated", body = Driver),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such driver in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Changed concurrently", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", DriverId::parse, "driver")?;
    let body: UpdateDriverRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let changes = DriverChanges {
        name: body
            .name
            .as_deref()
            .and_then(|v| e.check("name", DisplayName::parse(v))),
        phone: body
            .phone
            .as_deref()
            .and_then(|v| e.check("phone", Phone::parse(v))),
        is_active: body.is_active,
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    if changes.name.is_none() && changes.phone.is_none() && changes.is_active.is_none() {
        return Err(ApiError::bad_request(
            "empty_update",
            "Send at least one of name, phone, is_active.",
        ));
    }
    apply(&deps, &caller.tenant_id, &id, &changes).await
}

/// Shared with deactivate-driver: read, change at that version, answer the new driver.
pub async fn apply(
    deps: &Deps,
    tenant: &TenantId,
    id: &DriverId,
    changes: &DriverChanges,
) -> Result<Response<Body>, ApiError> {
    let current = deps
        .store
        .get_driver(tenant, id)
        .await
        .not_found_as("driver")?;
    let updated = deps
        .store
        .update_driver(tenant, &current, changes, time_util::now())
        .await?;
    // Deactivating the driver deactivated its login in the same write (its session epoch
    // moved on): close the driver app's sockets too.
    if changes.is_active == Some(false)
        && current.is_active
        && let Some(user) = &current.user_id
    {
        crate::revocation::close_user_sockets(deps, tenant, user).await;
    }
    ok(&updated)
}
