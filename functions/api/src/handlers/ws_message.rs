//! WebSocket `$default`: a driver's location `{route_id, lat, lng, accuracy?, heading?, speed?}`
//! (an `action` field is ignored). Only the latest location of a route is stored, at most one
//! per LOCATION_MIN_INTERVAL_MS (the conditional write is the rate limit); it is pushed to the
//! route's ops consoles and, rounded, to the tracking pages of the orders whose drop is within
//! TRACKING_LIVE_STOPS of the remaining stops (bounded: [`location_subscribers`]); the
//! route's ETAs are recomputed from it at most every ETA_REFRESH_SECS. The answer goes back on
//! the socket: `{"type":"ack"}` or `{"type":"error","reason",...}`.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, body_bytes, ok};
use cargoflow_store::keys;
use cargoflow_store::live::Channel;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Deps;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationMessage {
    #[serde(default)]
    #[allow(dead_code)]
    action: Option<String>,
    route_id: String,
    lat: f64,
    lng: f64,
    accuracy: Option<f64>,
    heading: Option<f64>,
    speed: Option<f64>,
}

fn error(reason: &str, retry_after_ms: Option<i64>) -> Value {
    json!({ "type": "error", "reason": reason, "retry_after_ms": retry_after_ms })
}

pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let id = crate::ws_connect::connection_id(&req)?;
    ok(&receive(&deps, &id, body_bytes(&req)).await?)
}

async fn receive(deps: &Deps, connection: &str, body: &[u8]) -> Result<Value, ApiError> {
    let Some(conn) = deps.store.get_ws_connection(connection).await? else {
        return Ok(error("unknown connection: reconnect", None));
    };
    let (Channel::Driver, Some(driver)) = (conn.channel, conn.driver_id.as_deref()) else {
        return Ok(error("only driver connections send locations", None));
    };
    if body.len() > 1024 {
        return Ok(error("message too large", None));
    }
    let msg: LocationMessage = match serde_json::from_slice(body) {
        Ok(m) => m,
        Err(e) => {
            return Ok(error(
                &format!("expected {{route_id, lat, lng}}: {e}"),
                None,
            ));
        }
    };
    if let Err((field, reason)) = LiveLocation::check_coordinates(msg.lat, msg.lng) {
        return Ok(error(&format!("{field} {reason}"), None));
    }
    let tenant = TenantId::from_stored(conn.tenant_id.clone());
    let Some(route_id) = RouteId::parse(&msg.route_id) else {
        return Ok(error("unknown route", None));
    };
    let route = match deps.store.get_route(&tenant, &route_id).await {
        Ok(r) if r.driver_id.as_str() == driver => r,
        Ok(_) | Err(cargoflow_store::StoreError::NotFound) => {
            return Ok(error("unknown route", None));
        }
        Err(e) => return Err(e.into()),
    };
    if route.status != RouteStatus::InProgress {
        return Ok(error("the route is not in progress", None));
    }
    let now = time_util::now();
    let location = LiveLocation {
        route_id: route.id.clone(),
        driver_id: route.driver_id.clone(),
        lat: msg.lat,
        lng: msg.lng,
        accuracy_m: msg.accuracy.filter(|v| v.is_finite() && *v >= 0.0),
        heading: msg.heading.filter(|v| v.is_finite()),
        speed_mps: msg.speed.filter(|v| v.is_finite() && *v >= 0.0),
        at: now,
    };
    let interval = deps.config.location_min_interval_ms;
    if !deps
        .store
        .put_location(&tenant, &location, interval)
        .await?
    {
        return Ok(error("rate_limited", Some(interval)));
    }
    let subscribers = location_subscribers(deps, &tenant, &route, now.unix_timestamp()).await?;
    let near = crate::live::orders_near(&route, deps.config.tracking_live_stops);
    let pushed = crate::live::fan_out(deps, &subscribers, |s| {
        crate::live::location_message(s, &location, &near)
    })
    .await;
    if (now - route.updated_at).whole_seconds() >= deps.config.eta_refresh_secs
        && let Err(e) = refresh_etas(deps, &tenant, &route.id, &location, now).await
    {
        tracing::info!(route_id = %route.id, error = ?e, "ETA refresh skipped");
    }
    Ok(json!({ "type": "ack", "at": time_util::rfc3339(now), "pushed": pushed }))
}

/// Who one location update reaches, bounded: the route's ops consoles, and the tracking pages
/// of the orders whose drop is within TRACKING_LIVE_STOPS (each order's partition holds at most
/// TRACKING_SOCKETS_PER_LINK sockets); at most LIVE_FANOUT_MAX in all. The work per update is
/// then one Query for the consoles plus one per near order (TRACKING_LIVE_STOPS of them at
/// most), and at most LIVE_FANOUT_MAX PostToConnection calls, however many pages follow the
/// route's other orders.
async fn location_subscribers(
    deps: &Deps,
    tenant: &TenantId,
    route: &Route,
    now: i64,
) -> Result<Vec<cargoflow_store::live::WsSubscriber>, ApiError> {
    let max = deps.config.live_fanout_max;
    let mut out: Vec<_> = deps
        .store
        .ws_subscribers_at_most(&keys::ws_route_subscribers(tenant, &route.id), now, max)
        .await?
        .into_iter()
        // Tracking pages connected before they subscribed by order only are reached there.
        .filter(|s| s.channel == Channel::OpsRoute)
        .collect();
    for order in crate::live::orders_near(route, deps.config.tracking_live_stops) {
        if out.len() >= max {
            break;
        }
        let partition = keys::ws_order_subscribers(tenant, &order);
        let left = max - out.len();
        out.extend(
            deps.store
                .ws_subscribers_at_most(&partition, now, left)
                .await?
                .into_iter()
                .filter(|s| s.channel == Channel::Tracking),
        );
    }
    out.truncate(max);
    Ok(out)
}

/// Recomputes the route's pending ETAs from the driver's position (the route and
/// route.updated in one transaction: orders take live ETAs from the route). A concurrent change
/// wins; the next fix retries.
pub async fn refresh_etas(
    deps: &Deps,
    tenant: &TenantId,
    route_id: &RouteId,
    location: &LiveLocation,
    now: time::OffsetDateTime,
) -> Result<(), ApiError> {
    let route = crate::dispatch::load_route(deps, tenant, route_id).await?;
    let mut ctx = crate::dispatch::ctx(deps, cargoflow_domain::dispatch::Actor::system());
    ctx.now = now;
    match cargoflow_domain::dispatch::refresh_etas(&route, (location.lat, location.lng), &ctx) {
        Some(change) => crate::dispatch::apply(deps, tenant, &change, &ctx).await,
        None => Ok(()),
    }
}
