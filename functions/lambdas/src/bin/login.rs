//! Lambda entry point of `login`; its code is functions/api/src/handlers/login.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("login", cargoflow_functions::login::handle)
}
