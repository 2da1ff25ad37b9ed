//! Changes larger than one transaction: a route of hundreds of orders is created, filled or
//! cancelled in four steps, each idempotent (docs/ARCHITECTURE.md, "Routes of hundreds of
//! stops"):
//!
//! 1. **Hold**: every order the change moves is held for it (`hold_change`, `hold_until`), in
//!    transactions of 100 conditional updates, only while each is still at the version and
//!    status the decision read. Nothing a reader sees changes; a failed hold releases the
//!    holds taken and refuses the change (409, which orders). Every other order write is
//!    refused while a live hold is there.
//! 2. **Commit**: the route (new or at its version), the crew checks, the driver-day marker and
//!    the route's event, in one transaction. The route records the change (`applying`), so a
//!    reader sees it is still being applied. This is the moment the change is decided.
//! 3. **Apply**: the order moves (order, history row, event) in transactions of up to 33
//!    orders with the dashboard counters they move (one update per creation day: crate::stats),
//!    each order written only while this change holds it (which also clears the hold): a
//!    retried chunk cannot apply an order twice.
//! 4. **Finish**: the route drops its record (and any order the change lost: one whose hold
//!    lapsed and that someone else changed).
//!
//! A crash after step 2 leaves the record on the route; the next writer of the route (or a
//! retry of the request) resumes at step 3 ([`resume`]) from the orders still held.

use aws_sdk_dynamodb::types::TransactWriteItem;
use cargoflow_domain::dispatch::{self, OrderMove, OrderWrite};
use cargoflow_domain::tally;
use cargoflow_domain::*;

use crate::keys;
use crate::order_items::OrderItem;
use crate::store::{TxError, n, s};
use crate::unit_of_work::{CommitError, UnitOfWork};
use crate::{Store, StoreError};

/// How long a hold lasts: far beyond one request (API Gateway stops at 30 s); a change that
/// crashed after its commit is resumed by the next writer of its route within it.
pub const HOLD_SECS: i64 = 600;
const HOLD_CHUNK: usize = 100;
/// Orders per apply transaction at most (3 items each, and the counters they move).
const MOVE_CHUNK: usize = 33;

/// The moves cut into apply transactions: as many as fit [`MOVE_CHUNK`] and, with one counter
/// update per creation day among them, DynamoDB's 100 items.
fn move_chunks(moves: &[OrderMove]) -> Vec<&[OrderMove]> {
    let days: Vec<time::Date> = moves
        .iter()
        .map(|m| tally::order_day(m.write.order.created_at))
        .collect();
    chunk_lengths(&days)
        .into_iter()
        .scan(0, |start, len| {
            let chunk = &moves[*start..*start + len];
            *start += len;
            Some(chunk)
        })
        .collect()
}

/// [`move_chunks`]' lengths, from each move's creation day.
fn chunk_lengths(days: &[time::Date]) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut start = 0;
    while start < days.len() {
        let mut seen = std::collections::BTreeSet::new();
        let mut end = start;
        while end < days.len() && end - start < MOVE_CHUNK {
            let new_day = !seen.contains(&days[end]);
            let items = 3 * (end - start + 1) + seen.len() + usize::from(new_day);
            if items > crate::unit_of_work::MAX_ITEMS {
                break;
            }
            seen.insert(days[end]);
            end += 1;
        }
        lengths.push(end - start);
        start = end;
    }
    lengths
}

fn record(route: &Route) -> Result<&Applying, CommitError> {
    route.applying.as_ref().ok_or_else(|| {
        CommitError::Store(StoreError::Corrupt(
            "a bulk change's route carries no record".into(),
        ))
    })
}

impl Store {
    fn hold_tx(
        &self,
        tenant: &TenantId,
        w: &OrderWrite,
        change: &str,
        now: i64,
    ) -> Result<TransactWriteItem, StoreError> {
        self.update(
            &keys::order(tenant, &w.order.id),
            "SET hold_change = :c, hold_until = :until",
            "version = :v AND #status = :s AND (attribute_not_exists(hold_change) OR hold_until < :now OR hold_change = :c)",
            &[("#status", "status")],
            vec![
                (":c", s(change)),
                (":until", n(now + HOLD_SECS)),
                (":now", n(now)),
                (":v", n(w.expected_version)),
                (":s", s(w.expected_status.as_str())),
            ],
        )
    }

    fn release_tx(
        &self,
        tenant: &TenantId,
        order: &OrderId,
        change: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        self.update(
            &keys::order(tenant, order),
            "REMOVE hold_change, hold_until",
            "hold_change = :c",
            &[],
            vec![(":c", s(change))],
        )
    }

