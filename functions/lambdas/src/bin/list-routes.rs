//! Lambda entry point of `list-routes`; its code is functions/api/src/handlers/list_routes.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("list-routes", cargoflow_functions::list_routes::handle)
}
