//! Lambda entry point of `import-orders-worker` (SQS); its code is functions/api/src/handlers/import_orders_worker.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_sqs(
        "import-orders-worker",
        cargoflow_functions::import_orders_worker::handle,
    )
}
