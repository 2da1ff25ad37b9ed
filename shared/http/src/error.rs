//! The one API error type. Each variant's doc names its HTTP status; [`ApiError::into_response`]
//! is the only place an error becomes a response.

use std::collections::BTreeMap;

use cargoflow_domain::FieldErrors;
use cargoflow_store::StoreError;
use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: one or more fields are invalid.
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    /// 400: the request cannot be read (malformed JSON, wrong content, bad parameter).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 401: no credentials, or credentials that are not valid.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// 403: valid credentials that may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// 404: no such resource for this caller (also for other tenants' ids).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request conflicts with the current state (taken unique value, lost race, rule).
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        fields: Option<FieldErrors>,
        details: Option<Value>,
    },
    /// 413: the body is larger than this endpoint accepts.
    #[error("request body exceeds {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415: the body is not in a format this endpoint accepts.
    #[error("unsupported content type; send {expected}")]
    UnsupportedMediaType { expected: &'static str },
    /// 422: well-formed but cannot be processed (e.g. an idempotency key reused with another body).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// 429: too many requests; retry after the given seconds.
    #[error("too many requests")]
    TooManyRequests {
        retry_after_secs: u64,
        message: &'static str,
    },
    /// 503: a dependency is unavailable.
    #[error("{0}")]
    Unavailable(String),
    /// 500: anything unexpected. The detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code, e.g. `validation_failed`, `not_found`, `conflict`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Field -> reason, for errors about specific fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// Extra machine-readable context (e.g. the current status after a lost race).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}

/// The JSON every error response carries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
    pub request_id: String,
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        ApiError::Validation(FieldErrors::single(field, reason))
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            message: message.into(),
            fields: None,
            details: None,
        }
    }

    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        ApiError::Internal(format!("{context}: {err}"))
    }

    pub fn status(&self) -> u16 {
        match self {
            ApiError::Validation(_) | ApiError::BadRequest { .. } => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict { .. } => 409,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::UnsupportedMediaType { .. } => 415,
            ApiError::Unprocessable { .. } => 422,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::Unavailable(_) => 503,
            ApiError::Internal(_) => 500,
        }
    }

    fn detail(&self) -> ErrorDetail {
        let (code, message, fields, details) = match self {
            ApiError::Validation(f) => (
                "validation_failed",
                "One or more fields are invalid.".to_string(),
                Some(f.clone().into_map()),
                None,
            ),
            ApiError::BadRequest { code, message } => (*code, message.clone(), None, None),
            ApiError::Unauthorized(m) => ("unauthorized", m.to_string(), None, None),
            ApiError::Forbidden(m) => ("forbidden", m.to_string(), None, None),
            ApiError::NotFound(what) => ("not_found", format!("{what} not found"), None, None),
            ApiError::Conflict {
                code,
                message,
                fields,
                details,
            } => (
                *code,
                message.clone(),
                fields.clone().map(FieldErrors::into_map),
                details.clone(),
            ),
            ApiError::PayloadTooLarge { limit } => (
                "payload_too_large",
                format!("The request body exceeds {limit} bytes."),
                None,
                None,
            ),
            ApiError::UnsupportedMediaType { expected } => (
                "unsupported_media_type",
                format!("Send the body as {expected}."),
                None,
                None,
            ),
            ApiError::Unprocessable { code, message } => (*code, message.clone(), None, None),
            ApiError::TooManyRequests { message, .. } => {
                ("too_many_requests", message.to_string(), None, None)
            }
            ApiError::Unavailable(m) => ("unavailable", m.clone(), None, None),
            ApiError::Internal(_) => (
                "internal_error",
                "Something went wrong on our side; quote the request id.".into(),
                None,
                None,
            ),
        };
        ErrorDetail {
            code: code.to_string(),
            message,
            fields,
            details,
        }
    }

    pub fn into_response(self, request_id: &str) -> Response<Body> {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "unexpected error");
        }
        let body = ErrorBody {
            error: self.detail(),
            request_id: request_id.to_string(),
        };
        let mut builder = Response::builder()
            .status(self.status())
            .header("content-type", "application/json")
            .header("cache-control", "no-store");
        if let ApiError::TooManyRequests {
            retry_after_secs, ..
        } = &self
        {
            builder = builder.header("retry-after", retry_after_secs.max(&1).to_string());
        }
        if let ApiError::Unauthorized(_) = &self {
            builder = builder.header("www-authenticate", "Bearer");
        }
        let json = serde_json::to_string(&body).unwrap_or_else(|_| "{}".into());
        builder
            .body(Body::Text(json))
            .unwrap_or_else(|_| Response::new(Body::Empty))
    }
}

