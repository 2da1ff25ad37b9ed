//! POST /api/driver/orders/{id}/pod: proof of delivery, and the IN_TRANSIT -> DELIVERED move,
//! in one transaction (POD item, order, history, order.status_changed and pod.created events).
//!
//! Two ways in:
//! - JSON `{receiver_name, notes, photo_key, signature_key}` after uploading through the
//!   presigned URLs of .../pod/uploads: each key must be one issued for this order, and the object
//!   must exist with an allowed type and size (HeadObject); that version is copied from
//!   `incoming/` to the final key and the copy's version recorded with the POD
//!   (crate::pod_files), so a later PUT to the upload URL changes nothing.
//! - The seed's multipart form (receiver_name, notes, photo, signature files) for clients that
//!   cannot PUT to S3: the function checks the files (declared and real type, size) and writes
//!   them under the same rules. Bounded by Lambda's 6 MB payload: at most 4.5 MB in all.
//!
//! At least one of photo and signature is required. `delivered_at` is server time.

use std::sync::Arc;

use cargoflow_domain::pod::{self, PodFileKind, PodFileSpec};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, body_bytes, created, parse_json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Deps;
use cargoflow_domain::dispatch::{Actor, MoveRequest};

/// The multipart form's limit (Lambda's 6 MB request payload, after base64).
pub const MAX_MULTIPART_BYTES: usize = 4_500_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePodRequest {
    #[schema(example = "Ravi Kumar")]
    #[schema(max_length = 120)]
    pub receiver_name: String,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
    /// A key from .../pod/uploads, uploaded.
    pub photo_key: Option<String>,
    pub signature_key: Option<String>,
}

/// The seed's multipart form (documentation of the alternative body).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct CreatePodForm {
    pub receiver_name: String,
    pub notes: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub photo: Option<Vec<u8>>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub signature: Option<Vec<u8>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatePodResponse {
    pub order: Order,
    pub pod: Pod,
}

/// A file given by key (uploaded already) or by content (multipart).
enum FileIn {
    Key(String),
    Bytes(PodFileSpec, Vec<u8>),
}

struct PodIn {
    receiver_name: String,
    notes: Option<String>,
    photo: Option<FileIn>,
    signature: Option<FileIn>,
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

async fn parse_multipart(req: &Request, ct: &str) -> Result<PodIn, ApiError> {
    let bytes = body_bytes(req).to_vec();
    if bytes.len() > MAX_MULTIPART_BYTES {
        return Err(ApiError::PayloadTooLarge {
            limit: MAX_MULTIPART_BYTES,
        });
    }
    let boundary = multer::parse_boundary(ct)
        .map_err(|_| ApiError::field("content-type", "has no multipart boundary"))?;
    let stream = futures::stream::once(async move {
        Ok::<_, std::convert::Infallible>(bytes::Bytes::from(bytes))
    });
    let mut form = multer::Multipart::new(stream, boundary);
    let mut receiver_name = None;
    let mut notes = None;
    let mut photo = None;
    let mut signature = None;
    let bad = |field: &str| ApiError::field(field, "could not be read from the multipart form");
    while let Some(field) = form.next_field().await.map_err(|_| bad("body"))? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "receiver_name" | "notes" => {
                let text = field.text().await.map_err(|_| bad(&name))?;
                if name == "notes" {
                    notes = Some(text);
                } else {
                    receiver_name = Some(text);
                }
            }
            "photo" | "signature" => {
                let kind = PodFileKind::parse(&name).unwrap_or(PodFileKind::Photo);
                let declared = field
                    .content_type()
                    .map(|m| m.essence_str().to_string())
                    .unwrap_or_default();
                let data = field.bytes().await.map_err(|_| bad(&name))?.to_vec();
                let spec = pod::check_file(kind, &declared, data.len() as i64)
                    .map_err(|r| ApiError::field(&name, r))?;
                if pod::sniff(&data) != Some(spec.content_type) {
                    return Err(ApiError::field(
                        &name,
                        format!("is not a {} image", spec.content_type),
                    ));
                }
                let file = Some(FileIn::Bytes(spec, data));
                if kind == PodFileKind::Photo {
                    photo = file;
                } else {
                    signature = file;
                }
            }
            other => {
                return Err(ApiError::field(other, "is not a field of this form"));
            }
        }
    }
    Ok(PodIn {
        receiver_name: receiver_name.unwrap_or_default(),
        notes,
        photo,
        signature,
    })
}

async fn parse(req: &Request, deps: &Deps) -> Result<PodIn, ApiError> {
    let ct = content_type(req);
    let input = if ct.starts_with("multipart/form-data") {
        parse_multipart(req, &ct).await?
    } else {
        let b: CreatePodRequest = parse_json(req, deps.config.max_body_bytes)?;
        PodIn {
            receiver_name: b.receiver_name,
            notes: b.notes,
            photo: b.photo_key.map(FileIn::Key),
            signature: b.signature_key.map(FileIn::Key),
        }
    };
    if input.photo.is_none() && input.signature.is_none() {
        return Err(ApiError::field(
            "photo_key",
            "a photo or a signature is required (signature_key, photo_key, or the files)",
        ));
    }
    Ok(input)
}

