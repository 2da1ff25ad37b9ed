//! Stored shapes of orders, history, exceptions, events and idempotency records.

use cargoflow_domain::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::StoreError;
use crate::keys;

fn check_type(found: &str, want: &str) -> Result<(), StoreError> {
    if found == want {
        Ok(())
    } else {
        Err(StoreError::Corrupt(format!(
            "expected {want}, found {found}"
        )))
    }
}

/// The order, nested under `order`, with the top-level attributes its indexes and filters use.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    #[serde(rename = "GSI1PK")]
    pub gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    pub gsi1sk: String,
    #[serde(rename = "GSI2PK")]
    pub gsi2pk: String,
    #[serde(rename = "GSI2SK")]
    pub gsi2sk: String,
    pub status: OrderStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_id: Option<String>,
    /// Lower-cased reference code, customer name and phone, for `contains` search.
    pub search_text: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
    /// The bulk change holding the order (docs/ARCHITECTURE.md, "Routes of hundreds of
    /// stops"), until `hold_until` (unix seconds). Any full write of the order clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_change: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_until: Option<i64>,
    pub order: Order,
}

impl OrderItem {
    pub const TYPE: &'static str = "ORDER";

    pub fn new(tenant: &TenantId, o: &Order) -> Self {
        let k = keys::order(tenant, &o.id);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            gsi1pk: keys::gsi1_orders(tenant),
            gsi1sk: o.id.to_string(),
            gsi2pk: keys::gsi2_orders_by_status(tenant, o.status),
            gsi2sk: o.id.to_string(),
            status: o.status,
            route_id: o.route_id.as_ref().map(ToString::to_string),
            driver_id: o.driver_id.as_ref().map(ToString::to_string),
            search_text: format!(
                "{} {} {}",
                o.reference_code, o.customer_name, o.customer_phone
            )
            .to_lowercase(),
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
            hold_change: None,
            hold_until: None,
            order: o.clone(),
        }
    }
}

impl TryFrom<OrderItem> for Order {
    type Error = StoreError;
    fn try_from(i: OrderItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, OrderItem::TYPE)?;
        Ok(i.order)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    /// Immutable: written once, so created = updated and the version stays 1.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
    /// The entry as JSON text: its free-form `metadata` may be an empty map, which DynamoDB
    /// stores but some stream readers (DynamoDB Local's) hand out untyped.
    #[serde(with = "json_text")]
    pub entry: StatusHistoryEntry,
}

/// Stores a value as a JSON string attribute.
mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::DeserializeOwned};

    pub fn serialize<T: Serialize, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        serde_json::to_string(v)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

impl HistoryItem {
    pub const TYPE: &'static str = "STATUS_HISTORY";

    pub fn new(tenant: &TenantId, h: &StatusHistoryEntry) -> Self {
        let k = keys::history(tenant, &h.order_id, &h.id);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            created_at: h.created_at,
            updated_at: h.created_at,
            version: 1,
            entry: h.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExceptionItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    #[serde(rename = "GSI1PK")]
    pub gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    pub gsi1sk: String,
    #[serde(rename = "GSI2PK")]
    pub gsi2pk: String,
    #[serde(rename = "GSI2SK")]
    pub gsi2sk: String,
    pub status: ExceptionStatus,
    pub exception_type: ExceptionType,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
    pub exception: OrderException,
}

impl ExceptionItem {
    pub const TYPE: &'static str = "EXCEPTION";

    pub fn new(tenant: &TenantId, e: &OrderException) -> Self {
        let k = keys::exception(tenant, &e.order_id, &e.id);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            gsi1pk: keys::gsi1_exceptions(tenant),
            gsi1sk: e.id.to_string(),
            gsi2pk: keys::gsi2_exceptions_by_status(tenant, e.status),
            gsi2sk: e.id.to_string(),
            status: e.status,
            exception_type: e.exception_type,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
            exception: e.clone(),
        }
    }
}

