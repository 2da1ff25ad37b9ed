//! Plays Lambda's SQS event source: several pollers at once ([`POLLERS`], as Lambda starts
//! with five), each long-polling the queue (`WaitTimeSeconds`; one receive under way at a
//! time, see `receiving`) and handing what one receive brought (up to 10 messages) to the
//! function as the SQS event Lambda sends (with
//! ApproximateReceiveCount), then deleting the messages it did not report as failed (one
//! DeleteMessageBatch) and polling again at once. The failed ones come back when their
//! visibility timeout ends (the function may have changed it to back off). The queue's own
//! redrive policy moves a message to its DLQ after maxReceiveCount, as in AWS. Like Lambda,
//! the function gets its template `Timeout` per batch: a run that overruns it is stopped and
//! the whole batch comes back (each message's receive count spent).

use std::sync::Arc;

use anyhow::{Result, anyhow};
use aws_sdk_sqs::types::MessageSystemAttributeName;
use cargoflow_functions::Deps;
use cargoflow_functions::registry::SqsFn;
use serde_json::{Value, json};
use tokio::sync::watch;

pub struct SqsPoller {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    queue_arn: String,
    region: String,
    timeout: std::time::Duration,
    pollers: usize,
    wait_secs: i32,
    /// One receive at a time: the stand-in (moto) does not make a receive atomic, so two at
    /// once can both take the same message. The batches are still handled concurrently.
    receiving: tokio::sync::Mutex<()>,
}

/// Lambda's timeout when the template's Globals set none.
const DEFAULT_TIMEOUT_SECS: u64 = 10;
/// Pollers per queue: Lambda's SQS event source starts with five.
pub const POLLERS: usize = 5;
/// How long one receive waits for a message (`WaitTimeSeconds`). Lambda waits 20 s; short
/// here, because a long poll whose poller stopped (a test's end) is still served by the
/// stand-in, and the messages it takes stay invisible for their visibility timeout. A new
/// message answers a waiting receive at once either way.
pub const WAIT_SECS: i32 = 2;

/// A function's `Properties.Timeout` in the template (else the Globals' 10 s).
pub fn function_timeout(
    template: &crate::template::Template,
    logical_id: &str,
) -> std::time::Duration {
    let secs = template
        .resources
        .get(logical_id)
        .and_then(|r| r.get("Properties"))
        .and_then(|p| p.get("Timeout"))
        .and_then(serde_yaml_ng::Value::as_u64)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    std::time::Duration::from_secs(secs)
}