/// A POD file in its final place: its key and the version the POD holds.
struct Stored {
    key: String,
    version: String,
}

/// Makes sure the file is in the bucket under this order's final prefix (`pod/...`, where no
/// upload URL points): an upload is checked, then that checked version copied out of
/// `incoming/`; returns its key and version.
async fn store_file(
    deps: &Deps,
    tenant: &TenantId,
    order: &OrderId,
    kind: PodFileKind,
    file: Option<FileIn>,
) -> Result<Option<Stored>, ApiError> {
    let field = match kind {
        PodFileKind::Photo => "photo_key",
        PodFileKind::Signature => "signature_key",
    };
    let files = deps.pod_files();
    match file {
        None => Ok(None),
        Some(FileIn::Key(key)) => {
            let checked = files
                .check_uploaded(tenant, order, kind, field, &key)
                .await?;
            let uploaded = checked.version.unwrap_or_default();
            Ok(Some(match crate::pod_files::final_key(&key) {
                Some(dest) => Stored {
                    version: files.copy(&key, &uploaded, dest).await?,
                    key: dest.to_string(),
                },
                // An upload URL issued before uploads moved to incoming/ (at most 15
                // minutes old): the checked version is pinned where it is.
                None => Stored {
                    key,
                    version: uploaded,
                },
            }))
        }
        Some(FileIn::Bytes(spec, data)) => {
            let key = pod::new_object_key(tenant, order, &spec);
            let version = files.put(&key, &spec, data).await?;
            Ok(Some(Stored { key, version }))
        }
    }
}

#[utoipa::path(post, path = "/api/driver/orders/{id}/pod", operation_id = "create_pod", tag = "driver",
    security(("bearer" = [])), params(("id" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body(content(
        (CreatePodRequest = "application/json"),
        (CreatePodForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Delivered with its proof", body = CreatePodResponse),
        (status = 400, description = "Missing receiver or files, a key not issued for this order, a file not uploaded or of a wrong type or size", body = cargoflow_http::ErrorBody),
        (status = 404, description = "Not one of this driver's orders", body = cargoflow_http::ErrorBody),
        (status = 409, description = "Not in transit, route not started, already has a POD, or a concurrent change", body = cargoflow_http::ErrorBody),
        (status = 413, description = "The multipart form is over 4.5 MB: upload through .../pod/uploads", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many requests from this driver", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The file store does not answer; nothing was recorded (retry with the same Idempotency-Key)", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    cargoflow_http::authenticate(&req, &deps.auth, Permission::Drive).await?;
    let input = parse(&req, &deps).await?;
    let (receiver_name, notes) = pod::check_texts(&input.receiver_name, input.notes.as_deref())
        .map_err(|(f, r)| ApiError::field(f, r))?;
    let scope = crate::driver_scope::driver_order(&deps, &req).await?;
    let (tenant, order) = (&scope.caller.tenant_id, &scope.order);
    if order.status != OrderStatus::InTransit {
        // Refused before any file is moved into place.
        return Err(cargoflow_domain::dispatch::transition_refused(
            cargoflow_domain::status_machine::check(
                order.status,
                OrderStatus::Delivered,
                ActorType::Driver,
            )
            .err()
            .unwrap_or(TransitionError::Terminal(order.status)),
            order,
        )
        .into());
    }
    let photo = store_file(&deps, tenant, &order.id, PodFileKind::Photo, input.photo).await?;
    let signature = store_file(
        &deps,
        tenant,
        &order.id,
        PodFileKind::Signature,
        input.signature,
    )
    .await?;
    let now = time_util::now();
    let pod = Pod {
        order_id: order.id.clone(),
        receiver_name,
        notes,
        photo_version: photo.as_ref().map(|f| f.version.clone()),
        signature_version: signature.as_ref().map(|f| f.version.clone()),
        photo_key: photo.map(|f| f.key),
        signature_key: signature.map(|f| f.key),
        delivered_at: now,
        created_by: scope.caller.user_id.clone(),
    };
    let drop_stop = order
        .stops
        .iter()
        .find(|s| s.stop_type == StopType::Drop && s.status == StopStatus::Pending)
        .map(|s| s.id.clone());
    let req = MoveRequest {
        to: OrderStatus::Delivered,
        stop: drop_stop,
        metadata: serde_json::json!({ "receiver_name": pod.receiver_name, "pod": true }),
        reason: None,
        pod: Some(pod.clone()),
    };
    let moved = crate::dispatch::move_order(
        &deps,
        tenant,
        order,
        Some(&scope.route),
        req,
        Actor::driver(&scope.caller.user_id, &scope.driver),
    )
    .await?;
    created(&CreatePodResponse { order: moved, pod })
}
