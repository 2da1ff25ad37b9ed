//! Orders: creation (with its reference marker, first history row and event), status
//! transitions (order + history + event in one transaction), edits, the detail Query and the
//! filtered listings.

use aws_sdk_dynamodb::types::{ConditionCheck, Put, TransactWriteItem};
use cargoflow_domain::*;
use time::OffsetDateTime;

use crate::order_items::{EventItem, ExceptionItem, HistoryItem, OrderItem};
use crate::store::{Listing, TxError, attr_s, key_map, n, s, start_key};
use crate::tenancy::map_unique;
use crate::{Page, Store, StoreError, keys};

/// What one order's partition holds.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    pub order: Order,
    pub history: Vec<StatusHistoryEntry>,
    pub exceptions: Vec<OrderException>,
    pub pod: Option<Pod>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub created_from: Option<OffsetDateTime>,
    pub created_to: Option<OffsetDateTime>,
    pub route_id: Option<RouteId>,
    pub driver_id: Option<DriverId>,
    /// Lower-cased substring of reference code, customer name or phone.
    pub search: Option<String>,
}

/// Why a guarded write of an order failed.
#[derive(Debug)]
pub enum OrderWriteError {
    /// The order is no longer at the expected status/version (a concurrent change won).
    Stale,
    Store(StoreError),
}

impl From<StoreError> for OrderWriteError {
    fn from(e: StoreError) -> Self {
        OrderWriteError::Store(e)
    }
}

