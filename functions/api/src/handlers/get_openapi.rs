//! GET /api/schema: the OpenAPI 3.1 document, generated from the handlers' annotations.

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response};

use crate::Deps;

#[utoipa::path(get, path = "/api/schema", operation_id = "get_openapi", tag = "platform",
    responses(
        (status = 200, description = "This OpenAPI 3.1 document (Cache-Control: public, max-age=300)", body = Object),
    ))]
pub async fn handle(_deps: Arc<Deps>, _req: Request) -> Result<Response<Body>, ApiError> {
    let doc = crate::openapi::document_json();
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("cache-control", "public, max-age=300")
        .body(Body::Text(doc))
        .map_err(|e| ApiError::internal("building response", e))
}
