//! Lambda entry point of `rotate-tracking-link`; its code is functions/api/src/handlers/rotate_tracking_link.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "rotate-tracking-link",
        cargoflow_functions::rotate_tracking_link::handle,
    )
}
