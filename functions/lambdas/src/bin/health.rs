//! Lambda entry point of `health`; its code is functions/api/src/handlers/health.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("health", cargoflow_functions::health::handle)
}
