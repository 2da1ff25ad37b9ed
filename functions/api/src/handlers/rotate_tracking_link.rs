//! POST /api/ops/orders/{id}/tracking-link/rotate: a new tracking token; the old link stops
//! working at once (also re-enables a revoked link; an ended order's link then lives its
//! expiry period again).

use std::sync::Arc;

use cargoflow_domain::TrackingToken;
use cargoflow_http::{ApiError, Body, Request, Response, ok};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackingLinkResponse {
    pub tracking_token: TrackingToken,
}

#[utoipa::path(post, path = "/api/ops/orders/{id}/tracking-link/rotate", operation_id = "rotate_tracking_link", tag = "tracking",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The new token", body = TrackingLinkResponse),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "A concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let token = TrackingToken::generate();
    crate::tracking_link::replace(&deps, &req, Some(token.clone())).await?;
    ok(&TrackingLinkResponse {
        tracking_token: token,
    })
}
