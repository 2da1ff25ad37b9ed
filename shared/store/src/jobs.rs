//! State the scheduled jobs keep between runs (where the next run starts, and each tenant's
//! continuation when its work did not fit one run's per-tenant budget), and the outbox sweep
//! read page by page within a run.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::order_items::{EventItem, due_key};
use crate::store::{Item, s};
use crate::{Store, StoreError, keys};

/// One scheduled job's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JobState {
    /// The tenant the next run starts with (the rotation: a fair start for everyone).
    #[serde(default)]
    pub next_start: Option<String>,
    /// Per tenant, where its work continues next run (absent: from the beginning).
    #[serde(default)]
    pub cursors: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobStateItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    state: JobState,
}

/// Where a shard's read of due events goes on (within one run).
#[derive(Debug, Clone)]
pub struct ShardCursor(Item);

impl Store {
    pub async fn get_job_state(&self, job: &str) -> Result<JobState, StoreError> {
        Ok(self
            .get::<JobStateItem>(&keys::job_state(job))
            .await?
            .map(|i| i.state)
            .unwrap_or_default())
    }

    /// Saves the job's state (the last run to finish wins: every job's work is idempotent, so a
    /// lost cursor only means some work is looked at again).
    pub async fn put_job_state(
        &self,
        job: &str,
        state: &JobState,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let k = keys::job_state(job);
        let item = JobStateItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "JOB_STATE".into(),
            updated_at: now,
            state: state.clone(),
        };
        self.transact_one(self.put(Self::to_item(&item)?)?).await
    }

    /// One page of a shard's PENDING events due by `due_by`, oldest first, from `from`; with
    /// where the next page starts (None: the shard is done).
    pub async fn due_events_page(
        &self,
        shard: u32,
        due_by: OffsetDateTime,
        from: Option<ShardCursor>,
        limit: i32,
    ) -> Result<(Vec<EventItem>, Option<ShardCursor>), StoreError> {
        let page = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI2)
            .key_condition_expression("GSI2PK = :pk AND GSI2SK <= :due")
            .expression_attribute_values(":pk", s(keys::gsi2_outbox_shard(shard)))
            .expression_attribute_values(":due", s(format!("{}#~", due_key(due_by))))
            .set_exclusive_start_key(from.map(|c| c.0))
            .limit(limit)
            .send()
            .await
            .map_err(|e| StoreError::backend("Query", e))?;
        let mut out = Vec::new();
        for item in self
            .hydrate(keys::GSI2, page.items.unwrap_or_default())
            .await?
        {
            out.push(serde_dynamo::from_item(item)?);
        }
        Ok((out, page.last_evaluated_key.map(ShardCursor)))
    }
}
