//! Lambda entry point of `retry-event`; its code is functions/api/src/handlers/retry_event.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("retry-event", cargoflow_functions::retry_event::handle)
}
