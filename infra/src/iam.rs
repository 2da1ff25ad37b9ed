//! Checks the AWS calls recorded while the suite ran (cargoflow_aws::calls) against each
//! function's policy in template.yaml: a call the function's role would not allow in AWS is
//! reported with the function, the action and the resource, and so are grants that no call
//! used. The local host runs every function in one process without IAM; this is what makes
//! "passes locally" mean "allowed in AWS".
//!
//! Policies are read as SAM and IAM read them: each function's `Policies` (inline
//! `Statement`s; other forms are refused so nothing is checked by guess), plus the managed
//! policies SAM attaches for the function's event sources (a DynamoDB stream or an SQS queue).
//! Resources in the template (`!GetAtt Table.Arn`, `!Sub "${Table.Arn}/index/*"`, ...) are
//! resolved to the local resources' ARNs, with the same region and account the recorder uses.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow, bail};
use cargoflow_aws::calls::{Call, LOCAL_API_ID, Line, StandIn, Via};
use serde_yaml_ng::Value;

use crate::resources::Names;
use crate::template::Template;

/// What the template's pseudo parameters and resources stand for locally.
#[derive(Debug, Clone)]
pub struct Resolver {
    pub region: String,
    pub account: String,
    pub names: Names,
}

/// One Allow or Deny statement, its patterns resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Attached by SAM for an event source (not written in the template).
    pub implied: bool,
}

/// A function's role, as template.yaml gives it.
#[derive(Debug, Clone)]
pub struct Role {
    pub logical_id: String,
    pub function: String,
    pub statements: Vec<Statement>,
}

