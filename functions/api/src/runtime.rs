//! What every Lambda binary's `main` calls: logging, dependencies built once, then the
//! lambda_http runtime serving one handler.

use std::future::Future;
use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, serve};
use tracing::Instrument;

use crate::Deps;

/// A function instance's init: configuration and clients from the environment, then the
/// DynamoDB warm-up (every function reads the table).
async fn init(function: &'static str) -> Result<Arc<Deps>, crate::deps::InitError> {
    let deps = Deps::from_env().await?;
    deps.start_instance(function).await;
    Ok(Arc::new(deps))
}

/// The DynamoDB warm-up of an instance's init, recorded as `function`'s. Init runs with the
/// instance's full CPU and, for provisioned or pre-initialised instances, before any request
/// waits, so the connection's TLS handshake is paid there instead of by the first request. A
/// warm-up that fails or times out is logged and init goes on: the first request then opens
/// the connection.
pub async fn warm_up(deps: &Deps, function: &'static str) {
    let limit = deps.config.warm_up_timeout_ms;
    if limit == 0 || !crate::registry::uses_table(function) {
        return;
    }
    let started = std::time::Instant::now();
    let outcome = cargoflow_aws::calls::as_function(
        function,
        cargoflow_aws::calls::Via::Init,
        tokio::time::timeout(
            std::time::Duration::from_millis(limit),
            init_work(deps, function),
        ),
    )
    .await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        Ok(Ok(())) => tracing::debug!(function, ms, "dynamodb warm-up done"),
        Ok(Err(e)) => tracing::warn!(function, ms, error = %e, "dynamodb warm-up failed"),
        Err(_) => tracing::warn!(function, ms, "dynamodb warm-up timed out"),
    }
}

/// The functions that issue tokens: the only ones that read the private signing key.
pub const TOKEN_ISSUERS: &[&str] = &["register-confirm", "login", "refresh-token"];

/// An instance's init work: the issuers load the signing key from Secrets Manager (and make
/// sure its public half is published); everyone else reads the public keys. Either way the
/// DynamoDB connection is warm before the first request.
async fn init_work(deps: &Deps, function: &'static str) -> Result<(), String> {
    if TOKEN_ISSUERS.contains(&function) {
        deps.signing_key()
            .await
            .map(drop)
            .map_err(|e| format!("{e:?}"))
    } else {
        deps.auth
            .public_keys(None)
            .await
            .map(drop)
            .map_err(|e| format!("{e:?}"))
    }
}

/// The gate every HTTP route passes (Lambda here, the local host through the registry):
/// behind CloudFront only requests carrying its origin secret, and the client's address
/// becomes CloudFront's viewer address (cargoflow_http::admit_origin).
pub fn admit(deps: &Deps, mut req: Request) -> Result<Request, ApiError> {
    cargoflow_http::admit_origin(&mut req, deps.config.origin_verify_sha256.as_ref())?;
    Ok(req)
}

pub fn run_http<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<Deps>, Request) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<Response<Body>, ApiError>> + Send + 'static,
{
    cargoflow_http::logging::init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let deps = init(function).await?;
        lambda_http::run(lambda_http::service_fn(move |req: Request| {
            let deps = deps.clone();
            async move {
                Ok::<_, std::convert::Infallible>(
                    serve(function, req, |r| async move {
                        let r = admit(&deps, r)?;
                        handler(deps, r).await
                    })
                    .await,
                )
            }
        }))
        .await
    })
}

/// [`run_http`] behind the idempotency layer (`Idempotency-Key` on POST), as the registry
/// serves it locally.
pub fn run_http_idempotent<F, Fut>(
    function: &'static str,
    handler: F,
) -> Result<(), lambda_http::Error>
where
    F: Fn(Arc<Deps>, Request) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<Response<Body>, ApiError>> + Send + 'static,
{
    run_http(function, move |deps: Arc<Deps>, req: Request| async move {
        let d = deps.clone();
        crate::idempotency::run(&deps, req, move |r| handler(d, r)).await
    })
}

/// What an event-driven binary runs (stream, queue, schedule): the event in, its result out;
/// an `Err` fails the invocation, as Lambda expects.
pub fn run_event<E, R, F, Fut>(
    function: &'static str,
    handler: F,
) -> Result<(), lambda_runtime::Error>
where
    E: serde::de::DeserializeOwned + Send + 'static,
    R: serde::Serialize + Send + 'static,
    F: Fn(Arc<Deps>, E) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<R, String>> + Send + 'static,
{
    cargoflow_http::logging::init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let deps = init(function).await?;
        lambda_runtime::run(lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<E>| {
            let deps = deps.clone();
            async move {
                let span = tracing::info_span!("invocation", function = function, request_id = %event.context.request_id);
                cargoflow_aws::calls::as_function(function, cargoflow_aws::calls::Via::Code, handler(deps, event.payload))
                    .instrument(span)
                    .await
                    .map_err(lambda_runtime::Error::from)
            }
        }))
        .await
    })
}

/// A DynamoDB-stream function (partial batch responses).
pub fn run_stream<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, aws_lambda_events::dynamodb::Event) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<aws_lambda_events::streams::DynamoDbEventResponse, String>>
        + Send
        + 'static,
{
    run_event(function, handler)
}

/// An SQS-triggered function (partial batch responses).
pub fn run_sqs<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, aws_lambda_events::event::sqs::SqsEvent) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<aws_lambda_events::event::sqs::SqsBatchResponse, String>>
        + Send
        + 'static,
{
    run_event(function, handler)
}

/// A scheduled function: the EventBridge Scheduler event in, a JSON report out.
pub fn run_schedule<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, serde_json::Value) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<serde_json::Value, String>> + Send + 'static,
{
    run_event(function, handler)
}
