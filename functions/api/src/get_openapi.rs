//! GET /api/schema: the OpenAPI 3.1 document, generated from the handlers' annotations.

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response};

use crate::Deps;

pub async fn handle(_deps: Arc<Deps>, _req: Request) -> Result<Response<Body>, ApiError> {
    let doc = crate::openapi::document_json();
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .header("cache-control", "public, max-age=300")
        .body(Body::Text(doc))
        .map_err(|e| ApiError::internal("building response", e))
}
