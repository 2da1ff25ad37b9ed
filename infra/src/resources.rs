//! Creates the local resources as template.yaml declares them: the table (keys, GSIs,
//! stream, TTL), the POD bucket (CORS), the event bus, the webhook queue with its DLQ and
//! redrive, and the rule sending events to the queue. Idempotent: existing resources are kept.
//! Names come from the environment (TABLE_NAME, POD_BUCKET, EVENT_BUS_NAME,
//! WEBHOOK_QUEUE_NAME, WEBHOOK_DLQ_NAME); everything else from the template.

use anyhow::{Context, Result, anyhow};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};
use serde_yaml_ng::Value;

use crate::template::{Template, to_json};

#[derive(Debug, Clone)]
pub struct Names {
    pub table: String,
    pub bucket: String,
    pub bus: String,
    pub queue: String,
    pub dlq: String,
    /// The CSV import queue and its DLQ (`IMPORT_QUEUE_NAME`, `IMPORT_DLQ_NAME`).
    pub import_queue: String,
    pub import_dlq: String,
    /// The token signing key's secret (`SIGNING_KEY_SECRET_ID`).
    pub signing_secret: String,
    /// The transactional email sender, an SES identity (`EMAIL_FROM`).
    pub email_from: String,
    /// Origins allowed by the bucket's CORS (replaces the template's parameter).
    pub cors_origins: Vec<String>,
}

impl Names {
    pub fn from_env() -> Self {
        let var = |k: &str, d: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| d.to_string())
        };
        Self {
            table: var("TABLE_NAME", "cargoflow-local"),
            bucket: var("POD_BUCKET", "cargoflow-pod-local"),
            bus: var("EVENT_BUS_NAME", "cargoflow-local"),
            queue: var("WEBHOOK_QUEUE_NAME", "cargoflow-webhooks"),
            dlq: var("WEBHOOK_DLQ_NAME", "cargoflow-webhooks-dlq"),
            import_queue: var("IMPORT_QUEUE_NAME", "cargoflow-imports"),
            import_dlq: var("IMPORT_DLQ_NAME", "cargoflow-imports-dlq"),
            signing_secret: var("SIGNING_KEY_SECRET_ID", "cargoflow-signing-key-local"),
            email_from: var("EMAIL_FROM", "no-reply@cargoflow.local"),
            cors_origins: var("CORS_ALLOWED_ORIGINS", "*")
                .split(',')
                .map(|s| s.trim().to_string())
                .collect(),
        }
    }
}

impl Names {
    /// The local name of a template resource, by logical id.
    pub fn physical(&self, logical_id: &str) -> Option<String> {
        Some(match logical_id {
            "Table" => self.table.clone(),
            "PodBucket" => self.bucket.clone(),
            "EventBus" => self.bus.clone(),
            "WebhookQueue" => self.queue.clone(),
            "WebhookDeadLetterQueue" => self.dlq.clone(),
            "SigningKeySecret" => self.signing_secret.clone(),
            "EmailIdentity" => self.email_from.clone(),
            "ImportQueue" => self.import_queue.clone(),
            "ImportDeadLetterQueue" => self.import_dlq.clone(),
            "AlarmTopic" => "cargoflow-alarms".into(),
            _ => return None,
        })
    }
}

/// The CSV import queue and its DLQ (`IMPORT_QUEUE_NAME`, `IMPORT_DLQ_NAME`).
pub fn import_queue_names() -> (String, String) {
    let names = Names::from_env();
    (names.import_queue, names.import_dlq)
}

/// The import queue with its DLQ and redrive as the template declares them: its URL.
pub async fn create_import_queue(sqs: &aws_sdk_sqs::Client, template: &Template) -> Result<String> {
    let (name, dlq_name) = import_queue_names();
    create_import_queue_named(sqs, template, &name, &dlq_name).await
}

/// An import queue named `name` (DLQ `dlq_name`) with the template's settings: its URL. The
/// test harness gives each test binary its own, so a receive left open by a binary that has
/// exited never takes the next binary's job.
pub async fn create_import_queue_named(
    sqs: &aws_sdk_sqs::Client,
    template: &Template,
    name: &str,
    dlq_name: &str,
) -> Result<String> {
    create_queue_with_dlq(sqs, template, "ImportQueue", name, dlq_name)
        .await
        .map(|(url, _)| url)
}