/// An outbox event (the seed's Event + OutboxMessage in one item). The relay publishes it
/// when the stream shows its insert; `GSI2PK` stays set while it is PENDING so the sweeper
/// finds what the relay missed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    #[serde(rename = "GSI1PK")]
    pub gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    pub gsi1sk: String,
    #[serde(rename = "GSI2PK", default, skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(rename = "GSI2SK", default, skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
    pub id: String,
    pub tenant_id: String,
    pub event_type: String,
    /// The payload, as JSON text (published verbatim).
    pub payload: String,
    /// PENDING, PROCESSED or FAILED (publishing gave up after its attempts; retried by hand).
    /// Stored as `outbox_status`, an attribute GSI1 does not project: marking the event
    /// published then leaves its GSI1 entry (the tenant's event log) untouched, a write unit
    /// less per event.
    #[serde(rename = "outbox_status")]
    pub status: String,
    pub retries: u32,
    /// Why the last publish failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When a retry is due; absent until a publish failed (then it is `created_at`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Absent until the item is first updated (then it is `created_at`). Written once per
    /// event on the hot path, the two absent attributes keep the item under the 1 KB a write
    /// unit bills.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub updated_at: Option<OffsetDateTime>,
    pub version: u64,
}

impl EventItem {
    pub const TYPE: &'static str = "EVENT";

    /// When the next publish attempt is due.
    pub fn next_attempt_at(&self) -> OffsetDateTime {
        self.next_attempt_at.unwrap_or(self.created_at)
    }

    /// When the item last changed.
    pub fn updated_at(&self) -> OffsetDateTime {
        self.updated_at.unwrap_or(self.created_at)
    }

    pub fn new(tenant: &TenantId, e: &NewEvent) -> Self {
        let k = keys::event(tenant, &e.id);
        let due = due_key(e.occurred_at);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            gsi1pk: keys::gsi1_events(tenant),
            gsi1sk: e.id.to_string(),
            gsi2pk: Some(keys::gsi2_outbox_pending(&e.id)),
            gsi2sk: Some(format!("{due}#{}", e.id)),
            id: e.id.to_string(),
            tenant_id: tenant.to_string(),
            event_type: e.event_type.as_str().into(),
            payload: e.payload.to_string(),
            status: "PENDING".into(),
            retries: 0,
            last_error: None,
            next_attempt_at: None,
            created_at: e.occurred_at,
            updated_at: None,
            version: 1,
        }
    }
}

/// GSI2 sort key of a pending event: when it is due, as zero-padded epoch milliseconds (so
/// keys compare as times), then its id.
pub fn due_key(t: OffsetDateTime) -> String {
    format!("{:015}", (t.unix_timestamp_nanos() / 1_000_000).max(0))
}

/// One idempotency key's record: the request's hash and, once done, the response to replay.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdempotencyItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    /// IN_PROGRESS or COMPLETED.
    pub status: String,
    pub request_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Epoch seconds after which the record no longer counts (checked on write and read).
    pub expires_at: i64,
    /// Epoch seconds after which an IN_PROGRESS claim is considered abandoned.
    pub in_progress_until: i64,
    pub ttl: i64,
}

impl IdempotencyItem {
    pub const TYPE: &'static str = "IDEMPOTENCY";
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouteItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    #[serde(rename = "GSI1PK")]
    pub gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    pub gsi1sk: String,
    #[serde(rename = "GSI2PK")]
    pub gsi2pk: String,
    #[serde(rename = "GSI2SK")]
    pub gsi2sk: String,
    pub status: RouteStatus,
    pub route_date: String,
    pub driver_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
    /// The route as deflated JSON (a binary attribute). A route of 300 orders is ~150 KB of
    /// JSON and every change rewrites it, billed per KB: deflated it is a quarter of that.
    #[serde(with = "serde_bytes")]
    pub route_z: Vec<u8>,
}

impl RouteItem {
    pub const TYPE: &'static str = "ROUTE";

    pub fn date_key(r: &Route) -> String {
        format!("{}", r.route_date)
    }

