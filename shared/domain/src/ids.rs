//! Identifiers. Every entity id is a ULID rendered in Crockford base32 (26 characters): sortable
//! by creation time, unguessable enough for ids (80 random bits) but never used as a secret.

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, example = "01JD3Q6Z8X4M2N7P5R9S1T3V5W")]
        pub struct $name(String);

        impl $name {
            /// A fresh id.
            pub fn generate() -> Self {
                Self(::ulid::Ulid::new().to_string())
            }
            /// Parses an id taken from a path or body. Anything that is not a ULID is refused,
            /// which also keeps arbitrary strings out of DynamoDB keys.
            pub fn parse(raw: &str) -> Option<Self> {
                ::ulid::Ulid::from_string(raw).ok().map(|u| Self(u.to_string()))
            }
            /// Wraps a value read back from the store (already validated when written).
            pub fn from_stored(raw: impl Into<String>) -> Self {
                Self(raw.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(/// A tenant (one logistics company using CargoFlow).
    TenantId);
id_type!(/// A login (ops user or driver user).
    UserId);
id_type!(/// A driver record (may or may not have a login).
    DriverId);
id_type!(/// A vehicle.
    VehicleId);
id_type!(/// A refresh-token family: every rotation of one login session.
    TokenFamilyId);
id_type!(/// One refresh token within a family.
    TokenId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_ulids_only() {
        let id = UserId::generate();
        assert_eq!(UserId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(UserId::parse(&id.as_str().to_lowercase()), Some(id));
        assert!(UserId::parse("not-an-id").is_none());
        assert!(UserId::parse("").is_none());
        assert!(UserId::parse("TENANT#x").is_none());
    }
}

/// `N` random bytes, base64url without padding: the form of every secret token we hand out
/// (tracking links, registration links).
pub(crate) fn random_base64url<const N: usize>() -> String {
    use base64::Engine;
    let bytes: [u8; N] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `raw` is `len` base64url characters (what [`random_base64url`] makes).
pub(crate) fn is_base64url(raw: &str, len: usize) -> bool {
    raw.len() == len
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A registration's email-confirmation token: 256 random bits, base64url (43 characters).
/// Only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationToken(String);

impl RegistrationToken {
    pub fn generate() -> Self {
        Self(random_base64url::<32>())
    }

    pub fn parse(raw: &str) -> Option<Self> {
        is_base64url(raw, 43).then(|| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The stored form: lowercase hex SHA-256.
    pub fn hash(&self) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod registration_token_tests {
    use super::RegistrationToken;

    #[test]
    fn generated_tokens_parse_and_hash_stably() {
        let t = RegistrationToken::generate();
        assert_eq!(RegistrationToken::parse(t.as_str()), Some(t.clone()));
        assert_eq!(t.hash(), t.clone().hash());
        assert_eq!(t.hash().len(), 64);
        assert_ne!(t.hash(), RegistrationToken::generate().hash());
        for bad in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}!", "a".repeat(42)),
        ] {
            assert!(RegistrationToken::parse(bad).is_none(), "{bad}");
        }
    }
}
