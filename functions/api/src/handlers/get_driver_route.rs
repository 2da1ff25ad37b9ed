//! GET /api/driver/routes/{id}: one of the calling driver's routes with its orders and
//! progress. Anyone else's route answers 404.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Optional, Request, Response, authenticate, ok, path_id,
};

use crate::Deps;
use crate::get_route::{RouteDetailResponse, live_orders, progress};

#[utoipa::path(get, path = "/api/driver/routes/{id}", operation_id = "get_driver_route", tag = "driver",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "The route", body = RouteDetailResponse), (status = 404, description = "Not one of this driver's routes", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Drive).await?;
    let driver = caller
        .driver_id
        .clone()
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let tenant = &caller.tenant_id;
    // A read: a route still applying a bulk change shows `applying` (its writers finish it).
    let route = deps
        .store
        .get_route(tenant, &id)
        .await
        .not_found_as("route")?;
    if route.driver_id != driver {
        return Err(ApiError::NotFound("route"));
    }
    let (vehicle, orders) = tokio::try_join!(
        async {
            deps.store
                .get_vehicle(tenant, &route.vehicle_id)
                .await
                .optional()
        },
        async { Ok(deps.store.get_orders(tenant, &route.order_ids).await?) },
    )?;
    let orders = live_orders(orders, &route);
    let progress = progress(&route, &orders);
    ok(&RouteDetailResponse {
        route,
        orders,
        driver: None,
        vehicle,
        progress,
    })
}
