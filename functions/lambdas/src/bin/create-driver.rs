//! Lambda entry point of `create-driver`; its code is functions/api/src/handlers/create_driver.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-driver",
        cargoflow_functions::create_driver::handle,
    )
}