/// The dispatch core's refusals, one status each.
impl From<cargoflow_domain::dispatch::DispatchError> for ApiError {
    fn from(e: cargoflow_domain::dispatch::DispatchError) -> Self {
        use cargoflow_domain::dispatch::DispatchError as D;
        match e {
            D::NotFound(what) => ApiError::NotFound(what),
            D::Forbidden(why) => ApiError::Forbidden(why),
            D::Conflict {
                code,
                message,
                details,
            } => ApiError::Conflict {
                code,
                message,
                fields: None,
                details,
            },
            D::Field { field, reason } => ApiError::field(&field, reason),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(f: FieldErrors) -> Self {
        ApiError::Validation(f)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound("resource"),
            StoreError::Taken { field } => ApiError::Conflict {
                code: "already_exists",
                message: format!("{field} is already taken"),
                fields: Some(FieldErrors::single(field, "is already taken")),
                details: None,
            },
            StoreError::Conflict => ApiError::conflict(
                "conflict",
                "The resource was changed by another request; reload and retry.",
            ),
            StoreError::BadCursor => {
                ApiError::field("cursor", "is not a cursor this list handed out")
            }
            StoreError::Corrupt(m) => ApiError::Internal(format!("corrupt item: {m}")),
            StoreError::Backend { operation, message } => {
                ApiError::Internal(format!("{operation}: {message}"))
            }
        }
    }
}

/// Names the missing resource in a store lookup's 404 and passes other errors through.
pub trait NotFoundAs<T> {
    fn not_found_as(self, what: &'static str) -> Result<T, ApiError>;
}

impl<T> NotFoundAs<T> for Result<T, StoreError> {
    fn not_found_as(self, what: &'static str) -> Result<T, ApiError> {
        self.map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound(what),
            other => other.into(),
        })
    }
}

/// A lookup where absence is a normal answer: NotFound becomes `None`, any other store error
/// stays an error (a failed read is never taken for "not there").
pub trait Optional<T> {
    fn optional(self) -> Result<Option<T>, ApiError>;
}

impl<T> Optional<T> for Result<T, StoreError> {
    fn optional(self) -> Result<Option<T>, ApiError> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_found_is_absence() {
        assert_eq!(Ok::<u8, StoreError>(1).optional().unwrap(), Some(1));
        assert_eq!(Err::<u8, _>(StoreError::NotFound).optional().unwrap(), None);
        let failed = Err::<u8, _>(StoreError::Backend {
            operation: "GetItem",
            message: "throttled".into(),
        })
        .optional();
        assert!(
            matches!(failed, Err(ApiError::Internal(_))),
            "a failed read is not absence"
        );
    }

    fn body(r: Response<Body>) -> Value {
        match r.body() {
            Body::Text(t) => serde_json::from_str(t).unwrap(),
            _ => panic!("text body"),
        }
    }

    #[test]
    fn shape_and_status() {
        let r = ApiError::field("email", "must be a valid email address").into_response("req-1");
        assert_eq!(r.status(), 400);
        let b = body(r);
        assert_eq!(b["error"]["code"], "validation_failed");
        assert_eq!(
            b["error"]["fields"]["email"],
            "must be a valid email address"
        );
        assert_eq!(b["request_id"], "req-1");
    }

    #[test]
    fn internal_errors_are_opaque() {
        let r = ApiError::Internal("secret detail: table arn:aws:...".into()).into_response("r");
        assert_eq!(r.status(), 500);
        let text = body(r).to_string();
        assert!(!text.contains("secret detail"));
    }

    #[test]
    fn too_many_requests_sets_retry_after() {
        let r = ApiError::TooManyRequests {
            retry_after_secs: 42,
            message: "slow down",
        }
        .into_response("r");
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "42");
    }

    #[test]
    fn store_errors_map() {
        assert_eq!(ApiError::from(StoreError::NotFound).status(), 404);
        assert_eq!(
            ApiError::from(StoreError::Taken { field: "email" }).status(),
            409
        );
        assert_eq!(ApiError::from(StoreError::Conflict).status(), 409);
        assert_eq!(ApiError::from(StoreError::BadCursor).status(), 400);
        assert_eq!(
            ApiError::from(StoreError::Backend {
                operation: "x",
                message: "y".into()
            })
            .status(),
            500
        );
    }
}
