//! Lambda entry point of `get-vehicle`; its code is functions/api/src/handlers/get_vehicle.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-vehicle", cargoflow_functions::get_vehicle::handle)
}
