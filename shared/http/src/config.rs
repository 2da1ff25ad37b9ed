//! Every setting comes from the environment, with a documented default for local use
//! (.env.example lists them all; template.yaml sets the same variables in AWS).

use std::env;

#[derive(Clone)]
pub struct AppConfig {
    /// `TABLE_NAME`: the single DynamoDB table.
    pub table_name: String,
    /// `SIGNING_KEY_SECRET_ID`: the Secrets Manager secret (name or ARN) holding the token
    /// signing key. Only the issuing functions (register, login, refresh) may read it; every
    /// other function verifies with the published public keys.
    pub signing_key_secret_id: String,
    /// `SIGNING_KEY_RELOAD_SECS`: how often an issuer re-reads the secret, so a rotation takes
    /// effect without a deploy (default 300).
    pub signing_key_reload_secs: u64,
    /// `AUTH_STATE_CACHE_SECS`: how long an instance trusts a caller's session state (epoch,
    /// active): deactivating or demoting a user takes effect within this (default 5).
    pub auth_state_cache_secs: u64,
    /// `REFRESH_GRACE_SECS`: a refresh token presented again this soon after it was rotated
    /// (a lost response) gets the same successor instead of revoking the session (default 30).
    pub refresh_grace_secs: i64,
    /// `JWT_ISSUER` (default `cargoflow`).
    pub jwt_issuer: String,
    /// `ACCESS_TOKEN_TTL_SECS` (default 900).
    pub access_ttl_secs: i64,
    /// `REFRESH_TOKEN_TTL_SECS` (default 1,209,600: 14 days).
    pub refresh_ttl_secs: i64,
    /// `SESSION_MAX_SECS`: a login session ends this long after the login, however often it
    /// is refreshed (default 2,592,000: 30 days).
    pub session_max_secs: i64,
    /// `LOGIN_MAX_FAILURES` per account or client address within the window (default 5 per
    /// account, 4x that per address).
    pub login_max_failures: u64,
    /// `LOGIN_WINDOW_SECS` (default 900).
    pub login_window_secs: i64,
    /// `LOGIN_BLOCK_SECS`: the first block of an account from one address, or of an address
    /// (default 60); each further block in a row doubles, up to `LOGIN_BLOCK_MAX_SECS`
    /// (default 3,600).
    pub login_block_secs: i64,
    pub login_block_max_secs: i64,
    /// `EMAIL_FROM`: the sender of transactional email (an SES identity; default
    /// `no-reply@cargoflow.local`).
    pub email_from: String,
    /// `WEB_URL`: the web apps' public origin, for links in email (default
    /// `http://127.0.0.1:3000`, the local host).
    pub web_url: String,
    /// `REGISTRATION_TTL_SECS`: how long a registration waits for its email to be confirmed
    /// (default 86,400).
    pub registration_ttl_secs: i64,
    /// `REGISTER_LIMIT_PER_CLIENT`: registrations an address may start per hour (default 5).
    pub register_limit_per_client: u64,
    /// `REGISTER_LIMIT_PER_EMAIL`: verification emails one address may receive per hour
    /// (default 3): registration cannot be used to flood someone's inbox.
    pub register_limit_per_email: u64,
    /// `MAX_BODY_BYTES` for JSON bodies (default 262,144).
    pub max_body_bytes: usize,
    /// `SPEED_KMH_BIKE`, `_CAR`, `_VAN`, `_TRUCK`: average road speeds for ETAs (default 20, 30, 28, 25).
    pub speed_kmh: [f64; 4],
    /// `STOP_SERVICE_SECS`: time spent at each stop, for ETAs (default 300).
    pub stop_service_secs: i64,
    /// `DELAY_MARGIN_SECS`: how late past a drop window or ETA an order must be before the
    /// delay job raises a DELAY exception (default 900).
    pub delay_margin_secs: i64,
    /// `REMINDER_LEAD_SECS`: routes starting within this many seconds get a reminder (default 3600).
    pub reminder_lead_secs: i64,
    /// `EVENT_BUS_NAME`: the EventBridge bus events are published to.
    pub event_bus_name: String,
    /// `SWEEP_AFTER_SECS`: the sweeper republishes events still PENDING this long after they
    /// were due (default 60).
    pub sweep_after_secs: i64,
    /// Publishing attempts of an event before it is FAILED (alarm, retried by hand).
    pub outbox_max_attempts: u32,
    /// The first retry's delay; each next one doubles, at most an hour.
    pub outbox_retry_base_secs: i64,
    /// `WEBHOOK_ALLOW_HTTP`: accept http:// webhook URLs (development only; default false).
    pub webhook_allow_http: bool,
    /// `WEBHOOK_ALLOW_LOOPBACK`: accept loopback webhook URLs (development and tests only;
    /// default false). Private and link-local addresses are refused regardless.
    pub webhook_allow_loopback: bool,
    /// `WEBHOOK_RETRY_SCHEDULE_SECS`: delay before each attempt (default
    /// `0,5,300,1800,7200,18000,36000,36000`: 8 attempts, as the queue's maxReceiveCount).
    pub webhook_retry_schedule: Vec<u64>,
    /// `WEBHOOK_TIMEOUT_SECS`: per delivery (default 10).
    pub webhook_timeout_secs: u64,
    /// `IMPORT_QUEUE_URL` (set by template.yaml); when empty, resolved from `IMPORT_QUEUE_NAME`
    /// (default `cargoflow-imports`).
    pub import_queue_url: String,
    pub import_queue_name: String,
    /// `IMPORT_WORKER_BUDGET_SECS`: how long one import-worker invocation works before it queues
    /// the job again (default 780; the function's timeout is 900).
    pub import_worker_budget_secs: u64,
    /// `WEBHOOK_QUEUE_URL` / `WEBHOOK_DLQ_URL` (set by template.yaml); when empty, resolved from
    /// `WEBHOOK_QUEUE_NAME` / `WEBHOOK_DLQ_NAME`.
    pub webhook_queue_url: String,
    pub webhook_dlq_url: String,
    pub webhook_queue_name: String,
    pub webhook_dlq_name: String,
    /// `POD_BUCKET`: the bucket for proof-of-delivery photos and signatures.
    pub pod_bucket: String,
    /// `S3_FORCE_PATH_STYLE`: path-style S3 URLs, for endpoints without bucket subdomains
    /// (default false).
    pub s3_force_path_style: bool,
    /// `POD_UPLOAD_URL_SECS`: lifetime of a presigned upload (default 600, at most 900).
    pub pod_upload_url_secs: u64,
    /// `POD_VIEW_URL_SECS`: lifetime of a presigned download for ops and the tracking page
    /// (default 300, at most 900).
    pub pod_view_url_secs: u64,
    /// `TRACKING_CACHE_SECS`: `Cache-Control: max-age` of the public tracking answer (default 15).
    pub tracking_cache_secs: u64,
    /// `TRACKING_LIMIT_PER_TOKEN` (per link and client address) / `TRACKING_LIMIT_PER_ADDRESS`
    /// requests a minute (default 60 / 300).
    pub tracking_limit_per_token: u64,
    pub tracking_limit_per_address: u64,
    /// `DRIVER_STATUS_LIMIT`: a driver's status and POD requests a minute (default 60).
    pub driver_status_limit: u64,
    /// `LOCATION_MIN_INTERVAL_MS`: least time between two stored locations of a route (default 2000).
    pub location_min_interval_ms: i64,
    /// `ETA_REFRESH_SECS`: a route's ETAs are recomputed from its live location at most this
    /// often (default 60).
    pub eta_refresh_secs: i64,
    /// `WEBSOCKET_MANAGEMENT_URL`: the WebSocket API's management endpoint
    /// (`https://{api}.execute-api.{region}.amazonaws.com/{stage}`; the local host's URL locally).
    pub websocket_management_url: String,
    /// `WEBSOCKET_CONNECTION_TTL_SECS`: connection records expire after (default 7200, as API
    /// Gateway's connection limit).
    pub websocket_connection_ttl_secs: i64,
    /// `TRACKING_LIVE_STOPS`: a tracking page shows the driver's position only while its
    /// order's drop is within this many of the route's remaining stops (default 1: the drop is
    /// the next stop); before that, the ETA only.
    pub tracking_live_stops: usize,
    /// `TRACKING_SOCKETS_PER_LINK`: open WebSockets per tracking link; the next connect closes
    /// the oldest (default 3).
    pub tracking_sockets_per_link: usize,
    /// `LIVE_FANOUT_MAX`: most connections one live push (a location, an event) reaches
    /// (default 50).
    pub live_fanout_max: usize,
    /// `WARM_UP_TIMEOUT_MS`: during init, one GetItem of a key that never exists opens the
    /// DynamoDB connection (TLS, credentials) before the first request; waits at most this
    /// long (default 1000; 0 turns the warm-up off).
    pub warm_up_timeout_ms: u64,
    /// `ORIGIN_VERIFY_SHA256`: hex SHA-256 of the secret CloudFront's API origin sends in
    /// `X-Origin-Verify` (template.yaml). Set, every HTTP request must carry the secret (403
    /// otherwise) and the client's address is CloudFront's viewer address; set empty, nothing
    /// is checked and the client is API Gateway's source address. Unset: off inside Lambda,
    /// and outside it the hash of the local host's `LOCAL_ORIGIN_SECRET` (the local host
    /// plays CloudFront).
    pub origin_verify_sha256: Option<[u8; 32]>,
}

impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("table_name", &self.table_name)
            .field("jwt_issuer", &self.jwt_issuer)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{0} is not valid: {1}")]
    Invalid(&'static str, String),
}

fn var(name: &'static str, default: &str) -> String {
    env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn num<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError> {
    match env::var(name) {
        Ok(v) if !v.is_empty() => v.parse().map_err(|_| ConfigError::Invalid(name, v)),
        _ => Ok(default),
    }
}

impl AppConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: var("TABLE_NAME", "cargoflow-local"),
            signing_key_secret_id: var("SIGNING_KEY_SECRET_ID", "cargoflow-signing-key-local"),
            signing_key_reload_secs: num("SIGNING_KEY_RELOAD_SECS", 300)?,
            auth_state_cache_secs: num("AUTH_STATE_CACHE_SECS", 5)?,
            refresh_grace_secs: num("REFRESH_GRACE_SECS", 30)?,
            jwt_issuer: var("JWT_ISSUER", "cargoflow"),
            access_ttl_secs: num("ACCESS_TOKEN_TTL_SECS", 900)?,
            refresh_ttl_secs: num("REFRESH_TOKEN_TTL_SECS", 1_209_600)?,
            session_max_secs: num("SESSION_MAX_SECS", 2_592_000)?,
            login_max_failures: num("LOGIN_MAX_FAILURES", 5)?,
            login_window_secs: num("LOGIN_WINDOW_SECS", 900)?,
            login_block_secs: num("LOGIN_BLOCK_SECS", 60)?,
            login_block_max_secs: num("LOGIN_BLOCK_MAX_SECS", 3600)?,
            email_from: var("EMAIL_FROM", "no-reply@cargoflow.local"),
            web_url: var("WEB_URL", "http://127.0.0.1:3000"),
            registration_ttl_secs: num("REGISTRATION_TTL_SECS", 86_400)?,
            register_limit_per_client: num("REGISTER_LIMIT_PER_CLIENT", 5)?,
            register_limit_per_email: num("REGISTER_LIMIT_PER_EMAIL", 3)?,
            max_body_bytes: num("MAX_BODY_BYTES", 262_144)?,
            speed_kmh: [
                num("SPEED_KMH_BIKE", 20.0)?,
                num("SPEED_KMH_CAR", 30.0)?,
                num("SPEED_KMH_VAN", 28.0)?,
                num("SPEED_KMH_TRUCK", 25.0)?,
            ],
            stop_service_secs: num("STOP_SERVICE_SECS", 300)?,
            delay_margin_secs: num("DELAY_MARGIN_SECS", 900)?,
            reminder_lead_secs: num("REMINDER_LEAD_SECS", 3600)?,
            event_bus_name: var("EVENT_BUS_NAME", "cargoflow-local"),
            sweep_after_secs: num("SWEEP_AFTER_SECS", 60)?,
            outbox_max_attempts: num("OUTBOX_MAX_ATTEMPTS", 10)?,
            outbox_retry_base_secs: num("OUTBOX_RETRY_BASE_SECS", 30)?,
            webhook_allow_http: num("WEBHOOK_ALLOW_HTTP", false)?,
            webhook_allow_loopback: num("WEBHOOK_ALLOW_LOOPBACK", false)?,
            webhook_retry_schedule: cargoflow_domain::webhooks::parse_schedule(&var(
                "WEBHOOK_RETRY_SCHEDULE_SECS",
                "0,5,300,1800,7200,18000,36000,36000",
            ))
            .map_err(|e| ConfigError::Invalid("WEBHOOK_RETRY_SCHEDULE_SECS", e))?,
            webhook_timeout_secs: num("WEBHOOK_TIMEOUT_SECS", 10)?,
            import_queue_url: var("IMPORT_QUEUE_URL", ""),
            import_queue_name: var("IMPORT_QUEUE_NAME", "cargoflow-imports"),
            import_worker_budget_secs: num("IMPORT_WORKER_BUDGET_SECS", 780)?,
            webhook_queue_url: var("WEBHOOK_QUEUE_URL", ""),
            webhook_dlq_url: var("WEBHOOK_DLQ_URL", ""),
            webhook_queue_name: var("WEBHOOK_QUEUE_NAME", "cargoflow-webhooks"),
            webhook_dlq_name: var("WEBHOOK_DLQ_NAME", "cargoflow-webhooks-dlq"),
            pod_bucket: var("POD_BUCKET", "cargoflow-pod-local"),
            s3_force_path_style: num("S3_FORCE_PATH_STYLE", false)?,
            pod_upload_url_secs: num::<u64>("POD_UPLOAD_URL_SECS", 600)?.min(900),
            pod_view_url_secs: num::<u64>("POD_VIEW_URL_SECS", 300)?.min(900),
            tracking_cache_secs: num("TRACKING_CACHE_SECS", 15)?,
            tracking_limit_per_token: num("TRACKING_LIMIT_PER_TOKEN", 60)?,
            tracking_limit_per_address: num("TRACKING_LIMIT_PER_ADDRESS", 300)?,
            driver_status_limit: num("DRIVER_STATUS_LIMIT", 60)?,
            location_min_interval_ms: num("LOCATION_MIN_INTERVAL_MS", 2000)?,
            eta_refresh_secs: num("ETA_REFRESH_SECS", 60)?,
            websocket_management_url: var("WEBSOCKET_MANAGEMENT_URL", ""),
            websocket_connection_ttl_secs: num("WEBSOCKET_CONNECTION_TTL_SECS", 7200)?,
            tracking_live_stops: num("TRACKING_LIVE_STOPS", 1)?,
            tracking_sockets_per_link: num::<usize>("TRACKING_SOCKETS_PER_LINK", 3)?.max(1),
            live_fanout_max: num::<usize>("LIVE_FANOUT_MAX", 50)?.max(1),
            warm_up_timeout_ms: num("WARM_UP_TIMEOUT_MS", 1000)?,
            origin_verify_sha256: origin_verify_sha256()?,
        })
    }
}

