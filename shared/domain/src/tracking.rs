//! The public tracking page's view of an order, and the live location of a route.
//!
//! The view is built field by field from an allowlist: nothing reaches the customer unless it
//! is named here (no notes, phones, contact names, addresses, tenant, user or driver ids).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::*;
use crate::orders::{Order, RouteId, StatusHistoryEntry, StopStatus, StopType};
use crate::pod::Pod;
use crate::status_machine::OrderStatus;

/// A tenant's tracking-page settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrackingSettings {
    /// Show the POD photo on the public page once delivered (default false).
    pub show_pod_photo: bool,
    /// A tracking link stops working this many days after the order ends (1 to 90; default 7).
    pub link_expiry_days: u32,
}

impl Default for TrackingSettings {
    fn default() -> Self {
        Self {
            show_pod_photo: false,
            link_expiry_days: 7,
        }
    }
}

impl TrackingSettings {
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        if !(1..=90).contains(&self.link_expiry_days) {
            return Err(("link_expiry_days", "must be between 1 and 90"));
        }
        Ok(())
    }

    /// Has the link of this order expired at `now`? Only ended orders expire, counted from
    /// their last change (the end, or a later rotation of the link).
    pub fn expired(&self, order: &Order, now: OffsetDateTime) -> bool {
        order.status.is_terminal()
            && now - order.updated_at > time::Duration::days(i64::from(self.link_expiry_days))
    }
}

/// The latest position a driver sent for a route (only the latest is kept).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LiveLocation {
    pub route_id: RouteId,
    pub driver_id: DriverId,
    pub lat: f64,
    pub lng: f64,
    pub accuracy_m: Option<f64>,
    pub heading: Option<f64>,
    pub speed_mps: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl LiveLocation {
    /// Checks a fix the driver sent.
    pub fn check_coordinates(lat: f64, lng: f64) -> Result<(), (&'static str, &'static str)> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(("lat", "must be a latitude between -90 and 90"));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(("lng", "must be a longitude between -180 and 180"));
        }
        Ok(())
    }
}

