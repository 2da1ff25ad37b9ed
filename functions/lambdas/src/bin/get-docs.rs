//! Lambda entry point of `get-docs`; its code is functions/api/src/handlers/get_docs.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-docs", cargoflow_functions::get_docs::handle)
}
