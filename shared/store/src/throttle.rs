//! Fixed-window counters with a block period, kept in DynamoDB with TTL (cleanup only: the
//! window and the block are checked on every read, never trusted to TTL deletion).

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValue;

use crate::items::ThrottleItem;
use crate::keys::{self, Key};
use crate::store::{key_map, n, s};
use crate::{Store, StoreError};

/// One instance's share of busy counters (see [`Store::throttle_hit_batched`]): per key, the
/// counter as last stored and the hits counted here since.
#[derive(Debug)]
pub struct LocalCounts {
    batch: u64,
    counts: std::sync::Mutex<std::collections::HashMap<String, Local>>,
}

#[derive(Debug)]
struct Local {
    window_start: i64,
    stored: u64,
    pending: u64,
    blocked_until: i64,
}

impl LocalCounts {
    /// Keys kept at most (expired windows go first).
    const MAX_KEYS: usize = 10_000;

    /// Hits are written `batch` at a time (1: every hit, as [`Store::throttle_hit`]).
    pub fn new(batch: u64) -> Self {
        Self {
            batch: batch.max(1),
            counts: Default::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleDecision {
    pub allowed: bool,
    /// Seconds until the block lifts (0 when allowed).
    pub retry_after_secs: u64,
}

impl ThrottleDecision {
    const ALLOW: Self = Self {
        allowed: true,
        retry_after_secs: 0,
    };
}

/// The limits of one throttle.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    /// How many hits a window allows.
    pub limit: u64,
    pub window_secs: i64,
    /// How long the subject stays blocked once over the limit.
    pub block_secs: i64,
}

impl Store {
    /// Is `key` blocked at `now` (epoch seconds)?
    pub async fn throttle_status(
        &self,
        key: &Key,
        now: i64,
    ) -> Result<ThrottleDecision, StoreError> {
        Ok(match self.get::<ThrottleItem>(key).await? {
            Some(t) if t.blocked_until > now => ThrottleDecision {
                allowed: false,
                retry_after_secs: (t.blocked_until - now) as u64,
            },
            _ => ThrottleDecision::ALLOW,
        })
    }

    /// Counts one hit against `key` and reports whether it is now over the rule's limit.
    pub async fn throttle_hit(
        &self,
        key: &Key,
        rule: ThrottleRule,
        now: i64,
    ) -> Result<ThrottleDecision, StoreError> {
        self.throttle_hit_growing(key, rule, rule.block_secs, now)
            .await
    }

    /// [`Self::throttle_hit`] whose blocks grow: each block in a row lasts twice the previous
    /// one, up to `max_block_secs`. A subject that stays quiet for `max_block_secs` after a
    /// block starts again from `rule.block_secs`.
    pub async fn throttle_hit_growing(
        &self,
        key: &Key,
        rule: ThrottleRule,
        max_block_secs: i64,
        now: i64,
    ) -> Result<ThrottleDecision, StoreError> {
        self.throttle_add(key, rule, max_block_secs, 1, now)
            .await
            .map(|(decision, _)| decision)
    }

    /// Adds `hits` to `key`'s counter: the decision for the last of them, and the counter as
    /// stored after.
    async fn throttle_add(
        &self,
        key: &Key,
        rule: ThrottleRule,
        max_block_secs: i64,
        hits: u64,
        now: i64,
    ) -> Result<(ThrottleDecision, ThrottleItem), StoreError> {
        let max_block_secs = max_block_secs.max(rule.block_secs);
        let ttl = now + rule.window_secs.max(max_block_secs) + 60;
        // Count within the current window; when the window has passed, start a new one.
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .update_expression(
                "SET entity_type = :type, window_start = if_not_exists(window_start, :now), #ttl = :ttl, \
                 blocked_until = if_not_exists(blocked_until, :zero) ADD #count :one",
            )
            .condition_expression("attribute_not_exists(#pk) OR window_start > :floor")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#ttl", keys::TTL)
            .expression_attribute_names("#count", "count")
            .expression_attribute_values(":type", s(ThrottleItem::TYPE))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":ttl", n(ttl))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(hits))
            .expression_attribute_values(":floor", n(now - rule.window_secs))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        let item: ThrottleItem = match result {
            Ok(out) => serde_dynamo::from_item(out.attributes.unwrap_or_default())?,
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(UpdateItemError::ConditionalCheckFailedException(_))
                ) =>
            {
                // The window is over: start a fresh one (keeping a block that still runs).
                let previous = self.get::<ThrottleItem>(key).await?;
                let blocked_until = previous
                    .as_ref()
                    .map(|p| p.blocked_until)
                    .filter(|b| *b > now)
                    .unwrap_or(0);
                let strikes = previous
                    .as_ref()
                    .filter(|p| p.blocked_until + max_block_secs > now)
                    .map(|p| p.strikes)
                    .unwrap_or(0);
                let fresh = ThrottleItem {
                    pk: key.pk.clone(),
                    sk: key.sk.clone(),
                    entity_type: ThrottleItem::TYPE.into(),
                    count: hits,
                    window_start: now,
                    blocked_until,
                    strikes,
                    ttl,
                };
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(Self::to_item(&fresh)?))
                    .send()
                    .await
                    .map_err(|e| StoreError::backend("PutItem", e))?;
                fresh
            }
            Err(e) => return Err(StoreError::backend("UpdateItem", e)),
        };
        if item.blocked_until > now {
            let decision = ThrottleDecision {
                allowed: false,
                retry_after_secs: (item.blocked_until - now) as u64,
            };
            return Ok((decision, item));
        }
        if item.count >= rule.limit {
            // Strikes from a block long past do not count (TTL deletion is cleanup only).
            let strikes = if item.blocked_until + max_block_secs > now {
                item.strikes
            } else {
                0
            };
            let block = block_length(rule.block_secs, max_block_secs, strikes);
            let until = now + block;
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key_map(key)))
                .update_expression("SET blocked_until = :until, strikes = :strikes, #ttl = :ttl")
                .expression_attribute_names("#ttl", keys::TTL)
                .expression_attribute_values(":until", n(until))
                .expression_attribute_values(":strikes", n(strikes.saturating_add(1)))
                .expression_attribute_values(":ttl", n(until + max_block_secs + 60))
                .send()
                .await
                .map_err(|e| StoreError::backend("UpdateItem", e))?;
            let decision = ThrottleDecision {
                allowed: false,
                retry_after_secs: block as u64,
            };
            return Ok((
                decision,
                ThrottleItem {
                    blocked_until: until,
                    ..item
                },
            ));
        }
        Ok((ThrottleDecision::ALLOW, item))
    }

    /// [`Self::throttle_hit`] for busy counters (a driver's requests, tracking views): hits
    /// are counted in this instance's `local` share and added to the stored counter a batch at
    /// a time: on a key's first hit here, every `local.batch`-th hit after, at a new window and
    /// whenever the limit comes within reach. Within one instance the decisions are exactly
    /// [`Self::throttle_hit`]'s; across instances each may let up to `batch - 1` hits more
    /// through before the shared block starts. A write per batch instead of one per hit.
    pub async fn throttle_hit_batched(
        &self,
        local: &LocalCounts,
        key: &Key,
        rule: ThrottleRule,
        now: i64,
    ) -> Result<ThrottleDecision, StoreError> {
        let name = format!("{}\u{1f}{}", key.pk, key.sk);
        let hits = {
            let mut counts = local.counts.lock().unwrap_or_else(|p| p.into_inner());
            match counts.get_mut(&name) {
                Some(c) if c.blocked_until > now => {
                    return Ok(ThrottleDecision {
                        allowed: false,
                        retry_after_secs: (c.blocked_until - now) as u64,
                    });
                }
                Some(c)
                    if now - c.window_start < rule.window_secs
                        && c.pending + 1 < local.batch
                        && c.stored + c.pending + 1 < rule.limit =>
                {
                    c.pending += 1;
                    return Ok(ThrottleDecision::ALLOW);
                }
                // The window this instance counted in is over: its pending hits are history.
                Some(c) if now - c.window_start >= rule.window_secs => {
                    c.pending = 0;
                    1
                }
                // Taken out before the write, so a concurrent request does not add them too.
                Some(c) => std::mem::take(&mut c.pending) + 1,
                None => 1,
            }
        };
        let (decision, item) = match self
            .throttle_add(key, rule, rule.block_secs, hits, now)
            .await
        {
            Ok(r) => r,
            Err(e) => {
                // Not written: counted here again (the request that met the error included).
                let mut counts = local.counts.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(c) = counts.get_mut(&name) {
                    c.pending += hits - 1;
                }
                return Err(e);
            }
        };
        let mut counts = local.counts.lock().unwrap_or_else(|p| p.into_inner());
        if counts.len() >= LocalCounts::MAX_KEYS {
            counts.retain(|_, c| now - c.window_start < rule.window_secs || c.blocked_until > now);
            // Still nearly full of live keys: start over rather than prune on every insert.
            if counts.len() >= LocalCounts::MAX_KEYS * 9 / 10 {
                counts.clear();
            }
        }
        // Hits a concurrent request counted here while this one wrote stay pending.
        let pending = counts
            .get(&name)
            .filter(|c| c.window_start == item.window_start)
            .map_or(0, |c| c.pending);
        counts.insert(
            name,
            Local {
                window_start: item.window_start,
                stored: item.count,
                pending,
                blocked_until: item.blocked_until,
            },
        );
        Ok(decision)
    }

    /// Forgets a subject's hits (after a successful login).
    pub async fn throttle_reset(&self, key: &Key) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key_map(key)))
            .condition_expression("attribute_not_exists(#pk) OR blocked_until <= :zero OR attribute_not_exists(blocked_until)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_values(":zero", n(0))
            .send()
            .await
            .map(|_| ())
            .or_else(|e| match e.as_service_error() {
                // A running block is kept: a correct password does not lift it.
                Some(aws_sdk_dynamodb::operation::delete_item::DeleteItemError::ConditionalCheckFailedException(_)) => Ok(()),
                _ => Err(StoreError::backend("DeleteItem", e)),
            })
    }
}

/// How long the block after `strikes` earlier blocks in a row lasts: `base` doubled each
/// time, at most `max`.
pub fn block_length(base: i64, max: i64, strikes: u32) -> i64 {
    base.saturating_mul(1_i64.checked_shl(strikes.min(40)).unwrap_or(i64::MAX))
        .min(max.max(base))
}

#[cfg(test)]
mod tests {
    use super::block_length;

    #[test]
    fn blocks_double_up_to_the_maximum() {
        let lengths: Vec<i64> = (0..8).map(|s| block_length(60, 3600, s)).collect();
        assert_eq!(lengths, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(
            block_length(60, 60, 5),
            60,
            "no growth when max is the base"
        );
        assert_eq!(block_length(60, 3600, u32::MAX), 3600);
    }
}
