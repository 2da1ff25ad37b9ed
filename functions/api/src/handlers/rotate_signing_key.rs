//! Scheduled (every 30 days) or run by hand: rotates the token signing key without logging
//! anyone out.
//!
//! 1. A new secret value is made and its public key published first, so every verifier can
//!    check tokens signed with it before any exists (verifiers also re-read the keys at once
//!    when a token names a key they have not seen).
//! 2. The new value is written to Secrets Manager; each issuer switches to it when it next
//!    re-reads the secret (`SIGNING_KEY_RELOAD_SECS`).
//! 3. The previous keys stay published until every token they signed has expired: the
//!    reload period, plus the refresh-token lifetime (refresh tokens are verified with the
//!    same keys), plus the access-token lifetime. Then verifiers drop them.
//!
//! `{"withdraw_previous_now": true}` is the emergency rotation (a leaked key): the previous
//! keys are withdrawn at once, which ends every session signed with them.

use std::sync::Arc;

use cargoflow_auth::SigningKey;
use cargoflow_domain::time_util;
use serde::{Deserialize, Serialize};

use crate::Deps;

#[derive(Debug, Default, Deserialize)]
struct Input {
    #[serde(default)]
    withdraw_previous_now: bool,
}

#[derive(Debug, Serialize)]
pub struct RotationReport {
    pub new_kid: String,
    pub retired: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub withdraw_at: time::OffsetDateTime,
}

pub async fn handle(
    deps: Arc<Deps>,
    event: serde_json::Value,
) -> Result<serde_json::Value, String> {
    let input: Input = serde_json::from_value(event).unwrap_or_default();
    let report = rotate(&deps, input.withdraw_previous_now).await?;
    tracing::info!(new_kid = %report.new_kid, retired = ?report.retired, "signing key rotated");
    serde_json::to_value(report).map_err(|e| e.to_string())
}

/// One rotation (see the module's steps).
pub async fn rotate(deps: &Deps, withdraw_now: bool) -> Result<RotationReport, String> {
    let secret = SigningKey::new_secret();
    let key = SigningKey::from_secret(&secret).map_err(|e| e.to_string())?;
    crate::signing::publish(&deps.store, &key)
        .await
        .map_err(|e| format!("publishing the new key: {e:?}"))?;
    deps.secrets()
        .put_secret_value()
        .secret_id(&deps.config.signing_key_secret_id)
        .secret_string(secret)
        .send()
        .await
        .map_err(|e| {
            format!(
                "PutSecretValue: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(e)
            )
        })?;
    let now = time_util::now();
    let withdraw_at = if withdraw_now {
        now
    } else {
        let c = &deps.config;
        now + time::Duration::seconds(c.signing_key_reload_secs as i64)
            + time::Duration::seconds(c.refresh_ttl_secs)
            + time::Duration::seconds(c.access_ttl_secs)
    };
    let retired = deps
        .store
        .retire_signing_keys(key.kid(), withdraw_at, now)
        .await
        .map_err(|e| format!("retiring the previous keys: {e:?}"))?;
    Ok(RotationReport {
        new_kid: key.kid().to_string(),
        retired,
        withdraw_at,
    })
}