/// A queue of the template (`logical_id`) named `name`, with its visibility timeout and a
/// redrive to the dead-letter queue `dlq_name` after the template's `maxReceiveCount`:
/// (queue URL, DLQ URL).
async fn create_queue_with_dlq(
    sqs: &aws_sdk_sqs::Client,
    template: &Template,
    logical_id: &str,
    name: &str,
    dlq_name: &str,
) -> Result<(String, String)> {
    use aws_sdk_sqs::types::QueueAttributeName as A;
    let q = template
        .properties(logical_id)
        .ok_or_else(|| anyhow!("template has no {logical_id}"))?;
    let dlq_url = sqs
        .create_queue()
        .queue_name(dlq_name)
        .send()
        .await
        .map_err(|e| anyhow!("CreateQueue {dlq_name}: {e:?}"))?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    let dlq_arn = queue_arn(sqs, &dlq_url).await?;
    let max_receive = q
        .get("RedrivePolicy")
        .and_then(|r| r.get("maxReceiveCount"))
        .and_then(Value::as_i64)
        .unwrap_or(5);
    let visibility = q
        .get("VisibilityTimeout")
        .and_then(Value::as_i64)
        .unwrap_or(30);
    let redrive =
        serde_json::json!({ "deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive })
            .to_string();
    let queue_url = sqs
        .create_queue()
        .queue_name(name)
        .attributes(A::VisibilityTimeout, visibility.to_string())
        .attributes(A::RedrivePolicy, redrive)
        .send()
        .await
        .map_err(|e| anyhow!("CreateQueue {name}: {e:?}"))?
        .queue_url()
        .unwrap_or_default()
        .to_string();
    Ok((queue_url, dlq_url))
}

fn s(v: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(v, |cur, k| cur.get(*k))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn key_schema(v: &Value) -> Result<Vec<KeySchemaElement>> {
    v.as_sequence()
        .ok_or_else(|| anyhow!("KeySchema is not a list"))?
        .iter()
        .map(|k| {
            let name = s(k, &["AttributeName"])
                .ok_or_else(|| anyhow!("KeySchema without AttributeName"))?;
            let kt = match s(k, &["KeyType"]).as_deref() {
                Some("HASH") => KeyType::Hash,
                Some("RANGE") => KeyType::Range,
                other => return Err(anyhow!("bad KeyType {other:?}")),
            };
            Ok(KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kt)
                .build()?)
        })
        .collect()
}

/// The table's global secondary indexes as its properties `p` in template.yaml declare them:
/// keys and projection (`ALL`, `KEYS_ONLY`, or `INCLUDE` with its `NonKeyAttributes`).
pub fn global_secondary_indexes(p: &Value) -> Result<Vec<GlobalSecondaryIndex>> {
    p.get("GlobalSecondaryIndexes")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .map(|g| {
            let name = s(g, &["IndexName"]).ok_or_else(|| anyhow!("GSI without IndexName"))?;
            let projection = g
                .get("Projection")
                .ok_or_else(|| anyhow!("GSI {name} has no Projection"))?;
            let non_key: Option<Vec<String>> = projection
                .get("NonKeyAttributes")
                .map(|v| {
                    v.as_sequence()
                        .ok_or_else(|| anyhow!("GSI {name}: NonKeyAttributes is not a list"))?
                        .iter()
                        .map(|a| {
                            a.as_str().map(str::to_string).ok_or_else(|| {
                                anyhow!("GSI {name}: NonKeyAttributes holds a non-string")
                            })
                        })
                        .collect()
                })
                .transpose()?;
            let projection_type = match s(projection, &["ProjectionType"]).as_deref() {
                Some("ALL") => ProjectionType::All,
                Some("KEYS_ONLY") => ProjectionType::KeysOnly,
                Some("INCLUDE") if non_key.as_ref().is_some_and(|a| !a.is_empty()) => {
                    ProjectionType::Include
                }
                Some("INCLUDE") => {
                    return Err(anyhow!("GSI {name}: INCLUDE without NonKeyAttributes"));
                }
                other => return Err(anyhow!("GSI {name}: bad ProjectionType {other:?}")),
            };
            if non_key.is_some() && projection_type != ProjectionType::Include {
                return Err(anyhow!("GSI {name}: NonKeyAttributes only go with INCLUDE"));
            }
            Ok(GlobalSecondaryIndex::builder()
                .index_name(name)
                .set_key_schema(Some(key_schema(
                    g.get("KeySchema")
                        .ok_or_else(|| anyhow!("GSI without KeySchema"))?,
                )?))
                .projection(
                    Projection::builder()
                        .projection_type(projection_type)
                        .set_non_key_attributes(non_key)
                        .build(),
                )
                .build()?)
        })
        .collect()
}

/// An existing table keeps its indexes (as CloudFormation would not: it rebuilds an index
/// whose projection changed); say so when they project otherwise than the template.
async fn warn_on_other_projections(
    ddb: &aws_sdk_dynamodb::Client,
    name: &str,
    wanted: &[GlobalSecondaryIndex],
) -> Result<()> {
    let out = ddb
        .describe_table()
        .table_name(name)
        .send()
        .await
        .map_err(|e| anyhow!("DescribeTable {name}: {e:?}"))?;
    let existing = out
        .table()
        .map(|t| t.global_secondary_indexes())
        .unwrap_or_default();
    let sorted = |p: Option<&Projection>| {
        let mut attrs = p
            .map(|p| p.non_key_attributes().to_vec())
            .unwrap_or_default();
        attrs.sort();
        (p.and_then(|p| p.projection_type().cloned()), attrs)
    };
    for w in wanted {
        let have = existing
            .iter()
            .find(|g| g.index_name() == Some(w.index_name()));
        let same = have.is_some_and(|g| sorted(g.projection()) == sorted(w.projection()));
        if !same {
            tracing::warn!(
                table = name,
                index = w.index_name(),
                "the existing table's index is missing or projects otherwise than \
                 template.yaml: delete the table to have it created anew"
            );
        }
    }
    Ok(())
}

pub async fn create_table(
    ddb: &aws_sdk_dynamodb::Client,
    template: &Template,
    name: &str,
) -> Result<()> {
    let p = template
        .properties("Table")
        .ok_or_else(|| anyhow!("template has no Table"))?;
    let attrs = p
        .get("AttributeDefinitions")
        .and_then(Value::as_sequence)
        .ok_or_else(|| anyhow!("Table has no AttributeDefinitions"))?
        .iter()
        .map(|a| {
            let t = match s(a, &["AttributeType"]).as_deref() {
                Some("S") => ScalarAttributeType::S,
                Some("N") => ScalarAttributeType::N,
                Some("B") => ScalarAttributeType::B,
                other => return Err(anyhow!("bad AttributeType {other:?}")),
            };
            Ok(AttributeDefinition::builder()
                .attribute_name(s(a, &["AttributeName"]).unwrap_or_default())
                .attribute_type(t)
                .build()?)
        })
        .collect::<Result<Vec<_>>>()?;
    let mut req = ddb
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attrs))
        .set_key_schema(Some(key_schema(
            p.get("KeySchema")
                .ok_or_else(|| anyhow!("Table has no KeySchema"))?,
        )?));
    let indexes = global_secondary_indexes(p)?;
    if !indexes.is_empty() {
        req = req.set_global_secondary_indexes(Some(indexes.clone()));
    }
    if let Some(view) = s(p, &["StreamSpecification", "StreamViewType"]) {
        req = req.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(view.as_str()))
                .build()?,
        );
    }
    match req.send().await {
        Ok(_) => tracing::info!(table = name, "table created"),
        Err(e) if format!("{e:?}").contains("ResourceInUseException") => {
            tracing::info!(table = name, "table exists");
            warn_on_other_projections(ddb, name, &indexes).await?;
        }
        Err(e) => return Err(anyhow!("CreateTable {name}: {e:?}")),
    }
    if let Some(ttl) = s(p, &["TimeToLiveSpecification", "AttributeName"]) {
        let r = ddb
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(ttl)
                    .enabled(true)
                    .build()?,
            )
            .send()
            .await;
        if let Err(e) = r {
            let msg = format!("{e:?}");
            if !msg.contains("TimeToLive is already enabled") {
                return Err(anyhow!("UpdateTimeToLive: {msg}"));
            }
        }
    }
    Ok(())
}

