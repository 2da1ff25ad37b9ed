//! Lambda entry point of `get-driver`; its code is functions/api/src/handlers/get_driver.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-driver", cargoflow_functions::get_driver::handle)
}
