//! Webhooks, pure: the tenant's settings, Standard Webhooks secrets and signatures, the URL
//! rules (SSRF), and the retry schedule.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
    pub fn subscribed(&self, event_type: EventType) -> bool {
        self.events
            .iter()
            .any(|e| e == "*" || e == event_type.as_str())
    }

    /// Where an event of `event_type` goes: the URL, or why it is not sent at all.
    pub fn target(&self, event_type: EventType) -> Result<&str, Skip> {
        if !self.enabled {
            return Err(Skip::Disabled);
        }
        let url = self.url.as_deref().ok_or(Skip::NoUrl)?;
        if !self.subscribed(event_type) {
            return Err(Skip::NotSubscribed);
        }
        Ok(url)
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

/// Why an event is not sent to a tenant at all (no attempt, nothing recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The tenant never saved webhook settings (the dispatcher finds none).
    NoSettings,
    /// Switched off (by the tenant, or after a 410).
    Disabled,
    /// Enabled without a URL.
    NoUrl,
    /// The tenant does not subscribe to this event type.
    NotSubscribed,
}

/// What a recorded attempt came to: the `outcome` stored with it, listed by the API and
/// filtered on (`?outcome=`). The strings are the stored values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// The receiver answered 2xx.
    Delivered,
    /// It failed in a way worth retrying (429, 5xx, timeout, connection error) and attempts
    /// remain: `next_retry_at` says when.
    Retrying,
    /// No more tries: the receiver refused it for good (another 4xx), or the last attempt
    /// failed and the message went to the tenant's dead letters.
    Failed,
    /// 410 Gone: the endpoint was switched off.
    Disabled,
}

impl DeliveryOutcome {
    pub const ALL: [DeliveryOutcome; 4] = [
        DeliveryOutcome::Delivered,
        DeliveryOutcome::Retrying,
        DeliveryOutcome::Failed,
        DeliveryOutcome::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::Delivered => "delivered",
            DeliveryOutcome::Retrying => "retrying",
            DeliveryOutcome::Failed => "failed",
            DeliveryOutcome::Disabled => "disabled",
        }
    }

    pub fn parse(raw: &str) -> Option<DeliveryOutcome> {
        DeliveryOutcome::ALL.into_iter().find(|o| o.as_str() == raw)
    }
}

impl std::fmt::Display for DeliveryOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptFailure {
    /// The receiver answered with this status.
    Status(u16),
    /// No HTTP answer: timeout, connection or request error, or the URL refused before sending
    /// (the attempt's `error` says which).
    NoAnswer,
}

impl AttemptFailure {
    /// Worth another attempt: no answer, 429 or a 5xx.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            AttemptFailure::NoAnswer | AttemptFailure::Status(429 | 500..=599)
        )
    }
}

/// What one attempt's answer means for its message: the dispatcher records
/// [`AttemptVerdict::outcome`] and acts on the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptVerdict {
    /// 2xx: done.
    Delivered,
    /// Retryable and attempts remain: back on the queue after `delay_secs`.
    RetryLater {
        delay_secs: u64,
        reason: AttemptFailure,
    },
    /// Retryable, but this was the last attempt: into the tenant's dead letters.
    DeadLetter { reason: AttemptFailure },
    /// Refused for good (a 4xx other than 410 and 429, or any other non-2xx): not retried.
    Rejected { status: u16 },
    /// 410 Gone: the tenant's endpoint is switched off.
    Gone,
}

/// The longest wait before a retry (12 hours; SQS visibility allows at most 12).
pub const MAX_RETRY_DELAY_SECS: u64 = 43_200;

impl AttemptVerdict {
    /// Judges attempt number `attempt` (1 for the first) of a message, by its answer: the
    /// status (None: no answer) and the receiver's `Retry-After`, on the retry `schedule`
    /// ([`parse_schedule`]: attempt n+1 waits `schedule[n]` seconds; `schedule.len()` attempts
    /// in all). A retry waits the schedule's delay or the `Retry-After`, the longer.
    pub fn judge(
        status: Option<u16>,
        retry_after_secs: Option<u64>,
        attempt: u32,
        schedule: &[u64],
    ) -> AttemptVerdict {
        let reason = match status {
            Some(200..=299) => return AttemptVerdict::Delivered,
            Some(410) => return AttemptVerdict::Gone,
            Some(s) => AttemptFailure::Status(s),
            None => AttemptFailure::NoAnswer,
        };
        match reason {
            AttemptFailure::Status(status) if !reason.retryable() => {
                AttemptVerdict::Rejected { status }
            }
            _ if (attempt as usize) < schedule.len() => {
                let planned = schedule.get(attempt as usize).copied().unwrap_or(0);
                AttemptVerdict::RetryLater {
                    delay_secs: retry_after_secs
                        .unwrap_or(0)
                        .max(planned)
                        .min(MAX_RETRY_DELAY_SECS),
                    reason,
                }
            }
            _ => AttemptVerdict::DeadLetter { reason },
        }
    }

