//! JWT access and refresh tokens.

use cargoflow_domain::{DriverId, Role, Scope, TenantId, TokenFamilyId, TokenId, UserId};
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
const ALG: Algorithm = Algorithm::HS256;

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
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("JWT secret must be at least 32 bytes")]
    WeakSecret,
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
}

/// Who a token is issued for.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub user_id: &'a UserId,
    pub tenant_id: &'a TenantId,
    pub role: Role,
    pub driver_id: Option<&'a DriverId>,
}

#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Clone)]
pub struct TokenService {
    issuer: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: time::Duration,
    refresh_ttl: time::Duration,
}

impl std::fmt::Debug for TokenService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenService")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

fn audience_for(scope: Scope) -> &'static str {
    match scope {
        Scope::Ops => AUD_OPS,
        Scope::Driver => AUD_DRIVER,
    }
}

impl TokenService {
    pub fn new(
        issuer: impl Into<String>,
        secret: &[u8],
        access_ttl: time::Duration,
        refresh_ttl: time::Duration,
    ) -> Result<Self, ConfigError> {
        if secret.len() < 32 {
            return Err(ConfigError::WeakSecret);
        }
        Ok(Self {
            issuer: issuer.into(),
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_ttl,
            refresh_ttl,
        })
    }

    pub fn access_ttl(&self) -> time::Duration {
        self.access_ttl
    }

    pub fn refresh_ttl(&self) -> time::Duration {
        self.refresh_ttl
    }

    fn header(typ: &str) -> Header {
        let mut h = Header::new(ALG);
        h.typ = Some(typ.to_string());
        h
    }

    pub fn issue_access(&self, subject: &Subject<'_>, now: OffsetDateTime) -> IssuedToken {
        let exp = now + self.access_ttl;
        let claims = AccessClaims {
            iss: self.issuer.clone(),
            aud: audience_for(subject.role.scope()).to_string(),
            sub: subject.user_id.to_string(),
            tid: subject.tenant_id.to_string(),
            role: subject.role,
            did: subject.driver_id.map(ToString::to_string),
            iat: now.unix_timestamp(),
            exp: exp.unix_timestamp(),
            jti: TokenId::generate().to_string(),
        };
        IssuedToken {
            token: self.sign(TYP_ACCESS, &claims),
            expires_at: exp,
        }
    }

    pub fn issue_refresh(
        &self,
        subject: &Subject<'_>,
        family: &TokenFamilyId,
        token_id: &TokenId,
        now: OffsetDateTime,
    ) -> IssuedToken {
        let exp = now + self.refresh_ttl;
        let claims = RefreshClaims {
            iss: self.issuer.clone(),
            aud: AUD_REFRESH.to_string(),
            sub: subject.user_id.to_string(),
            tid: subject.tenant_id.to_string(),
            fam: family.to_string(),
            iat: now.unix_timestamp(),
            exp: exp.unix_timestamp(),
            jti: token_id.to_string(),
        };
        IssuedToken {
            token: self.sign(TYP_REFRESH, &claims),
            expires_at: exp,
        }
    }

    fn sign<C: Serialize>(&self, typ: &str, claims: &C) -> String {
        // HMAC signing of a serialisable struct cannot fail.
        encode(&Self::header(typ), claims, &self.encoding).expect("HS256 signing")
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

    fn check_header(token: &str, typ: &str) -> Result<(), TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
        if header.alg != ALG {
            return Err(TokenError::Invalid);
        }
        if header.typ.as_deref() != Some(typ) {
            return Err(TokenError::WrongType);
        }
        Ok(())
    }

    fn map_err(e: jsonwebtoken::errors::Error) -> TokenError {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.kind() {
            K::ExpiredSignature => TokenError::Expired,
            K::InvalidToken | K::Base64(_) | K::Json(_) | K::Utf8(_) => TokenError::Malformed,
            _ => TokenError::Invalid,
        }
    }