    pub fn new(tenant: &TenantId, r: &Route) -> Self {
        let k = keys::route(tenant, &r.id);
        let date = Self::date_key(r);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            gsi1pk: keys::gsi1_routes(tenant),
            gsi1sk: format!("{date}#{}", r.id),
            gsi2pk: keys::gsi2_driver_routes(tenant, &r.driver_id),
            gsi2sk: format!("{date}#{}", r.id),
            status: r.status,
            route_date: date,
            driver_id: r.driver_id.to_string(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
            route_z: deflate_json(r),
        }
    }
}

impl TryFrom<RouteItem> for Route {
    type Error = StoreError;
    fn try_from(i: RouteItem) -> Result<Self, StoreError> {
        check_type(&i.entity_type, RouteItem::TYPE)?;
        inflate_json(&i.route_z)
    }
}

/// A value as deflated JSON.
fn deflate_json<T: Serialize>(v: &T) -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail, and domain values always serialise.
    serde_json::to_writer(&mut z, v).expect("a domain value serialises");
    z.finish().expect("deflating into memory")
}

/// The value of [`deflate_json`]'s bytes.
fn inflate_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_reader(flate2::read::DeflateDecoder::new(bytes))
        .map_err(|e| StoreError::Corrupt(format!("stored route: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A planned route of `orders` orders (two stops each) as create-route stores it.
    fn route(orders: usize) -> Route {
        let now = OffsetDateTime::now_utc();
        let ids: Vec<OrderId> = (0..orders).map(|_| OrderId::generate()).collect();
        let stops = ids
            .iter()
            .enumerate()
            .flat_map(|(i, id)| {
                [StopType::Pickup, StopType::Drop].map(|t| RouteStop {
                    stop_id: StopId::generate(),
                    order_id: id.clone(),
                    stop_type: t,
                    address_line: format!("{} Harbour Road", 10 + i),
                    city: "Cape Town".into(),
                    lat: Some(-33.9 + i as f64 * 0.001),
                    lng: Some(18.4 + i as f64 * 0.0013),
                    status: StopStatus::Pending,
                    scheduled_eta: Some(now + time::Duration::minutes(i as i64 * 7)),
                    window: Some(TimeWindow {
                        start: now,
                        end: now + time::Duration::hours(4),
                    }),
                })
            })
            .collect();
        Route {
            id: RouteId::generate(),
            route_date: now.date(),
            driver_id: DriverId::generate(),
            vehicle_id: VehicleId::generate(),
            vehicle_type: None,
            status: RouteStatus::Planned,
            order_ids: ids,
            finished_order_ids: vec![],
            applying: None,
            stops,
            total_distance_m: 12_345.6,
            total_weight_kg: 88.0,
            optimized: true,
            unmet_windows: vec![],
            start_time: None,
            end_time: None,
            reminder_sent_at: None,
            created_at: now,
            updated_at: now,
            version: 3,
        }
    }

    #[test]
    fn a_stored_route_reads_back_as_it_was_and_is_deflated() {
        let tenant = TenantId::generate();
        for orders in [0, 1, 10, 300] {
            let r = route(orders);
            let item = RouteItem::new(&tenant, &r);
            let back = Route::try_from(item.clone()).unwrap();
            assert!(
                serde_json::to_value(&back).unwrap() == serde_json::to_value(&r).unwrap(),
                "{orders} orders: the route read back differs"
            );
            let json = serde_json::to_vec(&r).unwrap().len();
            println!(
                "{orders} orders: {json} bytes of JSON, {} deflated",
                item.route_z.len()
            );
            if orders >= 10 {
                // Each write of the route is billed per KB of the item.
                assert!(
                    item.route_z.len() * 3 < json,
                    "{orders}: {} of {json}",
                    item.route_z.len()
                );
            }
        }
    }

    #[test]
    fn a_damaged_stored_route_is_an_error_not_a_panic() {
        let mut item = RouteItem::new(&TenantId::generate(), &route(2));
        item.route_z.truncate(item.route_z.len() / 2);
        assert!(matches!(Route::try_from(item), Err(StoreError::Corrupt(_))));
    }
}
