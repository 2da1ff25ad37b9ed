//! Plays Lambda's DynamoDB stream event source: polls every shard of the table's stream
//! (about 4 times a second, as Lambda does), turns records into the JSON Lambda delivers,
//! and hands batches to a consumer. With `ReportBatchItemFailures`, a batch that reports a
//! failed record is retried from that record (records before it are done); a consumer error
//! retries the whole batch; after `max_retries` the batch is dropped and logged, as Lambda
//! does once `MaximumRetryAttempts` is spent.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use aws_lambda_events::dynamodb::Event;
use aws_lambda_events::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use futures::future::BoxFuture;
use serde_json::{Map, Value, json};
use tokio::sync::watch;

pub type StreamConsumer =
    Arc<dyn Fn(Event) -> BoxFuture<'static, Result<DynamoDbEventResponse, String>> + Send + Sync>;

#[derive(Clone, Debug)]
pub struct PollerConfig {
    pub table: String,
    /// Time between polls of a shard (Lambda: about 250 ms).
    pub interval: Duration,
    pub batch_size: i32,
    pub max_retries: u32,
    /// Start at the newest record (LATEST) or the oldest kept (TRIM_HORIZON).
    pub from_latest: bool,
    /// The function this event source feeds: its stream reads are recorded as that
    /// function's (AWS runs the event source mapping with the function's role).
    pub function: Option<String>,
}

impl PollerConfig {
    pub fn new(table: impl Into<String>) -> Self {
        Self {
            table: table.into(),
            interval: Duration::from_millis(250),
            batch_size: 100,
            max_retries: 10,
            from_latest: true,
            function: None,
        }
    }
}

