//! POST /api/ops/orders/import: a CSV of orders, one row per order (a pickup and a drop),
//! imported as a background job. The POST checks the file quickly (type, size, UTF-8, the
//! header row, the row count, every row's shape), stores it in the bucket, records the job
//! (QUEUED) and queues it for import-orders-worker; it answers 202 with the job and its
//! `Location` (`GET /api/ops/imports/{id}`). Rows are validated and written by the worker;
//! the job's per-row report says what became of each. Columns are documented in docs/API.md.
//!
//! The file travels in the POST's body (at most [`MAX_BYTES`]): under API Gateway's 10 MB
//! request limit and Lambda's 6 MB synchronous payload, and 20,000 rows of a realistic CSV
//! fit. A presigned upload would allow larger files but moves the header and shape checks out
//! of the request (the client could no longer be told at once that the file is wrong).

use std::collections::BTreeMap;
use std::sync::Arc;

use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate};
use cargoflow_store::imports::{self, ImportJob};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Deps;

pub const MAX_ROWS: usize = 20_000;
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// Jobs up to this many rows keep their report inline (GET answers `rows`); larger ones get
/// it as a JSON object in the bucket (GET answers `report_url`).
pub const INLINE_REPORT_ROWS: u32 = 1_000;
const REQUIRED: &[&str] = &[
    "reference_code",
    "customer_name",
    "customer_phone",
    "pickup_address",
    "pickup_city",
    "drop_address",
    "drop_city",
];
const OPTIONAL: &[&str] = &[
    "pickup_postal_code",
    "pickup_lat",
    "pickup_lng",
    "pickup_window_start",
    "pickup_window_end",
    "drop_postal_code",
    "drop_lat",
    "drop_lng",
    "drop_window_start",
    "drop_window_end",
    "weight_kg",
    "notes",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportRowResult {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    /// `created` or `error`.
    pub status: String,
    pub reference_code: Option<String>,
    pub order_id: Option<String>,
    /// Column -> reason, for rows that were not created.
    pub errors: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportStatus {
    Queued,
    Running,
    /// Every row became an order.
    Succeeded,
    /// No row became an order (every row refused), or the job could not run (`error`).
    Failed,
    /// Some rows became orders, others were refused.
    Partial,
}

impl ImportStatus {
    fn from_stored(s: &str) -> Self {
        match s {
            imports::RUNNING => Self::Running,
            imports::SUCCEEDED => Self::Succeeded,
            imports::FAILED => Self::Failed,
            imports::PARTIAL => Self::Partial,
            _ => Self::Queued,
        }
    }
}

/// An import job: its progress and, once rows are processed, its report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJobView {
    pub id: String,
    pub status: ImportStatus,
    /// Data rows in the file (known once the file is accepted).
    pub total_rows: Option<u32>,
    pub processed_rows: u32,
    pub created: u32,
    pub failed: u32,
    /// Why the job could not run (status FAILED without row results).
    pub error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// The per-row report of a small job (at most 1,000 rows), so far: on GET of one job.
    pub rows: Option<Vec<ImportRowResult>>,
    /// The full per-row report of a large finished job: a JSON document
    /// `{"job_id", "rows": [ImportRowResult]}` behind a GET URL valid for 10 minutes.
    pub report_url: Option<String>,
}

impl ImportJobView {
    pub fn new(job: &ImportJob) -> Self {
        Self {
            id: job.id.clone(),
            status: ImportStatus::from_stored(&job.status),
            total_rows: Some(job.total_rows),
            processed_rows: job.processed_rows,
            created: job.created,
            failed: job.failed,
            error: job.error.clone(),
            created_at: job.created_at,
            updated_at: job.updated_at,
            finished_at: job.finished_at,
            rows: None,
            report_url: None,
        }
    }
}

/// What the import queue carries: which job to run (the tenant comes from the job's author,
/// checked when the job was created).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportMessage {
    pub tenant_id: String,
    pub job_id: String,
}

fn column_name(field: &str) -> String {
    // stops[0].address_line -> pickup_address, stops[1].lat -> drop_lat, ...
    let f = field.replace("address_line", "address");
    if let Some(rest) = f.strip_prefix("stops[0].") {
        return format!("pickup_{rest}");
    }
    if let Some(rest) = f.strip_prefix("stops[1].") {
        return format!("drop_{rest}");
    }
    match f.as_str() {
        "pickup_window" | "drop_window" => format!("{f}_start"),
        "package.weight_kg" => "weight_kg".into(),
        other => other.to_string(),
    }
}

