//! Lambda entry point of `replay-webhook-dlq`; its code is functions/api/src/handlers/replay_webhook_dlq.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "replay-webhook-dlq",
        cargoflow_functions::replay_webhook_dlq::handle,
    )
}
