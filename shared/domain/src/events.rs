//! Domain events. Each is written as an outbox Event item in the same transaction as the
//! change it reports; its id is stable end to end (it becomes the webhook's `webhook-id`).
//! Payloads are documented in docs/API.md.

use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::exceptions::OrderException;
use crate::ids::*;
use crate::orders::{Order, StopId};
use crate::status_machine::{ActorType, OrderStatus};

id_type!(/// An event (and its outbox message).
    EventId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
pub enum EventType {
    #[serde(rename = "order.created")]
    OrderCreated,
    #[serde(rename = "order.updated")]
    OrderUpdated,
    #[serde(rename = "order.status_changed")]
    OrderStatusChanged,
    #[serde(rename = "order.cancelled")]
    OrderCancelled,
    #[serde(rename = "exception.created")]
    ExceptionCreated,
    #[serde(rename = "exception.acknowledged")]
    ExceptionAcknowledged,
    #[serde(rename = "exception.resolved")]
    ExceptionResolved,
    #[serde(rename = "order.assigned")]
    OrderAssigned,
    #[serde(rename = "order.reassigned")]
    OrderReassigned,
    #[serde(rename = "route.created")]
    RouteCreated,
    #[serde(rename = "route.updated")]
    RouteUpdated,
    #[serde(rename = "route.started")]
    RouteStarted,
    #[serde(rename = "route.completed")]
    RouteCompleted,
    #[serde(rename = "route.cancelled")]
    RouteCancelled,
    #[serde(rename = "route.reminder")]
    RouteReminder,
    #[serde(rename = "pod.created")]
    PodCreated,
}

impl EventType {
    pub const ALL: [EventType; 16] = [
        EventType::OrderCreated,
        EventType::OrderUpdated,
        EventType::OrderStatusChanged,
        EventType::OrderCancelled,
        EventType::ExceptionCreated,
        EventType::ExceptionAcknowledged,
        EventType::ExceptionResolved,
        EventType::OrderAssigned,
        EventType::OrderReassigned,
        EventType::RouteCreated,
        EventType::RouteUpdated,
        EventType::RouteStarted,
        EventType::RouteCompleted,
        EventType::RouteCancelled,
        EventType::RouteReminder,
        EventType::PodCreated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderCreated => "order.created",
            EventType::OrderUpdated => "order.updated",
            EventType::OrderStatusChanged => "order.status_changed",
            EventType::OrderCancelled => "order.cancelled",
            EventType::ExceptionCreated => "exception.created",
            EventType::ExceptionAcknowledged => "exception.acknowledged",
            EventType::ExceptionResolved => "exception.resolved",
            EventType::OrderAssigned => "order.assigned",
            EventType::OrderReassigned => "order.reassigned",
            EventType::RouteCreated => "route.created",
            EventType::RouteUpdated => "route.updated",
            EventType::RouteStarted => "route.started",
            EventType::RouteCompleted => "route.completed",
            EventType::RouteCancelled => "route.cancelled",
            EventType::RouteReminder => "route.reminder",
            EventType::PodCreated => "pod.created",
        }
    }
}

/// An event about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub id: EventId,
    pub event_type: EventType,
    pub occurred_at: OffsetDateTime,
    pub payload: Value,
}

impl NewEvent {
    fn new(event_type: EventType, occurred_at: OffsetDateTime, payload: Value) -> Self {
        Self {
            id: EventId::generate(),
            event_type,
            occurred_at,
            payload,
        }
    }
}

/// The part of an order every order event carries.
pub fn order_summary(o: &Order) -> Value {
    json!({
        "id": o.id,
        "reference_code": o.reference_code,
        "status": o.status,
        "customer_name": o.customer_name,
        "tracking_token": o.tracking_token,
        "route_id": o.route_id,
        "driver_id": o.driver_id,
        "version": o.version,
    })
}

pub fn order_created(o: &Order) -> NewEvent {
    NewEvent::new(
        EventType::OrderCreated,
        o.created_at,
        json!({ "order": order_summary(o), "stops": o.stops.len() }),
    )
}

/// The POD written with the DELIVERED move (the files are not in the payload: ops fetch
/// them through GET /api/ops/orders/{id}/pod).
pub fn pod_created(o: &Order, pod: &crate::pod::Pod) -> NewEvent {
    NewEvent::new(
        EventType::PodCreated,
        pod.delivered_at,
        json!({
            "order": order_summary(o),
            "pod": crate::pod::PodSummary::from(pod),
        }),
    )
}

pub fn order_updated(o: &Order, changed: &[&str]) -> NewEvent {
    NewEvent::new(
        EventType::OrderUpdated,
        o.updated_at,
        json!({ "order": order_summary(o), "changed": changed }),
    )
}

/// The order after the move, where it came from, who made it.
pub fn order_status_changed(
    o: &Order,
    from: OrderStatus,
    actor: ActorType,
    actor_user: Option<&UserId>,
    stop: Option<&StopId>,
    reason: Option<&str>,
) -> NewEvent {
    let event_type = if o.status == OrderStatus::Cancelled {
        EventType::OrderCancelled
    } else {
        EventType::OrderStatusChanged
    };
    NewEvent::new(
        event_type,
        o.updated_at,
        json!({
            "order": order_summary(o),
            "from_status": from,
            "to_status": o.status,
            "actor_type": actor,
            "actor_user_id": actor_user,
            "stop_id": stop,
            "reason": reason,
        }),
    )
}

/// A status move with an explicit event type (`order.assigned` for CREATED -> ASSIGNED).
pub fn order_moved(
    event_type: EventType,
    o: &Order,
    from: OrderStatus,
    actor: ActorType,
    actor_user: Option<&UserId>,
    extra: Value,
) -> NewEvent {
    let mut payload = json!({
        "order": order_summary(o),
        "from_status": from,
        "to_status": o.status,
        "actor_type": actor,
        "actor_user_id": actor_user,
    });
    if let (Some(p), Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    NewEvent::new(event_type, o.updated_at, payload)
}

pub fn route_summary(r: &crate::routes::Route) -> Value {
    json!({
        "id": r.id,
        "route_date": r.route_date.to_string(),
        "driver_id": r.driver_id,
        "vehicle_id": r.vehicle_id,
        "status": r.status,
        "order_ids": r.order_ids,
        "stops": r.stops.len(),
        "total_distance_m": r.total_distance_m.round(),
        "start_time": r.start_time.map(crate::time_util::rfc3339),
        "version": r.version,
    })
}

pub fn route_event(
    event_type: EventType,
    r: &crate::routes::Route,
    at: OffsetDateTime,
) -> NewEvent {
    NewEvent::new(event_type, at, json!({ "route": route_summary(r) }))
}

pub fn exception_event(event_type: EventType, e: &OrderException, at: OffsetDateTime) -> NewEvent {
    NewEvent::new(event_type, at, json!({ "exception": e }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for t in EventType::ALL {
            assert_eq!(
                serde_json::to_value(t).unwrap(),
                serde_json::Value::String(t.as_str().into())
            );
        }
    }
}
