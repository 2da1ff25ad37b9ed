//! Lambda entry point of `list-imports`; its code is functions/api/src/handlers/list_imports.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-imports",
        cargoflow_functions::list_imports::handle,
    )
}
