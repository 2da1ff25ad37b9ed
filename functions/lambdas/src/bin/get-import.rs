//! Lambda entry point of `get-import`; its code is functions/api/src/handlers/get_import.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-import", cargoflow_functions::get_import::handle)
}
