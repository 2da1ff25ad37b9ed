//! Every CargoFlow function's code. A function `create-driver` in template.yaml (resource
//! `CreateDriverFunction`, binary `create-driver` in functions/lambdas) has its handler in
//! [`handlers`]`/create_driver.rs`. The handlers share the application core in [`app`] (the
//! dispatch core's load/decide/apply path, idempotency, sessions) and reach the outside world
//! through [`adapters`] (EventBridge, the webhook client, WebSocket pushes, S3, email).
//!
//! An HTTP handler is `async fn handle(deps: Arc<Deps>, req: Request) -> Result<Response, ApiError>`:
//! it parses the request into validated domain types, authenticates, calls one core
//! operation, and returns. [`registry`] maps function names to handlers for the local host and
//! for the test that checks template.yaml against the code.

pub mod adapters;
pub mod app;
pub mod deps;
pub mod handlers;
pub mod openapi;
pub mod registry;
pub mod runtime;

// Every module keeps its one-segment path (`crate::create_driver`,
// `cargoflow_functions::dispatch`): the folders group them, the names stay.
pub use adapters::*;
pub use app::*;
pub use deps::Deps;
pub use handlers::*;
