//! Proof of delivery, tracking settings and links, live locations and WebSocket connections.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use cargoflow_domain::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::keys::{self, Key};
use crate::store::{TxError, key_map, n};
use crate::{Store, StoreError};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PodItem {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
    pub pod: Pod,
}

impl PodItem {
    pub const TYPE: &'static str = "POD";

    pub fn new(tenant: &TenantId, pod: &Pod) -> Self {
        let k = keys::pod(tenant, &pod.order_id);
        Self {
            pk: k.pk,
            sk: k.sk,
            entity_type: Self::TYPE.into(),
            created_at: pod.delivered_at,
            updated_at: pod.delivered_at,
            version: 1,
            pod: pod.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrackingSettingsItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    version: u64,
    settings: TrackingSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LocationItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    /// Epoch milliseconds of the fix, for the rate-limit condition.
    at_ms: i64,
    #[serde(rename = "ttl")]
    ttl: i64,
    location: LiveLocation,
}

/// What a WebSocket connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A driver sending locations.
    Driver,
    /// An ops console following one route.
    OpsRoute,
    /// A customer's tracking page.
    Tracking,
}

/// An open connection and the subscriber items it owns (removed with it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WsConnection {
    pub connection_id: String,
    pub tenant_id: String,
    pub channel: Channel,
    pub user_id: Option<String>,
    pub driver_id: Option<String>,
    pub route_id: Option<String>,
    pub order_id: Option<String>,
    /// Partitions holding this connection's subscriber items.
    pub subscriptions: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub connected_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WsConnectionItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(rename = "ttl")]
    ttl: i64,
    connection: WsConnection,
}

/// One subscriber of a route or an order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WsSubscriber {
    #[serde(rename = "PK")]
    pub pk: String,
    #[serde(rename = "SK")]
    pub sk: String,
    pub entity_type: String,
    pub connection_id: String,
    pub channel: Channel,
    /// For tracking pages: the order they follow.
    pub order_id: Option<String>,
    #[serde(rename = "ttl")]
    pub ttl: i64,
    /// When the connection was made (epoch ms; 0 on items written before it was recorded):
    /// which of a link's sockets is the oldest.
    #[serde(default)]
    pub connected_at_ms: i64,
}

impl Store {
    pub async fn get_pod(
        &self,
        tenant: &TenantId,
        order: &OrderId,
    ) -> Result<Option<Pod>, StoreError> {
        Ok(self
            .get::<PodItem>(&keys::pod(tenant, order))
            .await?
            .map(|i| i.pod))
    }

    /// The tenant's tracking settings (the defaults until saved).
    pub async fn get_tracking_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<TrackingSettings, StoreError> {
        Ok(self
            .get::<TrackingSettingsItem>(&keys::tracking_settings(tenant))
            .await?
            .map(|i| i.settings)
            .unwrap_or_default())
    }

