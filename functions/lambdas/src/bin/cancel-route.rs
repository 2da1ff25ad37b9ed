//! Lambda entry point of `cancel-route`; its code is functions/api/src/handlers/cancel_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "cancel-route",
        cargoflow_functions::cancel_route::handle,
    )
}
