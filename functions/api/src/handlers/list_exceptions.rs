//! GET /api/ops/exceptions: newest first; filters by status, type and order.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionPage {
    pub items: Vec<OrderException>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/exceptions", operation_id = "list_exceptions", tag = "exceptions",
    security(("bearer" = [])),
    params(
        ("status" = Option<ExceptionStatus>, Query),
        ("type" = Option<ExceptionType>, Query),
        ("order_id" = Option<String>, Query),
        ("cursor" = Option<String>, Query),
        ("limit" = Option<i32>, Query, description = "1-100, default 50"),
    ),
    responses((status = 200, description = "A page of exceptions", body = ExceptionPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let mut e = FieldErrors::new();
    let status =
        query_param(&req, "status").and_then(|s| e.check("status", ExceptionStatus::parse(&s)));
    let exception_type =
        query_param(&req, "type").and_then(|s| e.check("type", ExceptionType::parse(&s)));
    let order = query_param(&req, "order_id").and_then(|s| {
        e.check(
            "order_id",
            OrderId::parse(&s).ok_or_else(|| "is not an id".to_string()),
        )
    });
    if !e.is_empty() {
        return Err(e.into());
    }
    let found = deps
        .store
        .list_exceptions(
            &caller.tenant_id,
            status,
            exception_type,
            order.as_ref(),
            page.cursor(),
            page.limit,
        )
        .await?;
    ok(&ExceptionPage {
        items: found.items,
        next_cursor: found.next_cursor,
    })
}
