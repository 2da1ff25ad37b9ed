//! POST /api/driver/scan {code}: finds an order of the driver's own routes by its reference
//! code or its tracking token (a label's barcode or QR code). Anything else answers 404.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, parse_json};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    #[schema(example = "CF-10021")]
    #[schema(max_length = 128)]
    pub code: String,
}

#[utoipa::path(post, path = "/api/driver/scan", operation_id = "scan_order", tag = "driver",
    security(("bearer" = [])), request_body = ScanRequest,
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 400, description = "Empty or oversized code", body = cargoflow_http::ErrorBody),
        (status = 404, description = "No order of this driver's routes has that code", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Drive).await?;
    let driver = caller
        .driver_id
        .clone()
        .ok_or(ApiError::Forbidden("This token has no driver."))?;
    let body: ScanRequest = parse_json(&req, deps.config.max_body_bytes)?;
    let code = body.code.trim();
    if code.is_empty() || code.len() > 128 {
        return Err(ApiError::field("code", "must be 1 to 128 characters"));
    }
    let by_token = match TrackingToken::parse(code) {
        Some(token) => deps
            .store
            .find_order_by_tracking_token(&token)
            .await?
            .filter(|(t, _)| *t == caller.tenant_id)
            .map(|(_, o)| o),
        None => None,
    };
    let found = match by_token {
        Some(o) => Some(o),
        None => match ReferenceCode::parse(code) {
            Ok(reference) => {
                deps.store
                    .find_order_by_reference(&caller.tenant_id, &reference)
                    .await?
            }
            Err(_) => None,
        },
    };
    match found {
        Some(order) if order.driver_id.as_ref() == Some(&driver) => ok(&order),
        _ => Err(ApiError::NotFound("order")),
    }
}
