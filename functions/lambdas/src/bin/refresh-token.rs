//! Lambda entry point of `refresh-token`; its code is functions/api/src/handlers/refresh_token.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "refresh-token",
        cargoflow_functions::refresh_token::handle,
    )
}
