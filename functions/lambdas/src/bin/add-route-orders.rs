//! Lambda entry point of `add-route-orders`; its code is functions/api/src/handlers/add_route_orders.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "add-route-orders",
        cargoflow_functions::add_route_orders::handle,
    )
}
