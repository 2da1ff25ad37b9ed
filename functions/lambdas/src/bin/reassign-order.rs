//! Lambda entry point of `reassign-order`; its code is functions/api/src/handlers/reassign_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "reassign-order",
        cargoflow_functions::reassign_order::handle,
    )
}
