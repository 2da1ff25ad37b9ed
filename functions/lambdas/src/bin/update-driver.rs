//! Lambda entry point of `update-driver`; its code is functions/api/src/handlers/update_driver.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "update-driver",
        cargoflow_functions::update_driver::handle,
    )
}
