//! Which AWS calls each function makes, as IAM sees them: the action and the resource ARN.
//!
//! The local host runs every function in one process, where nothing enforces IAM. So the
//! clients of a function carry [`CallRecorder`] (when `AWS_CALL_LOG` names a file): it reads
//! the operation from the SDK's metadata, the resources from the serialized request, and the
//! function from the task-local [`Caller`] that the HTTP and event wrappers set
//! ([`as_function`]). Presigned S3 URLs go through the same interceptor when the S3 client
//! signs them (it stops before sending): whoever uses one acts with the signer's permissions,
//! so they are recorded as the calls they allow. `check-iam` (infra/) then checks every line
//! against the function's policy in template.yaml.
//!
//! Each distinct call is written once per process, as one JSON line appended to the file, so
//! several processes (test binaries, the local host) can share it.

use std::collections::HashSet;
use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a function came to make a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The function's own code, handling a request or an event.
    Code,
    /// The function's init (the DynamoDB warm-up), once per instance.
    Init,
    /// The event source mapping that feeds the function (stream or queue polling), which AWS
    /// runs with the function's role.
    EventSource,
}

/// The function a task is running for.
#[derive(Debug, Clone)]
pub struct Caller {
    pub function: Arc<str>,
    pub via: Via,
}

tokio::task_local! {
    static CALLER: Caller;
}

/// Runs `f` as `function`: the AWS calls it makes are recorded under that name.
pub async fn as_function<F: Future>(function: impl Into<Arc<str>>, via: Via, f: F) -> F::Output {
    CALLER
        .scope(
            Caller {
                function: function.into(),
                via,
            },
            f,
        )
        .await
}

/// The function the current task runs for, if any.
pub fn current() -> Option<Caller> {
    CALLER.try_with(Caller::clone).ok()
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Call {
    /// The function's one name (binary, registry entry); empty when no function was running.
    pub function: String,
    pub via: Via,
    /// The API operation (`TransactWriteItems`, `PostToConnection`, ...).
    pub operation: String,
    /// The IAM action it needs (`dynamodb:PutItem`, `execute-api:ManageConnections`, ...).
    pub action: String,
    /// The resource's ARN.
    pub resource: String,
}

/// One IAM action on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub action: String,
    pub resource: String,
}

/// Where ARNs are built: the region of the SDK configuration and the account
/// (`AWS_ACCOUNT_ID`; locally a placeholder, the checker uses the same one).
#[derive(Debug, Clone)]
pub struct ArnContext {
    pub region: String,
    pub account: String,
}

impl ArnContext {
    pub fn from_env(region: Option<&str>) -> Self {
        Self {
            region: region.unwrap_or("us-east-1").to_string(),
            account: std::env::var("AWS_ACCOUNT_ID")
                .ok()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| LOCAL_ACCOUNT.to_string()),
        }
    }
}

/// The account of ARNs recorded offline.
pub const LOCAL_ACCOUNT: &str = "000000000000";

