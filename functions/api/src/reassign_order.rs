//! POST /api/ops/orders/{id}/reassign: moves an ASSIGNED order to another open route (its
//! driver takes it); both routes are re-planned, capacity holds on the target, and the order's
//! history shows the move. One transaction.

use std::collections::HashSet;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use cargoflow_store::unit_of_work::UnitOfWork;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::Deps;
use crate::routing;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignOrderRequest {
    pub target_route_id: String,
    #[schema(example = "Driver reassigned")]
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/ops/orders/{id}/reassign", operation_id = "reassign_order", tag = "routes",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ReassignOrderRequest,
    responses(
        (status = 200, description = "Moved; the order as it is now", body = Order),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Order or route not found in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Order not ASSIGNED, target final, capacity exceeded, or a concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let tenant = &caller.tenant_id;
    let order_id = path_id(&req, "id", OrderId::parse, "order")?;
    let body: ReassignOrderRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let target_id = RouteId::parse(&body.target_route_id)
        .ok_or_else(|| ApiError::field("target_route_id", "is not an id"))?;
    let note = parse_notes(body.note.as_deref()).map_err(|r| ApiError::field("note", r))?;
    let order = deps
        .store
        .get_order(tenant, &order_id)
        .await
        .not_found_as("order")?;
    if order.status != OrderStatus::Assigned {
        return Err(ApiError::conflict(
            "order_not_assigned",
            format!(
                "Only ASSIGNED orders are reassigned; this one is {}.",
                order.status.as_str()
            ),
        ));
    }
    let source_id = order
        .route_id
        .clone()
        .ok_or_else(|| ApiError::conflict("order_not_assigned", "The order is not on a route."))?;
    if source_id == target_id {
        return Err(ApiError::field(
            "target_route_id",
            "is the route the order is already on",
        ));
    }
    let (source, _, source_orders) = routing::load_route(&deps, tenant, &source_id).await?;
    let (target, target_vehicle, target_orders) =
        routing::load_route(&deps, tenant, &target_id).await?;
    routing::require_open(&target)?;
    let target_driver = deps
        .store
        .get_driver(tenant, &target.driver_id)
        .await
        .not_found_as("driver")?;
    if !target_driver.is_active || !target_vehicle.is_active {
        return Err(ApiError::conflict(
            "crew_inactive",
            "The target route's driver or vehicle is deactivated.",
        ));
    }
    let total: f64 =
        target_orders.iter().map(routing::weight_of).sum::<f64>() + routing::weight_of(&order);
    let capacity = f64::from(target_vehicle.capacity_kg.get());
    if total > capacity + 1e-9 {
        return Err(ApiError::Conflict {
            code: "capacity_exceeded",
            message: format!(
                "The target route would carry {total:.1} kg; its vehicle takes {capacity:.0} kg."
            ),
            fields: None,
            details: Some(
                json!({ "capacity_kg": capacity, "total_weight_kg": (total * 1000.0).round() / 1000.0 }),
            ),
        });
    }
    let now = time_util::now();
    // Source loses the order's stops; target gains them.
    let mut new_source = source.clone();
    new_source.order_ids.retain(|id| id != &order.id);
    new_source.stops.retain(|s| s.order_id != order.id);
    new_source.total_weight_kg =
        ((source.total_weight_kg - routing::weight_of(&order)).max(0.0) * 1000.0).round() / 1000.0;
    let source_vehicle = deps
        .store
        .get_vehicle(tenant, &source.vehicle_id)
        .await
        .not_found_as("vehicle")?;
    routing::replan(
        &deps,
        &mut new_source,
        source_vehicle.vehicle_type,
        &source_orders,
        false,
        now,
    );
    new_source.updated_at = now;
    new_source.version = source.version + 1;
    let mut new_target = target.clone();
    new_target.order_ids.push(order.id.clone());
    new_target.stops.extend(
        routing::route_stops_of(&order)
            .into_iter()
            .filter(|s| s.status == StopStatus::Pending),
    );
    new_target.total_weight_kg = (total * 1000.0).round() / 1000.0;
    let mut all_target = target_orders.clone();
    all_target.push(order.clone());
    let keep_optimised = new_target.optimized;
    routing::replan(
        &deps,
        &mut new_target,
        target_vehicle.vehicle_type,
        &all_target,
        keep_optimised,
        now,
    );
    new_target.updated_at = now;
    new_target.version = target.version + 1;

    let mut moved = order.clone();
    moved.route_id = Some(target.id.clone());
    moved.driver_id = Some(target.driver_id.clone());
    routing::sync_order_etas(&mut moved, &new_target);
    moved.updated_at = now;
    moved.version = order.version + 1;
    let meta = json!({ "from_route_id": source.id, "to_route_id": target.id, "note": note });

    let mut uow = UnitOfWork::new(&deps.store, tenant);
    uow.order(&moved, order.version, OrderStatus::Assigned)?;
    uow.history(&StatusHistoryEntry::new(
        &moved,
        Some(order.status),
        ActorType::Ops,
        Some(caller.user_id.clone()),
        None,
        meta.clone(),
    ))?;
    uow.event(&events::order_moved(
        EventType::OrderReassigned,
        &moved,
        order.status,
        ActorType::Ops,
        Some(&caller.user_id),
        meta,
    ))?;
    uow.route(&new_source, source.version)?;
    uow.route(&new_target, target.version)?;
    uow.vehicle_active(&target_vehicle)?;
    uow.event(&events::route_event(
        EventType::RouteUpdated,
        &new_source,
        now,
    ))?;
    uow.event(&events::route_event(
        EventType::RouteUpdated,
        &new_target,
        now,
    ))?;
    let skip = HashSet::from([order.id.clone()]);
    routing::sync_etas(&mut uow, &source_orders, &new_source, &skip, now)?;
    routing::sync_etas(&mut uow, &target_orders, &new_target, &skip, now)?;
    uow.commit().await.map_err(routing::commit_error)?;
    ok(&moved)
}
