//! The dispatch core: every order and route change, decided without I/O.
//!
//! Each operation takes the state a handler loaded (the order, the route, the crew), the
//! [`Settings`] and `now` (in a [`Ctx`]), and returns one [`Change`]: the new states with the
//! versions they expect, the history rows, the events, an exception or a proof of delivery. The
//! store applies a change as it is (`UnitOfWork::apply`); nothing here reads or writes.
//!
//! - [`moves`]: an order's status moves by each actor, and their effect on the route it is on.
//! - [`routes`]: assign, unassign, reassign; start, reorder, optimise, cancel a route.
//! - [`plan`]: the bridge to the optimiser: stops in driving order with ETAs.
//! - [`change`]: the value every operation returns, and the error it may answer instead.

pub mod change;
pub mod moves;
pub mod plan;
pub mod routes;

pub use change::*;
pub use moves::*;
pub use plan::*;
pub use routes::*;

#[cfg(test)]
mod tests;
