//! WebSocket `$connect`: who may listen or send, recorded in DynamoDB. Browsers cannot set
//! headers on a WebSocket, so credentials come in the query string:
//! - `channel=driver&token=<driver access token>`: a driver sending locations;
//! - `channel=ops&route_id=<id>&token=<ops access token>`: an ops console following a route;
//! - `channel=tracking&tracking_token=<token>`: a customer's tracking page.
//!
//! The seed's paths (/ws/driver/location, /ws/ops/routes/{id}, /ws/tracking/{token}) map onto
//! these parameters (CloudFront function in AWS, the local host locally). Anything not allowed
//! answers 401/403/404 and API Gateway refuses the connection.

use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, NotFoundAs, Request, Response, no_content};
use cargoflow_store::keys;
use cargoflow_store::live::{Channel, WsConnection};
use lambda_http::RequestExt;

use crate::Deps;

/// The connection id API Gateway gave this WebSocket.
pub fn connection_id(req: &Request) -> Result<String, ApiError> {
    match req.request_context_ref() {
        Some(lambda_http::request::RequestContext::WebSocket(ctx)) => ctx.connection_id.clone(),
        _ => None,
    }
    .ok_or(ApiError::BadRequest {
        code: "not_websocket",
        message: "This function serves WebSocket events.".into(),
    })
}

fn param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_string)
}

async fn verify(
    deps: &Deps,
    req: &Request,
    scope: Scope,
) -> Result<cargoflow_auth::Identity, ApiError> {
    let token = param(req, "token").ok_or(ApiError::Unauthorized("token is required."))?;
    let identity = deps.auth.verify(&token).await?;
    if identity.role.scope() != scope {
        return Err(ApiError::Forbidden("This channel is not for this token."));
    }
    Ok(identity)
}

pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let id = connection_id(&req)?;
    let now = time_util::now();
    let mut c = WsConnection {
        connection_id: id,
        tenant_id: String::new(),
        channel: Channel::Driver,
        user_id: None,
        driver_id: None,
        route_id: None,
        order_id: None,
        subscriptions: vec![],
        connected_at: now,
    };
    // A tracking page's link marker: the connection is written only while it exists.
    let mut guard = None;
    match param(&req, "channel").as_deref() {
        Some("driver") => {
            let who = verify(&deps, &req, Scope::Driver).await?;
            let driver = who
                .driver_id
                .ok_or(ApiError::Forbidden("This token has no driver."))?;
            c.tenant_id = who.tenant_id.to_string();
            c.user_id = Some(who.user_id.to_string());
            c.driver_id = Some(driver.to_string());
            // Ending the user's access closes this socket (crate::revocation).
            c.subscriptions = vec![keys::ws_user_connections(&who.tenant_id, &who.user_id)];
        }
        Some("ops") => {
            let who = verify(&deps, &req, Scope::Ops).await?;
            let route_id = param(&req, "route_id")
                .and_then(|r| RouteId::parse(&r))
                .ok_or(ApiError::NotFound("route"))?;
            deps.store
                .get_route(&who.tenant_id, &route_id)
                .await
                .not_found_as("route")?;
            c.channel = Channel::OpsRoute;
            c.subscriptions = vec![
                keys::ws_route_subscribers(&who.tenant_id, &route_id),
                keys::ws_user_connections(&who.tenant_id, &who.user_id),
            ];
            c.tenant_id = who.tenant_id.to_string();
            c.user_id = Some(who.user_id.to_string());
            c.route_id = Some(route_id.to_string());
        }
        Some("tracking") => {
            let token = param(&req, "tracking_token")
                .and_then(|t| TrackingToken::parse(&t))
                .ok_or(ApiError::NotFound("tracking link"))?;
            let (tenant, order) = deps
                .store
                .find_order_by_tracking_token(&token)
                .await?
                .ok_or(ApiError::NotFound("tracking link"))?;
            let settings = deps.store.get_tracking_settings(&tenant).await?;
            if settings.expired(&order, now) {
                return Err(ApiError::NotFound("tracking link"));
            }
            c.channel = Channel::Tracking;
            // The order's partition only: events and (near its drop) locations reach it
            // there; the route's partition is the ops consoles'.
            let partition = keys::ws_order_subscribers(&tenant, &order.id);
            c.subscriptions = vec![partition.clone()];
            c.route_id = order.route_id.as_ref().map(ToString::to_string);
            c.tenant_id = tenant.to_string();
            c.order_id = Some(order.id.to_string());
            // At most TRACKING_SOCKETS_PER_LINK sockets: the oldest make room (a reloaded
            // page or a second device always gets in; a stale record cannot lock anyone out).
            let cap = deps.config.tracking_sockets_per_link;
            let open = deps
                .store
                .ws_subscribers_at_most(&partition, now.unix_timestamp(), cap + 8)
                .await?;
            let oldest = crate::live::oldest_over_cap(&open, cap);
            if !oldest.is_empty() {
                let closed = crate::live::close_connections(&deps, &oldest).await;
                tracing::info!(order_id = %order.id, closed, "oldest tracking sockets closed for a new one");
            }
            guard = Some(keys::tracking_marker(&token));
        }
        _ => {
            return Err(ApiError::field(
                "channel",
                "must be driver, ops or tracking",
            ));
        }
    }
    let ttl = now.unix_timestamp() + deps.config.websocket_connection_ttl_secs;
    if !deps
        .store
        .put_ws_connection_guarded(&c, ttl, guard.as_ref())
        .await?
    {
        // The link was revoked or rotated while connecting.
        return Err(ApiError::NotFound("tracking link"));
    }
    tracing::info!(connection_id = %c.connection_id, channel = ?c.channel, tenant_id = %c.tenant_id, "websocket connected");
    no_content()
}
