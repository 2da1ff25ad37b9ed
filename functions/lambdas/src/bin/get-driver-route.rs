//! Lambda entry point of `get-driver-route`; its code is functions/api/src/handlers/get_driver_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-driver-route",
        cargoflow_functions::get_driver_route::handle,
    )
}
