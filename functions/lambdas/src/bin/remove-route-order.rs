//! Lambda entry point of `remove-route-order`; its code is functions/api/src/handlers/remove_route_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "remove-route-order",
        cargoflow_functions::remove_route_order::handle,
    )
}