pub async fn create_bucket(
    s3: &aws_sdk_s3::Client,
    template: &Template,
    names: &Names,
) -> Result<()> {
    use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
    match s3.create_bucket().bucket(&names.bucket).send().await {
        Ok(_) => tracing::info!(bucket = %names.bucket, "bucket created"),
        Err(e) => {
            let msg = format!("{e:?}");
            if !msg.contains("BucketAlreadyOwnedByYou") && !msg.contains("BucketAlreadyExists") {
                return Err(anyhow!("CreateBucket: {msg}"));
            }
        }
    }
    let p = template
        .properties("PodBucket")
        .ok_or_else(|| anyhow!("template has no PodBucket"))?;
    let mut rules = Vec::new();
    for r in p
        .get("CorsConfiguration")
        .and_then(|c| c.get("CorsRules"))
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        let list = |k: &str| -> Vec<String> {
            r.get(k)
                .and_then(Value::as_sequence)
                .map(|v| {
                    v.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        rules.push(
            CorsRule::builder()
                .set_allowed_methods(Some(list("AllowedMethods")))
                .set_allowed_origins(Some(names.cors_origins.clone()))
                .set_allowed_headers(Some(list("AllowedHeaders")))
                .set_expose_headers(Some(list("ExposedHeaders")))
                .set_max_age_seconds(r.get("MaxAge").and_then(Value::as_i64).map(|v| v as i32))
                .build()?,
        );
    }
    if p.get("VersioningConfiguration").is_some() {
        use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
        s3.put_bucket_versioning()
            .bucket(&names.bucket)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| anyhow!("PutBucketVersioning: {e:?}"))?;
    }
    if p.get("BucketEncryption").is_some() {
        use aws_sdk_s3::types::{
            ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
            ServerSideEncryptionRule,
        };
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::Aes256)
                    .build()?,
            )
            .build();
        s3.put_bucket_encryption()
            .bucket(&names.bucket)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()?,
            )
            .send()
            .await
            .map_err(|e| anyhow!("PutBucketEncryption: {e:?}"))?;
    }
    s3.put_bucket_cors()
        .bucket(&names.bucket)
        .cors_configuration(
            CorsConfiguration::builder()
                .set_cors_rules(Some(rules))
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow!("PutBucketCors: {e:?}"))?;
    Ok(())
}

