//! Lambda entry point of `list-events`; its code is functions/api/src/handlers/list_events.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("list-events", cargoflow_functions::list_events::handle)
}
