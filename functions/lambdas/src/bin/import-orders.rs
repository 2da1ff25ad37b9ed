//! Lambda entry point of `import-orders`; its code is functions/api/src/handlers/import_orders.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "import-orders",
        cargoflow_functions::import_orders::handle,
    )
}
