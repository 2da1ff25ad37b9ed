//! Every DynamoDB key format CargoFlow writes, in one place, with a test each.
//!
//! Generic key attributes `PK`/`SK` (and `GSI1PK`/`GSI1SK` where a pattern needs them),
//! upper-case prefixes, `#` as the separator. Every tenant-owned item's partition key starts
//! with `TENANT#<tenant id>`, so an IAM `dynamodb:LeadingKeys` condition can fence a tenant.
//! Values placed in keys are validated ids, slugs, emails or plates, none of which can contain
//! `#` (see the property tests in cargoflow-domain).

use cargoflow_domain::*;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
pub const TTL: &str = "ttl";

/// The non-key attributes GSI1 projects besides the keys (`ProjectionType: INCLUDE` in
/// template.yaml, which must list exactly these): only what the listings' filters read
/// (orders: route, driver, search; exceptions: type; deliveries: event, outcome; events:
/// type, status; routes: status). Never the large maps (`order`, `route`, `payload`): a
/// listing reads its page's full items from the table ([`crate::Store`] hydrates them), so an
/// item's write reaches an index only when its keys or one of these attributes change.
pub const GSI1_PROJECTED: &[&str] = &[
    "status",
    "route_id",
    "driver_id",
    "search_text",
    "exception_type",
    "event_id",
    "outcome",
    "event_type",
];

/// The non-key attributes GSI2 projects (see [`GSI1_PROJECTED`]): orders in a status
/// (route, driver, search), exceptions in a status (type), a driver's routes (status); the
/// outbox shards need none.
pub const GSI2_PROJECTED: &[&str] = &[
    "status",
    "route_id",
    "driver_id",
    "search_text",
    "exception_type",
];

/// The partition-key attribute of an index (`GSI1` -> `GSI1PK`), None for another name.
pub fn index_pk_attr(index: &str) -> Option<&'static str> {
    match index {
        GSI1 => Some(GSI1PK),
        GSI2 => Some(GSI2PK),
        _ => None,
    }
}

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    fn new(pk: String, sk: impl Into<String>) -> Self {
        Self { pk, sk: sk.into() }
    }
}

/// The partition holding a tenant's own small collections (users, drivers, vehicles, ...).
pub fn tenant_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}")
}

pub fn tenant(tenant: &TenantId) -> Key {
    Key::new(tenant_pk(tenant), "TENANT")
}

/// The tenant whose item has this key (the inverse of [`tenant`]), None for any other key.
pub fn tenant_of(pk: &str, sk: &str) -> Option<TenantId> {
    let id = pk.strip_prefix("TENANT#")?;
    (sk == "TENANT" && !id.is_empty() && !id.contains('#'))
        .then(|| TenantId::from_stored(id.to_string()))
}

/// GSI1: every tenant (the scheduled jobs walk them).
pub const GSI1_TENANTS: &str = "TENANTS";

/// Global uniqueness of a tenant slug.
pub fn slug_marker(slug: &TenantSlug) -> Key {
    Key::new(format!("SLUG#{slug}"), "SLUG")
}

/// Global uniqueness of a login email; also the login lookup (email -> tenant, user).
pub fn email_marker(email: &Email) -> Key {
    Key::new(format!("EMAIL#{email}"), "EMAIL")
}

pub const USER_PREFIX: &str = "USER#";
pub fn user(tenant: &TenantId, user: &UserId) -> Key {
    Key::new(tenant_pk(tenant), format!("{USER_PREFIX}{user}"))
}

pub const DRIVER_PREFIX: &str = "DRIVER#";
pub fn driver(tenant: &TenantId, driver: &DriverId) -> Key {
    Key::new(tenant_pk(tenant), format!("{DRIVER_PREFIX}{driver}"))
}

pub const VEHICLE_PREFIX: &str = "VEHICLE#";
pub fn vehicle(tenant: &TenantId, vehicle: &VehicleId) -> Key {
    Key::new(tenant_pk(tenant), format!("{VEHICLE_PREFIX}{vehicle}"))
}

/// Per-tenant uniqueness of a vehicle plate.
pub fn plate_marker(tenant: &TenantId, plate: &PlateNumber) -> Key {
    Key::new(tenant_pk(tenant), format!("PLATE#{plate}"))
}

