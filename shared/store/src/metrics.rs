//! Counts the DynamoDB requests a client makes, by operation (GetItem, Query,
//! TransactWriteItems, ...). Tests use it to hold each endpoint to its request budget; the cost
//! model is built from the same counts.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

#[derive(Debug, Clone, Default)]
pub struct RequestCounter {
    counts: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl RequestCounter {
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.counts.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn reset(&self) {
        if let Ok(mut c) = self.counts.lock() {
            c.clear();
        }
    }

    /// Requests counted since `before` (a previous snapshot).
    pub fn since(&self, before: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
        self.snapshot()
            .into_iter()
            .map(|(k, v)| {
                let b = before.get(&k).copied().unwrap_or(0);
                (k, v - b)
            })
            .filter(|(_, v)| *v > 0)
            .collect()
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let name = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_else(|| "unknown".into());
        if let Ok(mut c) = self.counts.lock() {
            *c.entry(name).or_default() += 1;
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        Ok(())
    }
}

impl crate::Store {
    /// A store whose client counts its requests into `counter`.
    pub async fn from_env_counted(table: impl Into<String>, counter: RequestCounter) -> Self {
        let config = aws_config::load_from_env().await;
        let conf = aws_sdk_dynamodb::config::Builder::from(&config).interceptor(counter).build();
        Self::new(aws_sdk_dynamodb::Client::from_conf(conf), table)
    }
}
