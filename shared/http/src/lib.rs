//! HTTP plumbing shared by every API function.
//!
//! A handler parses its request into validated domain types ([`request`]), checks the caller
//! ([`auth`]), calls one store or domain operation, and returns `Result<Response, ApiError>`;
//! [`serve`] turns that into the response API Gateway sends, with the one error shape, the
//! request id header and a log line.

pub mod auth;
pub mod config;
pub mod error;
pub mod logging;
pub mod metrics;
pub mod request;
pub mod response;

pub use auth::*;
pub use config::AppConfig;
pub use error::{ApiError, ErrorBody, ErrorDetail, NotFoundAs, Optional};
pub use lambda_http::{Body, Request, Response};
pub use request::*;
pub use response::*;

use lambda_http::RequestExt;
use std::future::Future;
use tracing::Instrument;

/// Runs one handler for one request: a span carrying the request id and function name, the
/// error mapped to its JSON shape, the request id echoed in `x-request-id`.
pub async fn serve<Fut>(
    function: &'static str,
    req: Request,
    handler: impl FnOnce(Request) -> Fut,
) -> Response<Body>
where
    Fut: Future<Output = Result<Response<Body>, ApiError>>,
{
    let request_id = request_id(&req);
    // The route key (`GET /api/ops/orders/{id}`), not the raw path: paths can carry secrets
    // such as tracking tokens, which must not reach the logs.
    let route = match req.request_context_ref() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => {
            ctx.route_key.clone().unwrap_or_default()
        }
        _ => String::new(),
    };
    let span = tracing::info_span!("request", request_id = %request_id, function = function, tenant_id = tracing::field::Empty, user_id = tracing::field::Empty);
    let handled = async move {
        let started = std::time::Instant::now();
        let mut response = match handler(req).await {
            Ok(r) => r,
            Err(e) => e.into_response(&request_id),
        };
        if let Ok(v) = http::HeaderValue::from_str(&request_id) {
            response.headers_mut().insert("x-request-id", v);
        }
        let status = response.status().as_u16();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(%route, status, duration_ms = ms, "request failed");
            metrics::count(&[("Function", function)], &[("Http5xx", 1.0)]);
        } else {
            tracing::info!(%route, status, duration_ms = ms, "request");
        }
        response
    }
    .instrument(span);
    // The AWS calls the handler makes are the function's (see cargoflow_aws::calls).
    cargoflow_aws::calls::as_function(function, cargoflow_aws::calls::Via::Code, handled).await
}