/// IAM's wildcard match: `*` is any run of characters (`/` included), `?` any one.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn action_matches(pattern: &str, action: &str) -> bool {
    glob(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

impl Statement {
    pub fn matches(&self, action: &str, resource: &str) -> bool {
        self.actions.iter().any(|a| action_matches(a, action))
            && self.resources.iter().any(|r| glob(r, resource))
    }
}

impl Role {
    /// Allowed when a statement allows it and none denies it.
    pub fn allows(&self, action: &str, resource: &str) -> bool {
        let denied = self
            .statements
            .iter()
            .any(|s| !s.allow && s.matches(action, resource));
        !denied
            && self
                .statements
                .iter()
                .any(|s| s.allow && s.matches(action, resource))
    }
}

fn strings(v: &Value) -> Vec<&Value> {
    match v {
        Value::Sequence(items) => items.iter().collect(),
        other => vec![other],
    }
}

impl Resolver {
    pub fn from_env() -> Self {
        Self {
            region: std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
            account: std::env::var("AWS_ACCOUNT_ID")
                .ok()
                .filter(|a| !a.is_empty())
                .unwrap_or_else(|| cargoflow_aws::calls::LOCAL_ACCOUNT.into()),
            names: Names::from_env(),
        }
    }

    fn pseudo(&self, name: &str) -> Option<String> {
        Some(match name {
            "AWS::Region" => self.region.clone(),
            "AWS::AccountId" => self.account.clone(),
            "AWS::Partition" => "aws".into(),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            "AWS::StackName" => "local".into(),
            _ => return None,
        })
    }

    pub fn resource_type<'t>(&self, template: &'t Template, id: &str) -> Result<&'t str> {
        template
            .resources
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("the template has no resource {id}"))
    }

    pub fn name(&self, id: &str) -> Result<String> {
        self.names
            .physical(id)
            .ok_or_else(|| anyhow!("no local name for {id}: add it to resources::Names"))
    }

    /// `!Ref id` (a pseudo parameter or a resource).
    pub fn reference(&self, template: &Template, id: &str) -> Result<String> {
        if let Some(p) = self.pseudo(id) {
            return Ok(p);
        }
        let (r, a) = (&self.region, &self.account);
        Ok(match self.resource_type(template, id)? {
            "AWS::ApiGatewayV2::Api" => LOCAL_API_ID.into(),
            "AWS::SecretsManager::Secret" => {
                format!("arn:aws:secretsmanager:{r}:{a}:secret:{}-*", self.name(id)?)
            }
            "AWS::SNS::Topic" => format!("arn:aws:sns:{r}:{a}:{}", self.name(id)?),
            _ => self.name(id)?,
        })
    }

    /// `!GetAtt id.attribute`.
    pub fn attribute(&self, template: &Template, id: &str, attribute: &str) -> Result<String> {
        let (r, a) = (&self.region, &self.account);
        let ty = self.resource_type(template, id)?;
        Ok(match (ty, attribute) {
            ("AWS::DynamoDB::Table", "Arn") => {
                format!("arn:aws:dynamodb:{r}:{a}:table/{}", self.name(id)?)
            }
            ("AWS::DynamoDB::Table", "StreamArn") => {
                format!("arn:aws:dynamodb:{r}:{a}:table/{}/stream/*", self.name(id)?)
            }
            ("AWS::S3::Bucket", "Arn") => format!("arn:aws:s3:::{}", self.name(id)?),
            ("AWS::SQS::Queue", "Arn") => format!("arn:aws:sqs:{r}:{a}:{}", self.name(id)?),
            ("AWS::SQS::Queue", "QueueName") => self.name(id)?,
            ("AWS::Events::EventBus", "Arn") => {
                format!("arn:aws:events:{r}:{a}:event-bus/{}", self.name(id)?)
            }
            ("AWS::Events::EventBus", "Name") => self.name(id)?,
            _ => bail!("cannot resolve !GetAtt {id}.{attribute} ({ty}) locally"),
        })
    }

    /// `!Sub "text ${X} ${X.Attr}"`.
    fn sub(
        &self,
        template: &Template,
        text: &str,
        vars: &BTreeMap<String, String>,
    ) -> Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| anyhow!("unclosed ${{ in {text}"))?;
            let name = &after[..end];
            let value = if let Some(v) = vars.get(name) {
                v.clone()
            } else if let Some((id, attr)) = name.split_once('.') {
                self.attribute(template, id, attr)?
            } else {
                self.reference(template, name)?
            };
            out.push_str(&value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A policy value (string or intrinsic function) as a pattern.
    pub fn value(&self, template: &Template, v: &Value) -> Result<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Tagged(t) => {
                let tag = t.tag.to_string();
                self.intrinsic(template, tag.trim_start_matches('!'), &t.value)
            }
            Value::Mapping(m) if m.len() == 1 => {
                let (k, inner) = m.iter().next().expect("one entry");
                let key = k.as_str().unwrap_or_default();
                let name = key.strip_prefix("Fn::").unwrap_or(key);
                self.intrinsic(template, name, inner)
            }
            other => bail!("unsupported policy value {other:?}"),
        }
    }

    fn intrinsic(&self, template: &Template, name: &str, v: &Value) -> Result<String> {
        match name {
            "Ref" => self.reference(template, v.as_str().unwrap_or_default()),
            "GetAtt" => {
                let (id, attr) = match v {
                    Value::String(s) => s
                        .split_once('.')
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .ok_or_else(|| anyhow!("!GetAtt {s}: no attribute"))?,
                    Value::Sequence(parts) if parts.len() == 2 => (
                        parts[0].as_str().unwrap_or_default().to_string(),
                        parts[1].as_str().unwrap_or_default().to_string(),
                    ),
                    other => bail!("!GetAtt {other:?}"),
                };
                self.attribute(template, &id, &attr)
            }
            "Sub" => match v {
                Value::String(s) => self.sub(template, s, &BTreeMap::new()),
                Value::Sequence(parts) if parts.len() == 2 => {
                    let mut vars = BTreeMap::new();
                    for (k, val) in parts[1].as_mapping().into_iter().flatten() {
                        vars.insert(
                            k.as_str().unwrap_or_default().to_string(),
                            self.value(template, val)?,
                        );
                    }
                    self.sub(template, parts[0].as_str().unwrap_or_default(), &vars)
                }
                other => bail!("!Sub {other:?}"),
            },
            other => bail!("intrinsic function {other} is not supported in policies here"),
        }
    }

    /// Every function's role: its inline statements and SAM's event-source policies.
    pub fn roles(&self, template: &Template) -> Result<Vec<Role>> {
        let mut roles = Vec::new();
        for f in &template.functions {
            let mut statements = Vec::new();
            let policies = template
                .properties(&f.logical_id)
                .and_then(|p| p.get("Policies"));
            for policy in policies.map(strings).unwrap_or_default() {
                let Some(list) = policy.get("Statement") else {
                    bail!(
                        "{}: only inline Statement policies are checked; found {policy:?}",
                        f.logical_id
                    );
                };
                for st in strings(list) {
                    let allow = match st.get("Effect").and_then(Value::as_str) {
                        Some("Allow") => true,
                        Some("Deny") => false,
                        other => bail!("{}: statement Effect {other:?}", f.logical_id),
                    };
                    // Not modelled: refused, so nothing is passed by guess.
                    for unsupported in ["NotAction", "NotResource", "Condition", "Principal"] {
                        if st.get(unsupported).is_some() {
                            bail!(
                                "{}: statements with {unsupported} are not checked",
                                f.logical_id
                            );
                        }
                    }
                    let actions = st
                        .get("Action")
                        .map(strings)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| self.value(template, a))
                        .collect::<Result<Vec<_>>>()
                        .with_context(|| format!("{}: Action", f.logical_id))?;
                    let resources = st
                        .get("Resource")
                        .map(strings)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| self.value(template, r))
                        .collect::<Result<Vec<_>>>()
                        .with_context(|| format!("{}: Resource", f.logical_id))?;
                    statements.push(Statement {
                        allow,
                        actions,
                        resources,
                        implied: false,
                    });
                }
            }
            // SAM attaches these for the event sources (AWSLambdaDynamoDBExecutionRole,
            // AWSLambdaSQSQueueExecutionRole).
            let implied = |actions: &[&str]| Statement {
                allow: true,
                actions: actions.iter().map(|a| a.to_string()).collect(),
                resources: vec!["*".into()],
                implied: true,
            };
            if f.other_events.values().any(|t| t == "DynamoDB") {
                statements.push(implied(&[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:ListStreams",
                ]));
            }
            if f.other_events.values().any(|t| t == "SQS") {
                statements.push(implied(&[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ]));
            }
            roles.push(Role {
                logical_id: f.logical_id.clone(),
                function: f.binary.clone(),
                statements,
            });
        }
        Ok(roles)
    }
}

