//! Building success responses.

use lambda_http::{Body, Response};
use serde::Serialize;

use crate::ApiError;

pub fn json<T: Serialize>(status: u16, body: &T) -> Result<Response<Body>, ApiError> {
    let text =
        serde_json::to_string(body).map_err(|e| ApiError::internal("serialising response", e))?;
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(Body::Text(text))
        .map_err(|e| ApiError::internal("building response", e))
}

pub fn ok<T: Serialize>(body: &T) -> Result<Response<Body>, ApiError> {
    json(200, body)
}

pub fn created<T: Serialize>(body: &T) -> Result<Response<Body>, ApiError> {
    json(201, body)
}

pub fn no_content() -> Result<Response<Body>, ApiError> {
    Response::builder()
        .status(204)
        .header("cache-control", "no-store")
        .body(Body::Empty)
        .map_err(|e| ApiError::internal("building response", e))
}