/// One refresh-token family (login session): its current token id and revocation.
pub fn token_family(tenant: &TenantId, family: &TokenFamilyId) -> Key {
    Key::new(tenant_pk(tenant), format!("RTFAM#{family}"))
}

/// A registration waiting for its email to be confirmed, by the SHA-256 of its token (global:
/// its tenant does not exist yet).
pub fn pending_registration(token_hash: &str) -> Key {
    Key::new(
        format!("REGISTRATION#{token_hash}"),
        "REGISTRATION".to_string(),
    )
}

/// The published public signing keys (global: not a tenant's data).
pub fn signing_keys() -> Key {
    Key::new("SIGNING_KEYS".to_string(), "JWKS".to_string())
}

/// A fixed-window counter for throttling (failed logins, later API rate limits). `subject`
/// is hashed so that client-supplied strings (emails, addresses) never shape a key.
pub fn throttle(scope: &str, subject: &str) -> Key {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(subject.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    Key::new(format!("THROTTLE#{scope}#{hex}"), "THROTTLE")
}

/// An order's partition: the order, its history, its exceptions (and later its POD), so the
/// order detail is one Query.
pub fn order_pk(tenant: &TenantId, order: &OrderId) -> String {
    format!("TENANT#{tenant}#ORDER#{order}")
}

pub fn order(tenant: &TenantId, order: &OrderId) -> Key {
    Key::new(order_pk(tenant, order), "ORDER")
}

pub const HISTORY_PREFIX: &str = "HIST#";
/// One immutable status-history row; the id is a ULID, so rows sort by time.
pub fn history(tenant: &TenantId, order: &OrderId, entry: &str) -> Key {
    Key::new(order_pk(tenant, order), format!("{HISTORY_PREFIX}{entry}"))
}

pub const EXCEPTION_PREFIX: &str = "EXC#";
pub fn exception(tenant: &TenantId, order: &OrderId, exception: &ExceptionId) -> Key {
    Key::new(
        order_pk(tenant, order),
        format!("{EXCEPTION_PREFIX}{exception}"),
    )
}

/// Guards "one DELAY exception per order": written with the exception, only if absent.
pub fn delay_flag(tenant: &TenantId, order: &OrderId) -> Key {
    Key::new(order_pk(tenant, order), "DELAYFLAG")
}

/// The proof of delivery of an order (at most one: written only if absent).
pub fn pod(tenant: &TenantId, order: &OrderId) -> Key {
    Key::new(order_pk(tenant, order), "POD")
}

/// The public tracking token -> its order (global: the tracking page has no tenant).
pub fn tracking_marker(token: &TrackingToken) -> Key {
    Key::new(format!("TRACK#{}", token.as_str()), "TRACK")
}

/// Per-tenant uniqueness of an order's reference code; also the lookup by code.
pub fn reference_marker(tenant: &TenantId, code: &ReferenceCode) -> Key {
    Key::new(format!("TENANT#{tenant}#REF#{code}"), "REF")
}

/// An outbox event.
pub fn event(tenant: &TenantId, event: &EventId) -> Key {
    Key::new(format!("TENANT#{tenant}#EVENT#{event}"), "EVENT")
}

/// An idempotency record; `key_hash` is the hex SHA-256 of the caller and the client's key.
pub fn idempotency(tenant: &TenantId, key_hash: &str) -> Key {
    Key::new(format!("TENANT#{tenant}#IDEMP#{key_hash}"), "IDEMP")
}

pub fn route(tenant: &TenantId, route: &RouteId) -> Key {
    Key::new(format!("TENANT#{tenant}#ROUTE#{route}"), "ROUTE")
}

/// The latest location a driver sent for a route (overwritten: only the latest is kept).
pub fn route_location(tenant: &TenantId, route: &RouteId) -> Key {
    Key::new(format!("TENANT#{tenant}#ROUTE#{route}"), "LOCATION")
}

/// One route per driver per date.
pub fn driver_day_marker(tenant: &TenantId, driver: &DriverId, date: &str) -> Key {
    Key::new(
        format!("TENANT#{tenant}#DRIVERDAY#{driver}#{date}"),
        "DRIVERDAY",
    )
}

/// GSI1: a tenant's routes by date (`<YYYY-MM-DD>#<route id>`).
pub fn gsi1_routes(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#ROUTES")
}

/// GSI2: one driver's routes by date.
pub fn gsi2_driver_routes(tenant: &TenantId, driver: &DriverId) -> String {
    format!("TENANT#{tenant}#DRIVER#{driver}#ROUTES")
}

/// The tenant's webhook settings.
pub fn webhook_settings(tenant: &TenantId) -> Key {
    Key::new(tenant_pk(tenant), "SETTINGS#WEBHOOK")
}

/// The tenant's tracking-page settings.
pub fn tracking_settings(tenant: &TenantId) -> Key {
    Key::new(tenant_pk(tenant), "SETTINGS#TRACKING")
}

/// An open WebSocket connection (global: $disconnect knows only the connection id).
pub fn ws_connection(connection: &str) -> Key {
    Key::new(format!("WSCONN#{connection}"), "CONN")
}

/// The partition of a route's live subscribers (ops consoles, tracking pages of its orders).
pub fn ws_route_subscribers(tenant: &TenantId, route: &RouteId) -> String {
    format!("TENANT#{tenant}#WSSUB#ROUTE#{route}")
}

/// The partition of an order's tracking-page subscribers.
pub fn ws_order_subscribers(tenant: &TenantId, order: &OrderId) -> String {
    format!("TENANT#{tenant}#WSSUB#ORDER#{order}")
}

/// The partition of a user's open WebSockets (ops consoles, driver apps): ending the user's
/// access closes them.
pub fn ws_user_connections(tenant: &TenantId, user: &UserId) -> String {
    format!("TENANT#{tenant}#WSSUB#USER#{user}")
}

/// One subscriber in a subscribers partition.
pub fn ws_subscription(partition: &str, connection: &str) -> Key {
    Key::new(partition.to_string(), format!("CONN#{connection}"))
}

/// A CSV import job (status, counters, checkpoint); its per-chunk report items share the
/// partition.
pub fn import_job(tenant: &TenantId, job: &str) -> Key {
    Key::new(import_pk(tenant, job), "IMPORT")
}

pub fn import_pk(tenant: &TenantId, job: &str) -> String {
    format!("TENANT#{tenant}#IMPORT#{job}")
}

pub const IMPORT_CHUNK_PREFIX: &str = "CHUNK#";
/// The report of one chunk of an import, by its first row's offset (zero-padded: sorts in
/// file order).
pub fn import_chunk(tenant: &TenantId, job: &str, offset: u32) -> Key {
    Key::new(
        import_pk(tenant, job),
        format!("{IMPORT_CHUNK_PREFIX}{offset:06}"),
    )
}

/// GSI1: a tenant's import jobs, newest first by id.
pub fn gsi1_imports(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#IMPORTS")
}

/// One webhook delivery attempt.
pub fn delivery(tenant: &TenantId, delivery: &str) -> Key {
    Key::new(format!("TENANT#{tenant}#DELIVERY#{delivery}"), "DELIVERY")
}

/// GSI1: a tenant's webhook deliveries, newest first.
pub fn gsi1_deliveries(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#DELIVERIES")
}

pub const DEAD_LETTER_PREFIX: &str = "DEAD#";
/// One webhook message the dispatcher gave up on, in its tenant's dead-letter partition
/// (read by that tenant's DLQ replay only), by a ULID: oldest first.
pub fn webhook_dead_letter(tenant: &TenantId, id: &str) -> Key {
    Key::new(
        webhook_dead_letters_pk(tenant),
        format!("{DEAD_LETTER_PREFIX}{id}"),
    )
}

/// The partition of a tenant's webhook dead letters.
pub fn webhook_dead_letters_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#WEBHOOK_DLQ")
}