async fn queue_arn(sqs: &aws_sdk_sqs::Client, url: &str) -> Result<String> {
    let out = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(|e| anyhow!("GetQueueAttributes: {e:?}"))?;
    out.attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
        .cloned()
        .ok_or_else(|| anyhow!("queue {url} has no ARN"))
}

pub async fn create_queues_and_rule(
    sqs: &aws_sdk_sqs::Client,
    events: &aws_sdk_eventbridge::Client,
    template: &Template,
    names: &Names,
) -> Result<(String, String)> {
    let (queue_url, dlq_url) =
        create_queue_with_dlq(sqs, template, "WebhookQueue", &names.queue, &names.dlq).await?;
    let queue_arn = queue_arn(sqs, &queue_url).await?;

    if let Err(e) = events.create_event_bus().name(&names.bus).send().await {
        let msg = format!("{e:?}");
        if !msg.contains("ResourceAlreadyExists") {
            return Err(anyhow!("CreateEventBus: {msg}"));
        }
    }
    let rule = template
        .properties("WebhookRule")
        .ok_or_else(|| anyhow!("template has no WebhookRule"))?;
    let pattern = to_json(
        rule.get("EventPattern")
            .ok_or_else(|| anyhow!("WebhookRule has no EventPattern"))?,
    );
    let rule_name = format!("{}-webhooks", names.bus);
    events
        .put_rule()
        .name(&rule_name)
        .event_bus_name(&names.bus)
        .event_pattern(pattern.to_string())
        .send()
        .await
        .map_err(|e| anyhow!("PutRule: {e:?}"))?;
    events
        .put_targets()
        .rule(&rule_name)
        .event_bus_name(&names.bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("webhook-queue")
                .arn(&queue_arn)
                .build()?,
        )
        .send()
        .await
        .map_err(|e| anyhow!("PutTargets: {e:?}"))?;
    Ok((queue_url, dlq_url))
}

