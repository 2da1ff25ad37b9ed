//! POST /api/ops/routes/{id}/reorder: a new order for the stops not yet visited. It must list
//! exactly those stops, once each, and keep every PICKUP before its order's DROPs; ETAs are
//! recomputed and written to the orders in the same transaction.

use std::collections::HashSet;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json, path_id};
use cargoflow_store::unit_of_work::UnitOfWork;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::routing;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReorderRouteRequest {
    /// Stop ids of every not-yet-visited stop, in the new driving order.
    pub stop_order: Vec<String>,
}

/// Checks a proposed order against the route's pending stops and precedence.
pub fn reordered(route: &Route, proposal: &[String]) -> Result<Vec<RouteStop>, ApiError> {
    let (visited, pending): (Vec<&RouteStop>, Vec<&RouteStop>) = route
        .stops
        .iter()
        .partition(|s| s.status != StopStatus::Pending);
    let mut seen = HashSet::new();
    let mut next: Vec<RouteStop> = visited.into_iter().cloned().collect();
    for (i, raw) in proposal.iter().enumerate() {
        let Some(stop) = pending.iter().find(|s| s.stop_id.as_str() == raw) else {
            return Err(ApiError::field(
                &format!("stop_order[{i}]"),
                "is not a pending stop of this route",
            ));
        };
        if !seen.insert(raw.as_str()) {
            return Err(ApiError::field(
                &format!("stop_order[{i}]"),
                "is listed twice",
            ));
        }
        next.push((*stop).clone());
    }
    if seen.len() != pending.len() {
        return Err(ApiError::field(
            "stop_order",
            format!(
                "must list all {} pending stops; {} given",
                pending.len(),
                seen.len()
            ),
        ));
    }
    if !routing::precedence_holds(&next) {
        return Err(ApiError::field(
            "stop_order",
            "every PICKUP must come before its order's DROP",
        ));
    }
    Ok(next)
}

#[utoipa::path(post, path = "/api/ops/routes/{id}/reorder", operation_id = "reorder_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = ReorderRouteRequest,
    responses(
        (status = 200, description = "Reordered, ETAs recomputed", body = Route),
        (status = 400, description = "Not a permutation of the pending stops, or a DROP before its PICKUP", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Route final or changed concurrently", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let body: ReorderRouteRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let (route, vehicle, orders) = routing::load_route(&deps, &caller.tenant_id, &id).await?;
    routing::require_open(&route)?;
    let now = time_util::now();
    let mut next = route.clone();
    next.stops = reordered(&route, &body.stop_order)?;
    next.optimized = false;
    routing::replan(&deps, &mut next, vehicle.vehicle_type, &orders, false, now);
    next.updated_at = now;
    next.version = route.version + 1;
    let mut uow = UnitOfWork::new(&deps.store, &caller.tenant_id);
    uow.route(&next, route.version)?;
    uow.event(&events::route_event(EventType::RouteUpdated, &next, now))?;
    routing::sync_etas(&mut uow, &orders, &next, &HashSet::new(), now)?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&next)
}
