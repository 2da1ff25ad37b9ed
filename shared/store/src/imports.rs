//! CSV import jobs: the job item (status, counters, the row checkpoint) and one report item
//! per chunk of rows, in the job's own partition. A chunk's report and the checkpoint's
//! advance are one transaction guarded by the checkpoint the worker read, so a retried or
//! concurrent worker can never write a chunk twice or skip one.

use cargoflow_domain::TenantId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::store::{n, s};
use crate::{Page, Store, StoreError, keys};

/// Job items and their chunk reports are kept 30 days (the CSV and report objects in S3
/// expire with the bucket's `imports/` lifecycle rule).
pub const IMPORT_KEEP_SECS: i64 = 30 * 86_400;

pub const QUEUED: &str = "QUEUED";
pub const RUNNING: &str = "RUNNING";
pub const SUCCEEDED: &str = "SUCCEEDED";
pub const FAILED: &str = "FAILED";
pub const PARTIAL: &str = "PARTIAL";

/// One import job as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: String,
    /// QUEUED, RUNNING, SUCCEEDED, FAILED or PARTIAL.
    pub status: String,
    pub total_rows: u32,
    /// The checkpoint: rows `[0, processed_rows)` have their report saved.
    pub processed_rows: u32,
    pub created: u32,
    pub failed: u32,
    /// The ops user who posted the file (the orders' history names them).
    pub created_by: String,
    /// The uploaded CSV in the bucket.
    pub input_key: String,
    /// The full report in the bucket (large jobs, once finished).
    pub report_key: Option<String>,
    /// Why the job could not run (FAILED without row results).
    pub error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub finished_at: Option<OffsetDateTime>,
}

