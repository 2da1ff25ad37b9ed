//! Exceptions on orders (delays, failed attempts, ...), and their small lifecycle:
//! OPEN -> ACKNOWLEDGED -> RESOLVED, or OPEN -> RESOLVED.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::*;
use crate::orders::OrderId;

id_type!(/// An exception raised on an order.
    ExceptionId);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExceptionType {
    Delay,
    FailedAttempt,
    WrongAddress,
    CustomerUnavailable,
    Damaged,
    Other,
}

impl ExceptionType {
    pub const ALL: [ExceptionType; 6] = [
        ExceptionType::Delay,
        ExceptionType::FailedAttempt,
        ExceptionType::WrongAddress,
        ExceptionType::CustomerUnavailable,
        ExceptionType::Damaged,
        ExceptionType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionType::Delay => "DELAY",
            ExceptionType::FailedAttempt => "FAILED_ATTEMPT",
            ExceptionType::WrongAddress => "WRONG_ADDRESS",
            ExceptionType::CustomerUnavailable => "CUSTOMER_UNAVAILABLE",
            ExceptionType::Damaged => "DAMAGED",
            ExceptionType::Other => "OTHER",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == raw.trim().to_uppercase())
            .ok_or_else(|| "must be one of DELAY, FAILED_ATTEMPT, WRONG_ADDRESS, CUSTOMER_UNAVAILABLE, DAMAGED, OTHER".into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExceptionStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl ExceptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionStatus::Open => "OPEN",
            ExceptionStatus::Acknowledged => "ACKNOWLEDGED",
            ExceptionStatus::Resolved => "RESOLVED",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_uppercase().as_str() {
            "OPEN" => Ok(Self::Open),
            "ACKNOWLEDGED" => Ok(Self::Acknowledged),
            "RESOLVED" => Ok(Self::Resolved),
            _ => Err("must be one of OPEN, ACKNOWLEDGED, RESOLVED".into()),
        }
    }

    /// The statuses an exception may be in for a move to `to`.
    pub fn allowed_from(to: ExceptionStatus) -> &'static [ExceptionStatus] {
        match to {
            ExceptionStatus::Open => &[],
            ExceptionStatus::Acknowledged => &[ExceptionStatus::Open],
            ExceptionStatus::Resolved => &[ExceptionStatus::Open, ExceptionStatus::Acknowledged],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrderException {
    pub id: ExceptionId,
    pub order_id: OrderId,
    #[serde(rename = "type")]
    pub exception_type: ExceptionType,
    pub status: ExceptionStatus,
    pub notes: Option<String>,
    pub ack_note: Option<String>,
    pub resolution: Option<String>,
    /// The ops user who raised it; none when CargoFlow did (delay detection).
    pub created_by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub resolved_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle() {
        assert_eq!(
            ExceptionStatus::allowed_from(ExceptionStatus::Acknowledged),
            &[ExceptionStatus::Open]
        );
        assert!(
            ExceptionStatus::allowed_from(ExceptionStatus::Resolved)
                .contains(&ExceptionStatus::Acknowledged)
        );
        assert!(
            !ExceptionStatus::allowed_from(ExceptionStatus::Resolved)
                .contains(&ExceptionStatus::Resolved)
        );
        for t in ExceptionType::ALL {
            assert_eq!(ExceptionType::parse(t.as_str()), Ok(t));
        }
        assert!(ExceptionType::parse("ALIENS").is_err());
    }
}
