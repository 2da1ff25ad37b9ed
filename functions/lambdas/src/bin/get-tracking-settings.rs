//! Lambda entry point of `get-tracking-settings`; its code is functions/api/src/handlers/get_tracking_settings.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-tracking-settings",
        cargoflow_functions::get_tracking_settings::handle,
    )
}
