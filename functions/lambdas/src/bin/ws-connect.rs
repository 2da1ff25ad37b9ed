//! Lambda entry point of `ws-connect` (WebSocket API); its code is functions/api/src/handlers/ws_connect.rs.
fn main() -> Result<(), lambda_http::Error> {
    cargoflow_functions::runtime::run_http("ws-connect", cargoflow_functions::ws_connect::handle)
}
