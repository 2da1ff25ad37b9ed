//! Lambda entry point of `get-openapi`; its code is functions/api/src/handlers/get_openapi.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-openapi", cargoflow_functions::get_openapi::handle)
}
