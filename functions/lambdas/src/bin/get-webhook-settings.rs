//! Lambda entry point of `get-webhook-settings`; its code is functions/api/src/handlers/get_webhook_settings.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "get-webhook-settings",
        cargoflow_functions::get_webhook_settings::handle,
    )
}
