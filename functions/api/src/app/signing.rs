//! The private token-signing key, for the functions that issue tokens (register, login,
//! refresh) and nobody else: read from Secrets Manager at init (never from the environment),
//! re-read every `SIGNING_KEY_RELOAD_SECS` so a rotation takes effect without a deploy, and
//! published (its public half) before it signs anything, so no verifier ever meets a token
//! whose key it cannot find.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cargoflow_auth::SigningKey;
use cargoflow_domain::time_util;
use cargoflow_http::ApiError;
use cargoflow_store::Store;

pub struct Signer {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
    reload: Duration,
    current: tokio::sync::RwLock<Option<(Arc<SigningKey>, Instant)>>,
}

fn unavailable(what: &'static str, e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(what, e)
}

impl Signer {
    pub fn new(
        client: aws_sdk_secretsmanager::Client,
        secret_id: String,
        reload: Duration,
    ) -> Self {
        Self {
            client,
            secret_id,
            reload,
            current: tokio::sync::RwLock::new(None),
        }
    }

    /// The key to sign with now.
    pub async fn key(&self, store: &Store) -> Result<Arc<SigningKey>, ApiError> {
        if let Some((key, at)) = self.current.read().await.as_ref()
            && at.elapsed() < self.reload
        {
            return Ok(key.clone());
        }
        let mut slot = self.current.write().await;
        if let Some((key, at)) = slot.as_ref()
            && at.elapsed() < self.reload
        {
            return Ok(key.clone());
        }
        match self.load(store).await {
            Ok(key) => {
                *slot = Some((key.clone(), Instant::now()));
                Ok(key)
            }
            // A failed re-read keeps signing with the key this instance has (still published);
            // the next request tries again.
            Err(e) => match slot.as_ref() {
                Some((key, _)) => {
                    tracing::error!(error = ?e, "signing key reload failed; keeping the loaded key");
                    Ok(key.clone())
                }
                None => Err(e),
            },
        }
    }

    async fn load(&self, store: &Store) -> Result<Arc<SigningKey>, ApiError> {
        let out = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|e| {
                unavailable(
                    "reading the signing key",
                    aws_sdk_secretsmanager::error::DisplayErrorContext(e),
                )
            })?;
        let secret = out.secret_string().ok_or_else(|| {
            unavailable("reading the signing key", "the secret has no string value")
        })?;
        let key = SigningKey::from_secret(secret)
            .map_err(|e| unavailable("loading the signing key", e))?;
        publish(store, &key).await?;
        tracing::info!(kid = key.kid(), "signing key loaded");
        Ok(Arc::new(key))
    }
}

/// Makes sure `key`'s public half is published (one read; a write only the first time).
pub async fn publish(store: &Store, key: &SigningKey) -> Result<(), ApiError> {
    let now = time_util::now();
    if store
        .published_keys(now)
        .await?
        .iter()
        .any(|k| k.kid == key.kid())
    {
        return Ok(());
    }
    let jwk = serde_json::to_string(key.public_jwk())
        .map_err(|e| unavailable("encoding the public key", e))?;
    store.publish_signing_key(key.kid(), &jwk, now).await?;
    Ok(())
}
