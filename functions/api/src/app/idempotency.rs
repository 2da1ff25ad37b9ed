//! `Idempotency-Key` for POSTs that create or change state: the first request with a key runs
//! and its response (2xx or 4xx) is stored for 24 hours; a repeat with the same key and body
//! gets that response again (`idempotent-replayed: true`) and has no second effect; the same
//! key with another body answers 422; a repeat while the first is still running answers 409.
//! A 5xx releases the key so the client can retry. Keys are scoped to the caller.

use std::future::Future;

use cargoflow_http::{ApiError, Body, Request, Response, identify, request_id};
use cargoflow_store::idempotency::Claim;
use cargoflow_store::keys;
use sha2::{Digest, Sha256};

use crate::Deps;

const KEEP_SECS: i64 = 24 * 3600;
const IN_PROGRESS_SECS: i64 = 60;
/// DynamoDB items hold 400 KB; larger responses (big CSV imports) are replaced by a note.
const MAX_KEPT_BYTES: usize = 300 * 1024;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn body_text(resp: &Response<Body>) -> String {
    match resp.body() {
        Body::Text(t) => t.clone(),
        Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

pub async fn run<F, Fut>(deps: &Deps, req: Request, handler: F) -> Result<Response<Body>, ApiError>
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    let Some(raw) = req.headers().get("idempotency-key") else {
        return handler(req).await;
    };
    let key = raw.to_str().unwrap_or("");
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    // Unauthenticated requests are not recorded: the handler answers them (401).
    let Ok(caller) = identify(&req, &deps.auth).await else {
        return handler(req).await;
    };
    let key_hash = hex(&Sha256::digest(
        format!("{}\n{key}", caller.user_id).as_bytes(),
    ));
    let request_hash = hex(&Sha256::new()
        .chain_update(req.method().as_str())
        .chain_update(b"\n")
        .chain_update(req.uri().path())
        .chain_update(b"\n")
        .chain_update(cargoflow_http::body_bytes(&req))
        .finalize());
    let record = keys::idempotency(&caller.tenant_id, &key_hash);
    let now = cargoflow_domain::time_util::now().unix_timestamp();
    match deps
        .store
        .claim_idempotency(&record, &request_hash, now, KEEP_SECS, IN_PROGRESS_SECS)
        .await?
    {
        Claim::New => {}
        Claim::Completed {
            request_hash: h, ..
        }
        | Claim::InProgress { request_hash: h }
            if h != request_hash =>
        {
            return Err(ApiError::Unprocessable {
                code: "idempotency_key_reused",
                message: "This Idempotency-Key was used with a different request.".into(),
            });
        }
        Claim::Completed { status, body, .. } => {
            let mut b = Response::builder()
                .status(status)
                .header("idempotent-replayed", "true")
                .header("cache-control", "no-store");
            if !body.is_empty() {
                b = b.header("content-type", "application/json");
            }
            return b
                .body(if body.is_empty() {
                    Body::Empty
                } else {
                    Body::Text(body)
                })
                .map_err(|e| ApiError::internal("building replay", e));
        }
        Claim::InProgress { .. } => {
            return Err(ApiError::conflict(
                "request_in_progress",
                "A request with this Idempotency-Key is still running; retry shortly.",
            ));
        }
    }
    let rid = request_id(&req);
    let result = handler(req).await;
    let (status, response) = match result {
        Ok(r) => (r.status().as_u16(), r),
        Err(e) if e.status() >= 500 => {
            // Nothing was applied (or it may be retried safely): free the key for a retry.
            if let Err(release) = deps.store.release_idempotency(&record).await {
                tracing::error!(error = %release, "could not release an idempotency key");
            }
            return Err(e);
        }
        Err(e) => (e.status(), e.into_response(&rid)),
    };
    let mut body = body_text(&response);
    if body.len() > MAX_KEPT_BYTES {
        body = serde_json::json!({
            "replayed": true,
            "message": "The request was applied once; its response was too large to keep for replay."
        })
        .to_string();
    }
    // The change is done: whatever happens to the record, the client gets its answer. If the
    // record cannot be completed it stays IN_PROGRESS (repeats answer 409) until it expires.
    if let Err(e) = deps
        .store
        .complete_idempotency(&record, status, &body)
        .await
    {
        tracing::error!(error = %e, "could not store the idempotent response");
    }
    Ok(response)
}
