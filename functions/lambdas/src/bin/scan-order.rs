//! Lambda entry point of `scan-order`; its code is functions/api/src/handlers/scan_order.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("scan-order", cargoflow_functions::scan_order::handle)
}
