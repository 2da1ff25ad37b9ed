//! POST /api/ops/orders/import: a CSV of orders, one row per order (a pickup and a drop).
//! Every valid row becomes an order in its own transaction (all-or-nothing per row); the
//! answer reports each row. Columns are documented in docs/API.md.

use std::collections::BTreeMap;
use std::sync::Arc;

use cargoflow_auth::Identity;
use cargoflow_domain::*;
use cargoflow_http::{ApiError, Body, Request, Response, authenticate, ok};
use futures::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;

use crate::Deps;

pub const MAX_ROWS: usize = 5000;
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
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
/// Rows written at once.
const CONCURRENCY: usize = 16;

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowResult {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    /// `created` or `error`.
    pub status: &'static str,
    pub reference_code: Option<String>,
    pub order_id: Option<String>,
    /// Column -> reason, for rows that were not created.
    pub errors: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    pub total: usize,
    pub created: usize,
    pub failed: usize,
    pub rows: Vec<ImportRowResult>,
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
    security(("bearer" = [])), params(("Idempotency-Key" = Option<String>, Header)),
    request_body(content = String, content_type = "text/csv", description = "Header row, then one order per row; see docs/API.md"),
    responses(
        (status = 200, description = "Per-row results", body = ImportResponse),
        (status = 400, description = "Not a CSV, unknown or missing columns, or too many rows", body = cargoflow_http::ErrorBody),
        (status = 413, description = "Larger than 5 MB", body = cargoflow_http::ErrorBody),
        (status = 415, description = "Not text/csv", body = cargoflow_http::ErrorBody),
        (status = 503, description = "The store failed and no row was saved (retry with the same Idempotency-Key)", body = cargoflow_http::ErrorBody),
    ))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.tokens, Permission::Operate)?;
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
    let result = import(&deps, &caller, rows).await;
    // Nothing saved and the store failed: a 503, so the client's retry (same
    // Idempotency-Key) runs again instead of replaying an import that did nothing.
    if result.created == 0 && result.rows.iter().any(is_unsaved) {
        return Err(ApiError::Unavailable(
            "The orders could not be saved; nothing was imported. Try again.".into(),
        ));
    }
    ok(&result)
}

const UNSAVED: &str = "could not be saved; try again";

/// A row the store failed to save (rather than one that was refused).
fn is_unsaved(row: &ImportRowResult) -> bool {
    row.errors
        .as_ref()
        .and_then(|e| e.get("row"))
        .is_some_and(|m| m == UNSAVED)
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

pub async fn import(
    deps: &Deps,
    caller: &Identity,
    rows: Vec<BTreeMap<String, String>>,
) -> ImportResponse {
    let total = rows.len();
    // A code repeated in the file: the first row gets it, later rows are reported (rows are
    // written concurrently, so the marker alone would pick a winner at random).
    let mut first_row: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let duplicates: Vec<Option<usize>> = rows
        .iter()
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
        .collect();
    let results: Vec<ImportRowResult> =
        futures::stream::iter(rows.into_iter().zip(duplicates).enumerate())
            .map(|(i, (row, duplicate_of))| async move {
                let reference_code = row
                    .get("reference_code")
                    .map(|s| s.trim().to_uppercase())
                    .filter(|s| !s.is_empty());
                let failed = |errors: BTreeMap<String, String>| ImportRowResult {
                    row: i + 1,
                    status: "error",
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
                let new = match row_to_order(&row) {
                    Ok(n) => n,
                    Err(errors) => return failed(errors),
                };
                match crate::create_order::create(deps, caller, new).await {
                    Ok(order) => ImportRowResult {
                        row: i + 1,
                        status: "created",
                        reference_code: Some(order.reference_code.to_string()),
                        order_id: Some(order.id.to_string()),
                        errors: None,
                    },
                    Err(ApiError::Conflict {
                        fields: Some(f), ..
                    }) => failed(f.into_map()),
                    Err(e) => {
                        tracing::error!(row = i + 1, error = %e, "import row failed");
                        failed(BTreeMap::from([("row".to_string(), UNSAVED.to_string())]))
                    }
                }
            })
            .buffered(CONCURRENCY)
            .collect()
            .await;
    let created = results.iter().filter(|r| r.status == "created").count();
    ImportResponse {
        total,
        created,
        failed: total - created,
        rows: results,
    }
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
