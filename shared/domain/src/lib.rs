//! CargoFlow's domain model: validated value types, roles and the entities the store persists.
//!
//! Everything here is pure (no I/O) so it can be unit- and property-tested in milliseconds.
//! Request DTOs are parsed into these types at the HTTP boundary; inside, invalid states are
//! unrepresentable.

pub mod entities;
pub mod ids;
pub mod roles;
pub mod time_util;
pub mod validation;

pub use entities::*;
pub use ids::*;
pub use roles::*;
pub use validation::*;
