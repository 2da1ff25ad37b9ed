//! `seed-demo`: demo data rich enough to show every page, made through the real handlers.
//!
//! Every write goes through the function handlers that template.yaml routes to (the same
//! in-process path as the local host and `infra/tests/request_budget.rs`), so the data is
//! real: history rows, outbox events, routes with ETAs from the optimiser, driver moves,
//! exceptions. Per tenant (acme, globex): an OPS_ADMIN and an OPS_DISPATCHER, five drivers
//! with logins, five vehicles, forty orders in every status on routes from two days ago to
//! three days ahead (COMPLETED, IN_PROGRESS, PLANNED, CANCELLED), exceptions open,
//! acknowledged and resolved, webhook settings and deliveries.
//!
//! Webhook deliveries need the event pipeline, which the local host plays once it runs; to
//! have them at seed time, this command plays it itself for the duration of the seed (the
//! template's stream consumer and SQS consumer, as `local-host` starts them) against a small
//! receiver of its own on 127.0.0.1, then switches the demo webhooks off (their URL would be
//! dead) so the running stack does not retry into the void.
//!
//! Safe to run again: a tenant whose slug exists is left as it is. Prints the demo logins.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use cargoflow_domain::*;
use cargoflow_functions::Deps;
use cargoflow_infra::host::{HostState, Invocation, invoke, routes};
use cargoflow_infra::template::Template;
use futures::StreamExt;
use http::{HeaderMap, HeaderValue, Method};
use serde_json::{Value, json};
use time::{Date, Duration as TDuration, OffsetDateTime, Time};

const OPS_PASSWORD: &str = "DemoPass123!";
const DRIVER_PASSWORD: &str = "DriverPass123!";
const ORDERS_PER_TENANT: usize = 40;

struct DemoTenant {
    name: &'static str,
    slug: &'static str,
    prefix: &'static str,
    city: &'static str,
    /// Centre of the delivery area; pickups at the depot, drops around it.
    depot: (f64, f64),
    depot_address: &'static str,
    phone_prefix: &'static str,
    drivers: &'static [&'static str],
    vehicles: &'static [(&'static str, &'static str, i64)],
    customers: &'static [&'static str],
    streets: &'static [&'static str],
}

const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        name: "Acme Logistics",
        slug: "acme",
        prefix: "ACM",
        city: "Bengaluru",
        depot: (12.9698, 77.7500),
        depot_address: "Acme Warehouse, Whitefield Main Rd",
        phone_prefix: "+9199000",
        drivers: &[
            "Ravi Kumar",
            "Priya Nair",
            "Arjun Mehta",
            "Sara Thomas",
            "Vikram Rao",
        ],
        vehicles: &[
            ("KA01AB1234", "VAN", 1200),
            ("KA01AB1235", "VAN", 1200),
            ("KA02CD5678", "TRUCK", 5000),
            ("KA03EF9012", "CAR", 300),
            ("KA04GH3456", "BIKE", 40),
        ],
        customers: &[
            "Ananya Sharma",
            "Rahul Verma",
            "Meera Iyer",
            "Karthik Reddy",
            "Divya Menon",
            "Suresh Babu",
            "Lakshmi Rao",
            "Nikhil Jain",
            "Pooja Hegde",
            "Aditya Singh",
        ],
        streets: &[
            "MG Road",
            "Indiranagar 100 Ft Rd",
            "Koramangala 5th Block",
            "HSR Layout Sector 2",
            "Jayanagar 4th Block",
            "Malleshwaram 8th Cross",
            "Marathahalli Bridge",
            "Hebbal Ring Rd",
        ],
    },
    DemoTenant {
        name: "Globex Freight",
        slug: "globex",
        prefix: "GLX",
        city: "San Francisco",
        depot: (37.7495, -122.3870),
        depot_address: "Globex Depot, 600 Cesar Chavez St",
        phone_prefix: "+1415555",
        drivers: &[
            "Hank Scorpio",
            "Mona Lee",
            "Carlos Diaz",
            "Jenny Park",
            "Omar Haddad",
        ],
        vehicles: &[
            ("GLX-001", "TRUCK", 8000),
            ("GLX-002", "VAN", 1500),
            ("GLX-003", "VAN", 1500),
            ("GLX-004", "CAR", 400),
            ("GLX-005", "BIKE", 40),
        ],
        customers: &[
            "Alice Johnson",
            "Bob Martinez",
            "Chloe Nguyen",
            "David Kim",
            "Emma Wilson",
            "Frank Lopez",
            "Grace Chen",
            "Henry Patel",
            "Isla Brown",
            "Jack Davis",
        ],
        streets: &[
            "Market St",
            "Valencia St",
            "Mission St",
            "Castro St",
            "Haight St",
            "Geary Blvd",
            "Irving St",
            "Columbus Ave",
        ],
    },
];

