//! Lambda entry point of `push-live-updates` (DynamoDB stream); its code is functions/api/src/handlers/push_live_updates.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_stream(
        "push-live-updates",
        cargoflow_functions::push_live_updates::handle,
    )
}
