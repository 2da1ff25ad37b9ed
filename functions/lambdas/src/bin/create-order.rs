//! Lambda entry point of `create-order`; its code is functions/api/src/handlers/create_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-order",
        cargoflow_functions::create_order::handle,
    )
}
