//! What every Lambda binary's `main` calls: logging, dependencies built once, then the
//! lambda_http runtime serving one handler.

use std::future::Future;
use std::sync::Arc;

use cargoflow_http::{ApiError, Body, Request, Response, serve};

use crate::Deps;

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
        let deps = Arc::new(Deps::from_env().await?);
        lambda_http::run(lambda_http::service_fn(move |req: Request| {
            let deps = deps.clone();
            async move {
                Ok::<_, std::convert::Infallible>(serve(function, req, |r| handler(deps, r)).await)
            }
        }))
        .await
    })
}

/// What a stream-triggered function's binary runs (partial batch responses).
pub fn run_stream<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, aws_lambda_events::dynamodb::Event) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<aws_lambda_events::streams::DynamoDbEventResponse, String>>
        + Send
        + 'static,
{
    cargoflow_http::logging::init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let deps = Arc::new(Deps::from_env().await?);
        lambda_runtime::run(lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<aws_lambda_events::dynamodb::Event>| {
            let deps = deps.clone();
            async move {
                let span = tracing::info_span!("stream", function = function, request_id = %event.context.request_id);
                let _g = span.enter();
                handler(deps, event.payload).await.map_err(lambda_runtime::Error::from)
            }
        }))
        .await
    })
}

/// What an SQS-triggered function's binary runs (partial batch responses).
pub fn run_sqs<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, aws_lambda_events::event::sqs::SqsEvent) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<aws_lambda_events::event::sqs::SqsBatchResponse, String>>
        + Send
        + 'static,
{
    cargoflow_http::logging::init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let deps = Arc::new(Deps::from_env().await?);
        lambda_runtime::run(lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<aws_lambda_events::event::sqs::SqsEvent>| {
            let deps = deps.clone();
            async move {
                let span = tracing::info_span!("sqs", function = function, request_id = %event.context.request_id);
                let _g = span.enter();
                handler(deps, event.payload).await.map_err(lambda_runtime::Error::from)
            }
        }))
        .await
    })
}

/// What a scheduled function's binary runs: the EventBridge Scheduler event in, a JSON report out.
pub fn run_schedule<F, Fut>(function: &'static str, handler: F) -> Result<(), lambda_runtime::Error>
where
    F: Fn(Arc<Deps>, serde_json::Value) -> Fut + Send + Sync + Copy + 'static,
    Fut: Future<Output = Result<serde_json::Value, String>> + Send + 'static,
{
    cargoflow_http::logging::init();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let deps = Arc::new(Deps::from_env().await?);
        lambda_runtime::run(lambda_runtime::service_fn(move |event: lambda_runtime::LambdaEvent<serde_json::Value>| {
            let deps = deps.clone();
            async move {
                let span = tracing::info_span!("job", function = function, request_id = %event.context.request_id);
                let _g = span.enter();
                handler(deps, event.payload).await.map_err(lambda_runtime::Error::from)
            }
        }))
        .await
    })
}
