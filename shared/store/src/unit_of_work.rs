//! A unit of work: the items of one TransactWriteItems, each labelled, so that when DynamoDB
//! cancels the transaction the caller learns which guard failed (an order that moved on, a
//! driver already booked that day, a deactivated vehicle, ...). Route changes, which touch a
//! route, its orders, their history and events at once, are built with it. The dashboard
//! counters the writes move ([`cargoflow_domain::tally`]) are added at commit, one update per
//! counter (crate::stats).

use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};
use cargoflow_domain::*;

use crate::items::MarkerItem;
use crate::keys::{self, Key};
use crate::order_items::{OrderItem, RouteItem};
use crate::store::{TxError, key_map, n, s};
use crate::{Store, StoreError};

/// DynamoDB's limit on items in one transaction.
pub const MAX_ITEMS: usize = 100;

pub struct UnitOfWork<'a> {
    store: &'a Store,
    tenant: TenantId,
    items: Vec<TransactWriteItem>,
    labels: Vec<String>,
    /// What the order and exception writes do to the dashboard counters.
    tally: cargoflow_domain::tally::Tally,
}

#[derive(Debug)]
pub enum CommitError {
    /// The labels of the items whose conditions failed.
    Guards(Vec<String>),
    TooLarge(usize),
    Store(StoreError),
}

impl From<StoreError> for CommitError {
    fn from(e: StoreError) -> Self {
        CommitError::Store(e)
    }
}

impl<'a> UnitOfWork<'a> {
    pub fn new(store: &'a Store, tenant: &TenantId) -> Self {
        Self {
            store,
            tenant: tenant.clone(),
            items: Vec::new(),
            labels: Vec::new(),
            tally: Default::default(),
        }
    }

