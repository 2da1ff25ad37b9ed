//! Lambda entry point of `create-route`; its code is functions/api/src/handlers/create_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-route",
        cargoflow_functions::create_route::handle,
    )
}
