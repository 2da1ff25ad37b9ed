//! Lambda entry point of `ack-exception`; its code is functions/api/src/handlers/ack_exception.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "ack-exception",
        cargoflow_functions::ack_exception::handle,
    )
}
