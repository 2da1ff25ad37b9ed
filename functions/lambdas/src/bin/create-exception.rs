//! Lambda entry point of `create-exception`; its code is functions/api/src/handlers/create_exception.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-exception",
        cargoflow_functions::create_exception::handle,
    )
}
