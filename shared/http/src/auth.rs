//! Who is calling: the bearer access token, verified with the published public keys, the
//! caller's session still current, and the permission the route demands.
//!
//! Two caches per function instance keep this off DynamoDB's hot path:
//! - the public keys (the JWKS item), kept [`KEYS_TTL`] and re-read when a token names a key
//!   not seen yet (a rotation), at most every [`UNKNOWN_KID_REFETCH`];
//! - each caller's session state (epoch, active), kept `state_ttl` (seconds): deactivating or
//!   demoting a user moves their epoch on, so their tokens stop working within that time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cargoflow_auth::{Identity, PublicKeys, TYP_ACCESS, TokenError, TokenRules};
use cargoflow_domain::{Permission, TenantId, UserId, time_util};
use cargoflow_store::Store;
use cargoflow_store::tenancy::SessionState;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use lambda_http::Request;

use crate::ApiError;

/// How long an instance trusts its copy of the public keys.
pub const KEYS_TTL: Duration = Duration::from_secs(300);
/// How often a token naming an unknown key may make the instance re-read the keys (forged
/// `kid`s cannot turn into a read per request).
pub const UNKNOWN_KID_REFETCH: Duration = Duration::from_secs(1);
/// At most this many callers' session states are cached; beyond it the oldest half goes.
const MAX_CACHED_STATES: usize = 10_000;

pub fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

struct CachedKeys {
    keys: Arc<PublicKeys>,
    fetched: Instant,
}

type StateKey = (TenantId, UserId);

/// Verifies access tokens for one function instance.
pub struct Authenticator {
    rules: TokenRules,
    store: Store,
    state_ttl: Duration,
    keys: tokio::sync::RwLock<Option<CachedKeys>>,
    states: Mutex<HashMap<StateKey, (Option<SessionState>, Instant)>>,
}

fn refused(reason: &str) -> ApiError {
    tracing::info!(reason, "access token refused");
    ApiError::Unauthorized("The access token is invalid or expired.")
}

/// The JWKS document of the published keys (also served at `/api/auth/jwks`).
pub fn jwks(keys: &[cargoflow_store::sessions::PublishedKey]) -> JwkSet {
    JwkSet {
        keys: keys
            .iter()
            .filter_map(|k| match serde_json::from_str::<Jwk>(&k.jwk) {
                Ok(jwk) => Some(jwk),
                Err(e) => {
                    tracing::error!(kid = %k.kid, error = %e, "published signing key is not a JWK");
                    None
                }
            })
            .collect(),
    }
}

impl Authenticator {
    pub fn new(rules: TokenRules, store: Store, state_ttl: Duration) -> Self {
        Self {
            rules,
            store,
            state_ttl,
            keys: tokio::sync::RwLock::new(None),
            states: Mutex::new(HashMap::new()),
        }
    }

    pub fn rules(&self) -> &TokenRules {
        &self.rules
    }

    /// The public keys, from the cache when it is fresh and knows `kid`. A `kid` the cache
    /// does not know (a key published moments ago) makes the instance read the keys again, at
    /// most once per [`UNKNOWN_KID_REFETCH`]: a request that finds a newer read than that
    /// waits for the next one instead of refusing a token signed by a brand-new key, and a
    /// flood of forged `kid`s costs one read a second, not one per request.
    pub async fn public_keys(&self, kid: Option<&str>) -> Result<Arc<PublicKeys>, ApiError> {
        let fresh = |c: &CachedKeys| {
            c.fetched.elapsed() < KEYS_TTL && kid.is_none_or(|k| c.keys.contains(k))
        };
        let arrived = Instant::now();
        let last_read = match self.keys.read().await.as_ref() {
            Some(c) if fresh(c) => return Ok(c.keys.clone()),
            Some(c) => Some(c.fetched),
            None => None,
        };
        if let Some(at) = last_read
            && let Some(wait) = UNKNOWN_KID_REFETCH.checked_sub(at.elapsed())
        {
            tokio::time::sleep(wait).await;
        }
        let mut slot = self.keys.write().await;
        // A read made after this request arrived is as new as this request can ask for.
        if let Some(c) = slot.as_ref().filter(|c| fresh(c) || c.fetched >= arrived) {
            return Ok(c.keys.clone());
        }
        let published = self.store.published_keys(time_util::now()).await?;
        let keys = Arc::new(PublicKeys::from_jwks(&jwks(&published)));
        *slot = Some(CachedKeys {
            keys: keys.clone(),
            fetched: Instant::now(),
        });
        Ok(keys)
    }