    /// The items the commit sends (the counter updates included).
    pub fn len(&self) -> usize {
        self.items.len() + self.tally.items()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn push(&mut self, label: String, item: TransactWriteItem) {
        self.labels.push(label);
        self.items.push(item);
    }

    /// The order's new state, only if it is still at `expected_version` and `expected_status`.
    pub fn order(
        &mut self,
        order: &Order,
        expected_version: u64,
        expected_status: OrderStatus,
    ) -> Result<(), StoreError> {
        let item =
            self.store
                .order_guarded_tx(&self.tenant, order, expected_version, expected_status)?;
        self.push(format!("order:{}", order.id), item);
        self.tally.order_moved(order, expected_status);
        Ok(())
    }

    /// [`Self::order`] for a driver's move: also only while the stored order is `driver`'s
    /// (the ownership check is a condition of the write, not only a read before it).
    pub fn driver_order(
        &mut self,
        order: &Order,
        expected_version: u64,
        expected_status: OrderStatus,
        driver: &DriverId,
    ) -> Result<(), StoreError> {
        let item = self.store.order_guarded_by_tx(
            &self.tenant,
            order,
            expected_version,
            expected_status,
            Some(driver),
        )?;
        self.push(format!("order:{}", order.id), item);
        self.tally.order_moved(order, expected_status);
        Ok(())
    }

    pub fn history(&mut self, entry: &StatusHistoryEntry) -> Result<(), StoreError> {
        let item = self.store.history_tx(&self.tenant, entry)?;
        self.push(format!("history:{}", entry.id), item);
        Ok(())
    }

    pub fn event(&mut self, event: &NewEvent) -> Result<(), StoreError> {
        let item = self.store.event_tx(&self.tenant, event)?;
        self.push(format!("event:{}", event.id), item);
        Ok(())
    }

    /// A new exception on an order.
    pub fn exception(&mut self, e: &OrderException) -> Result<(), StoreError> {
        let item = self
            .store
            .put_new(Store::to_item(&crate::order_items::ExceptionItem::new(
                &self.tenant,
                e,
            ))?)?;
        self.push(format!("exception:{}", e.id), item);
        self.tally.exception_raised(e);
        Ok(())
    }

    /// The order's proof of delivery (only if it has none yet).
    pub fn pod(&mut self, pod: &Pod) -> Result<(), StoreError> {
        let item = self
            .store
            .put_new(Store::to_item(&crate::live::PodItem::new(
                &self.tenant,
                pod,
            ))?)?;
        self.push(format!("pod:{}", pod.order_id), item);
        Ok(())
    }

    pub fn new_route(&mut self, route: &Route) -> Result<(), StoreError> {
        let item = self
            .store
            .put_new(Store::to_item(&RouteItem::new(&self.tenant, route))?)?;
        self.push(format!("route:{}", route.id), item);
        Ok(())
    }

    /// The route's new state, only if it is still at `expected_version`.
    pub fn route(&mut self, route: &Route, expected_version: u64) -> Result<(), StoreError> {
        let item = self.store.put_versioned(
            Store::to_item(&RouteItem::new(&self.tenant, route))?,
            expected_version,
        )?;
        self.push(format!("route:{}", route.id), item);
        Ok(())
    }

    /// Claims the driver's day (one route per driver per date).
    pub fn claim_driver_day(&mut self, route: &Route) -> Result<(), StoreError> {
        let date = RouteItem::date_key(route);
        let marker = MarkerItem::new(
            keys::driver_day_marker(&self.tenant, &route.driver_id, &date),
            &self.tenant,
            route.id.as_str(),
            route.created_at,
        );
        let item = self.store.put_new(Store::to_item(&marker)?)?;
        self.push("driver_day".into(), item);
        Ok(())
    }

    pub fn release_driver_day(&mut self, route: &Route) -> Result<(), StoreError> {
        let date = RouteItem::date_key(route);
        let item = self.store.delete(&keys::driver_day_marker(
            &self.tenant,
            &route.driver_id,
            &date,
        ))?;
        self.push("release_driver_day".into(), item);
        Ok(())
    }

    pub(crate) fn check_active(
        &mut self,
        label: &str,
        key: Key,
        version: u64,
    ) -> Result<(), StoreError> {
        let c = ConditionCheck::builder()
            .table_name(self.store.table())
            .set_key(Some(key_map(&key)))
            .condition_expression("is_active = :yes AND version = :v")
            .expression_attribute_values(
                ":yes",
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            )
            .expression_attribute_values(":v", n(version))
            .build()
            .map_err(|e| StoreError::backend("build ConditionCheck", e))?;
        self.push(
            label.to_string(),
            TransactWriteItem::builder().condition_check(c).build(),
        );
        Ok(())
    }

    /// The driver is active and unchanged since it was read.
    pub fn driver_active(&mut self, driver: &Driver) -> Result<(), StoreError> {
        self.check_active(
            "driver",
            keys::driver(&self.tenant, &driver.id),
            driver.version,
        )
    }

    /// The vehicle is active and unchanged since it was read (so its capacity still holds).
    pub fn vehicle_active(&mut self, vehicle: &Vehicle) -> Result<(), StoreError> {
        self.check_active(
            "vehicle",
            keys::vehicle(&self.tenant, &vehicle.id),
            vehicle.version,
        )
    }

    /// The order exists (a write beside it, such as a new exception).
    pub fn order_exists(&mut self, order: &OrderId) -> Result<(), StoreError> {
        let item = self.store.order_exists_tx(&self.tenant, order)?;
        self.push(format!("order:{order}"), item);
        Ok(())
    }

    /// One order's decided move: its write (guarded), history row and event.
    pub fn order_move(&mut self, m: &dispatch::OrderMove) -> Result<(), StoreError> {
        let w = &m.write;
        match &w.driver {
            Some(d) => self.driver_order(&w.order, w.expected_version, w.expected_status, d)?,
            None => self.order(&w.order, w.expected_version, w.expected_status)?,
        }
        self.history(&m.history)?;
        self.event(&m.event)
    }

    /// Adds a decided change's items, the route writes, checks and markers included; its
    /// order moves only when `with_moves` (a bulk change applies them in chunks).
    pub fn add(&mut self, change: &dispatch::Change, with_moves: bool) -> Result<(), StoreError> {
        if with_moves {
            for m in &change.moves {
                self.order_move(m)?;
            }
        }
        for w in &change.routes {
            match w.expected_version {
                None => self.new_route(&w.route)?,
                Some(v) => self.route(&w.route, v)?,
            }
        }
        for m in &change.markers {
            match m {
                dispatch::DayMarker::Claim(r) => self.claim_driver_day(r)?,
                dispatch::DayMarker::Release(r) => self.release_driver_day(r)?,
            }
        }
        for c in &change.checks {
            match c {
                dispatch::Check::DriverActive { id, version } => {
                    self.check_active("driver", keys::driver(&self.tenant, id), *version)?
                }
                dispatch::Check::VehicleActive { id, version } => {
                    self.check_active("vehicle", keys::vehicle(&self.tenant, id), *version)?
                }
                dispatch::Check::OrderExists { id } => self.order_exists(id)?,
            }
        }
        for e in &change.exceptions {
            self.exception(e)?;
        }
        if let Some(pod) = &change.pod {
            self.pod(pod)?;
        }
        for e in &change.events {
            self.event(e)?;
        }
        Ok(())
    }

    /// Applies a decided change all or nothing: one transaction, or, for a change larger than
    /// one transaction, the bulk protocol of [`crate::bulk`].
    pub async fn apply(
        store: &Store,
        tenant: &TenantId,
        change: &dispatch::Change,
        ctx: &dispatch::Ctx,
    ) -> Result<(), CommitError> {
        if change.is_bulk() {
            return crate::bulk::apply(store, tenant, change, ctx).await;
        }
        let mut uow = UnitOfWork::new(store, tenant);
        uow.add(change, true)?;
        uow.commit().await
    }

    pub async fn commit(mut self) -> Result<(), CommitError> {
        if self.len() > MAX_ITEMS {
            return Err(CommitError::TooLarge(self.len()));
        }
        if self.items.is_empty() {
            return Ok(());
        }
        // The counters' shard, from the first item's id (an order's, most often).
        let seed = self.labels[0]
            .split_once(':')
            .map_or(self.labels[0].as_str(), |(_, id)| id)
            .to_string();
        for item in self.store.tally_tx(&self.tenant, &self.tally, &seed)? {
            self.push("stats".into(), item);
        }
        match self.store.transact_contended(self.items).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(codes)) => {
                let failed: Vec<String> = codes
                    .iter()
                    .zip(self.labels)
                    .filter(|(c, _)| c.as_str() == "ConditionalCheckFailed")
                    .map(|(_, l)| l)
                    .collect();
                // No failed guard: another transaction kept colliding with this one.
                Err(CommitError::Guards(if failed.is_empty() {
                    vec!["transaction_conflict".into()]
                } else {
                    failed
                }))
            }
            Err(TxError::Store(e)) => Err(CommitError::Store(e)),
        }
    }
}