/// GSI1: a tenant's orders, newest first by id (ULIDs sort by creation time).
pub fn gsi1_orders(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#ORDERS")
}

/// GSI2: a tenant's orders in one status.
pub fn gsi2_orders_by_status(tenant: &TenantId, status: OrderStatus) -> String {
    format!("TENANT#{tenant}#ORDERS#{}", status.as_str())
}

/// GSI1: a tenant's exceptions, newest first; also the lookup of an exception by id.
pub fn gsi1_exceptions(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#EXCEPTIONS")
}

/// GSI2: a tenant's exceptions in one status.
pub fn gsi2_exceptions_by_status(tenant: &TenantId, status: ExceptionStatus) -> String {
    format!("TENANT#{tenant}#EXCEPTIONS#{}", status.as_str())
}

/// GSI1: a tenant's event log, newest first.
pub fn gsi1_events(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#EVENTS")
}

/// GSI2 (sparse): events still waiting to be published, by when they are due, spread over
/// [`OUTBOX_SHARDS`] partitions so one busy tenant cannot throttle the index for all.
/// Removed once the relay has published them.
pub const OUTBOX_SHARDS: u32 = 8;

pub fn gsi2_outbox_pending(event: &EventId) -> String {
    gsi2_outbox_shard(outbox_shard(event))
}

