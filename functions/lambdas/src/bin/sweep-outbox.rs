//! Lambda entry point of `sweep-outbox` (scheduled); its code is functions/api/src/handlers/sweep_outbox.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_schedule(
        "sweep-outbox",
        cargoflow_functions::sweep_outbox::handle,
    )
}
