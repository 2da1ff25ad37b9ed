//! import-orders-worker (SQS, the import queue): runs the CSV import jobs that import-orders
//! accepted. A job is worked in chunks of [`CHUNK_ROWS`] rows; after each chunk its report and
//! the job's checkpoint (the next row) are saved in one transaction. Each row's order has an
//! id derived from the job and the row, so a chunk that is worked again (a crash before its
//! checkpoint, a redelivered message, two workers at once) finds the orders it already wrote
//! instead of writing them twice.
//!
//! One invocation works until its budget ends (well inside Lambda's 15 minutes), then queues
//! the job again and returns; the next invocation resumes at the checkpoint. A failure (the
//! store or the bucket down) fails the message: SQS delivers it again after its visibility
//! timeout, and after [`MAX_RECEIVES`] the job is ended as FAILED (the message goes to the DLQ).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use cargoflow_domain::*;
use cargoflow_http::ApiError;
use cargoflow_store::StoreError;
use cargoflow_store::imports::{self, ChunkReport, ImportJob};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::Deps;
use crate::import_orders::{
    INLINE_REPORT_ROWS, ImportMessage, ImportRowResult, read_rows, row_to_order,
};

/// Rows per chunk (one checkpoint each; a chunk's report item stays far below 400 KB).
pub const CHUNK_ROWS: usize = 250;
/// Rows of a chunk written at once.
const CONCURRENCY: usize = 16;
/// Receives of one message before the job is given up (the queue's maxReceiveCount).
pub const MAX_RECEIVES: u32 = 5;
const UNSAVED: &str = "could not be saved; try again";
/// How long one order write may take before it is sent again, and how often.
const ROW_TIMEOUT: Duration = Duration::from_secs(10);
const ROW_ATTEMPTS: u32 = 5;

/// How much one invocation may do.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub deadline: Instant,
    /// At most this many chunks (tests stop a worker mid-way with it).
    pub max_chunks: Option<usize>,
}

impl Budget {
    /// `IMPORT_WORKER_BUDGET_SECS` from now.
    pub fn for_invocation(secs: u64) -> Self {
        Self {
            deadline: Instant::now() + Duration::from_secs(secs),
            max_chunks: None,
        }
    }

    fn spent(&self, chunks: usize) -> bool {
        Instant::now() >= self.deadline || self.max_chunks.is_some_and(|m| chunks >= m)
    }
}

/// Where a job stands after an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Ended (now or before) with this status.
    Finished(String),
    /// The budget ran out at this row; the job must be queued again.
    Paused(u32),
    /// No such job (nothing to do).
    Gone,
}

pub async fn handle(deps: Arc<Deps>, event: SqsEvent) -> Result<SqsBatchResponse, String> {
    let mut failures = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let receives: u32 = record
            .attributes
            .get("ApproximateReceiveCount")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let Some(msg) = record
            .body
            .as_deref()
            .and_then(|b| serde_json::from_str::<ImportMessage>(b).ok())
        else {
            tracing::error!(message = %id, "import message is not a job reference: dropped");
            continue;
        };
        let Some(tenant) = TenantId::parse(&msg.tenant_id) else {
            tracing::error!(message = %id, "import message names no tenant: dropped");
            continue;
        };
        let span = tracing::info_span!("import_job", job = %msg.job_id, tenant = %tenant);
        match run_job(
            &deps,
            &tenant,
            &msg.job_id,
            Budget::for_invocation(deps.config.import_worker_budget_secs),
        )
        .instrument(span)
        .await
        {
            Ok(Outcome::Paused(row)) => {
                tracing::info!(row, "import paused at its budget; queued again");
                if let Err(e) = crate::import_orders::enqueue(&deps, &tenant, &msg.job_id).await {
                    // The message comes back after its visibility timeout instead.
                    tracing::error!(error = %e, "could not queue the import's continuation");
                    failures.push(id);
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, receives, "import job failed; it will be retried");
                if receives >= MAX_RECEIVES {
                    let _ = deps
                        .store
                        .finish_import_job(
                            &tenant,
                            &msg.job_id,
                            imports::FAILED,
                            None,
                            Some("the import stopped after repeated failures; rows before processed_rows were imported"),
                            time_util::now(),
                        )
                        .await;
                }
                failures.push(id);
            }
        }
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures
        .into_iter()
        .map(|id| {
            let mut f = BatchItemFailure::default();
            f.item_identifier = id;
            f
        })
        .collect();
    Ok(response)
}

