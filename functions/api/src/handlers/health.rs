//! GET /api/health: 200 when the table answers, 503 naming what does not.

use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, json};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// Each dependency and its state (`ok` or what is wrong).
    pub checks: BTreeMap<&'static str, String>,
}

#[utoipa::path(get, path = "/api/health", operation_id = "health", tag = "platform",
    responses(
        (status = 200, description = "Everything answers", body = HealthResponse),
        (status = 503, description = "A dependency does not answer", body = HealthResponse),
    ))]
pub async fn handle(deps: Arc<Deps>, _req: Request) -> Result<Response<Body>, ApiError> {
    let mut checks = BTreeMap::new();
    let dynamo = match deps.store.ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => {
            tracing::warn!(error = %e, "health: dynamodb unreachable");
            format!("unreachable (table {})", deps.store.table())
        }
    };
    let healthy = dynamo == "ok";
    checks.insert("dynamodb", dynamo);
    let body = HealthResponse {
        status: if healthy { "ok" } else { "unavailable" },
        checks,
    };
    json(if healthy { 200 } else { 503 }, &body)
}
