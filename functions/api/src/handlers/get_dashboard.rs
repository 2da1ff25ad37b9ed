//! GET /api/ops/dashboard: the ops dashboard's counts for one day, read from the counters the
//! writes keep (cargoflow_store::stats) instead of listing the day's orders: orders created that
//! day by current status, the day's routes by status, and the tenant's OPEN exceptions.

use std::collections::BTreeMap;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, query_param};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardOrders {
    /// Orders created that day (UTC), in all statuses.
    pub total: i64,
    /// Every order status (CREATED, ASSIGNED, ...), zeros included.
    pub by_status: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardRoutes {
    /// Routes planned for that day, in all statuses.
    pub total: i64,
    /// Every route status (PLANNED, IN_PROGRESS, COMPLETED, CANCELLED), zeros included.
    pub by_status: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardExceptions {
    /// OPEN exceptions of the tenant (whatever day they were raised).
    pub open: i64,
    /// Of those, DELAY ones.
    pub open_delay: i64,
    /// Every exception type (DELAY, FAILED_ATTEMPT, ...), zeros included.
    pub open_by_type: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The day counted (YYYY-MM-DD, UTC).
    pub date: String,
    pub orders: DashboardOrders,
    pub routes: DashboardRoutes,
    pub exceptions: DashboardExceptions,
}

#[utoipa::path(get, path = "/api/ops/dashboard", operation_id = "get_dashboard", tag = "orders",
    security(("bearer" = [])),
    params(("date" = Option<String>, Query, description = "YYYY-MM-DD (UTC); default today")),
    responses(
        (status = 200, description = "The day's counts", body = Dashboard),
        (status = 400, description = "Invalid date", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let mut e = FieldErrors::new();
    let date = match query_param(&req, "date") {
        Some(raw) => e.check("date", parse_route_date(&raw)),
        None => Some(time_util::now().date()),
    };
    let Some(date) = date else {
        return Err(e.into());
    };
    let tenant = &caller.tenant_id;
    let (counts, routes) = tokio::try_join!(
        deps.store.day_counts(tenant, date),
        deps.store.route_counts(tenant, date),
    )?;
    let by_status: BTreeMap<String, i64> = counts
        .orders
        .iter()
        .map(|(st, n)| (st.as_str().to_string(), *n))
        .collect();
    let open_by_type: BTreeMap<String, i64> = counts
        .open_exceptions
        .iter()
        .map(|(t, n)| (t.as_str().to_string(), *n))
        .collect();
    ok(&Dashboard {
        date: date.to_string(),
        orders: DashboardOrders {
            total: by_status.values().sum(),
            by_status,
        },
        routes: DashboardRoutes {
            total: routes.iter().map(|(_, n)| n).sum(),
            by_status: routes
                .iter()
                .map(|(st, n)| (st.as_str().to_string(), *n))
                .collect(),
        },
        exceptions: DashboardExceptions {
            open: open_by_type.values().sum(),
            open_delay: open_by_type
                .get(ExceptionType::Delay.as_str())
                .copied()
                .unwrap_or(0),
            open_by_type,
        },
    })
}