/// The order id of row `index` (0-based) of `job`: a ULID with the job's time and 80 bits
/// of SHA-256(job, row), the same on every attempt.
pub fn order_id_for(job: &str, index: usize) -> OrderId {
    let ms = ulid::Ulid::from_string(job)
        .map(|u| u.timestamp_ms())
        .unwrap_or(0);
    let digest = Sha256::digest(format!("{job}:{index}").as_bytes());
    let mut random = [0u8; 16];
    random[6..].copy_from_slice(&digest[..10]);
    OrderId::from_stored(ulid::Ulid::from_parts(ms, u128::from_be_bytes(random)).to_string())
}

/// For each row, the earlier row (1-based) with the same reference code, if any: the first
/// row gets the code, later ones are reported (rows are written concurrently).
pub fn duplicates(rows: &[BTreeMap<String, String>]) -> Vec<Option<usize>> {
    let mut first_row: HashMap<String, usize> = HashMap::new();
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let code = row
                .get("reference_code")
                .map(|s| s.trim().to_uppercase())
                .filter(|s| !s.is_empty())?;
            match first_row.get(&code) {
                Some(first) => Some(*first),
                None => {
                    first_row.insert(code, i + 1);
                    None
                }
            }
        })
        .collect()
}

/// The job's status once every row is processed.
pub fn final_status(total: u32, created: u32) -> &'static str {
    if created == total {
        imports::SUCCEEDED
    } else if created == 0 {
        imports::FAILED
    } else {
        imports::PARTIAL
    }
}

/// Works `job` from its checkpoint until it ends or the budget runs out.
pub async fn run_job(
    deps: &Deps,
    tenant: &TenantId,
    job_id: &str,
    budget: Budget,
) -> Result<Outcome, ApiError> {
    let job = match deps.store.get_import_job(tenant, job_id).await {
        Ok(j) => j,
        Err(StoreError::NotFound) => return Ok(Outcome::Gone),
        Err(e) => return Err(e.into()),
    };
    if job.is_finished() {
        return Ok(Outcome::Finished(job.status));
    }
    let files = deps.import_files();
    let Some(bytes) = files.get(&job.input_key).await? else {
        return end_without_rows(deps, tenant, &job, "the uploaded file is missing").await;
    };
    let rows = match read_rows(&bytes) {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "a stored import file no longer parses");
            return end_without_rows(deps, tenant, &job, "the uploaded file cannot be read").await;
        }
    };
    let dups = duplicates(&rows);
    let user = UserId::from_stored(job.created_by.clone());
    let mut offset = job.processed_rows as usize;
    let mut chunks = 0;
    while offset < rows.len() {
        if budget.spent(chunks) {
            return Ok(Outcome::Paused(offset as u32));
        }
        let end = (offset + CHUNK_ROWS).min(rows.len());
        let results: Vec<ImportRowResult> = futures::stream::iter(offset..end)
            .map(|i| create_row(deps, tenant, &job.id, &user, i, &rows[i], dups[i]))
            .buffered(CONCURRENCY)
            .collect()
            .await;
        if results.iter().any(is_unsaved) {
            // The store failed: the chunk is not saved, the message is retried and works
            // this chunk again (its orders so far are found, not written twice).
            return Err(ApiError::Unavailable(
                "the store failed during an import chunk".into(),
            ));
        }
        let created = results.iter().filter(|r| r.status == "created").count() as u32;
        let rows_json = serde_json::to_string(&results)
            .map_err(|e| ApiError::internal("serialising a chunk report", e))?;
        let saved = deps
            .store
            .save_import_chunk(
                tenant,
                &job.id,
                &ChunkReport {
                    offset: offset as u32,
                    rows: results.len() as u32,
                    created,
                    failed: results.len() as u32 - created,
                    rows_json: &rows_json,
                },
                time_util::now(),
            )
            .await?;
        chunks += 1;
        if saved {
            offset = end;
        } else {
            // Another worker saved this chunk first: continue from its checkpoint.
            let now = deps.store.get_import_job(tenant, &job.id).await?;
            if now.is_finished() {
                return Ok(Outcome::Finished(now.status));
            }
            offset = now.processed_rows as usize;
        }
    }
    finish(deps, tenant, &job.id).await
}

