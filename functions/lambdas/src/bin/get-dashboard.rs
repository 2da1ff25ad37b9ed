//! Lambda entry point of `get-dashboard`; its code is functions/api/src/handlers/get_dashboard.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-dashboard",
        cargoflow_functions::get_dashboard::handle,
    )
}
