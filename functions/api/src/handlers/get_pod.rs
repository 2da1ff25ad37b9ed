//! GET /api/ops/orders/{id}/pod: the order's proof of delivery with short-lived presigned
//! download links to its photo and signature, each signed for the version recorded with the
//! POD (404 when the order has none).

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Deps;

#[derive(Debug, Serialize, ToSchema)]
pub struct PodResponse {
    pub receiver_name: String,
    pub notes: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub delivered_at: OffsetDateTime,
    pub photo_url: Option<String>,
    pub signature_url: Option<String>,
    /// When the links stop working (fetch again for fresh ones).
    #[serde(with = "time::serde::rfc3339")]
    pub urls_expire_at: OffsetDateTime,
}

#[utoipa::path(get, path = "/api/ops/orders/{id}/pod", operation_id = "get_pod", tag = "orders",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The proof of delivery", body = PodResponse),
        (status = 404, description = "No such order in this tenant, or no POD yet", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The file store cannot presign the files' URLs now; retry shortly", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", OrderId::parse, "order")?;
    let pod = deps
        .store
        .get_pod(&caller.tenant_id, &id)
        .await?
        .ok_or(ApiError::NotFound("proof of delivery"))?;
    let files = deps.pod_files();
    let now = time_util::now();
    let ttl = deps.config.pod_view_url_secs;
    let mut urls = Vec::new();
    for (key, version) in [
        (&pod.photo_key, &pod.photo_version),
        (&pod.signature_key, &pod.signature_version),
    ] {
        urls.push(match key {
            Some(k) => Some(files.presign_get(k, version.as_deref(), ttl, now).await?),
            None => None,
        });
    }
    let signature_url = urls.pop().flatten();
    let photo_url = urls.pop().flatten();
    ok(&PodResponse {
        receiver_name: pod.receiver_name,
        notes: pod.notes,
        delivered_at: pod.delivered_at,
        photo_url,
        signature_url,
        urls_expire_at: now + time::Duration::seconds(ttl as i64),
    })
}
