//! Lambda entry point of `revoke-tracking-link`; its code is functions/api/src/handlers/revoke_tracking_link.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "revoke-tracking-link",
        cargoflow_functions::revoke_tracking_link::handle,
    )
}
