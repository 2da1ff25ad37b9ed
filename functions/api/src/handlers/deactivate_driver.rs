//! POST /api/ops/drivers/{id}/deactivate: the driver and its login are deactivated together.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, path_id};
use cargoflow_store::fleet::DriverChanges;

use crate::Deps;

#[utoipa::path(post, path = "/api/ops/drivers/{id}/deactivate", operation_id = "deactivate_driver", tag = "drivers",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "Deactivated", body = Driver),
        (status = 404, description = "No such driver in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", DriverId::parse, "driver")?;
    let changes = DriverChanges {
        is_active: Some(false),
        ..Default::default()
    };
    crate::update_driver::apply(&deps, &caller.tenant_id, &id, &changes).await
}
