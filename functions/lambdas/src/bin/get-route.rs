//! Lambda entry point of `get-route`; its code is functions/api/src/handlers/get_route.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-route", cargoflow_functions::get_route::handle)
}
