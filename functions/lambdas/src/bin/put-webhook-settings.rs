//! Lambda entry point of `put-webhook-settings`; its code is functions/api/src/handlers/put_webhook_settings.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "put-webhook-settings",
        cargoflow_functions::put_webhook_settings::handle,
    )
}
