//! CargoFlow's domain model: validated value types, roles, the order status machine and the
//! entities the store persists.
//!
//! Everything here is pure (no I/O) so it can be unit- and property-tested in milliseconds.
//! Request DTOs are parsed into these types at the HTTP boundary; inside, invalid states are
//! unrepresentable.

#[macro_use]
pub mod ids;
pub mod dispatch;
pub mod entities;
pub mod events;
pub mod exceptions;
pub mod orders;
pub mod pod;
pub mod roles;
pub mod routes;
pub mod status_machine;
pub mod tally;
pub mod time_util;
pub mod tracking;
pub mod validation;
pub mod webhooks;

pub use entities::*;
pub use events::*;
pub use exceptions::*;
pub use ids::*;
pub use orders::*;
pub use pod::{Pod, PodFileKind, PodSummary};
pub use roles::*;
pub use routes::*;
pub use status_machine::{ActorType, OrderStatus, TransitionError};
pub use tracking::{LiveLocation, TrackingSettings, TrackingView};
pub use validation::*;
