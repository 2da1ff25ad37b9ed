//! Lambda entry point of `optimize-route`; its code is functions/api/src/handlers/optimize_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "optimize-route",
        cargoflow_functions::optimize_route::handle,
    )
}
