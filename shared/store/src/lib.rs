//! CargoFlow's single-table DynamoDB store.
//!
//! - [`keys`]: every key format, one place, a test each.
//! - [`items`]: the stored shape of each entity (separate from the domain types, converted with
//!   `TryFrom`), always with `entity_type`, timestamps and `version`.
//! - [`Store`]: the operations functions perform. Every tenant-owned operation takes the
//!   tenant id from the caller's verified identity (never from request input), and every
//!   multi-item change is one `TransactWriteItems`.
//!
//! The access patterns are tabled in docs/ARCHITECTURE.md.

pub mod bulk;
pub mod cursor;
pub mod error;
pub mod fleet;
pub mod idempotency;
pub mod imports;
pub mod items;
pub mod jobs;
pub mod keys;
pub mod live;
pub mod metrics;
pub mod order_items;
pub mod orders;
pub mod outbox;
pub mod sessions;
pub mod stats;
pub mod store;
pub mod tenancy;
pub mod throttle;
pub mod unit_of_work;
pub mod webhooks;

pub use cursor::Page;
pub use error::StoreError;
pub use store::Store;
pub use tenancy::LoginRecord;
pub use throttle::ThrottleDecision;
