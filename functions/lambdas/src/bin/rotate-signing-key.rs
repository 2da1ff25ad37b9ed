//! Lambda entry point of `rotate-signing-key` (scheduled); its code is functions/api/src/handlers/rotate_signing_key.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_schedule(
        "rotate-signing-key",
        cargoflow_functions::rotate_signing_key::handle,
    )
}
