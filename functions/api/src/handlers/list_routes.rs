//! GET /api/ops/routes: by date (or date range), driver and status.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct RoutePage {
    pub items: Vec<Route>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/ops/routes", operation_id = "list_routes", tag = "routes",
    security(("bearer" = [])),
    params(
        ("date" = Option<String>, Query, description = "YYYY-MM-DD (one day)"),
        ("date_from" = Option<String>, Query), ("date_to" = Option<String>, Query),
        ("driver_id" = Option<String>, Query), ("status" = Option<RouteStatus>, Query),
        ("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query, description = "1-100, default 50"),
    ),
    responses((status = 200, description = "Routes in date order", body = RoutePage), (status = 400, description = "Invalid filter", body = cargoflow_http::ErrorBody)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let mut e = FieldErrors::new();
    let date = query_param(&req, "date").and_then(|d| e.check("date", parse_route_date(&d)));
    let from = query_param(&req, "date_from")
        .and_then(|d| e.check("date_from", parse_route_date(&d)))
        .or(date);
    let to = query_param(&req, "date_to")
        .and_then(|d| e.check("date_to", parse_route_date(&d)))
        .or(date);
    let driver = query_param(&req, "driver_id").and_then(|d| {
        e.check(
            "driver_id",
            DriverId::parse(&d).ok_or_else(|| "is not an id".to_string()),
        )
    });
    let status =
        query_param(&req, "status").and_then(|s| e.check("status", RouteStatus::parse(&s)));
    if !e.is_empty() {
        return Err(e.into());
    }
    let (from, to) = (from.map(|d| d.to_string()), to.map(|d| d.to_string()));
    let routes = deps
        .store
        .list_routes(
            &caller.tenant_id,
            from.as_deref(),
            to.as_deref(),
            driver.as_ref(),
            status,
            page.cursor(),
            page.limit,
        )
        .await?;
    ok(&RoutePage {
        items: routes.items,
        next_cursor: routes.next_cursor,
    })
}
