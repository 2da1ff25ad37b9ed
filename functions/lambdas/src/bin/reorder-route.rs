//! Lambda entry point of `reorder-route`; its code is functions/api/src/handlers/reorder_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "reorder-route",
        cargoflow_functions::reorder_route::handle,
    )
}
