//! Lambda entry point of `send-route-reminders` (scheduled); its code is functions/api/src/handlers/send_route_reminders.rs.
fn main() -> Result<(), lambda_runtime::Error> {
    cargoflow_functions::runtime::run_schedule(
        "send-route-reminders",
        cargoflow_functions::send_route_reminders::handle,
    )
}
