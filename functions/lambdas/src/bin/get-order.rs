//! Lambda entry point of `get-order`; its code is functions/api/src/handlers/get_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-order", cargoflow_functions::get_order::handle)
}
