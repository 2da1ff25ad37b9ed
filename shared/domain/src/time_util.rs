//! Timestamps: always UTC, RFC 3339 on the wire and in the store.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// `time` serialises as RFC 3339 strings in items and responses.
pub mod serde_rfc3339 {
    pub use time::serde::rfc3339::*;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = now();
        let s = rfc3339(t);
        assert_eq!(
            parse_rfc3339(&s).map(|p| p.unix_timestamp()),
            Some(t.unix_timestamp())
        );
        assert!(parse_rfc3339("yesterday").is_none());
    }
}
