//! GET /api/ops/imports/{id}: one CSV import job: its progress and its per-row report (inline
//! for jobs of at most 1,000 rows, a short-lived URL of the report object for larger ones
//! once finished). Another tenant's job is not found.

use std::sync::Arc;
use std::time::Duration;

use cargoflow_domain::Permission;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok, path_id};

use crate::Deps;
use crate::import_orders::{INLINE_REPORT_ROWS, ImportJobView};

/// How long a report URL works.
const REPORT_URL_TTL: Duration = Duration::from_secs(600);

fn parse_job_id(raw: &str) -> Option<String> {
    ulid::Ulid::from_string(raw).ok().map(|u| u.to_string())
}

#[utoipa::path(get, path = "/api/ops/imports/{id}", operation_id = "get_import", tag = "orders",
    security(("bearer" = [])), params(("id" = String, Path)),
    responses(
        (status = 200, description = "The job, with its report so far (inline) or its report URL", body = ImportJobView),
        (status = 404, description = "No such job in this tenant", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The store or the file bucket failed", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let id = path_id(&req, "id", parse_job_id, "import")?;
    let job = deps
        .store
        .get_import_job(&caller.tenant_id, &id)
        .await
        .map_err(|e| match e {
            cargoflow_store::StoreError::NotFound => ApiError::NotFound("import"),
            other => other.into(),
        })?;
    let mut view = ImportJobView::new(&job);
    if let Some(key) = &job.report_key {
        view.report_url = Some(deps.import_files().presign_get(key, REPORT_URL_TTL).await?);
    } else if job.total_rows <= INLINE_REPORT_ROWS {
        view.rows =
            Some(crate::import_orders_worker::report_rows(&deps, &caller.tenant_id, &id).await?);
    }
    ok(&view)
}
