//! Pushing to WebSocket clients through the API Gateway management API (PostToConnection),
//! and the messages they receive. A connection that is gone (410) is forgotten on the spot;
//! the rest expire with their TTL or leave on $disconnect.

use cargoflow_domain::tracking::round_coordinate;
use cargoflow_domain::*;
use cargoflow_store::live::{Channel, WsSubscriber};
use serde_json::{Value, json};

use crate::Deps;

pub struct Pusher {
    client: Option<aws_sdk_apigatewaymanagement::Client>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Pushed {
    Sent,
    Gone,
    Failed,
}

impl Pusher {
    /// A client for the management endpoint `url` (none configured: pushes are skipped
    /// with a warning).
    pub fn new(
        sdk: &cargoflow_aws::SdkConfig,
        interceptors: &[cargoflow_aws::SharedInterceptor],
        url: String,
    ) -> Self {
        if url.is_empty() {
            tracing::warn!("WEBSOCKET_MANAGEMENT_URL is not set: live updates are not pushed");
            return Self { client: None };
        }
        let mut builder = aws_sdk_apigatewaymanagement::config::Builder::from(sdk);
        for i in interceptors {
            builder.push_interceptor(i.clone());
        }
        Self {
            client: Some(aws_sdk_apigatewaymanagement::Client::from_conf(
                builder.endpoint_url(url).build(),
            )),
        }
    }

    pub async fn post(&self, connection_id: &str, message: &Value) -> Pushed {
        let Some(client) = &self.client else {
            return Pushed::Failed;
        };
        match client
            .post_to_connection()
            .connection_id(connection_id)
            .data(aws_sdk_apigatewaymanagement::primitives::Blob::new(
                message.to_string().into_bytes(),
            ))
            .send()
            .await
        {
            Ok(_) => Pushed::Sent,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_gone_exception()) => Pushed::Gone,
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 410) => Pushed::Gone,
            Err(e) => {
                tracing::warn!(connection_id, error = ?e, "PostToConnection failed");
                Pushed::Failed
            }
        }
    }

    /// Closes a connection (DeleteConnection); one already gone counts as closed. API Gateway
    /// then sends `$disconnect`, which deletes its items.
    pub async fn close(&self, connection_id: &str) -> Pushed {
        let Some(client) = &self.client else {
            return Pushed::Failed;
        };
        match client
            .delete_connection()
            .connection_id(connection_id)
            .send()
            .await
        {
            Ok(_) => Pushed::Sent,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_gone_exception()) => Pushed::Gone,
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 410) => Pushed::Gone,
            Err(e) => {
                tracing::warn!(connection_id, error = ?e, "DeleteConnection failed");
                Pushed::Failed
            }
        }
    }
}

/// Sends each subscriber its message (`None`: nothing for this one), concurrently; forgets the
/// connections that are gone. Returns how many were sent.
pub async fn fan_out(
    deps: &Deps,
    subscribers: &[WsSubscriber],
    message_for: impl Fn(&WsSubscriber) -> Option<Value>,
) -> usize {
    let pusher = deps.pusher().await;
    let sends = subscribers.iter().filter_map(|s| {
        message_for(s).map(|m| async move { (s, pusher.post(&s.connection_id, &m).await) })
    });
    let results = futures::future::join_all(sends).await;
    let mut sent = 0;
    for (sub, result) in results {
        match result {
            Pushed::Sent => sent += 1,
            Pushed::Gone => {
                if let Err(e) = deps.store.delete_ws_connection(&sub.connection_id).await {
                    tracing::warn!(error = %e, "forgetting a gone connection failed");
                }
            }
            Pushed::Failed => {}
        }
    }
    sent
}

/// Closes connections (DeleteConnection; a gone one counts as closed) and deletes their
/// connection and subscriber items at once, without waiting for `$disconnect`. Returns how
/// many were closed; failures are logged (the items are deleted regardless, so no push
/// reaches them again).
pub async fn close_connections(deps: &Deps, connection_ids: &[String]) -> usize {
    let pusher = deps.pusher().await;
    let closes = connection_ids.iter().map(|id| async move {
        let closed = matches!(pusher.close(id).await, Pushed::Sent | Pushed::Gone);
        if let Err(e) = deps.store.delete_ws_connection(id).await {
            tracing::warn!(connection_id = %id, error = %e, "deleting a closed socket's items failed");
        }
        closed
    });
    futures::future::join_all(closes)
        .await
        .into_iter()
        .filter(|c| *c)
        .count()
}

