//! POST /api/driver/orders/{id}/pod/uploads {files: [{kind, content_type, size}]}: presigned
//! PUT URLs for the proof-of-delivery photo and signature, straight to S3. Each key is under
//! `incoming/` and the order's prefix with a random name (what no POD takes expires: a
//! lifecycle rule; crate::pod_files); the content type and size are signed into the URL; the
//! URL lives at most 15 minutes. The order must be the driver's, in transit.

use std::sync::Arc;

use cargoflow_domain::pod::{self, PodFileKind};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, ok, parse_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Deps;
use crate::pod_files::PresignedUpload;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PodFileRequest {
    /// photo or signature
    pub kind: String,
    /// image/jpeg, image/png or image/webp
    pub content_type: String,
    /// Bytes; at most 10 MB for a photo, 1 MB for a signature. The upload must be exactly this size.
    pub size: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePodUploadsRequest {
    /// One or two files, at most one of each kind.
    #[schema(min_items = 1, max_items = 2)]
    pub files: Vec<PodFileRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatePodUploadsResponse {
    pub uploads: Vec<PresignedUpload>,
}

#[utoipa::path(post, path = "/api/driver/orders/{id}/pod/uploads", operation_id = "create_pod_uploads", tag = "driver",
    security(("bearer" = [])), params(("id" = String, Path)), request_body = CreatePodUploadsRequest,
    responses(
        (status = 200, description = "Presigned uploads", body = CreatePodUploadsResponse),
        (status = 400, description = "A file's kind, type or size is not allowed", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Not one of this driver's orders", body = cargoflow_http::ErrorBody),
        (status = 409, description = "The order is not in transit, or its route has not started", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many requests from this driver", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The file store cannot presign uploads now; retry shortly", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    cargoflow_http::authenticate(&req, &deps.auth, Permission::Drive).await?;
    let body: CreatePodUploadsRequest = parse_json(&req, deps.config.max_body_bytes)?;
    if body.files.is_empty() || body.files.len() > 2 {
        return Err(ApiError::field("files", "must hold one or two files"));
    }
    let mut specs = Vec::new();
    for (i, f) in body.files.iter().enumerate() {
        let kind = PodFileKind::parse(&f.kind).ok_or_else(|| {
            ApiError::field(&format!("files[{i}].kind"), "must be photo or signature")
        })?;
        if specs.iter().any(|s: &pod::PodFileSpec| s.kind == kind) {
            return Err(ApiError::field(
                &format!("files[{i}].kind"),
                "appears twice: one file per kind",
            ));
        }
        let spec = pod::check_file(kind, &f.content_type, f.size).map_err(|reason| {
            let field = if reason.starts_with("must be one of") {
                format!("files[{i}].content_type")
            } else {
                format!("files[{i}].size")
            };
            ApiError::field(&field, reason)
        })?;
        specs.push(spec);
    }
    let scope = crate::driver_scope::driver_order(&deps, &req).await?;
    if scope.order.status != OrderStatus::InTransit {
        return Err(ApiError::conflict(
            "not_in_transit",
            "Proof of delivery is captured for orders in transit.",
        ));
    }
    let files = deps.pod_files();
    let now = time_util::now();
    let mut uploads = Vec::new();
    for spec in &specs {
        let key = crate::pod_files::incoming_key(&pod::new_object_key(
            &scope.caller.tenant_id,
            &scope.order.id,
            spec,
        ));
        uploads.push(
            files
                .presign_upload(key, spec, deps.config.pod_upload_url_secs, now)
                .await?,
        );
    }
    ok(&CreatePodUploadsResponse { uploads })
}
