//! Plays Lambda's DynamoDB stream event source: one poller per shard, all at once (as Lambda
//! runs one per shard), each reading its shard in order, turning records into the JSON Lambda
//! delivers and handing batches to a consumer. A shard that returned records is read again at
//! once; an idle one about 4 times a second, as Lambda does. A shard's children (a rollover
//! or split) are read from their start once the parent is read to its end, looked for the
//! moment it ends (and every second besides). With `ReportBatchItemFailures`, a batch that
//! reports a failed record is retried from that record (records before it are done); a
//! consumer error retries the whole batch; after `max_retries` the batch is dropped and
//! logged, as Lambda does once `MaximumRetryAttempts` is spent.

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
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

pub type StreamConsumer =
    Arc<dyn Fn(Event) -> BoxFuture<'static, Result<DynamoDbEventResponse, String>> + Send + Sync>;

#[derive(Clone, Debug)]
pub struct PollerConfig {
    pub table: String,
    /// Time between polls of an idle shard (Lambda: about 250 ms); a shard that returned
    /// records is polled again at once.
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

    /// The stream's shards, parents before children as DescribeStream lists them.
    async fn shards(&self, arn: &str) -> Result<Vec<Shard>> {
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
                out.push(Shard {
                    id: s.shard_id().unwrap_or_default().to_string(),
                    parent: s.parent_shard_id().map(str::to_string),
                    open,
                });
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
        self.iterator_after(arn, shard, kind, None).await
    }

    /// An iterator of `kind`; for AFTER_SEQUENCE_NUMBER, after `sequence`.
    async fn iterator_after(
        &self,
        arn: &str,
        shard: &str,
        kind: ShardIteratorType,
        sequence: Option<&str>,
    ) -> Result<Option<String>> {
        let out = self
            .streams
            .get_shard_iterator()
            .stream_arn(arn)
            .shard_id(shard)
            .shard_iterator_type(kind)
            .set_sequence_number(sequence.map(str::to_string))
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
        let first_kind = if self.config.from_latest {
            ShardIteratorType::Latest
        } else {
            ShardIteratorType::TrimHorizon
        };
        let this = Arc::new(self);
        let mut shards = ShardTable::default();
        let mut start: Vec<(String, String)> = Vec::new();
        for shard in this.shards(&arn).await? {
            // From the newest records: closed shards are history, not read.
            if shard.open || !this.config.from_latest {
                // Parents first: a child waits for its parent (read from its start).
                if shards.may_start(&shard) {
                    match this.iterator(&arn, &shard.id, first_kind.clone()).await? {
                        Some(it) => {
                            start.push((shard.id.clone(), it));
                            shards.started(&shard.id);
                        }
                        // Nothing to read in it.
                        None => shards.finished(&shard.id),
                    }
                } else {
                    shards.waiting(shard);
                    continue;
                }
            } else {
                shards.finished(&shard.id);
            }
        }
        // Every shard read now has its iterator: a write from here on is seen.
        if let Some(r) = ready {
            let _ = r.send(());
        }
        // One task per shard; a task that ends (its shard read to its end) says so here.
        let (ended_tx, mut ended_rx) = mpsc::unbounded_channel::<String>();
        let caller = cargoflow_aws::calls::current();
        let task_shutdown = shutdown.clone();
        let mut tasks = JoinSet::new();
        let spawn = |tasks: &mut JoinSet<()>, shard: String, iterator: Option<String>| {
            let reader = ShardReader {
                poller: this.clone(),
                consumer: consumer.clone(),
                arn: arn.clone(),
                shard,
                shutdown: task_shutdown.clone(),
                ended: ended_tx.clone(),
            };
            let run = reader.run(iterator);
            match caller.clone() {
                // The mapping's reads stay recorded as its function's.
                Some(c) => tasks.spawn(cargoflow_aws::calls::as_function(c.function, c.via, run)),
                None => tasks.spawn(run),
            };
        };
        for (shard, it) in start {
            spawn(&mut tasks, shard, Some(it));
        }
        let discovery = this.config.interval.max(Duration::from_millis(250)) * 4;
        loop {
            tokio::select! {
                ended = ended_rx.recv() => {
                    if let Some(shard) = ended {
                        shards.finished(&shard);
                    }
                }
                go_on = wait_or_stop(&mut shutdown, discovery) => {
                    if !go_on {
                        break;
                    }
                }
            }
            if *shutdown.borrow() {
                break;
            }
            // New shards (rollovers, splits; a child the moment its parent ends) are read
            // from their start.
            match this.shards(&arn).await {
                Ok(found) => {
                    for shard in found {
                        if shards.is_new(&shard.id) {
                            shards.waiting(shard);
                        }
                    }
                    // Parents are listed first: one started here keeps its children waiting.
                    for shard in shards.waiting.clone() {
                        if shards.may_start(&shard) {
                            shards.started(&shard.id);
                            spawn(&mut tasks, shard.id, None);
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "stream poller: DescribeStream failed"),
            }
        }
        while tasks.join_next().await.is_some() {}
        Ok(())
    }
}

/// Waits `d`; false when `shutdown` turned true meanwhile (a dropped sender never stops).
async fn wait_or_stop(shutdown: &mut watch::Receiver<bool>, d: Duration) -> bool {
    let sleep = tokio::time::sleep(d);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            _ = &mut sleep => return true,
            changed = shutdown.changed() => match changed {
                Ok(()) if *shutdown.borrow() => return false,
                Ok(()) => {}
                Err(_) => {
                    (&mut sleep).await;
                    return true;
                }
            },
        }
    }
}

