//! Lambda entry point of `create-pod`; its code is functions/api/src/handlers/create_pod.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-pod",
        cargoflow_functions::create_pod::handle,
    )
}
