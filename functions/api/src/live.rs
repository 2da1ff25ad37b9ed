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
/// when its order is on its way).
pub fn location_message(
    sub: &WsSubscriber,
    location: &LiveLocation,
    on_the_way: &[OrderId],
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
            on_the_way.iter().any(|o| o.as_str() == order).then(|| {
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
}
