//! Lambda entry point of `create-pod-uploads`; its code is functions/api/src/handlers/create_pod_uploads.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "create-pod-uploads",
        cargoflow_functions::create_pod_uploads::handle,
    )
}
