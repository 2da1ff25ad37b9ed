//! POST /api/ops/vehicles: plate numbers are unique per tenant.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, created, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVehicleRequest {
    #[schema(example = "KA01AB1234")]
    pub plate_number: String,
    /// BIKE, CAR, VAN or TRUCK.
    #[serde(rename = "type")]
    #[schema(example = "VAN", value_type = VehicleType)]
    pub vehicle_type: String,
    #[schema(example = 1200)]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity_kg: i64,
    pub is_active: Option<bool>,
}

#[utoipa::path(post, path = "/api/ops/vehicles", operation_id = "create_vehicle", tag = "vehicles",
    security(("bearer" = [])), request_body = CreateVehicleRequest,
    responses(
        (status = 201, description = "Created", body = Vehicle),
        (status = 400, description = "Invalid fields", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Plate already registered", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let body: CreateVehicleRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let mut e = FieldErrors::new();
    let plate = e.check("plate_number", PlateNumber::parse(&body.plate_number));
    let vehicle_type = e.check("type", VehicleType::parse(&body.vehicle_type));
    let capacity = e.check("capacity_kg", CapacityKg::parse(body.capacity_kg));
    let (Some(plate_number), Some(vehicle_type), Some(capacity_kg)) =
        (plate, vehicle_type, capacity)
    else {
        return Err(e.into());
    };
    let now = time_util::now();
    let vehicle = Vehicle {
        id: VehicleId::generate(),
        plate_number,
        vehicle_type,
        capacity_kg,
        is_active: body.is_active.unwrap_or(true),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    deps.store
        .create_vehicle(&caller.tenant_id, &vehicle)
        .await?;
    created(&vehicle)
}
