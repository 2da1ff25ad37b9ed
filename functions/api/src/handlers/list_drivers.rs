//! GET /api/ops/drivers: the tenant's drivers, a page at a time.

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, page_query};

use crate::Deps;
use crate::dto::DriverPage;

#[utoipa::path(get, path = "/api/ops/drivers", operation_id = "list_drivers", tag = "drivers",
    security(("bearer" = [])),
    params(("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query, description = "1-100, default 50")),
    responses((status = 200, description = "A page of drivers", body = DriverPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    ok(&DriverPage::from(
        deps.store
            .list_drivers(&caller.tenant_id, page.cursor(), page.limit)
            .await?,
    ))
}
