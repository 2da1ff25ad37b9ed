//! Lambda entry point of `ws-message` (WebSocket API); its code is functions/api/src/handlers/ws_message.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("ws-message", cargoflow_functions::ws_message::handle)
}
