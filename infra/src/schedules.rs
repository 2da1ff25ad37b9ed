//! Plays template.yaml's Schedule events: every scheduled function runs at its `rate(...)`
//! with an EventBridge Scheduler-shaped event, as in AWS. (`LOCAL_SCHEDULE_SPEEDUP` divides
//! the periods, to watch the jobs work without waiting minutes.) A run is stopped at the
//! function's template `Timeout`, as in AWS; the jobs keep their own budgets under it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use cargoflow_functions::Deps;
use cargoflow_functions::registry::schedule_function;
use tokio::task::JoinHandle;

use crate::template::{Template, rate_period};

pub fn event(function: &str) -> serde_json::Value {
    serde_json::json!({
        "version": "0",
        "id": ulid::Ulid::new().to_string(),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "000000000000",
        "time": cargoflow_domain::time_util::rfc3339(cargoflow_domain::time_util::now()),
        "region": "us-east-1",
        "resources": [format!("arn:aws:scheduler:us-east-1:000000000000:schedule/default/{function}")],
        "detail": {}
    })
}

/// Starts one task per schedule; each runs its function every period (the first run after
/// one period, like EventBridge).
pub fn start(template: &Template, deps: Arc<Deps>, speedup: u32) -> Result<Vec<JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for f in &template.functions {
        for expr in &f.schedules {
            let handler = schedule_function(&f.binary)
                .ok_or_else(|| anyhow!("{} has no scheduled handler", f.binary))?;
            let Some(period) = rate_period(expr) else {
                tracing::warn!(function = %f.binary, %expr, "only rate() schedules are played locally");
                continue;
            };
            let period = (period / speedup.max(1)).max(Duration::from_secs(1));
            let deps = deps.clone();
            let name = f.binary.clone();
            // As Lambda does, a run is stopped at the function's template Timeout.
            let timeout = crate::sqs::function_timeout(template, &f.logical_id);
            tasks.push(tokio::spawn(async move {
                let mut tick =
                    tokio::time::interval_at(tokio::time::Instant::now() + period, period);
                loop {
                    tick.tick().await;
                    match tokio::time::timeout(timeout, handler(deps.clone(), event(&name))).await {
                        Ok(Ok(report)) => {
                            tracing::info!(function = %name, %report, "scheduled run")
                        }
                        Ok(Err(e)) => {
                            tracing::error!(function = %name, error = %e, "scheduled run failed")
                        }
                        Err(_) => {
                            tracing::error!(function = %name, ?timeout, "scheduled run timed out")
                        }
                    }
                }
            }));
            tracing::info!(function = %f.binary, ?period, "schedule playing");
        }
    }
    Ok(tasks)
}