/// The IAM service prefix of an SDK service name (`Metadata::service`).
pub fn iam_prefix(sdk_service: &str) -> String {
    match sdk_service {
        "DynamoDB" | "DynamoDB Streams" => "dynamodb".into(),
        "SQS" => "sqs".into(),
        "EventBridge" => "events".into(),
        "ApiGatewayManagementApi" => "execute-api".into(),
        "Secrets Manager" => "secretsmanager".into(),
        "S3" => "s3".into(),
        "SNS" => "sns".into(),
        "SESv2" => "ses".into(),
        other => other.to_ascii_lowercase().replace(' ', ""),
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The actions and resources one request needs, from its operation and serialized form.
/// Transactions need the action of each item (`TransactWriteItems` of a Put and a
/// ConditionCheck needs `dynamodb:PutItem` and `dynamodb:ConditionCheckItem`), as IAM
/// evaluates them.
pub fn accesses(
    sdk_service: &str,
    operation: &str,
    method: &str,
    uri: &str,
    body: &[u8],
    arn: &ArnContext,
) -> Vec<Access> {
    let prefix = iam_prefix(sdk_service);
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let (region, account) = (&arn.region, &arn.account);
    let access = |action: &str, resource: String| Access {
        action: format!("{prefix}:{action}"),
        resource,
    };
    match prefix.as_str() {
        "dynamodb" => {
            let table = |name: &str| {
                if name.starts_with("arn:") {
                    name.to_string()
                } else {
                    format!("arn:aws:dynamodb:{region}:{account}:table/{name}")
                }
            };
            match operation {
                "TransactWriteItems" | "TransactGetItems" => json
                    .get("TransactItems")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|item| {
                        let (kind, inner) = item.as_object()?.iter().next()?;
                        let action = match kind.as_str() {
                            "Put" => "PutItem",
                            "Update" => "UpdateItem",
                            "Delete" => "DeleteItem",
                            "ConditionCheck" => "ConditionCheckItem",
                            "Get" => "GetItem",
                            _ => return None,
                        };
                        Some(access(action, table(str_at(inner, "TableName")?)))
                    })
                    .collect(),
                "BatchGetItem" | "BatchWriteItem" => json
                    .get("RequestItems")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(name, _)| access(operation, table(name)))
                    .collect(),
                // Stream reads name the stream (or an opaque iterator): the resource is the
                // stream ARN when given.
                "DescribeStream" | "GetShardIterator" | "GetRecords" | "ListStreams" => {
                    vec![access(
                        operation,
                        str_at(&json, "StreamArn").unwrap_or("*").to_string(),
                    )]
                }
                _ => match str_at(&json, "TableName") {
                    Some(name) => {
                        let mut resource = table(name);
                        if let Some(index) = str_at(&json, "IndexName") {
                            resource = format!("{resource}/index/{index}");
                        }
                        vec![access(operation, resource)]
                    }
                    None => vec![access(operation, "*".into())],
                },
            }
        }
        "sqs" => {
            // Batch operations are authorised as their single action.
            let operation = operation.strip_suffix("Batch").unwrap_or(operation);
            let access = |action: &str, resource: String| Access {
                action: format!("sqs:{action}"),
                resource,
            };
            let name = str_at(&json, "QueueName").map(str::to_string).or_else(|| {
                str_at(&json, "QueueUrl")
                    .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
                    .map(str::to_string)
            });
            let resource = match name {
                Some(n) => format!("arn:aws:sqs:{region}:{account}:{n}"),
                None => "*".into(),
            };
            vec![access(operation, resource)]
        }
        "events" => {
            let bus = |name: &str| {
                if name.starts_with("arn:") {
                    name.to_string()
                } else {
                    format!("arn:aws:events:{region}:{account}:event-bus/{name}")
                }
            };
            let mut out: Vec<Access> = Vec::new();
            match json.get("Entries").and_then(Value::as_array) {
                Some(entries) => {
                    for e in entries {
                        let a = access(
                            operation,
                            bus(str_at(e, "EventBusName").unwrap_or("default")),
                        );
                        if !out.contains(&a) {
                            out.push(a);
                        }
                    }
                }
                None => out.push(access(
                    operation,
                    str_at(&json, "EventBusName")
                        .map(bus)
                        .unwrap_or_else(|| "*".into()),
                )),
            }
            out
        }
        // PostToConnection, GetConnection, DeleteConnection: one action, the resource names
        // the API, stage, HTTP method and connection.
        "execute-api" => {
            let parsed = url::Url::parse(uri).ok();
            let host = parsed.as_ref().and_then(|u| u.host_str()).unwrap_or("");
            let api = host
                .split_once(".execute-api.")
                .map(|(id, _)| id.to_string())
                .unwrap_or_else(|| LOCAL_API_ID.to_string());
            let path = parsed.as_ref().map(|u| u.path()).unwrap_or("");
            let (stage, connection) = match path.split_once("/@connections/") {
                Some((stage, rest)) => (stage.trim_matches('/').to_string(), rest.to_string()),
                None => (String::new(), String::new()),
            };
            let stage = if stage.is_empty() {
                LOCAL_STAGE.to_string()
            } else {
                stage
            };
            vec![Access {
                action: "execute-api:ManageConnections".into(),
                resource: format!(
                    "arn:aws:execute-api:{region}:{account}:{api}/{stage}/{}/@connections/{connection}",
                    method.to_ascii_uppercase()
                ),
            }]
        }
        "secretsmanager" => {
            let id = str_at(&json, "SecretId").unwrap_or("*");
            // A secret's ARN ends in six random characters after its name: a grant on the bare
            // name does not cover it in AWS, so the name alone is recorded with them.
            let resource = if id.starts_with("arn:") || id == "*" {
                id.to_string()
            } else {
                format!("arn:aws:secretsmanager:{region}:{account}:secret:{id}-??????")
            };
            vec![access(operation, resource)]
        }
        // SESv2 SendEmail: authorised on the sending identity.
        "ses" => {
            let from = str_at(&json, "FromEmailAddress").unwrap_or("*");
            vec![access(
                operation,
                format!("arn:aws:ses:{region}:{account}:identity/{from}"),
            )]
        }
        // Object operations on the object (a read of one version needs GetObjectVersion; a
        // copy also reads its source: see [`copy_source_access`]), listings on the bucket.
        "s3" => {
            let parsed = url::Url::parse(uri).ok();
            let host = parsed.as_ref().and_then(|u| u.host_str()).unwrap_or("");
            let path = parsed
                .as_ref()
                .map(|u| u.path().trim_start_matches('/'))
                .unwrap_or("");
            let (bucket, key) = match host.split_once(".s3") {
                Some((b, _)) if !b.is_empty() => (b.to_string(), path.to_string()),
                _ => match path.split_once('/') {
                    Some((b, k)) => (b.to_string(), k.to_string()),
                    None => (path.to_string(), String::new()),
                },
            };
            let versioned = parsed
                .as_ref()
                .is_some_and(|u| u.query_pairs().any(|(k, _)| k == "versionId"));
            let object = |action: &str| Access {
                action: format!("s3:{action}"),
                resource: format!("arn:aws:s3:::{bucket}/{}", percent_decode(&key)),
            };
            match operation {
                "ListObjects" | "ListObjectsV2" => vec![Access {
                    action: "s3:ListBucket".into(),
                    resource: format!("arn:aws:s3:::{bucket}"),
                }],
                "HeadObject" | "GetObject" if versioned => vec![object("GetObjectVersion")],
                "HeadObject" | "GetObject" => vec![object("GetObject")],
                "PutObject" | "CopyObject" => vec![object("PutObject")],
                "DeleteObject" if versioned => vec![object("DeleteObjectVersion")],
                "DeleteObject" => vec![object("DeleteObject")],
                _ => vec![access(operation, format!("arn:aws:s3:::{bucket}"))],
            }
        }
        _ => vec![access(operation, "*".into())],
    }
}

