//! Lambda entry point of `deactivate-user`; its code is functions/api/src/handlers/deactivate_user.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "deactivate-user",
        cargoflow_functions::deactivate_user::handle,
    )
}