    /// What the attempt's record says.
    pub fn outcome(self) -> DeliveryOutcome {
        match self {
            AttemptVerdict::Delivered => DeliveryOutcome::Delivered,
            AttemptVerdict::RetryLater { .. } => DeliveryOutcome::Retrying,
            AttemptVerdict::DeadLetter { .. } | AttemptVerdict::Rejected { .. } => {
                DeliveryOutcome::Failed
            }
            AttemptVerdict::Gone => DeliveryOutcome::Disabled,
        }
    }

    /// When to try again, for a retry.
    pub fn next_retry_at(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            AttemptVerdict::RetryLater { delay_secs, .. } => {
                Some(now + time::Duration::seconds(delay_secs as i64))
            }
            _ => None,
        }
    }
}

/// Whether attempt number `attempt` lies past the schedule: the last one was made already (and
/// giving up did not finish), so the message is dead-lettered without another.
pub fn attempts_spent(attempt: u32, schedule: &[u64]) -> bool {
    attempt as usize > schedule.len()
}

/// One delivery attempt of one event to a tenant's URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// 1 for the first try.
    pub attempt: u32,
    /// `delivered`, `retrying`, `failed` (no more tries: the message goes to the tenant's dead
    /// letters or the receiver refused it for good), `disabled` (410: the endpoint was
    /// switched off).
    #[schema(value_type = String)]
    pub outcome: DeliveryOutcome,
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
/// 169.254.169.254 among them), unspecified, multicast, broadcast, CGNAT, documentation,
/// benchmarking (198.18.0.0/15), IETF protocol assignments (192.0.0.0/24), the 6to4 relay
/// anycast (192.88.99.0/24) and the reserved 240.0.0.0/4. For IPv6, only global unicast
/// (2000::/3) may be called, and not its special ranges: 6to4 (2002::/16), the IETF protocol
/// assignments with Teredo (2001::/23), documentation; outside 2000::/3 lie loopback,
/// unique-local, link-local, multicast, IPv4-compatible (::/96), NAT64 (64:ff9b::/96,
/// 64:ff9b:1::/48) and discard (100::/64). Translation prefixes are refused whole, so no IPv4
/// address can be reached through them; an IPv4-mapped address (::ffff:a.b.c.d) is judged by
/// its IPv4 address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_multicast()
        || v4.is_broadcast()
        || v4.is_documentation()
        // 0.0.0.0/8: "this network".
        || o[0] == 0
        // 100.64.0.0/10: carrier-grade NAT (`Ipv4Addr::is_shared` is not stable yet).
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        // 198.18.0.0/15: benchmarking (`is_benchmarking` is not stable yet).
        || (o[0] == 198 && (o[1] & 0xfe) == 18)
        // 192.0.0.0/24: IETF protocol assignments (DS-Lite, NAT64 discovery, ...).
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        // 192.88.99.0/24: the deprecated 6to4 relay anycast.
        || (o[0] == 192 && o[1] == 88 && o[2] == 99)
        // 240.0.0.0/4: reserved (`is_reserved` is not stable yet); 255.255.255.255 is in it.
        || o[0] >= 240
}

