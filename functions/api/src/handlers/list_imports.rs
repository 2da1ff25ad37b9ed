//! GET /api/ops/imports: the tenant's CSV import jobs, newest first (progress only; the
//! report is on GET /api/ops/imports/{id}).

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, page_query};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;
use crate::import_orders::ImportJobView;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportJobPage {
    pub items: Vec<ImportJobView>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/imports", operation_id = "list_imports", tag = "orders",
    security(("bearer" = [])),
    params(("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query)),
    responses(
        (status = 200, description = "Import jobs, newest first", body = ImportJobPage),
        (status = 400, description = "A cursor this listing did not hand out, or a bad limit", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let found = deps
        .store
        .list_import_jobs(&caller.tenant_id, page.cursor(), page.limit)
        .await?;
    ok(&ImportJobPage {
        items: found.items.iter().map(ImportJobView::new).collect(),
        next_cursor: found.next_cursor,
    })
}