fn num(row: &BTreeMap<String, String>, col: &str, e: &mut FieldErrors) -> Option<f64> {
    let v = row.get(col).map(|s| s.trim()).filter(|s| !s.is_empty())?;
    match v.parse::<f64>() {
        Ok(n) => Some(n),
        Err(_) => {
            e.add(col, "must be a number");
            None
        }
    }
}

fn window(row: &BTreeMap<String, String>, prefix: &str) -> Option<WindowInput> {
    let start = row
        .get(&format!("{prefix}_window_start"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let end = row
        .get(&format!("{prefix}_window_end"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    (!start.is_empty() || !end.is_empty()).then_some(WindowInput { start, end })
}

/// One CSV row to a validated order, with errors named by column.
pub fn row_to_order(row: &BTreeMap<String, String>) -> Result<NewOrder, BTreeMap<String, String>> {
    let get = |c: &str| row.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
    let opt = |c: &str| Some(get(c)).filter(|s| !s.is_empty());
    let mut e = FieldErrors::new();
    let stop = |kind: &str, seq: i64, e: &mut FieldErrors| StopInput {
        sequence_index: seq,
        stop_type: if kind == "pickup" {
            "PICKUP".into()
        } else {
            "DROP".into()
        },
        address_line: get(&format!("{kind}_address")),
        city: get(&format!("{kind}_city")),
        postal_code: opt(&format!("{kind}_postal_code")),
        lat: num(row, &format!("{kind}_lat"), e),
        lng: num(row, &format!("{kind}_lng"), e),
        contact_name: None,
        contact_phone: None,
    };
    let input = OrderInput {
        reference_code: get("reference_code"),
        customer_name: get("customer_name"),
        customer_phone: get("customer_phone"),
        stops: vec![stop("pickup", 1, &mut e), stop("drop", 2, &mut e)],
        pickup_window: window(row, "pickup"),
        drop_window: window(row, "drop"),
        notes: opt("notes"),
        package: num(row, "weight_kg", &mut e).map(|w| PackageInput {
            weight_kg: Some(w),
            dimensions: None,
            items: vec![],
        }),
    };
    let parsed = NewOrder::try_from(&input);
    let mut errors: BTreeMap<String, String> = e.into_map();
    match parsed {
        Ok(o) if errors.is_empty() => Ok(o),
        Ok(_) => Err(errors),
        Err(f) => {
            for (k, v) in f.into_map() {
                errors.entry(column_name(&k)).or_insert(v);
            }
            Err(errors)
        }
    }
}

#[utoipa::path(post, path = "/api/ops/orders/import", operation_id = "import_orders", tag = "orders",
    security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header, description = "Repeat-safe: the same key and file answer the same job")),
    request_body(content = String, content_type = "text/csv", description = "Header row, then one order per row; see docs/API.md"),
    responses(
        (status = 202, description = "Accepted: the job, queued (its URL in Location)", body = ImportJobView),
        (status = 400, description = "Not UTF-8 CSV, unknown or missing columns, a ragged row, no rows or too many rows", body = cargoflow_http::ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = cargoflow_http::ErrorBody),
        (status = 415, description = "Not text/csv", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The file or the job could not be stored or queued; nothing will be imported (retry with the same Idempotency-Key)", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ct.starts_with("text/csv") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "text/csv",
        });
    }
    let bytes = cargoflow_http::body_bytes(&req);
    if bytes.len() > MAX_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_BYTES });
    }
    let rows = read_rows(bytes)?;
    let now = time_util::now();
    let id = ulid::Ulid::new().to_string();
    let tenant = &caller.tenant_id;
    let input_key = crate::import_files::input_key(tenant, &id);
    deps.import_files()
        .put(&input_key, "text/csv; charset=utf-8", bytes.to_vec())
        .await?;
    let job = ImportJob {
        id: id.clone(),
        status: imports::QUEUED.into(),
        total_rows: rows.len() as u32,
        processed_rows: 0,
        created: 0,
        failed: 0,
        created_by: caller.user_id.to_string(),
        input_key,
        report_key: None,
        error: None,
        created_at: now,
        updated_at: now,
        finished_at: None,
    };
    deps.store.create_import_job(tenant, &job).await?;
    if let Err(e) = enqueue(&deps, tenant, &id).await {
        tracing::error!(job = %id, error = %e, "could not queue an import job");
        // The job would never run: end it, and let the client retry (a 5xx frees the key).
        let _ = deps
            .store
            .finish_import_job(
                tenant,
                &id,
                imports::FAILED,
                None,
                Some("the job could not be queued"),
                time_util::now(),
            )
            .await;
        return Err(ApiError::Unavailable(
            "The import could not be queued; nothing was imported. Try again.".into(),
        ));
    }
    let mut resp = cargoflow_http::response::json(202, &ImportJobView::new(&job))?;
    resp.headers_mut().insert(
        http::header::LOCATION,
        http::HeaderValue::from_str(&format!("/api/ops/imports/{id}"))
            .map_err(|e| ApiError::internal("building Location", e))?,
    );
    Ok(resp)
}

