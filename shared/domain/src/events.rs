//! Domain events. Each is written as an outbox Event item in the same transaction as the
//! change it reports; its id is stable end to end (it becomes the webhook's `webhook-id`).
//! Payloads are documented in docs/API.md.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::exceptions::OrderException;
use crate::ids::*;
use crate::orders::{Order, StopId};
use crate::status_machine::{ActorType, OrderStatus};

id_type!(/// An event (and its outbox message).
    EventId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
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

    /// The type named `raw` (as stored and published), if it is one.
    pub fn parse(raw: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == raw)
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The EventBridge `source` of every CargoFlow event (the rule to the webhook queue matches it).
pub const EVENT_SOURCE: &str = "cargoflow";

/// An event as it leaves CargoFlow: the `detail` the relay publishes to EventBridge, the body
/// each webhook receiver gets (signed byte for byte as serialised here), and what the
/// dispatcher reads back off the queue. One type on both sides: the relay builds it from the
/// outbox item, the dispatcher deserialises the queue message ([`EventBridgeMessage`]) into it.
///
/// The JSON is `{"created_at","data","id","tenant_id","type"}`, in that order: the fields are
/// declared alphabetically because that is how the body has always gone out (it was a
/// `serde_json::Value`, whose objects sort their keys), so receivers see the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    /// When the change happened (RFC 3339, UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The event's payload (docs/API.md, Events).
    pub data: Value,
    /// Stable end to end: the webhook's `webhook-id`.
    pub id: EventId,
    pub tenant_id: TenantId,
    #[serde(rename = "type")]
    pub event_type: EventType,
}

impl EventEnvelope {
    /// The JSON text published and signed.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an envelope always serialises")
    }
}

/// An EventBridge event as its rule puts it on the webhook queue: the SQS message body, with
/// the envelope as `detail`. The dispatcher needs only `detail`; the rest is kept as sent (and
/// filled in when CargoFlow queues an event itself, for a replay).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBridgeMessage {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub id: String,
    #[serde(rename = "detail-type", default)]
    pub detail_type: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub account: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub time: Option<OffsetDateTime>,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub resources: Vec<String>,
    pub detail: EventEnvelope,
}

impl EventBridgeMessage {
    /// The message the rule would have queued for `detail`, as of `now` (`id` a fresh
    /// EventBridge event id).
    pub fn queued(detail: EventEnvelope, id: String, now: OffsetDateTime) -> Self {
        Self {
            version: "0".into(),
            id,
            detail_type: detail.event_type.as_str().into(),
            source: EVENT_SOURCE.into(),
            account: "000000000000".into(),
            time: Some(now),
            region: String::new(),
            resources: Vec::new(),
            detail,
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
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::from_value::<EventType>(Value::String(t.as_str().into())).unwrap(),
                t
            );
        }
        assert_eq!(EventType::parse("order.exploded"), None);
    }

    fn sample() -> EventEnvelope {
        EventEnvelope {
            created_at: crate::time_util::parse_rfc3339("2026-11-22T06:05:14.123456Z").unwrap(),
            data: json!({"order": {"id": "01JD8X0000000000000000000A", "status": "CANCELLED",
                "version": 2, "route_id": null}, "reason": "Customer cancelled", "to_status": "CANCELLED"}),
            id: EventId::from_stored("01JD8X0000000000000000000E"),
            tenant_id: TenantId::from_stored("01JD8X0000000000000000000T"),
            event_type: EventType::OrderCancelled,
        }
    }

    #[test]
    fn envelope_json_is_exactly_the_published_shape() {
        let e = sample();
        let text = e.to_json();
        assert_eq!(
            text,
            concat!(
                r#"{"created_at":"2026-11-22T06:05:14.123456Z","#,
                r#""data":{"order":{"id":"01JD8X0000000000000000000A","route_id":null,"status":"CANCELLED","version":2},"#,
                r#""reason":"Customer cancelled","to_status":"CANCELLED"},"#,
                r#""id":"01JD8X0000000000000000000E","tenant_id":"01JD8X0000000000000000000T","type":"order.cancelled"}"#
            )
        );
        // Byte for byte what the relay published (and receivers verified) before the envelope
        // was a type: a JSON value built from the same fields.
        let before = json!({
            "id": "01JD8X0000000000000000000E",
            "type": "order.cancelled",
            "tenant_id": "01JD8X0000000000000000000T",
            "created_at": crate::time_util::rfc3339(e.created_at),
            "data": e.data,
        })
        .to_string();
        assert_eq!(text, before);
    }

    #[test]
    fn envelope_round_trips() {
        let e = sample();
        let back: EventEnvelope = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.to_json(), e.to_json());
        // Whole seconds keep their short form.
        let mut whole = sample();
        whole.created_at = crate::time_util::parse_rfc3339("2026-11-22T00:00:00Z").unwrap();
        assert!(
            whole
                .to_json()
                .starts_with(r#"{"created_at":"2026-11-22T00:00:00Z","#)
        );
        // Unknown event types and missing fields are not envelopes.
        let mut v: Value = serde_json::from_str(&e.to_json()).unwrap();
        v["type"] = json!("order.exploded");
        assert!(serde_json::from_value::<EventEnvelope>(v).is_err());
        let mut v: Value = serde_json::from_str(&e.to_json()).unwrap();
        v.as_object_mut().unwrap().remove("tenant_id");
        assert!(serde_json::from_value::<EventEnvelope>(v).is_err());
    }

    #[test]
    fn queue_messages_carry_the_envelope() {
        let e = sample();
        let now = crate::time_util::parse_rfc3339("2026-11-22T06:05:15Z").unwrap();
        let m = EventBridgeMessage::queued(e.clone(), "01JD8X0000000000000000000M".into(), now);
        let v: Value = serde_json::to_value(&m).unwrap();
        assert_eq!(v["detail-type"], "order.cancelled");
        assert_eq!(v["source"], EVENT_SOURCE);
        assert_eq!(v["time"], "2026-11-22T06:05:15Z");
        assert_eq!(v["detail"], serde_json::to_value(&e).unwrap());
        let back: EventBridgeMessage = serde_json::from_value(v).unwrap();
        assert_eq!(back, m);
        // What EventBridge delivers has more than the dispatcher reads; what a test or an
        // older replay queued may have less: only `detail` is needed.
        let minimal: EventBridgeMessage = serde_json::from_value(json!({
            "version": "0", "id": "x", "source": "cargoflow", "detail-type": "order.cancelled",
            "replay-name": "r", "detail": serde_json::to_value(&e).unwrap(),
        }))
        .unwrap();
        assert_eq!(minimal.detail, e);
        assert!(
            serde_json::from_value::<EventBridgeMessage>(json!({"source": "cargoflow"})).is_err()
        );
    }
}