/// Three decimals: about 110 m, enough for a map and not a doorstep.
pub fn round_coordinate(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// The order moves the customer sees their driver on the map.
pub fn shows_live_location(status: OrderStatus) -> bool {
    matches!(status, OrderStatus::PickedUp | OrderStatus::InTransit)
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackingStop {
    #[serde(rename = "type")]
    pub stop_type: StopType,
    pub city: String,
    pub status: StopStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub eta: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub arrived_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackingLocation {
    pub lat: f64,
    pub lng: f64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackingPod {
    pub receiver_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub delivered_at: OffsetDateTime,
    /// A short-lived link to the photo, only when the company shows POD photos.
    pub photo_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackingStatusEntry {
    pub status: OrderStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// GET /api/tracking/{token}: everything the customer sees, and nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TrackingView {
    pub status: OrderStatus,
    /// The expected arrival at the next drop (or the last drop's).
    #[serde(with = "time::serde::rfc3339::option")]
    pub eta: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub last_update: OffsetDateTime,
    pub stops: Vec<TrackingStop>,
    pub live_location: Option<TrackingLocation>,
    pub pod: Option<TrackingPod>,
    pub history: Vec<TrackingStatusEntry>,
}

/// Every field path the public view may hold (array items as `[]`): the allowlist the tests
/// hold [`TrackingView`]'s JSON to.
pub const VIEW_FIELDS: &[&str] = &[
    "status",
    "eta",
    "last_update",
    "stops",
    "stops[].type",
    "stops[].city",
    "stops[].status",
    "stops[].eta",
    "stops[].arrived_at",
    "stops[].completed_at",
    "live_location",
    "live_location.lat",
    "live_location.lng",
    "live_location.at",
    "pod",
    "pod.receiver_name",
    "pod.delivered_at",
    "pod.photo_url",
    "history",
    "history[].status",
    "history[].at",
];

/// Every key path of a JSON document (array items as `[]`), to compare with [`VIEW_FIELDS`].
pub fn json_paths(v: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.push(p.clone());
                    walk(v, &p, out);
                }
            }
            serde_json::Value::Array(a) => {
                for v in a {
                    walk(v, &format!("{prefix}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// Builds the public view. `location` is ignored unless the order is on its way;
/// `photo_url` is used only when the tenant shows POD photos.
pub fn tracking_view(
    order: &Order,
    history: &[StatusHistoryEntry],
    pod: Option<&Pod>,
    location: Option<&LiveLocation>,
    settings: &TrackingSettings,
    photo_url: Option<String>,
) -> TrackingView {
    let stops: Vec<TrackingStop> = order
        .stops
        .iter()
        .map(|s| TrackingStop {
            stop_type: s.stop_type,
            city: s.city.clone(),
            status: s.status,
            eta: s.scheduled_eta,
            arrived_at: s.actual_arrival_time,
            completed_at: s.completed_at,
        })
        .collect();
    let drops = || order.stops.iter().filter(|s| s.stop_type == StopType::Drop);
    let eta = if order.status.is_terminal() {
        None
    } else {
        drops()
            .find(|s| s.status == StopStatus::Pending)
            .or_else(|| drops().next_back())
            .and_then(|s| s.scheduled_eta)
    };
    let live_location = location
        .filter(|_| shows_live_location(order.status))
        .filter(|l| order.route_id.as_ref() == Some(&l.route_id))
        .map(|l| TrackingLocation {
            lat: round_coordinate(l.lat),
            lng: round_coordinate(l.lng),
            at: l.at,
        });
    let pod = pod
        .filter(|_| order.status == OrderStatus::Delivered)
        .map(|p| TrackingPod {
            receiver_name: p.receiver_name.clone(),
            delivered_at: p.delivered_at,
            photo_url: photo_url.filter(|_| settings.show_pod_photo && p.photo_key.is_some()),
        });
    let mut last_update = order.updated_at;
    if let Some(l) = &live_location {
        last_update = last_update.max(l.at);
    }
    TrackingView {
        status: order.status,
        eta,
        last_update,
        stops,
        live_location,
        pod,
        history: history
            .iter()
            .map(|h| TrackingStatusEntry {
                status: h.to_status,
                at: h.created_at,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::*;
    use serde_json::json;

    fn order(status: OrderStatus) -> Order {
        let input: OrderInput = serde_json::from_value(json!({
            "reference_code": "CF-1",
            "customer_name": "Secret Customer",
            "customer_phone": "+15550001111",
            "notes": "INTERNAL: gate code 4711",
            "stops": [
                {"sequence_index": 1, "type": "PICKUP", "address_line": "1 Warehouse Rd", "city": "Pune",
                 "lat": 18.5, "lng": 73.8, "contact_name": "Dock Boss", "contact_phone": "+15550002222"},
                {"sequence_index": 2, "type": "DROP", "address_line": "22 Home St", "city": "Mumbai",
                 "lat": 19.07, "lng": 72.87, "contact_name": "Ananya", "contact_phone": "+15550003333"}
            ]
        }))
        .unwrap();
        let mut o = NewOrder::try_from(&input)
            .unwrap()
            .into_order(time::OffsetDateTime::now_utc());
        o.status = status;
        o.route_id = Some(RouteId::generate());
        o.driver_id = Some(DriverId::generate());
        o
    }

    fn location(o: &Order) -> LiveLocation {
        LiveLocation {
            route_id: o.route_id.clone().unwrap(),
            driver_id: o.driver_id.clone().unwrap(),
            lat: 18.523456,
            lng: 73.856789,
            accuracy_m: Some(5.0),
            heading: None,
            speed_mps: None,
            at: time::OffsetDateTime::now_utc(),
        }
    }

    fn pod(o: &Order) -> Pod {
        Pod {
            order_id: o.id.clone(),
            receiver_name: "Ravi".into(),
            notes: Some("INTERNAL pod note".into()),
            photo_key: Some("pod/t/o/photo-x.jpg".into()),
            signature_key: Some("pod/t/o/signature-x.png".into()),
            photo_version: Some("v1".into()),
            signature_version: None,
            delivered_at: time::OffsetDateTime::now_utc(),
            created_by: UserId::generate(),
        }
    }

    #[test]
    fn the_view_holds_allowlisted_fields_only() {
        for status in OrderStatus::ALL {
            let o = order(status);
            let loc = location(&o);
            let p = pod(&o);
            let settings = TrackingSettings {
                show_pod_photo: true,
                link_expiry_days: 7,
            };
            let view = tracking_view(
                &o,
                &[],
                Some(&p),
                Some(&loc),
                &settings,
                Some("https://s3/x".into()),
            );
            let json = serde_json::to_value(&view).unwrap();
            for p in &json_paths(&json) {
                assert!(VIEW_FIELDS.contains(&p.as_str()), "{p} is not allowlisted");
            }
            let text = json.to_string();
            for secret in [
                "Secret Customer",
                "+1555",
                "INTERNAL",
                "Warehouse",
                "Home St",
                "Dock Boss",
                "Ananya",
                o.id.as_str(),
                o.driver_id.as_ref().unwrap().as_str(),
                o.route_id.as_ref().unwrap().as_str(),
                "CF-1",
                "signature",
            ] {
                assert!(!text.contains(secret), "{secret} leaked: {text}");
            }
        }
    }

    #[test]
    fn live_location_only_on_the_way_and_rounded() {
        for status in OrderStatus::ALL {
            let o = order(status);
            let loc = location(&o);
            let view = tracking_view(&o, &[], None, Some(&loc), &Default::default(), None);
            assert_eq!(view.live_location.is_some(), shows_live_location(status));
            if let Some(l) = view.live_location {
                assert_eq!((l.lat, l.lng), (18.523, 73.857));
            }
        }
        // A location from another route (the order was moved) is not shown.
        let o = order(OrderStatus::InTransit);
        let mut loc = location(&o);
        loc.route_id = RouteId::generate();
        let view = tracking_view(&o, &[], None, Some(&loc), &Default::default(), None);
        assert!(view.live_location.is_none());
    }

    #[test]
    fn pod_photo_only_when_allowed() {
        let o = order(OrderStatus::Delivered);
        let p = pod(&o);
        let url = Some("https://s3/x".to_string());
        let hidden = tracking_view(&o, &[], Some(&p), None, &Default::default(), url.clone());
        assert_eq!(hidden.pod.as_ref().unwrap().photo_url, None);
        assert_eq!(hidden.pod.unwrap().receiver_name, "Ravi");
        let shown = tracking_view(
            &o,
            &[],
            Some(&p),
            None,
            &TrackingSettings {
                show_pod_photo: true,
                link_expiry_days: 7,
            },
            url,
        );
        assert!(shown.pod.unwrap().photo_url.is_some());
        assert!(hidden.eta.is_none());
    }

    #[test]
    fn links_expire_after_the_order_ends() {
        let now = time::OffsetDateTime::now_utc();
        let s = TrackingSettings::default();
        let mut o = order(OrderStatus::Delivered);
        o.updated_at = now - time::Duration::days(8);
        assert!(s.expired(&o, now));
        o.updated_at = now - time::Duration::days(6);
        assert!(!s.expired(&o, now));
        let mut open = order(OrderStatus::InTransit);
        open.updated_at = now - time::Duration::days(30);
        assert!(!s.expired(&open, now));
        assert!(
            TrackingSettings {
                show_pod_photo: false,
                link_expiry_days: 0
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn coordinates() {
        assert!(LiveLocation::check_coordinates(12.97, 77.65).is_ok());
        assert!(LiveLocation::check_coordinates(91.0, 0.0).is_err());
        assert!(LiveLocation::check_coordinates(0.0, f64::NAN).is_err());
        assert!(LiveLocation::check_coordinates(0.0, -180.5).is_err());
    }
}
