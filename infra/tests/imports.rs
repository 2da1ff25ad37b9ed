//! CSV import jobs over HTTP and through the worker: POST answers 202 with the job, the worker
//! (fed by the import queue through the host's SQS player) writes the rows, GET shows progress
//! and the per-row report. A worker stopped mid-way resumes at its checkpoint without writing
//! an order twice. Run through `make test` (DynamoDB Local + moto).

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cargoflow_aws::faults::FaultInjector;
use cargoflow_domain::TenantId;
use cargoflow_functions::Deps;
use cargoflow_functions::import_orders_worker::{Budget, Outcome, order_id_for};
use cargoflow_http::AppConfig;
use cargoflow_store::imports::{self, ImportJob};
use common::*;
use serde_json::Value;

fn csv_rows(n: usize, prefix: &str) -> String {
    let mut s = String::from(CSV_HEADER);
    for i in 0..n {
        s.push_str(&format!(
            "{prefix}-{i},Customer {i},+9188888{i:05},Warehouse {i},Bengaluru,12.97,77.75,\"Flat {i}, MG Road\",Bengaluru,12.9719,77.6412,2026-11-23T09:00:00Z,2026-11-23T12:00:00Z,1.5,\n"
        ));
    }
    s
}

/// The tenant's orders in the table (GSI1, counted by DynamoDB).
async fn order_count(tenant_id: &str) -> i32 {
    let ddb = aws_sdk_dynamodb::Client::new(&aws_config::load_from_env().await);
    let tenant = TenantId::from_stored(tenant_id.to_string());
    let pk = cargoflow_store::keys::gsi1_orders(&tenant);
    let mut count = 0;
    let mut start = None;
    loop {
        let out = ddb
            .query()
            .table_name(std::env::var("TABLE_NAME").unwrap())
            .index_name("GSI1")
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(pk.clone()),
            )
            .select(aws_sdk_dynamodb::types::Select::Count)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        count += out.count;
        start = out.last_evaluated_key;
        if start.is_none() {
            return count;
        }
    }
}

fn report_measure(name: &str, text: &str) {
    eprintln!("{name}: {text}");
    if let Ok(dir) = std::env::var("TEST_REPORT_DIR") {
        let _ = std::fs::write(format!("{dir}/{name}.txt"), text);
    }
}

