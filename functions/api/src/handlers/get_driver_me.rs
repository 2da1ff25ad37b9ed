//! GET /api/driver/me: the calling driver's record and login (driver tokens only).

use std::sync::Arc;

use cargoflow_domain::{Driver, Permission, User};
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, ok};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct DriverMeResponse {
    pub driver: Driver,
    pub user: User,
}

#[utoipa::path(get, path = "/api/driver/me", operation_id = "get_driver_me", tag = "driver",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The calling driver", body = DriverMeResponse),
        (status = 401, description = "Missing or invalid token", body = cargoflow_http::ErrorBody),
        (status = 403, description = "Not a driver token", body = cargoflow_http::ErrorBody),
        (status = 404, description = "The token's driver or user record is gone", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Drive).await?;
    let driver_id = caller
        .driver_id
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    let driver = deps
        .store
        .get_driver(&caller.tenant_id, &driver_id)
        .await
        .not_found_as("driver")?;
    let user = deps
        .store
        .get_user(&caller.tenant_id, &caller.user_id)
        .await
        .not_found_as("user")?;
    if !driver.is_active || !user.is_active {
        return Err(ApiError::Unauthorized("This account is deactivated."));
    }
    ok(&DriverMeResponse { driver, user })
}
