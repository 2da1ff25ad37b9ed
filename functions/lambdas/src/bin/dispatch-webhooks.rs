//! Lambda entry point of `dispatch-webhooks` (SQS); its code is functions/api/src/handlers/dispatch_webhooks.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_sqs(
        "dispatch-webhooks",
        cargoflow_functions::dispatch_webhooks::handle,
    )
}
