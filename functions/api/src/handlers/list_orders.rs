//! GET /api/ops/orders: newest first, a page at a time; filters by status, created date
//! range, route and driver; `q` searches reference code, customer name and phone.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use cargoflow_store::orders::OrderFilter;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
}

/// RFC 3339, or a date (YYYY-MM-DD: its start, or for `end` its last instant).
pub fn parse_instant(raw: &str, end_of_day: bool) -> Result<OffsetDateTime, String> {
    if let Some(t) = time_util::parse_rfc3339(raw) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(raw, &fmt)
        .map_err(|_| "must be a date (YYYY-MM-DD) or an RFC 3339 date-time".to_string())?;
    let t = if end_of_day {
        date.with_hms_milli(23, 59, 59, 999)
    } else {
        date.with_hms(0, 0, 0)
    };
    Ok(t.map_err(|e| e.to_string())?.assume_utc())
}

#[utoipa::path(get, path = "/api/ops/orders", operation_id = "list_orders", tag = "orders",
    security(("bearer" = [])),
    params(
        ("status" = Option<OrderStatus>, Query),
        ("created_from" = Option<String>, Query, description = "YYYY-MM-DD or RFC 3339"),
        ("created_to" = Option<String>, Query, description = "YYYY-MM-DD (inclusive) or RFC 3339"),
        ("route_id" = Option<String>, Query),
        ("driver_id" = Option<String>, Query),
        ("q" = Option<String>, Query, description = "Part of a reference code, customer name or phone"),
        ("cursor" = Option<String>, Query),
        ("limit" = Option<i32>, Query, description = "1-100, default 50"),
    ),
    responses(
        (status = 200, description = "A page of orders (filtered pages may be short: follow next_cursor)", body = OrderPage),
        (status = 400, description = "Invalid filter", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let mut e = FieldErrors::new();
    let filter = OrderFilter {
        status: query_param(&req, "status").and_then(|s| e.check("status", OrderStatus::parse(&s))),
        created_from: query_param(&req, "created_from")
            .and_then(|s| e.check("created_from", parse_instant(&s, false))),
        created_to: query_param(&req, "created_to")
            .and_then(|s| e.check("created_to", parse_instant(&s, true))),
        route_id: query_param(&req, "route_id").and_then(|s| {
            e.check(
                "route_id",
                RouteId::parse(&s).ok_or_else(|| "is not an id".to_string()),
            )
        }),
        driver_id: query_param(&req, "driver_id").and_then(|s| {
            e.check(
                "driver_id",
                DriverId::parse(&s).ok_or_else(|| "is not an id".to_string()),
            )
        }),
        search: query_param(&req, "q")
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
            .and_then(|q| {
                e.check(
                    "q",
                    if q.chars().count() <= 100 {
                        Ok(q)
                    } else {
                        Err("must be at most 100 characters".to_string())
                    },
                )
            }),
    };
    if let (Some(f), Some(t)) = (filter.created_from, filter.created_to)
        && f > t
    {
        e.add("created_from", "must not be after created_to");
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let orders = deps
        .store
        .list_orders(&caller.tenant_id, &filter, page.cursor(), page.limit)
        .await?;
    ok(&OrderPage {
        items: orders.items,
        next_cursor: orders.next_cursor,
    })
}