    /// The order's move, only while `change` holds it (the full write clears the hold).
    fn held_order_tx(
        &self,
        tenant: &TenantId,
        w: &OrderWrite,
        change: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(self.table())
            .set_item(Some(Self::to_item(&OrderItem::new(tenant, &w.order))?))
            .condition_expression("hold_change = :c AND version = :v")
            .expression_attribute_values(":c", s(change))
            .expression_attribute_values(":v", n(w.expected_version))
            .build()
            .map_err(|e| StoreError::backend("build Put", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Releases holds (best effort: a hold left behind lapses after [`HOLD_SECS`]).
    async fn release(&self, tenant: &TenantId, held: &[&OrderId], change: &str) {
        for chunk in held.chunks(HOLD_CHUNK) {
            let items: Result<Vec<_>, _> = chunk
                .iter()
                .map(|id| self.release_tx(tenant, id, change))
                .collect();
            if let Ok(items) = items
                && let Err(e) = self.transact(items).await
            {
                tracing::warn!(change, error = ?e, "releasing holds failed; they lapse on their own");
            }
        }
    }

    /// Writes the moves in chunks; answers the orders it could not move (no longer held).
    async fn apply_moves(
        &self,
        tenant: &TenantId,
        moves: &[OrderMove],
        change: &str,
    ) -> Result<Vec<OrderId>, CommitError> {
        let mut lost = Vec::new();
        for chunk in move_chunks(moves) {
            let items = self.move_items(tenant, chunk, change)?;
            match self.transact_contended(items).await {
                Ok(()) => {}
                Err(TxError::Cancelled(_)) => {
                    // One order of the chunk is no longer held: move the others one by one.
                    for m in chunk {
                        let items = self.move_items(tenant, std::slice::from_ref(m), change)?;
                        match self.transact_contended(items).await {
                            Ok(()) => {}
                            Err(TxError::Cancelled(_)) => lost.push(m.write.order.id.clone()),
                            Err(TxError::Store(e)) => return Err(CommitError::Store(e)),
                        }
                    }
                }
                Err(TxError::Store(e)) => return Err(CommitError::Store(e)),
            }
        }
        Ok(lost)
    }

    fn move_items(
        &self,
        tenant: &TenantId,
        moves: &[OrderMove],
        change: &str,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut items = Vec::with_capacity(moves.len() * 3 + 1);
        let mut counted = tally::Tally::new();
        for m in moves {
            items.push(self.held_order_tx(tenant, &m.write, change)?);
            items.push(self.history_tx(tenant, &m.history)?);
            items.push(self.event_tx(tenant, &m.event)?);
            counted.order_moved(&m.write.order, m.write.expected_status);
        }
        if let Some(first) = moves.first() {
            items.extend(self.tally_tx(tenant, &counted, first.write.order.id.as_str())?);
        }
        Ok(items)
    }

    /// Steps 3 and 4 for `route` (as committed): the moves, then the route without its record.
    async fn finish(
        &self,
        tenant: &TenantId,
        route: &Route,
        moves: &[OrderMove],
        mut lost: Vec<OrderId>,
        ctx: &dispatch::Ctx,
    ) -> Result<Route, CommitError> {
        let change = record(route)?.change_id.clone();
        lost.extend(self.apply_moves(tenant, moves, &change).await?);
        let w = dispatch::finish_bulk(route, &lost, ctx);
        let mut uow = UnitOfWork::new(self, tenant);
        uow.route(&w.route, route.version)?;
        match uow.commit().await {
            Ok(()) => Ok(w.route),
            // Another writer finished it first.
            Err(CommitError::Guards(_)) => {
                let now = self.get_route(tenant, &route.id).await?;
                if now.applying.as_ref().map(|a| &a.change_id) == Some(&change) {
                    Err(CommitError::Guards(vec![format!("route:{}", route.id)]))
                } else {
                    Ok(now)
                }
            }
            Err(e) => Err(e),
        }
    }
}

/// Applies a bulk change (steps 1 to 4).
pub async fn apply(
    store: &Store,
    tenant: &TenantId,
    change: &dispatch::Change,
    ctx: &dispatch::Ctx,
) -> Result<(), CommitError> {
    let route = change
        .routes
        .iter()
        .map(|w| &w.route)
        .find(|r| r.applying.is_some())
        .ok_or_else(|| {
            CommitError::Store(StoreError::Corrupt(
                "a bulk change without its record".into(),
            ))
        })?;
    let id = record(route)?.change_id.clone();
    let mut moves: Vec<&OrderMove> = change.moves.iter().collect();
    // Holds in id order: two changes racing for the same orders meet on the first one.
    moves.sort_by(|a, b| a.write.order.id.as_str().cmp(b.write.order.id.as_str()));
    let now = time_util::now().unix_timestamp();
    let mut held: Vec<&OrderId> = Vec::new();
    for chunk in moves.chunks(HOLD_CHUNK) {
        let items = chunk
            .iter()
            .map(|m| store.hold_tx(tenant, &m.write, &id, now))
            .collect::<Result<Vec<_>, _>>()?;
        match store.transact(items).await {
            Ok(()) => held.extend(chunk.iter().map(|m| &m.write.order.id)),
            Err(e) => {
                store.release(tenant, &held, &id).await;
                return Err(match e {
                    TxError::Cancelled(codes) => {
                        let failed: Vec<String> = codes
                            .iter()
                            .zip(chunk)
                            .filter(|(c, _)| c.as_str() == "ConditionalCheckFailed")
                            .map(|(_, m)| format!("order:{}", m.write.order.id))
                            .collect();
                        CommitError::Guards(if failed.is_empty() {
                            vec!["transaction_conflict".into()]
                        } else {
                            failed
                        })
                    }
                    TxError::Store(e) => CommitError::Store(e),
                });
            }
        }
    }
    let mut uow = UnitOfWork::new(store, tenant);
    uow.add(change, false)?;
    if let Err(e) = uow.commit().await {
        store.release(tenant, &held, &id).await;
        return Err(e);
    }
    store
        .finish(tenant, route, &change.moves, Vec::new(), ctx)
        .await
        .map(|_| ())
}

/// Finishes the bulk change `route` records, if any (after a crash): the orders it still holds
/// are moved, the others that did not get there are lost to it. Answers the settled route.
pub async fn resume(
    store: &Store,
    tenant: &TenantId,
    route: Route,
    ctx: &dispatch::Ctx,
) -> Result<Route, CommitError> {
    let Some(applying) = route.applying.clone() else {
        return Ok(route);
    };
    let items = store.get_order_items(tenant, &applying.order_ids).await?;
    let mut moves = Vec::new();
    let mut lost = Vec::new();
    // The change's own actor, as recorded.
    let ctx = dispatch::Ctx::new(
        ctx.settings,
        dispatch::Actor {
            actor_type: applying.actor_type,
            user: applying.actor_user_id.clone(),
            driver: None,
        },
        ctx.now,
    );
    for item in items {
        let held = item.hold_change.as_deref() == Some(applying.change_id.as_str());
        let order = Order::try_from(item)?;
        let done = match applying.kind {
            BulkKind::Assign => {
                order.status == OrderStatus::Assigned && order.route_id.as_ref() == Some(&route.id)
            }
            BulkKind::Unassign => order.route_id.as_ref() != Some(&route.id),
        };
        match (held, done) {
            (true, _) => match dispatch::resume_move(&order, &route, &applying, &ctx) {
                Some(m) => moves.push(m),
                None => lost.push(order.id.clone()),
            },
            (false, true) => {}
            (false, false) => lost.push(order.id.clone()),
        }
    }
    tracing::warn!(route_id = %route.id, change = %applying.change_id, left = moves.len(), lost = lost.len(), "resuming a bulk change");
    store.finish(tenant, &route, &moves, lost, &ctx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_chunks_fit_one_transaction_with_their_counters() {
        let day =
            |i: usize| time::macros::date!(2026 - 11 - 01) + time::Duration::days((i % 40) as i64);
        // One creation day: 33 orders (99 items) and one counter update.
        let same: Vec<time::Date> = (0..300).map(|_| day(0)).collect();
        let lengths = chunk_lengths(&same);
        assert_eq!(lengths.iter().sum::<usize>(), 300);
        assert!(
            lengths[..lengths.len() - 1]
                .iter()
                .all(|&l| l == MOVE_CHUNK)
        );
        // Every order of another day: 25 orders (75 items) and 25 counter updates.
        let spread: Vec<time::Date> = (0..300).map(day).collect();
        let lengths = chunk_lengths(&spread);
        assert_eq!(lengths.iter().sum::<usize>(), 300);
        assert_eq!(lengths[0], 25);
        let mut start = 0;
        for len in lengths {
            let days: std::collections::BTreeSet<_> = spread[start..start + len].iter().collect();
            assert!(3 * len + days.len() <= crate::unit_of_work::MAX_ITEMS);
            assert!(len > 0);
            start += len;
        }
        assert!(chunk_lengths(&[]).is_empty());
    }
}
