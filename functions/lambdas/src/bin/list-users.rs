//! Lambda entry point of `list-users`; its code is functions/api/src/handlers/list_users.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("list-users", cargoflow_functions::list_users::handle)
}
