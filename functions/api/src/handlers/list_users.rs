//! GET /api/ops/users: the tenant's logins, a page at a time (OPS_ADMIN).

use std::sync::Arc;

use cargoflow_domain::Permission;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, page_query};

use crate::Deps;
use crate::dto::UserPage;

#[utoipa::path(get, path = "/api/ops/users", operation_id = "list_users", tag = "users",
    security(("bearer" = [])),
    params(("cursor" = Option<String>, Query, description = "From next_cursor"), ("limit" = Option<i32>, Query, description = "1-100, default 50")),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
        (status = 403, description = "Not an OPS_ADMIN", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Administer).await?;
    let page = page_query(&req)?;
    let users = deps
        .store
        .list_users(&caller.tenant_id, page.cursor(), page.limit)
        .await?;
    ok(&UserPage::from(users))
}
