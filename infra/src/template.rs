//! What the local host and `create-resources` need from template.yaml.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde_yaml_ng::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRoute {
    pub method: String,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// The resource's logical id, e.g. `CreateDriverFunction`.
    pub logical_id: String,
    /// `Metadata.BuildProperties.Binary`: the function's one name (binary, registry entry).
    pub binary: String,
    pub http_routes: Vec<HttpRoute>,
    /// `Schedule`/`ScheduleV2` events' expressions, e.g. `rate(5 minutes)`.
    pub schedules: Vec<String>,
    /// `SQS` events' queues, by logical id (from `!GetAtt <Queue>.Arn`).
    pub sqs_queues: Vec<String>,
    /// Route keys of the WebSocket API served by this function (`$connect`, `$default`, ...),
    /// from `AWS::ApiGatewayV2::Route` -> integration -> function.
    pub websocket_routes: Vec<String>,
    /// Event types other than HttpApi (DynamoDB, SQS, Schedule, ...), by event name.
    pub other_events: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Template {
    pub functions: Vec<FunctionDef>,
    pub resources: serde_yaml_ng::Mapping,
}

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(*k))
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    get(v, path).and_then(Value::as_str).map(str::to_string)
}

impl Template {
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Self> {
        let doc: Value = serde_yaml_ng::from_str(text).context("parsing template YAML")?;
        let resources = doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .ok_or_else(|| anyhow!("template has no Resources"))?
            .clone();
        let mut functions = Vec::new();
        for (id, res) in &resources {
            if str_at(res, &["Type"]).as_deref() != Some("AWS::Serverless::Function") {
                continue;
            }
            let logical_id = id.as_str().unwrap_or_default().to_string();
            let binary = str_at(res, &["Metadata", "BuildProperties", "Binary"])
                .ok_or_else(|| anyhow!("{logical_id} has no Metadata.BuildProperties.Binary"))?;
            let mut http_routes = Vec::new();
            let mut schedules = Vec::new();
            let mut sqs_queues = Vec::new();
            let mut other_events = BTreeMap::new();
            if let Some(events) = get(res, &["Properties", "Events"]).and_then(Value::as_mapping) {
                for (name, ev) in events {
                    let ty = str_at(ev, &["Type"]).unwrap_or_default();
                    if ty == "HttpApi" {
                        let method = str_at(ev, &["Properties", "Method"])
                            .ok_or_else(|| anyhow!("{logical_id}: route without Method"))?;
                        let path = str_at(ev, &["Properties", "Path"])
                            .ok_or_else(|| anyhow!("{logical_id}: route without Path"))?;
                        http_routes.push(HttpRoute {
                            method: method.to_uppercase(),
                            path,
                        });
                    } else if ty == "Schedule" || ty == "ScheduleV2" {
                        let expr = str_at(ev, &["Properties", "ScheduleExpression"])
                            .or_else(|| str_at(ev, &["Properties", "Schedule"]))
                            .ok_or_else(|| {
                                anyhow!("{logical_id}: schedule without an expression")
                            })?;
                        schedules.push(expr);
                    } else if ty == "SQS" {
                        let queue = get(ev, &["Properties", "Queue"])
                            .map(to_json)
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default();
                        sqs_queues.push(queue.trim_end_matches(".Arn").to_string());
                        other_events.insert(name.as_str().unwrap_or_default().to_string(), ty);
                    } else {
                        other_events.insert(name.as_str().unwrap_or_default().to_string(), ty);
                    }
                }
            }
            functions.push(FunctionDef {
                logical_id,
                binary,
                http_routes,
                schedules,
                sqs_queues,
                other_events,
                websocket_routes: Vec::new(),
            });
        }
        for (route_key, function) in websocket_routes(&resources) {
            let f = functions
                .iter_mut()
                .find(|f| f.logical_id == function)
                .ok_or_else(|| anyhow!("WebSocket route {route_key} targets unknown {function}"))?;
            f.websocket_routes.push(route_key);
        }
        Ok(Self {
            functions,
            resources,
        })
    }

