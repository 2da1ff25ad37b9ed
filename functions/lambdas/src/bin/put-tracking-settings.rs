//! Lambda entry point of `put-tracking-settings`; its code is functions/api/src/handlers/put_tracking_settings.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "put-tracking-settings",
        cargoflow_functions::put_tracking_settings::handle,
    )
}