/// What happens to a route's orders after it is planned.
#[derive(Clone, Copy, PartialEq)]
enum Script {
    /// Started, every order picked up and in transit, all delivered except the last one,
    /// which fails (COMPLETED route).
    DoneOneFailed,
    /// Started, all picked up; the last one is cancelled by ops after pickup, the rest
    /// delivered (COMPLETED route).
    DoneOneCancelled,
    /// Started today: two delivered, one in transit, one picked up, the rest assigned.
    UnderWay,
    /// Planned; ops cancel one of its orders.
    PlannedOneCancelled,
    /// Planned.
    Planned,
    /// Planned, then the whole route is cancelled (its orders go back to CREATED).
    RouteCancelled,
}

/// (day offset from today, driver index, orders, script): past, present and future routes.
const ROUTES: &[(i64, usize, usize, Script)] = &[
    (-2, 0, 6, Script::DoneOneFailed),
    (-1, 1, 6, Script::DoneOneCancelled),
    (0, 2, 7, Script::UnderWay),
    (0, 3, 5, Script::PlannedOneCancelled),
    (1, 4, 4, Script::Planned),
    (3, 0, 3, Script::Planned),
    (2, 1, 2, Script::RouteCancelled),
];
/// Of the orders on no route: this many are cancelled, the rest stay CREATED.
const UNROUTED_CANCELLED: usize = 3;

// ------------------------------------------------------------------ in-process API

/// Calls the template's routes in process, exactly as the local host does.
struct Api {
    state: HostState,
    calls: AtomicU64,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<(u16, Value)> {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        headers.insert(
            "user-agent",
            HeaderValue::from_static("cargoflow-seed-demo"),
        );
        if let Some(t) = token {
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {t}"))?,
            );
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        self.calls.fetch_add(1, Ordering::Relaxed);
        let uri: http::Uri = path.parse()?;
        match invoke(&self.state, &method, &uri, &headers, &bytes, "127.0.0.1").await {
            Invocation::Response(resp) => {
                let status = resp.status().as_u16();
                let body = match resp.body() {
                    lambda_http::Body::Text(t) => serde_json::from_str(t).unwrap_or(Value::Null),
                    lambda_http::Body::Binary(b) => {
                        serde_json::from_slice(b).unwrap_or(Value::Null)
                    }
                    _ => Value::Null,
                };
                Ok((status, body))
            }
            Invocation::NoRoute { .. } => bail!("no route for {method} {path}"),
            Invocation::BadEvent(e) => bail!("bad event for {method} {path}: {e}"),
        }
    }

