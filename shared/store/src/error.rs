use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The item does not exist (or belongs to another tenant, which is the same thing).
    #[error("not found")]
    NotFound,
    /// A uniqueness marker already exists (field names the API field that must be unique).
    #[error("{field} is already taken")]
    Taken { field: &'static str },
    /// The item changed since it was read (optimistic concurrency) or a guard did not hold.
    #[error("the item was changed concurrently")]
    Conflict,
    /// A pagination cursor that this query did not hand out.
    #[error("invalid cursor")]
    BadCursor,
    /// A stored item does not convert to its domain type.
    #[error("stored item is malformed: {0}")]
    Corrupt(String),
    /// DynamoDB (or the network) failed.
    #[error("dynamodb {operation} failed: {message}")]
    Backend {
        operation: &'static str,
        message: String,
    },
}

impl StoreError {
    pub fn backend<E: std::fmt::Debug>(operation: &'static str, err: E) -> Self {
        // The SDK's Debug output carries the service's error code and message.
        StoreError::Backend {
            operation,
            message: format!("{err:?}"),
        }
    }
}

/// A Query that started from a client's cursor and was refused by DynamoDB's validation:
/// the cursor is at fault (400), not the service.
pub(crate) fn query_failed<E: std::fmt::Debug>(err: E, from_cursor: bool) -> StoreError {
    let message = format!("{err:?}");
    if from_cursor && message.contains("ValidationException") {
        StoreError::BadCursor
    } else {
        StoreError::Backend {
            operation: "Query",
            message,
        }
    }
}

impl From<serde_dynamo::Error> for StoreError {
    fn from(e: serde_dynamo::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
