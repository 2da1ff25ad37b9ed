//! Lambda entry point of `update-vehicle`; its code is functions/api/src/handlers/update_vehicle.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "update-vehicle",
        cargoflow_functions::update_vehicle::handle,
    )
}
