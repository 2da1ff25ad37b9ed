//! Lambda entry point of `logout`; its code is functions/api/src/handlers/logout.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("logout", cargoflow_functions::logout::handle)
}
