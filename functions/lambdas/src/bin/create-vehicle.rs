//! Lambda entry point of `create-vehicle`; its code is functions/api/src/handlers/create_vehicle.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-vehicle",
        cargoflow_functions::create_vehicle::handle,
    )
}
