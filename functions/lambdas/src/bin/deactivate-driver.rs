//! Lambda entry point of `deactivate-driver`; its code is functions/api/src/handlers/deactivate_driver.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "deactivate-driver",
        cargoflow_functions::deactivate_driver::handle,
    )
}
