//! GET /api/driver/routes/today: the calling driver's routes dated today (UTC), with their
//! stops in driving order.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok};

use crate::Deps;
use crate::list_routes::RoutePage;

#[utoipa::path(get, path = "/api/driver/routes/today", operation_id = "list_driver_routes_today", tag = "driver",
    security(("bearer" = [])),
    responses((status = 200, description = "Today's routes of this driver", body = RoutePage), (status = 403, description = "Not a driver token", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Drive).await?;
    let driver = caller
        .driver_id
        .clone()
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    let today = time_util::now().date().to_string();
    let routes = deps
        .store
        .list_routes(
            &caller.tenant_id,
            Some(&today),
            Some(&today),
            Some(&driver),
            None,
            None,
            20,
        )
        .await?;
    let items = routes
        .items
        .into_iter()
        .filter(|r| r.status != RouteStatus::Cancelled)
        .collect();
    ok(&RoutePage {
        items,
        next_cursor: None,
    })
}