async fn end_without_rows(
    deps: &Deps,
    tenant: &TenantId,
    job: &ImportJob,
    why: &str,
) -> Result<Outcome, ApiError> {
    deps.store
        .finish_import_job(
            tenant,
            &job.id,
            imports::FAILED,
            None,
            Some(why),
            time_util::now(),
        )
        .await?;
    Ok(Outcome::Finished(imports::FAILED.into()))
}

/// Every row is processed: the report of a large job goes to the bucket, and the job ends.
async fn finish(deps: &Deps, tenant: &TenantId, job_id: &str) -> Result<Outcome, ApiError> {
    let job = deps.store.get_import_job(tenant, job_id).await?;
    if job.is_finished() {
        return Ok(Outcome::Finished(job.status));
    }
    let report_key = if job.total_rows > INLINE_REPORT_ROWS {
        let rows = report_rows(deps, tenant, job_id).await?;
        let body = serde_json::to_vec(&serde_json::json!({ "job_id": job_id, "rows": rows }))
            .map_err(|e| ApiError::internal("serialising an import report", e))?;
        let key = crate::import_files::report_key(tenant, job_id);
        deps.import_files()
            .put(&key, "application/json", body)
            .await?;
        Some(key)
    } else {
        None
    };
    let status = final_status(job.total_rows, job.created);
    deps.store
        .finish_import_job(
            tenant,
            job_id,
            status,
            report_key.as_deref(),
            None,
            time_util::now(),
        )
        .await?;
    Ok(Outcome::Finished(status.into()))
}

/// Every saved row result of a job, in file order.
pub async fn report_rows(
    deps: &Deps,
    tenant: &TenantId,
    job_id: &str,
) -> Result<Vec<ImportRowResult>, ApiError> {
    let mut rows = Vec::new();
    for (_, json) in deps.store.import_chunks(tenant, job_id).await? {
        let chunk: Vec<ImportRowResult> = serde_json::from_str(&json)
            .map_err(|e| ApiError::internal("reading an import chunk", e))?;
        rows.extend(chunk);
    }
    Ok(rows)
}

fn is_unsaved(row: &ImportRowResult) -> bool {
    row.errors
        .as_ref()
        .and_then(|e| e.get("row"))
        .is_some_and(|m| m == UNSAVED)
}

