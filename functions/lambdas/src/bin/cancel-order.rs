//! Lambda entry point of `cancel-order`; its code is functions/api/src/handlers/cancel_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "cancel-order",
        cargoflow_functions::cancel_order::handle,
    )
}
