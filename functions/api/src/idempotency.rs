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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn body_bytes(req: &Request) -> &[u8] {
    match req.body() {
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    }
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
    let Some(raw) = req.headers().get("idempotency-key") else { return handler(req).await };
    let key = raw.to_str().unwrap_or("");
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(ApiError::field("Idempotency-Key", "must be 1 to 255 visible ASCII characters"));
    }
    // Unauthenticated requests are not recorded: the handler answers them (401).
    let Ok(caller) = identify(&req, &deps.tokens) else { return handler(req).await };
    let key_hash = hex(&Sha256::digest(format!("{}\n{key}", caller.user_id).as_bytes()));
    let request_hash = hex(
        &Sha256::new()
            .chain_update(req.method().as_str())
            .chain_update(b"\n")
            .chain_update(req.uri().path())
            .chain_update(b"\n")
            .chain_update(body_bytes(&req))
            .finalize(),
    );
    let record = keys::idempotency(&caller.tenant_id, &key_hash);
    let now = cargoflow_domain::time_util::now().unix_timestamp();
    match deps.store.claim_idempotency(&record, &request_hash, now, KEEP_SECS, IN_PROGRESS_SECS).await? {
        Claim::New => {}
        Claim::Completed { request_hash: h, .. } | Claim::InProgress { request_hash: h } if h != request_hash => {
            return Err(ApiError::Unprocessable {
                code: "idempotency_key_reused",
                message: "This Idempotency-Key was used with a different request.".into(),
            });
        }
        Claim::Completed { status, body, .. } => {
            let mut b = Response::builder().status(status).header("idempotent-replayed", "true").header("cache-control", "no-store");
            if !body.is_empty() {
                b = b.header("content-type", "application/json");
            }
            return b
                .body(if body.is_empty() { Body::Empty } else { Body::Text(body) })
                .map_err(|e| ApiError::internal("building replay", e));
        }
        Claim::InProgress { .. } => {
            return Err(ApiError::conflict("request_in_progress", "A request with this Idempotency-Key is still running; retry shortly."));
        }
    }
    let rid = request_id(&req);
    let result = handler(req).await;
    let (status, body) = match &result {
        Ok(r) => (r.status().as_u16(), body_text(r)),
        Err(e) => (e.status(), String::new()),
    };
    if status >= 500 {
        deps.store.release_idempotency(&record).await?;
        return result;
    }
    match result {
        Ok(r) => {
            deps.store.complete_idempotency(&record, status, &body).await?;
            Ok(r)
        }
        Err(e) => {
            let resp = e.into_response(&rid);
            deps.store.complete_idempotency(&record, status, &body_text(&resp)).await?;
            Ok(resp)
        }
    }
}
