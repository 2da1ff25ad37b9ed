//! JWT access and refresh tokens, signed with Ed25519 (EdDSA, RFC 8037) keys named by `kid`.
//!
//! Only the functions that issue tokens hold a [`SigningKey`] (read from Secrets Manager at
//! init). Everyone else verifies with [`PublicKeys`], built from the published JWKS: a key's
//! `kid` is its RFC 7638 thumbprint, so a verifier never has to trust a name.

use std::collections::HashMap;

use aws_lc_rs::{hkdf, signature::Ed25519KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cargoflow_domain::{DriverId, Role, Scope, TenantId, TokenFamilyId, TokenId, UserId};
use jsonwebtoken::jwk::{Jwk, JwkSet, KeyAlgorithm, PublicKeyUse, ThumbprintHash};
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const AUD_OPS: &str = "cargoflow-ops";
pub const AUD_DRIVER: &str = "cargoflow-driver";
pub const AUD_REFRESH: &str = "cargoflow-refresh";
pub const TYP_ACCESS: &str = "at+jwt";
pub const TYP_REFRESH: &str = "rt+jwt";
pub const ALG: Algorithm = Algorithm::EdDSA;

/// Why a token was refused. Every variant answers 401; the detail is only logged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("token is malformed")]
    Malformed,
    #[error("token type is wrong for this use")]
    WrongType,
    #[error("token is expired")]
    Expired,
    #[error("token signature, issuer, audience or algorithm is invalid")]
    Invalid,
    #[error("token is signed with a key that is not published")]
    UnknownKey,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("signing secret: {0}")]
    BadSecret(&'static str),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// The tenant id.
    pub tid: String,
    pub role: Role,
    /// The driver id, for DRIVER tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// The session (refresh-token family) this token was issued in: logout ends it.
    pub sid: String,
    /// The user's session epoch when issued: deactivating or demoting the user moves the
    /// epoch on, and every request compares (cached for seconds).
    pub ver: u64,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RefreshClaims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub tid: String,
    /// The token family (one login session).
    pub fam: String,
    pub iat: i64,
    pub exp: i64,
    /// This token's id: the family's current one, or a reused old one.
    pub jti: String,
}

/// A verified caller, from an access token.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub role: Role,
    pub driver_id: Option<DriverId>,
    pub session_id: TokenFamilyId,
    pub session_epoch: u64,
}

/// Who a token is issued for.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub user_id: &'a UserId,
    pub tenant_id: &'a TenantId,
    pub role: Role,
    pub driver_id: Option<&'a DriverId>,
    /// The user's session epoch (see [`AccessClaims::ver`]).
    pub session_epoch: u64,
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: OffsetDateTime,
}

/// The private half: only register, login and refresh hold one.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    public: Jwk,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The secret's JSON shape, as Secrets Manager's `GenerateSecretString` makes it
/// (`SecretStringTemplate: '{}'`, `GenerateStringKey: seed`).
#[derive(Deserialize)]
struct SecretValue {
    seed: String,
}

/// HKDF (RFC 5869) labels: the Ed25519 seed is derived from the stored random string, so the
/// secret can be made by CloudFormation itself and rotated by writing a new random string.
const HKDF_SALT: &[u8] = b"cargoflow/jwt-signing-key";
const HKDF_INFO: &[u8] = b"ed25519-seed/v1";
const MIN_SEED_CHARS: usize = 32;

struct SeedLen;
impl hkdf::KeyType for SeedLen {
    fn len(&self) -> usize {
        32
    }
}