fn origin_verify_sha256() -> Result<Option<[u8; 32]>, ConfigError> {
    parse_origin_verify_sha256(
        env::var("ORIGIN_VERIFY_SHA256").ok().as_deref(),
        env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some(),
    )
}

/// `ORIGIN_VERIFY_SHA256` as set (`raw`): 64 hex digits, or empty for "no CloudFront"; unset,
/// off inside Lambda and the local host's secret's hash outside it.
fn parse_origin_verify_sha256(
    raw: Option<&str>,
    in_lambda: bool,
) -> Result<Option<[u8; 32]>, ConfigError> {
    const NAME: &str = "ORIGIN_VERIFY_SHA256";
    match raw.map(str::trim) {
        Some("") => Ok(None),
        Some(v) => {
            let bytes: Option<Vec<u8>> = (v.len() == 64)
                .then(|| {
                    (0..32)
                        .map(|i| u8::from_str_radix(v.get(2 * i..2 * i + 2)?, 16).ok())
                        .collect()
                })
                .flatten();
            bytes
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .map(Some)
                .ok_or_else(|| ConfigError::Invalid(NAME, "not 64 hex digits".into()))
        }
        None if in_lambda => Ok(None),
        None => Ok(Some(crate::request::origin_secret_hash(
            crate::request::LOCAL_ORIGIN_SECRET,
        ))),
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;

    #[test]
    fn origin_verify_hash_settings() {
        let local = crate::request::origin_secret_hash(crate::request::LOCAL_ORIGIN_SECRET);
        assert_eq!(
            parse_origin_verify_sha256(None, false).unwrap(),
            Some(local)
        );
        assert_eq!(parse_origin_verify_sha256(None, true).unwrap(), None);
        assert_eq!(parse_origin_verify_sha256(Some(" "), false).unwrap(), None);
        let hex: String = crate::request::origin_secret_hash("s")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            parse_origin_verify_sha256(Some(&hex.to_uppercase()), true).unwrap(),
            Some(crate::request::origin_secret_hash("s"))
        );
        for bad in [
            "abc",
            &hex[..62],
            &format!("{}zz", &hex[..62]),
            "é".repeat(32).as_str(),
        ] {
            assert!(
                parse_origin_verify_sha256(Some(bad), true).is_err(),
                "{bad}"
            );
        }
    }
}
