//! The store handle and its generic building blocks (get, query a prefix, transactions).

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::keys::{self, Key};
use crate::{Page, StoreError, cursor};

pub type Item = HashMap<String, AttributeValue>;

/// One listing's Query: its index, key condition, filters and expression values.
#[derive(Default)]
pub(crate) struct Listing {
    pub index: Option<&'static str>,
    pub key_condition: String,
    pub filters: Vec<String>,
    pub names: Vec<(String, String)>,
    pub values: Vec<(String, AttributeValue)>,
    /// Oldest first (ascending sort key) when true.
    pub forward: bool,
}

/// The start key of a listing from a client's cursor: only one this listing handed out (its
/// partition, its sort-key prefix, inside its sort-key range).
pub(crate) fn start_key(
    cursor: Option<&str>,
    pk_attr: &str,
    pk: &str,
    sk_attr: &str,
    sk_prefix: Option<&str>,
    sk_range: Option<(&str, &str)>,
) -> Result<Option<Item>, StoreError> {
    let Some(c) = cursor else { return Ok(None) };
    let key = cursor::decode(c, pk_attr, pk, sk_attr, sk_prefix)?;
    if let Some((lo, hi)) = sk_range {
        let sk = key
            .get(sk_attr)
            .and_then(|v| v.as_s().ok())
            .map(String::as_str)
            .unwrap_or("");
        if sk < lo || sk > hi {
            return Err(StoreError::BadCursor);
        }
    }
    Ok(Some(key))
}

/// Built once per function instance (outside the handler) and shared.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) client: Client,
    pub(crate) table: String,
}

/// Why a transaction was cancelled: one code per item, in order ("None" for items that
/// passed, "ConditionalCheckFailed" for a failed guard, ...).
#[derive(Debug)]
pub enum TxError {
    Cancelled(Vec<String>),
    Store(StoreError),
}

impl TxError {
    /// Which items' conditions failed.
    pub fn failed_conditions(&self) -> Vec<usize> {
        match self {
            TxError::Cancelled(codes) => codes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.as_str() == "ConditionalCheckFailed")
                .map(|(i, _)| i)
                .collect(),
            TxError::Store(_) => vec![],
        }
    }
}

