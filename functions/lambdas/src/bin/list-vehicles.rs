//! Lambda entry point of `list-vehicles`; its code is functions/api/src/handlers/list_vehicles.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-vehicles",
        cargoflow_functions::list_vehicles::handle,
    )
}