/// The token signing key's secret, made as CloudFormation makes it from the template's
/// `GenerateSecretString` (a random alphanumeric string of `PasswordLength` under
/// `GenerateStringKey` in `SecretStringTemplate`). An existing secret is kept.
pub async fn create_signing_secret(
    client: &aws_sdk_secretsmanager::Client,
    template: &Template,
    name: &str,
) -> Result<()> {
    let props = template
        .resources
        .get("SigningKeySecret")
        .and_then(|r| r.get("Properties"))
        .and_then(|p| p.get("GenerateSecretString"))
        .ok_or_else(|| anyhow!("SigningKeySecret has no GenerateSecretString"))?;
    let length = props
        .get("PasswordLength")
        .and_then(Value::as_u64)
        .unwrap_or(32) as usize;
    let key = s(props, &["GenerateStringKey"]).ok_or_else(|| anyhow!("no GenerateStringKey"))?;
    let mut value: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&s(props, &["SecretStringTemplate"]).unwrap_or_else(|| "{}".into()))?;
    use rand::Rng;
    let random: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(length)
        .map(char::from)
        .collect();
    value.insert(key, serde_json::Value::String(random));
    match client
        .create_secret()
        .name(name)
        .secret_string(serde_json::Value::Object(value).to_string())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(anyhow!(
            "CreateSecret {name}: {}",
            aws_sdk_secretsmanager::error::DisplayErrorContext(e)
        )),
    }
}

/// The sender identity (the template's `EmailIdentity`; SES refuses to send from anything
/// else). An existing identity is kept.
pub async fn create_email_identity(client: &aws_sdk_sesv2::Client, from: &str) -> Result<()> {
    match client
        .create_email_identity()
        .email_identity(from)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(anyhow!(
            "CreateEmailIdentity {from}: {}",
            aws_sdk_sesv2::error::DisplayErrorContext(e)
        )),
    }
}

/// Everything, in order. Prints the queue URLs for the caller's environment.
pub async fn create_all(
    sdk: &aws_config::SdkConfig,
    template: &Template,
    names: &Names,
) -> Result<Created> {
    let ddb = aws_sdk_dynamodb::Client::new(sdk);
    create_table(&ddb, template, &names.table)
        .await
        .context("table")?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    create_bucket(&s3, template, names)
        .await
        .context("bucket")?;
    let sqs = aws_sdk_sqs::Client::new(sdk);
    let events = aws_sdk_eventbridge::Client::new(sdk);
    let (queue, dlq) = create_queues_and_rule(&sqs, &events, template, names)
        .await
        .context("queues and rule")?;
    let import_queue = create_import_queue(&sqs, template)
        .await
        .context("import queue")?;
    tracing::info!(%queue, %dlq, %import_queue, "queues ready");
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    create_signing_secret(&secrets, template, &names.signing_secret)
        .await
        .context("signing key secret")?;
    create_email_identity(&aws_sdk_sesv2::Client::new(sdk), &names.email_from)
        .await
        .context("email identity")?;
    Ok(Created {
        queue_url: queue,
        dlq_url: dlq,
        import_queue_url: import_queue,
    })
}

/// What the functions are configured with after the resources exist (template.yaml sets the
/// same on every function in AWS).
#[derive(Debug, Clone)]
pub struct Created {
    pub queue_url: String,
    pub dlq_url: String,
    pub import_queue_url: String,
}

impl Created {
    /// `KEY=value` lines for the functions' environment.
    pub fn env_lines(&self) -> String {
        format!(
            "WEBHOOK_QUEUE_URL={}\nWEBHOOK_DLQ_URL={}\nIMPORT_QUEUE_URL={}\n",
            self.queue_url, self.dlq_url, self.import_queue_url
        )
    }
}
