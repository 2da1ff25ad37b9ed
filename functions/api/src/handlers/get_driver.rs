//! GET /api/ops/drivers/{id}.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, authenticate, ok, path_id};

use crate::Deps;

#[utoipa::path(get, path = "/api/ops/drivers/{id}", operation_id = "get_driver", tag = "drivers",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The driver", body = Driver),
        (status = 404, description = "No such driver in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", DriverId::parse, "driver")?;
    ok(&deps
        .store
        .get_driver(&caller.tenant_id, &id)
        .await
        .not_found_as("driver")?)
}
