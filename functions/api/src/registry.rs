//! Function name (as in template.yaml and the binary) -> handler. The local host serves
//! template.yaml's routes through this table, and a test checks that every function in the
//! template has an entry here and every entry a function in the template.

use std::sync::Arc;

use cargoflow_http::{Body, Request, Response, serve};
use futures::future::BoxFuture;

use crate::Deps;

pub type HttpFn = fn(Arc<Deps>, Request) -> BoxFuture<'static, Response<Body>>;

macro_rules! http {
    ($name:literal, $module:ident) => {
        (
            $name,
            |deps: Arc<Deps>, req: Request| -> BoxFuture<'static, Response<Body>> {
                Box::pin(async move {
                    deps.start_instance($name).await;
                    serve($name, req, move |r| async move {
                        let r = crate::runtime::admit(&deps, r)?;
                        crate::$module::handle(deps, r).await
                    })
                    .await
                })
            } as HttpFn,
        )
    };
}

/// A function whose POSTs honour `Idempotency-Key` (see idempotency.rs).
macro_rules! http_idempotent {
    ($name:literal, $module:ident) => {
        (
            $name,
            |deps: Arc<Deps>, req: Request| -> BoxFuture<'static, Response<Body>> {
                Box::pin(async move {
                    deps.start_instance($name).await;
                    serve($name, req, move |r| async move {
                        let r = crate::runtime::admit(&deps, r)?;
                        let d = deps.clone();
                        crate::idempotency::run(&deps, r, move |r| crate::$module::handle(d, r))
                            .await
                    })
                    .await
                })
            } as HttpFn,
        )
    };
}

/// Every HTTP function.
pub fn http_functions() -> Vec<(&'static str, HttpFn)> {
    vec![
        http!("health", health),
        http!("get-openapi", get_openapi),
        http!("get-jwks", get_jwks),
        http!("get-docs", get_docs),
        http!("register", register),
        http!("register-confirm", register_confirm),
        http!("login", login),
        http!("get-me", get_me),
        http!("refresh-token", refresh_token),
        http!("logout", logout),
        http_idempotent!("create-user", create_user),
        http!("list-users", list_users),
        http!("update-user", update_user),
        http_idempotent!("deactivate-user", deactivate_user),
        http!("get-driver-me", get_driver_me),
        http_idempotent!("create-driver", create_driver),
        http!("list-drivers", list_drivers),
        http!("get-driver", get_driver),
        http!("update-driver", update_driver),
        http_idempotent!("deactivate-driver", deactivate_driver),
        http_idempotent!("create-vehicle", create_vehicle),
        http!("list-vehicles", list_vehicles),
        http!("get-vehicle", get_vehicle),
        http!("update-vehicle", update_vehicle),
        http_idempotent!("deactivate-vehicle", deactivate_vehicle),
        http_idempotent!("create-order", create_order),
        http!("list-orders", list_orders),
        http!("get-dashboard", get_dashboard),
        http!("get-order", get_order),
        http!("update-order", update_order),
        http_idempotent!("cancel-order", cancel_order),
        http_idempotent!("import-orders", import_orders),
        http!("get-import", get_import),
        http!("list-imports", list_imports),
        http_idempotent!("create-exception", create_exception),
        http!("list-exceptions", list_exceptions),
        http_idempotent!("ack-exception", ack_exception),
        http_idempotent!("resolve-exception", resolve_exception),
        http_idempotent!("create-route", create_route),
        http!("list-routes", list_routes),
        http!("get-route", get_route),
        http!("reorder-route", reorder_route),
        http!("optimize-route", optimize_route),
        http_idempotent!("add-route-orders", add_route_orders),
        http!("remove-route-order", remove_route_order),
        http_idempotent!("cancel-route", cancel_route),
        http_idempotent!("reassign-order", reassign_order),
        http_idempotent!("start-route", start_route),
        http!("list-driver-routes-today", list_driver_routes_today),
        http!("get-driver-route", get_driver_route),
        http_idempotent!("update-order-status", update_order_status),
        http!("scan-order", scan_order),
        http!("get-webhook-settings", get_webhook_settings),
        http!("put-webhook-settings", put_webhook_settings),
        http!("list-webhook-deliveries", list_webhook_deliveries),
        http!("list-events", list_events),
        http!("retry-event", retry_event),
        http!("replay-webhook-delivery", replay_webhook_delivery),
        http!("replay-webhook-dlq", replay_webhook_dlq),
        http!("create-pod-uploads", create_pod_uploads),
        http_idempotent!("create-pod", create_pod),
        http!("get-pod", get_pod),
        http!("get-tracking", get_tracking),
        http!("rotate-tracking-link", rotate_tracking_link),
        http!("revoke-tracking-link", revoke_tracking_link),
        http!("get-tracking-settings", get_tracking_settings),
        http!("put-tracking-settings", put_tracking_settings),
    ]
}

/// Every WebSocket function, with its route key on the WebSocket API. They take the same
/// `Request` as HTTP functions (lambda_http reads WebSocket events too).
pub fn websocket_functions() -> Vec<(&'static str, &'static str, HttpFn)> {
    let route = |name| match name {
        "ws-connect" => "$connect",
        "ws-disconnect" => "$disconnect",
        _ => "$default",
    };
    vec![
        http!("ws-connect", ws_connect),
        http!("ws-disconnect", ws_disconnect),
        http!("ws-message", ws_message),
    ]
    .into_iter()
    .map(|(n, f)| (n, route(n), f))
    .collect()
}

