//! Refresh-token families: rotation on every use, reuse detection, revocation.

use cargoflow_domain::*;
use time::OffsetDateTime;

use crate::items::TokenFamilyItem;
use crate::store::{n, s};
use crate::{Store, StoreError, keys};

#[derive(Debug, Clone)]
pub struct TokenFamily {
    pub family_id: TokenFamilyId,
    pub user_id: UserId,
    pub current_token_id: TokenId,
    /// The token the current one replaced, and when (the grace window's inputs).
    pub previous_token_id: Option<TokenId>,
    pub rotated_at: Option<OffsetDateTime>,
    /// The user's session epoch at login.
    pub session_epoch: u64,
    pub revoked: bool,
    pub expires_at: OffsetDateTime,
    /// When the session began (login): sessions end at a fixed age however often refreshed.
    pub created_at: OffsetDateTime,
}

/// A new login session: its family, first token, the user and their session epoch.
#[derive(Debug, Clone, Copy)]
pub struct SessionStart<'a> {
    pub tenant: &'a TenantId,
    pub family: &'a TokenFamilyId,
    pub user: &'a UserId,
    pub token: &'a TokenId,
    pub session_epoch: u64,
    pub expires_at: OffsetDateTime,
}

impl Store {
    pub async fn create_token_family(
        &self,
        start: &SessionStart<'_>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let SessionStart {
            tenant,
            family,
            user,
            token,
            session_epoch,
            expires_at,
        } = *start;
        let k = keys::token_family(tenant, family);
        let item = TokenFamilyItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: TokenFamilyItem::TYPE.into(),
            family_id: family.to_string(),
            user_id: user.to_string(),
            current_token_id: token.to_string(),
            previous_token_id: None,
            rotated_at: None,
            session_epoch,
            revoked: false,
            revoked_reason: None,
            expires_at,
            ttl: expires_at.unix_timestamp() + 86_400,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        self.transact_one(self.put_new(Self::to_item(&item)?)?)
            .await
    }

    pub async fn get_token_family(
        &self,
        tenant: &TenantId,
        family: &TokenFamilyId,
    ) -> Result<Option<TokenFamily>, StoreError> {
        Ok(self
            .get::<TokenFamilyItem>(&keys::token_family(tenant, family))
            .await?
            .map(|i| TokenFamily {
                family_id: TokenFamilyId::from_stored(i.family_id),
                user_id: UserId::from_stored(i.user_id),
                current_token_id: TokenId::from_stored(i.current_token_id),
                previous_token_id: i.previous_token_id.map(TokenId::from_stored),
                rotated_at: i.rotated_at,
                session_epoch: i.session_epoch,
                revoked: i.revoked,
                expires_at: i.expires_at,
                created_at: i.created_at,
            }))
    }

    /// Moves the family from `presented` to `next` (remembering `presented` and when, for the
    /// grace window), only if `presented` is still current and the family is not revoked. A
    /// lost race or a reused token answers `Conflict`.
    pub async fn rotate_token_family(
        &self,
        tenant: &TenantId,
        family: &TokenFamilyId,
        presented: &TokenId,
        next: &TokenId,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let item = self.update(
            &keys::token_family(tenant, family),
            "SET current_token_id = :next, previous_token_id = :presented, rotated_at = :now, expires_at = :exp, #ttl = :ttl, updated_at = :now, version = version + :one",
            "attribute_exists(#pk) AND current_token_id = :presented AND revoked = :false",
            &[("#pk", keys::PK), ("#ttl", keys::TTL)],
            vec![
                (":next", s(next.as_str())),
                (":presented", s(presented.as_str())),
                (":exp", s(time_util::rfc3339(expires_at))),
                (":ttl", n(expires_at.unix_timestamp() + 86_400)),
                (":now", s(time_util::rfc3339(now))),
                (":one", n(1)),
                (":false", aws_sdk_dynamodb::types::AttributeValue::Bool(false)),
            ],
        )?;
        self.transact_one(item).await
    }

    /// Revokes the whole family (logout, or reuse of an old token). Idempotent.
    pub async fn revoke_token_family(
        &self,
        tenant: &TenantId,
        family: &TokenFamilyId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let item = self.update(
            &keys::token_family(tenant, family),
            "SET revoked = :true, revoked_reason = :reason, updated_at = :now, version = version + :one",
            "attribute_exists(#pk)",
            &[("#pk", keys::PK)],
            vec![
                (":true", aws_sdk_dynamodb::types::AttributeValue::Bool(true)),
                (":reason", s(reason)),
                (":now", s(time_util::rfc3339(now))),
                (":one", n(1)),
            ],
        )?;
        match self.transact_one(item).await {
            Err(StoreError::Conflict) => Err(StoreError::NotFound),
            other => other,
        }
    }
}