impl Store {
    pub async fn get_route(&self, tenant: &TenantId, route: &RouteId) -> Result<Route, StoreError> {
        let item: RouteItem = self
            .get(&keys::route(tenant, route))
            .await?
            .ok_or(StoreError::NotFound)?;
        item.try_into()
    }

    /// Several orders by id in one BatchGetItem (consistent reads); missing ones are absent.
    pub async fn get_orders(
        &self,
        tenant: &TenantId,
        ids: &[OrderId],
    ) -> Result<Vec<Order>, StoreError> {
        self.get_order_items(tenant, ids)
            .await?
            .into_iter()
            .map(Order::try_from)
            .collect()
    }

    /// [`Self::get_orders`], as stored (with a bulk change's hold).
    pub(crate) async fn get_order_items(
        &self,
        tenant: &TenantId,
        ids: &[OrderId],
    ) -> Result<Vec<OrderItem>, StoreError> {
        let keys = ids
            .iter()
            .map(|id| key_map(&keys::order(tenant, id)))
            .collect();
        self.batch_get(keys)
            .await?
            .into_iter()
            .map(|item| Ok(serde_dynamo::from_item::<_, OrderItem>(item)?))
            .collect()
    }

    /// Routes by date range (GSI1) or one driver's (GSI2), date order; status filtered.
    #[allow(clippy::too_many_arguments)]
    pub async fn list_routes(
        &self,
        tenant: &TenantId,
        from: Option<&str>,
        to: Option<&str>,
        driver: Option<&DriverId>,
        status: Option<RouteStatus>,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<crate::Page<Route>, StoreError> {
        let (index, pk_attr, sk_attr, pk) = match driver {
            Some(d) => (
                keys::GSI2,
                keys::GSI2PK,
                keys::GSI2SK,
                keys::gsi2_driver_routes(tenant, d),
            ),
            None => (
                keys::GSI1,
                keys::GSI1PK,
                keys::GSI1SK,
                keys::gsi1_routes(tenant),
            ),
        };
        let lo = from.map(|f| format!("{f}#")).unwrap_or_else(|| "0".into());
        let hi = to.map(|t| format!("{t}#~")).unwrap_or_else(|| "~".into());
        let start = crate::store::start_key(cursor, pk_attr, &pk, sk_attr, None, Some((&lo, &hi)))?;
        let mut listing = crate::store::Listing {
            index: Some(index),
            key_condition: format!("{pk_attr} = :pk AND {sk_attr} BETWEEN :lo AND :hi"),
            values: vec![
                (":pk".into(), s(&pk)),
                (":lo".into(), s(&lo)),
                (":hi".into(), s(&hi)),
            ],
            forward: true,
            ..Default::default()
        };
        if let Some(st) = status {
            listing.filters.push("#status = :status".into());
            listing.names.push(("#status".into(), "status".into()));
            listing.values.push((":status".into(), s(st.as_str())));
        }
        let page: crate::Page<RouteItem> = self.list_page(listing, start, limit).await?;
        Ok(crate::Page {
            items: page
                .items
                .into_iter()
                .map(Route::try_from)
                .collect::<Result<_, _>>()?,
            next_cursor: page.next_cursor,
        })
    }
}
