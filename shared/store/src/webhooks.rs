//! Webhook settings, delivery attempts and the event log.

use cargoflow_domain::webhooks::{DeliveryOutcome, WebhookDelivery, WebhookSettings};
use cargoflow_domain::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::order_items::EventItem;
use crate::store::{n, s};
use crate::{Page, Store, StoreError, keys};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SettingsItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    version: u64,
    settings: WebhookSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeliveryItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(rename = "GSI1PK")]
    gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    gsi1sk: String,
    event_id: String,
    /// Top-level too, for the listing's filter.
    outcome: DeliveryOutcome,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    version: u64,
    ttl: i64,
    delivery: WebhookDelivery,
}

/// Delivery records are kept 30 days.
const DELIVERY_KEEP_SECS: i64 = 30 * 86_400;

/// A webhook message the dispatcher gave up on (its last attempt failed), kept in its
/// tenant's dead-letter partition until that tenant replays it (or 14 days, as the SQS DLQ).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeadLetter {
    /// ULID: dead letters are read oldest first.
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// The queue message as it was (the EventBridge envelope), sent again on replay.
    pub body: String,
    /// Attempts made before giving up.
    pub attempts: u32,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DeadLetterItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    ttl: i64,
    #[serde(flatten)]
    letter: DeadLetter,
}

/// Dead letters are kept 14 days (the SQS DLQ's retention).
const DEAD_LETTER_KEEP_SECS: i64 = 14 * 86_400;

impl Store {
    pub async fn get_webhook_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<WebhookSettings>, StoreError> {
        Ok(self
            .get::<SettingsItem>(&keys::webhook_settings(tenant))
            .await?
            .map(|i| i.settings))
    }

