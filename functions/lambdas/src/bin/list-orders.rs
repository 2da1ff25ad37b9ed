//! Lambda entry point of `list-orders`; its code is functions/api/src/handlers/list_orders.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("list-orders", cargoflow_functions::list_orders::handle)
}
