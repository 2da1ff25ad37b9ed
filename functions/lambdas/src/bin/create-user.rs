//! Lambda entry point of `create-user`; its code is functions/api/src/handlers/create_user.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http_idempotent(
        "create-user",
        cargoflow_functions::create_user::handle,
    )
}