/// The tracking sockets to close so that one more fits under `cap` per link: the oldest
/// first (`subscribers` are one order's tracking subscribers).
pub fn oldest_over_cap(subscribers: &[WsSubscriber], cap: usize) -> Vec<String> {
    let mut subs: Vec<&WsSubscriber> = subscribers
        .iter()
        .filter(|s| s.channel == Channel::Tracking)
        .collect();
    let excess = (subs.len() + 1).saturating_sub(cap.max(1));
    subs.sort_by_key(|s| (s.connected_at_ms, s.ttl, s.connection_id.clone()));
    subs.into_iter()
        .take(excess)
        .map(|s| s.connection_id.clone())
        .collect()
}

/// The orders of a route whose tracking pages may see the driver's position: on their way
/// (picked up, not dropped) and with their drop among the next `within_stops` of the route's
/// remaining stops (pending or arrived, in driving order). Before that, a tracking page gets
/// the ETA only, so a link holder cannot follow the driver through other customers' stops.
pub fn orders_near(route: &Route, within_stops: usize) -> Vec<OrderId> {
    let on_the_way = orders_on_the_way(route);
    let mut out: Vec<OrderId> = Vec::new();
    for s in route
        .stops
        .iter()
        .filter(|s| matches!(s.status, StopStatus::Pending | StopStatus::Arrived))
        .take(within_stops)
    {
        if s.stop_type == StopType::Drop
            && on_the_way.contains(&s.order_id)
            && !out.contains(&s.order_id)
        {
            out.push(s.order_id.clone());
        }
    }
    out
}

/// Which orders of a route are on their way (picked up, not yet dropped), by the route's
/// copy of the stop statuses.
pub fn orders_on_the_way(route: &Route) -> Vec<OrderId> {
    let mut out = Vec::new();
    for id in &route.order_ids {
        let stops: Vec<&RouteStop> = route.stops.iter().filter(|s| &s.order_id == id).collect();
        let picked = stops
            .iter()
            .any(|s| s.stop_type == StopType::Pickup && s.status == StopStatus::Completed);
        let dropped = stops
            .iter()
            .filter(|s| s.stop_type == StopType::Drop)
            .all(|s| s.status != StopStatus::Pending);
        if picked && !dropped {
            out.push(id.clone());
        }
    }
    out
}