    /// A resource's `Properties`.
    pub fn properties(&self, logical_id: &str) -> Option<&Value> {
        self.resources
            .get(logical_id)
            .and_then(|r| r.get("Properties"))
    }
}

/// `(route key, function logical id)` of every WebSocket route: its `Target`
/// (`integrations/${XIntegration}`) names an integration whose `IntegrationUri` holds
/// `${SomeFunction.Arn}`.
fn websocket_routes(resources: &serde_yaml_ng::Mapping) -> Vec<(String, String)> {
    let inner = |text: &str, suffix: &str| -> Option<String> {
        let start = text.find("${")? + 2;
        let end = start + text[start..].find('}')?;
        Some(text[start..end].trim_end_matches(suffix).to_string())
    };
    let mut out = Vec::new();
    for res in resources.values() {
        if str_at(res, &["Type"]).as_deref() != Some("AWS::ApiGatewayV2::Route") {
            continue;
        }
        let Some(key) = str_at(res, &["Properties", "RouteKey"]) else {
            continue;
        };
        let target = get(res, &["Properties", "Target"]).map(to_json);
        let Some(integration) = target
            .as_ref()
            .and_then(|t| t.as_str())
            .and_then(|t| inner(t, ""))
        else {
            continue;
        };
        let uri = resources
            .get(integration.as_str())
            .and_then(|i| get(i, &["Properties", "IntegrationUri"]))
            .map(to_json);
        let function = uri.as_ref().and_then(|u| u.as_str()).and_then(|u| {
            // The URI's last `${...}` is the function (`${AWS::Region}` and the like come first).
            let start = u.rfind("${")?;
            inner(&u[start..], ".Arn")
        });
        if let Some(function) = function {
            out.push((key, function));
        }
    }
    out
}

/// The period of a `rate(N unit)` expression (cron expressions are not played locally).
pub fn rate_period(expr: &str) -> Option<std::time::Duration> {
    let inner = expr.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: u64 = n.parse().ok()?;
    let secs = match unit.trim().trim_end_matches('s') {
        "second" => n,
        "minute" => n * 60,
        "hour" => n * 3600,
        "day" => n * 86_400,
        _ => return None,
    };
    (secs > 0).then(|| std::time::Duration::from_secs(secs))
}

/// Converts a YAML value into JSON (tags such as `!Ref` are dropped to their value).
pub fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::to_value(n).unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(seq) => serde_json::Value::Array(seq.iter().map(to_json).collect()),
        Value::Mapping(m) => serde_json::Value::Object(
            m.iter()
                .filter_map(|(k, v)| k.as_str().map(|k| (k.to_string(), to_json(v))))
                .collect(),
        ),
        Value::Tagged(t) => to_json(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(
            rate_period("rate(5 minutes)"),
            Some(std::time::Duration::from_secs(300))
        );
        assert_eq!(
            rate_period("rate(1 hour)"),
            Some(std::time::Duration::from_secs(3600))
        );
        assert_eq!(rate_period("cron(0 8 * * ? *)"), None);
        assert_eq!(rate_period("rate(0 minutes)"), None);
    }

    #[test]
    fn reads_functions_routes_and_tags() {
        let t = Template::parse(
            r#"
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Ref Name
  GetThingFunction:
    Type: AWS::Serverless::Function
    Metadata:
      BuildProperties:
        Binary: get-thing
    Properties:
      Events:
        Api:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Method: get
            Path: /api/things/{id}
        Stream:
          Type: DynamoDB
"#,
        )
        .unwrap();
        assert_eq!(t.functions.len(), 1);
        let f = &t.functions[0];
        assert_eq!(f.binary, "get-thing");
        assert_eq!(
            f.http_routes,
            vec![HttpRoute {
                method: "GET".into(),
                path: "/api/things/{id}".into()
            }]
        );
        assert_eq!(
            f.other_events.get("Stream").map(String::as_str),
            Some("DynamoDB")
        );
        assert!(t.properties("Table").is_some());
    }
}