/// A call its function's role does not allow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Missing {
    pub function: String,
    pub logical_id: String,
    pub action: String,
    pub resource: String,
    pub via: Via,
    pub operation: String,
}

/// A grant (action pattern on resource pattern) no recorded call of the function used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unused {
    pub logical_id: String,
    pub action: String,
    pub resource: String,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Distinct calls checked (function, action, resource, ...).
    pub checked: usize,
    pub missing: Vec<Missing>,
    pub unused: Vec<Unused>,
    /// Calls made outside any function (test setup, tools): not checked.
    pub unattributed: usize,
    /// Calls recorded for a name no function in the template has.
    pub unknown_functions: BTreeSet<String>,
    /// Functions of the template with no recorded call.
    pub never_exercised: Vec<String>,
    /// Calls per function.
    pub per_function: BTreeMap<String, usize>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.unknown_functions.is_empty()
    }
}

/// Checks `calls` against `roles`.
pub fn check(roles: &[Role], calls: &[Call]) -> Report {
    let mut report = Report::default();
    let distinct: BTreeSet<&Call> = calls.iter().collect();
    let by_name: BTreeMap<&str, &Role> = roles.iter().map(|r| (r.function.as_str(), r)).collect();
    let mut used: BTreeSet<(String, usize, usize, usize)> = BTreeSet::new();
    for call in distinct {
        if call.function.is_empty() {
            report.unattributed += 1;
            continue;
        }
        let Some(role) = by_name.get(call.function.as_str()) else {
            report.unknown_functions.insert(call.function.clone());
            continue;
        };
        report.checked += 1;
        *report
            .per_function
            .entry(call.function.clone())
            .or_default() += 1;
        if !role.allows(&call.action, &call.resource) {
            report.missing.push(Missing {
                function: call.function.clone(),
                logical_id: role.logical_id.clone(),
                action: call.action.clone(),
                resource: call.resource.clone(),
                via: call.via,
                operation: call.operation.clone(),
            });
        }
        for (si, st) in role.statements.iter().enumerate() {
            if !st.allow {
                continue;
            }
            for (ai, a) in st.actions.iter().enumerate() {
                if !action_matches(a, &call.action) {
                    continue;
                }
                for (ri, r) in st.resources.iter().enumerate() {
                    if glob(r, &call.resource) {
                        used.insert((role.logical_id.clone(), si, ai, ri));
                    }
                }
            }
        }
    }
    for role in roles {
        // A function without a policy of its own makes no AWS call (get-openapi, get-docs).
        let has_policy = role.statements.iter().any(|s| !s.implied);
        if has_policy && !report.per_function.contains_key(&role.function) {
            report.never_exercised.push(role.function.clone());
        }
        for (si, st) in role.statements.iter().enumerate() {
            if !st.allow || st.implied {
                continue;
            }
            for (ai, a) in st.actions.iter().enumerate() {
                for (ri, r) in st.resources.iter().enumerate() {
                    if !used.contains(&(role.logical_id.clone(), si, ai, ri)) {
                        report.unused.push(Unused {
                            logical_id: role.logical_id.clone(),
                            action: a.clone(),
                            resource: r.clone(),
                        });
                    }
                }
            }
        }
    }
    report.missing.sort();
    report.missing.dedup();
    report
}

