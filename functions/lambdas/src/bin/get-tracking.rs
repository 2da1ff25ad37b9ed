//! Lambda entry point of `get-tracking`; its code is functions/api/src/handlers/get_tracking.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-tracking",
        cargoflow_functions::get_tracking::handle,
    )
}
