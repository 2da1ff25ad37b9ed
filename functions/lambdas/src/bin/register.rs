//! Lambda entry point of `register`; its code is functions/api/src/handlers/register.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("register", cargoflow_functions::register::handle)
}
