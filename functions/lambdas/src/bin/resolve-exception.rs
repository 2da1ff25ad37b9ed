//! Lambda entry point of `resolve-exception`; its code is functions/api/src/handlers/resolve_exception.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "resolve-exception",
        cargoflow_functions::resolve_exception::handle,
    )
}
