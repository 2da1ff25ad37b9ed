//! DynamoDB stream (outbox Event inserts) -> WebSocket clients: order, POD and route events are
//! pushed to the ops consoles following the route, and order events (status only) to the
//! tracking pages of the order (at most LIVE_FANOUT_MAX connections per partition and event).
//! Best effort: live pushes are never retried (clients refetch
//! on reconnect); the webhook path has its own guarantees.

use std::sync::Arc;

use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use cargoflow_domain::{OrderId, RouteId, TenantId, time_util};
use cargoflow_store::keys;
use cargoflow_store::live::Channel;
use cargoflow_store::order_items::EventItem;
use serde_json::{Value, json};

use crate::Deps;

/// What a live client needs of an event.
#[derive(Debug, PartialEq)]
pub struct LiveEvent {
    pub event_type: String,
    pub order_id: Option<String>,
    pub route_id: Option<String>,
    pub status: Option<String>,
    pub at: String,
}

/// Reads an outbox event for the live channels (None: not one they show).
pub fn live_event(item: &EventItem) -> Option<LiveEvent> {
    let order_event = item.event_type.starts_with("order.") || item.event_type == "pod.created";
    let route_event = item.event_type.starts_with("route.") && item.event_type != "route.reminder";
    if !order_event && !route_event {
        return None;
    }
    let payload: Value = serde_json::from_str(&item.payload).ok()?;
    let subject = if order_event {
        &payload["order"]
    } else {
        &payload["route"]
    };
    let text = |v: &Value| v.as_str().map(str::to_string);
    Some(LiveEvent {
        event_type: item.event_type.clone(),
        order_id: order_event.then(|| text(&subject["id"])).flatten(),
        route_id: if order_event {
            text(&subject["route_id"])
        } else {
            text(&subject["id"])
        },
        status: text(&subject["status"]),
        at: time_util::rfc3339(item.created_at),
    })
}

pub async fn handle(deps: Arc<Deps>, event: Event) -> Result<DynamoDbEventResponse, String> {
    let now = time_util::now().unix_timestamp();
    let mut pushed = 0;
    for r in &event.records {
        if r.event_name != "INSERT" {
            continue;
        }
        let Ok(item) = serde_dynamo::from_item::<_, EventItem>(r.change.new_image.clone()) else {
            continue;
        };
        if item.entity_type != EventItem::TYPE {
            continue;
        }
        let Some(live) = live_event(&item) else {
            continue;
        };
        let tenant = TenantId::from_stored(item.tenant_id.clone());
        if let Some(route) = live.route_id.as_deref().and_then(RouteId::parse) {
            let partition = keys::ws_route_subscribers(&tenant, &route);
            match deps
                .store
                .ws_subscribers_at_most(&partition, now, deps.config.live_fanout_max)
                .await
            {
                Ok(subs) => {
                    let msg = json!({
                        "type": "event", "event_type": live.event_type, "route_id": live.route_id,
                        "order_id": live.order_id, "status": live.status, "at": live.at,
                    });
                    pushed += crate::live::fan_out(&deps, &subs, |s| {
                        (s.channel == Channel::OpsRoute).then(|| msg.clone())
                    })
                    .await;
                }
                Err(e) => tracing::warn!(error = %e, "route subscribers unavailable"),
            }
        }
        if let Some(order) = live.order_id.as_deref().and_then(OrderId::parse) {
            let partition = keys::ws_order_subscribers(&tenant, &order);
            match deps
                .store
                .ws_subscribers_at_most(&partition, now, deps.config.live_fanout_max)
                .await
            {
                Ok(subs) => {
                    let msg = json!({
                        "type": "event", "event_type": live.event_type,
                        "status": live.status, "at": live.at,
                    });
                    pushed += crate::live::fan_out(&deps, &subs, |_| Some(msg.clone())).await;
                }
                Err(e) => tracing::warn!(error = %e, "order subscribers unavailable"),
            }
        }
    }
    tracing::info!(records = event.records.len(), pushed, "live updates pushed");
    Ok(DynamoDbEventResponse::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargoflow_domain::*;

    fn item(e: &NewEvent) -> EventItem {
        EventItem::new(&TenantId::generate(), e)
    }

    #[test]
    fn reads_order_and_route_events_only() {
        let r = RouteId::generate();
        let o = OrderId::generate();
        let order_event = NewEvent {
            id: EventId::generate(),
            event_type: EventType::OrderStatusChanged,
            occurred_at: time_util::now(),
            payload: json!({"order": {"id": o, "route_id": r, "status": "IN_TRANSIT", "customer_name": "x"}}),
        };
        let live = live_event(&item(&order_event)).unwrap();
        assert_eq!(live.order_id.as_deref(), Some(o.as_str()));
        assert_eq!(live.route_id.as_deref(), Some(r.as_str()));
        assert_eq!(live.status.as_deref(), Some("IN_TRANSIT"));
        let route_event = NewEvent {
            event_type: EventType::RouteStarted,
            payload: json!({"route": {"id": r, "status": "IN_PROGRESS"}}),
            ..order_event.clone()
        };
        let live = live_event(&item(&route_event)).unwrap();
        assert_eq!(
            (live.order_id, live.route_id.as_deref()),
            (None, Some(r.as_str()))
        );
        let exception = NewEvent {
            event_type: EventType::ExceptionCreated,
            ..order_event
        };
        assert!(live_event(&item(&exception)).is_none());
    }
}
