//! GET /api/ops/orders/{id}: the order with its stops, history, exceptions and POD summary,
//! read with one Query of the order's partition.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{
    ApiError, Body, NotFoundAs, Optional, Request, Response, authenticate, ok, path_id,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetailResponse {
    #[serde(flatten)]
    pub order: Order,
    /// Oldest first.
    pub history: Vec<StatusHistoryEntry>,
    pub exceptions: Vec<OrderException>,
    /// Proof of delivery, once delivered (the files through GET .../pod).
    pub pod: Option<PodSummary>,
}

#[utoipa::path(get, path = "/api/ops/orders/{id}", operation_id = "get_order", tag = "orders",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The order", body = OrderDetailResponse),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", OrderId::parse, "order")?;
    let detail = deps
        .store
        .order_detail(&caller.tenant_id, &id)
        .await
        .not_found_as("order")?;
    // Live ETAs come from the route's plan.
    let route = match &detail.order.route_id {
        Some(r) if !detail.order.status.is_terminal() => deps
            .store
            .get_route(&caller.tenant_id, r)
            .await
            .optional()?,
        _ => None,
    };
    ok(&OrderDetailResponse {
        order: crate::dispatch::with_live_etas(detail.order, route.as_ref()),
        history: detail.history,
        exceptions: detail.exceptions,
        pod: detail.pod.as_ref().map(PodSummary::from),
    })
}
