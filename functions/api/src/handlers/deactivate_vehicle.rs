//! POST /api/ops/vehicles/{id}/deactivate.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, path_id};
use cargoflow_store::fleet::VehicleChanges;

use crate::Deps;

#[utoipa::path(post, path = "/api/ops/vehicles/{id}/deactivate", operation_id = "deactivate_vehicle", tag = "vehicles",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Deactivated", body = Vehicle),
        (status = 404, description = "No such vehicle in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", VehicleId::parse, "vehicle")?;
    let changes = VehicleChanges {
        is_active: Some(false),
        ..Default::default()
    };
    crate::update_vehicle::apply(&deps, &caller.tenant_id, &id, &changes).await
}