/// One shard as DescribeStream lists it.
#[derive(Clone, Debug)]
struct Shard {
    id: String,
    parent: Option<String>,
    open: bool,
}

/// Which shards are being read, are read to their end, or wait for their parent.
#[derive(Default)]
struct ShardTable {
    reading: HashSet<String>,
    done: HashSet<String>,
    waiting: Vec<Shard>,
}

impl ShardTable {
    fn is_new(&self, id: &str) -> bool {
        !self.reading.contains(id)
            && !self.done.contains(id)
            && !self.waiting.iter().any(|w| w.id == id)
    }

    /// A shard may be read once its parent is not (any more, or never was) being read or
    /// waiting: Lambda reads a parent to its end before its children.
    fn may_start(&self, shard: &Shard) -> bool {
        shard
            .parent
            .as_deref()
            .is_none_or(|p| !self.reading.contains(p) && !self.waiting.iter().any(|w| w.id == p))
    }

    fn waiting(&mut self, shard: Shard) {
        self.waiting.push(shard);
    }

    fn started(&mut self, id: &str) {
        self.waiting.retain(|w| w.id != id);
        self.reading.insert(id.to_string());
    }

    fn finished(&mut self, id: &str) {
        self.waiting.retain(|w| w.id != id);
        self.reading.remove(id);
        self.done.insert(id.to_string());
    }
}

/// Failed iterator renewals in a row after which a shard is left.
const MAX_RENEWALS: u32 = 20;

/// Reads one shard from its iterator to its end (or until shutdown), batch after batch.
struct ShardReader {
    poller: Arc<StreamPoller>,
    consumer: StreamConsumer,
    arn: String,
    shard: String,
    shutdown: watch::Receiver<bool>,
    ended: mpsc::UnboundedSender<String>,
}

impl ShardReader {
    /// `iterator` None: from the shard's start (TRIM_HORIZON).
    async fn run(mut self, iterator: Option<String>) {
        let p = self.poller.clone();
        let mut last_sequence: Option<String> = None;
        let mut iterator = iterator;
        let mut failures = 0;
        loop {
            if *self.shutdown.borrow() {
                return;
            }
            let it = match iterator.take() {
                Some(it) => it,
                None => match self.renew(last_sequence.as_deref()).await {
                    Some(Some(it)) => it,
                    // The shard has nothing more to read.
                    Some(None) => break,
                    // Gone (trimmed) or the stream unreachable for long: left, as Lambda
                    // leaves a shard it cannot read.
                    None if failures >= MAX_RENEWALS => {
                        tracing::error!(shard = %self.shard, "stream poller: shard left unread");
                        break;
                    }
                    None => {
                        failures += 1;
                        if !self.pause().await {
                            return;
                        }
                        continue;
                    }
                },
            };
            match p
                .streams
                .get_records()
                .shard_iterator(it)
                .limit(p.config.batch_size)
                .send()
                .await
            {
                Ok(out) => {
                    failures = 0;
                    let records = out.records().to_vec();
                    let next = out.next_shard_iterator().map(str::to_string);
                    let idle = records.is_empty();
                    if let Some(last) = records.last() {
                        last_sequence = Some(sequence(last).to_string());
                    }
                    if !idle {
                        p.deliver(&self.consumer, &self.arn, records).await;
                    }
                    match next {
                        Some(next) => iterator = Some(next),
                        // Closed and read to its end.
                        None => break,
                    }
                    // Records came: read on at once; an idle shard waits its interval.
                    if idle && !self.pause().await {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = ?e, shard = %self.shard, "stream poller: GetRecords failed; renewing iterator");
                    if !self.pause().await {
                        return;
                    }
                }
            }
        }
        let _ = self.ended.send(self.shard.clone());
    }

    /// A fresh iterator: after the last record handed on, or from the start when none was
    /// (Some(None): the shard has no more). None when GetShardIterator failed.
    async fn renew(&self, last_sequence: Option<&str>) -> Option<Option<String>> {
        let kind = match last_sequence {
            Some(_) => ShardIteratorType::AfterSequenceNumber,
            None => ShardIteratorType::TrimHorizon,
        };
        match self
            .poller
            .iterator_after(&self.arn, &self.shard, kind, last_sequence)
            .await
        {
            Ok(it) => Some(it),
            Err(e) => {
                tracing::warn!(error = %e, shard = %self.shard, "stream poller: GetShardIterator failed");
                None
            }
        }
    }

    /// Waits the poll interval; false when shutdown came meanwhile.
    async fn pause(&mut self) -> bool {
        let interval = self.poller.config.interval;
        wait_or_stop(&mut self.shutdown, interval).await
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
