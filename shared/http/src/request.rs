//! Reading requests: ids, bodies, path and query parameters, into validated values or an
//! [`ApiError`] that says which field and why.

use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

use crate::ApiError;

/// API Gateway's request id (also in its access logs), or a fresh one.
pub fn request_id(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        Some(RequestContext::WebSocket(ctx)) => ctx.request_id.clone(),
        _ => None,
    }
    .unwrap_or_else(|| ulid::Ulid::new().to_string())
}

/// The client's address as API Gateway saw it.
pub fn client_ip(req: &Request) -> Option<String> {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
        _ => None,
    }
}

/// The raw body, however API Gateway delivered it (text, or binary decoded from base64).
pub fn body_bytes(req: &Request) -> &[u8] {
    match req.body() {
        Body::Empty => &[],
        Body::Text(t) => t.as_bytes(),
        Body::Binary(b) => b,
        _ => &[],
    }
}

/// Strips serde_json's " at line L column C" suffix.
fn clean(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let end = start + msg[start..].find('`')?;
    Some(&msg[start..end])
}

/// Parses a JSON body strictly: JSON content type (or none), at most `limit` bytes, unknown
/// fields refused (DTOs use `deny_unknown_fields`), and every failure named by field.
pub fn parse_json<T: DeserializeOwned>(req: &Request, limit: usize) -> Result<T, ApiError> {
    if let Some(ct) = req.headers().get("content-type") {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        if !(ct.starts_with("application/json") || ct.contains("+json")) {
            return Err(ApiError::UnsupportedMediaType {
                expected: "application/json",
            });
        }
    }
    let bytes = body_bytes(req);
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "missing_body",
            "A JSON body is required.",
        ));
    }
    parse_json_bytes(bytes)
}

pub fn parse_json_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof
            | serde_json::error::Category::Io => ApiError::bad_request(
                "malformed_json",
                format!("The body is not valid JSON: {}", clean(&inner.to_string())),
            ),
            serde_json::error::Category::Data => {
                let msg = clean(&inner.to_string());
                // serde_path_to_error's path may or may not already end with the field.
                let field_path = |name: &str| -> String {
                    if path == "." {
                        name.to_string()
                    } else if path == name || path.ends_with(&format!(".{name}")) {
                        path.clone()
                    } else {
                        format!("{path}.{name}")
                    }
                };
                if msg.starts_with("unknown field") {
                    ApiError::field(
                        &field_path(backticked(&msg).unwrap_or("?")),
                        "is not a known field",
                    )
                } else if msg.starts_with("missing field") {
                    ApiError::field(&field_path(backticked(&msg).unwrap_or("?")), "is required")
                } else if path == "." {
                    ApiError::bad_request(
                        "invalid_body",
                        format!("The body has the wrong shape: {msg}"),
                    )
                } else {
                    ApiError::field(&path, msg)
                }
            }
        }
    })?;
    // Nothing may follow the JSON value.
    de.end().map_err(|_| {
        ApiError::bad_request(
            "malformed_json",
            "The body is not valid JSON: trailing characters",
        )
    })?;
    Ok(value)
}

/// A path parameter parsed as an id. A malformed id cannot name anything: 404.
pub fn path_id<T>(
    req: &Request,
    name: &str,
    parse: fn(&str) -> Option<T>,
    what: &'static str,
) -> Result<T, ApiError> {
    req.path_parameters_ref()
        .and_then(|p| p.first(name))
        .and_then(parse)
        .ok_or(ApiError::NotFound(what))
}

pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_string)
}

/// `?cursor=&limit=` for list endpoints.
#[derive(Debug, Clone)]
pub struct PageQuery {
    pub cursor: Option<String>,
    pub limit: i32,
}

impl PageQuery {
    pub const DEFAULT_LIMIT: i32 = 50;
    pub const MAX_LIMIT: i32 = 100;

    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}

pub fn page_query(req: &Request) -> Result<PageQuery, ApiError> {
    let limit = match query_param(req, "limit") {
        None => PageQuery::DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<i32>() {
            Ok(n) if (1..=PageQuery::MAX_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::field(
                    "limit",
                    format!("must be a whole number from 1 to {}", PageQuery::MAX_LIMIT),
                ));
            }
        },
    };
    let cursor = query_param(req, "cursor").filter(|c| !c.is_empty());
    if cursor.as_ref().is_some_and(|c| c.len() > 1024) {
        return Err(ApiError::field(
            "cursor",
            "is not a cursor this list handed out",
        ));
    }
    Ok(PageQuery { cursor, limit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Dto {
        email: String,
        capacity_kg: Option<i64>,
        nested: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        a: i64,
    }

    fn req(body: &str, ct: Option<&str>) -> Request {
        let mut b = http::Request::builder().method("POST").uri("/x");
        if let Some(ct) = ct {
            b = b.header("content-type", ct);
        }
        b.body(Body::Text(body.into())).unwrap()
    }

    fn fields(e: ApiError) -> std::collections::BTreeMap<String, String> {
        match e {
            ApiError::Validation(f) => f.into_map(),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse_json::<Dto>(
            &req(r#"{"email":"a","bogus":1}"#, Some("application/json")),
            1000,
        )
        .unwrap_err();
        assert_eq!(fields(e)["bogus"], "is not a known field");
        let e = parse_json::<Dto>(&req(r#"{}"#, None), 1000).unwrap_err();
        assert_eq!(fields(e)["email"], "is required");
        let e =
            parse_json::<Dto>(&req(r#"{"email":"a","capacity_kg":"x"}"#, None), 1000).unwrap_err();
        assert!(fields(e).contains_key("capacity_kg"));
        let e =
            parse_json::<Dto>(&req(r#"{"email":"a","nested":{"b":1}}"#, None), 1000).unwrap_err();
        assert_eq!(fields(e)["nested.b"], "is not a known field");
    }

    #[test]
    fn malformed_oversized_and_wrong_type() {
        assert_eq!(
            parse_json::<Dto>(&req("{", None), 1000)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse_json::<Dto>(&req(r#"{"email":"a"} trailing"#, None), 1000)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse_json::<Dto>(&req("[]", None), 1000)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse_json::<Dto>(&req("null", None), 1000)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse_json::<Dto>(&req("", None), 1000)
                .unwrap_err()
                .status(),
            400
        );
        assert_eq!(
            parse_json::<Dto>(
                &req(&format!(r#"{{"email":"{}"}}"#, "a".repeat(2000)), None),
                1000
            )
            .unwrap_err()
            .status(),
            413
        );
        assert_eq!(
            parse_json::<Dto>(&req(r#"{"email":"a"}"#, Some("text/plain")), 1000)
                .unwrap_err()
                .status(),
            415
        );
        assert!(
            parse_json::<Dto>(
                &req(r#"{"email":"a"}"#, Some("application/json; charset=utf-8")),
                1000
            )
            .is_ok()
        );
    }
}
