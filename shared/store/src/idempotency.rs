//! Idempotency records (as Powertools for AWS Lambda keeps them): a claim written with a
//! condition (absent, expired, or an abandoned in-progress claim), then the response stored
//! for replay. Expiry is checked in the condition and on read; TTL only cleans up.

use aws_sdk_dynamodb::operation::put_item::PutItemError;

use crate::keys::{self, Key};
use crate::order_items::IdempotencyItem;
use crate::store::n;
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// This request owns the key: run it, then `complete` or `release`.
    New,
    /// Another request with this key finished: replay its response if the hashes match.
    Completed {
        request_hash: String,
        status: u16,
        body: String,
    },
    /// Another request with this key is still running.
    InProgress { request_hash: String },
}

impl Store {
    /// Claims `key` for a request whose content hashes to `request_hash`.
    pub async fn claim_idempotency(
        &self,
        key: &Key,
        request_hash: &str,
        now: i64,
        keep_secs: i64,
        in_progress_secs: i64,
    ) -> Result<Claim, StoreError> {
        let item = IdempotencyItem {
            pk: key.pk.clone(),
            sk: key.sk.clone(),
            entity_type: IdempotencyItem::TYPE.into(),
            status: "IN_PROGRESS".into(),
            request_hash: request_hash.into(),
            response_status: None,
            response_body: None,
            expires_at: now + keep_secs,
            in_progress_until: now + in_progress_secs,
            ttl: now + keep_secs + 3600,
        };
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::to_item(&item)?))
            .condition_expression(
                "attribute_not_exists(#pk) OR expires_at < :now OR (#status = :in_progress AND in_progress_until < :now)",
            )
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":in_progress", crate::store::s("IN_PROGRESS"))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::New),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(PutItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                let existing: IdempotencyItem = self.get(key).await?.ok_or(StoreError::Conflict)?;
                Ok(
                    match (
                        existing.status.as_str(),
                        existing.response_status,
                        existing.response_body,
                    ) {
                        ("COMPLETED", Some(status), Some(body)) => Claim::Completed {
                            request_hash: existing.request_hash,
                            status,
                            body,
                        },
                        _ => Claim::InProgress {
                            request_hash: existing.request_hash,
                        },
                    },
                )
            }
            Err(e) => Err(StoreError::backend("PutItem", e)),
        }
    }

    /// Stores the response to replay for this key.
    pub async fn complete_idempotency(
        &self,
        key: &Key,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(crate::store::key_map(key)))
            .update_expression(
                "SET #status = :done, response_status = :code, response_body = :body",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":done", crate::store::s("COMPLETED"))
            .expression_attribute_values(":code", n(status))
            .expression_attribute_values(":body", crate::store::s(body))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| StoreError::backend("UpdateItem", e))
    }

    /// Forgets a claim whose request failed on our side, so a retry can run.
    pub async fn release_idempotency(&self, key: &Key) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(crate::store::key_map(key)))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| StoreError::backend("DeleteItem", e))
    }
}
