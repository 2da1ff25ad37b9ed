//! The local inbox: SES (moto here) accepts the platform's email but delivers it nowhere, so
//! the local host shows what was sent at `GET /_local/mail?to=<address>` (newest first), with
//! the links in it. Local only: no such route exists in AWS, where SES delivers for real.

use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize)]
pub struct MailQuery {
    pub to: Option<String>,
}

/// The emails SES accepted, newest first (all, or those to `to`).
pub async fn sent(to: Option<&str>) -> anyhow::Result<Vec<Value>> {
    let moto = std::env::var("AWS_ENDPOINT_URL_SESV2")
        .map_err(|_| anyhow::anyhow!("AWS_ENDPOINT_URL_SESV2 is not set: no local SES"))?;
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", moto.trim_end_matches('/')))
        .await?
        .json()
        .await?;
    let mut out: Vec<Value> = data["ses"]["Message"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            to.is_none_or(|to| {
                m["destinations"]["ToAddresses"]
                    .as_array()
                    .is_some_and(|a| {
                        a.iter()
                            .any(|d| d.as_str().is_some_and(|d| d.eq_ignore_ascii_case(to)))
                    })
            })
        })
        .map(|m| {
            json!({
                "to": m["destinations"]["ToAddresses"],
                "from": m["source"],
                "subject": m["subject"],
                "body": m["body"],
            })
        })
        .collect();
    out.reverse();
    Ok(out)
}

pub async fn handler(Query(q): Query<MailQuery>) -> Response {
    match sent(q.to.as_deref()).await {
        Ok(messages) => axum::Json(json!({ "messages": messages })).into_response(),
        Err(e) => (
            StatusCode::BAD_GATEWAY,
            axum::Json(json!({"error": {"code": "no_local_mail", "message": e.to_string()}})),
        )
            .into_response(),
    }
}
