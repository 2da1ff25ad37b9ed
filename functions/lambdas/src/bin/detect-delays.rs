//! Lambda entry point of `detect-delays` (scheduled); its code is functions/api/src/handlers/detect_delays.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_schedule(
        "detect-delays",
        cargoflow_functions::detect_delays::handle,
    )
}
