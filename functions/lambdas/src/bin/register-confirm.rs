//! Lambda entry point of `register-confirm`; its code is functions/api/src/handlers/register_confirm.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "register-confirm",
        cargoflow_functions::register_confirm::handle,
    )
}
