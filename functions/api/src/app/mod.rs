//! The application core the handlers share: the dispatch core's load/decide/apply path,
//! idempotency, sessions and tokens, driver scope, scheduled-job fairness.

pub mod dispatch;
pub mod driver_scope;
pub mod dto;
pub mod idempotency;
pub mod revocation;
pub mod session;
pub mod signing;
pub mod tenant_runs;
pub mod tracking_link;
