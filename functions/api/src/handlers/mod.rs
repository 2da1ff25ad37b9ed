//! One module per function, named as its `Binary` in template.yaml (`create-driver` ->
//! `create_driver.rs`): parse, authenticate, call the core, answer.

// Platform
pub mod get_docs;
pub mod get_openapi;
pub mod health;

// Auth
pub mod get_jwks;
pub mod get_me;
pub mod login;
pub mod logout;
pub mod refresh_token;
pub mod register;
pub mod register_confirm;

// Users (OPS_ADMIN)
pub mod create_user;
pub mod deactivate_user;
pub mod list_users;
pub mod update_user;

// Driver app
pub mod get_driver_me;
pub mod get_driver_route;
pub mod list_driver_routes_today;
pub mod scan_order;
pub mod update_order_status;

// Proof of delivery and tracking
pub mod create_pod;
pub mod create_pod_uploads;
pub mod get_pod;
pub mod get_tracking;
pub mod get_tracking_settings;
pub mod put_tracking_settings;
pub mod revoke_tracking_link;
pub mod rotate_tracking_link;

// Live updates (WebSocket API)
pub mod push_live_updates;
pub mod ws_connect;
pub mod ws_disconnect;
pub mod ws_message;

// Drivers and vehicles
pub mod create_driver;
pub mod create_vehicle;
pub mod deactivate_driver;
pub mod deactivate_vehicle;
pub mod get_driver;
pub mod get_vehicle;
pub mod list_drivers;
pub mod list_vehicles;
pub mod update_driver;
pub mod update_vehicle;

// Orders and exceptions
pub mod ack_exception;
pub mod cancel_order;
pub mod create_exception;
pub mod create_order;
pub mod get_dashboard;
pub mod get_import;
pub mod get_order;
pub mod import_orders;
pub mod import_orders_worker;
pub mod list_exceptions;
pub mod list_imports;
pub mod list_orders;
pub mod resolve_exception;
pub mod update_order;

// Routes
pub mod add_route_orders;
pub mod cancel_route;
pub mod create_route;
pub mod get_route;
pub mod list_routes;
pub mod optimize_route;
pub mod reassign_order;
pub mod remove_route_order;
pub mod reorder_route;
pub mod start_route;

// Scheduled jobs
pub mod detect_delays;
pub mod rotate_signing_key;
pub mod send_route_reminders;
pub mod sweep_outbox;

// Event pipeline
pub mod dispatch_webhooks;
pub mod relay_outbox;

// Webhooks
pub mod get_webhook_settings;
pub mod list_events;
pub mod list_webhook_deliveries;
pub mod put_webhook_settings;
pub mod replay_webhook_delivery;
pub mod replay_webhook_dlq;
pub mod retry_event;