fn is_internal_v6(v6: Ipv6Addr) -> bool {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return is_internal_v4(v4);
    }
    let seg = v6.segments();
    // Only global unicast, 2000::/3.
    (seg[0] & 0xe000) != 0x2000
        // 2001::/23: IETF protocol assignments, Teredo (2001::/32) among them.
        || (seg[0] == 0x2001 && seg[1] < 0x0200)
        // 2001:db8::/32 and 3fff::/20: documentation.
        || (seg[0] == 0x2001 && seg[1] == 0x0db8)
        || (seg[0] == 0x3fff && seg[1] < 0x1000)
        // 2002::/16: 6to4, an IPv4 address in bits 16..48.
        || seg[0] == 0x2002
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

    fn internal(s: &str) -> bool {
        is_internal(s.parse().unwrap())
    }

    #[test]
    fn special_ipv4_ranges_are_internal() {
        for ip in [
            "198.18.0.1",
            "198.19.255.254",
            "192.0.0.1",
            "192.0.0.170",
            "192.88.99.1",
            "240.0.0.1",
            "250.1.2.3",
            "255.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "0.1.2.3",
        ] {
            assert!(internal(ip), "{ip}");
        }
        for ip in [
            "198.17.255.255",
            "198.20.0.1",
            "192.0.1.1",
            "100.128.0.1",
            "8.8.8.8",
        ] {
            assert!(!internal(ip), "{ip}");
        }
    }

    #[test]
    fn ipv6_translation_and_embedding_prefixes_are_internal() {
        for ip in [
            // NAT64, well-known and local-use prefixes, to private and public IPv4.
            "64:ff9b::10.0.0.1",
            "64:ff9b::169.254.169.254",
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::a00:1",
            // 6to4 of 10.0.0.1 and of a public address.
            "2002:a00:1::1",
            "2002:808:808::1",
            // Teredo: server 65.54.227.120, client 127.0.0.1 (obfuscated).
            "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2001:db8::1",
            "3fff::1",
            // IPv4-compatible and -mapped.
            "::10.0.0.1",
            "::8.8.8.8",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:198.18.0.1",
            "::ffff:240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "100::1",
        ] {
            assert!(internal(ip), "{ip}");
        }
        for ip in [
            "2606:4700::6810:84e5",
            "2a00:1450:4001:82a::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(!internal(ip), "{ip}");
        }
        assert!(!address_allowed("64:ff9b::7f00:1".parse().unwrap(), true));
        assert!(!address_allowed("2002:7f00:1::1".parse().unwrap(), true));
    }

    fn embeddings(v4: Ipv4Addr, tail: u16) -> Vec<Ipv6Addr> {
        let [a, b, c, d] = v4.octets();
        let hi = u16::from_be_bytes([a, b]);
        let lo = u16::from_be_bytes([c, d]);
        vec![
            v4.to_ipv6_mapped(),
            Ipv6Addr::new(0, 0, 0, 0, 0, 0, hi, lo),
            Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, hi, lo),
            Ipv6Addr::new(0x64, 0xff9b, 1, tail, 0, 0, hi, lo),
            Ipv6Addr::new(0x2002, hi, lo, tail, 0, 0, 0, 1),
            Ipv6Addr::new(0x2001, 0, 0x4136, 0xe378, 0x8000, tail, !hi, !lo),
        ]
    }

    proptest::proptest! {
        #[test]
        fn every_embedding_of_an_internal_ipv4_is_internal(
            raw in proptest::prelude::any::<u32>(),
            tail in proptest::prelude::any::<u16>(),
        ) {
            let v4 = Ipv4Addr::from(raw);
            if is_internal(IpAddr::V4(v4)) {
                for v6 in embeddings(v4, tail) {
                    proptest::prop_assert!(is_internal(IpAddr::V6(v6)), "{v4} in {v6}");
                    proptest::prop_assert!(!address_allowed(IpAddr::V6(v6), true), "{v6}");
                }
            }
        }

        #[test]
        fn special_ranges_are_internal_throughout(
            raw in proptest::prelude::any::<u32>(),
            low in proptest::prelude::any::<u128>(),
        ) {
            let b = raw.to_be_bytes();
            for v4 in [
                Ipv4Addr::new(198, 18 | (b[0] & 1), b[1], b[2]),
                Ipv4Addr::new(192, 0, 0, b[3]),
                Ipv4Addr::new(240 | (b[0] >> 4), b[1], b[2], b[3]),
            ] {
                proptest::prop_assert!(is_internal(IpAddr::V4(v4)), "{v4}");
            }
            for (prefix, bits) in [
                (0x0064_ff9b_u128 << 96, 96),
                ((0x0064_ff9b_u128 << 96) | (1 << 80), 48),
                (0x2002_u128 << 112, 16),
                (0x2001_u128 << 112, 32),
            ] {
                let addr = prefix | (low & (u128::MAX >> bits));
                let v6 = Ipv6Addr::from(addr);
                proptest::prop_assert!(is_internal(IpAddr::V6(v6)), "{v6}");
            }
        }

        #[test]
        fn mapped_addresses_are_judged_by_their_ipv4(raw in proptest::prelude::any::<u32>()) {
            let v4 = Ipv4Addr::from(raw);
            proptest::prop_assert_eq!(
                is_internal(IpAddr::V4(v4)),
                is_internal(IpAddr::V6(v4.to_ipv6_mapped()))
            );
        }
    }

    #[test]
    fn outcomes_keep_their_stored_strings() {
        for (o, raw) in [
            (DeliveryOutcome::Delivered, "delivered"),
            (DeliveryOutcome::Retrying, "retrying"),
            (DeliveryOutcome::Failed, "failed"),
            (DeliveryOutcome::Disabled, "disabled"),
        ] {
            assert_eq!(o.as_str(), raw);
            assert_eq!(serde_json::to_value(o).unwrap(), serde_json::json!(raw));
            assert_eq!(
                serde_json::from_value::<DeliveryOutcome>(serde_json::json!(raw)).unwrap(),
                o
            );
            assert_eq!(DeliveryOutcome::parse(raw), Some(o));
        }
        assert_eq!(DeliveryOutcome::parse("dead_lettered"), None);
        assert_eq!(DeliveryOutcome::parse("Delivered"), None);
    }

    #[test]
    fn each_answer_maps_to_its_verdict_and_outcome() {
        use AttemptFailure::*;
        use AttemptVerdict::*;
        use DeliveryOutcome as O;
        // The default schedule's shape: 4 attempts, the 2nd right away, then 5 s, then 300 s.
        let schedule = [0, 0, 5, 300];
        // (status, Retry-After, attempt) -> verdict, recorded outcome.
        type Case = (
            Option<u16>,
            Option<u64>,
            u32,
            AttemptVerdict,
            DeliveryOutcome,
        );
        let cases: &[Case] = &[
            (Some(200), None, 1, Delivered, O::Delivered),
            (Some(204), None, 4, Delivered, O::Delivered),
            (Some(410), None, 1, Gone, O::Disabled),
            (Some(410), None, 4, Gone, O::Disabled),
            (Some(400), None, 1, Rejected { status: 400 }, O::Failed),
            (Some(404), Some(60), 1, Rejected { status: 404 }, O::Failed),
            (Some(302), None, 1, Rejected { status: 302 }, O::Failed),
            (
                Some(503),
                None,
                1,
                RetryLater {
                    delay_secs: 0,
                    reason: Status(503),
                },
                O::Retrying,
            ),
            (
                Some(500),
                None,
                2,
                RetryLater {
                    delay_secs: 5,
                    reason: Status(500),
                },
                O::Retrying,
            ),
            (
                None,
                None,
                3,
                RetryLater {
                    delay_secs: 300,
                    reason: NoAnswer,
                },
                O::Retrying,
            ),
            // Retry-After is honoured when longer than the schedule, capped at 12 hours.
            (
                Some(429),
                Some(90),
                2,
                RetryLater {
                    delay_secs: 90,
                    reason: Status(429),
                },
                O::Retrying,
            ),
            (
                Some(429),
                Some(2),
                3,
                RetryLater {
                    delay_secs: 300,
                    reason: Status(429),
                },
                O::Retrying,
            ),
            (
                Some(503),
                Some(999_999),
                1,
                RetryLater {
                    delay_secs: 43_200,
                    reason: Status(503),
                },
                O::Retrying,
            ),
            // The last attempt: dead-lettered, recorded as failed.
            (
                Some(503),
                None,
                4,
                DeadLetter {
                    reason: Status(503),
                },
                O::Failed,
            ),
            (None, Some(5), 4, DeadLetter { reason: NoAnswer }, O::Failed),
            (
                Some(429),
                None,
                9,
                DeadLetter {
                    reason: Status(429),
                },
                O::Failed,
            ),
        ];
        let now = crate::time_util::parse_rfc3339("2026-11-22T00:00:00Z").unwrap();
        for &(status, retry_after, attempt, verdict, outcome) in cases {
            let got = AttemptVerdict::judge(status, retry_after, attempt, &schedule);
            assert_eq!(got, verdict, "{status:?} {retry_after:?} attempt {attempt}");
            assert_eq!(got.outcome(), outcome, "{got:?}");
            match got {
                RetryLater { delay_secs, .. } => assert_eq!(
                    got.next_retry_at(now),
                    Some(now + time::Duration::seconds(delay_secs as i64))
                ),
                _ => assert_eq!(got.next_retry_at(now), None),
            }
        }
        assert!(!attempts_spent(4, &schedule));
        assert!(attempts_spent(5, &schedule));
    }

    #[test]
    fn skipped_unless_enabled_with_a_url_and_subscribed() {
        let mut s = WebhookSettings {
            enabled: true,
            url: Some("https://example.com/hook".into()),
            events: vec!["order.cancelled".into()],
            secret: generate_secret(),
            previous_secret: None,
            previous_valid_until: None,
            disabled_reason: None,
            updated_at: crate::time_util::now(),
            version: 1,
        };
        assert_eq!(
            s.target(EventType::OrderCancelled),
            Ok("https://example.com/hook")
        );
        assert_eq!(s.target(EventType::OrderCreated), Err(Skip::NotSubscribed));
        s.events = vec!["*".into()];
        assert!(s.target(EventType::PodCreated).is_ok());
        s.enabled = false;
        assert_eq!(s.target(EventType::PodCreated), Err(Skip::Disabled));
        s.enabled = true;
        s.url = None;
        assert_eq!(s.target(EventType::PodCreated), Err(Skip::NoUrl));
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