/// The lowest and highest ULID strings of a time range (for key conditions on id-sorted indexes).
pub fn ulid_bounds(from: Option<OffsetDateTime>, to: Option<OffsetDateTime>) -> (String, String) {
    let ms = |t: OffsetDateTime| (t.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    let lo = from
        .map(|t| ulid::Ulid::from_parts(ms(t), 0))
        .unwrap_or(ulid::Ulid::nil());
    let hi = to
        .map(|t| ulid::Ulid::from_parts(ms(t), u128::MAX))
        .unwrap_or(ulid::Ulid::from_parts((1u64 << 48) - 1, u128::MAX));
    (lo.to_string(), hi.to_string())
}

impl Store {
    pub(crate) fn event_tx(
        &self,
        tenant: &TenantId,
        event: &NewEvent,
    ) -> Result<TransactWriteItem, StoreError> {
        self.put_new(Self::to_item(&EventItem::new(tenant, event))?)
    }

    pub(crate) fn history_tx(
        &self,
        tenant: &TenantId,
        entry: &StatusHistoryEntry,
    ) -> Result<TransactWriteItem, StoreError> {
        self.put_new(Self::to_item(&HistoryItem::new(tenant, entry))?)
    }

    /// An order write guarded by its version and status.
    pub(crate) fn order_guarded_tx(
        &self,
        tenant: &TenantId,
        order: &Order,
        expected_version: u64,
        expected_status: OrderStatus,
    ) -> Result<TransactWriteItem, StoreError> {
        self.order_guarded_by_tx(tenant, order, expected_version, expected_status, None)
    }

    /// [`Self::order_guarded_tx`], and when `driver` is given, only while the stored order
    /// is that driver's (`driver_id` in the write's condition): a driver's move or POD is
    /// refused by DynamoDB itself when the order was reassigned after it was read.
    pub(crate) fn order_guarded_by_tx(
        &self,
        tenant: &TenantId,
        order: &Order,
        expected_version: u64,
        expected_status: OrderStatus,
        driver: Option<&DriverId>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(Self::to_item(&OrderItem::new(tenant, order))?))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":expected", n(expected_version))
            .expression_attribute_values(":status", s(expected_status.as_str()))
            .expression_attribute_values(":now", n(time_util::now().unix_timestamp()));
        // No other change may hold the order (a bulk change's hold, docs/ARCHITECTURE.md).
        let free = "(attribute_not_exists(hold_change) OR hold_until < :now)";
        put = match driver {
            Some(d) => put
                .condition_expression(format!(
                    "version = :expected AND #status = :status AND driver_id = :driver AND {free}"
                ))
                .expression_attribute_values(":driver", s(d.as_str())),
            None => put.condition_expression(format!(
                "version = :expected AND #status = :status AND {free}"
            )),
        };
        let put = put
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// An order write at `expected_version` while no bulk change holds it.
    pub(crate) fn order_versioned_tx(
        &self,
        tenant: &TenantId,
        order: &Order,
        expected_version: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(Self::to_item(&OrderItem::new(tenant, order))?))
            .condition_expression(
                "version = :expected AND (attribute_not_exists(hold_change) OR hold_until < :now)",
            )
            .expression_attribute_values(":expected", n(expected_version))
            .expression_attribute_values(":now", n(time_util::now().unix_timestamp()))
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A guard that the order exists (for writes next to it).
    pub(crate) fn order_exists_tx(
        &self,
        tenant: &TenantId,
        order: &OrderId,
    ) -> Result<TransactWriteItem, StoreError> {
        let c = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::order(tenant, order))))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .build()
            .map_err(|e| StoreError::backend("build ConditionCheck", e))?;
        Ok(TransactWriteItem::builder().condition_check(c).build())
    }

    /// Creates an order with its reference marker, its first history row, its event and its
    /// count on the dashboard (crate::stats).
    pub async fn create_order(
        &self,
        tenant: &TenantId,
        order: &Order,
        history: &StatusHistoryEntry,
        event: &NewEvent,
    ) -> Result<(), StoreError> {
        let marker = crate::items::MarkerItem::new(
            keys::reference_marker(tenant, &order.reference_code),
            tenant,
            order.id.as_str(),
            order.created_at,
        );
        let mut counted = cargoflow_domain::tally::Tally::new();
        counted.order_created(order);
        let mut tx = vec![
            self.put_new(Self::to_item(&OrderItem::new(tenant, order))?)?,
            self.put_new(Self::to_item(&marker)?)?,
            self.history_tx(tenant, history)?,
            self.event_tx(tenant, event)?,
            self.put_new(Self::to_item(&crate::items::MarkerItem::new(
                keys::tracking_marker(order.tracking_token.as_ref().ok_or_else(|| {
                    StoreError::Corrupt("a new order needs a tracking token".into())
                })?),
                tenant,
                order.id.as_str(),
                order.created_at,
            ))?)?,
        ];
        tx.extend(self.tally_tx(tenant, &counted, order.id.as_str())?);
        self.transact_contended(tx)
            .await
            .map_err(|e| map_unique(e, &[(1, "reference_code")]))
    }

    pub async fn get_order(&self, tenant: &TenantId, order: &OrderId) -> Result<Order, StoreError> {
        let item: OrderItem = self
            .get(&keys::order(tenant, order))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    /// The order, its history (oldest first) and its exceptions: one Query of its partition.
    pub async fn order_detail(
        &self,
        tenant: &TenantId,
        order: &OrderId,
    ) -> Result<OrderDetail, StoreError> {
        let pk = keys::order_pk(tenant, order);
        let mut start = None;
        let mut found = None;
        let mut history = Vec::new();
        let mut exceptions = Vec::new();
        let mut pod = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_values(":pk", s(&pk))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| StoreError::backend("Query", e))?;
            for item in out.items.unwrap_or_default() {
                match item
                    .get("entity_type")
                    .and_then(|v| v.as_s().ok())
                    .map(String::as_str)
                {
                    Some(OrderItem::TYPE) => {
                        found = Some(Order::try_from(serde_dynamo::from_item::<_, OrderItem>(
                            item,
                        )?)?)
                    }
                    Some(HistoryItem::TYPE) => {
                        history.push(serde_dynamo::from_item::<_, HistoryItem>(item)?.entry)
                    }
                    Some(ExceptionItem::TYPE) => exceptions
                        .push(serde_dynamo::from_item::<_, ExceptionItem>(item)?.exception),
                    Some(crate::live::PodItem::TYPE) => {
                        pod = Some(serde_dynamo::from_item::<_, crate::live::PodItem>(item)?.pod)
                    }
                    _ => {}
                }
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        let order = found.ok_or(StoreError::NotFound)?;
        Ok(OrderDetail {
            order,
            history,
            exceptions,
            pod,
        })
    }

    /// Saves an edit of an order (status unchanged) with its event.
    pub async fn update_order(
        &self,
        tenant: &TenantId,
        updated: &Order,
        expected_version: u64,
        event: &NewEvent,
    ) -> Result<(), OrderWriteError> {
        let tx = vec![
            self.order_guarded_tx(tenant, updated, expected_version, updated.status)?,
            self.event_tx(tenant, event)?,
        ];
        match self.transact(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(_)) => Err(OrderWriteError::Stale),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// The tenant and order a tracking token points at (its marker), if any.
    pub async fn resolve_tracking_token(
        &self,
        token: &TrackingToken,
    ) -> Result<Option<(TenantId, OrderId)>, StoreError> {
        Ok(self
            .get::<crate::items::MarkerItem>(&keys::tracking_marker(token))
            .await?
            .map(|m| {
                (
                    TenantId::from_stored(m.tenant_id),
                    OrderId::from_stored(m.owner_id),
                )
            }))
    }

    /// The order behind a tracking token: its tenant and the order, if any (and only while
    /// the token is still the order's: a rotated or revoked one finds nothing).
    pub async fn find_order_by_tracking_token(
        &self,
        token: &TrackingToken,
    ) -> Result<Option<(TenantId, Order)>, StoreError> {
        let Some((tenant, order)) = self.resolve_tracking_token(token).await? else {
            return Ok(None);
        };
        match self.get_order(&tenant, &order).await {
            Ok(o) if o.tracking_token.as_ref() == Some(token) => Ok(Some((tenant, o))),
            Ok(_) | Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The order with this reference code, if any.
    pub async fn find_order_by_reference(
        &self,
        tenant: &TenantId,
        code: &ReferenceCode,
    ) -> Result<Option<Order>, StoreError> {
        let Some(marker) = self
            .get::<crate::items::MarkerItem>(&keys::reference_marker(tenant, code))
            .await?
        else {
            return Ok(None);
        };
        match self
            .get_order(tenant, &OrderId::from_stored(marker.owner_id))
            .await
        {
            Ok(o) => Ok(Some(o)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A page of orders, newest first, through GSI1 (all) or GSI2 (one status), narrowed by
    /// the creation-time range in the key condition and by route, driver and search in a
    /// filter. Filtered pages may hold fewer than `limit` items; follow `next_cursor`.
    pub async fn list_orders(
        &self,
        tenant: &TenantId,
        filter: &OrderFilter,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<Order>, StoreError> {
        let (index, pk_attr, sk_attr, pk) = match filter.status {
            Some(st) => (
                keys::GSI2,
                keys::GSI2PK,
                keys::GSI2SK,
                keys::gsi2_orders_by_status(tenant, st),
            ),
            None => (
                keys::GSI1,
                keys::GSI1PK,
                keys::GSI1SK,
                keys::gsi1_orders(tenant),
            ),
        };
        let (lo, hi) = ulid_bounds(filter.created_from, filter.created_to);
        let start = start_key(cursor, pk_attr, &pk, sk_attr, None, Some((&lo, &hi)))?;
        let mut listing = Listing {
            index: Some(index),
            key_condition: format!("{pk_attr} = :pk AND {sk_attr} BETWEEN :lo AND :hi"),
            values: vec![
                (":pk".into(), s(&pk)),
                (":lo".into(), s(&lo)),
                (":hi".into(), s(&hi)),
            ],
            ..Default::default()
        };
        if let Some(r) = &filter.route_id {
            listing.filters.push("route_id = :route".into());
            listing.values.push((":route".into(), s(r.as_str())));
        }
        if let Some(d) = &filter.driver_id {
            listing.filters.push("driver_id = :driver".into());
            listing.values.push((":driver".into(), s(d.as_str())));
        }
        if let Some(q) = &filter.search {
            listing.filters.push("contains(search_text, :q)".into());
            listing.values.push((":q".into(), s(q.to_lowercase())));
        }
        let page: Page<OrderItem> = self.list_page(listing, start, limit).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(Order::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        })
    }

    // ------------------------------------------------------------------ exceptions

    /// Raises an exception on an existing order, with its event.
    pub async fn create_exception(
        &self,
        tenant: &TenantId,
        e: &OrderException,
        event: &NewEvent,
    ) -> Result<(), OrderWriteError> {
        let mut counted = cargoflow_domain::tally::Tally::new();
        counted.exception_raised(e);
        let mut tx = vec![
            self.order_exists_tx(tenant, &e.order_id)?,
            self.put_new(Self::to_item(&ExceptionItem::new(tenant, e))?)?,
            self.event_tx(tenant, event)?,
        ];
        tx.extend(self.tally_tx(tenant, &counted, e.id.as_str())?);
        match self.transact_contended(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(_)) => Err(OrderWriteError::Stale),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// Finds an exception's key by its id (GSI1: keys only), then reads it consistently from
    /// the table.
    pub async fn get_exception(
        &self,
        tenant: &TenantId,
        id: &ExceptionId,
    ) -> Result<OrderException, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk AND GSI1SK = :id")
            .expression_attribute_values(":pk", s(keys::gsi1_exceptions(tenant)))
            .expression_attribute_values(":id", s(id.as_str()))
            .projection_expression("PK, SK")
            .send()
            .await
            .map_err(|e| StoreError::backend("Query", e))?;
        let entry = out
            .items
            .unwrap_or_default()
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)?;
        let (Some(pk), Some(sk)) = (attr_s(&entry, keys::PK), attr_s(&entry, keys::SK)) else {
            return Err(StoreError::Corrupt("a GSI1 entry without PK/SK".into()));
        };
        let key = keys::Key {
            pk: pk.to_string(),
            sk: sk.to_string(),
        };
        let fresh: ExceptionItem = self.get(&key).await?.ok_or(StoreError::NotFound)?;
        Ok(fresh.exception)
    }

    /// Saves an exception's move from `current` (guarded by its version) with its event and
    /// the open-exception count it moves.
    pub async fn update_exception(
        &self,
        tenant: &TenantId,
        updated: &OrderException,
        current: &OrderException,
        event: &NewEvent,
    ) -> Result<(), OrderWriteError> {
        let mut counted = cargoflow_domain::tally::Tally::new();
        counted.exception_moved(updated, current.status);
        let mut tx = vec![
            self.put_versioned(
                Self::to_item(&ExceptionItem::new(tenant, updated))?,
                current.version,
            )?,
            self.event_tx(tenant, event)?,
        ];
        tx.extend(self.tally_tx(tenant, &counted, updated.id.as_str())?);
        match self.transact_contended(tx).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(_)) => Err(OrderWriteError::Stale),
            Err(TxError::Store(e)) => Err(e.into()),
        }
    }

    /// A page of exceptions, newest first: by status through GSI2, all through GSI1, or one
    /// order's through its partition; narrowed by type in a filter.
    pub async fn list_exceptions(
        &self,
        tenant: &TenantId,
        status: Option<ExceptionStatus>,
        exception_type: Option<ExceptionType>,
        order: Option<&OrderId>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<OrderException>, StoreError> {
        let mut listing = Listing::default();
        let start = match (order, status) {
            (Some(o), _) => {
                let pk = keys::order_pk(tenant, o);
                listing.key_condition = "PK = :pk AND begins_with(SK, :prefix)".into();
                listing.values = vec![
                    (":pk".into(), s(&pk)),
                    (":prefix".into(), s(keys::EXCEPTION_PREFIX)),
                ];
                if let Some(st) = status {
                    listing.filters.push("#status = :status".into());
                    listing.names.push(("#status".into(), "status".into()));
                    listing.values.push((":status".into(), s(st.as_str())));
                }
                start_key(
                    cursor,
                    keys::PK,
                    &pk,
                    keys::SK,
                    Some(keys::EXCEPTION_PREFIX),
                    None,
                )?
            }
            (None, Some(st)) => {
                let pk = keys::gsi2_exceptions_by_status(tenant, st);
                listing.index = Some(keys::GSI2);
                listing.key_condition = "GSI2PK = :pk".into();
                listing.values = vec![(":pk".into(), s(&pk))];
                start_key(cursor, keys::GSI2PK, &pk, keys::GSI2SK, None, None)?
            }
            (None, None) => {
                let pk = keys::gsi1_exceptions(tenant);
                listing.index = Some(keys::GSI1);
                listing.key_condition = "GSI1PK = :pk".into();
                listing.values = vec![(":pk".into(), s(&pk))];
                start_key(cursor, keys::GSI1PK, &pk, keys::GSI1SK, None, None)?
            }
        };
        if let Some(t) = exception_type {
            listing.filters.push("exception_type = :type".into());
            listing.values.push((":type".into(), s(t.as_str())));
        }
        let page: Page<ExceptionItem> = self.list_page(listing, start, limit).await?;
        Ok(page.map(|i| i.exception))
    }
}

impl Store {
    /// Raises the order's one DELAY exception: the delay flag (only if absent), the exception,
    /// its event and its count in one transaction. `Ok(false)` when the order already has one.
    pub async fn raise_delay(
        &self,
        tenant: &TenantId,
        e: &OrderException,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let flag = crate::items::MarkerItem::new(
            keys::delay_flag(tenant, &e.order_id),
            tenant,
            e.id.as_str(),
            e.created_at,
        );
        let mut counted = cargoflow_domain::tally::Tally::new();
        counted.exception_raised(e);
        let mut tx = vec![
            self.put_new(Self::to_item(&flag)?)?,
            self.put_new(Self::to_item(&ExceptionItem::new(tenant, e))?)?,
            self.event_tx(tenant, event)?,
        ];
        tx.extend(self.tally_tx(tenant, &counted, e.id.as_str())?);
        match self.transact_contended(tx).await {
            Ok(()) => Ok(true),
            Err(TxError::Cancelled(codes))
                if codes.first().map(String::as_str) == Some("ConditionalCheckFailed") =>
            {
                Ok(false)
            }
            Err(TxError::Cancelled(codes)) => Err(StoreError::Backend {
                operation: "TransactWriteItems",
                message: format!("{codes:?}"),
            }),
            Err(TxError::Store(e)) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulid_bounds_bracket_ids_created_in_the_range() {
        let from = time::macros::datetime!(2026-11-20 00:00 UTC);
        let to = time::macros::datetime!(2026-11-21 00:00 UTC);
        let (lo, hi) = ulid_bounds(Some(from), Some(to));
        let inside = ulid::Ulid::from_parts(
            (time::macros::datetime!(2026-11-20 12:00 UTC).unix_timestamp() * 1000) as u64,
            42,
        )
        .to_string();
        let before = ulid::Ulid::from_parts(
            (time::macros::datetime!(2026-11-19 23:59 UTC).unix_timestamp() * 1000) as u64,
            u128::MAX >> 48,
        )
        .to_string();
        let after = ulid::Ulid::from_parts(
            (time::macros::datetime!(2026-11-21 00:00:01 UTC).unix_timestamp() * 1000) as u64,
            0,
        )
        .to_string();
        assert!(lo <= inside && inside <= hi);
        assert!(before < lo);
        assert!(after > hi);
        let (lo, hi) = ulid_bounds(None, None);
        assert!(lo < inside && inside < hi);
    }
}
