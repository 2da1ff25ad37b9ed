//! Lambda entry point of `list-webhook-deliveries`; its code is functions/api/src/handlers/list_webhook_deliveries.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-webhook-deliveries",
        cargoflow_functions::list_webhook_deliveries::handle,
    )
}