/// A published public signing key.
#[derive(Debug, Clone)]
pub struct PublishedKey {
    pub kid: String,
    /// The public JWK, as JSON.
    pub jwk: String,
    pub published_at: OffsetDateTime,
    pub withdraw_at: Option<OffsetDateTime>,
}

impl Store {
    /// The public keys verifiers may use at `now` (not withdrawn yet).
    pub async fn published_keys(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<PublishedKey>, StoreError> {
        let Some(item) = self
            .get::<crate::items::SigningKeysItem>(&keys::signing_keys())
            .await?
        else {
            return Ok(vec![]);
        };
        let mut out: Vec<PublishedKey> = item
            .keys
            .into_iter()
            .filter(|(_, k)| k.withdraw_at.is_none_or(|w| w > now))
            .map(|(kid, k)| PublishedKey {
                kid,
                jwk: k.jwk,
                published_at: k.published_at,
                withdraw_at: k.withdraw_at,
            })
            .collect();
        out.sort_by_key(|k| k.published_at);
        Ok(out)
    }

    /// Publishes a public key (idempotent: an already published key is left as it is).
    pub async fn publish_signing_key(
        &self,
        kid: &str,
        jwk: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let entry = crate::items::SigningKeyEntry {
            jwk: jwk.to_string(),
            published_at: now,
            withdraw_at: None,
        };
        let k = keys::signing_keys();
        let first = crate::items::SigningKeysItem {
            pk: k.pk.clone(),
            sk: k.sk.clone(),
            entity_type: crate::items::SigningKeysItem::TYPE.into(),
            keys: [(kid.to_string(), entry.clone())].into(),
        };
        match self
            .transact_one(self.put_new(Self::to_item(&first)?)?)
            .await
        {
            Err(StoreError::Conflict) => {}
            other => return other,
        }
        let value = aws_sdk_dynamodb::types::AttributeValue::M(serde_dynamo::to_item(&entry)?);
        let item = self.update(
            &k,
            "SET #keys.#kid = if_not_exists(#keys.#kid, :entry)",
            "attribute_exists(#pk)",
            &[("#pk", keys::PK), ("#keys", "keys"), ("#kid", kid)],
            vec![(":entry", value)],
        )?;
        self.transact_one(item).await
    }

    /// Schedules the withdrawal of every published key except `current` at `withdraw_at` (a
    /// key already scheduled earlier keeps its date; one scheduled later is brought forward).
    /// Returns the kids scheduled now.
    pub async fn retire_signing_keys(
        &self,
        current: &str,
        withdraw_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        let mut retired = Vec::new();
        for key in self.published_keys(now).await? {
            if key.kid == current || key.withdraw_at.is_some_and(|w| w <= withdraw_at) {
                continue;
            }
            let (condition, mut values) = match key.withdraw_at {
                None => (
                    "attribute_exists(#keys.#kid) AND attribute_not_exists(#keys.#kid.withdraw_at)",
                    vec![],
                ),
                Some(old) => (
                    "#keys.#kid.withdraw_at = :old",
                    vec![(":old", s(time_util::rfc3339(old)))],
                ),
            };
            values.push((":w", s(time_util::rfc3339(withdraw_at))));
            let item = self.update(
                &keys::signing_keys(),
                "SET #keys.#kid.withdraw_at = :w",
                condition,
                &[("#keys", "keys"), ("#kid", key.kid.as_str())],
                values,
            )?;
            match self.transact_one(item).await {
                Ok(()) => retired.push(key.kid),
                Err(StoreError::Conflict) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(retired)
    }
}
