//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations.
//! `make openapi` writes it to docs/openapi.json; the frontend generates its types from it.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CargoFlow API",
        description = "Multi-tenant delivery management: ops console, driver app, public tracking, signed webhooks. \
                       Errors share one shape: `{\"error\": {\"code\", \"message\", \"fields\"?}, \"request_id\"}`.",
        version = "0.1.0",
        license(name = "Apache-2.0")
    ),
    paths(
        crate::health::handle,
        crate::register::handle,
        crate::register_confirm::handle,
        crate::login::handle,
        crate::get_jwks::handle,
        crate::get_me::handle,
        crate::refresh_token::handle,
        crate::logout::handle,
        crate::create_user::handle,
        crate::list_users::handle,
        crate::update_user::handle,
        crate::deactivate_user::handle,
        crate::get_driver_me::handle,
        crate::create_driver::handle,
        crate::list_drivers::handle,
        crate::get_driver::handle,
        crate::update_driver::handle,
        crate::deactivate_driver::handle,
        crate::create_vehicle::handle,
        crate::list_vehicles::handle,
        crate::get_vehicle::handle,
        crate::update_vehicle::handle,
        crate::deactivate_vehicle::handle,
        crate::create_order::handle,
        crate::list_orders::handle,
        crate::get_order::handle,
        crate::update_order::handle,
        crate::cancel_order::handle,
        crate::import_orders::handle,
        crate::get_import::handle,
        crate::list_imports::handle,
        crate::create_exception::handle,
        crate::list_exceptions::handle,
        crate::ack_exception::handle,
        crate::resolve_exception::handle,
        crate::create_route::handle,
        crate::list_routes::handle,
        crate::get_route::handle,
        crate::reorder_route::handle,
        crate::optimize_route::handle,
        crate::add_route_orders::handle,
        crate::remove_route_order::handle,
        crate::cancel_route::handle,
        crate::reassign_order::handle,
        crate::start_route::handle,
        crate::list_driver_routes_today::handle,
        crate::get_driver_route::handle,
        crate::update_order_status::handle,
        crate::scan_order::handle,
        crate::get_webhook_settings::handle,
        crate::put_webhook_settings::handle,
        crate::list_webhook_deliveries::handle,
        crate::list_events::handle,
        crate::retry_event::handle,
        crate::replay_webhook_delivery::handle,
        crate::replay_webhook_dlq::handle,
        crate::create_pod_uploads::handle,
        crate::create_pod::handle,
        crate::get_pod::handle,
        crate::get_tracking::handle,
        crate::rotate_tracking_link::handle,
        crate::revoke_tracking_link::handle,
        crate::get_tracking_settings::handle,
        crate::put_tracking_settings::handle,
    ),
    components(schemas(cargoflow_http::ErrorBody)),
    modifiers(&BearerAuth),
    tags(
        (name = "platform", description = "Health, schema, docs"),
        (name = "auth", description = "Registration, login, token refresh"),
        (name = "users", description = "Ops users and roles (OPS_ADMIN)"),
        (name = "driver", description = "The driver app (driver tokens only)"),
        (name = "drivers", description = "Drivers and their logins"),
        (name = "vehicles", description = "Vehicles"),
        (name = "orders", description = "Orders, stops, status history, CSV import"),
        (name = "exceptions", description = "Exceptions raised on orders"),
        (name = "routes", description = "Routes: assignment, optimisation, reordering, ETAs"),
        (name = "webhooks", description = "Webhook settings, deliveries, replay, the event log"),
        (name = "tracking", description = "The public tracking page, its links and settings; live updates over the WebSocket API (docs/API.md)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn document_json() -> String {
    document().to_pretty_json().unwrap_or_else(|_| "{}".into())
}
