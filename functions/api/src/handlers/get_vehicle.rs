//! GET /api/ops/vehicles/{id}.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, path_id};

use crate::Deps;

#[utoipa::path(get, path = "/api/ops/vehicles/{id}", operation_id = "get_vehicle", tag = "vehicles",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The vehicle", body = Vehicle),
        (status = 404, description = "No such vehicle in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", VehicleId::parse, "vehicle")?;
    ok(&deps
        .store
        .get_vehicle(&caller.tenant_id, &id)
        .await
        .not_found_as("vehicle")?)
}
