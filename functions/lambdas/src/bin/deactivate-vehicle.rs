//! Lambda entry point of `deactivate-vehicle`; its code is functions/api/src/handlers/deactivate_vehicle.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "deactivate-vehicle",
        cargoflow_functions::deactivate_vehicle::handle,
    )
}
