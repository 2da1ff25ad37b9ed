//! Lambda entry point of `start-route`; its code is functions/api/src/handlers/start_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "start-route",
        cargoflow_functions::start_route::handle,
    )
}
