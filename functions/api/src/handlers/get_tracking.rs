//! GET /api/tracking/{token}: the public tracking page's data. No login: the 192-bit token is
//! the credential. The answer is built by an allowlist (cargoflow_domain::tracking): status,
//! stops' city/status/times, ETA, last update, the driver's rounded location only while the
//! order is on its way and its drop is within TRACKING_LIVE_STOPS of the route's remaining
//! stops (default: the next stop; before that `live_location` is null, the ETA shows), and
//! the POD summary once delivered (photo only if the tenant allows).
//! Unknown, rotated, revoked and expired tokens all answer the same 404. Rate-limited per
//! client address and per token and client address; cacheable for a few seconds (CloudFront) with an ETag.

use std::sync::Arc;

use cargoflow_domain::tracking::{self, TrackingView};
use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Optional, Request, Response, client_ip, ok};
use lambda_http::RequestExt;

use crate::Deps;
use crate::driver_scope::rate_limit;

#[utoipa::path(get, path = "/api/tracking/{token}", operation_id = "get_tracking", tag = "tracking",
    params(("token" = String, Path, description = "The order's tracking token"),
           ("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier answer")),
    responses(
        (status = 200, description = "The order as the customer sees it (ETag, Cache-Control)", body = TrackingView),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 404, description = "Unknown, revoked or expired tracking link", body = cargoflow_http::ErrorBody),
        (status = 429, description = "Too many requests (Retry-After)", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The file store cannot presign the delivery photo's URL now; retry shortly", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    const MESSAGE: &str = "Too many tracking requests; wait and retry.";
    let address = client_ip(&req).unwrap_or_default();
    rate_limit(
        &deps,
        "tracking-client",
        &address,
        deps.config.tracking_limit_per_address,
        MESSAGE,
    )
    .await?;
    let raw = req
        .path_parameters_ref()
        .and_then(|p| p.first("token"))
        .unwrap_or_default()
        .to_string();
    let token = TrackingToken::parse(&raw).ok_or(ApiError::NotFound("tracking link"))?;
    // Per link and client, never per link alone: the link is shared (customer, family,
    // forwarded messages), and a counter of the link alone would let any one holder run it
    // out for everyone. Load on one link from many clients is CloudFront's cache's.
    rate_limit(
        &deps,
        "tracking-token",
        &format!("{}|{address}", token.as_str()),
        deps.config.tracking_limit_per_token,
        MESSAGE,
    )
    .await?;
    let (tenant, order_id) = deps
        .store
        .resolve_tracking_token(&token)
        .await?
        .ok_or(ApiError::NotFound("tracking link"))?;
    let detail = match deps.store.order_detail(&tenant, &order_id).await {
        Ok(d) if d.order.tracking_token.as_ref() == Some(&token) => d,
        Ok(_) | Err(cargoflow_store::StoreError::NotFound) => {
            return Err(ApiError::NotFound("tracking link"));
        }
        Err(e) => return Err(e.into()),
    };
    let now = time_util::now();
    let settings = deps.store.get_tracking_settings(&tenant).await?;
    if settings.expired(&detail.order, now) {
        return Err(ApiError::NotFound("tracking link"));
    }
    // The route's plan holds the live ETAs (and says how near the drop is); read once.
    let route = match &detail.order.route_id {
        Some(r) if !detail.order.status.is_terminal() => {
            deps.store.get_route(&tenant, r).await.optional()?
        }
        _ => None,
    };
    let location = match (&route, tracking::shows_live_location(detail.order.status)) {
        (Some(r), true)
            // Only while this order's drop is within TRACKING_LIVE_STOPS of the route's
            // remaining stops: before that, the ETA only (crate::live::orders_near).
            if crate::live::orders_near(r, deps.config.tracking_live_stops)
                .contains(&detail.order.id) =>
        {
            deps.store.get_location(&tenant, &r.id).await?
        }
        _ => None,
    };
    let order = crate::dispatch::with_live_etas(detail.order.clone(), route.as_ref());
    let photo_url = match (&detail.pod, settings.show_pod_photo) {
        (
            Some(Pod {
                photo_key: Some(key),
                photo_version,
                ..
            }),
            true,
        ) => {
            // Signed from the start of the current 5-minute slot, so the URL (and the ETag)
            // stays the same for that long and caches keep working.
            let slot = now.unix_timestamp() - now.unix_timestamp().rem_euclid(300);
            let start = time::OffsetDateTime::from_unix_timestamp(slot).unwrap_or(now);
            Some(
                deps.pod_files()
                    .presign_get(key, photo_version.as_deref(), 900, start)
                    .await?,
            )
        }
        _ => None,
    };
    let view = tracking::tracking_view(
        &order,
        &detail.history,
        detail.pod.as_ref(),
        location.as_ref(),
        &settings,
        photo_url,
    );
    let body = serde_json::to_vec(&view).map_err(|e| ApiError::Internal(e.to_string()))?;
    let etag = {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(&body);
        format!(
            "\"{}\"",
            d.iter()
                .take(12)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    let cache = format!("public, max-age={}", deps.config.tracking_cache_secs);
    let matches = req
        .headers()
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let mut resp = if matches {
        Response::builder()
            .status(304)
            .body(Body::Empty)
            .map_err(|e| ApiError::Internal(e.to_string()))?
    } else {
        ok(&view)?
    };
    let h = resp.headers_mut();
    h.insert(
        "etag",
        etag.parse()
            .map_err(|_| ApiError::Internal("etag".into()))?,
    );
    h.insert(
        "cache-control",
        cache
            .parse()
            .map_err(|_| ApiError::Internal("cache".into()))?,
    );
    Ok(resp)
}
