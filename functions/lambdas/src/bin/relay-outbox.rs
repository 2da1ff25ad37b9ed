//! Lambda entry point of `relay-outbox` (DynamoDB stream); its code is functions/api/src/handlers/relay_outbox.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_stream(
        "relay-outbox",
        cargoflow_functions::relay_outbox::handle,
    )
}
