//! The test harness: the local host started once per test binary (in its own thread and
//! runtime) against the stand-ins that `make test` started, and helpers that give every test
//! a tenant of its own so tests never see each other's data and can run in parallel.
#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, OnceLock};

use cargoflow_functions::Deps;
use cargoflow_infra::host::{HostState, routes};
use cargoflow_infra::template::Template;
use serde_json::{Value, json};

pub fn template_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")
}

pub fn require_standins() {
    if std::env::var("CARGOFLOW_STANDINS").is_err() {
        panic!("this test needs DynamoDB Local and moto: run it through `make test`");
    }
}

/// The base URL of the local host serving template.yaml with the real handlers.
pub fn base_url() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        require_standins();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let template = Template::load(&template_path()).unwrap();
                let routes = routes(&template).unwrap();
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                    .await
                    .unwrap();
                let port = listener.local_addr().unwrap().port();
                // The host plays the WebSocket management API too.
                let mut config = cargoflow_http::AppConfig::from_env().unwrap();
                config.websocket_management_url = format!("http://127.0.0.1:{port}");
                config.import_queue_url = start_import_worker().to_string();
                let sdk = aws_config::load_from_env().await;
                let deps = Arc::new(Deps::new(config, sdk).unwrap());
                let state = HostState {
                    deps,
                    routes: Arc::new(routes),
                    cors_origins: Arc::new(vec!["*".into()]),
                    static_dir: None,
                };
                tx.send(format!("http://127.0.0.1:{port}")).unwrap();
                cargoflow_infra::host::serve(listener, state, std::future::pending())
                    .await
                    .unwrap();
            });
        });
        rx.recv().unwrap()
    })
}

/// import-orders-worker fed by an import queue of this test binary's own through the host's
/// SQS player (its own thread and runtime, once per binary), as the template's event source runs
/// it in AWS: the queue's URL. A queue per binary: moto finishes a long poll whose client has
/// gone, so a binary that exits mid-poll would otherwise take (and hide for the queue's 960 s
/// visibility timeout) the first job the next binary queues.
pub fn start_import_worker() -> &'static str {
    static QUEUE_URL: OnceLock<String> = OnceLock::new();
    QUEUE_URL.get_or_init(|| {
        require_standins();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                // Every request attempt ends within 10 s (the SDK sends it again): a request
                // DynamoDB Local never answers (seen under concurrent transactions) must not
                // stall the suite's only worker until the queue's 960 s visibility timeout.
                let sdk = aws_config::from_env()
                    .timeout_config(
                        aws_config::timeout::TimeoutConfig::builder()
                            .operation_attempt_timeout(std::time::Duration::from_secs(10))
                            .build(),
                    )
                    .load()
                    .await;
                let (shared, shared_dlq) = cargoflow_infra::resources::import_queue_names();
                let binary = std::process::id();
                let (name, dlq) = (
                    format!("{shared}-{binary}"),
                    format!("{shared_dlq}-{binary}"),
                );
                cargoflow_aws::calls::stand_in(&name, "ImportQueue");
                cargoflow_aws::calls::stand_in(&dlq, "ImportDeadLetterQueue");
                let template = Template::load(&template_path()).unwrap();
                let queue_url = cargoflow_infra::resources::create_import_queue_named(
                    &aws_sdk_sqs::Client::new(&sdk),
                    &template,
                    &name,
                    &dlq,
                )
                .await
                .unwrap();
                let mut config = cargoflow_http::AppConfig::from_env().unwrap();
                config.import_queue_url = queue_url.clone();
                let deps = Arc::new(Deps::new(config, sdk.clone()).unwrap());
                let poller =
                    cargoflow_infra::sqs::SqsPoller::new(&sdk, &name, Some("import-orders-worker"))
                        .await
                        .unwrap();
                let handler =
                    cargoflow_functions::registry::sqs_function("import-orders-worker").unwrap();
                let (_keep, stop) = tokio::sync::watch::channel(false);
                tx.send(queue_url).unwrap();
                cargoflow_aws::calls::as_function(
                    "import-orders-worker".to_string(),
                    cargoflow_aws::calls::Via::EventSource,
                    async move { poller.run(handler, deps, stop).await.unwrap() },
                )
                .await;
            });
        });
        rx.recv().unwrap()
    })
}