pub(crate) fn key_map(key: &Key) -> Item {
    HashMap::from([
        (keys::PK.to_string(), AttributeValue::S(key.pk.clone())),
        (keys::SK.to_string(), AttributeValue::S(key.sk.clone())),
    ])
}

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A string attribute of an item, if it has one.
pub(crate) fn attr_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// How many times [`Store::batch_get`] asks again for keys DynamoDB left unprocessed.
pub(crate) const BATCH_GET_RETRIES: u32 = 6;

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// A client from `sdk` (region, credentials, and the endpoint from
    /// `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL` when set) with `interceptors`.
    pub fn from_sdk(
        sdk: &aws_config::SdkConfig,
        interceptors: &[cargoflow_aws::SharedInterceptor],
        table: impl Into<String>,
    ) -> Self {
        Self::new(
            cargoflow_aws::client!(aws_sdk_dynamodb, sdk, interceptors),
            table,
        )
    }

    /// A client of its own from the environment (tools and tests; functions share theirs
    /// through [`Self::from_sdk`]).
    pub async fn from_env(table: impl Into<String>) -> Self {
        let config = aws_config::load_from_env().await;
        Self::from_sdk(&config, &[], table)
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// For the health check: the table answers and is ACTIVE.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let out = self
            .client
            .describe_table()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| StoreError::backend("DescribeTable", e))?;
        match out.table().and_then(|t| t.table_status()) {
            Some(aws_sdk_dynamodb::types::TableStatus::Active) => Ok(()),
            other => Err(StoreError::Backend {
                operation: "DescribeTable",
                message: format!("table status {other:?}"),
            }),
        }
    }

    /// Opens the connection during a function's init: one eventually consistent GetItem of
    /// [`keys::warm_up`] (0.5 RRU), so the first request does not pay the TLS handshake and
    /// the credential lookup.
    pub async fn warm_up(&self) -> Result<(), StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(&keys::warm_up())))
            .send()
            .await
            .map_err(|e| StoreError::backend("GetItem", e))?;
        Ok(())
    }

    pub(crate) fn to_item<T: Serialize>(value: &T) -> Result<Item, StoreError> {
        Ok(serde_dynamo::to_item(value)?)
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        key: &Key,
    ) -> Result<Option<T>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::backend("GetItem", e))?;
        match out.item {
            Some(item) => Ok(Some(serde_dynamo::from_item(item)?)),
            None => Ok(None),
        }
    }

    /// One page of the items in partition `pk` whose sort key starts with `sk_prefix`.
    pub(crate) async fn query_prefix<T: DeserializeOwned>(
        &self,
        pk: &str,
        sk_prefix: &str,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<T>, StoreError> {
        let start = start_key(cursor, keys::PK, pk, keys::SK, Some(sk_prefix), None)?;
        let listing = Listing {
            key_condition: "#pk = :pk AND begins_with(#sk, :prefix)".into(),
            names: vec![
                ("#pk".into(), keys::PK.into()),
                ("#sk".into(), keys::SK.into()),
            ],
            values: vec![(":pk".into(), s(pk)), (":prefix".into(), s(sk_prefix))],
            forward: true,
            ..Default::default()
        };
        self.list_page(listing, start, limit).await
    }

    /// Every item of one partition (`key_attr = value`, on the table or an index), page after
    /// page, at most `max`; an index's entries hydrated ([`Self::hydrate`]). For the jobs and
    /// fan-outs that need a whole partition; listings for people page with a cursor
    /// ([`Self::list_page`]).
    pub(crate) async fn query_all(
        &self,
        index: Option<&str>,
        key_attr: &str,
        value: &str,
        max: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        'pages: loop {
            let page = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_string))
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", key_attr)
                .expression_attribute_values(":pk", s(value))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| StoreError::backend("Query", e))?;
            for item in page.items.unwrap_or_default() {
                if out.len() == max {
                    break 'pages;
                }
                out.push(item);
            }
            start = page.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        match index {
            Some(index) => self.hydrate(index, out).await,
            None => Ok(out),
        }
    }

    /// The items at `keys` (PK/SK maps), read consistently with BatchGetItem, 100 keys a
    /// request; unprocessed keys are retried with a growing pause, [`BATCH_GET_RETRIES`]
    /// times at most. Items that do not exist are absent; the order is not kept.
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut pending = chunk.to_vec();
            let mut retries = 0;
            while !pending.is_empty() {
                if retries > 0 {
                    if retries > BATCH_GET_RETRIES {
                        return Err(StoreError::Backend {
                            operation: "BatchGetItem",
                            message: "unprocessed keys remain".into(),
                        });
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20 << retries)).await;
                }
                retries += 1;
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut pending)))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::backend("build KeysAndAttributes", e))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| StoreError::backend("BatchGetItem", e))?;
                found.extend(
                    out.responses
                        .and_then(|mut r| r.remove(&self.table))
                        .unwrap_or_default(),
                );
                pending = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
        }
        Ok(found)
    }

    /// The full items behind `entries` of `index`, in the entries' order. GSI1 and GSI2
    /// project only the keys and the few small attributes the listings filter on
    /// ([`keys::GSI1_PROJECTED`], [`keys::GSI2_PROJECTED`]), so every read of an index comes
    /// through here: one consistent BatchGetItem per 100 entries ([`Self::batch_get`]). An
    /// entry whose item was deleted, or left the index partition it was found in (another
    /// status, published, ...), between the two reads is skipped, as is a repeated entry.
    pub(crate) async fn hydrate(
        &self,
        index: &str,
        entries: Vec<Item>,
    ) -> Result<Vec<Item>, StoreError> {
        let part_attr = keys::index_pk_attr(index).ok_or_else(|| StoreError::Backend {
            operation: "Query",
            message: format!("no such index: {index}"),
        })?;
        if entries.is_empty() {
            return Ok(entries);
        }
        let mut wanted = Vec::with_capacity(entries.len());
        let mut seen = std::collections::HashSet::with_capacity(entries.len());
        let mut order = Vec::with_capacity(entries.len());
        for entry in &entries {
            let (Some(pk), Some(sk)) = (attr_s(entry, keys::PK), attr_s(entry, keys::SK)) else {
                return Err(StoreError::Corrupt(format!(
                    "an {index} entry without PK/SK"
                )));
            };
            let key = (pk.to_string(), sk.to_string());
            if seen.insert(key.clone()) {
                wanted.push(key_map(&Key {
                    pk: key.0.clone(),
                    sk: key.1.clone(),
                }));
            }
            order.push((key, attr_s(entry, part_attr).map(str::to_string)));
        }
        let mut found: HashMap<(String, String), Item> = HashMap::with_capacity(wanted.len());
        for item in self.batch_get(wanted).await? {
            if let (Some(pk), Some(sk)) = (attr_s(&item, keys::PK), attr_s(&item, keys::SK)) {
                found.insert((pk.to_string(), sk.to_string()), item);
            }
        }
        Ok(order
            .into_iter()
            .filter_map(|(key, part)| {
                found
                    .remove(&key)
                    .filter(|item| attr_s(item, part_attr) == part.as_deref())
            })
            .collect())
    }

    /// Runs a listing until `limit` items (after filters) or five DynamoDB pages, whichever
    /// first; the cursor continues where it stopped. A listing of an index reads the page's
    /// full items from the table afterwards ([`Self::hydrate`]; one BatchGetItem per 100).
    pub(crate) async fn list_page<T: DeserializeOwned>(
        &self,
        listing: Listing,
        mut start: Option<Item>,
        limit: i32,
    ) -> Result<Page<T>, StoreError> {
        let from_cursor = start.is_some();
        let mut items: Vec<Item> = Vec::new();
        let mut pages = 0;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(listing.index.map(str::to_string))
                .key_condition_expression(&listing.key_condition)
                .scan_index_forward(listing.forward)
                .limit(limit - items.len() as i32)
                .set_exclusive_start_key(start.take());
            for (k, v) in &listing.names {
                q = q.expression_attribute_names(k, v);
            }
            for (k, v) in &listing.values {
                q = q.expression_attribute_values(k, v.clone());
            }
            if !listing.filters.is_empty() {
                q = q.filter_expression(listing.filters.join(" AND "));
            }
            let out = q
                .send()
                .await
                .map_err(|e| crate::error::query_failed(e, from_cursor))?;
            items.extend(out.items.unwrap_or_default());
            pages += 1;
            start = out.last_evaluated_key;
            if start.is_none() || items.len() as i32 >= limit || pages >= 5 {
                break;
            }
        }
        if let Some(index) = listing.index {
            items = self.hydrate(index, items).await?;
        }
        Ok(Page {
            items: items
                .into_iter()
                .map(serde_dynamo::from_item)
                .collect::<Result<_, _>>()?,
            next_cursor: start.as_ref().and_then(cursor::encode),
        })
    }

    /// One TransactWriteItems. A cancellation caused only by another transaction touching the
    /// same items (`TransactionConflict`, no failed condition) is retried once; what remains is
    /// reported with its per-item reasons.
    pub(crate) async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), TxError> {
        if let [TransactWriteItem { put: Some(put), .. }] = items.as_slice() {
            return self.put_single(put.clone()).await;
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(SdkError::ServiceError(e)) => match e.into_err() {
                    TransactWriteItemsError::TransactionCanceledException(c) => {
                        Err(TxError::Cancelled(
                            c.cancellation_reasons()
                                .iter()
                                .map(|r| r.code().unwrap_or("None").to_string())
                                .collect(),
                        ))
                    }
                    other => Err(TxError::Store(StoreError::backend(
                        "TransactWriteItems",
                        other,
                    ))),
                },
                Err(e) => Err(TxError::Store(StoreError::backend("TransactWriteItems", e))),
            };
            match result {
                Err(TxError::Cancelled(codes))
                    if attempt == 1
                        && codes.iter().any(|c| c == "TransactionConflict")
                        && !codes.iter().any(|c| c == "ConditionalCheckFailed") =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                other => return other,
            }
        }
    }

    /// A transaction of one Put, sent as a conditional PutItem: as atomic, at half the write
    /// units (a transaction bills each item twice). What the transaction gave beside that is
    /// kept: a retry of a put that landed is recognised (the item its failed condition returns
    /// is the one being written) instead of failing its own condition, as the transaction's
    /// client token would have; a failed condition reads as a cancelled transaction's
    /// `ConditionalCheckFailed`, an item held by a transaction as `TransactionConflict`.
    /// Updates and deletes of one item stay transactions: their retries are not recognisable.
    async fn put_single(&self, put: Put) -> Result<(), TxError> {
        use aws_sdk_dynamodb::operation::put_item::PutItemError;
        use aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure as OnFail;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .client
                .put_item()
                .table_name(put.table_name.clone())
                .set_item(Some(put.item.clone()))
                .set_condition_expression(put.condition_expression.clone())
                .set_expression_attribute_names(put.expression_attribute_names.clone())
                .set_expression_attribute_values(put.expression_attribute_values.clone())
                .return_values_on_condition_check_failure(OnFail::AllOld)
                .send()
                .await;
            let result = match result {
                Ok(_) => Ok(()),
                Err(e) => match e.as_service_error() {
                    Some(PutItemError::ConditionalCheckFailedException(c))
                        if c.item.as_ref() == Some(&put.item) =>
                    {
                        Ok(())
                    }
                    Some(PutItemError::ConditionalCheckFailedException(_)) => {
                        Err(TxError::Cancelled(vec!["ConditionalCheckFailed".into()]))
                    }
                    Some(PutItemError::TransactionConflictException(_)) => {
                        Err(TxError::Cancelled(vec!["TransactionConflict".into()]))
                    }
                    _ => Err(TxError::Store(StoreError::backend("PutItem", e))),
                },
            };
            match result {
                // As for transactions: one more try after a moment when a transaction held
                // the item.
                Err(TxError::Cancelled(codes))
                    if attempt == 1 && codes.iter().any(|c| c == "TransactionConflict") =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(25)).await;
                }
                other => return other,
            }
        }
    }

    /// A put that only succeeds when no item with this key exists.
    pub(crate) fn put_new(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// An unconditional put, for transactions.
    pub(crate) fn put(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A put that replaces an item only while it is still at `expected_version`.
    pub(crate) fn put_versioned(
        &self,
        item: Item,
        expected_version: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#v = :expected")
            .expression_attribute_names("#v", "version")
            .expression_attribute_values(":expected", n(expected_version))
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub(crate) fn delete(&self, key: &Key) -> Result<TransactWriteItem, StoreError> {
        let del = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .build()
            .map_err(|e| StoreError::backend("build Delete", e))?;
        Ok(TransactWriteItem::builder().delete(del).build())
    }

    /// A delete of an item that must exist (a second delete fails the transaction).
    pub(crate) fn delete_existing(&self, key: &Key) -> Result<TransactWriteItem, StoreError> {
        let del = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .build()
            .map_err(|e| StoreError::backend("build Delete", e))?;
        Ok(TransactWriteItem::builder().delete(del).build())
    }

    /// An update with a condition, for transactions.
    pub(crate) fn update(
        &self,
        key: &Key,
        update_expression: &str,
        condition: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut b = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .update_expression(update_expression)
            .condition_expression(condition);
        for (k, v) in names {
            b = b.expression_attribute_names(*k, *v);
        }
        for (k, v) in values {
            b = b.expression_attribute_values(k, v);
        }
        let u = b
            .build()
            .map_err(|e| StoreError::backend("build Update", e))?;
        Ok(TransactWriteItem::builder().update(u).build())
    }

    /// Runs a one-item change as a transaction and maps a failed condition to `Conflict`.
    pub(crate) async fn transact_one(&self, item: TransactWriteItem) -> Result<(), StoreError> {
        match self.transact(vec![item]).await {
            Ok(()) => Ok(()),
            Err(TxError::Cancelled(_)) => Err(StoreError::Conflict),
            Err(TxError::Store(e)) => Err(e),
        }
    }
}
