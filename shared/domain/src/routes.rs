//! Routes: a driver's day with a vehicle and an ordered list of stops from its orders.
//! PLANNED -> IN_PROGRESS -> COMPLETED, or CANCELLED (from PLANNED or IN_PROGRESS).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::entities::VehicleType;
use crate::ids::*;
use crate::orders::{OrderId, RouteId, StopId, StopStatus, StopType, TimeWindow};
use crate::status_machine::ActorType;

/// Orders one route may hold. Changes larger than one transaction (100 items) are applied as
/// bulk changes (docs/ARCHITECTURE.md, "Routes of hundreds of stops").
pub const MAX_ORDERS_PER_ROUTE: usize = 300;

/// Stops one route may hold (orders with several drops count each).
pub const MAX_STOPS_PER_ROUTE: usize = 900;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RouteStatus {
    Planned,
    InProgress,
    Completed,
    Cancelled,
}

impl RouteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteStatus::Planned => "PLANNED",
            RouteStatus::InProgress => "IN_PROGRESS",
            RouteStatus::Completed => "COMPLETED",
            RouteStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_uppercase().as_str() {
            "PLANNED" => Ok(Self::Planned),
            "IN_PROGRESS" => Ok(Self::InProgress),
            "COMPLETED" => Ok(Self::Completed),
            "CANCELLED" => Ok(Self::Cancelled),
            _ => Err("must be one of PLANNED, IN_PROGRESS, COMPLETED, CANCELLED".into()),
        }
    }

    pub fn can_become(self, to: RouteStatus) -> bool {
        matches!(
            (self, to),
            (RouteStatus::Planned, RouteStatus::InProgress)
                | (RouteStatus::InProgress, RouteStatus::Completed)
                | (RouteStatus::Planned, RouteStatus::Cancelled)
                | (RouteStatus::InProgress, RouteStatus::Cancelled)
        )
    }

    pub fn is_final(self) -> bool {
        matches!(self, RouteStatus::Completed | RouteStatus::Cancelled)
    }
}

/// One stop in the route's driving order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RouteStop {
    pub stop_id: StopId,
    pub order_id: OrderId,
    #[serde(rename = "type")]
    pub stop_type: StopType,
    pub address_line: String,
    pub city: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub status: StopStatus,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub scheduled_eta: Option<OffsetDateTime>,
    /// The stop's time window (the order's pickup or drop window), kept so that re-planning
    /// needs no order reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<TimeWindow>,
}

/// What a bulk change does to each of its orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BulkKind {
    /// CREATED -> ASSIGNED onto this route.
    Assign,
    /// ASSIGNED -> CREATED off this route.
    Unassign,
}

/// A change too large for one transaction, decided and committed on the route, whose order
/// writes are still being applied (in idempotent chunks). While it is set the route takes no
/// other change; any writer that finds it finishes it first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Applying {
    pub change_id: String,
    pub kind: BulkKind,
    /// The orders the change moves.
    pub order_ids: Vec<OrderId>,
    pub actor_type: ActorType,
    pub actor_user_id: Option<UserId>,
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Route {
    pub id: RouteId,
    #[schema(value_type = String, example = "2026-11-23")]
    #[serde(with = "route_date_serde")]
    pub route_date: Date,
    pub driver_id: DriverId,
    pub vehicle_id: VehicleId,
    /// The vehicle's type when the route was planned (its speed gives the ETAs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicle_type: Option<VehicleType>,
    pub status: RouteStatus,
    pub order_ids: Vec<OrderId>,
    /// The route's orders that reached a final status (the route completes when all have).
    #[serde(default)]
    pub finished_order_ids: Vec<OrderId>,
    /// A bulk change still being applied (see [`Applying`]); absent when settled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applying: Option<Applying>,
    /// The driving order.
    pub stops: Vec<RouteStop>,
    pub total_distance_m: f64,
    pub total_weight_kg: f64,
    pub optimized: bool,
    /// Stops whose time windows the planned order cannot meet.
    pub unmet_windows: Vec<StopId>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub start_time: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub end_time: Option<OffsetDateTime>,
    /// When the route.reminder event went out (once per route).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub reminder_sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

/// A route's date as `YYYY-MM-DD` (as documented); reads the `[year, ordinal]` form routes
/// were first stored in, too.
mod route_date_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        YearOrdinal(i32, u16),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Text(t) => super::parse_route_date(&t).map_err(serde::de::Error::custom),
            Raw::YearOrdinal(y, o) => {
                Date::from_ordinal_date(y, o).map_err(serde::de::Error::custom)
            }
        }
    }
}

pub fn parse_route_date(raw: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(raw.trim(), &fmt).map_err(|_| "must be a date (YYYY-MM-DD)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_status_moves() {
        use RouteStatus::*;
        let all = [Planned, InProgress, Completed, Cancelled];
        let allowed = [
            (Planned, InProgress),
            (InProgress, Completed),
            (Planned, Cancelled),
            (InProgress, Cancelled),
        ];
        for from in all {
            for to in all {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
            assert_eq!(RouteStatus::parse(from.as_str()), Ok(from));
        }
        assert!(parse_route_date("2026-02-19").is_ok());
        assert!(parse_route_date("19/02/2026").is_err());
    }

    #[test]
    fn route_dates_serialise_as_documented() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct W {
            #[serde(with = "super::route_date_serde")]
            d: Date,
        }
        let w = W {
            d: parse_route_date("2026-11-22").unwrap(),
        };
        assert_eq!(serde_json::to_string(&w).unwrap(), r#"{"d":"2026-11-22"}"#);
        let old: W = serde_json::from_str(r#"{"d":[2026,326]}"#).unwrap();
        assert_eq!(old.d, w.d);
        assert!(serde_json::from_str::<W>(r#"{"d":"22-11-2026"}"#).is_err());
    }
}
