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
    pub revoked: bool,
    pub expires_at: OffsetDateTime,
    /// When the session began (login): sessions end at a fixed age however often refreshed.
    pub created_at: OffsetDateTime,
}

impl Store {
    pub async fn create_token_family(
        &self,
        tenant: &TenantId,
        family: &TokenFamilyId,
        user: &UserId,
        token: &TokenId,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let k = keys::token_family(tenant, family);
        let item = TokenFamilyItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: TokenFamilyItem::TYPE.into(),
            family_id: family.to_string(),
            user_id: user.to_string(),
            current_token_id: token.to_string(),
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
                revoked: i.revoked,
                expires_at: i.expires_at,
                created_at: i.created_at,
            }))
    }

    /// Moves the family from `presented` to `next`, only if `presented` is still current and
    /// the family is not revoked. A lost race or a reused token answers `Conflict`.
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
            "SET current_token_id = :next, expires_at = :exp, #ttl = :ttl, updated_at = :now, version = version + :one",
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