/// The outbox shard of an event (stable: a hash of its id).
fn outbox_shard(event: &EventId) -> u32 {
    event
        .as_str()
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % OUTBOX_SHARDS
}

pub fn gsi2_outbox_shard(shard: u32) -> String {
    format!("OUTBOX#PENDING#{shard}")
}

/// GSI2 (sparse): events whose publishing gave up (FAILED), by when, over the same shards,
/// so an operator can find and retry them across tenants.
pub fn gsi2_outbox_failed(event: &EventId) -> String {
    gsi2_outbox_failed_shard(outbox_shard(event))
}

pub fn gsi2_outbox_failed_shard(shard: u32) -> String {
    format!("OUTBOX#FAILED#{shard}")
}

/// The ops dashboard's counters (crate::stats): each spread over [`STATS_SHARDS`] items of one
/// partition, so that concurrent transactions (an import's rows, drivers' moves) rarely meet
/// on one item; a transaction updates one shard of each counter it touches, and a reader
/// sums the partition (one Query).
pub const STATS_SHARDS: u32 = 8;

/// The partition of a tenant's counts of orders created on `date` (YYYY-MM-DD), by status.
pub fn day_stats_pk(tenant: &TenantId, date: &str) -> String {
    format!("TENANT#{tenant}#STATS#DAY#{date}")
}

pub fn day_stats(tenant: &TenantId, date: &str, shard: u32) -> Key {
    Key::new(day_stats_pk(tenant, date), format!("SHARD#{shard}"))
}

/// The partition of a tenant's counts of OPEN exceptions, by type (tenant-wide).
pub fn exception_stats_pk(tenant: &TenantId) -> String {
    format!("TENANT#{tenant}#STATS#EXCEPTIONS")
}

pub fn exception_stats(tenant: &TenantId, shard: u32) -> Key {
    Key::new(exception_stats_pk(tenant), format!("SHARD#{shard}"))
}

/// The counter shard a transaction writes, from an id it carries (stable: a hash of it).
pub fn stats_shard(seed: &str) -> u32 {
    seed.bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % STATS_SHARDS
}

/// A scheduled job's state between runs (outside every tenant's partitions: the job's own).
pub fn job_state(job: &str) -> Key {
    Key::new(format!("JOB#{job}"), "STATE")
}

