//! The ops dashboard's counters, kept exact inside the transactions that change the data
//! (docs/ARCHITECTURE.md, "Dashboard counters"):
//!
//! - per tenant and creation day (UTC), the orders in each status: `orders_<STATUS>`;
//! - per tenant, the OPEN exceptions of each type: `open_<TYPE>`.
//!
//! A write adds its [`Tally`] to its own transaction as `ADD` updates (one per counter it
//! touches, on one shard of it: [`keys::STATS_SHARDS`]); a reader sums a counter's shards with
//! one Query of its partition. Shards may hold negative numbers (an order counted CREATED on
//! one shard and moved on another); their sum is the count.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use cargoflow_domain::tally::Tally;
use cargoflow_domain::*;
use time::Date;

use crate::store::{Item, TxError, key_map, n, s};
use crate::{Store, StoreError, keys};

pub const DAY_STATS_TYPE: &str = "DAY_STATS";
pub const EXCEPTION_STATS_TYPE: &str = "EXCEPTION_STATS";

/// How often a transaction cancelled only by other transactions on the same items (a counter
/// shard, most often) is sent, in all.
const CONFLICT_ATTEMPTS: u32 = 6;

/// The counter attribute of orders in `status`.
pub fn order_attr(status: OrderStatus) -> String {
    format!("orders_{}", status.as_str())
}

/// The counter attribute of OPEN exceptions of type `t` (its `as_str`).
pub fn open_attr(t: &str) -> String {
    format!("open_{t}")
}

fn date_key(d: Date) -> String {
    d.to_string()
}

/// What the dashboard shows of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCounts {
    /// Orders created that day, by current status (every status, zeros included).
    pub orders: BTreeMap<OrderStatus, i64>,
    /// OPEN exceptions by type, tenant-wide (every type, zeros included).
    pub open_exceptions: Vec<(ExceptionType, i64)>,
}

impl Store {
    /// One `ADD` update of a counter shard; `deltas` are (attribute, delta), none zero.
    fn counter_tx(
        &self,
        key: &keys::Key,
        entity_type: &str,
        tenant: &TenantId,
        date: Option<&str>,
        deltas: &[(String, i64)],
    ) -> Result<TransactWriteItem, StoreError> {
        let mut set = vec!["entity_type = :et", "tenant_id = :tenant"];
        let mut b = Update::builder()
            .table_name(self.table())
            .set_key(Some(key_map(key)))
            .expression_attribute_values(":et", s(entity_type))
            .expression_attribute_values(":tenant", s(tenant.as_str()));
        if let Some(d) = date {
            set.push("stats_date = :date");
            b = b.expression_attribute_values(":date", s(d));
        }
        let mut adds = Vec::with_capacity(deltas.len());
        for (i, (attr, delta)) in deltas.iter().enumerate() {
            adds.push(format!("#c{i} :d{i}"));
            b = b
                .expression_attribute_names(format!("#c{i}"), attr)
                .expression_attribute_values(format!(":d{i}"), n(delta));
        }
        let u = b
            .update_expression(format!("SET {} ADD {}", set.join(", "), adds.join(", ")))
            .build()
            .map_err(|e| StoreError::backend("build Update", e))?;
        Ok(TransactWriteItem::builder().update(u).build())
    }

    /// The updates that apply `tally` in a transaction: one per counter it touches, all on the
    /// shard `seed` (an id the transaction writes) picks. Empty for an empty tally.
    pub(crate) fn tally_tx(
        &self,
        tenant: &TenantId,
        tally: &Tally,
        seed: &str,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let shard = keys::stats_shard(seed);
        let mut out = Vec::with_capacity(tally.items());
        for (day, counts) in tally.orders() {
            let date = date_key(*day);
            let deltas: Vec<(String, i64)> =
                counts.iter().map(|(st, d)| (order_attr(*st), *d)).collect();
            out.push(self.counter_tx(
                &keys::day_stats(tenant, &date, shard),
                DAY_STATS_TYPE,
                tenant,
                Some(&date),
                &deltas,
            )?);
        }
        if !tally.open_exceptions().is_empty() {
            let deltas: Vec<(String, i64)> = tally
                .open_exceptions()
                .iter()
                .map(|(t, d)| (open_attr(t), *d))
                .collect();
            out.push(self.counter_tx(
                &keys::exception_stats(tenant, shard),
                EXCEPTION_STATS_TYPE,
                tenant,
                None,
                &deltas,
            )?);
        }
        Ok(out)
    }

