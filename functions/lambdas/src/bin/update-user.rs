//! Lambda entry point of `update-user`; its code is functions/api/src/handlers/update_user.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("update-user", cargoflow_functions::update_user::handle)
}