/// The key a function reads once during init to open its DynamoDB connection; no item is ever
/// written under it (outside every tenant's partitions).
pub fn warm_up() -> Key {
    Key::new("WARMUP".into(), "WARMUP")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> TenantId {
        TenantId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5W")
    }

    #[test]
    fn warm_up_key() {
        let k = warm_up();
        assert_eq!((k.pk.as_str(), k.sk.as_str()), ("WARMUP", "WARMUP"));
        assert!(!k.pk.starts_with("TENANT#"));
    }

    #[test]
    fn tenant_key() {
        assert_eq!(
            tenant(&t()),
            Key {
                pk: "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W".into(),
                sk: "TENANT".into()
            }
        );
    }

    #[test]
    fn tenant_of_key() {
        let k = tenant(&t());
        assert_eq!(tenant_of(&k.pk, &k.sk), Some(t()));
        let u = user(&t(), &UserId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5X"));
        assert_eq!(tenant_of(&u.pk, &u.sk), None);
        let o = order(&t(), &OrderId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5Y"));
        assert_eq!(tenant_of(&o.pk, "TENANT"), None);
        assert_eq!(tenant_of("TENANT#", "TENANT"), None);
    }

    #[test]
    fn index_partition_attributes() {
        assert_eq!(index_pk_attr(GSI1), Some(GSI1PK));
        assert_eq!(index_pk_attr(GSI2), Some(GSI2PK));
        assert_eq!(index_pk_attr("GSI3"), None);
        // Small top-level attributes only, each once.
        for list in [GSI1_PROJECTED, GSI2_PROJECTED] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len());
            for big in ["order", "route", "payload", "exception", "delivery"] {
                assert!(!list.contains(&big), "{big} must not be projected");
            }
        }
    }

    #[test]
    fn slug_marker_key() {
        let k = slug_marker(&TenantSlug::parse("acme").unwrap());
        assert_eq!((k.pk.as_str(), k.sk.as_str()), ("SLUG#acme", "SLUG"));
    }

    #[test]
    fn email_marker_key() {
        let k = email_marker(&Email::parse("Ops@Acme.com").unwrap());
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("EMAIL#ops@acme.com", "EMAIL")
        );
    }

    #[test]
    fn user_key() {
        let k = user(&t(), &UserId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5X"));
        assert_eq!(k.pk, "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W");
        assert_eq!(k.sk, "USER#01JD3Q6Z8X4M2N7P5R9S1T3V5X");
        assert!(k.sk.starts_with(USER_PREFIX));
    }

    #[test]
    fn driver_key() {
        let k = driver(&t(), &DriverId::from_stored("D1"));
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W", "DRIVER#D1")
        );
        assert!(k.sk.starts_with(DRIVER_PREFIX));
    }

    #[test]
    fn vehicle_key() {
        let k = vehicle(&t(), &VehicleId::from_stored("V1"));
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W", "VEHICLE#V1")
        );
        assert!(k.sk.starts_with(VEHICLE_PREFIX));
    }

    #[test]
    fn plate_marker_key() {
        let k = plate_marker(&t(), &PlateNumber::parse("ka01ab1234").unwrap());
        assert_eq!(k.sk, "PLATE#KA01AB1234");
        assert!(k.pk.starts_with("TENANT#"));
    }

    #[test]
    fn pending_registration_key() {
        let k = pending_registration("ab12");
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("REGISTRATION#ab12", "REGISTRATION")
        );
    }

    #[test]
    fn signing_keys_key() {
        let k = signing_keys();
        assert_eq!((k.pk.as_str(), k.sk.as_str()), ("SIGNING_KEYS", "JWKS"));
    }

    #[test]
    fn ws_user_connections_key() {
        assert_eq!(
            ws_user_connections(&t(), &UserId::from_stored("U1")),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#WSSUB#USER#U1"
        );
    }

    #[test]
    fn token_family_key() {
        let k = token_family(&t(), &TokenFamilyId::from_stored("F1"));
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W", "RTFAM#F1")
        );
    }

    #[test]
    fn throttle_key_hashes_the_subject() {
        let k = throttle("login-email", "ops@acme.com");
        assert!(k.pk.starts_with("THROTTLE#login-email#"));
        assert_eq!(k.pk.len(), "THROTTLE#login-email#".len() + 32);
        assert!(!k.pk.contains("acme"));
        assert_eq!(k, throttle("login-email", "ops@acme.com"));
        assert_ne!(k, throttle("login-ip", "ops@acme.com"));
    }

    fn o() -> OrderId {
        OrderId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V60")
    }

    #[test]
    fn order_keys() {
        let k = order(&t(), &o());
        assert_eq!(
            k.pk,
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#ORDER#01JD3Q6Z8X4M2N7P5R9S1T3V60"
        );
        assert_eq!(k.sk, "ORDER");
        let h = history(&t(), &o(), "H1");
        assert_eq!((h.pk.as_str(), h.sk.as_str()), (k.pk.as_str(), "HIST#H1"));
        let f = delay_flag(&t(), &o());
        assert_eq!((f.pk.as_str(), f.sk.as_str()), (k.pk.as_str(), "DELAYFLAG"));
        let e = exception(&t(), &o(), &ExceptionId::from_stored("E1"));
        assert_eq!((e.pk.as_str(), e.sk.as_str()), (k.pk.as_str(), "EXC#E1"));
    }

    #[test]
    fn pod_and_location_keys() {
        let p = pod(&t(), &o());
        assert_eq!(p.pk, order(&t(), &o()).pk);
        assert_eq!(p.sk, "POD");
        let r = RouteId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V61");
        let l = route_location(&t(), &r);
        assert_eq!(l.pk, route(&t(), &r).pk);
        assert_eq!(l.sk, "LOCATION");
        let s = tracking_settings(&t());
        assert_eq!(
            (s.pk.as_str(), s.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W", "SETTINGS#TRACKING")
        );
    }

    #[test]
    fn websocket_keys() {
        let c = ws_connection("abcDEF=");
        assert_eq!((c.pk.as_str(), c.sk.as_str()), ("WSCONN#abcDEF=", "CONN"));
        let r = RouteId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V61");
        let rp = ws_route_subscribers(&t(), &r);
        assert_eq!(
            rp,
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#WSSUB#ROUTE#01JD3Q6Z8X4M2N7P5R9S1T3V61"
        );
        let op = ws_order_subscribers(&t(), &o());
        assert_eq!(
            op,
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#WSSUB#ORDER#01JD3Q6Z8X4M2N7P5R9S1T3V60"
        );
        let sub = ws_subscription(&rp, "abc");
        assert_eq!(
            (sub.pk.as_str(), sub.sk.as_str()),
            (rp.as_str(), "CONN#abc")
        );
    }

    #[test]
    fn tracking_marker_key() {
        let k = tracking_marker(&TrackingToken::from_stored("abc"));
        assert_eq!((k.pk.as_str(), k.sk.as_str()), ("TRACK#abc", "TRACK"));
    }

    #[test]
    fn reference_marker_key() {
        let k = reference_marker(&t(), &ReferenceCode::parse("cf-10021").unwrap());
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#REF#CF-10021", "REF")
        );
    }

    #[test]
    fn event_and_idempotency_keys() {
        let k = event(&t(), &EventId::from_stored("EV1"));
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#EVENT#EV1", "EVENT")
        );
        let k = idempotency(&t(), "abc");
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#IDEMP#abc", "IDEMP")
        );
    }

    #[test]
    fn route_keys() {
        let k = route(&t(), &RouteId::from_stored("R1"));
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#ROUTE#R1", "ROUTE")
        );
        let m = driver_day_marker(&t(), &DriverId::from_stored("D1"), "2026-11-23");
        assert_eq!(
            (m.pk.as_str(), m.sk.as_str()),
            (
                "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#DRIVERDAY#D1#2026-11-23",
                "DRIVERDAY"
            )
        );
        assert_eq!(
            gsi1_routes(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#ROUTES"
        );
        assert_eq!(
            gsi2_driver_routes(&t(), &DriverId::from_stored("D1")),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#DRIVER#D1#ROUTES"
        );
    }

    #[test]
    fn job_state_key() {
        let k = job_state("detect-delays");
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("JOB#detect-delays", "STATE")
        );
    }

    #[test]
    fn webhook_keys() {
        let k = webhook_settings(&t());
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W", "SETTINGS#WEBHOOK")
        );
        let d = delivery(&t(), "D1");
        assert_eq!(
            (d.pk.as_str(), d.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#DELIVERY#D1", "DELIVERY")
        );
        assert_eq!(
            gsi1_deliveries(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#DELIVERIES"
        );
        let dl = webhook_dead_letter(&t(), "01JD3Q6Z8X4M2N7P5R9S1T3V5X");
        assert_eq!(
            (dl.pk.as_str(), dl.sk.as_str()),
            (
                "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#WEBHOOK_DLQ",
                "DEAD#01JD3Q6Z8X4M2N7P5R9S1T3V5X"
            )
        );
        assert!(dl.sk.starts_with(DEAD_LETTER_PREFIX));
        assert_eq!(dl.pk, webhook_dead_letters_pk(&t()));
    }

    #[test]
    fn index_keys() {
        assert_eq!(
            gsi1_orders(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#ORDERS"
        );
        assert_eq!(
            gsi2_orders_by_status(&t(), OrderStatus::InTransit),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#ORDERS#IN_TRANSIT"
        );
        assert_eq!(
            gsi1_exceptions(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#EXCEPTIONS"
        );
        assert_eq!(
            gsi2_exceptions_by_status(&t(), ExceptionStatus::Open),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#EXCEPTIONS#OPEN"
        );
        assert_eq!(
            gsi1_events(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#EVENTS"
        );
        let shard = gsi2_outbox_pending(&EventId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5W"));
        assert!(shard.starts_with("OUTBOX#PENDING#"));
        assert_eq!(
            shard,
            gsi2_outbox_pending(&EventId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5W")),
            "stable per event"
        );
        let e = EventId::from_stored("01JD3Q6Z8X4M2N7P5R9S1T3V5W");
        assert_eq!(
            gsi2_outbox_failed(&e),
            gsi2_outbox_pending(&e).replace("PENDING", "FAILED"),
            "a failed event keeps its shard"
        );
        assert_eq!(gsi2_outbox_failed_shard(3), "OUTBOX#FAILED#3");
        let shards: std::collections::HashSet<String> = (0..200)
            .map(|_| gsi2_outbox_pending(&EventId::generate()))
            .collect();
        assert_eq!(
            shards.len(),
            OUTBOX_SHARDS as usize,
            "events spread over every shard"
        );
        // a status-partition never collides with the all-orders partition's prefix queries
        assert_ne!(
            gsi2_orders_by_status(&t(), OrderStatus::Created),
            gsi1_orders(&t())
        );
    }

    #[test]
    fn stats_keys() {
        let k = day_stats(&t(), "2026-11-20", 3);
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            (
                "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#STATS#DAY#2026-11-20",
                "SHARD#3"
            )
        );
        assert_eq!(k.pk, day_stats_pk(&t(), "2026-11-20"));
        let e = exception_stats(&t(), 0);
        assert_eq!(
            (e.pk.as_str(), e.sk.as_str()),
            (
                "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#STATS#EXCEPTIONS",
                "SHARD#0"
            )
        );
        assert_eq!(e.pk, exception_stats_pk(&t()));
        // Days and the exception counters never share a partition.
        assert_ne!(day_stats_pk(&t(), "EXCEPTIONS"), exception_stats_pk(&t()));
        let id = "01JD3Q6Z8X4M2N7P5R9S1T3V60";
        assert_eq!(stats_shard(id), stats_shard(id), "stable per id");
        let shards: std::collections::HashSet<u32> = (0..200)
            .map(|_| stats_shard(OrderId::generate().as_str()))
            .collect();
        assert_eq!(
            shards.len(),
            STATS_SHARDS as usize,
            "ids spread over every shard"
        );
    }

    #[test]
    fn import_keys() {
        let k = import_job(&t(), "J1");
        assert_eq!(
            (k.pk.as_str(), k.sk.as_str()),
            ("TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#IMPORT#J1", "IMPORT")
        );
        let c = import_chunk(&t(), "J1", 250);
        assert_eq!(
            (c.pk.as_str(), c.sk.as_str()),
            (k.pk.as_str(), "CHUNK#000250")
        );
        assert!(import_chunk(&t(), "J1", 9750).sk > import_chunk(&t(), "J1", 250).sk);
        assert_eq!(
            gsi1_imports(&t()),
            "TENANT#01JD3Q6Z8X4M2N7P5R9S1T3V5W#IMPORTS"
        );
    }

    #[test]
    fn tenant_owned_keys_lead_with_the_tenant() {
        let tid = t();
        for k in [
            tenant(&tid),
            user(&tid, &UserId::generate()),
            driver(&tid, &DriverId::generate()),
            vehicle(&tid, &VehicleId::generate()),
            plate_marker(&tid, &PlateNumber::parse("AB12").unwrap()),
            token_family(&tid, &TokenFamilyId::generate()),
            order(&tid, &OrderId::generate()),
            history(&tid, &OrderId::generate(), "H"),
            exception(&tid, &OrderId::generate(), &ExceptionId::generate()),
            reference_marker(&tid, &ReferenceCode::parse("R1").unwrap()),
            event(&tid, &EventId::generate()),
            idempotency(&tid, "h"),
            route(&tid, &RouteId::generate()),
            driver_day_marker(&tid, &DriverId::generate(), "2026-11-23"),
            import_job(&tid, "J"),
            import_chunk(&tid, "J", 0),
            day_stats(&tid, "2026-11-20", 0),
            exception_stats(&tid, 0),
        ] {
            assert!(k.pk.starts_with(&format!("TENANT#{tid}")), "{k:?}");
        }
    }
}
