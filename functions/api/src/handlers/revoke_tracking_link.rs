//! POST /api/ops/orders/{id}/tracking-link/revoke: the tracking link stops working (404, like
//! any unknown link) until ops rotate a new one.

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, no_content};

use crate::Deps;

#[utoipa::path(post, path = "/api/ops/orders/{id}/tracking-link/revoke", operation_id = "revoke_tracking_link", tag = "tracking",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such order in this tenant", body = cargoflow_http::ErrorBody),
        (status = 409, description = "A concurrent change", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    crate::tracking_link::replace(&deps, &req, None).await?;
    no_content()
}