/// Reads the recorder's JSON lines: the calls, with the resources of test stand-ins
/// renamed to the template resources they play.
pub fn read_calls(text: &str, resolver: &Resolver, template: &Template) -> Result<Vec<Call>> {
    let mut calls = Vec::new();
    let mut stand_ins: Vec<StandIn> = Vec::new();
    for (i, l) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match serde_json::from_str(l).with_context(|| format!("line {}", i + 1))? {
            Line::Call(c) => calls.push(c),
            Line::StandIn(s) => stand_ins.push(s),
        }
    }
    for s in &stand_ins {
        let name = resolver.name(&s.stands_for)?;
        // Only ARNs of the resource's own service: a queue and a bus may share a name.
        let service = match resolver.resource_type(template, &s.stands_for)? {
            "AWS::SQS::Queue" => "arn:aws:sqs:",
            "AWS::Events::EventBus" => "arn:aws:events:",
            "AWS::DynamoDB::Table" => "arn:aws:dynamodb:",
            "AWS::S3::Bucket" => "arn:aws:s3:::",
            "AWS::SecretsManager::Secret" => "arn:aws:secretsmanager:",
            "AWS::SES::EmailIdentity" => "arn:aws:ses:",
            other => bail!("stand-ins for {other} are not supported"),
        };
        for c in calls.iter_mut().filter(|c| c.resource.starts_with(service)) {
            c.resource = match service {
                // A secret's segment is its name plus a random suffix.
                "arn:aws:secretsmanager:" => c.resource.replace(
                    &format!(":secret:{}-", s.stand_in),
                    &format!(":secret:{name}-"),
                ),
                _ => rename_segment(&c.resource, &s.stand_in, &name),
            };
        }
    }
    Ok(calls)
}

