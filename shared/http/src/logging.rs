//! Structured JSON logs for CloudWatch: one object per line with the span's request id,
//! function name, tenant id and user id. Passwords, tokens and secrets are never logged:
//! handlers log ids and outcomes only, and `Password`/`AppConfig` redact themselves.

use tracing_subscriber::EnvFilter;

/// Initialises logging once per process (a Lambda instance or the local host).
pub fn init() {
    let filter = EnvFilter::try_from_env("LOG_LEVEL")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| {
            EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn")
        });
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .try_init();
}