    /// The caller's session state, cached for `state_ttl`.
    async fn session_state(&self, identity: &Identity) -> Result<Option<SessionState>, ApiError> {
        let key = (identity.tenant_id.clone(), identity.user_id.clone());
        if let Ok(states) = self.states.lock()
            && let Some((state, at)) = states.get(&key)
            && at.elapsed() < self.state_ttl
        {
            return Ok(*state);
        }
        let state = self
            .store
            .session_state(&identity.tenant_id, &identity.user_id)
            .await?;
        if let Ok(mut states) = self.states.lock() {
            if states.len() >= MAX_CACHED_STATES {
                let ttl = self.state_ttl;
                states.retain(|_, (_, at)| at.elapsed() < ttl);
                if states.len() >= MAX_CACHED_STATES {
                    states.clear();
                }
            }
            states.insert(key, (state, Instant::now()));
        }
        Ok(state)
    }

    /// Drops the cached state of a user this instance just changed (its own next request
    /// sees the change at once).
    pub fn forget(&self, tenant: &TenantId, user: &UserId) {
        if let Ok(mut states) = self.states.lock() {
            states.remove(&(tenant.clone(), user.clone()));
        }
    }

    /// Verifies an access token (signature, claims, and the user's session still current).
    pub async fn verify(&self, token: &str) -> Result<Identity, ApiError> {
        let kid = cargoflow_auth::key_id(token, TYP_ACCESS).map_err(|e| refused(&e.to_string()))?;
        let keys = self.public_keys(Some(&kid)).await?;
        let identity = self
            .rules
            .verify_access(token, &keys)
            .map_err(|e: TokenError| refused(&e.to_string()))?;
        match self.session_state(&identity).await? {
            Some(s) if s.is_active && s.session_epoch == identity.session_epoch => Ok(identity),
            Some(s) if !s.is_active => Err(refused("user deactivated")),
            Some(_) => Err(refused("session epoch moved on (role changed)")),
            None => Err(refused("user no longer exists")),
        }
    }

    /// Verifies the caller's access token without a permission check (e.g. `/api/auth/me`).
    pub async fn identify(&self, req: &Request) -> Result<Identity, ApiError> {
        let token =
            bearer(req).ok_or(ApiError::Unauthorized("A bearer access token is required."))?;
        let identity = self.verify(token).await?;
        let span = tracing::Span::current();
        span.record("tenant_id", identity.tenant_id.as_str());
        span.record("user_id", identity.user_id.as_str());
        Ok(identity)
    }
}

/// Verifies the caller's access token and that its scope and role allow `permission`.
/// Bad or missing credentials answer 401; a valid token of the wrong scope or role, 403.
pub async fn authenticate(
    req: &Request,
    auth: &Authenticator,
    permission: Permission,
) -> Result<Identity, ApiError> {
    let identity = auth.identify(req).await?;
    if identity.role.scope() != permission.scope() {
        return Err(ApiError::Forbidden(match permission.scope() {
            cargoflow_domain::Scope::Ops => {
                "This endpoint is for the ops console; driver tokens cannot use it."
            }
            cargoflow_domain::Scope::Driver => {
                "This endpoint is for the driver app; ops tokens cannot use it."
            }
        }));
    }
    if !permission.allows(identity.role) {
        return Err(ApiError::Forbidden("Your role does not allow this action."));
    }
    Ok(identity)
}

/// [`Authenticator::identify`] as a free function, like [`authenticate`].
pub async fn identify(req: &Request, auth: &Authenticator) -> Result<Identity, ApiError> {
    auth.identify(req).await
}
