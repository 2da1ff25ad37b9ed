//! Webhook settings, delivery attempts and the event log.

use cargoflow_domain::webhooks::{WebhookDelivery, WebhookSettings};
use cargoflow_domain::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::order_items::EventItem;
use crate::store::{n, s};
use crate::{Page, Store, StoreError, cursor, keys};

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
    outcome: String,
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
            outcome: d.outcome.clone(),
            created_at: d.created_at,
            updated_at: d.created_at,
            version: 1,
            ttl: d.created_at.unix_timestamp() + DELIVERY_KEEP_SECS,
            delivery: d.clone(),
        };
        self.transact_one(self.put_new(Self::to_item(&item)?)?)
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
        let mut start = match cursor_in {
            Some(c) => Some(cursor::decode(c, keys::GSI1PK, &pk, keys::GSI1SK, None)?),
            None => None,
        };
        let mut items = Vec::new();
        let mut pages = 0;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", s(&pk))
                .scan_index_forward(false)
                .limit(limit - items.len() as i32)
                .set_exclusive_start_key(start.take());
            let mut exprs = Vec::new();
            for (i, (attr, value)) in filters.iter().enumerate() {
                exprs.push(format!("#f{i} = :f{i}"));
                q = q
                    .expression_attribute_names(format!("#f{i}"), *attr)
                    .expression_attribute_values(format!(":f{i}"), s(value));
            }
            if !exprs.is_empty() {
                q = q.filter_expression(exprs.join(" AND "));
            }
            let out = q
                .send()
                .await
                .map_err(|e| crate::error::query_failed(e, cursor_in.is_some()))?;
            for item in out.items.unwrap_or_default() {
                items.push(serde_dynamo::from_item(item)?);
            }
            pages += 1;
            start = out.last_evaluated_key;
            if start.is_none() || items.len() as i32 >= limit || pages >= 5 {
                break;
            }
        }
        Ok(Page {
            items,
            next_cursor: start.as_ref().and_then(cursor::encode),
        })
    }

    pub async fn list_deliveries(
        &self,
        tenant: &TenantId,
        event_id: Option<&str>,
        outcome: Option<&str>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<WebhookDelivery>, StoreError> {
        let mut filters = Vec::new();
        if let Some(e) = event_id {
            filters.push(("event_id", e.to_string()));
        }
        if let Some(o) = outcome {
            filters.push(("outcome", o.to_string()));
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
        if let Some(st) = status {
            filters.push(("status", st.to_string()));
        }
        self.gsi1_page(keys::gsi1_events(tenant), &filters, cursor, limit)
            .await
    }
}
