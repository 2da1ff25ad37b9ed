//! Lambda entry point of `get-me`; its code is functions/api/src/handlers/get_me.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-me", cargoflow_functions::get_me::handle)
}