/// Waits for an import job to end (the worker runs it): its final view.
pub async fn wait_for_import(http: &reqwest::Client, access: &str, job_id: &str) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(900);
    loop {
        let (s, job) = send(
            http.get(url(&format!("/api/ops/imports/{job_id}")))
                .bearer_auth(access),
        )
        .await;
        assert_eq!(s, 200, "{job}");
        if ["SUCCEEDED", "FAILED", "PARTIAL"].contains(&job["status"].as_str().unwrap_or("")) {
            return job;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "import {job_id} did not finish: {job}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// A client whose requests come from a loopback address of its own, so that per-address
/// limits (failed logins) of one test never touch another.
pub fn client() -> reqwest::Client {
    let octets: [u8; 3] = rand::random();
    let ip = IpAddr::V4(Ipv4Addr::new(
        127,
        octets[0].max(1),
        octets[1],
        octets[2].max(2),
    ));
    reqwest::Client::builder()
        .local_address(ip)
        .build()
        .unwrap()
}

pub fn url(path: &str) -> String {
    format!("{}{}", base_url(), path)
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", ulid::Ulid::new().to_string().to_lowercase())
}

pub const PASSWORD: &str = "StrongPass123!";

/// A registered tenant and its admin's tokens.
pub struct TestTenant {
    pub slug: String,
    pub email: String,
    pub access: String,
    pub refresh: String,
    pub tenant_id: String,
    pub user_id: String,
    pub http: reqwest::Client,
}

impl TestTenant {
    pub async fn register() -> Self {
        let http = client();
        let slug = unique("t");
        let slug = slug[..slug.len().min(30)].to_string();
        let email = format!("admin@{slug}.example");
        let r = http
            .post(url("/api/auth/register"))
            .json(&json!({"tenant_name": "Test Co", "tenant_slug": slug, "email": email, "password": PASSWORD, "full_name": "Test Admin"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202, "register: {}", r.text().await.unwrap());
        let token = confirmation_token(&email).await;
        let r = http
            .post(url("/api/auth/register/confirm"))
            .json(&json!({ "token": token }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "confirm: {}", r.text().await.unwrap());
        let refresh = refresh_cookie(r.headers()).expect("register sets the refresh cookie");
        let body: Value = r.json().await.unwrap();
        Self {
            slug,
            email,
            access: body["access_token"].as_str().unwrap().into(),
            refresh,
            tenant_id: body["tenant"]["id"].as_str().unwrap().into(),
            user_id: body["user"]["id"].as_str().unwrap().into(),
            http,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        send(self.http.get(url(path)).bearer_auth(&self.access)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        send(
            self.http
                .post(url(path))
                .bearer_auth(&self.access)
                .json(&body),
        )
        .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        send(
            self.http
                .put(url(path))
                .bearer_auth(&self.access)
                .json(&body),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        send(
            self.http
                .patch(url(path))
                .bearer_auth(&self.access)
                .json(&body),
        )
        .await
    }

    /// Creates a login in this tenant and logs it in; returns its access token.
    pub async fn user_token(&self, role: &str) -> String {
        let email = format!("{}@{}.example", unique("u"), self.slug);
        let (s, b) = self
            .post(
                "/api/ops/users",
                json!({"email": email, "password": PASSWORD, "full_name": "Someone", "role": role}),
            )
            .await;
        assert_eq!(s, 201, "{b}");
        login(&self.http, &email, PASSWORD).await.1["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Creates a driver with a login; returns (driver id, driver email).
    pub async fn driver_with_login(&self) -> (String, String) {
        let email = format!("{}@{}.example", unique("d"), self.slug);
        let (s, b) = self
            .post("/api/ops/drivers", json!({"name": "Ravi Kumar", "phone": "+919900001111", "email": email, "password": "DriverPass123!"}))
            .await;
        assert_eq!(s, 201, "{b}");
        (b["id"].as_str().unwrap().to_string(), email)
    }
}

pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

/// The emails moto has accepted for `to` (subject, body), oldest first: SES's sent mail, read
/// through moto's data endpoint.
pub async fn emails_to(to: &str) -> Vec<(String, String)> {
    let moto = std::env::var("AWS_ENDPOINT_URL_SQS").expect("moto's endpoint");
    let data: Value = reqwest::get(format!("{moto}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["Message"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|a| a.iter().any(|d| d == to))
        })
        .map(|m| {
            (
                m["subject"].as_str().unwrap_or_default().to_string(),
                m["body"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The token of the newest registration link emailed to `to`.
pub async fn confirmation_token(to: &str) -> String {
    for _ in 0..20 {
        if let Some(token) = emails_to(to).await.iter().rev().find_map(|(_, body)| {
            body.split("#token=")
                .nth(1)
                .map(|t| t.split_whitespace().next().unwrap_or_default().to_string())
        }) {
            return token;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no confirmation link was emailed to {to}");
}

/// The refresh token a response set in its cookie (`cf_rt_ops` or `cf_rt_driver`), after
/// checking the cookie's attributes.
pub fn refresh_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|c| c.starts_with("cf_rt_"))
        .map(|c| {
            for attr in [
                "HttpOnly",
                "Secure",
                "SameSite=Strict",
                "Path=/api/auth/refresh",
            ] {
                assert!(c.split("; ").any(|a| a == attr), "{attr} missing: {c}");
            }
            c.split_once('=')
                .unwrap()
                .1
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .find(|v| !v.is_empty())
}

/// POST /api/auth/refresh with `token` in the realm's cookie: status, body and the rotated
/// refresh token (from the new cookie).
pub async fn refresh(
    http: &reqwest::Client,
    realm: &str,
    token: &str,
) -> (u16, Value, Option<String>) {
    let r = http
        .post(url("/api/auth/refresh"))
        .header("cookie", format!("cf_rt_{realm}={token}"))
        .json(&json!({ "realm": realm }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let next = refresh_cookie(r.headers());
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body, next)
}

/// Logs in: status, body, and the refresh token from the cookie.
pub async fn login_session(
    http: &reqwest::Client,
    email: &str,
    password: &str,
) -> (u16, Value, Option<String>) {
    let r = http
        .post(url("/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let cookie = refresh_cookie(r.headers());
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body, cookie)
}

pub async fn login(http: &reqwest::Client, email: &str, password: &str) -> (u16, Value) {
    send(
        http.post(url("/api/auth/login"))
            .json(&json!({"email": email, "password": password})),
    )
    .await
}

/// The tenant's outbox events as stored (oldest first), read straight from the table through
/// the event-log index, keyed by the store's own key format.
pub async fn stored_events(tenant_id: &str) -> Vec<Value> {
    stored_events_in(&std::env::var("TABLE_NAME").unwrap(), tenant_id).await
}

/// [`stored_events`] of a table of the test's own (the first page of the index).
pub async fn stored_events_in(table: &str, tenant_id: &str) -> Vec<Value> {
    let sdk = aws_config::load_from_env().await;
    let ddb = aws_sdk_dynamodb::Client::new(&sdk);
    let pk =
        cargoflow_store::keys::gsi1_events(&cargoflow_domain::TenantId::from_stored(tenant_id));
    let out = ddb
        .query()
        .table_name(table)
        .index_name(cargoflow_store::keys::GSI1)
        .key_condition_expression("GSI1PK = :pk")
        .expression_attribute_values(":pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
        .send()
        .await
        .unwrap();
    items_of(&ddb, table, out.items.unwrap_or_default())
        .await
        .into_iter()
        .map(|i| serde_dynamo::from_item::<_, Value>(i).unwrap())
        .collect()
}

type Item = std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>;

/// The table's items behind index entries (the indexes project keys and a few attributes
/// only), in the entries' order; entries whose item is gone are left out.
pub async fn items_of(
    ddb: &aws_sdk_dynamodb::Client,
    table: &str,
    entries: Vec<Item>,
) -> Vec<Item> {
    let key = |i: &Item| -> Item {
        ["PK", "SK"]
            .into_iter()
            .map(|k| (k.to_string(), i[k].clone()))
            .collect()
    };
    let mut found = Vec::new();
    for chunk in entries.chunks(100) {
        let mut pending: Vec<Item> = chunk.iter().map(key).collect();
        for _ in 0..10 {
            if pending.is_empty() {
                break;
            }
            let out = ddb
                .batch_get_item()
                .request_items(
                    table,
                    aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                        .set_keys(Some(std::mem::take(&mut pending)))
                        .consistent_read(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
            found.extend(
                out.responses
                    .and_then(|mut r| r.remove(table))
                    .unwrap_or_default(),
            );
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(table))
                .map(|k| k.keys)
                .unwrap_or_default();
        }
        assert!(pending.is_empty(), "BatchGetItem left keys unprocessed");
    }
    let id = |i: &Item| format!("{:?}/{:?}", i["PK"], i["SK"]);
    let mut by_key: std::collections::HashMap<String, Item> =
        found.into_iter().map(|f| (id(&f), f)).collect();
    entries
        .iter()
        .filter_map(|e| by_key.remove(&id(e)))
        .collect()
}

/// A tenant with two drivers who can log in, a vehicle, one order and today's route of it for
/// the first driver (PLANNED), and both drivers' access tokens.
pub struct DriverDay {
    pub t: TestTenant,
    pub driver_token: String,
    pub other_driver_token: String,
    pub route: Value,
    pub order: String,
}

pub async fn driver_day() -> DriverDay {
    let t = TestTenant::register().await;
    let (driver, email) = t.driver_with_login().await;
    let (_, other_email) = t.driver_with_login().await;
    let (_, v) = t.post("/api/ops/vehicles", json!({"plate_number": format!("D{}", &unique("")[..7]), "type": "VAN", "capacity_kg": 500})).await;
    let (_, o) = t
        .post("/api/ops/orders", json!({"reference_code": "DRV-1", "customer_name": "Carla Customer", "customer_phone": "+918888887777",
            "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "B", "lat": 12.97, "lng": 77.59},
                      {"sequence_index": 2, "type": "DROP", "address_line": "H", "city": "B", "lat": 12.93, "lng": 77.62}]}))
        .await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let (s, route) = t.post("/api/ops/routes", json!({"route_date": today, "driver_id": driver, "vehicle_id": v["id"], "order_ids": [o["id"]]})).await;
    assert_eq!(s, 201, "{route}");
    let token = |e: String| {
        let t = &t;
        async move {
            login(&t.http, &e, "DriverPass123!").await.1["access_token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let driver_token = token(email).await;
    let other_driver_token = token(other_email).await;
    DriverDay {
        order: o["id"].as_str().unwrap().to_string(),
        t,
        driver_token,
        other_driver_token,
        route,
    }
}

/// A request with `token` (a driver's, or any other).
pub async fn as_driver(
    d: &DriverDay,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = d.t.http.request(method, url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    send(r).await
}

/// A host serving the template's routes with `deps` (a store that counts, clients that fail
/// on purpose), called in-process without a socket.
pub fn host_with(deps: Arc<Deps>) -> HostState {
    let template = Template::load(&template_path()).unwrap();
    HostState {
        deps,
        routes: Arc::new(routes(&template).unwrap()),
        cors_origins: Arc::new(vec![]),
        static_dir: None,
    }
}

/// One request through `state` as API Gateway would send it: status, headers and JSON body.
pub async fn invoke_route(
    state: &HostState,
    method: http::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, http::HeaderMap, Value) {
    invoke_route_from(state, "127.0.0.9", method, path, headers, body).await
}

/// Registers a tenant through `state` from an address of its own (registrations are
/// throttled per address) and confirms it from the emailed link: the confirm answer's status,
/// headers (the refresh cookie) and body (the access token).
pub async fn register_through(state: &HostState, body: Value) -> (u16, http::HeaderMap, Value) {
    let octets: [u8; 3] = rand::random();
    let viewer = format!(
        "127.{}.{}.{}",
        octets[0].max(1),
        octets[1],
        octets[2].max(2)
    );
    let json = [("content-type", "application/json")];
    let (s, _, b) = invoke_route_from(
        state,
        &viewer,
        http::Method::POST,
        "/api/auth/register",
        &json,
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(s, 202, "register: {b}");
    let token = confirmation_token(body["email"].as_str().unwrap()).await;
    invoke_route_from(
        state,
        &viewer,
        http::Method::POST,
        "/api/auth/register/confirm",
        &json,
        json!({ "token": token }).to_string().as_bytes(),
    )
    .await
}

/// [`invoke_route`] from the client address `viewer`.
pub async fn invoke_route_from(
    state: &HostState,
    viewer: &str,
    method: http::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, http::HeaderMap, Value) {
    let mut map = http::HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_str(v).unwrap(),
        );
    }
    let cargoflow_infra::host::Invocation::Response(resp) =
        cargoflow_infra::host::invoke(state, &method, &path.parse().unwrap(), &map, body, viewer)
            .await
    else {
        panic!("no route for {method} {path}");
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = match resp.body() {
        lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::String(t.clone())),
        _ => Value::Null,
    };
    (status, headers, body)
}

/// A queue of a test's own (visibility 30 s), with a redrive to `dead_letters` (its ARN,
/// after `max_receives`) when given: (URL, ARN).
pub async fn test_queue(name: &str, dead_letters: Option<(&str, u32)>) -> (String, String) {
    use aws_sdk_sqs::types::QueueAttributeName;
    let sqs = aws_sdk_sqs::Client::new(&aws_config::load_from_env().await);
    let mut req = sqs
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::VisibilityTimeout, "30");
    if let Some((arn, max)) = dead_letters {
        req = req.attributes(
            QueueAttributeName::RedrivePolicy,
            json!({"deadLetterTargetArn": arn, "maxReceiveCount": max}).to_string(),
        );
    }
    let url = req.send().await.unwrap().queue_url.unwrap();
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    (url, arn)
}

/// A rule `name` on `bus` sending the events that match `pattern` (the full envelope, as the
/// template's rule does) to the queue `queue_arn`.
pub async fn rule_to_queue(bus: &str, name: &str, pattern: &Value, queue_arn: &str) {
    let events = aws_sdk_eventbridge::Client::new(&aws_config::load_from_env().await);
    events
        .put_rule()
        .name(name)
        .event_bus_name(bus)
        .event_pattern(pattern.to_string())
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(name)
        .event_bus_name(bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("q")
                .arn(queue_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

/// The CSV import's header row (every column the importer reads).
pub const CSV_HEADER: &str = "reference_code,customer_name,customer_phone,pickup_address,pickup_city,pickup_lat,pickup_lng,drop_address,drop_city,drop_lat,drop_lng,drop_window_start,drop_window_end,weight_kg,notes\n";

/// POSTs a CSV to the import endpoint: status, headers and JSON body.
pub async fn post_csv(t: &TestTenant, csv: String) -> (u16, reqwest::header::HeaderMap, Value) {
    let r = t
        .http
        .post(url("/api/ops/orders/import"))
        .bearer_auth(&t.access)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}
