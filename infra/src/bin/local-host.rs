//! `local-host`: serves template.yaml's routes with the real handlers, and the built web
//! apps, on one origin. See infra/src/host.rs.

use std::sync::Arc;

use anyhow::{Context, Result};
use cargoflow_functions::Deps;
use cargoflow_infra::host::{HostState, routes, serve};
use cargoflow_infra::template::Template;

#[tokio::main]
async fn main() -> Result<()> {
    cargoflow_http::logging::init();
    let template_path = std::env::var("TEMPLATE").unwrap_or_else(|_| "template.yaml".into());
    let template = Template::load(template_path.as_ref())?;
    // The web apps get CloudFront's response headers policy; presigned POD URLs point at the
    // local S3 endpoint.
    let pod_origin = std::env::var("AWS_ENDPOINT_URL_S3")
        .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|_| {
            let bucket = std::env::var("POD_BUCKET").unwrap_or_default();
            let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
            format!("https://{bucket}.s3.{region}.amazonaws.com")
        });
    cargoflow_infra::host::use_web_headers(cargoflow_infra::host::web_headers(
        &std::fs::read_to_string(&template_path)?,
        &pod_origin,
    )?);
    let routes = routes(&template)?;
    let port: u16 = std::env::var("LOCAL_HOST_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let bind = std::env::var("LOCAL_HOST_BIND").unwrap_or_else(|_| "127.0.0.1".into());
    let mut config = cargoflow_http::AppConfig::from_env().context("configuration")?;
    if config.websocket_management_url.is_empty() {
        // This host also plays the WebSocket API's management endpoint.
        let host = if bind == "0.0.0.0" {
            "127.0.0.1"
        } else {
            bind.as_str()
        };
        config.websocket_management_url = format!("http://{host}:{port}");
    }
    // One SDK configuration for the whole process: every function's clients and the pollers.
    let sdk = cargoflow_aws::shared_config().await;
    let deps = Arc::new(Deps::new(config, sdk.clone()).context("configuration")?);
    let static_dir = std::env::var("STATIC_DIR")
        .ok()
        .map(std::path::PathBuf::from)
        .filter(|p| p.join("index.html").is_file());
    let cors_origins = std::env::var("CORS_ALLOWED_ORIGINS")
        .unwrap_or_else(|_| "*".into())
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let listener = tokio::net::TcpListener::bind((bind.as_str(), port))
        .await
        .with_context(|| format!("binding {bind}:{port}"))?;
    tracing::info!(routes = routes.len(), %bind, port, static_dir = ?static_dir, "local host listening");
    println!(
        "local host: http://{bind}:{port} ({} routes from {template_path})",
        routes.len()
    );
    let speedup: u32 = std::env::var("LOCAL_SCHEDULE_SPEEDUP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let _schedules = cargoflow_infra::schedules::start(&template, deps.clone(), speedup)?;
    let (_stop_streams, streams_rx) = tokio::sync::watch::channel(false);
    let _streams = cargoflow_infra::streams::start_from_template(
        &template,
        deps.clone(),
        &sdk,
        &deps.config.table_name,
        streams_rx.clone(),
    )?;
    let _queues =
        cargoflow_infra::sqs::start_from_template(&template, deps.clone(), &sdk, streams_rx)
            .await?;
    let state = HostState {
        deps,
        routes: Arc::new(routes),
        cors_origins: Arc::new(cors_origins),
        static_dir,
    };
    serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
