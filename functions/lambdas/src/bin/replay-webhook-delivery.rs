//! Lambda entry point of `replay-webhook-delivery`; its code is functions/api/src/handlers/replay_webhook_delivery.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "replay-webhook-delivery",
        cargoflow_functions::replay_webhook_delivery::handle,
    )
}
