//! Lambda entry point of `list-drivers`; its code is functions/api/src/handlers/list_drivers.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "list-drivers",
        cargoflow_functions::list_drivers::handle,
    )
}