/// The location message for an ops console (exact) or a tracking page (rounded, and only
/// when its order is among `near`: [`orders_near`]).
pub fn location_message(
    sub: &WsSubscriber,
    location: &LiveLocation,
    near: &[OrderId],
) -> Option<Value> {
    match sub.channel {
        Channel::OpsRoute => Some(json!({
            "type": "location",
            "route_id": location.route_id,
            "lat": location.lat,
            "lng": location.lng,
            "heading": location.heading,
            "speed_mps": location.speed_mps,
            "at": time_util::rfc3339(location.at),
        })),
        Channel::Tracking => {
            let order = sub.order_id.as_deref()?;
            near.iter().any(|o| o.as_str() == order).then(|| {
                json!({
                    "type": "location",
                    "lat": round_coordinate(location.lat),
                    "lng": round_coordinate(location.lng),
                    "at": time_util::rfc3339(location.at),
                })
            })
        }
        Channel::Driver => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(channel: Channel, order: Option<&str>) -> WsSubscriber {
        WsSubscriber {
            pk: "p".into(),
            sk: "s".into(),
            entity_type: "WS_SUBSCRIBER".into(),
            connection_id: "c".into(),
            channel,
            order_id: order.map(str::to_string),
            ttl: 0,
            connected_at_ms: 0,
        }
    }

    #[test]
    fn tracking_pages_get_rounded_locations_of_their_order_only() {
        let loc = LiveLocation {
            route_id: RouteId::generate(),
            driver_id: DriverId::generate(),
            lat: 12.971234,
            lng: 77.650987,
            accuracy_m: None,
            heading: None,
            speed_mps: None,
            at: time_util::now(),
        };
        let mine = OrderId::generate();
        let ops = location_message(&sub(Channel::OpsRoute, None), &loc, &[]).unwrap();
        assert_eq!(ops["lat"], 12.971234);
        let t = location_message(
            &sub(Channel::Tracking, Some(mine.as_str())),
            &loc,
            std::slice::from_ref(&mine),
        )
        .unwrap();
        assert_eq!(
            (t["lat"].as_f64(), t["lng"].as_f64()),
            (Some(12.971), Some(77.651))
        );
        assert!(t.get("route_id").is_none());
        assert!(
            location_message(&sub(Channel::Tracking, Some(mine.as_str())), &loc, &[]).is_none()
        );
        assert!(location_message(&sub(Channel::Driver, None), &loc, &[mine]).is_none());
    }

    /// A route of three orders picked up A, B, C, then dropped A, B, C.
    fn route(stops: &[(usize, StopType, StopStatus)], orders: &[OrderId]) -> Route {
        let stops: Vec<serde_json::Value> = stops
            .iter()
            .map(|(o, t, st)| {
                json!({"stop_id": StopId::generate(), "order_id": orders[*o], "type": t,
                       "address_line": "x", "city": "c", "lat": null, "lng": null, "status": st})
            })
            .collect();
        let now = time_util::rfc3339(time_util::now());
        serde_json::from_value(json!({
            "id": RouteId::generate(), "route_date": "2026-12-03", "driver_id": DriverId::generate(),
            "vehicle_id": VehicleId::generate(), "status": "IN_PROGRESS", "order_ids": orders,
            "stops": stops, "total_distance_m": 0.0, "total_weight_kg": 0.0, "optimized": false,
            "unmet_windows": [], "created_at": now, "updated_at": now, "version": 1,
        }))
        .unwrap()
    }

    #[test]
    fn the_position_shows_only_while_the_drop_is_within_the_next_stops() {
        use StopStatus::*;
        use StopType::*;
        let o: Vec<OrderId> = (0..3).map(|_| OrderId::generate()).collect();
        let plan = |p: [StopStatus; 3], d: [StopStatus; 3]| {
            route(
                &[
                    (0, Pickup, p[0]),
                    (1, Pickup, p[1]),
                    (2, Pickup, p[2]),
                    (0, Drop, d[0]),
                    (1, Drop, d[1]),
                    (2, Drop, d[2]),
                ],
                &o,
            )
        };
        // Everything picked up: only A's drop is next.
        let r = plan([Completed; 3], [Pending; 3]);
        assert_eq!(orders_near(&r, 1), vec![o[0].clone()]);
        assert_eq!(orders_near(&r, 2), vec![o[0].clone(), o[1].clone()]);
        assert_eq!(orders_on_the_way(&r).len(), 3, "all three are on their way");
        // The driver is at A's door (arrived): A's stop is still the next one, so not B; A
        // itself is no longer "on its way" (its drop is reached). Then A delivered: B is next.
        let r = plan([Completed; 3], [Arrived, Pending, Pending]);
        assert!(orders_near(&r, 1).is_empty());
        assert_eq!(orders_near(&r, 2), vec![o[1].clone()]);
        let r = plan([Completed; 3], [Completed, Pending, Pending]);
        assert_eq!(orders_near(&r, 1), vec![o[1].clone()]);
        // A failed drop is not a remaining stop either.
        let r = plan([Completed; 3], [Completed, Failed, Pending]);
        assert_eq!(orders_near(&r, 1), vec![o[2].clone()]);
        // Still collecting C: nobody's drop is next (C's pickup is).
        let r = plan([Completed, Completed, Pending], [Pending; 3]);
        assert!(orders_near(&r, 1).is_empty());
        // With 2 stops: C's pickup then A's drop.
        assert_eq!(orders_near(&r, 2), vec![o[0].clone()]);
        assert!(orders_near(&r, 0).is_empty());
    }

    #[test]
    fn the_oldest_tracking_sockets_make_room() {
        let mut subs: Vec<WsSubscriber> = (0..4)
            .map(|i| WsSubscriber {
                connection_id: format!("c{i}"),
                ttl: 7200,
                connected_at_ms: 100 - i,
                ..sub(Channel::Tracking, Some("o"))
            })
            .collect();
        // Four open, three allowed: two make room for the new one, the oldest first.
        assert_eq!(oldest_over_cap(&subs, 3), vec!["c3", "c2"]);
        assert!(oldest_over_cap(&subs[..2], 3).is_empty());
        assert_eq!(oldest_over_cap(&subs[..3], 3), vec!["c2"]);
        subs[0].channel = Channel::OpsRoute;
        assert_eq!(oldest_over_cap(&subs, 3), vec!["c3"]);
    }
}
