//! GET /api/ops/routes/{id}: ordered stops with ETAs, the orders, driver, vehicle, distance and
//! progress.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Optional, Request, Response, authenticate, ok, path_id,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct RouteProgress {
    pub stops_total: usize,
    pub stops_done: usize,
    pub orders_total: usize,
    pub orders_final: usize,
    /// 0-100, by stops done.
    pub percent: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RouteDetailResponse {
    #[serde(flatten)]
    pub route: Route,
    pub orders: Vec<Order>,
    pub driver: Option<Driver>,
    pub vehicle: Option<Vehicle>,
    pub progress: RouteProgress,
}

/// The route's orders in the route's order, each with the route's live ETAs.
pub fn live_orders(orders: Vec<Order>, route: &Route) -> Vec<Order> {
    let mut orders: Vec<Order> = orders
        .into_iter()
        .map(|o| crate::dispatch::with_live_etas(o, Some(route)))
        .collect();
    let pos: std::collections::HashMap<&OrderId, usize> = route
        .order_ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    orders.sort_by_key(|o| pos.get(&o.id).copied().unwrap_or(usize::MAX));
    orders
}

pub fn progress(route: &Route, orders: &[Order]) -> RouteProgress {
    let done = route
        .stops
        .iter()
        .filter(|s| matches!(s.status, StopStatus::Completed | StopStatus::Failed))
        .count();
    let total = route.stops.len();
    RouteProgress {
        stops_total: total,
        stops_done: done,
        orders_total: orders.len(),
        orders_final: orders.iter().filter(|o| o.status.is_terminal()).count(),
        percent: (done * 100).checked_div(total).unwrap_or(0) as u8,
    }
}

#[utoipa::path(get, path = "/api/ops/routes/{id}", operation_id = "get_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, description = "The route", body = RouteDetailResponse), (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let route = deps
        .store
        .get_route(&caller.tenant_id, &id)
        .await
        .not_found_as("route")?;
    let orders = deps
        .store
        .get_orders(&caller.tenant_id, &route.order_ids)
        .await?;
    let orders = live_orders(orders, &route);
    let driver = deps
        .store
        .get_driver(&caller.tenant_id, &route.driver_id)
        .await
        .optional()?;
    let vehicle = deps
        .store
        .get_vehicle(&caller.tenant_id, &route.vehicle_id)
        .await
        .optional()?;
    let progress = progress(&route, &orders);
    ok(&RouteDetailResponse {
        route,
        orders,
        driver,
        vehicle,
        progress,
    })
}