impl SqsPoller {
    /// A poller of `queue_name`; its receives and deletes are recorded as `function`'s (AWS
    /// runs the event source mapping with the function's role).
    pub async fn new(
        sdk: &aws_config::SdkConfig,
        queue_name: &str,
        function: Option<&str>,
    ) -> Result<Self> {
        // Finding the queue is deployment's work (the mapping names its ARN): not recorded.
        let setup = aws_sdk_sqs::Client::new(sdk);
        let recorder: Vec<_> = match function {
            Some(_) => cargoflow_aws::function_interceptors(sdk),
            None => Vec::new(),
        };
        let sqs = cargoflow_aws::client!(aws_sdk_sqs, sdk, recorder);
        let queue_url = setup
            .get_queue_url()
            .queue_name(queue_name)
            .send()
            .await
            .map_err(|e| anyhow!("GetQueueUrl {queue_name}: {e:?}"))?
            .queue_url
            .unwrap_or_default();
        let attrs = setup
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .map_err(|e| anyhow!("GetQueueAttributes: {e:?}"))?;
        let queue_arn = attrs
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            sqs,
            queue_url,
            queue_arn,
            region: sdk
                .region()
                .map(|r| r.to_string())
                .unwrap_or_else(|| "us-east-1".into()),
            timeout: std::time::Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            pollers: POLLERS,
            wait_secs: WAIT_SECS,
            receiving: tokio::sync::Mutex::new(()),
        })
    }

    /// The function's timeout per batch (its template `Timeout`).
    pub fn with_timeout(self, timeout: std::time::Duration) -> Self {
        Self { timeout, ..self }
    }

    /// How many pollers receive at once (at least one).
    pub fn with_pollers(self, pollers: usize) -> Self {
        Self {
            pollers: pollers.max(1),
            ..self
        }
    }

    fn event(&self, messages: &[aws_sdk_sqs::types::Message]) -> Value {
        let records: Vec<Value> = messages
            .iter()
            .map(|m| {
                let attrs: serde_json::Map<String, Value> = m
                    .attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| (k.as_str().to_string(), Value::String(v.clone())))
                            .collect()
                    })
                    .unwrap_or_default();
                let message_attrs: serde_json::Map<String, Value> = m
                    .message_attributes()
                    .map(|a| {
                        a.iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    json!({"stringValue": v.string_value(), "dataType": v.data_type(),
                                        "stringListValues": [], "binaryListValues": []}),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "messageId": m.message_id(),
                    "receiptHandle": m.receipt_handle(),
                    "body": m.body(),
                    "attributes": attrs,
                    "messageAttributes": message_attrs,
                    "md5OfBody": m.md5_of_body(),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn,
                    "awsRegion": self.region,
                })
            })
            .collect();
        json!({ "Records": records })
    }

    /// Polls until `shutdown` turns true, with every poller at once (on this task, so the
    /// calls stay recorded as the caller's function).
    pub async fn run(
        self,
        handler: SqsFn,
        deps: Arc<Deps>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<()> {
        let pollers = (0..self.pollers).map(|_| self.poll(handler, deps.clone(), shutdown.clone()));
        futures::future::join_all(pollers).await;
        Ok(())
    }

    /// One poller: receive, invoke, delete what succeeded, and again at once.
    async fn poll(&self, handler: SqsFn, deps: Arc<Deps>, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let received = tokio::select! {
                r = self.receive() => r,
                // Stopped (or no one can stop it any more): as before, the poller ends.
                _ = shutdown.changed() => return,
            };
            let messages = match received {
                Ok(out) => out.messages.unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = ?e, "sqs poller: ReceiveMessage failed");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            if messages.is_empty() {
                continue;
            }
            let event = match serde_json::from_value(self.event(&messages)) {
                Ok(e) => e,
                Err(e) => {
                    tracing::error!(error = %e, "sqs poller: cannot build the event");
                    continue;
                }
            };
            let run = tokio::time::timeout(self.timeout, handler(deps.clone(), event)).await;
            let Ok(run) = run else {
                tracing::warn!(timeout = ?self.timeout, "sqs consumer timed out: the whole batch comes back");
                continue;
            };
            let failed: Vec<String> = match run {
                Ok(resp) => resp
                    .batch_item_failures
                    .into_iter()
                    .map(|f| f.item_identifier)
                    .collect(),
                Err(e) => {
                    tracing::warn!(error = %e, "sqs consumer failed: the whole batch comes back");
                    continue;
                }
            };
            self.delete_done(&messages, &failed).await;
        }
    }

    /// One long poll (see `receiving`).
    async fn receive(
        &self,
    ) -> Result<
        aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput,
        aws_sdk_sqs::error::SdkError<aws_sdk_sqs::operation::receive_message::ReceiveMessageError>,
    > {
        let _one = self.receiving.lock().await;
        self.sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(self.wait_secs)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
    }

    /// Deletes the batch's messages not reported failed, in one call.
    async fn delete_done(&self, messages: &[aws_sdk_sqs::types::Message], failed: &[String]) {
        let entries: Vec<_> = messages
            .iter()
            .filter(|m| !failed.iter().any(|f| Some(f.as_str()) == m.message_id()))
            .filter_map(|m| m.receipt_handle())
            .enumerate()
            .filter_map(|(i, h)| {
                aws_sdk_sqs::types::DeleteMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .receipt_handle(h)
                    .build()
                    .ok()
            })
            .collect();
        if entries.is_empty() {
            return;
        }
        match self
            .sqs
            .delete_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
        {
            Ok(out) if !out.failed().is_empty() => tracing::warn!(
                failed = out.failed().len(),
                "sqs poller: some deletes failed; those messages come back"
            ),
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = ?e, "sqs poller: DeleteMessageBatch failed; the batch comes back")
            }
        }
    }
}

/// A poller per SQS event source in the template, feeding the function's handler.
pub async fn start_from_template(
    template: &crate::template::Template,
    deps: Arc<Deps>,
    sdk: &aws_config::SdkConfig,
    shutdown: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>> {
    let mut tasks = Vec::new();
    for f in &template.functions {
        for q in &f.sqs_queues {
            let handler = cargoflow_functions::registry::sqs_function(&f.binary)
                .ok_or_else(|| anyhow!("{} has no SQS handler", f.binary))?;
            let name = crate::resources::Names::from_env()
                .physical(q)
                .ok_or_else(|| {
                    anyhow!("no local name for queue {q}: add it to resources::Names")
                })?;
            let poller = SqsPoller::new(sdk, &name, Some(&f.binary))
                .await?
                .with_timeout(function_timeout(template, &f.logical_id));
            let (deps, shutdown, function) = (deps.clone(), shutdown.clone(), f.binary.clone());
            tasks.push(tokio::spawn(cargoflow_aws::calls::as_function(
                function.clone(),
                cargoflow_aws::calls::Via::EventSource,
                async move {
                    if let Err(e) = poller.run(handler, deps, shutdown).await {
                        tracing::error!(%function, error = %e, "sqs poller stopped");
                    }
                },
            )));
            tracing::info!(function = %f.binary, queue = %name, "sqs poller started");
        }
    }
    Ok(tasks)
}