    /// [`Store::transact`], sent again (after a short random pause, growing) while it is
    /// cancelled only because other transactions held some of its items: counters make such
    /// meetings likelier, and they are not the caller's failure. A failed condition is answered
    /// at once.
    pub(crate) async fn transact_contended(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<(), TxError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.transact(items.clone()).await {
                Err(TxError::Cancelled(codes))
                    if attempt < CONFLICT_ATTEMPTS
                        && codes.iter().any(|c| c == "TransactionConflict")
                        && !codes.iter().any(|c| c == "ConditionalCheckFailed") =>
                {
                    let cap = 20u64 << attempt.min(5);
                    let jitter = (ulid::Ulid::new().random() % u128::from(cap / 2)) as u64;
                    tracing::debug!(attempt, "transaction conflict; sent again");
                    tokio::time::sleep(std::time::Duration::from_millis(cap / 2 + jitter)).await;
                }
                other => return other,
            }
        }
    }

    /// Every shard of one counter partition (consistent reads).
    async fn counter_shards(&self, pk: &str) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(self.table())
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", keys::PK)
                .expression_attribute_values(":pk", s(pk))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| StoreError::backend("Query", e))?;
            out.extend(page.items.unwrap_or_default());
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }

    /// The sum over `shards` of counter `attr`.
    fn sum(shards: &[Item], attr: &str) -> Result<i64, StoreError> {
        shards
            .iter()
            .filter_map(|i| i.get(attr))
            .map(|v| match v {
                AttributeValue::N(x) => x
                    .parse::<i64>()
                    .map_err(|_| StoreError::Corrupt(format!("counter {attr} is {x}"))),
                _ => Err(StoreError::Corrupt(format!(
                    "counter {attr} is not a number"
                ))),
            })
            .sum()
    }

    /// The dashboard's counts for `date`: orders created that day by status, and the tenant's
    /// OPEN exceptions by type. Two Queries of a few small items each.
    pub async fn day_counts(&self, tenant: &TenantId, date: Date) -> Result<DayCounts, StoreError> {
        let (day_pk, exceptions_pk) = (
            keys::day_stats_pk(tenant, &date_key(date)),
            keys::exception_stats_pk(tenant),
        );
        let (days, exceptions) = tokio::try_join!(
            self.counter_shards(&day_pk),
            self.counter_shards(&exceptions_pk),
        )?;
        let mut orders = BTreeMap::new();
        for st in OrderStatus::ALL {
            orders.insert(st, Self::sum(&days, &order_attr(st))?);
        }
        let open_exceptions = ExceptionType::ALL
            .iter()
            .map(|t| Ok((*t, Self::sum(&exceptions, &open_attr(t.as_str()))?)))
            .collect::<Result<_, StoreError>>()?;
        Ok(DayCounts {
            orders,
            open_exceptions,
        })
    }

    /// The tenant's routes on `date`, counted by status: a Query of GSI1 reading only the
    /// projected `status` (a day's routes are one per driver at most; no route item is read).
    pub async fn route_counts(
        &self,
        tenant: &TenantId,
        date: Date,
    ) -> Result<Vec<(RouteStatus, i64)>, StoreError> {
        let day = date_key(date);
        let mut counts = [
            RouteStatus::Planned,
            RouteStatus::InProgress,
            RouteStatus::Completed,
            RouteStatus::Cancelled,
        ]
        .map(|st| (st, 0i64));
        let mut start = None;
        loop {
            let page = self
                .client
                .query()
                .table_name(self.table())
                .index_name(keys::GSI1)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .projection_expression("#status")
                .expression_attribute_names("#pk", keys::GSI1PK)
                .expression_attribute_names("#sk", keys::GSI1SK)
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(":pk", s(keys::gsi1_routes(tenant)))
                .expression_attribute_values(":lo", s(format!("{day}#")))
                .expression_attribute_values(":hi", s(format!("{day}#~")))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| StoreError::backend("Query", e))?;
            for item in page.items.unwrap_or_default() {
                let status = item.get("status").and_then(|v| v.as_s().ok());
                if let Some(c) = counts
                    .iter_mut()
                    .find(|(st, _)| Some(st.as_str()) == status.map(String::as_str))
                {
                    c.1 += 1;
                }
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                return Ok(counts.to_vec());
            }
        }
    }
}
