//! Lambda entry point of `update-order-status`; its code is functions/api/src/handlers/update_order_status.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "update-order-status",
        cargoflow_functions::update_order_status::handle,
    )
}