/// One row: refused with its field errors, or written as its order (found, when an earlier
/// attempt wrote it).
async fn create_row(
    deps: &Deps,
    tenant: &TenantId,
    job: &str,
    user: &UserId,
    index: usize,
    row: &BTreeMap<String, String>,
    duplicate_of: Option<usize>,
) -> ImportRowResult {
    let reference_code = row
        .get("reference_code")
        .map(|s| s.trim().to_uppercase())
        .filter(|s| !s.is_empty());
    let failed = |errors: BTreeMap<String, String>| ImportRowResult {
        row: index + 1,
        status: "error".into(),
        reference_code: reference_code.clone(),
        order_id: None,
        errors: Some(errors),
    };
    if let Some(first) = duplicate_of {
        return failed(BTreeMap::from([(
            "reference_code".to_string(),
            format!("repeats row {first} of this file"),
        )]));
    }
    let new = match row_to_order(row) {
        Ok(n) => n,
        Err(errors) => return failed(errors),
    };
    let mut order = new.into_order(time_util::now());
    order.id = order_id_for(job, index);
    let history = StatusHistoryEntry::new(
        &order,
        None,
        ActorType::Ops,
        Some(user.clone()),
        None,
        serde_json::json!({ "import_job": job }),
    );
    let event = events::order_created(&order);
    let created = |o: &Order| ImportRowResult {
        row: index + 1,
        status: "created".into(),
        reference_code: Some(o.reference_code.to_string()),
        order_id: Some(o.id.to_string()),
        errors: None,
    };
    let unsaved = || failed(BTreeMap::from([("row".to_string(), UNSAVED.to_string())]));
    // A write that does not answer, or that another transaction cancelled, is sent again: the
    // id is the same, so an attempt that did land is found by the next one (a conflict on
    // the order's own key, then the lookup).
    let mut attempt = 0;
    loop {
        attempt += 1;
        let retry = attempt < ROW_ATTEMPTS;
        match tokio::time::timeout(
            ROW_TIMEOUT,
            deps.store.create_order(tenant, &order, &history, &event),
        )
        .await
        {
            Ok(Ok(())) => {
                cargoflow_http::metrics::count(&[], &[("OrdersCreated", 1.0)]);
                return created(&order);
            }
            Ok(Err(e @ (StoreError::Taken { .. } | StoreError::Conflict))) => {
                // Written by an earlier attempt of this job (same id)? Then it is this row's.
                match deps.store.get_order(tenant, &order.id).await {
                    Ok(existing) => return created(&existing),
                    Err(StoreError::NotFound) if matches!(e, StoreError::Taken { .. }) => {
                        return failed(BTreeMap::from([(
                            "reference_code".to_string(),
                            "is already taken".to_string(),
                        )]));
                    }
                    // Cancelled by a concurrent transaction: send it again.
                    Err(StoreError::NotFound) if retry => {}
                    Err(other) => {
                        tracing::error!(row = index + 1, error = %other, "import row failed");
                        return unsaved();
                    }
                }
            }
            Ok(Err(e)) if retry => {
                tracing::warn!(row = index + 1, attempt, error = %e, "an order write failed; sent again");
            }
            Ok(Err(e)) => {
                tracing::error!(row = index + 1, error = %e, "import row failed");
                return unsaved();
            }
            Err(_) if retry => {
                tracing::warn!(
                    row = index + 1,
                    attempt,
                    "an order write did not answer; sent again"
                );
            }
            Err(_) => {
                tracing::error!(row = index + 1, "an order write did not answer");
                return unsaved();
            }
        }
        tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_ids_are_stable_per_job_and_row() {
        let job = ulid::Ulid::new().to_string();
        let a = order_id_for(&job, 7);
        assert_eq!(a, order_id_for(&job, 7));
        assert_ne!(a, order_id_for(&job, 8));
        assert_ne!(a, order_id_for(&ulid::Ulid::new().to_string(), 7));
        // A valid ULID carrying the job's time (orders list newest first by id).
        let parsed = ulid::Ulid::from_string(a.as_str()).unwrap();
        assert_eq!(
            parsed.timestamp_ms(),
            ulid::Ulid::from_string(&job).unwrap().timestamp_ms()
        );
        assert_eq!(OrderId::parse(a.as_str()), Some(a));
    }

    #[test]
    fn repeated_codes_point_at_their_first_row() {
        let row = |c: &str| BTreeMap::from([("reference_code".to_string(), c.to_string())]);
        let rows = vec![row("a-1"), row("B"), row("A-1 "), row(""), row("b")];
        assert_eq!(duplicates(&rows), vec![None, None, Some(1), None, Some(2)]);
    }

    #[test]
    fn final_status_table() {
        assert_eq!(final_status(10, 10), imports::SUCCEEDED);
        assert_eq!(final_status(10, 3), imports::PARTIAL);
        assert_eq!(final_status(10, 0), imports::FAILED);
    }

    #[test]
    fn budget_stops_at_chunks_or_time() {
        let far = Instant::now() + Duration::from_secs(60);
        let b = Budget {
            deadline: far,
            max_chunks: Some(2),
        };
        assert!(!b.spent(1) && b.spent(2));
        let past = Budget {
            deadline: Instant::now(),
            max_chunks: None,
        };
        assert!(past.spent(0));
    }
}