/// The API id and stage recorded for a management endpoint that is not API Gateway's (the
/// local host plays it); the checker resolves `${WebSocketApi}` to the same id.
pub const LOCAL_API_ID: &str = "local";
pub const LOCAL_STAGE: &str = "local";

/// The read a CopyObject makes of its source (`x-amz-copy-source`: `bucket/key`, URL-encoded,
/// with `?versionId=` for one version, which needs GetObjectVersion).
pub fn copy_source_access(copy_source: &str) -> Option<Access> {
    let (path, query) = match copy_source.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (copy_source, None),
    };
    let (bucket, key) = path.trim_start_matches('/').split_once('/')?;
    let versioned = query
        .is_some_and(|q| url::form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == "versionId"));
    Some(Access {
        action: if versioned {
            "s3:GetObjectVersion"
        } else {
            "s3:GetObject"
        }
        .into(),
        resource: format!(
            "arn:aws:s3:::{}/{}",
            percent_decode(bucket),
            percent_decode(key)
        ),
    })
}

/// `%XX` escapes decoded (S3 keys in URLs and copy sources); anything malformed kept as is.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn record(operation: &str, access: Access) {
    let Some(sink) = sink() else { return };
    let caller = current();
    sink.write(Call {
        function: caller
            .as_ref()
            .map(|c| c.function.to_string())
            .unwrap_or_default(),
        via: caller.map(|c| c.via).unwrap_or(Via::Code),
        operation: operation.to_string(),
        action: access.action,
        resource: access.resource,
    });
}

