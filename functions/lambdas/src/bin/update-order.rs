//! Lambda entry point of `update-order`; its code is functions/api/src/handlers/update_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "update-order",
        cargoflow_functions::update_order::handle,
    )
}