    pub async fn put_tracking_settings(
        &self,
        tenant: &TenantId,
        settings: &TrackingSettings,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let k = keys::tracking_settings(tenant);
        let item = TrackingSettingsItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "TRACKING_SETTINGS".into(),
            updated_at: now,
            version: 1,
            settings: *settings,
        };
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::to_item(&item)?))
            .send()
            .await
            .map_err(|e| StoreError::backend("PutItem", e))?;
        Ok(())
    }

    /// Replaces (or removes) an order's tracking token: the order at its version, the old
    /// token's marker deleted, the new one's written, and the event, in one transaction.
    /// `false` when the order changed in between.
    pub async fn replace_tracking_token(
        &self,
        tenant: &TenantId,
        updated: &Order,
        expected_version: u64,
        old: Option<&TrackingToken>,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut tx = vec![
            self.order_versioned_tx(tenant, updated, expected_version)?,
            self.event_tx(tenant, event)?,
        ];
        if let Some(old) = old {
            tx.push(self.delete(&keys::tracking_marker(old))?);
        }
        if let Some(new) = &updated.tracking_token {
            tx.push(self.put_new(Self::to_item(&crate::items::MarkerItem::new(
                keys::tracking_marker(new),
                tenant,
                updated.id.as_str(),
                updated.updated_at,
            ))?)?);
        }
        match self.transact(tx).await {
            Ok(()) => Ok(true),
            Err(TxError::Cancelled(_)) => Ok(false),
            Err(TxError::Store(e)) => Err(e),
        }
    }

    /// Stores a route's latest location unless the previous one is less than
    /// `min_interval_ms` old (one conditional write: the rate limit and the store at once).
    /// `false` when refused by the rate limit.
    pub async fn put_location(
        &self,
        tenant: &TenantId,
        location: &LiveLocation,
        min_interval_ms: i64,
    ) -> Result<bool, StoreError> {
        let k = keys::route_location(tenant, &location.route_id);
        let at_ms = (location.at.unix_timestamp_nanos() / 1_000_000) as i64;
        let item = LocationItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "LOCATION".into(),
            at_ms,
            ttl: location.at.unix_timestamp() + 7 * 86_400,
            location: location.clone(),
        };
        match self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(Self::to_item(&item)?))
            .condition_expression("attribute_not_exists(#pk) OR at_ms <= :cutoff")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":cutoff", n(at_ms - min_interval_ms))
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(PutItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(StoreError::backend("PutItem", e)),
        }
    }

    pub async fn get_location(
        &self,
        tenant: &TenantId,
        route: &RouteId,
    ) -> Result<Option<LiveLocation>, StoreError> {
        Ok(self
            .get::<LocationItem>(&keys::route_location(tenant, route))
            .await?
            .map(|i| i.location))
    }

    /// Records a connection and its subscriber items (one transaction), expiring after
    /// `ttl` (API Gateway closes connections after two hours anyway).
    pub async fn put_ws_connection(&self, c: &WsConnection, ttl: i64) -> Result<(), StoreError> {
        if self.put_ws_connection_guarded(c, ttl, None).await? {
            Ok(())
        } else {
            Err(StoreError::Backend {
                operation: "TransactWriteItems",
                message: "cancelled".into(),
            })
        }
    }

    /// [`Self::put_ws_connection`], only while the item at `guard` exists (a tracking page's
    /// link marker: a connect racing a revoke or rotate of its link is refused in the write,
    /// so no socket outlives its link). `false` when the guard is gone.
    pub async fn put_ws_connection_guarded(
        &self,
        c: &WsConnection,
        ttl: i64,
        guard: Option<&Key>,
    ) -> Result<bool, StoreError> {
        let k = keys::ws_connection(&c.connection_id);
        let mut tx = vec![self.put(Self::to_item(&WsConnectionItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "WS_CONNECTION".into(),
            ttl,
            connection: c.clone(),
        })?)?];
        for partition in &c.subscriptions {
            let sk = keys::ws_subscription(partition, &c.connection_id);
            tx.push(self.put(Self::to_item(&WsSubscriber {
                pk: sk.pk,
                sk: sk.sk,
                entity_type: "WS_SUBSCRIBER".into(),
                connection_id: c.connection_id.clone(),
                channel: c.channel,
                order_id: c.order_id.clone(),
                ttl,
                connected_at_ms: (c.connected_at.unix_timestamp_nanos() / 1_000_000) as i64,
            })?)?);
        }
        if let Some(g) = guard {
            let check = aws_sdk_dynamodb::types::ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(key_map(g)))
                .condition_expression("attribute_exists(#pk)")
                .expression_attribute_names("#pk", keys::PK)
                .build()
                .map_err(|e| StoreError::backend("build ConditionCheck", e))?;
            tx.push(
                aws_sdk_dynamodb::types::TransactWriteItem::builder()
                    .condition_check(check)
                    .build(),
            );
        }
        match self.transact(tx).await {
            Ok(()) => Ok(true),
            Err(TxError::Cancelled(_)) if guard.is_some() => Ok(false),
            Err(TxError::Store(e)) => Err(e),
            Err(TxError::Cancelled(r)) => Err(StoreError::Backend {
                operation: "TransactWriteItems",
                message: format!("cancelled: {r:?}"),
            }),
        }
    }

    pub async fn get_ws_connection(&self, id: &str) -> Result<Option<WsConnection>, StoreError> {
        #[derive(Deserialize)]
        struct Only {
            connection: WsConnection,
        }
        Ok(self
            .get::<Only>(&keys::ws_connection(id))
            .await?
            .map(|i| i.connection))
    }

    /// Forgets a connection and its subscriber items (idempotent).
    pub async fn delete_ws_connection(&self, id: &str) -> Result<(), StoreError> {
        let Some(c) = self.get_ws_connection(id).await? else {
            return Ok(());
        };
        let mut keys_to_delete = vec![keys::ws_connection(id)];
        keys_to_delete.extend(c.subscriptions.iter().map(|p| keys::ws_subscription(p, id)));
        for k in keys_to_delete {
            self.delete_key(&k).await?;
        }
        Ok(())
    }

    async fn delete_key(&self, k: &Key) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_map(k)))
            .send()
            .await
            .map_err(|e| StoreError::backend("DeleteItem", e))?;
        Ok(())
    }

    /// Every live subscriber in a partition (expired ones skipped: TTL deletes late).
    pub async fn ws_subscribers(
        &self,
        partition: &str,
        now: i64,
    ) -> Result<Vec<WsSubscriber>, StoreError> {
        self.ws_subscribers_at_most(partition, now, usize::MAX)
            .await
    }

    /// At most `max` items of a partition's subscribers (live ones kept): the bound on what
    /// one push reads (and so sends to).
    pub async fn ws_subscribers_at_most(
        &self,
        partition: &str,
        now: i64,
        max: usize,
    ) -> Result<Vec<WsSubscriber>, StoreError> {
        let mut out = Vec::new();
        for item in self.query_all(None, keys::PK, partition, max).await? {
            let sub: WsSubscriber = serde_dynamo::from_item(item)?;
            if sub.ttl > now {
                out.push(sub);
            }
        }
        Ok(out)
    }
}
