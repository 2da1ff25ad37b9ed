//! `bench-webhooks [base-url] [events]`: against a running local host (`make dev`), measures the
//! time from the API's response to a status change until its signed webhook reaches a receiver
//! on loopback (relay -> EventBridge -> rule -> SQS -> dispatcher), p50, p90 and p99, and the
//! dispatcher's throughput. Creates its own tenant (registered through the local inbox's link:
//! at most `REGISTER_LIMIT_PER_CLIENT` runs an hour, 5 by default); needs
//! WEBHOOK_ALLOW_LOOPBACK on the host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use serde_json::{Value, json};

/// Registers the bench's tenant as a person does: the request, then the emailed link (read
/// from the local inbox). Returns the admin's access token.
async fn register(http: &reqwest::Client, base: &str, slug: &str) -> Result<String> {
    let email = format!("ops@{slug}.example");
    let r = http
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"tenant_name": "Bench", "tenant_slug": slug, "email": email, "password": "StrongPass123!", "full_name": "Bench"}))
        .send()
        .await
        .context("is the local host running? (make dev)")?;
    if !r.status().is_success() {
        return Err(anyhow!("register refused: {}", r.text().await?));
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let token = loop {
        let mail: Value = http
            .get(format!("{base}/_local/mail"))
            .query(&[("to", email.as_str())])
            .send()
            .await?
            .json()
            .await?;
        let found = mail["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(|m| {
                let body = m["body"].as_str()?;
                let rest = &body[body.find("#token=")? + 7..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .unwrap_or(rest.len());
                Some(rest[..end].to_string())
            });
        match found {
            Some(t) => break t,
            None if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            None => return Err(anyhow!("no registration email for {email} in /_local/mail")),
        }
    };
    let confirmed: Value = http
        .post(format!("{base}/api/auth/register/confirm"))
        .json(&json!({ "token": token }))
        .send()
        .await?
        .json()
        .await?;
    confirmed["access_token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("register confirm failed: {confirmed}"))
}

#[tokio::main]
async fn main() -> Result<()> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let sink = arrived.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |body: String| {
            let sink = sink.clone();
            async move {
                if let Ok(v) = serde_json::from_str::<Value>(&body)
                    && let Some(order) = v["data"]["order"]["id"].as_str()
                    && v["type"] == "order.cancelled"
                {
                    sink.lock()
                        .unwrap()
                        .entry(order.to_string())
                        .or_insert_with(Instant::now);
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let hook = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let http = reqwest::Client::new();
    let slug = format!(
        "bench{}",
        ulid::Ulid::new()
            .to_string()
            .to_lowercase()
            .chars()
            .take(12)
            .collect::<String>()
    );
    let token = register(&http, &base, &slug).await?;
    let r = http
        .put(format!("{base}/api/ops/settings/webhook"))
        .bearer_auth(&token)
        .json(&json!({"enabled": true, "url": hook, "events": ["order.cancelled"]}))
        .send()
        .await?;
    if !r.status().is_success() {
        return Err(anyhow!("webhook settings refused: {}", r.text().await?));
    }
    // The orders first; then the measured status changes.
    let mut ids = Vec::new();
    for i in 0..n {
        let o: Value = http
            .post(format!("{base}/api/ops/orders"))
            .bearer_auth(&token)
            .json(&json!({"reference_code": format!("B-{i}"), "customer_name": "C", "customer_phone": "+918888887777",
                "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "a", "city": "b"}, {"sequence_index": 2, "type": "DROP", "address_line": "c", "city": "d"}]}))
            .send()
            .await?
            .json()
            .await?;
        ids.push(
            o["id"]
                .as_str()
                .ok_or_else(|| anyhow!("create failed: {o}"))?
                .to_string(),
        );
    }
    let mut answered: HashMap<String, Instant> = HashMap::new();
    let started = Instant::now();
    for id in &ids {
        let r = http
            .post(format!("{base}/api/ops/orders/{id}/cancel"))
            .bearer_auth(&token)
            .json(&json!({"reason": "bench"}))
            .send()
            .await?;
        answered.insert(id.clone(), Instant::now());
        if !r.status().is_success() {
            return Err(anyhow!("cancel failed: {}", r.text().await?));
        }
        // At most about 20 changes a second: a steady stream rather than one burst (fewer
        // when the API answers slowly; the rate reached is printed).
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sending = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrived.lock().unwrap().len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = arrived.lock().unwrap().clone();
    let mut lat: Vec<f64> = ids
        .iter()
        .filter_map(|id| Some(got.get(id)?.duration_since(answered[id]).as_secs_f64() * 1000.0))
        .collect();
    lat.sort_by(f64::total_cmp);
    if lat.is_empty() {
        return Err(anyhow!("no webhook arrived"));
    }
    let q = |p: f64| lat[((lat.len() - 1) as f64 * p).round() as usize];
    let last = got.values().max().copied().unwrap_or(started);
    println!(
        "status changes sent: {n} in {sending:.1} s ({:.1}/s)",
        n as f64 / sending
    );
    println!("webhooks delivered: {}/{n}", lat.len());
    println!(
        "latency API response -> webhook: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        q(0.5),
        q(0.9),
        q(0.99),
        lat[lat.len() - 1]
    );
    println!(
        "throughput: {:.1} deliveries/s over {:.1} s",
        lat.len() as f64 / last.duration_since(started).as_secs_f64(),
        last.duration_since(started).as_secs_f64()
    );
    Ok(())
}