/// Replaces `from` where it is a whole segment of an ARN (between `:` and `/`).
fn rename_segment(arn: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut segment = String::new();
    for ch in arn.chars().chain(std::iter::once('\0')) {
        if ch == ':' || ch == '/' || ch == '\0' {
            out.push_str(if segment == from { to } else { &segment });
            segment.clear();
            if ch != '\0' {
                out.push(ch);
            }
        } else {
            segment.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  PodBucket:
    Type: AWS::S3::Bucket
  EventBus:
    Type: AWS::Events::EventBus
  WebhookQueue:
    Type: AWS::SQS::Queue
  WebSocketApi:
    Type: AWS::ApiGatewayV2::Api
  GetThingFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: get-thing
    Properties:
      Policies:
        - Statement:
            - Effect: Allow
              Action:
                - dynamodb:GetItem
                - dynamodb:Query
              Resource:
                - !GetAtt Table.Arn
                - !Sub "${Table.Arn}/index/*"
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub "${PodBucket.Arn}/pod/*"
            - Effect: Allow
              Action: execute-api:ManageConnections
              Resource: !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/POST/@connections/*"
            - Effect: Allow
              Action: [events:PutEvents]
              Resource: !GetAtt EventBus.Arn
      Events:
        Q:
          Type: SQS
          Properties:
            Queue: !GetAtt WebhookQueue.Arn
"#;

    fn resolver() -> Resolver {
        Resolver {
            region: "us-east-1".into(),
            account: "000000000000".into(),
            names: Names {
                table: "tbl".into(),
                bucket: "pods".into(),
                bus: "bus".into(),
                queue: "hooks".into(),
                dlq: "hooks-dlq".into(),
                import_queue: "imports".into(),
                import_dlq: "imports-dlq".into(),
                signing_secret: "signing".into(),
                email_from: "mail@example.com".into(),
                cors_origins: vec![],
            },
        }
    }

    fn call(action: &str, resource: &str) -> Call {
        Call {
            function: "get-thing".into(),
            via: Via::Code,
            operation: "Op".into(),
            action: action.into(),
            resource: resource.into(),
        }
    }

    fn role() -> Role {
        let t = Template::parse(TEMPLATE).unwrap();
        resolver().roles(&t).unwrap().remove(0)
    }

    #[test]
    fn globs_like_iam() {
        assert!(glob(
            "arn:aws:s3:::b/pod/*",
            "arn:aws:s3:::b/pod/t/o/photo.jpg"
        ));
        assert!(!glob("arn:aws:s3:::b/pod/*", "arn:aws:s3:::b/other/x"));
        assert!(glob("a?c*", "abcdef"));
        assert!(!glob(
            "arn:aws:dynamodb:r:a:table/t",
            "arn:aws:dynamodb:r:a:table/t/index/GSI1"
        ));
        assert!(glob("*", ""));
        assert!(action_matches("dynamodb:*", "dynamodb:PutItem"));
        assert!(action_matches("DynamoDB:getitem", "dynamodb:GetItem"));
    }

    #[test]
    fn resolves_the_templates_references() {
        let r = role();
        assert_eq!(
            r.statements[0].resources,
            [
                "arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
                "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/index/*"
            ]
        );
        assert_eq!(r.statements[1].resources, ["arn:aws:s3:::pods/pod/*"]);
        assert_eq!(
            r.statements[2].resources,
            ["arn:aws:execute-api:us-east-1:000000000000:local/*/POST/@connections/*"]
        );
        assert!(
            r.statements
                .iter()
                .any(|s| s.implied && s.actions.contains(&"sqs:ReceiveMessage".to_string()))
        );
    }

    #[test]
    fn allowed_missing_and_unused() {
        let roles = vec![role()];
        let calls = vec![
            call(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
            ),
            call(
                "dynamodb:Query",
                "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/index/GSI1",
            ),
            // Not granted: PutItem, and GetObject outside the prefix.
            call(
                "dynamodb:PutItem",
                "arn:aws:dynamodb:us-east-1:000000000000:table/tbl",
            ),
            call("s3:GetObject", "arn:aws:s3:::pods/other/x"),
            call(
                "execute-api:ManageConnections",
                "arn:aws:execute-api:us-east-1:000000000000:local/local/POST/@connections/abc",
            ),
            Call {
                via: Via::EventSource,
                ..call(
                    "sqs:ReceiveMessage",
                    "arn:aws:sqs:us-east-1:000000000000:hooks",
                )
            },
            Call {
                function: String::new(),
                ..call("dynamodb:Scan", "*")
            },
            Call {
                function: "ghost".into(),
                ..call("dynamodb:GetItem", "*")
            },
        ];
        let report = check(&roles, &calls);
        assert_eq!(
            report
                .missing
                .iter()
                .map(|m| (m.action.as_str(), m.resource.as_str()))
                .collect::<Vec<_>>(),
            [
                (
                    "dynamodb:PutItem",
                    "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
                ),
                ("s3:GetObject", "arn:aws:s3:::pods/other/x"),
            ]
        );
        assert_eq!(report.unattributed, 1);
        assert!(report.unknown_functions.contains("ghost"));
        assert!(!report.ok());
        // Query on the table itself, GetItem on indexes, s3 and events were never used.
        let unused: Vec<_> = report
            .unused
            .iter()
            .map(|u| (u.action.as_str(), u.resource.as_str()))
            .collect();
        assert!(unused.contains(&(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:000000000000:table/tbl/index/*"
        )));
        assert!(unused.contains(&(
            "events:PutEvents",
            "arn:aws:events:us-east-1:000000000000:event-bus/bus"
        )));
        assert!(
            !unused
                .iter()
                .any(|(a, _)| *a == "execute-api:ManageConnections")
        );
        assert!(
            !unused.iter().any(|(a, _)| a.starts_with("sqs:")),
            "SAM's implied grants are not reported"
        );
    }

    #[test]
    fn stand_ins_play_their_template_resource() {
        let log = concat!(
            r#"{"stand_in":"wh-1","stands_for":"WebhookQueue"}"#,
            "\n",
            r#"{"function":"get-thing","via":"code","operation":"ChangeMessageVisibility","action":"sqs:ChangeMessageVisibility","resource":"arn:aws:sqs:us-east-1:000000000000:wh-1"}"#,
            "\n",
            r#"{"function":"get-thing","via":"code","operation":"SendMessage","action":"sqs:SendMessage","resource":"arn:aws:sqs:us-east-1:000000000000:wh-1-dlq"}"#,
            "\n",
            r#"{"function":"get-thing","via":"code","operation":"PutEvents","action":"events:PutEvents","resource":"arn:aws:events:us-east-1:000000000000:event-bus/wh-1"}"#,
            "\n",
        );
        let t = Template::parse(TEMPLATE).unwrap();
        let calls = read_calls(log, &resolver(), &t).unwrap();
        assert_eq!(
            calls[2].resource, "arn:aws:events:us-east-1:000000000000:event-bus/wh-1",
            "a queue's stand-in is not a bus"
        );
        assert_eq!(
            calls[0].resource,
            "arn:aws:sqs:us-east-1:000000000000:hooks"
        );
        assert_eq!(
            calls[1].resource, "arn:aws:sqs:us-east-1:000000000000:wh-1-dlq",
            "whole segments only"
        );
    }

    #[test]
    fn a_deny_wins() {
        let mut r = role();
        r.statements.push(Statement {
            allow: false,
            actions: vec!["dynamodb:*".into()],
            resources: vec!["*".into()],
            implied: false,
        });
        assert!(!r.allows(
            "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:000000000000:table/tbl"
        ));
    }

    #[test]
    fn conditions_are_refused_not_ignored() {
        let t = Template::parse(&TEMPLATE.replace(
            "              Action: s3:GetObject\n",
            "              Action: s3:GetObject\n              Condition:\n                Bool:\n                  aws:SecureTransport: \"true\"\n",
        ))
        .unwrap();
        let err = resolver().roles(&t).unwrap_err().to_string();
        assert!(err.contains("Condition"), "{err}");
    }

    #[test]
    fn unknown_policy_forms_are_refused() {
        let t = Template::parse(&TEMPLATE.replace(
            "      Policies:\n        - Statement:",
            "      Policies:\n        - DynamoDBCrudPolicy:\n            TableName: x\n        - Statement:",
        ))
        .unwrap();
        assert!(resolver().roles(&t).is_err());
    }
}