/// A resource a test made to play a template resource (a queue of its own in place of
/// `WebhookQueue`): the checker reads its calls as calls on the template resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandIn {
    /// The local name of the test's resource.
    pub stand_in: String,
    /// The template's logical id it stands for.
    pub stands_for: String,
}

/// Declares that the resource named `local_name` plays `logical_id` (when recording is on).
pub fn stand_in(local_name: &str, logical_id: &str) {
    if let Some(sink) = sink() {
        sink.append(&StandIn {
            stand_in: local_name.into(),
            stands_for: logical_id.into(),
        });
    }
}

/// One line of the call log.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Line {
    StandIn(StandIn),
    Call(Call),
}

struct Sink {
    path: PathBuf,
    seen: Mutex<HashSet<Call>>,
}

impl Sink {
    fn write(&self, call: Call) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if !seen.contains(&call) && self.append(&call) {
            seen.insert(call);
        }
    }

    /// Appends one JSON line: one write of one short line in append mode, so lines of
    /// several processes never mix.
    fn append(&self, value: &impl Serialize) -> bool {
        let Ok(mut line) = serde_json::to_string(value) else {
            return false;
        };
        line.push('\n');
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = &written {
            tracing::warn!(path = %self.path.display(), error = %e, "could not record an AWS call");
        }
        written.is_ok()
    }
}

fn sink() -> Option<&'static Sink> {
    static SINK: OnceLock<Option<Sink>> = OnceLock::new();
    SINK.get_or_init(|| {
        std::env::var("AWS_CALL_LOG")
            .ok()
            .filter(|p| !p.is_empty())
            .map(|p| Sink {
                path: PathBuf::from(p),
                seen: Mutex::new(HashSet::new()),
            })
    })
    .as_ref()
}

/// Is recording on (`AWS_CALL_LOG` set)?
pub fn recording() -> bool {
    sink().is_some()
}

/// The recorder for the clients of `sdk`, when recording is on.
pub fn recorder(sdk: &aws_config::SdkConfig) -> Option<SharedInterceptor> {
    recording().then(|| {
        SharedInterceptor::new(CallRecorder {
            arn: ArnContext::from_env(sdk.region().map(|r| r.as_ref())),
        })
    })
}

/// The interceptor: records each request's accesses for the running function.
#[derive(Debug, Clone)]
pub struct CallRecorder {
    arn: ArnContext,
}