impl ImportJob {
    pub fn is_finished(&self) -> bool {
        [SUCCEEDED, FAILED, PARTIAL].contains(&self.status.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    #[serde(rename = "GSI1PK")]
    gsi1pk: String,
    #[serde(rename = "GSI1SK")]
    gsi1sk: String,
    version: u64,
    ttl: i64,
    id: String,
    status: String,
    total_rows: u32,
    processed_rows: u32,
    created: u32,
    failed: u32,
    created_by: String,
    input_key: String,
    report_key: Option<String>,
    error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option", default)]
    finished_at: Option<OffsetDateTime>,
}

impl From<JobItem> for ImportJob {
    fn from(i: JobItem) -> Self {
        ImportJob {
            id: i.id,
            status: i.status,
            total_rows: i.total_rows,
            processed_rows: i.processed_rows,
            created: i.created,
            failed: i.failed,
            created_by: i.created_by,
            input_key: i.input_key,
            report_key: i.report_key,
            error: i.error,
            created_at: i.created_at,
            updated_at: i.updated_at,
            finished_at: i.finished_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ChunkItem {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity_type: String,
    offset: u32,
    /// The chunk's row results, as JSON (an array).
    rows: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    ttl: i64,
}

/// One chunk's outcome, saved with the checkpoint's advance.
pub struct ChunkReport<'a> {
    pub offset: u32,
    pub rows: u32,
    pub created: u32,
    pub failed: u32,
    /// The rows' results as a JSON array.
    pub rows_json: &'a str,
}

impl Store {
    pub async fn create_import_job(
        &self,
        tenant: &TenantId,
        job: &ImportJob,
    ) -> Result<(), StoreError> {
        let k = keys::import_job(tenant, &job.id);
        let item = JobItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "IMPORT_JOB".into(),
            gsi1pk: keys::gsi1_imports(tenant),
            gsi1sk: job.id.clone(),
            version: 1,
            ttl: job.created_at.unix_timestamp() + IMPORT_KEEP_SECS,
            id: job.id.clone(),
            status: job.status.clone(),
            total_rows: job.total_rows,
            processed_rows: job.processed_rows,
            created: job.created,
            failed: job.failed,
            created_by: job.created_by.clone(),
            input_key: job.input_key.clone(),
            report_key: job.report_key.clone(),
            error: job.error.clone(),
            created_at: job.created_at,
            updated_at: job.updated_at,
            finished_at: job.finished_at,
        };
        self.transact_one(self.put_new(Self::to_item(&item)?)?)
            .await
    }

    /// The job, or NotFound (another tenant's id is not found either: the key has the
    /// caller's tenant).
    pub async fn get_import_job(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<ImportJob, StoreError> {
        let item: JobItem = self
            .get(&keys::import_job(tenant, id))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(item.into())
    }

    /// A tenant's jobs, newest first.
    pub async fn list_import_jobs(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<Page<ImportJob>, StoreError> {
        let pk = keys::gsi1_imports(tenant);
        let start = crate::store::start_key(cursor, keys::GSI1PK, &pk, keys::GSI1SK, None, None)?;
        let listing = crate::store::Listing {
            index: Some(keys::GSI1),
            key_condition: "GSI1PK = :pk".into(),
            values: vec![(":pk".into(), s(&pk))],
            ..Default::default()
        };
        let page: Page<JobItem> = self.list_page(listing, start, limit).await?;
        Ok(page.map(ImportJob::from))
    }

    /// Saves a chunk's report and moves the checkpoint past it, in one transaction that holds
    /// only while the job is still at `chunk.offset` and not finished. `Ok(false)`: another
    /// worker saved this chunk first (nothing was written).
    pub async fn save_import_chunk(
        &self,
        tenant: &TenantId,
        job: &str,
        chunk: &ChunkReport<'_>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let k = keys::import_chunk(tenant, job, chunk.offset);
        let item = ChunkItem {
            pk: k.pk,
            sk: k.sk,
            entity_type: "IMPORT_CHUNK".into(),
            offset: chunk.offset,
            rows: chunk.rows_json.to_string(),
            created_at: now,
            ttl: now.unix_timestamp() + IMPORT_KEEP_SECS,
        };
        let tx = vec![
            self.put_new(Self::to_item(&item)?)?,
            self.update(
                &keys::import_job(tenant, job),
                "SET processed_rows = :next, created = created + :c, failed = failed + :f, \
                 #status = :running, updated_at = :now, version = version + :one",
                "processed_rows = :offset AND #status IN (:queued, :running)",
                &[("#status", "status")],
                vec![
                    (":next", n(chunk.offset + chunk.rows)),
                    (":c", n(chunk.created)),
                    (":f", n(chunk.failed)),
                    (":running", s(RUNNING)),
                    (":queued", s(QUEUED)),
                    (":now", s(cargoflow_domain::time_util::rfc3339(now))),
                    (":one", n(1)),
                    (":offset", n(chunk.offset)),
                ],
            )?,
        ];
        match self.transact(tx).await {
            Ok(()) => Ok(true),
            Err(crate::store::TxError::Cancelled(codes))
                if codes.iter().any(|c| c == "ConditionalCheckFailed") =>
            {
                Ok(false)
            }
            Err(crate::store::TxError::Cancelled(codes)) => Err(StoreError::backend(
                "TransactWriteItems",
                format!("cancelled: {codes:?}"),
            )),
            Err(crate::store::TxError::Store(e)) => Err(e),
        }
    }

    /// Ends a job that is still running: `status` is SUCCEEDED, PARTIAL or FAILED. A job that
    /// already ended is left as it is (`Ok(false)`).
    pub async fn finish_import_job(
        &self,
        tenant: &TenantId,
        job: &str,
        status: &str,
        report_key: Option<&str>,
        error: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut set = String::from(
            "SET #status = :status, updated_at = :now, finished_at = :now, version = version + :one",
        );
        let mut values = vec![
            (":status", s(status)),
            (":now", s(cargoflow_domain::time_util::rfc3339(now))),
            (":one", n(1)),
            (":queued", s(QUEUED)),
            (":running", s(RUNNING)),
        ];
        if let Some(r) = report_key {
            set.push_str(", report_key = :report");
            values.push((":report", s(r)));
        }
        if let Some(e) = error {
            set.push_str(", #error = :error");
            values.push((":error", s(e)));
        }
        let names: &[(&str, &str)] = if error.is_some() {
            &[("#status", "status"), ("#error", "error")]
        } else {
            &[("#status", "status")]
        };
        let tx = self.update(
            &keys::import_job(tenant, job),
            &set,
            "#status IN (:queued, :running)",
            names,
            values,
        )?;
        match self.transact_one(tx).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every saved chunk report of a job, in row order: (first row's offset, rows as JSON).
    pub async fn import_chunks(
        &self,
        tenant: &TenantId,
        job: &str,
    ) -> Result<Vec<(u32, String)>, StoreError> {
        let pk = keys::import_pk(tenant, job);
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page: Page<ChunkItem> = self
                .query_prefix(&pk, keys::IMPORT_CHUNK_PREFIX, cursor.as_deref(), 100)
                .await?;
            out.extend(page.items.into_iter().map(|c| (c.offset, c.rows)));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => return Ok(out),
            }
        }
    }
}
