//! PATCH /api/ops/vehicles/{id}: plate (unique per tenant), type, capacity, active.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, parse_json, path_id,
};
use cargoflow_store::fleet::VehicleChanges;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVehicleRequest {
    pub plate_number: Option<String>,
    #[serde(rename = "type")]
    #[schema(value_type = Option<VehicleType>)]
    pub vehicle_type: Option<String>,
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity_kg: Option<i64>,
    pub is_active: Option<bool>,
}

#[utoipa::path(patch, path = "/api/ops/vehicles/{id}", operation_id = "update_vehicle", tag = "vehicles",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = UpdateVehicleRequest,
    responses(
        (status = 200, description = "Updated", body = Vehicle),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No such vehicle in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Plate taken, or changed concurrently", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", VehicleId::parse, "vehicle")?;
    let body: UpdateVehicleRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let changes = VehicleChanges {
        plate_number: body
            .plate_number
            .as_deref()
            .and_then(|v| e.check("plate_number", PlateNumber::parse(v))),
        vehicle_type: body
            .vehicle_type
            .as_deref()
            .and_then(|v| e.check("type", VehicleType::parse(v))),
        capacity_kg: body
            .capacity_kg
            .and_then(|v| e.check("capacity_kg", CapacityKg::parse(v))),
        is_active: body.is_active,
    };
    if !e.is_empty() {
        return Err(e.into());
    }
    if changes.plate_number.is_none()
        && changes.vehicle_type.is_none()
        && changes.capacity_kg.is_none()
        && changes.is_active.is_none()
    {
        return Err(ApiError::bad_request(
            "empty_update",
            "Send at least one of plate_number, type, capacity_kg, is_active.",
        ));
    }
    apply(&deps, &caller.tenant_id, &id, &changes).await
}

/// Shared with deactivate-vehicle.
pub async fn apply(
    deps: &Deps,
    tenant: &TenantId,
    id: &VehicleId,
    changes: &VehicleChanges,
) -> Result<Response<Body>, ApiError> {
    let current = deps
        .store
        .get_vehicle(tenant, id)
        .await
        .not_found_as("vehicle")?;
    ok(&deps
        .store
        .update_vehicle(tenant, &current, changes, time_util::now())
        .await?)
}