impl Intercept for CallRecorder {
    fn name(&self) -> &'static str {
        "CallRecorder"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Ok(());
        };
        let request = context.request();
        let body = request.body().bytes().unwrap_or(&[]);
        let mut all = accesses(
            meta.service(),
            meta.name(),
            request.method(),
            request.uri(),
            body,
            &self.arn,
        );
        if meta.name() == "CopyObject" {
            all.extend(
                request
                    .headers()
                    .get("x-amz-copy-source")
                    .and_then(copy_source_access),
            );
        }
        // A presigned URL (signed into its query, not sent) is recorded as the call it allows.
        let operation = if request.uri().contains("X-Amz-Signature=") {
            format!("{} (presigned)", meta.name())
        } else {
            meta.name().to_string()
        };
        for access in all {
            record(&operation, access);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn() -> ArnContext {
        ArnContext {
            region: "eu-west-1".into(),
            account: "111122223333".into(),
        }
    }

    fn actions(v: &[Access]) -> Vec<(&str, &str)> {
        v.iter()
            .map(|a| (a.action.as_str(), a.resource.as_str()))
            .collect()
    }

    #[test]
    fn dynamodb_items_queries_and_indexes() {
        let get = accesses(
            "DynamoDB",
            "GetItem",
            "POST",
            "/",
            br#"{"TableName":"t","Key":{}}"#,
            &arn(),
        );
        assert_eq!(
            actions(&get),
            [(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:eu-west-1:111122223333:table/t"
            )]
        );
        let q = accesses(
            "DynamoDB",
            "Query",
            "POST",
            "/",
            br#"{"TableName":"t","IndexName":"GSI1"}"#,
            &arn(),
        );
        assert_eq!(
            actions(&q),
            [(
                "dynamodb:Query",
                "arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/GSI1"
            )]
        );
    }

    #[test]
    fn transactions_need_each_items_action() {
        let body = br#"{"TransactItems":[{"Put":{"TableName":"t"}},{"ConditionCheck":{"TableName":"t"}},{"Update":{"TableName":"u"}},{"Delete":{"TableName":"t"}}]}"#;
        let got = accesses("DynamoDB", "TransactWriteItems", "POST", "/", body, &arn());
        assert_eq!(
            got.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
            [
                "dynamodb:PutItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem"
            ]
        );
        assert!(got[2].resource.ends_with("table/u"));
        let batch = accesses(
            "DynamoDB",
            "BatchGetItem",
            "POST",
            "/",
            br#"{"RequestItems":{"t":{}}}"#,
            &arn(),
        );
        assert_eq!(
            actions(&batch),
            [(
                "dynamodb:BatchGetItem",
                "arn:aws:dynamodb:eu-west-1:111122223333:table/t"
            )]
        );
    }

    #[test]
    fn queues_buses_connections_secrets() {
        let send = accesses(
            "SQS",
            "SendMessage",
            "POST",
            "/",
            br#"{"QueueUrl":"http://127.0.0.1:4566/123456789012/hooks"}"#,
            &arn(),
        );
        assert_eq!(
            actions(&send),
            [(
                "sqs:SendMessage",
                "arn:aws:sqs:eu-west-1:111122223333:hooks"
            )]
        );
        let by_name = accesses(
            "SQS",
            "GetQueueUrl",
            "POST",
            "/",
            br#"{"QueueName":"dlq"}"#,
            &arn(),
        );
        assert_eq!(
            by_name[0].resource,
            "arn:aws:sqs:eu-west-1:111122223333:dlq"
        );
        let put = accesses(
            "EventBridge",
            "PutEvents",
            "POST",
            "/",
            br#"{"Entries":[{"EventBusName":"bus"},{"EventBusName":"bus"}]}"#,
            &arn(),
        );
        assert_eq!(
            actions(&put),
            [(
                "events:PutEvents",
                "arn:aws:events:eu-west-1:111122223333:event-bus/bus"
            )]
        );
        let aws = accesses(
            "ApiGatewayManagementApi",
            "PostToConnection",
            "POST",
            "https://abc123.execute-api.eu-west-1.amazonaws.com/live/@connections/Xyz%3D",
            b"",
            &arn(),
        );
        assert_eq!(
            actions(&aws),
            [(
                "execute-api:ManageConnections",
                "arn:aws:execute-api:eu-west-1:111122223333:abc123/live/POST/@connections/Xyz%3D"
            )]
        );
        let local = accesses(
            "ApiGatewayManagementApi",
            "DeleteConnection",
            "DELETE",
            "http://127.0.0.1:3000/@connections/c1",
            b"",
            &arn(),
        );
        assert_eq!(
            local[0].resource,
            "arn:aws:execute-api:eu-west-1:111122223333:local/local/DELETE/@connections/c1"
        );
        let secret = accesses(
            "Secrets Manager",
            "GetSecretValue",
            "POST",
            "/",
            br#"{"SecretId":"jwt-keys"}"#,
            &arn(),
        );
        assert_eq!(
            actions(&secret),
            [(
                "secretsmanager:GetSecretValue",
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:jwt-keys-??????"
            )]
        );
        let batch = accesses(
            "SQS",
            "DeleteMessageBatch",
            "POST",
            "/",
            br#"{"QueueUrl":"https://sqs.eu-west-1.amazonaws.com/1/hooks"}"#,
            &arn(),
        );
        assert_eq!(batch[0].action, "sqs:DeleteMessage");
        let head = accesses(
            "S3",
            "HeadObject",
            "HEAD",
            "https://pods.s3.eu-west-1.amazonaws.com/pod/t/o/photo.jpg",
            b"",
            &arn(),
        );
        assert_eq!(
            actions(&head),
            [("s3:GetObject", "arn:aws:s3:::pods/pod/t/o/photo.jpg")]
        );
        let list = accesses(
            "S3",
            "ListObjectsV2",
            "GET",
            "http://127.0.0.1:4566/pods?list-type=2",
            b"",
            &arn(),
        );
        assert_eq!(actions(&list), [("s3:ListBucket", "arn:aws:s3:::pods")]);
    }

    #[test]
    fn object_reads_of_a_version_and_copies() {
        let s3 = |op: &str, method: &str, uri: &str| accesses("S3", op, method, uri, b"", &arn());
        // A presigned GET of one version (path style, as on moto).
        assert_eq!(
            actions(&s3(
                "GetObject",
                "GET",
                "http://127.0.0.1:4566/pods/pod/t/o/photo.jpg?versionId=v1&x-id=GetObject&X-Amz-Signature=ab"
            )),
            [("s3:GetObjectVersion", "arn:aws:s3:::pods/pod/t/o/photo.jpg")]
        );
        assert_eq!(
            actions(&s3(
                "PutObject",
                "PUT",
                "https://pods.s3.eu-west-1.amazonaws.com/incoming/pod/t/o/p.jpg?x-id=PutObject"
            )),
            [("s3:PutObject", "arn:aws:s3:::pods/incoming/pod/t/o/p.jpg")]
        );
        // CopyObject writes its destination and reads the source's version.
        assert_eq!(
            actions(&s3(
                "CopyObject",
                "PUT",
                "http://127.0.0.1:4566/pods/pod/t/o/p.jpg?x-id=CopyObject"
            )),
            [("s3:PutObject", "arn:aws:s3:::pods/pod/t/o/p.jpg")]
        );
        let src = copy_source_access("pods/incoming/pod/t/o/p.jpg?versionId=a%2Bb%2Fc").unwrap();
        assert_eq!(
            (src.action.as_str(), src.resource.as_str()),
            (
                "s3:GetObjectVersion",
                "arn:aws:s3:::pods/incoming/pod/t/o/p.jpg"
            )
        );
        let src = copy_source_access("/pods/a%20b.jpg").unwrap();
        assert_eq!(
            (src.action.as_str(), src.resource.as_str()),
            ("s3:GetObject", "arn:aws:s3:::pods/a b.jpg")
        );
        assert!(copy_source_access("no-key").is_none());
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[tokio::test]
    async fn the_caller_is_the_scoped_function() {
        assert!(current().is_none());
        let inner = as_function("get-order", Via::Code, async { current() }).await;
        let c = inner.unwrap();
        assert_eq!((&*c.function, c.via), ("get-order", Via::Code));
    }
}
