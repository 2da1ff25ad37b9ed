//! The HTTP client webhooks go out on: a resolver that refuses internal addresses (checked on
//! the addresses actually connected to, so DNS rebinding cannot slip past), no redirects, a
//! timeout, and the Standard Webhooks headers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cargoflow_domain::webhooks::{address_allowed, signature_header};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

struct SafeResolver {
    allow_loopback: bool,
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs
                .into_iter()
                .filter(|a| address_allowed(a.ip(), allow_loopback))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{host} resolves only to internal addresses").into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

pub struct WebhookClient {
    http: reqwest::Client,
    allow_loopback: bool,
}

pub struct Outcome {
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub retry_after_secs: Option<u64>,
    pub error: Option<String>,
}

impl WebhookClient {
    pub fn new(timeout: Duration, allow_loopback: bool) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(SafeResolver { allow_loopback }))
            .user_agent("CargoFlow-Webhooks/1")
            .build()
            .expect("webhook HTTP client");
        Self {
            http,
            allow_loopback,
        }
    }

    /// POSTs one signed event. Literal IP hosts are checked here (the resolver never sees them).
    pub async fn send(
        &self,
        url: &str,
        secrets: &[&str],
        id: &str,
        timestamp: i64,
        body: &str,
    ) -> Outcome {
        let started = Instant::now();
        let refused = |why: String| Outcome {
            status: None,
            latency_ms: 0,
            retry_after_secs: None,
            error: Some(why),
        };
        let parsed = match reqwest::Url::parse(url) {
            Ok(u) => u,
            Err(e) => return refused(format!("invalid URL: {e}")),
        };
        if let Some(url::Host::Ipv4(ip)) = parsed.host()
            && !address_allowed(ip.into(), self.allow_loopback)
        {
            return refused("the URL points at an internal address".into());
        }
        if let Some(url::Host::Ipv6(ip)) = parsed.host()
            && !address_allowed(ip.into(), self.allow_loopback)
        {
            return refused("the URL points at an internal address".into());
        }
        let result = self
            .http
            .post(parsed)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header(
                "webhook-signature",
                signature_header(secrets, id, timestamp, body),
            )
            .body(body.to_string())
            .send()
            .await;
        let latency_ms = started.elapsed().as_millis() as u64;
        match result {
            Ok(r) => {
                let retry_after_secs = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                Outcome {
                    status: Some(r.status().as_u16()),
                    latency_ms,
                    retry_after_secs,
                    error: None,
                }
            }
            Err(e) => {
                let kind = if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connect"
                } else {
                    "request"
                };
                let mut msg = format!("{kind}: {e}");
                let mut src = std::error::Error::source(&e);
                while let Some(s) = src {
                    msg.push_str(&format!(": {s}"));
                    src = s.source();
                }
                Outcome {
                    status: None,
                    latency_ms,
                    retry_after_secs: None,
                    error: Some(msg.chars().take(300).collect()),
                }
            }
        }
    }
}