impl SigningKey {
    /// The key a Secrets Manager secret value holds: `{"seed": "<random string>"}`.
    pub fn from_secret(secret: &str) -> Result<Self, ConfigError> {
        let value: SecretValue = serde_json::from_str(secret)
            .map_err(|_| ConfigError::BadSecret("must be JSON {\"seed\": \"...\"}"))?;
        if value.seed.len() < MIN_SEED_CHARS {
            return Err(ConfigError::BadSecret(
                "seed must be at least 32 characters",
            ));
        }
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, HKDF_SALT).extract(value.seed.as_bytes());
        let mut seed = [0u8; 32];
        prk.expand(&[HKDF_INFO], SeedLen)
            .and_then(|okm| okm.fill(&mut seed))
            .map_err(|_| ConfigError::BadSecret("key derivation failed"))?;
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|_| ConfigError::BadSecret("not an Ed25519 seed"))?;
        let der = pair
            .to_pkcs8v1()
            .map_err(|_| ConfigError::BadSecret("PKCS#8 encoding failed"))?;
        let encoding = EncodingKey::from_ed_der(der.as_ref());
        let mut public = Jwk::from_encoding_key(&encoding, ALG)
            .map_err(|_| ConfigError::BadSecret("public key"))?;
        let kid = public
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|_| ConfigError::BadSecret("thumbprint"))?;
        public.common.key_id = Some(kid.clone());
        public.common.public_key_use = Some(PublicKeyUse::Signature);
        public.common.key_algorithm = Some(KeyAlgorithm::EdDSA);
        Ok(Self {
            kid,
            encoding,
            public,
        })
    }

    /// A fresh secret value (key rotation): 48 random bytes, base64url, in the stored shape.
    pub fn new_secret() -> String {
        let mut bytes = [0u8; 48];
        rand::fill(&mut bytes);
        serde_json::json!({ "seed": B64.encode(bytes) }).to_string()
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, as a JWK with `kid`, `use: sig` and `alg: EdDSA`.
    pub fn public_jwk(&self) -> &Jwk {
        &self.public
    }
}

/// The published public keys, by `kid`.
#[derive(Clone, Default)]
pub struct PublicKeys {
    keys: HashMap<String, DecodingKey>,
}

impl std::fmt::Debug for PublicKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.keys.keys()).finish()
    }
}

impl PublicKeys {
    /// The usable keys of a JWKS: Ed25519 signature keys whose `kid` is their own thumbprint.
    /// Anything else is left out (and cannot verify a token).
    pub fn from_jwks(set: &JwkSet) -> Self {
        let keys = set
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.as_deref()?;
                let own = jwk.thumbprint(ThumbprintHash::SHA256).ok()?;
                let is_ed = matches!(
                    &jwk.algorithm,
                    jsonwebtoken::jwk::AlgorithmParameters::OctetKeyPair(p)
                        if p.curve == jsonwebtoken::jwk::EllipticCurve::Ed25519
                );
                (is_ed && own == kid)
                    .then(|| DecodingKey::from_jwk(jwk).ok())
                    .flatten()
                    .map(|k| (kid.to_string(), k))
            })
            .collect();
        Self { keys }
    }

    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The `kid` a token names, after checking its `alg` and `typ` (before any key is looked up).
pub fn key_id(token: &str, typ: &str) -> Result<String, TokenError> {
    let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
    if header.alg != ALG {
        return Err(TokenError::Invalid);
    }
    if header.typ.as_deref() != Some(typ) {
        return Err(TokenError::WrongType);
    }
    header.kid.ok_or(TokenError::Invalid)
}

/// Issuer, audiences and lifetimes: the rules every function shares, with no key in them.
#[derive(Debug, Clone)]
pub struct TokenRules {
    issuer: String,
    access_ttl: time::Duration,
    refresh_ttl: time::Duration,
}

fn audience_for(scope: Scope) -> &'static str {
    match scope {
        Scope::Ops => AUD_OPS,
        Scope::Driver => AUD_DRIVER,
    }
}