    /// Saves settings: new (`expected_version` None) or over the version read.
    pub async fn put_webhook_settings(
        &self,
        tenant: &TenantId,
        settings: &WebhookSettings,
        expected_version: Option<u64>,
    ) -> Result<(), StoreError> {
        let k = keys::webhook_settings(tenant);
        let item = SettingsItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "WEBHOOK_SETTINGS".into(),
            created_at: settings.updated_at,
            updated_at: settings.updated_at,
            version: settings.version,
            settings: settings.clone(),
        };
        let tx = match expected_version {
            None => self.put_new(Self::to_item(&item)?)?,
            Some(v) => self.put_versioned(Self::to_item(&item)?, v)?,
        };
        self.transact_one(tx).await
    }

    /// Switches the endpoint off (the receiver answered 410 Gone).
    pub async fn disable_webhook(
        &self,
        tenant: &TenantId,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(crate::store::key_map(&keys::webhook_settings(tenant))))
            .update_expression("SET settings.enabled = :no, settings.disabled_reason = :why, settings.version = settings.version + :one, version = version + :one, updated_at = :now")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":no", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
            .expression_attribute_values(":why", s(reason))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", s(time_util::rfc3339(now)))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| StoreError::backend("UpdateItem", e))
    }

    pub async fn record_delivery(
        &self,
        tenant: &TenantId,
        d: &WebhookDelivery,
    ) -> Result<(), StoreError> {
        let k = keys::delivery(tenant, &d.id);
        let item = DeliveryItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "WEBHOOK_DELIVERY".into(),
            gsi1pk: keys::gsi1_deliveries(tenant),
            gsi1sk: d.id.clone(),
            event_id: d.event_id.clone(),
            outcome: d.outcome,
            created_at: d.created_at,
            updated_at: d.created_at,
            version: 1,
            ttl: d.created_at.unix_timestamp() + DELIVERY_KEEP_SECS,
            delivery: d.clone(),
        };
        self.transact_one(self.put_new(Self::to_item(&item)?)?)
            .await
    }

    /// Keeps a message the dispatcher gave up on, in its tenant's dead-letter partition.
    pub async fn put_dead_letter(
        &self,
        tenant: &TenantId,
        letter: &DeadLetter,
    ) -> Result<(), StoreError> {
        let k = keys::webhook_dead_letter(tenant, &letter.id);
        let item = DeadLetterItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "WEBHOOK_DEAD_LETTER".into(),
            ttl: letter.created_at.unix_timestamp() + DEAD_LETTER_KEEP_SECS,
            letter: letter.clone(),
        };
        self.transact_one(self.put(Self::to_item(&item)?)?).await
    }

    /// The tenant's dead letters, oldest first, one page (only its own partition is read).
    pub async fn dead_letters(
        &self,
        tenant: &TenantId,
        limit: i32,
    ) -> Result<Vec<DeadLetter>, StoreError> {
        let page: Page<DeadLetterItem> = self
            .query_prefix(
                &keys::webhook_dead_letters_pk(tenant),
                keys::DEAD_LETTER_PREFIX,
                None,
                limit,
            )
            .await?;
        Ok(page.items.into_iter().map(|i| i.letter).collect())
    }

    /// Removes one dead letter (after it was sent back to the queue).
    pub async fn delete_dead_letter(&self, tenant: &TenantId, id: &str) -> Result<(), StoreError> {
        self.transact_one(self.delete(&keys::webhook_dead_letter(tenant, id))?)
            .await
    }

    pub async fn get_delivery(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<WebhookDelivery, StoreError> {
        let item: DeliveryItem = self
            .get(&keys::delivery(tenant, id))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(item.delivery)
    }

    pub async fn get_event(
        &self,
        tenant: &TenantId,
        id: &EventId,
    ) -> Result<EventItem, StoreError> {
        self.get(&keys::event(tenant, id))
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A GSI1 listing, newest first, with optional `attr = value` filters.
    async fn gsi1_page<T: serde::de::DeserializeOwned>(
        &self,
        pk: String,
        filters: &[(&str, String)],
        cursor_in: Option<&str>,
        limit: i32,
    ) -> Result<Page<T>, StoreError> {
        let start =
            crate::store::start_key(cursor_in, keys::GSI1PK, &pk, keys::GSI1SK, None, None)?;
        let mut listing = crate::store::Listing {
            index: Some(keys::GSI1),
            key_condition: "GSI1PK = :pk".into(),
            values: vec![(":pk".into(), s(&pk))],
            ..Default::default()
        };
        for (i, (attr, value)) in filters.iter().enumerate() {
            listing.filters.push(format!("#f{i} = :f{i}"));
            listing.names.push((format!("#f{i}"), attr.to_string()));
            listing.values.push((format!(":f{i}"), s(value)));
        }
        self.list_page(listing, start, limit).await
    }

    pub async fn list_deliveries(
        &self,
        tenant: &TenantId,
        event_id: Option<&str>,
        outcome: Option<DeliveryOutcome>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<WebhookDelivery>, StoreError> {
        let mut filters = Vec::new();
        if let Some(e) = event_id {
            filters.push(("event_id", e.to_string()));
        }
        if let Some(o) = outcome {
            filters.push(("outcome", o.as_str().to_string()));
        }
        let page: Page<DeliveryItem> = self
            .gsi1_page(keys::gsi1_deliveries(tenant), &filters, cursor, limit)
            .await?;
        Ok(page.map(|i| i.delivery))
    }

    pub async fn list_events(
        &self,
        tenant: &TenantId,
        event_type: Option<&str>,
        status: Option<&str>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<EventItem>, StoreError> {
        let mut filters = Vec::new();
        if let Some(t) = event_type {
            filters.push(("event_type", t.to_string()));
        }
        let mut page: Page<EventItem> = self
            .gsi1_page(keys::gsi1_events(tenant), &filters, cursor, limit)
            .await?;
        // The outbox status is not in GSI1 (see `EventItem::status`): filtered here, after
        // the page is read, as a FilterExpression would (a page may hold fewer than `limit`;
        // the cursor goes on where the read stopped).
        if let Some(st) = status {
            page.items.retain(|e| e.status == st);
        }
        Ok(page)
    }
}
