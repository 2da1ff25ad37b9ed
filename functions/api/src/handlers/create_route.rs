//! POST /api/ops/routes: a driver's route for a date, with a vehicle and CREATED orders, each
//! moved to ASSIGNED (history and events), optionally optimised, with ETAs: the dispatch
//! core's `assign`. One transaction (a bulk change for large routes): the route, the
//! driver-day marker (one route per driver per date), guards that the driver and vehicle are
//! active and unchanged, and every order at the status and version read.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{self, Actor};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRouteRequest {
    #[schema(example = "2026-11-23")]
    pub route_date: String,
    pub driver_id: String,
    pub vehicle_id: String,
    #[serde(default)]
    #[schema(max_items = 300)]
    pub order_ids: Vec<String>,
    /// Order the stops with the optimiser (otherwise: the orders' stops as given).
    #[serde(default)]
    pub optimize: bool,
    /// When the driver sets off (RFC 3339); default: now for today, 08:00 UTC for later dates.
    pub start_time: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/routes", operation_id = "create_route", tag = "routes",
    security(("bearer" = [])), request_body = CreateRouteRequest,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, description = "Created", body = Route),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Driver, vehicle or an order not found in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Driver already has a route that day, inactive driver or vehicle, an order not CREATED, capacity exceeded", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let body: CreateRouteRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let route_date = e.check("route_date", parse_route_date(&body.route_date));
    let driver_id = e.check(
        "driver_id",
        DriverId::parse(&body.driver_id).ok_or_else(|| "is not an id".to_string()),
    );
    let vehicle_id = e.check(
        "vehicle_id",
        VehicleId::parse(&body.vehicle_id).ok_or_else(|| "is not an id".to_string()),
    );
    let order_ids = crate::dispatch::parse_order_ids(&body.order_ids, &mut e);
    let start_time = body.start_time.as_deref().and_then(|s| {
        e.check(
            "start_time",
            time_util::parse_rfc3339(s).ok_or_else(|| "must be an RFC 3339 date-time".to_string()),
        )
    });
    let (Some(route_date), Some(driver_id), Some(vehicle_id)) = (route_date, driver_id, vehicle_id)
    else {
        return Err(e.into());
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    let tenant = &caller.tenant_id;
    let crew = crate::dispatch::load_crew(&deps, tenant, &driver_id, &vehicle_id).await?;
    let orders = crate::dispatch::load_orders(&deps, tenant, &order_ids).await?;
    let ctx = crate::dispatch::ctx(&deps, Actor::ops(&caller.user_id));
    let route = dispatch::new_route(route_date, &crew, start_time, ctx.now);
    let change = dispatch::assign(&route, &crew, &orders, body.optimize, &ctx)?;
    crate::dispatch::apply(&deps, tenant, &change, &ctx).await?;
    let saved = crate::dispatch::route_after(&deps, tenant, &change, &route).await?;
    tracing::info!(route_id = %saved.id, orders = order_ids.len(), "route created");
    created(&saved)
}