impl TokenRules {
    pub fn new(
        issuer: impl Into<String>,
        access_ttl: time::Duration,
        refresh_ttl: time::Duration,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            access_ttl,
            refresh_ttl,
        }
    }

    pub fn access_ttl(&self) -> time::Duration {
        self.access_ttl
    }

    pub fn refresh_ttl(&self) -> time::Duration {
        self.refresh_ttl
    }

    fn header(typ: &str, key: &SigningKey) -> Header {
        let mut h = Header::new(ALG);
        h.typ = Some(typ.to_string());
        h.kid = Some(key.kid.clone());
        h
    }

    pub fn issue_access(
        &self,
        key: &SigningKey,
        subject: &Subject<'_>,
        session: &TokenFamilyId,
        now: OffsetDateTime,
    ) -> IssuedToken {
        let exp = now + self.access_ttl;
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: audience_for(subject.role.scope()).to_string(),
            sub: subject.user_id.to_string(),
            tid: subject.tenant_id.to_string(),
            role: subject.role,
            did: subject.driver_id.map(ToString::to_string),
            sid: session.to_string(),
            ver: subject.session_epoch,
            iat: now.unix_timestamp(),
            exp: exp.unix_timestamp(),
            jti: TokenId::generate().to_string(),
        };
        IssuedToken {
            token: Self::sign(key, TYP_ACCESS, &claims),
            expires_at: exp,
        }
    }

    /// The refresh token `token_id` of `family`, issued at `issued_at`. Ed25519 signatures are
    /// deterministic, so the same inputs give the same string: a retry within the grace window
    /// gets exactly the successor it lost.
    pub fn issue_refresh(
        &self,
        key: &SigningKey,
        subject: &Subject<'_>,
        family: &TokenFamilyId,
        token_id: &TokenId,
        issued_at: OffsetDateTime,
    ) -> IssuedToken {
        let exp = issued_at + self.refresh_ttl;
        let claims = RefreshClaims {
            iss: self.issuer.clone(),
            aud: AUD_REFRESH.to_string(),
            sub: subject.user_id.to_string(),
            tid: subject.tenant_id.to_string(),
            fam: family.to_string(),
            iat: issued_at.unix_timestamp(),
            exp: exp.unix_timestamp(),
            jti: token_id.to_string(),
        };
        IssuedToken {
            token: Self::sign(key, TYP_REFRESH, &claims),
            expires_at: exp,
        }
    }

    fn sign<C: Serialize>(key: &SigningKey, typ: &str, claims: &C) -> String {
        // Signing a serialisable struct with a key that was checked when it was loaded
        // cannot fail.
        encode(&Self::header(typ, key), claims, &key.encoding).expect("EdDSA signing")
    }

    fn validation(&self, audiences: &[&str]) -> Validation {
        let mut v = Validation::new(ALG);
        v.set_issuer(&[&self.issuer]);
        v.set_audience(audiences);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = 5;
        v.validate_exp = true;
        v
    }

    fn map_err(e: jsonwebtoken::errors::Error) -> TokenError {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::ExpiredSignature => TokenError::Expired,
            K::InvalidToken | K::Base64(_) | K::Json(_) | K::Utf8(_) => TokenError::Malformed,
            _ => TokenError::Invalid,
        }
    }

    fn decode<C: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        typ: &str,
        keys: &PublicKeys,
        audiences: &[&str],
    ) -> Result<C, TokenError> {
        let kid = key_id(token, typ)?;
        let key = keys.keys.get(&kid).ok_or(TokenError::UnknownKey)?;
        decode::<C>(token, key, &self.validation(audiences))
            .map(|d| d.claims)
            .map_err(Self::map_err)
    }

    pub fn verify_access(&self, token: &str, keys: &PublicKeys) -> Result<Identity, TokenError> {
        let c: AccessClaims = self.decode(token, TYP_ACCESS, keys, &[AUD_OPS, AUD_DRIVER])?;
        // The audience must be the one of the role's scope: a DRIVER claim in an ops token
        // (or the reverse) is a forgery or a bug, never valid.
        if c.aud != audience_for(c.role.scope()) {
            return Err(TokenError::Invalid);
        }
        let user_id = UserId::parse(&c.sub).ok_or(TokenError::Invalid)?;
        let tenant_id = TenantId::parse(&c.tid).ok_or(TokenError::Invalid)?;
        let session_id = TokenFamilyId::parse(&c.sid).ok_or(TokenError::Invalid)?;
        let driver_id = match (c.role, c.did) {
            (Role::Driver, Some(d)) => Some(DriverId::parse(&d).ok_or(TokenError::Invalid)?),
            (Role::Driver, None) => return Err(TokenError::Invalid),
            (_, _) => None,
        };
        Ok(Identity {
            user_id,
            tenant_id,
            role: c.role,
            driver_id,
            session_id,
            session_epoch: c.ver,
        })
    }

    pub fn verify_refresh(
        &self,
        token: &str,
        keys: &PublicKeys,
    ) -> Result<RefreshClaims, TokenError> {
        let c: RefreshClaims = self.decode(token, TYP_REFRESH, keys, &[AUD_REFRESH])?;
        let ok = UserId::parse(&c.sub).is_some()
            && TenantId::parse(&c.tid).is_some()
            && TokenFamilyId::parse(&c.fam).is_some()
            && TokenId::parse(&c.jti).is_some();
        if !ok {
            return Err(TokenError::Invalid);
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests;
