//! Lambda entry point of `list-exceptions`; its code is functions/api/src/handlers/list_exceptions.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-exceptions",
        cargoflow_functions::list_exceptions::handle,
    )
}
