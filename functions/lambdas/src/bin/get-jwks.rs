//! Lambda entry point of `get-jwks`; its code is functions/api/src/handlers/get_jwks.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-jwks", cargoflow_functions::get_jwks::handle)
}
