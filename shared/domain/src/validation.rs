//! Validated value types and the field-error collector used to report every bad field at once.
//!
//! Each type's `parse` returns the reason a value is refused, worded for an API client; the
//! request DTOs gather those reasons per field into [`FieldErrors`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Field -> reason, reported together as one 400 `validation_failed`.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: impl Into<String>, reason: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, reason);
        e
    }

    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| reason.into());
    }

    /// Parses one field, recording its error and returning `None` when it is refused.
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(reason) => {
                self.add(field, reason);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// `Ok(value)` when no field failed.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// Wraps a value read back from the store (validated when it was written).
            pub fn from_stored(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_newtype!(/// A login email, trimmed and lower-cased: unique across CargoFlow.
    Email);
string_newtype!(/// A tenant's URL-safe short name: unique across CargoFlow.
    TenantSlug);
string_newtype!(/// A phone number in E.164 (`+` and 8 to 15 digits).
    Phone);
string_newtype!(/// A display name (person, tenant): 1 to 120 characters, trimmed.
    DisplayName);
string_newtype!(/// A vehicle plate, upper-cased: unique per tenant.
    PlateNumber);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("is required".into());
        }
        if s.len() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let invalid = || "must be a valid email address".to_string();
        if has_control(&s) || s.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        let (local, domain) = s.split_once('@').ok_or_else(invalid)?;
        let local_ok = local
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_' | '\''));
        if local.is_empty() || local.len() > 64 || !local_ok || domain.contains('@') {
            return Err(invalid());
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(invalid());
        }
        Ok(Self(s))
    }
}

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if !(3..=40).contains(&s.len()) {
            return Err("must be 3 to 40 characters".into());
        }
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let first_letter = s.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        if !ok_chars || !first_letter || s.ends_with('-') {
            return Err(
                "must use lower-case letters, digits and '-', start with a letter and not end with '-'"
                    .into(),
            );
        }
        Ok(Self(s.to_string()))
    }
}

impl Phone {
    /// Spaces, dashes, dots and brackets people type are dropped: "+91 88888-87777" is fine.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let cleaned: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let s = cleaned.as_str();
        let digits = s.strip_prefix('+').unwrap_or("");
        let ok = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err("must be in E.164 format, e.g. +918888887777".into())
        }
    }
}

impl DisplayName {
    pub const MAX_LEN: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("is required".into());
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        if has_control(s) {
            return Err("must not contain control characters".into());
        }
        Ok(Self(s.to_string()))
    }
}

impl PlateNumber {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_uppercase();
        let ok = (2..=16).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == ' ');
        if ok {
            Ok(Self(s))
        } else {
            Err("must be 2 to 16 characters of letters, digits, '-' or spaces".into())
        }
    }
}