fn attribute_json(v: &AttributeValue) -> Value {
    match v {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": B64.encode(b.as_ref()) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::M(m) => json!({ "M": item_json(m) }),
        AttributeValue::L(l) => json!({ "L": l.iter().map(attribute_json).collect::<Vec<_>>() }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => {
            json!({ "BS": v.iter().map(|b| B64.encode(b.as_ref())).collect::<Vec<_>>() })
        }
        _ => Value::Null,
    }
}

fn item_json(item: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(
        item.iter()
            .map(|(k, v)| (k.clone(), attribute_json(v)))
            .collect::<Map<_, _>>(),
    )
}

/// The event Lambda would deliver for these records.
pub fn lambda_event(records: &[Record], stream_arn: &str, region: &str) -> Result<Event> {
    let records: Vec<Value> = records
        .iter()
        .map(|r| {
            let d = r.dynamodb();
            let mut change = json!({
                "ApproximateCreationDateTime": d.and_then(|d| d.approximate_creation_date_time()).map(|t| t.secs() as f64).unwrap_or(0.0),
                "Keys": d.and_then(|d| d.keys()).map(item_json).unwrap_or(json!({})),
                "SequenceNumber": d.and_then(|d| d.sequence_number()).unwrap_or_default(),
                "SizeBytes": d.and_then(|d| d.size_bytes()).unwrap_or(0),
                "StreamViewType": d.and_then(|d| d.stream_view_type()).map(|v| v.as_str().to_string()).unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into()),
            });
            if let Some(img) = d.and_then(|d| d.new_image()) {
                change["NewImage"] = item_json(img);
            }
            if let Some(img) = d.and_then(|d| d.old_image()) {
                change["OldImage"] = item_json(img);
            }
            json!({
                "eventID": r.event_id().unwrap_or_default(),
                "eventName": r.event_name().map(|n| n.as_str().to_string()).unwrap_or_default(),
                "eventVersion": r.event_version().unwrap_or("1.1"),
                "eventSource": "aws:dynamodb",
                "awsRegion": region,
                "eventSourceARN": stream_arn,
                "dynamodb": change,
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records }))
        .context("building the DynamoDB stream event")
}

fn sequence(r: &Record) -> &str {
    r.dynamodb()
        .and_then(|d| d.sequence_number())
        .unwrap_or_default()
}

pub struct StreamPoller {
    ddb: aws_sdk_dynamodb::Client,
    streams: aws_sdk_dynamodbstreams::Client,
    config: PollerConfig,
    region: String,
}

impl StreamPoller {
    pub fn new(sdk: &aws_config::SdkConfig, config: PollerConfig) -> Self {
        let recorder: Vec<_> = match config.function {
            Some(_) => cargoflow_aws::function_interceptors(sdk),
            None => Vec::new(),
        };
        Self {
            // Finding the stream is deployment's work (the mapping names its ARN): not recorded.
            ddb: aws_sdk_dynamodb::Client::new(sdk),
            streams: cargoflow_aws::client!(aws_sdk_dynamodbstreams, sdk, recorder),
            config,
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into()),
        }
    }

    async fn stream_arn(&self) -> Result<String> {
        let out = self
            .ddb
            .describe_table()
            .table_name(&self.config.table)
            .send()
            .await
            .context("DescribeTable")?;
        out.table()
            .and_then(|t| t.latest_stream_arn())
            .map(str::to_string)
            .ok_or_else(|| anyhow!("table {} has no stream", self.config.table))
    }

    async fn shards(&self, arn: &str) -> Result<Vec<(String, bool)>> {
        let mut out = Vec::new();
        let mut start: Option<String> = None;
        loop {
            let page = self
                .streams
                .describe_stream()
                .stream_arn(arn)
                .set_exclusive_start_shard_id(start.clone())
                .send()
                .await
                .context("DescribeStream")?;
            let Some(desc) = page.stream_description() else {
                break;
            };
            for s in desc.shards() {
                let open = s
                    .sequence_number_range()
                    .and_then(|r| r.ending_sequence_number())
                    .is_none();
                out.push((s.shard_id().unwrap_or_default().to_string(), open));
            }
            start = desc.last_evaluated_shard_id().map(str::to_string);
            if start.is_none() {
                break;
            }
        }
        Ok(out)
    }

    async fn iterator(
        &self,
        arn: &str,
        shard: &str,
        kind: ShardIteratorType,
    ) -> Result<Option<String>> {
        let out = self
            .streams
            .get_shard_iterator()
            .stream_arn(arn)
            .shard_id(shard)
            .shard_iterator_type(kind)
            .send()
            .await
            .context("GetShardIterator")?;
        Ok(out.shard_iterator().map(str::to_string))
    }

    async fn deliver(&self, consumer: &StreamConsumer, arn: &str, records: Vec<Record>) {
        let mut pending = records;
        let mut attempt = 0u32;
        while !pending.is_empty() {
            let event = match lambda_event(&pending, arn, &self.region) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(error = %e, "stream poller: cannot build event; dropping batch");
                    return;
                }
            };
            match consumer(event).await {
                Ok(resp) if resp.batch_item_failures.is_empty() => return,
                Ok(resp) => {
                    let failed: HashSet<String> = resp
                        .batch_item_failures
                        .iter()
                        .filter_map(|f| f.item_identifier.clone())
                        .collect();
                    let first = pending.iter().position(|r| failed.contains(sequence(r)));
                    match first {
                        Some(i) => pending.drain(..i).for_each(drop),
                        None => {
                            tracing::warn!(
                                "stream poller: failures name unknown records; retrying the batch"
                            );
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "stream consumer failed; retrying the batch"),
            }
            attempt += 1;
            if attempt > self.config.max_retries {
                tracing::error!(
                    records = pending.len(),
                    "stream poller: retries exhausted; records dropped"
                );
                return;
            }
            tokio::time::sleep(Duration::from_millis(200u64 * 2u64.pow(attempt.min(5)))).await;
        }
    }

    /// Polls until `shutdown` turns true. `ready` is told once every open shard has an
    /// iterator, so a caller can write knowing the poller will see it.
    pub async fn run(
        self,
        consumer: StreamConsumer,
        ready: Option<tokio::sync::oneshot::Sender<()>>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<()> {
        match self.config.function.clone() {
            Some(f) => {
                cargoflow_aws::calls::as_function(
                    f,
                    cargoflow_aws::calls::Via::EventSource,
                    self.poll(consumer, ready, shutdown),
                )
                .await
            }
            None => self.poll(consumer, ready, shutdown).await,
        }
    }

    async fn poll(
        self,
        consumer: StreamConsumer,
        ready: Option<tokio::sync::oneshot::Sender<()>>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<()> {
        let arn = self.stream_arn().await?;
        let mut iterators: HashMap<String, String> = HashMap::new();
        let mut known: HashSet<String> = HashSet::new();
        let first_kind = if self.config.from_latest {
            ShardIteratorType::Latest
        } else {
            ShardIteratorType::TrimHorizon
        };
        for (shard, open) in self.shards(&arn).await? {
            known.insert(shard.clone());
            if (open || !self.config.from_latest)
                && let Some(it) = self.iterator(&arn, &shard, first_kind.clone()).await?
            {
                iterators.insert(shard, it);
            }
        }
        if let Some(r) = ready {
            let _ = r.send(());
        }
        let mut tick: u64 = 0;
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            tick += 1;
            if tick.is_multiple_of(8) {
                // New shards (splits, rollovers) are read from their start.
                match self.shards(&arn).await {
                    Ok(shards) => {
                        for (shard, _) in shards {
                            if known.insert(shard.clone())
                                && let Ok(Some(it)) = self
                                    .iterator(&arn, &shard, ShardIteratorType::TrimHorizon)
                                    .await
                            {
                                iterators.insert(shard, it);
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "stream poller: DescribeStream failed"),
                }
            }
            let shard_ids: Vec<String> = iterators.keys().cloned().collect();
            for shard in shard_ids {
                let Some(it) = iterators.get(&shard).cloned() else {
                    continue;
                };
                match self
                    .streams
                    .get_records()
                    .shard_iterator(it)
                    .limit(self.config.batch_size)
                    .send()
                    .await
                {
                    Ok(out) => {
                        let records = out.records().to_vec();
                        match out.next_shard_iterator() {
                            Some(next) => {
                                iterators.insert(shard.clone(), next.to_string());
                            }
                            None => {
                                iterators.remove(&shard);
                            }
                        }
                        if !records.is_empty() {
                            self.deliver(&consumer, &arn, records).await;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = ?e, shard = %shard, "stream poller: GetRecords failed; renewing iterator");
                        iterators.remove(&shard);
                        known.remove(&shard);
                    }
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.interval) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// Starts a poller for every function whose template events include a DynamoDB stream,
/// feeding it the function's own handler. Stops when `shutdown` turns true.
pub fn start_from_template(
    template: &crate::template::Template,
    deps: Arc<cargoflow_functions::Deps>,
    sdk: &aws_config::SdkConfig,
    table: &str,
    shutdown: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for f in &template.functions {
        if !f.other_events.values().any(|t| t == "DynamoDB") {
            continue;
        }
        let handler = cargoflow_functions::registry::stream_function(&f.binary)
            .ok_or_else(|| anyhow!("{} has no stream handler", f.binary))?;
        let deps = deps.clone();
        let consumer: StreamConsumer = Arc::new(move |event| handler(deps.clone(), event));
        let poller = StreamPoller::new(
            sdk,
            PollerConfig {
                function: Some(f.binary.clone()),
                ..PollerConfig::new(table)
            },
        );
        let name = f.binary.clone();
        let shutdown = shutdown.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = poller.run(consumer, None, shutdown).await {
                tracing::error!(function = %name, error = %e, "stream poller stopped");
            }
        }));
        tracing::info!(function = %f.binary, "stream poller started");
    }
    Ok(tasks)
}
