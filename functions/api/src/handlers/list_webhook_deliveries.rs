//! GET /api/ops/webhooks/deliveries: every delivery attempt, newest first; filters by event
//! and outcome. The receiver's full URL (its path and query may hold a secret token) is shown
//! to OPS_ADMIN only; dispatchers see its host (`receiver_host`), also in the error text.

use std::sync::Arc;

use cargoflow_domain::webhooks::{DeliveryOutcome, WebhookDelivery};
use cargoflow_domain::{Permission, Role};
use cargoflow_http::{
    ApiError, Body, Request, Response, authenticate, ok, page_query, query_param,
};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

use crate::Deps;

/// One delivery attempt as the caller may see it.
#[derive(Debug, Serialize, ToSchema, PartialEq)]
pub struct DeliveryView {
    pub id: String,
    pub event_id: String,
    pub event_type: String,
    /// 1 for the first try.
    pub attempt: u32,
    /// `delivered`, `retrying`, `failed`, `disabled`.
    #[schema(value_type = String)]
    pub outcome: DeliveryOutcome,
    pub status_code: Option<u16>,
    pub latency_ms: Option<u64>,
    /// What went wrong (the receiver's URL in it shown as its host to dispatchers).
    pub error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_retry_at: Option<OffsetDateTime>,
    /// The receiver's host name (everyone).
    pub receiver_host: String,
    /// The full URL delivered to: OPS_ADMIN only (null for dispatchers).
    pub url: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    pub next_cursor: Option<String>,
}

/// The host of a stored receiver URL (`[::1]`-style for IPv6; the raw text if unparsable,
/// which the dispatcher refuses to deliver to anyway, cut at the first `/`).
fn host_of(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(u) => u.host_str().unwrap_or_default().to_string(),
        Err(_) => raw
            .split("://")
            .last()
            .unwrap_or_default()
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// What `role` may see of `d`: admins everything; others the host only.
pub fn view(d: WebhookDelivery, role: Role) -> DeliveryView {
    let host = host_of(&d.url);
    let full = role.can_manage_users();
    let error = match (d.error, full) {
        (Some(e), false) => {
            let mut e = e.replace(&d.url, &host);
            if let Ok(u) = url::Url::parse(&d.url) {
                e = e.replace(u.as_str(), &host);
            }
            Some(e)
        }
        (e, _) => e,
    };
    DeliveryView {
        id: d.id,
        event_id: d.event_id,
        event_type: d.event_type,
        attempt: d.attempt,
        outcome: d.outcome,
        status_code: d.status_code,
        latency_ms: d.latency_ms,
        error,
        next_retry_at: d.next_retry_at,
        receiver_host: host,
        url: full.then_some(d.url),
        created_at: d.created_at,
    }
}

#[utoipa::path(get, path = "/api/ops/webhooks/deliveries", operation_id = "list_webhook_deliveries", tag = "webhooks",
    security(("bearer" = [])),
    params(("event_id" = Option<String>, Query), ("outcome" = Option<String>, Query, description = "delivered, retrying, failed, disabled"),
        ("cursor" = Option<String>, Query), ("limit" = Option<i32>, Query)),
    responses((status = 200, description = "Delivery attempts (the full URL for OPS_ADMIN only)", body = DeliveryPage)))]
pub async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response<Body>, ApiError> {
    let caller = authenticate(&req, &deps.auth, Permission::Operate).await?;
    let page = page_query(&req)?;
    let outcome = match query_param(&req, "outcome") {
        None => None,
        Some(o) => Some(DeliveryOutcome::parse(&o).ok_or_else(|| {
            ApiError::field("outcome", "must be delivered, retrying, failed or disabled")
        })?),
    };
    let event_id = query_param(&req, "event_id").filter(|e| ulid::Ulid::from_string(e).is_ok());
    let found = deps
        .store
        .list_deliveries(
            &caller.tenant_id,
            event_id.as_deref(),
            outcome,
            page.cursor(),
            page.limit,
        )
        .await?;
    ok(&DeliveryPage {
        items: found
            .items
            .into_iter()
            .map(|d| view(d, caller.role))
            .collect(),
        next_cursor: found.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(url: &str, error: Option<&str>) -> WebhookDelivery {
        WebhookDelivery {
            id: "d".into(),
            event_id: "e".into(),
            event_type: "order.created".into(),
            attempt: 1,
            outcome: DeliveryOutcome::Retrying,
            status_code: None,
            latency_ms: Some(3),
            error: error.map(str::to_string),
            next_retry_at: None,
            url: url.into(),
            created_at: OffsetDateTime::now_utc(),
        }
    }

    #[test]
    fn dispatchers_see_the_host_only_admins_the_url() {
        let raw = "https://hooks.example.com/in/abc?token=s3cret";
        let err = format!("connect: error sending request for url ({raw}): refused");
        let d = view(delivery(raw, Some(&err)), Role::OpsDispatcher);
        assert_eq!(d.receiver_host, "hooks.example.com");
        assert_eq!(d.url, None);
        let e = d.error.unwrap();
        assert!(!e.contains("s3cret") && !e.contains("/in/abc"), "{e}");
        assert!(e.contains("hooks.example.com"), "{e}");
        let json =
            serde_json::to_string(&view(delivery(raw, Some(&err)), Role::OpsDispatcher)).unwrap();
        assert!(!json.contains("s3cret"), "{json}");
        let a = view(delivery(raw, Some(&err)), Role::OpsAdmin);
        assert_eq!(a.url.as_deref(), Some(raw));
        assert_eq!(a.error.as_deref(), Some(err.as_str()));
        assert_eq!(a.receiver_host, "hooks.example.com");
        // A URL the parser normalises (no path: reqwest prints it with a slash).
        let d = view(
            delivery(
                "https://h.example?k=1",
                Some("request: for url (https://h.example/?k=1)"),
            ),
            Role::OpsDispatcher,
        );
        assert!(!d.error.unwrap().contains("k=1"));
        assert_eq!(host_of("not a url/x?y"), "not a url");
    }
}
