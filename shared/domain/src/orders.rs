//! Orders and their stops: the input an API client sends, validated into a [`NewOrder`], and
//! the stored [`Order`] the API shows.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::*;
use crate::status_machine::OrderStatus;
use crate::time_util::parse_rfc3339;
use crate::validation::*;

id_type!(/// An order (shipment).
    OrderId);
id_type!(/// A stop of an order.
    StopId);
id_type!(/// A delivery route (issue 4).
    RouteId);

pub const MAX_STOPS: usize = 25;
pub const MAX_ITEM_LINES: usize = 100;
pub const MAX_NOTES: usize = 1000;

/// A tenant's own code for an order (upper-cased): unique per tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "CF-10021")]
pub struct ReferenceCode(String);

impl ReferenceCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_uppercase();
        let ok = (1..=40).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        if ok {
            Ok(Self(s))
        } else {
            Err("must be 1 to 40 characters of letters, digits, '-', '_', '.' or '/'".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_stored(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }
}

impl std::fmt::Display for ReferenceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The public tracking token: 192 random bits, base64url. Not derived from any id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String)]
pub struct TrackingToken(String);

impl TrackingToken {
    pub fn generate() -> Self {
        Self(crate::ids::random_base64url::<24>())
    }
    pub fn parse(raw: &str) -> Option<Self> {
        crate::ids::is_base64url(raw, 32).then(|| Self(raw.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn from_stored(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StopType {
    Pickup,
    Drop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StopStatus {
    Pending,
    Arrived,
    Completed,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeWindow {
    #[serde(with = "time::serde::rfc3339")]
    pub start: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub end: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stop {
    pub id: StopId,
    pub sequence_index: u32,
    #[serde(rename = "type")]
    pub stop_type: StopType,
    pub address_line: String,
    pub city: String,
    pub postal_code: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<Phone>,
    pub status: StopStatus,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub scheduled_eta: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub actual_arrival_time: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dimensions {
    pub length_cm: f64,
    pub width_cm: f64,
    pub height_cm: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemLine {
    pub description: String,
    pub quantity: u32,
    pub sku: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PackageDetails {
    pub weight_kg: Option<f64>,
    pub dimensions: Option<Dimensions>,
    #[serde(default)]
    pub items: Vec<ItemLine>,
}

/// An order as stored and shown to ops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Order {
    pub id: OrderId,
    pub reference_code: ReferenceCode,
    pub customer_name: DisplayName,
    pub customer_phone: Phone,
    pub status: OrderStatus,
    /// The public tracking link's token; none once ops revoked the link.
    pub tracking_token: Option<TrackingToken>,
    pub pickup_window: Option<TimeWindow>,
    pub drop_window: Option<TimeWindow>,
    pub notes: Option<String>,
    pub package: PackageDetails,
    pub stops: Vec<Stop>,
    pub route_id: Option<RouteId>,
    pub driver_id: Option<DriverId>,
    pub cancel_reason: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

// ----------------------------------------------------------------------------- input

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    /// RFC 3339, e.g. 2026-11-23T09:00:00Z
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StopInput {
    #[schema(minimum = 1, maximum = 1000)]
    pub sequence_index: i64,
    /// PICKUP or DROP
    #[serde(rename = "type")]
    #[schema(value_type = StopType)]
    pub stop_type: String,
    #[schema(max_length = 200)]
    pub address_line: String,
    #[schema(max_length = 100)]
    pub city: String,
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[schema(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    #[schema(minimum = -180, maximum = 180)]
    pub lng: Option<f64>,
    #[schema(max_length = 120)]
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DimensionsInput {
    #[schema(exclusive_minimum = 0, maximum = 2000)]
    pub length_cm: f64,
    #[schema(exclusive_minimum = 0, maximum = 2000)]
    pub width_cm: f64,
    #[schema(exclusive_minimum = 0, maximum = 2000)]
    pub height_cm: f64,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemLineInput {
    #[schema(max_length = 200)]
    pub description: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub quantity: i64,
    #[schema(max_length = 64)]
    pub sku: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageInput {
    #[schema(exclusive_minimum = 0, maximum = 50000)]
    pub weight_kg: Option<f64>,
    pub dimensions: Option<DimensionsInput>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub items: Vec<ItemLineInput>,
}

/// POST /api/ops/orders, as in the seed plus windows, notes and package details.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    #[schema(example = "CF-10021")]
    pub reference_code: String,
    #[schema(example = "Ananya Sharma")]
    #[schema(max_length = 120)]
    pub customer_name: String,
    #[schema(example = "+918888887777")]
    pub customer_phone: String,
    #[schema(min_items = 2, max_items = 25)]
    pub stops: Vec<StopInput>,
    pub pickup_window: Option<WindowInput>,
    pub drop_window: Option<WindowInput>,
    #[schema(max_length = 1000)]
    pub notes: Option<String>,
    pub package: Option<PackageInput>,
}

/// A validated new order (stops sorted by sequence index).
#[derive(Debug, Clone, PartialEq)]
pub struct NewOrder {
    pub reference_code: ReferenceCode,
    pub customer_name: DisplayName,
    pub customer_phone: Phone,
    pub stops: Vec<Stop>,
    pub pickup_window: Option<TimeWindow>,
    pub drop_window: Option<TimeWindow>,
    pub notes: Option<String>,
    pub package: PackageDetails,
}

fn bounded_text(raw: &str, max: usize, required: bool) -> Result<Option<String>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return if required {
            Err("is required".into())
        } else {
            Ok(None)
        };
    }
    if s.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("must not contain control characters".into());
    }
    Ok(Some(s.to_string()))
}

pub fn parse_notes(raw: Option<&str>) -> Result<Option<String>, String> {
    match raw {
        None => Ok(None),
        Some(r) => bounded_text(r, MAX_NOTES, false),
    }
}

pub fn parse_window(w: &WindowInput) -> Result<TimeWindow, String> {
    let start = parse_rfc3339(&w.start).ok_or("start must be an RFC 3339 date-time")?;
    let end = parse_rfc3339(&w.end).ok_or("end must be an RFC 3339 date-time")?;
    if start >= end {
        return Err("start must be before end".into());
    }
    if end - start > time::Duration::days(14) {
        return Err("must be at most 14 days long".into());
    }
    Ok(TimeWindow { start, end })
}

fn parse_coord(
    lat: Option<f64>,
    lng: Option<f64>,
    e: &mut FieldErrors,
    at: &str,
) -> (Option<f64>, Option<f64>) {
    match (lat, lng) {
        (None, None) => (None, None),
        (Some(lat), Some(lng)) => {
            let mut ok = true;
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                e.add(format!("{at}.lat"), "must be between -90 and 90");
                ok = false;
            }
            if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
                e.add(format!("{at}.lng"), "must be between -180 and 180");
                ok = false;
            }
            if ok {
                (Some(lat), Some(lng))
            } else {
                (None, None)
            }
        }
        _ => {
            e.add(format!("{at}.lat"), "lat and lng go together");
            (None, None)
        }
    }
}

pub fn parse_stops(input: &[StopInput], e: &mut FieldErrors) -> Vec<Stop> {
    if input.len() < 2 {
        e.add("stops", "needs at least one PICKUP and one DROP");
        return vec![];
    }
    if input.len() > MAX_STOPS {
        e.add("stops", format!("at most {MAX_STOPS} stops per order"));
        return vec![];
    }
    let mut seen = HashSet::new();
    let mut stops = Vec::new();
    for (i, s) in input.iter().enumerate() {
        let at = format!("stops[{i}]");
        let seq = if (1..=1000).contains(&s.sequence_index) {
            Some(s.sequence_index as u32)
        } else {
            None
        };
        if seq.is_none() {
            e.add(format!("{at}.sequence_index"), "must be from 1 to 1000");
        } else if !seen.insert(s.sequence_index) {
            e.add(format!("{at}.sequence_index"), "is used by another stop");
        }
        let stop_type = match s.stop_type.trim().to_uppercase().as_str() {
            "PICKUP" => Some(StopType::Pickup),
            "DROP" => Some(StopType::Drop),
            _ => {
                e.add(format!("{at}.type"), "must be PICKUP or DROP");
                None
            }
        };
        let address = e
            .check(
                &format!("{at}.address_line"),
                bounded_text(&s.address_line, 200, true),
            )
            .flatten();
        let city = e
            .check(&format!("{at}.city"), bounded_text(&s.city, 100, true))
            .flatten();
        let postal = e
            .check(
                &format!("{at}.postal_code"),
                bounded_text(s.postal_code.as_deref().unwrap_or(""), 20, false),
            )
            .flatten();
        let contact = e
            .check(
                &format!("{at}.contact_name"),
                bounded_text(s.contact_name.as_deref().unwrap_or(""), 120, false),
            )
            .flatten();
        let contact_phone = match &s.contact_phone {
            Some(p) if !p.trim().is_empty() => {
                e.check(&format!("{at}.contact_phone"), Phone::parse(p))
            }
            _ => None,
        };
        let (lat, lng) = parse_coord(s.lat, s.lng, e, &at);
        if let (Some(seq), Some(stop_type), Some(address_line), Some(city)) =
            (seq, stop_type, address, city)
        {
            stops.push(Stop {
                id: StopId::generate(),
                sequence_index: seq,
                stop_type,
                address_line,
                city,
                postal_code: postal,
                lat,
                lng,
                contact_name: contact,
                contact_phone,
                status: StopStatus::Pending,
                scheduled_eta: None,
                actual_arrival_time: None,
                completed_at: None,
            });
        }
    }
    stops.sort_by_key(|s| s.sequence_index);
    if stops.len() == input.len() {
        let last_pickup = stops
            .iter()
            .filter(|s| s.stop_type == StopType::Pickup)
            .map(|s| s.sequence_index)
            .max();
        let first_drop = stops
            .iter()
            .filter(|s| s.stop_type == StopType::Drop)
            .map(|s| s.sequence_index)
            .min();
        match (last_pickup, first_drop) {
            (None, _) | (_, None) => e.add("stops", "needs at least one PICKUP and one DROP"),
            (Some(p), Some(d)) if p > d => {
                e.add("stops", "every PICKUP must come before the DROP stops")
            }
            _ => {}
        }
    }
    stops
}

pub fn parse_package(input: Option<&PackageInput>, e: &mut FieldErrors) -> PackageDetails {
    let Some(p) = input else {
        return PackageDetails::default();
    };
    let weight_kg = p.weight_kg.and_then(|w| {
        if w.is_finite() && w > 0.0 && w <= 50_000.0 {
            Some((w * 1000.0).round() / 1000.0)
        } else {
            e.add("package.weight_kg", "must be more than 0 and at most 50000");
            None
        }
    });
    let dimensions = p.dimensions.as_ref().and_then(|d| {
        let ok = |v: f64| v.is_finite() && v > 0.0 && v <= 2000.0;
        if ok(d.length_cm) && ok(d.width_cm) && ok(d.height_cm) {
            Some(Dimensions {
                length_cm: d.length_cm,
                width_cm: d.width_cm,
                height_cm: d.height_cm,
            })
        } else {
            e.add(
                "package.dimensions",
                "each side must be more than 0 and at most 2000 cm",
            );
            None
        }
    });
    if p.items.len() > MAX_ITEM_LINES {
        e.add(
            "package.items",
            format!("at most {MAX_ITEM_LINES} item lines"),
        );
        return PackageDetails {
            weight_kg,
            dimensions,
            items: vec![],
        };
    }
    let mut items = Vec::new();
    for (i, it) in p.items.iter().enumerate() {
        let at = format!("package.items[{i}]");
        let description = e
            .check(
                &format!("{at}.description"),
                bounded_text(&it.description, 200, true),
            )
            .flatten();
        let quantity = if (1..=100_000).contains(&it.quantity) {
            Some(it.quantity as u32)
        } else {
            e.add(format!("{at}.quantity"), "must be from 1 to 100000");
            None
        };
        let sku = e
            .check(
                &format!("{at}.sku"),
                bounded_text(it.sku.as_deref().unwrap_or(""), 64, false),
            )
            .flatten();
        if let (Some(description), Some(quantity)) = (description, quantity) {
            items.push(ItemLine {
                description,
                quantity,
                sku,
            });
        }
    }
    PackageDetails {
        weight_kg,
        dimensions,
        items,
    }
}

impl TryFrom<&OrderInput> for NewOrder {
    type Error = FieldErrors;

    fn try_from(input: &OrderInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let reference_code = e.check(
            "reference_code",
            ReferenceCode::parse(&input.reference_code),
        );
        let customer_name = e.check("customer_name", DisplayName::parse(&input.customer_name));
        let customer_phone = e.check("customer_phone", Phone::parse(&input.customer_phone));
        let stops = parse_stops(&input.stops, &mut e);
        let pickup_window = input
            .pickup_window
            .as_ref()
            .and_then(|w| e.check("pickup_window", parse_window(w)));
        let drop_window = input
            .drop_window
            .as_ref()
            .and_then(|w| e.check("drop_window", parse_window(w)));
        if let (Some(p), Some(d)) = (pickup_window, drop_window)
            && p.start >= d.end
        {
            e.add("drop_window", "must end after the pickup window starts");
        }
        let notes = e
            .check("notes", parse_notes(input.notes.as_deref()))
            .flatten();
        let package = parse_package(input.package.as_ref(), &mut e);
        match (reference_code, customer_name, customer_phone) {
            (Some(reference_code), Some(customer_name), Some(customer_phone)) if e.is_empty() => {
                Ok(NewOrder {
                    reference_code,
                    customer_name,
                    customer_phone,
                    stops,
                    pickup_window,
                    drop_window,
                    notes,
                    package,
                })
            }
            _ => Err(e),
        }
    }
}

impl NewOrder {
    /// The order as first stored: CREATED, a fresh tracking token.
    pub fn into_order(self, now: OffsetDateTime) -> Order {
        Order {
            id: OrderId::generate(),
            reference_code: self.reference_code,
            customer_name: self.customer_name,
            customer_phone: self.customer_phone,
            status: OrderStatus::Created,
            tracking_token: Some(TrackingToken::generate()),
            pickup_window: self.pickup_window,
            drop_window: self.drop_window,
            notes: self.notes,
            package: self.package,
            stops: self.stops,
            route_id: None,
            driver_id: None,
            cancel_reason: None,
            delivered_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn seed_input() -> OrderInput {
        serde_json::from_value(serde_json::json!({
            "reference_code": "CF-10021",
            "customer_name": "Ananya Sharma",
            "customer_phone": "+918888887777",
            "stops": [
                {"sequence_index": 1, "type": "PICKUP", "address_line": "Warehouse", "city": "Bengaluru", "lat": 12.9698, "lng": 77.75},
                {"sequence_index": 2, "type": "DROP", "address_line": "Customer Address", "city": "Bengaluru", "lat": 12.9719, "lng": 77.6412}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn the_seed_payload_is_valid() {
        let o = NewOrder::try_from(&seed_input()).unwrap();
        assert_eq!(o.reference_code.as_str(), "CF-10021");
        assert_eq!(o.stops.len(), 2);
        assert_eq!(o.stops[0].stop_type, StopType::Pickup);
        let order = o.into_order(crate::time_util::now());
        assert_eq!(order.status, OrderStatus::Created);
        let token = order.tracking_token.unwrap();
        assert_eq!(token.as_str().len(), 32);
        assert!(TrackingToken::parse(token.as_str()).is_some());
    }

    #[test]
    fn tracking_tokens_are_random() {
        let a: HashSet<String> = (0..1000)
            .map(|_| TrackingToken::generate().as_str().to_string())
            .collect();
        assert_eq!(a.len(), 1000);
    }

    fn errors(f: impl FnOnce(&mut OrderInput)) -> FieldErrors {
        let mut i = seed_input();
        f(&mut i);
        NewOrder::try_from(&i).unwrap_err()
    }

    #[test]
    fn rules_name_their_fields() {
        assert!(errors(|i| i.stops.truncate(1)).get("stops").is_some());
        assert!(
            errors(|i| i.stops[1].stop_type = "PICKUP".into())
                .get("stops")
                .is_some()
        );
        assert!(
            errors(|i| {
                i.stops[0].sequence_index = 3;
            })
            .get("stops")
            .unwrap()
            .contains("before")
        );
        assert!(
            errors(|i| i.stops[1].sequence_index = 1)
                .get("stops[1].sequence_index")
                .is_some()
        );
        assert!(
            errors(|i| i.stops[0].lat = Some(91.0))
                .get("stops[0].lat")
                .is_some()
        );
        assert!(
            errors(|i| i.stops[0].lng = Some(-181.0))
                .get("stops[0].lng")
                .is_some()
        );
        assert!(
            errors(|i| i.stops[0].lng = None)
                .get("stops[0].lat")
                .is_some()
        );
        assert!(
            errors(|i| i.stops[0].lat = Some(f64::NAN))
                .get("stops[0].lat")
                .is_some()
        );
        assert!(
            errors(|i| i.customer_phone = "12345".into())
                .get("customer_phone")
                .is_some()
        );
        assert!(
            errors(|i| i.reference_code = "CF#1".into())
                .get("reference_code")
                .is_some()
        );
        assert!(
            errors(|i| i.stops[0].address_line = "x".repeat(201))
                .get("stops[0].address_line")
                .is_some()
        );
        assert!(
            errors(|i| i.notes = Some("n".repeat(1001)))
                .get("notes")
                .is_some()
        );
        let w = |s: &str, e: &str| {
            Some(WindowInput {
                start: s.into(),
                end: e.into(),
            })
        };
        assert!(
            errors(|i| i.pickup_window = w("2026-11-23T10:00:00Z", "2026-11-23T09:00:00Z"))
                .get("pickup_window")
                .is_some()
        );
        assert!(
            errors(|i| i.drop_window = w("tomorrow", "2026-11-23T09:00:00Z"))
                .get("drop_window")
                .is_some()
        );
        assert!(
            errors(|i| {
                i.pickup_window = w("2026-11-24T10:00:00Z", "2026-11-24T12:00:00Z");
                i.drop_window = w("2026-11-23T10:00:00Z", "2026-11-23T12:00:00Z");
            })
            .get("drop_window")
            .is_some()
        );
        assert!(
            errors(|i| {
                i.stops = (1..=26)
                    .map(|n| StopInput {
                        sequence_index: n,
                        stop_type: if n == 1 {
                            "PICKUP".into()
                        } else {
                            "DROP".into()
                        },
                        address_line: "a".into(),
                        city: "c".into(),
                        postal_code: None,
                        lat: None,
                        lng: None,
                        contact_name: None,
                        contact_phone: None,
                    })
                    .collect()
            })
            .get("stops")
            .is_some()
        );
        assert!(
            errors(|i| i.package = Some(PackageInput {
                weight_kg: Some(-1.0),
                dimensions: None,
                items: vec![]
            }))
            .get("package.weight_kg")
            .is_some()
        );
        assert!(
            errors(|i| i.package = Some(PackageInput {
                weight_kg: None,
                dimensions: None,
                items: vec![ItemLineInput {
                    description: "".into(),
                    quantity: 0,
                    sku: None
                }]
            }))
            .get("package.items[0].quantity")
            .is_some()
        );
    }

    #[test]
    fn multi_pickup_multi_drop_is_fine_when_pickups_come_first() {
        let mut i = seed_input();
        let mut extra = i.stops[0].clone();
        extra.sequence_index = 2;
        i.stops[1].sequence_index = 3;
        i.stops.push(extra);
        let o = NewOrder::try_from(&i).unwrap();
        assert_eq!(
            o.stops.iter().map(|s| s.sequence_index).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }
}

/// One immutable row of an order's status history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusHistoryEntry {
    pub id: String,
    pub order_id: OrderId,
    pub stop_id: Option<StopId>,
    pub actor_user_id: Option<UserId>,
    pub actor_type: crate::status_machine::ActorType,
    /// None for the row that records creation.
    pub from_status: Option<OrderStatus>,
    pub to_status: OrderStatus,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl StatusHistoryEntry {
    pub fn new(
        order: &Order,
        from_status: Option<OrderStatus>,
        actor_type: crate::status_machine::ActorType,
        actor_user_id: Option<UserId>,
        stop_id: Option<StopId>,
        metadata: serde_json::Value,
    ) -> Self {
        Self {
            id: ulid::Ulid::new().to_string(),
            order_id: order.id.clone(),
            stop_id,
            actor_user_id,
            actor_type,
            from_status,
            to_status: order.status,
            metadata,
            created_at: order.updated_at,
        }
    }
}
