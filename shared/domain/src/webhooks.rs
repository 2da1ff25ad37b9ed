//! Webhooks, pure: the tenant's settings, Standard Webhooks secrets and signatures, the URL
//! rules (SSRF), and the retry schedule.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::events::EventType;

/// How long a replaced secret keeps signing (both signatures are sent meanwhile).
pub const ROTATION_GRACE: time::Duration = time::Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookSettings {
    pub enabled: bool,
    pub url: Option<String>,
    /// Subscribed event types; `*` for all.
    pub events: Vec<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub previous_valid_until: Option<OffsetDateTime>,
    /// Why CargoFlow switched the endpoint off (a 410 from the receiver).
    pub disabled_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

impl WebhookSettings {
    pub fn subscribed(&self, event_type: &str) -> bool {
        self.events.iter().any(|e| e == "*" || e == event_type)
    }

    /// The secrets to sign with now: the current one, and the previous during its grace.
    pub fn signing_secrets(&self, now: OffsetDateTime) -> Vec<&str> {
        let mut s = vec![self.secret.as_str()];
        if let (Some(prev), Some(until)) = (&self.previous_secret, self.previous_valid_until)
            && now < until
        {
            s.push(prev);
        }
        s
    }
}

/// What the API shows of the settings: never the secret, only its last characters.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookSettingsView {
    pub enabled: bool,
    pub url: Option<String>,
    pub events: Vec<String>,
    /// The last 4 characters of the current secret.
    pub secret_last4: String,
    /// Until when the previous secret still signs (after a rotation).
    #[serde(with = "time::serde::rfc3339::option")]
    pub previous_secret_valid_until: Option<OffsetDateTime>,
    pub disabled_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<&WebhookSettings> for WebhookSettingsView {
    fn from(s: &WebhookSettings) -> Self {
        let n = s.secret.chars().count();
        Self {
            enabled: s.enabled,
            url: s.url.clone(),
            events: s.events.clone(),
            secret_last4: s.secret.chars().skip(n.saturating_sub(4)).collect(),
            previous_secret_valid_until: s.previous_valid_until,
            disabled_reason: s.disabled_reason.clone(),
            updated_at: s.updated_at,
        }
    }
}

/// One delivery attempt of one event to a tenant's URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// 1 for the first try.
    pub attempt: u32,
    /// `delivered`, `retrying`, `failed` (no more tries: the message goes to the DLQ or the
    /// receiver refused it for good), `disabled` (410: the endpoint was switched off).
    pub outcome: String,
    pub status_code: Option<u16>,
    pub latency_ms: Option<u64>,
    pub error: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_retry_at: Option<OffsetDateTime>,
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A new secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!("whsec_{}", B64.encode(bytes))
}

/// Checks a secret a tenant supplies: a Standard Webhooks secret (`whsec_` + base64 of 24-64
/// bytes), or any other string of 16-128 visible characters (used as UTF-8 bytes).
pub fn parse_secret(raw: &str) -> Result<String, String> {
    if let Some(b64) = raw.strip_prefix("whsec_") {
        return match B64.decode(b64) {
            Ok(k) if (24..=64).contains(&k.len()) => Ok(raw.to_string()),
            _ => Err("a whsec_ secret must be base64 of 24 to 64 bytes".into()),
        };
    }
    if (16..=128).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_graphic()) {
        Ok(raw.to_string())
    } else {
        Err("must be whsec_ + base64 of 24-64 bytes, or 16-128 visible characters".into())
    }
}

fn key_bytes(secret: &str) -> Vec<u8> {
    match secret
        .strip_prefix("whsec_")
        .and_then(|b| B64.decode(b).ok())
    {
        Some(k) => k,
        None => secret.as_bytes().to_vec(),
    }
}

/// Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key_bytes(secret))
        .expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body.as_bytes());
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// The `webhook-signature` header: one signature per secret, space-separated.
pub fn signature_header(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> String {
    secrets
        .iter()
        .map(|s| sign(s, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_events(raw: &[String]) -> Result<Vec<String>, String> {
    if raw.is_empty() {
        return Err("list at least one event type, or \"*\" for all".into());
    }
    let known: Vec<&str> = EventType::ALL
        .iter()
        .map(|t| t.as_str())
        .chain(["pod.created"])
        .collect();
    for e in raw {
        if e != "*" && !known.contains(&e.as_str()) {
            return Err(format!("unknown event type {e}"));
        }
    }
    let mut v = raw.to_vec();
    v.sort();
    v.dedup();
    Ok(v)
}

/// Addresses a webhook must never reach: loopback, private, link-local (cloud metadata at
/// 169.254.169.254 among them), unspecified, multicast, CGNAT, unique-local IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..=127).contains(&o[1]))
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// Whether a resolved address may be called: public ones always, loopback only when the
/// deployment allows it (local development and tests).
pub fn address_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    !is_internal(ip) || (allow_loopback && ip.is_loopback())
}

/// Checks a webhook URL when it is saved: http(s) only (https unless `allow_http`), no
/// credentials, a host, and no internal IP literal. Host names are checked again, resolved,
/// at every delivery.
pub fn check_url(raw: &str, allow_http: bool, allow_loopback: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.len() > 2048 {
        return Err("must be at most 2048 characters".into());
    }
    let (scheme, rest) = raw
        .split_once("://")
        .ok_or("must be an absolute http(s) URL")?;
    match scheme.to_ascii_lowercase().as_str() {
        "https" => {}
        "http" if allow_http => {}
        "http" => return Err("must use https".into()),
        _ => return Err("must be an http(s) URL".into()),
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("must not carry credentials".into());
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority
            .rsplit_once(':')
            .map(|(h, _)| h)
            .unwrap_or(authority)
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must name a host".into());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        if !address_allowed(ip, allow_loopback) {
            return Err("must not point at a private, loopback or link-local address".into());
        }
    } else if host.eq_ignore_ascii_case("localhost") && !allow_loopback {
        return Err("must not point at a private, loopback or link-local address".into());
    }
    Ok(raw.to_string())
}

/// The delay before each retry (attempt 2, 3, ...), e.g. `0,5,300,1800,7200,18000,36000,36000`:
/// attempt n waits `schedule[n-1]` seconds after attempt n-1 failed.
pub fn parse_schedule(raw: &str) -> Result<Vec<u64>, String> {
    let v: Result<Vec<u64>, _> = raw.split(',').map(|s| s.trim().parse::<u64>()).collect();
    match v {
        Ok(v) if !v.is_empty() && v.iter().all(|s| *s <= 43_200) => Ok(v),
        _ => Err("must be comma-separated seconds, each at most 43200".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_signature_vector() {
        // The example from the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let ts = 1614265330;
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(secret, id, ts, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn secrets() {
        let s = generate_secret();
        assert!(s.starts_with("whsec_"));
        assert!(parse_secret(&s).is_ok());
        assert!(parse_secret("whsec_AAAA").is_err());
        assert!(parse_secret("shared-secret-1234").is_ok());
        assert!(parse_secret("short").is_err());
        let ws = WebhookSettings {
            enabled: true,
            url: None,
            events: vec!["*".into()],
            secret: "whsec_new".into(),
            previous_secret: Some("whsec_old".into()),
            previous_valid_until: Some(crate::time_util::now() + time::Duration::hours(1)),
            disabled_reason: None,
            updated_at: crate::time_util::now(),
            version: 1,
        };
        assert_eq!(ws.signing_secrets(crate::time_util::now()).len(), 2);
        assert_eq!(
            ws.signing_secrets(crate::time_util::now() + time::Duration::hours(2))
                .len(),
            1
        );
        assert_eq!(WebhookSettingsView::from(&ws).secret_last4, "_new");
        assert_eq!(
            signature_header(
                &["a-secret-of-16chars", "b-secret-of-16chars"],
                "i",
                1,
                "{}"
            )
            .split(' ')
            .count(),
            2
        );
    }

    #[test]
    fn ssrf_rules() {
        for bad in [
            "http://127.0.0.1/x",
            "https://10.0.0.5/",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/",
            "https://192.168.1.1:8443/h",
            "https://localhost/",
            "https://user:pw@example.com/",
            "ftp://example.com/",
            "https://100.64.0.1/",
            "https://[fd00::1]/",
            "https://0.0.0.0/",
        ] {
            assert!(check_url(bad, true, false).is_err(), "{bad}");
        }
        assert!(
            check_url("http://example.com/hook", false, false).is_err(),
            "https outside development"
        );
        assert!(check_url("https://example.com/hook", false, false).is_ok());
        assert!(
            check_url("http://127.0.0.1:9000/hook", true, true).is_ok(),
            "loopback when allowed"
        );
        assert!(
            check_url("http://10.0.0.1/hook", true, true).is_err(),
            "private stays refused"
        );
        assert!(!address_allowed("169.254.169.254".parse().unwrap(), true));
        assert!(address_allowed("93.184.216.34".parse().unwrap(), false));
        assert!(!address_allowed("::ffff:127.0.0.1".parse().unwrap(), false));
    }

    #[test]
    fn events_and_schedule() {
        assert!(parse_events(&["order.status_changed".into(), "pod.created".into()]).is_ok());
        assert!(parse_events(&["*".into()]).is_ok());
        assert!(parse_events(&["order.exploded".into()]).is_err());
        assert!(parse_events(&[]).is_err());
        assert_eq!(parse_schedule("0,5,300").unwrap(), vec![0, 5, 300]);
        assert!(parse_schedule("1,x").is_err());
        assert!(parse_schedule("50000").is_err());
    }
}