/// The function serving a WebSocket route key.
pub fn websocket_function(route_key: &str) -> Option<(&'static str, HttpFn)> {
    websocket_functions()
        .into_iter()
        .find(|(_, r, _)| *r == route_key)
        .map(|(n, _, f)| (n, f))
}

/// Is this HTTP function's POST wrapped by the idempotency layer? (Its binary must use
/// `run_http_idempotent`; a test checks.)
pub fn is_idempotent(name: &str) -> bool {
    IDEMPOTENT.contains(&name)
}

/// Does this function read or write the table? The ones that never do (the API document and
/// its page) skip the init warm-up, so their role needs no DynamoDB access at all.
pub fn uses_table(name: &str) -> bool {
    !NO_TABLE.contains(&name)
}

const NO_TABLE: &[&str] = &["get-openapi", "get-docs"];

/// The functions behind the idempotency layer.
pub fn idempotent_functions() -> &'static [&'static str] {
    IDEMPOTENT
}

const IDEMPOTENT: &[&str] = &[
    "create-user",
    "deactivate-user",
    "create-driver",
    "deactivate-driver",
    "create-vehicle",
    "deactivate-vehicle",
    "create-order",
    "cancel-order",
    "import-orders",
    "create-exception",
    "ack-exception",
    "resolve-exception",
    "create-route",
    "add-route-orders",
    "cancel-route",
    "reassign-order",
    "start-route",
    "update-order-status",
    "create-pod",
];

/// One invocation of an event-driven function, as Lambda runs it: the instance's init on its
/// first call, then the handler, its AWS calls recorded as the function's.
async fn invocation<T, Fut>(
    function: &'static str,
    deps: Arc<Deps>,
    handler: impl FnOnce(Arc<Deps>) -> Fut,
) -> T
where
    Fut: std::future::Future<Output = T>,
{
    deps.start_instance(function).await;
    cargoflow_aws::calls::as_function(function, cargoflow_aws::calls::Via::Code, handler(deps))
        .await
}

/// A scheduled function: the schedule's event in, a JSON report out.
pub type ScheduleFn =
    fn(Arc<Deps>, serde_json::Value) -> BoxFuture<'static, Result<serde_json::Value, String>>;

macro_rules! schedule {
    ($name:literal, $module:ident) => {
        ($name, |deps: Arc<Deps>,
                 event: serde_json::Value|
         -> BoxFuture<'static, Result<serde_json::Value, String>> {
            Box::pin(invocation($name, deps, move |d| {
                crate::$module::handle(d, event)
            }))
        } as ScheduleFn)
    };
}

/// Every scheduled function.
pub fn schedule_functions() -> Vec<(&'static str, ScheduleFn)> {
    vec![
        schedule!("detect-delays", detect_delays),
        schedule!("send-route-reminders", send_route_reminders),
        schedule!("sweep-outbox", sweep_outbox),
        schedule!("rotate-signing-key", rotate_signing_key),
    ]
}

/// A DynamoDB-stream function: a batch of records in, the failed ones out.
pub type StreamFn =
    fn(
        Arc<Deps>,
        aws_lambda_events::dynamodb::Event,
    )
        -> BoxFuture<'static, Result<aws_lambda_events::streams::DynamoDbEventResponse, String>>;

pub fn stream_functions() -> Vec<(&'static str, StreamFn)> {
    vec![
        ("relay-outbox", |deps, event| {
            Box::pin(invocation("relay-outbox", deps, move |d| {
                crate::relay_outbox::handle(d, event)
            }))
        }),
        ("push-live-updates", |deps, event| {
            Box::pin(invocation("push-live-updates", deps, move |d| {
                crate::push_live_updates::handle(d, event)
            }))
        }),
    ]
}

/// An SQS-triggered function: a batch of messages in, the failed ones out.
pub type SqsFn =
    fn(
        Arc<Deps>,
        aws_lambda_events::event::sqs::SqsEvent,
    ) -> BoxFuture<'static, Result<aws_lambda_events::event::sqs::SqsBatchResponse, String>>;

pub fn sqs_functions() -> Vec<(&'static str, SqsFn)> {
    vec![
        ("dispatch-webhooks", |deps, event| {
            Box::pin(invocation("dispatch-webhooks", deps, move |d| {
                crate::dispatch_webhooks::handle(d, event)
            }))
        }),
        ("import-orders-worker", |deps, event| {
            Box::pin(invocation("import-orders-worker", deps, move |d| {
                crate::import_orders_worker::handle(d, event)
            }))
        }),
    ]
}

pub fn sqs_function(name: &str) -> Option<SqsFn> {
    sqs_functions()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
}

pub fn stream_function(name: &str) -> Option<StreamFn> {
    stream_functions()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
}

pub fn schedule_function(name: &str) -> Option<ScheduleFn> {
    schedule_functions()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
}

/// Every function name, HTTP or scheduled.
pub fn all_function_names() -> Vec<&'static str> {
    http_functions()
        .into_iter()
        .map(|(n, _)| n)
        .chain(schedule_functions().into_iter().map(|(n, _)| n))
        .chain(stream_functions().into_iter().map(|(n, _)| n))
        .chain(sqs_functions().into_iter().map(|(n, _)| n))
        .chain(websocket_functions().into_iter().map(|(n, _, _)| n))
        .collect()
}

pub fn http_function(name: &str) -> Option<HttpFn> {
    http_functions()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| f)
}
