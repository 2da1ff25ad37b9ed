//! Lambda entry point of `get-pod`; its code is functions/api/src/handlers/get_pod.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("get-pod", cargoflow_functions::get_pod::handle)
}
