//! POST /api/ops/routes/{id}/cancel: a PLANNED or IN_PROGRESS route is cancelled; its ASSIGNED
//! orders go back to CREATED (history and events) and the driver's day is free again. A route
//! with orders on board (PICKED_UP, IN_TRANSIT) cannot be cancelled: reassign them first.

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
pub struct CancelRouteRequest {
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/routes/{id}/cancel", operation_id = "cancel_route", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = CancelRouteRequest,
    responses(
        (status = 200, description = "Cancelled", body = Route),
        (status = 404, description = "No such route in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Already final, orders on board, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", RouteId::parse, "route")?;
    let body: CancelRouteRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let reason = parse_notes(body.reason.as_deref())
        .map_err(|r| ApiError::field("reason", r))?
        .unwrap_or_else(|| "route cancelled".into());
    let (route, _vehicle, orders) = routing::load_route(&deps, &caller.tenant_id, &id).await?;
    routing::require_open(&route)?;
    let on_board: Vec<&str> = orders
        .iter()
        .filter(|o| matches!(o.status, OrderStatus::PickedUp | OrderStatus::InTransit))
        .map(|o| o.id.as_str())
        .collect();
    if !on_board.is_empty() {
        return Err(ApiError::Conflict {
            code: "orders_on_board",
            message:
                "Orders are picked up or in transit on this route; reassign them before cancelling."
                    .into(),
            fields: None,
            details: Some(serde_json::json!({ "order_ids": on_board })),
        });
    }
    let now = time_util::now();
    let mut next = route.clone();
    let mut uow = UnitOfWork::new(&deps.store, &caller.tenant_id);
    for o in orders.iter().filter(|o| o.status == OrderStatus::Assigned) {
        routing::unassign(
            &mut uow,
            &mut next,
            o,
            ActorType::Ops,
            Some(&caller.user_id),
            &reason,
            now,
        )?;
    }
    next.status = RouteStatus::Cancelled;
    next.end_time = Some(now);
    next.updated_at = now;
    next.version = route.version + 1;
    uow.route(&next, route.version)?;
    uow.release_driver_day(&route)?;
    uow.event(&events::route_event(EventType::RouteCancelled, &next, now))?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&next)
}
