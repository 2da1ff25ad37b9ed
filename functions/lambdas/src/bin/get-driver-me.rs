//! Lambda entry point of `get-driver-me`; its code is functions/api/src/handlers/get_driver_me.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-driver-me",
        cargoflow_functions::get_driver_me::handle,
    )
}