#[tokio::test]
async fn ten_thousand_rows_import_in_the_background_with_a_full_report() {
    let t = TestTenant::register().await;
    let csv = csv_rows(10_000, "TEN");
    let started = std::time::Instant::now();
    let (s, headers, job) = post_csv(&t, csv).await;
    let accepted = started.elapsed();
    assert_eq!(s, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_string();
    assert_eq!(
        headers["location"].to_str().unwrap(),
        format!("/api/ops/imports/{id}")
    );
    assert_eq!(job["status"], "QUEUED");
    assert_eq!(job["total_rows"], 10_000);
    assert_eq!(job["processed_rows"], 0);

    // The worker's code, run here as well as by the queue's poller (two workers on one job
    // are safe: two_workers_on_one_job_write_each_order_once). In this harness the poller's
    // own thread was seen to stall mid-chunk on this job; this keeps the measurement honest.
    let deps = Deps::new(
        AppConfig::from_env().unwrap(),
        aws_config::load_from_env().await,
    )
    .unwrap();
    let tenant = TenantId::from_stored(t.tenant_id.clone());
    let outcome = run_job(&deps, &tenant, &id, unlimited()).await.unwrap();
    assert_eq!(outcome, Outcome::Finished(imports::SUCCEEDED.into()));
    let done = wait_for_import(&t.http, &t.access, &id).await;
    let took = started.elapsed();
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(
        (
            done["processed_rows"].as_u64(),
            done["created"].as_u64(),
            done["failed"].as_u64()
        ),
        (Some(10_000), Some(10_000), Some(0))
    );
    assert!(done["rows"].is_null(), "a large job's report is not inline");
    let report_url = done["report_url"].as_str().expect("report_url");
    let report: Value = reqwest::get(report_url)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["job_id"], id.as_str());
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10_000);
    let mut ids = HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["row"], i + 1);
        assert_eq!(r["status"], "created", "{r}");
        assert_eq!(r["reference_code"], format!("TEN-{i}"));
        ids.insert(r["order_id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 10_000, "every row its own order");
    assert_eq!(order_count(&t.tenant_id).await, 10_000);
    report_measure(
        "import-10000-rows",
        &format!("202 in {accepted:?}; SUCCEEDED with 10000 orders and the report in {took:?}"),
    );
}

#[tokio::test]
async fn bad_rows_get_a_per_row_report_with_field_errors() {
    let t = TestTenant::register().await;
    let (s, b) = t
        .post(
            "/api/ops/orders",
            serde_json::json!({"reference_code": "IMP-EXISTING", "customer_name": "C", "customer_phone": "+918888887777",
                "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"},
                          {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]}),
        )
        .await;
    assert_eq!(s, 201, "{b}");
    let csv = format!(
        "{}IMP-EXISTING,Dup,+918888887777,W,Bengaluru,,,D,Bengaluru,,,,,,\nIMP-BAD,Bad Phone,12345,W,Bengaluru,,,D,Bengaluru,99,,,,abc,\nIMP-1,Twice,+918888887777,W,Bengaluru,,,D,Bengaluru,,,,,,\n",
        &csv_rows(2, "IMP")
    );
    let (s, _, job) = post_csv(&t, csv).await;
    assert_eq!(s, 202, "{job}");
    let done = wait_for_import(&t.http, &t.access, job["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "PARTIAL", "{done}");
    assert_eq!(
        (
            done["total_rows"].as_u64(),
            done["created"].as_u64(),
            done["failed"].as_u64()
        ),
        (Some(5), Some(2), Some(3)),
        "{done}"
    );
    assert!(done["report_url"].is_null());
    let rows = done["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["status"], "created");
    assert!(rows[0]["order_id"].is_string());
    assert_eq!(rows[2]["status"], "error");
    assert_eq!(rows[2]["errors"]["reference_code"], "is already taken");
    let bad = &rows[3]["errors"];
    assert!(
        bad["customer_phone"].is_string()
            && bad["drop_lat"].is_string()
            && bad["weight_kg"].is_string(),
        "{}",
        rows[3]
    );
    assert_eq!(
        rows[4]["errors"]["reference_code"],
        "repeats row 2 of this file"
    );
    assert_eq!(order_count(&t.tenant_id).await, 3, "the existing one and 2");

    // Every row refused: FAILED.
    let (s, _, job) = post_csv(&t, format!("{CSV_HEADER}X-1,Bad,123,W,B,,,D,B,,,,,,\n")).await;
    assert_eq!(s, 202);
    let done = wait_for_import(&t.http, &t.access, job["id"].as_str().unwrap()).await;
    assert_eq!(
        (done["status"].as_str(), done["failed"].as_u64()),
        (Some("FAILED"), Some(1))
    );
}

#[tokio::test]
async fn the_post_checks_the_file_before_accepting_it() {
    let t = TestTenant::register().await;
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        ("text/csv", b"a,b\n1,2\n".to_vec(), 400, "unknown columns"),
        (
            "text/csv",
            CSV_HEADER.as_bytes().to_vec(),
            400,
            "no data rows",
        ),
        (
            "text/csv",
            format!("{CSV_HEADER}A,B\n").into_bytes(),
            400,
            "ragged row",
        ),
        ("text/csv", vec![0xff, 0xfe, 0x00, 0x01], 400, "not UTF-8"),
        ("application/json", b"{}".to_vec(), 415, "not CSV"),
        (
            "text/csv",
            vec![b'a'; 5 * 1024 * 1024 + 1],
            413,
            "too large",
        ),
        (
            "text/csv",
            csv_rows(20_001, "MANY").into_bytes(),
            400,
            "too many rows",
        ),
    ];
    for (ct, body, want, what) in cases {
        let (s, b) = send(
            t.http
                .post(url("/api/ops/orders/import"))
                .bearer_auth(&t.access)
                .header("content-type", ct)
                .body(body),
        )
        .await;
        assert_eq!(s, want, "{what}: {b}");
    }
    let (s, list) = t.get("/api/ops/imports").await;
    assert_eq!(s, 200);
    assert_eq!(
        list["items"],
        serde_json::json!([]),
        "refused files make no job"
    );
}

#[tokio::test]
async fn a_repeated_post_with_its_idempotency_key_answers_the_same_job() {
    let t = TestTenant::register().await;
    let csv = csv_rows(3, "IDEM");
    let post = || {
        t.http
            .post(url("/api/ops/orders/import"))
            .bearer_auth(&t.access)
            .header("content-type", "text/csv")
            .header("idempotency-key", "import-once")
            .body(csv.clone())
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    let again = post().await.unwrap();
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    wait_for_import(&t.http, &t.access, first["id"].as_str().unwrap()).await;
    let (_, list) = t.get("/api/ops/imports").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(order_count(&t.tenant_id).await, 3);
}

#[tokio::test]
async fn another_tenants_import_is_not_found() {
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let (s, _, job) = post_csv(&a, csv_rows(2, "ISO")).await;
    assert_eq!(s, 202);
    let id = job["id"].as_str().unwrap();
    wait_for_import(&a.http, &a.access, id).await;
    let (s, body) = b.get(&format!("/api/ops/imports/{id}")).await;
    assert_eq!(s, 404, "{body}");
    assert!(!body.to_string().contains("ISO-"), "{body}");
    let (s, list) = b.get("/api/ops/imports").await;
    assert_eq!((s, list["items"].as_array().unwrap().len()), (200, 0));
    let (_, list) = a.get("/api/ops/imports").await;
    assert_eq!(list["items"][0]["id"], id);
    for bad in ["garbage", "01ARZ3NDEKTSV4RRFFQ69G5FAV"] {
        let (s, _) = a.get(&format!("/api/ops/imports/{bad}")).await;
        assert_eq!(s, 404, "{bad}");
    }
    // A driver cannot read imports.
    let (_, email) = a.driver_with_login().await;
    let (s, l) = login(&a.http, &email, "DriverPass123!").await;
    assert_eq!(s, 200, "{l}");
    let driver_token = l["access_token"].as_str().unwrap().to_string();
    let (s, _) = send(
        a.http
            .get(url(&format!("/api/ops/imports/{id}")))
            .bearer_auth(&driver_token),
    )
    .await;
    assert_eq!(s, 403);
}

/// A job stored and uploaded as import-orders does, but not queued: the test runs the worker.
async fn unqueued_job(deps: &Deps, t: &TestTenant, csv: &str, rows: u32) -> (TenantId, String) {
    let tenant = TenantId::from_stored(t.tenant_id.clone());
    let id = ulid::Ulid::new().to_string();
    let key = cargoflow_functions::import_files::input_key(&tenant, &id);
    deps.import_files()
        .put(&key, "text/csv", csv.as_bytes().to_vec())
        .await
        .unwrap();
    let now = cargoflow_domain::time_util::now();
    deps.store
        .create_import_job(
            &tenant,
            &ImportJob {
                id: id.clone(),
                status: imports::QUEUED.into(),
                total_rows: rows,
                processed_rows: 0,
                created: 0,
                failed: 0,
                created_by: t.user_id.clone(),
                input_key: key,
                report_key: None,
                error: None,
                created_at: now,
                updated_at: now,
                finished_at: None,
            },
        )
        .await
        .unwrap();
    (tenant, id)
}

/// The worker's code run here, its AWS calls recorded (and checked) as the worker's.
async fn run_job(
    deps: &Deps,
    tenant: &TenantId,
    id: &str,
    budget: Budget,
) -> Result<Outcome, cargoflow_http::ApiError> {
    cargoflow_aws::calls::as_function(
        "import-orders-worker",
        cargoflow_aws::calls::Via::Code,
        cargoflow_functions::import_orders_worker::run_job(deps, tenant, id, budget),
    )
    .await
}

fn unlimited() -> Budget {
    Budget {
        deadline: std::time::Instant::now() + std::time::Duration::from_secs(600),
        max_chunks: None,
    }
}

#[tokio::test]
async fn a_worker_stopped_mid_way_resumes_without_duplicates() {
    require_standins();
    let t = TestTenant::register().await;
    let sdk = aws_config::load_from_env().await;
    let deps = Arc::new(Deps::new(AppConfig::from_env().unwrap(), sdk.clone()).unwrap());
    // A crash between a chunk's orders and its checkpoint: the checkpoint's transaction fails.
    let armed = Arc::new(AtomicBool::new(false));
    let arm = armed.clone();
    let injector = FaultInjector::new(move |r| {
        (arm.load(Ordering::SeqCst)
            && r.operation == "TransactWriteItems"
            && r.body.contains("IMPORT_CHUNK"))
        .then(|| "the worker was stopped (injected)".to_string())
    });
    let crashing =
        Deps::with_interceptors(AppConfig::from_env().unwrap(), sdk, vec![injector.shared()])
            .unwrap();
    // 700 rows, one of them refused.
    let mut csv = csv_rows(700, "RES");
    csv = csv.replace("RES-5,Customer 5,+918888800005", "RES-5,Customer 5,12345");
    let (tenant, id) = unqueued_job(&deps, &t, &csv, 700).await;

    // 1. The budget ends after one chunk: paused at its checkpoint.
    let one = Budget {
        max_chunks: Some(1),
        ..unlimited()
    };
    assert_eq!(
        run_job(&deps, &tenant, &id, one).await.unwrap(),
        Outcome::Paused(250)
    );
    let (s, job) = t.get(&format!("/api/ops/imports/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(
        (
            job["status"].as_str(),
            job["processed_rows"].as_u64(),
            job["created"].as_u64(),
            job["failed"].as_u64()
        ),
        (Some("RUNNING"), Some(250), Some(249), Some(1)),
        "{job}"
    );
    assert_eq!(job["rows"].as_array().unwrap().len(), 250);
    assert_eq!(order_count(&t.tenant_id).await, 249);

    // 2. The next worker writes the second chunk's orders and dies before its checkpoint.
    armed.store(true, Ordering::SeqCst);
    assert!(run_job(&crashing, &tenant, &id, unlimited()).await.is_err());
    armed.store(false, Ordering::SeqCst);
    assert_eq!(order_count(&t.tenant_id).await, 499, "chunk 2 was written");
    let (_, job) = t.get(&format!("/api/ops/imports/{id}")).await;
    assert_eq!(job["processed_rows"], 250, "but not checkpointed");

    // 3. The retry works chunk 2 again (finding its orders) and finishes: no duplicates.
    assert_eq!(
        run_job(&deps, &tenant, &id, unlimited()).await.unwrap(),
        Outcome::Finished(imports::PARTIAL.into())
    );
    assert_eq!(order_count(&t.tenant_id).await, 699);
    let done = wait_for_import(&t.http, &t.access, &id).await;
    assert_eq!(
        (
            done["processed_rows"].as_u64(),
            done["created"].as_u64(),
            done["failed"].as_u64()
        ),
        (Some(700), Some(699), Some(1)),
        "{done}"
    );
    let rows = done["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 700);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["row"], i + 1);
        if i == 5 {
            assert!(r["errors"]["customer_phone"].is_string(), "{r}");
        } else {
            assert_eq!(
                r["order_id"].as_str(),
                Some(order_id_for(&id, i).as_str()),
                "{r}"
            );
        }
    }
    // 4. A late redelivery of the finished job changes nothing.
    assert_eq!(
        run_job(&deps, &tenant, &id, unlimited()).await.unwrap(),
        Outcome::Finished(imports::PARTIAL.into())
    );
    assert_eq!(order_count(&t.tenant_id).await, 699);
}

#[tokio::test]
async fn two_workers_on_one_job_write_each_order_once() {
    require_standins();
    let t = TestTenant::register().await;
    let deps = Arc::new(
        Deps::new(
            AppConfig::from_env().unwrap(),
            aws_config::load_from_env().await,
        )
        .unwrap(),
    );
    let (tenant, id) = unqueued_job(&deps, &t, &csv_rows(600, "TWO"), 600).await;
    let (a, b) = tokio::join!(
        run_job(&deps, &tenant, &id, unlimited()),
        run_job(&deps, &tenant, &id, unlimited())
    );
    assert_eq!(a.unwrap(), Outcome::Finished(imports::SUCCEEDED.into()));
    assert_eq!(b.unwrap(), Outcome::Finished(imports::SUCCEEDED.into()));
    assert_eq!(order_count(&t.tenant_id).await, 600);
    let (_, done) = t.get(&format!("/api/ops/imports/{id}")).await;
    assert_eq!(
        (
            done["created"].as_u64(),
            done["rows"].as_array().unwrap().len()
        ),
        (Some(600), 600),
        "{done}"
    );
}