    /// A call that must answer `want`; anything else is an error naming the call.
    async fn expect(
        &self,
        want: u16,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value> {
        let (status, body) = self.call(method.clone(), path, token, body).await?;
        if status != want {
            bail!("{method} {path}: expected {want}, got {status}: {body}");
        }
        Ok(body)
    }

    fn has_route(&self, method: &str, path: &str) -> bool {
        self.state
            .routes
            .iter()
            .any(|r| r.method == method && r.path == path)
    }
}

fn id_of(v: &Value) -> Result<String> {
    v["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("no id in {v}"))
}

fn at(date: Date, h: u8, m: u8) -> String {
    time_util::rfc3339(
        date.with_time(Time::from_hms(h, m, 0).unwrap_or(Time::MIDNIGHT))
            .assume_utc(),
    )
}

// ------------------------------------------------------------------ a webhook receiver

/// Answers deliveries with 200, except the first attempt of each `route.completed` (503), so
/// the delivery log shows a retry too. (Those come early in the seed, so their retry, 5 s
/// later, overlaps the rest of the seeding.)
#[derive(Default)]
struct Receiver {
    seen: Mutex<HashSet<String>>,
    hits: AtomicU64,
    last_hit_ms: AtomicU64,
}

async fn start_receiver(rx: Arc<Receiver>) -> Result<(String, tokio::task::JoinHandle<()>)> {
    use axum::response::IntoResponse;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
        let rx = rx.clone();
        async move {
            rx.hits.fetch_add(1, Ordering::Relaxed);
            rx.last_hit_ms.store(epoch_ms(), Ordering::Relaxed);
            let id = headers
                .get("webhook-id")
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_string();
            let first = rx.seen.lock().map(|mut s| s.insert(id)).unwrap_or(false);
            let flaky = body.contains("\"route.completed\"");
            if first && flaky {
                (http::StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
            } else {
                (http::StatusCode::OK, "ok").into_response()
            }
        }
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((format!("http://{addr}/cargoflow/webhook"), task))
}

fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

const WEBHOOK_EVENTS: &[&str] = &[
    "order.status_changed",
    "order.cancelled",
    "exception.created",
    "exception.resolved",
    "route.completed",
    "pod.created",
];

// ------------------------------------------------------------------ one tenant

struct Seeded {
    slug: &'static str,
    admin_token: String,
    webhook_url: String,
}

struct Crew {
    driver_id: String,
    vehicle_id: String,
    email: String,
}

async fn seed_tenant(
    api: &Api,
    t: &'static DemoTenant,
    webhook_url: &str,
) -> Result<Option<Seeded>> {
    // Tenant and its OPS_ADMIN.
    let (status, reg) = api
        .call(
            Method::POST,
            "/api/auth/register",
            None,
            Some(json!({
                "tenant_name": t.name, "tenant_slug": t.slug,
                "email": format!("admin@{}.example", t.slug),
                "password": OPS_PASSWORD, "full_name": "Demo Admin"})),
        )
        .await?;
    match status {
        202 => {}
        409 => return Ok(None),
        _ => bail!("register {}: {status} {reg}", t.slug),
    }
    // The confirmation link went by email: the local inbox (SES in moto) has it.
    let email = format!("admin@{}.example", t.slug);
    let mut token = None;
    for _ in 0..50 {
        token = cargoflow_infra::mailbox::sent(Some(&email))
            .await?
            .iter()
            .find_map(|m| {
                m["body"]
                    .as_str()?
                    .split("#token=")
                    .nth(1)
                    .map(|t| t.split_whitespace().next().unwrap_or_default().to_string())
            });
        if token.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let token = token.with_context(|| format!("no confirmation email for {email}"))?;
    let (status, reg) = api
        .call(
            Method::POST,
            "/api/auth/register/confirm",
            None,
            Some(json!({ "token": token })),
        )
        .await?;
    if status != 201 {
        bail!("confirm {}: {status} {reg}", t.slug);
    }
    let admin = reg["access_token"]
        .as_str()
        .context("no token")?
        .to_string();
    let a = Some(admin.as_str());

    api.expect(
        201,
        Method::POST,
        "/api/ops/users",
        a,
        Some(
            json!({"email": format!("dispatch@{}.example", t.slug), "password": OPS_PASSWORD,
                    "full_name": "Demo Dispatcher", "role": "OPS_DISPATCHER"}),
        ),
    )
    .await?;
    let dispatcher = login(api, &format!("dispatch@{}.example", t.slug), OPS_PASSWORD).await?;
    let d = Some(dispatcher.as_str());

    // Drivers with logins, and vehicles.
    let mut crews = Vec::new();
    for (i, name) in t.drivers.iter().enumerate() {
        let email = format!("driver{}@{}.example", i + 1, t.slug);
        let driver = api
            .expect(
                201,
                Method::POST,
                "/api/ops/drivers",
                a,
                Some(
                    json!({"name": name, "phone": format!("{}{:04}", t.phone_prefix, 1111 + i),
                            "email": email, "password": DRIVER_PASSWORD, "is_active": true}),
                ),
            )
            .await?;
        let (plate, ty, cap) = t.vehicles[i];
        let vehicle = api
            .expect(
                201,
                Method::POST,
                "/api/ops/vehicles",
                a,
                Some(json!({"plate_number": plate, "type": ty, "capacity_kg": cap})),
            )
            .await?;
        crews.push(Crew {
            driver_id: id_of(&driver)?,
            vehicle_id: id_of(&vehicle)?,
            email,
        });
    }
    // A spare, inactive vehicle so the fleet page shows one.
    let spare = api
        .expect(
            201,
            Method::POST,
            "/api/ops/vehicles",
            a,
            Some(json!({"plate_number": format!("{}-SPARE", t.prefix), "type": "VAN", "capacity_kg": 1000})),
        )
        .await?;
    api.expect(
        200,
        Method::POST,
        &format!("/api/ops/vehicles/{}/deactivate", id_of(&spare)?),
        a,
        Some(json!({})),
    )
    .await?;

    // Webhooks: the seed's receiver, for the events below.
    api.expect(
        200,
        Method::PUT,
        "/api/ops/settings/webhook",
        a,
        Some(json!({"enabled": true, "url": webhook_url, "events": WEBHOOK_EVENTS})),
    )
    .await?;

    // Forty orders: windows on the day of the route they will join; the rest over the next days.
    let today = OffsetDateTime::now_utc().date();
    let mut days: Vec<i64> = Vec::new();
    for &(offset, _, n, _) in ROUTES {
        days.extend(std::iter::repeat_n(offset, n));
    }
    while days.len() < ORDERS_PER_TENANT {
        days.push(1 + (days.len() % 3) as i64);
    }
    // Created a few at a time (as several dispatchers would), kept in reference-code order.
    let make = |i: usize, offset: i64| {
        let (a, d) = (a, d);
        async move {
            let day = today + TDuration::days(offset);
            let customer = t.customers[i % t.customers.len()];
            let street = t.streets[i % t.streets.len()];
            // Drops on a ring of ~3-9 km around the depot.
            let angle = i as f64 * 2.399963; // golden angle: well spread
            let r = 0.03 + 0.05 * ((i * 7 % 11) as f64 / 10.0);
            let (lat, lng) = (t.depot.0 + r * angle.sin(), t.depot.1 + r * angle.cos());
            let weight = 1.0 + (i % 7) as f64; // small parcels: a bike route still fits
            let token = if i.is_multiple_of(3) { a } else { d };
            let order = api
                .expect(
                    201,
                    Method::POST,
                    "/api/ops/orders",
                    token,
                    Some(json!({
                        "reference_code": format!("{}-{}", t.prefix, 10001 + i),
                        "customer_name": customer,
                        "customer_phone": format!("{}{:04}", t.phone_prefix, 5000 + i),
                        "pickup_window": {"start": at(day, 7, 0), "end": at(day, 10, 0)},
                        "drop_window": {"start": at(day, 9, 0), "end": at(day, 19, 0)},
                        "notes": if i.is_multiple_of(5) { Value::from("Call before arriving") } else { Value::Null },
                        "package": {"weight_kg": weight,
                                    "dimensions": {"length_cm": 40, "width_cm": 30, "height_cm": 20},
                                    "items": [{"description": "Parcel", "quantity": 1 + (i % 3) as u32, "sku": format!("SKU-{}", 100 + i % 9)}]},
                        "stops": [
                            {"sequence_index": 1, "type": "PICKUP", "address_line": t.depot_address, "city": t.city,
                             "lat": t.depot.0, "lng": t.depot.1},
                            {"sequence_index": 2, "type": "DROP", "address_line": format!("{} {}", 10 + i * 3, street),
                             "city": t.city, "lat": (lat * 1e5).round() / 1e5, "lng": (lng * 1e5).round() / 1e5,
                             "contact_name": customer, "contact_phone": format!("{}{:04}", t.phone_prefix, 5000 + i)}]})),
                )
                .await?;
            id_of(&order)
        }
    };
    let orders: Vec<String> = futures::stream::iter(days.into_iter().enumerate())
        .map(|(i, o)| make(i, o))
        .buffered(4)
        .collect::<Vec<Result<String>>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;

    // Routes: plan, then play each route's script with its driver's own token.
    let mut next = 0;
    let mut driver_tokens: Vec<Option<String>> = (0..crews.len()).map(|_| None).collect();
    let mut exceptions_to_raise: Vec<(String, &str, &str)> = Vec::new();
    for &(offset, driver, n, script) in ROUTES {
        let ids: Vec<String> = orders[next..next + n].to_vec();
        next += n;
        let day = today + TDuration::days(offset);
        let crew = &crews[driver];
        let route = api
            .expect(
                201,
                Method::POST,
                "/api/ops/routes",
                d,
                Some(
                    json!({"route_date": day.to_string(), "driver_id": crew.driver_id,
                            "vehicle_id": crew.vehicle_id, "order_ids": ids, "optimize": true,
                            "start_time": at(day, 8, 0)}),
                ),
            )
            .await?;
        let rid = id_of(&route)?;
        match script {
            Script::Planned => {}
            Script::PlannedOneCancelled => {
                api.expect(
                    200,
                    Method::POST,
                    &format!("/api/ops/orders/{}/cancel", ids[n - 1]),
                    d,
                    Some(json!({"reason": "Customer moved the delivery to next week"})),
                )
                .await?;
                exceptions_to_raise.push((ids[0].clone(), "CUSTOMER_UNAVAILABLE", "ack"));
            }
            Script::RouteCancelled => {
                api.expect(
                    200,
                    Method::POST,
                    &format!("/api/ops/routes/{rid}/cancel"),
                    d,
                    Some(json!({"reason": "Vehicle in for service"})),
                )
                .await?;
            }
            Script::DoneOneFailed | Script::DoneOneCancelled | Script::UnderWay => {
                if driver_tokens[driver].is_none() {
                    driver_tokens[driver] = Some(login(api, &crew.email, DRIVER_PASSWORD).await?);
                }
                let dt = driver_tokens[driver].clone().context("driver token")?;
                let dt = Some(dt.as_str());
                api.expect(
                    200,
                    Method::POST,
                    &format!("/api/driver/routes/{rid}/start"),
                    dt,
                    Some(json!({})),
                )
                .await?;
                // The order they are visited in: the route's stop order.
                let visit: Vec<String> = {
                    let mut seen = Vec::new();
                    for s in route["stops"].as_array().into_iter().flatten() {
                        if let Some(o) = s["order_id"].as_str()
                            && !seen.iter().any(|x: &String| x == o)
                        {
                            seen.push(o.to_string());
                        }
                    }
                    seen
                };
                let (picked, transit, delivered) = match script {
                    Script::UnderWay => (4, 3, 2),
                    _ => (n, n, n),
                };
                for (k, o) in visit.iter().enumerate() {
                    let cancel_after_pickup = script == Script::DoneOneCancelled && k == n - 1;
                    let fail = script == Script::DoneOneFailed && k == n - 1;
                    if k < picked {
                        move_order(
                            api,
                            dt,
                            o,
                            "PICKED_UP",
                            json!({"notes": "Picked up at the depot"}),
                        )
                        .await?;
                    }
                    if cancel_after_pickup {
                        api.expect(
                            200,
                            Method::POST,
                            &format!("/api/ops/orders/{o}/cancel"),
                            d,
                            Some(json!({"reason": "Customer refused the parcel on the phone"})),
                        )
                        .await?;
                        continue;
                    }
                    if k < transit {
                        move_order(api, dt, o, "IN_TRANSIT", json!({})).await?;
                    }
                    if fail {
                        move_order(
                            api,
                            dt,
                            o,
                            "FAILED",
                            json!({"reason": "Nobody at the address, gate locked"}),
                        )
                        .await?;
                        continue;
                    }
                    if k < delivered {
                        deliver(api, dt, o, t.customers[k % t.customers.len()]).await?;
                    }
                }
                match script {
                    Script::DoneOneCancelled => {
                        exceptions_to_raise.push((visit[0].clone(), "DAMAGED", "resolve"));
                    }
                    Script::UnderWay => {
                        exceptions_to_raise.push((visit[2].clone(), "WRONG_ADDRESS", "open"));
                        exceptions_to_raise.push((visit[3].clone(), "DELAY", "open"));
                    }
                    _ => {}
                }
            }
        }
    }
    // Orders on no route: a few cancelled, one with a note-only exception.
    for o in orders[next..next + UNROUTED_CANCELLED].iter() {
        api.expect(
            200,
            Method::POST,
            &format!("/api/ops/orders/{o}/cancel"),
            d,
            Some(json!({"reason": "Duplicate booking"})),
        )
        .await?;
    }
    exceptions_to_raise.push((orders[ORDERS_PER_TENANT - 1].clone(), "OTHER", "resolve"));

    // Exceptions: raised by ops, then acknowledged or resolved; the FAILED_ATTEMPT the failed
    // delivery opened is acknowledged.
    for (order, kind, fate) in exceptions_to_raise {
        let e = api
            .expect(
                201,
                Method::POST,
                &format!("/api/ops/orders/{order}/exceptions"),
                d,
                Some(json!({"type": kind, "notes": format!("{} reported by the demo seed", kind.to_lowercase().replace('_', " "))})),
            )
            .await?;
        let eid = id_of(&e)?;
        match fate {
            "ack" => {
                api.expect(
                    200,
                    Method::POST,
                    &format!("/api/ops/exceptions/{eid}/ack"),
                    d,
                    Some(json!({"note": "Calling the customer"})),
                )
                .await?;
            }
            "resolve" => {
                api.expect(
                    200,
                    Method::POST,
                    &format!("/api/ops/exceptions/{eid}/resolve"),
                    d,
                    Some(json!({"resolution": "Sorted with the customer"})),
                )
                .await?;
            }
            _ => {}
        }
    }
    let open = api
        .expect(
            200,
            Method::GET,
            "/api/ops/exceptions?status=OPEN&type=FAILED_ATTEMPT",
            d,
            None,
        )
        .await?;
    if let Some(eid) = open["items"][0]["id"].as_str() {
        api.expect(
            200,
            Method::POST,
            &format!("/api/ops/exceptions/{eid}/ack"),
            d,
            Some(json!({"note": "Rescheduling with the customer"})),
        )
        .await?;
    }

    Ok(Some(Seeded {
        slug: t.slug,
        admin_token: admin,
        webhook_url: webhook_url.to_string(),
    }))
}

async fn login(api: &Api, email: &str, password: &str) -> Result<String> {
    let r = api
        .expect(
            200,
            Method::POST,
            "/api/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await?;
    Ok(r["access_token"].as_str().context("no token")?.to_string())
}

async fn move_order(
    api: &Api,
    token: Option<&str>,
    order: &str,
    to: &str,
    metadata: Value,
) -> Result<()> {
    api.expect(
        200,
        Method::POST,
        &format!("/api/driver/orders/{order}/status"),
        token,
        Some(json!({"to_status": to, "metadata": metadata})),
    )
    .await
    .map(|_| ())
}

/// 1x1 PNG: the demo's photo and signature.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Delivers with proof of delivery through the POD endpoints (presigned uploads to the bucket,
/// then the POD).
async fn deliver(api: &Api, token: Option<&str>, order: &str, receiver: &str) -> Result<()> {
    if api.has_route("POST", "/api/driver/orders/{id}/pod") {
        let (status, up) = api
            .call(
                Method::POST,
                &format!("/api/driver/orders/{order}/pod/uploads"),
                token,
                Some(json!({"files": [
                    {"kind": "photo", "content_type": "image/png", "size": PNG.len()},
                    {"kind": "signature", "content_type": "image/png", "size": PNG.len()}]})),
            )
            .await?;
        if !(200..300).contains(&status) {
            bail!("POD uploads for {order}: {status} {up}");
        }
        if let Some(uploads) = up["uploads"].as_array() {
            let http = reqwest::Client::new();
            let mut keys = serde_json::Map::new();
            for u in uploads {
                let mut req = http.put(u["url"].as_str().context("upload url")?);
                if let Some(h) = u["headers"].as_object() {
                    for (k, v) in h {
                        req = req.header(k, v.as_str().unwrap_or_default());
                    }
                }
                let resp = req.body(PNG.to_vec()).send().await?;
                if !resp.status().is_success() {
                    bail!("POD upload: {}", resp.status());
                }
                let kind = u["kind"].as_str().unwrap_or("photo");
                keys.insert(format!("{kind}_key"), u["key"].clone());
            }
            let mut body = json!({"receiver_name": receiver, "notes": "Left with the receiver"});
            body.as_object_mut().context("object")?.extend(keys);
            api.expect(
                201,
                Method::POST,
                &format!("/api/driver/orders/{order}/pod"),
                token,
                Some(body),
            )
            .await?;
            return Ok(());
        }
    }
    bail!(
        "delivering {order}: the template has no POD endpoint (POST /api/driver/orders/{{id}}/pod)"
    )
}

// ------------------------------------------------------------------ the pipeline

/// Waits until every event is published and the webhook queue is drained (or `limit`).
async fn drain(
    api: &Api,
    seeded: &[Seeded],
    rx: &Receiver,
    sdk: &aws_config::SdkConfig,
    limit: Duration,
) -> Result<bool> {
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let queue = std::env::var("WEBHOOK_QUEUE_NAME").unwrap_or_else(|_| "cargoflow-webhooks".into());
    let url = sqs
        .get_queue_url()
        .queue_name(&queue)
        .send()
        .await?
        .queue_url
        .unwrap_or_default();
    let start = Instant::now();
    while start.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut pending = false;
        for s in seeded {
            let ev = api
                .expect(
                    200,
                    Method::GET,
                    "/api/ops/events?status=PENDING&limit=1",
                    Some(&s.admin_token),
                    None,
                )
                .await?;
            pending |= ev["items"].as_array().is_some_and(|a| !a.is_empty());
        }
        let attrs = sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::All)
            .send()
            .await?;
        let n = |k: aws_sdk_sqs::types::QueueAttributeName| {
            attrs
                .attributes()
                .and_then(|a| a.get(&k))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let queued = n(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
            + n(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessagesNotVisible);
        let quiet = epoch_ms().saturating_sub(rx.last_hit_ms.load(Ordering::Relaxed)) > 700;
        if !pending && queued == 0 && quiet {
            return Ok(true);
        }
    }
    Ok(false)
}

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    // The handlers' JSON logs only on request (SEED_LOG=1): this command prints a summary.
    if std::env::var("SEED_LOG").is_ok_and(|v| v == "1") {
        cargoflow_http::logging::init();
    }
    let template_path = std::env::var("TEMPLATE").unwrap_or_else(|_| "template.yaml".into());
    let template = Template::load(template_path.as_ref())?;
    let deps = Arc::new(Deps::from_env().await.context("configuration")?);
    let api = Arc::new(Api {
        state: HostState {
            deps: deps.clone(),
            routes: Arc::new(routes(&template)?),
            cors_origins: Arc::new(vec![]),
            static_dir: None,
        },
        calls: AtomicU64::new(0),
    });

    // Which tenants are new? (A re-run leaves existing ones as they are, and needs no pipeline.)
    let mut fresh = Vec::new();
    for t in TENANTS {
        let email =
            Email::parse(&format!("admin@{}.example", t.slug)).map_err(anyhow::Error::msg)?;
        let exists = deps.store.find_login(&email).await?.is_some();
        if exists {
            println!("  tenant {:<8} already there, left as is", t.slug);
        } else {
            fresh.push(t);
        }
    }

    let mut delivered = 0;
    if !fresh.is_empty() {
        let rx = Arc::new(Receiver::default());
        let (url, receiver_task) = start_receiver(rx.clone()).await?;
        let sdk = deps.sdk().clone();
        let (stop, stop_rx) = tokio::sync::watch::channel(false);
        // The relay only (the other stream consumers, e.g. live pushes, have no one to serve
        // yet), from the stream's newest records: ready before the first write.
        let relay = cargoflow_functions::registry::stream_function("relay-outbox")
            .context("no relay-outbox stream function")?;
        let relay_deps = deps.clone();
        let consumer: cargoflow_infra::streams::StreamConsumer =
            Arc::new(move |event| relay(relay_deps.clone(), event));
        let poller = cargoflow_infra::streams::StreamPoller::new(
            &sdk,
            cargoflow_infra::streams::PollerConfig::new(deps.config.table_name.clone()),
        );
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let relay_rx = stop_rx.clone();
        tokio::spawn(async move {
            if let Err(e) = poller.run(consumer, Some(ready_tx), relay_rx).await {
                eprintln!("  relay stopped: {e}");
            }
        });
        let _ = ready_rx.await;
        let _queues =
            cargoflow_infra::sqs::start_from_template(&template, deps.clone(), &sdk, stop_rx)
                .await?;

        let mut tasks = Vec::new();
        for t in fresh {
            let (api, url) = (api.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                seed_tenant(&api, t, &url)
                    .await
                    .with_context(|| format!("seeding {}", t.slug))
            }));
        }
        let mut seeded = Vec::new();
        for task in tasks {
            if let Some(s) = task.await?? {
                println!("  tenant {:<8} seeded", s.slug);
                seeded.push(s);
            }
        }
        let writes_done = started.elapsed();
        // At most 5 s: what is left in the queue, the local host dispatches once it runs (with the
        // webhooks switched off by then, it only logs them as skipped).
        let drained = drain(&api, &seeded, &rx, &sdk, Duration::from_secs(5)).await?;
        let _ = stop.send(true);
        // The receiver goes away with this process: switch the demo webhooks off (the
        // delivery log stays), so the running stack does not retry into a dead URL.
        for s in &seeded {
            api.expect(
                200,
                Method::PUT,
                "/api/ops/settings/webhook",
                Some(&s.admin_token),
                Some(json!({"enabled": false, "url": s.webhook_url, "events": WEBHOOK_EVENTS})),
            )
            .await?;
            let d = api
                .expect(
                    200,
                    Method::GET,
                    "/api/ops/webhooks/deliveries?limit=100",
                    Some(&s.admin_token),
                    None,
                )
                .await?;
            delivered += d["items"].as_array().map_or(0, Vec::len);
        }
        receiver_task.abort();
        println!(
            "  {} API calls in {:.1} s; webhook pipeline {} in {:.1} s ({} receiver hits, {}+ deliveries logged)",
            api.calls.load(Ordering::Relaxed),
            writes_done.as_secs_f64(),
            if drained {
                "drained"
            } else {
                "stopped (what is left is skipped once the local host runs)"
            },
            (started.elapsed() - writes_done).as_secs_f64(),
            rx.hits.load(Ordering::Relaxed),
            delivered,
        );
    }

    println!();
    println!("  Demo logins (ops console /login):");
    for t in TENANTS {
        println!(
            "    {:<26} {OPS_PASSWORD}   OPS_ADMIN, {}",
            format!("admin@{}.example", t.slug),
            t.name
        );
        println!(
            "    {:<26} {OPS_PASSWORD}   OPS_DISPATCHER",
            format!("dispatch@{}.example", t.slug)
        );
    }
    println!("  Driver logins (driver app /driver/login):");
    for t in TENANTS {
        println!(
            "    driver1..{}@{}.example     {DRIVER_PASSWORD}",
            t.drivers.len(),
            t.slug
        );
    }
    println!("  (seeded in {:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}
