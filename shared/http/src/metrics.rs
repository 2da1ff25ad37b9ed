//! Business metrics in CloudWatch Embedded Metric Format: one JSON line on stdout per metric
//! batch, which Lambda ships to CloudWatch Logs and CloudWatch turns into metrics (no
//! PutMetricData calls, no extra latency). Namespace `CargoFlow`; dimensions as the caller
//! gives them (none: one metric for the whole deployment).
//!
//! Emitted: `OrdersCreated`, `OrderTransitions` (by `ToStatus`), `WebhookAttempts` and
//! `WebhookFailures`, `Http5xx`; the DLQ's depth is SQS's own metric (alarm in template.yaml).

use serde_json::{Map, Value, json};

pub const NAMESPACE: &str = "CargoFlow";

/// The EMF document for `metrics` (name, count) with `dimensions` (name, value).
pub fn document(dimensions: &[(&str, &str)], metrics: &[(&str, f64)], now_ms: i64) -> Value {
    let mut root = Map::new();
    let mut names: Vec<&str> = Vec::new();
    for (k, v) in dimensions {
        names.push(k);
        root.insert((*k).into(), Value::String((*v).into()));
    }
    for (name, value) in metrics {
        root.insert((*name).into(), json!(value));
    }
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": now_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [names],
                "Metrics": metrics.iter().map(|(n, _)| json!({"Name": n, "Unit": "Count"})).collect::<Vec<_>>(),
            }],
        }),
    );
    Value::Object(root)
}

/// Whether EMF lines are written: `EMF_METRICS=true` (template.yaml sets it in Lambda; off
/// by default so local runs and tests keep a readable stdout).
pub fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("EMF_METRICS").is_ok_and(|v| v == "true" || v == "1"))
}

/// Writes one EMF line (counts) to stdout.
pub fn count(dimensions: &[(&str, &str)], metrics: &[(&str, f64)]) {
    if metrics.is_empty() || !enabled() {
        return;
    }
    let now = time::OffsetDateTime::now_utc();
    let ms = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    println!("{}", document(dimensions, metrics, ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emf_shape() {
        let d = document(
            &[("Function", "create-order"), ("ToStatus", "ASSIGNED")],
            &[("OrderTransitions", 3.0)],
            1_700_000_000_000,
        );
        assert_eq!(d["Function"], "create-order");
        assert_eq!(d["ToStatus"], "ASSIGNED");
        assert_eq!(d["OrderTransitions"], 3.0);
        let m = &d["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(m["Namespace"], "CargoFlow");
        assert_eq!(m["Dimensions"], json!([["Function", "ToStatus"]]));
        assert_eq!(
            m["Metrics"],
            json!([{"Name": "OrderTransitions", "Unit": "Count"}])
        );
        assert_eq!(d["_aws"]["Timestamp"], 1_700_000_000_000i64);
        let total = document(&[], &[("OrdersCreated", 1.0)], 0);
        assert_eq!(
            total["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[]])
        );
    }
}
