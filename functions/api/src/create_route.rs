//! POST /api/ops/routes: a driver's route for a date, with a vehicle and CREATED orders, each
//! moved to ASSIGNED (history and events), optionally optimised, with ETAs. One transaction:
//! the route, the driver-day marker (one route per driver per date), guards that the driver
//! and vehicle are active and unchanged, and every order at the status and version read.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::routing::{self, Assignment};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRouteRequest {
    #[schema(example = "2026-11-23")]
    pub route_date: String,
    pub driver_id: String,
    pub vehicle_id: String,
    #[serde(default)]
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
    let order_ids = routing::parse_order_ids(&body.order_ids, &mut e);
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
    let (driver, vehicle) =
        routing::load_crew(&deps, &caller.tenant_id, &driver_id, &vehicle_id).await?;
    let now = time_util::now();
    let route = Route {
        id: RouteId::generate(),
        route_date,
        driver_id,
        vehicle_id,
        status: RouteStatus::Planned,
        order_ids: vec![],
        stops: vec![],
        total_distance_m: 0.0,
        total_weight_kg: 0.0,
        optimized: body.optimize,
        unmet_windows: vec![],
        start_time: Some(start_time.unwrap_or_else(|| routing::default_start(route_date, now))),
        end_time: None,
        reminder_sent_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let assignment = Assignment {
        route,
        expected_version: None,
        driver,
        vehicle,
        optimize: body.optimize,
    };
    let saved = routing::assign_orders(&deps, &caller, assignment, &order_ids).await?;
    created(&saved)
}
