//! Lambda entry point of `list-driver-routes-today`; its code is functions/api/src/handlers/list_driver_routes_today.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-driver-routes-today",
        cargoflow_functions::list_driver_routes_today::handle,
    )
}
