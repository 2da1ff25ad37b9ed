//! Lambda entry point of `ws-disconnect` (WebSocket API); its code is functions/api/src/handlers/ws_disconnect.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http(
        "ws-disconnect",
        cargoflow_functions::ws_disconnect::handle,
    )
}