/// A password that meets the policy. Never serialised, never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A few passwords that pass the length and character rules but are still the first ones an
/// attacker tries.
const COMMON_PASSWORDS: &[&str] = &[
    "password123",
    "password1234",
    "qwerty12345",
    "1234567890a",
    "letmein1234",
    "welcome123",
    "admin12345",
    "iloveyou123",
    "abc1234567",
    "passw0rd123",
    "changeme123",
    "qwertyuiop1",
];

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, String> {
        let n = raw.chars().count();
        if n < Self::MIN_LEN {
            return Err(format!(
                "is too weak: use at least {} characters",
                Self::MIN_LEN
            ));
        }
        if n > Self::MAX_LEN {
            return Err(format!("must be at most {} characters", Self::MAX_LEN));
        }
        let letter = raw.chars().any(char::is_alphabetic);
        let digit = raw.chars().any(|c| c.is_ascii_digit());
        if !letter || !digit {
            return Err("is too weak: use letters and at least one digit".into());
        }
        let distinct: std::collections::HashSet<char> = raw.chars().collect();
        if distinct.len() < 5 || COMMON_PASSWORDS.contains(&raw.to_lowercase().as_str()) {
            return Err("is too weak: it is too easy to guess".into());
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A vehicle's capacity in whole kilograms.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct CapacityKg(u32);

impl CapacityKg {
    pub const MAX: i64 = 100_000;

    pub fn parse(raw: i64) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&raw) {
            Ok(Self(raw as u32))
        } else {
            Err(format!("must be a whole number from 1 to {}", Self::MAX))
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email() {
        assert_eq!(
            Email::parse("  Ops@Acme.COM ").unwrap().as_str(),
            "ops@acme.com"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@acme.com",
            "a@@acme.com",
            "a b@acme.com",
            "a@-acme.com",
            "a@acme..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        assert!(Email::parse(&format!("{}@acme.com", "a".repeat(65))).is_err());
    }

    #[test]
    fn slug() {
        assert!(TenantSlug::parse("acme").is_ok());
        assert!(TenantSlug::parse("acme-2-logistics").is_ok());
        for bad in [
            "ac",
            "Acme",
            "1acme",
            "acme-",
            "ac me",
            "acme_x",
            &"a".repeat(41),
        ] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phone() {
        assert!(Phone::parse("+918888887777").is_ok());
        assert_eq!(
            Phone::parse(" +91 88888-87777 ").unwrap().as_str(),
            "+918888887777"
        );
        assert_eq!(
            Phone::parse("+1 (415) 555.0101").unwrap().as_str(),
            "+14155550101"
        );
        for bad in [
            "918888887777",
            "+0123456789",
            "+12",
            "+1234567890123456",
            "+91-88",
            "",
            "+91 8888x87777",
        ] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("StrongPass123!").is_ok());
        assert!(Password::parse("DriverPass123!").is_ok());
        let weak = [
            "short1",
            "onlyletterslong",
            "1234567890123",
            "Password123",
            "aaaaaaaaaa1",
        ];
        for bad in weak {
            assert!(Password::parse(bad).is_err(), "{bad}");
        }
        assert!(Password::parse(&"a1".repeat(65)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse("StrongPass123!").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn names_plates_capacity() {
        assert_eq!(
            DisplayName::parse("  Ravi Kumar ").unwrap().as_str(),
            "Ravi Kumar"
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0007}b").is_err());
        assert!(DisplayName::parse(&"é".repeat(120)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(121)).is_err());
        assert_eq!(
            PlateNumber::parse("ka01ab1234").unwrap().as_str(),
            "KA01AB1234"
        );
        assert!(PlateNumber::parse("K").is_err());
        assert!(PlateNumber::parse("KA#01").is_err());
        assert!(CapacityKg::parse(1200).is_ok());
        assert!(CapacityKg::parse(0).is_err());
        assert!(CapacityKg::parse(-5).is_err());
        assert!(CapacityKg::parse(100_001).is_err());
    }

    #[test]
    fn field_errors_keep_first_reason_per_field() {
        let mut e = FieldErrors::new();
        assert_eq!(e.check("email", Email::parse("x")), None);
        e.add("email", "second");
        assert_eq!(e.get("email"), Some("must be a valid email address"));
        assert!(e.clone().finish(|| ()).is_err());
        assert!(FieldErrors::new().finish(|| 1).is_ok());
    }

    proptest! {
        #[test]
        fn parsed_values_are_normalised_and_reparse(s in "\\PC{0,60}") {
            if let Ok(e) = Email::parse(&s) { prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone())); prop_assert!(!e.as_str().contains(char::is_uppercase)); }
            if let Ok(t) = TenantSlug::parse(&s) { prop_assert_eq!(TenantSlug::parse(t.as_str()), Ok(t)); }
            if let Ok(p) = Phone::parse(&s) { prop_assert!(p.as_str().starts_with('+')); }
            if let Ok(n) = DisplayName::parse(&s) { prop_assert_eq!(n.as_str().trim(), n.as_str()); }
        }

        #[test]
        fn keys_never_contain_the_separator(s in "\\PC{0,60}") {
            // Values that end up inside DynamoDB keys never carry '#'.
            if let Ok(e) = Email::parse(&s) { prop_assert!(!e.as_str().contains('#')); }
            if let Ok(t) = TenantSlug::parse(&s) { prop_assert!(!t.as_str().contains('#')); }
            if let Ok(p) = PlateNumber::parse(&s) { prop_assert!(!p.as_str().contains('#')); }
        }
    }
}