    pub fn verify_access(&self, token: &str) -> Result<Identity, TokenError> {
        Self::check_header(token, TYP_ACCESS)?;
        let data = decode::<AccessClaims>(
            token,
            &self.decoding,
            &self.validation(&[AUD_OPS, AUD_DRIVER]),
        )
        .map_err(Self::map_err)?;
        let c = data.claims;
        // The audience must be the one of the role's scope: a DRIVER claim in an ops token
        // (or the reverse) is a forgery or a bug, never valid.
        if c.aud != audience_for(c.role.scope()) {
            return Err(TokenError::Invalid);
        }
        let user_id = UserId::parse(&c.sub).ok_or(TokenError::Invalid)?;
        let tenant_id = TenantId::parse(&c.tid).ok_or(TokenError::Invalid)?;
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
        })
    }

    pub fn verify_refresh(&self, token: &str) -> Result<RefreshClaims, TokenError> {
        Self::check_header(token, TYP_REFRESH)?;
        let data = decode::<RefreshClaims>(token, &self.decoding, &self.validation(&[AUD_REFRESH]))
            .map_err(Self::map_err)?;
        let c = data.claims;
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
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";

    fn svc() -> TokenService {
        TokenService::new(
            "cargoflow",
            SECRET,
            time::Duration::minutes(15),
            time::Duration::days(14),
        )
        .unwrap()
    }

    struct Ids {
        user: UserId,
        tenant: TenantId,
        driver: DriverId,
    }

    fn ids() -> Ids {
        Ids {
            user: UserId::generate(),
            tenant: TenantId::generate(),
            driver: DriverId::generate(),
        }
    }

    fn ops_subject(i: &Ids) -> Subject<'_> {
        Subject {
            user_id: &i.user,
            tenant_id: &i.tenant,
            role: Role::OpsAdmin,
            driver_id: None,
        }
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    /// Builds a token with arbitrary header and claims, signed with `key` (or unsigned).
    fn forge(header: serde_json::Value, claims: serde_json::Value, key: Option<&[u8]>) -> String {
        use hmac_sha256::sign;
        let h = B64.encode(header.to_string());
        let c = B64.encode(claims.to_string());
        let input = format!("{h}.{c}");
        let sig = key
            .map(|k| B64.encode(sign(k, input.as_bytes())))
            .unwrap_or_default();
        format!("{input}.{sig}")
    }

    mod hmac_sha256 {
        use hmac::{Hmac, Mac};
        /// Signs with the `hmac` crate, to forge test tokens independently of jsonwebtoken.
        pub fn sign(key: &[u8], msg: &[u8]) -> Vec<u8> {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
            mac.update(msg);
            mac.finalize().into_bytes().to_vec()
        }
    }

    fn claims_for(i: &Ids, aud: &str, role: &str, exp_offset: i64) -> serde_json::Value {
        let t = now().unix_timestamp();
        serde_json::json!({
            "iss": "cargoflow", "aud": aud, "sub": i.user.to_string(), "tid": i.tenant.to_string(),
            "role": role, "iat": t, "exp": t + exp_offset, "jti": TokenId::generate().to_string()
        })
    }

    #[test]
    fn access_round_trip() {
        let i = ids();
        let t = svc().issue_access(&ops_subject(&i), now());
        let id = svc().verify_access(&t.token).unwrap();
        assert_eq!(id.user_id, i.user);
        assert_eq!(id.tenant_id, i.tenant);
        assert_eq!(id.role, Role::OpsAdmin);
        assert_eq!(id.driver_id, None);
    }

    #[test]
    fn driver_token_carries_driver_id_and_driver_audience() {
        let i = ids();
        let s = Subject {
            user_id: &i.user,
            tenant_id: &i.tenant,
            role: Role::Driver,
            driver_id: Some(&i.driver),
        };
        let t = svc().issue_access(&s, now());
        let id = svc().verify_access(&t.token).unwrap();
        assert_eq!(id.driver_id, Some(i.driver));
        let payload: serde_json::Value =
            serde_json::from_slice(&B64.decode(t.token.split('.').nth(1).unwrap()).unwrap())
                .unwrap();
        assert_eq!(payload["aud"], AUD_DRIVER);
    }

    #[test]
    fn forged_test_tokens_are_accepted_when_correct() {
        // Guards the forging helper itself: a correct forged token must verify, so the
        // attack tests below fail for the reason they name.
        let i = ids();
        let tok = forge(
            serde_json::json!({"alg": "HS256", "typ": TYP_ACCESS}),
            claims_for(&i, AUD_OPS, "OPS_ADMIN", 600),
            Some(SECRET),
        );
        assert!(svc().verify_access(&tok).is_ok());
    }

    #[test]
    fn alg_none_is_refused() {
        let i = ids();
        let tok = forge(
            serde_json::json!({"alg": "none", "typ": TYP_ACCESS}),
            claims_for(&i, AUD_OPS, "OPS_ADMIN", 600),
            None,
        );
        assert!(svc().verify_access(&tok).is_err());
    }

    #[test]
    fn tampered_signature_is_refused() {
        let i = ids();
        let t = svc().issue_access(&ops_subject(&i), now()).token;
        let mut parts: Vec<String> = t.split('.').map(String::from).collect();
        // Flip the role in the payload, keep the old signature.
        let mut payload: serde_json::Value =
            serde_json::from_slice(&B64.decode(&parts[1]).unwrap()).unwrap();
        payload["tid"] = serde_json::json!(TenantId::generate().to_string());
        parts[1] = B64.encode(payload.to_string());
        assert_eq!(
            svc().verify_access(&parts.join(".")),
            Err(TokenError::Invalid)
        );
        // and a token signed with another key
        let other = TokenService::new(
            "cargoflow",
            &[7u8; 32],
            time::Duration::minutes(15),
            time::Duration::days(1),
        )
        .unwrap();
        let t2 = other.issue_access(&ops_subject(&i), now()).token;
        assert_eq!(svc().verify_access(&t2), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_is_refused() {
        let i = ids();
        let t = svc()
            .issue_access(&ops_subject(&i), now() - time::Duration::hours(1))
            .token;
        assert_eq!(svc().verify_access(&t), Err(TokenError::Expired));
    }

    #[test]
    fn wrong_audience_or_issuer_is_refused() {
        let i = ids();
        for (aud, role) in [
            ("someone-else", "OPS_ADMIN"),
            (AUD_DRIVER, "OPS_ADMIN"),
            (AUD_OPS, "DRIVER"),
            (AUD_REFRESH, "OPS_ADMIN"),
        ] {
            let tok = forge(
                serde_json::json!({"alg": "HS256", "typ": TYP_ACCESS}),
                claims_for(&i, aud, role, 600),
                Some(SECRET),
            );
            assert!(svc().verify_access(&tok).is_err(), "{aud} {role}");
        }
        let other_issuer = TokenService::new(
            "evil",
            SECRET,
            time::Duration::minutes(15),
            time::Duration::days(1),
        )
        .unwrap();
        let t = other_issuer.issue_access(&ops_subject(&i), now()).token;
        assert_eq!(svc().verify_access(&t), Err(TokenError::Invalid));
    }

    #[test]
    fn refresh_and_access_are_not_interchangeable() {
        let i = ids();
        let fam = TokenFamilyId::generate();
        let tid = TokenId::generate();
        let r = svc()
            .issue_refresh(&ops_subject(&i), &fam, &tid, now())
            .token;
        assert_eq!(svc().verify_access(&r), Err(TokenError::WrongType));
        let a = svc().issue_access(&ops_subject(&i), now()).token;
        assert_eq!(svc().verify_refresh(&a), Err(TokenError::WrongType));
        let c = svc().verify_refresh(&r).unwrap();
        assert_eq!(c.fam, fam.to_string());
        assert_eq!(c.jti, tid.to_string());
        // a refresh-shaped payload with the access typ is still refused (audience)
        let mut claims = claims_for(&i, AUD_REFRESH, "OPS_ADMIN", 600);
        claims["fam"] = serde_json::json!(fam.to_string());
        let tok = forge(
            serde_json::json!({"alg": "HS256", "typ": TYP_ACCESS}),
            claims,
            Some(SECRET),
        );
        assert!(svc().verify_access(&tok).is_err());
    }

    #[test]
    fn garbage_is_malformed() {
        for t in ["", "abc", "a.b.c", "..", "eyJhbGciOiJIUzI1NiJ9.e30."] {
            assert!(svc().verify_access(t).is_err(), "{t}");
            assert!(svc().verify_refresh(t).is_err(), "{t}");
        }
    }

    #[test]
    fn weak_secret_is_refused() {
        assert!(
            TokenService::new(
                "x",
                b"short",
                time::Duration::minutes(1),
                time::Duration::minutes(1)
            )
            .is_err()
        );
    }
}