/// Queues `job` for import-orders-worker (also the worker's own continuation).
pub async fn enqueue(deps: &Deps, tenant: &TenantId, job: &str) -> Result<(), String> {
    let url = deps.import_queue_url().await?;
    let body = serde_json::to_string(&ImportMessage {
        tenant_id: tenant.to_string(),
        job_id: job.to_string(),
    })
    .map_err(|e| e.to_string())?;
    deps.sqs()
        .send_message()
        .queue_url(url)
        .message_body(body)
        .send()
        .await
        .map(|_| ())
        .map_err(|e| format!("SendMessage: {e:?}"))
}

/// Parses the CSV strictly: known columns only, all required ones present, at most MAX_ROWS.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<BTreeMap<String, String>>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ApiError::bad_request("invalid_csv", format!("The header row cannot be read: {e}"))
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = headers.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(ApiError::field(
            "columns",
            format!("column {dup} appears twice"),
        ));
    }
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()))
        .collect();
    let missing: Vec<&&str> = REQUIRED
        .iter()
        .filter(|r| !headers.iter().any(|h| h == **r))
        .collect();
    if !unknown.is_empty() || !missing.is_empty() {
        let mut e = FieldErrors::new();
        if !unknown.is_empty() {
            e.add(
                "columns",
                format!(
                    "unknown columns: {}",
                    unknown
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        } else {
            e.add(
                "columns",
                format!(
                    "missing required columns: {}",
                    missing.iter().map(|s| **s).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        return Err(e.into());
    }
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            ApiError::bad_request("invalid_csv", format!("Row {} cannot be read: {e}", i + 1))
        })?;
        if rows.len() >= MAX_ROWS {
            return Err(ApiError::field(
                "rows",
                format!("at most {MAX_ROWS} rows per import"),
            ));
        }
        rows.push(
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect(),
        );
    }
    if rows.is_empty() {
        return Err(ApiError::field("rows", "the file has no data rows"));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "reference_code,customer_name,customer_phone,pickup_address,pickup_city,pickup_lat,pickup_lng,drop_address,drop_city,drop_lat,drop_lng,weight_kg\n\
        CF-1,Ananya,+918888887777,Warehouse,Bengaluru,12.9698,77.75,Home,Bengaluru,12.9719,77.6412,2.5\n\
        CF-2,Bad Phone,12345,Warehouse,Bengaluru,,,Home,Bengaluru,,,\n\
        CF-3,Bad Lat,+918888887777,Warehouse,Bengaluru,99,77.75,Home,Bengaluru,12.9,77.6,abc\n";

    #[test]
    fn rows_validate_with_column_names() {
        let rows = read_rows(CSV.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        let o = row_to_order(&rows[0]).unwrap();
        assert_eq!(o.package.weight_kg, Some(2.5));
        assert_eq!(o.stops.len(), 2);
        assert!(
            row_to_order(&rows[1])
                .unwrap_err()
                .contains_key("customer_phone")
        );
        let e = row_to_order(&rows[2]).unwrap_err();
        assert!(
            e.contains_key("pickup_lat") && e.contains_key("weight_kg"),
            "{e:?}"
        );
    }

    #[test]
    fn headers_are_strict() {
        assert!(read_rows(b"reference_code,customer_name\nA,B\n").is_err());
        assert!(read_rows(format!("{},surprise\n", REQUIRED.join(",")).as_bytes()).is_err());
        assert!(
            read_rows(format!("{}\n", REQUIRED.join(",")).as_bytes()).is_err(),
            "no data rows"
        );
        assert!(
            read_rows(format!("{}\na,b\n", REQUIRED.join(",")).as_bytes()).is_err(),
            "ragged row"
        );
    }
}
