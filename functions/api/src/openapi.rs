//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations.
//! `make openapi` writes it to docs/openapi.json; the frontend generates its types from it.

use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder, Type};
use utoipa::openapi::{ObjectBuilder, header::HeaderBuilder};
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
        crate::get_openapi::handle,
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
        crate::get_dashboard::handle,
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
    modifiers(&BearerAuth, &CommonResponses),
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

/// The answers an operation can give whatever its handler does, added to every operation
/// that does not document that status itself (a handler's own description wins), so the
/// document lists every status the API can answer:
/// - every operation: 403 (behind CloudFront, a request without the origin secret; with a
///   token, also a role that may not do this) and 500 (unexpected; opaque, with the request id);
/// - with a bearer token: 401 (no token, or one that is expired, revoked or not ours);
/// - with a path parameter: 404 (an id that names nothing for this caller, malformed ones too);
/// - with a body, a query parameter or an `Idempotency-Key`: 400 (unreadable or invalid,
///   `error.fields` names each field);
/// - with a JSON body: 413 and 415 (`parse_json`'s limits);
/// - behind the idempotency layer (registry.rs): the `Idempotency-Key` header, 409 (a request
///   with the key still running) and 422 (the key used with another request).
///
/// Every error answer is the one [`cargoflow_http::ErrorBody`] as `application/json`.
struct CommonResponses;

/// (status, component name, description) of each shared error response.
const COMMON: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The request cannot be read or a field is invalid (malformed JSON, a wrong shape, a bad \
         query parameter or Idempotency-Key); `error.fields` names each field",
    ),
    (
        "401",
        "Unauthorized",
        "No bearer token, or one that is expired, revoked or not valid (WWW-Authenticate: Bearer)",
    ),
    (
        "403",
        "Forbidden",
        "The caller may not do this (role, token kind); also any request that did not come \
         through the API's CloudFront distribution",
    ),
    (
        "404",
        "NotFound",
        "Nothing with this id for this caller (other tenants' ids and malformed ids alike)",
    ),
    (
        "409",
        "RequestInProgress",
        "A request with this Idempotency-Key is still running; retry shortly",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than this endpoint accepts",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not application/json",
    ),
    (
        "422",
        "IdempotencyKeyReused",
        "This Idempotency-Key was used with a different request",
    ),
    (
        "500",
        "InternalError",
        "Unexpected error; the message is opaque, quote the request id",
    ),
];

/// The shared statuses one operation can answer (see [`CommonResponses`]).
fn common_statuses(op: &Operation) -> Vec<&'static str> {
    let name = op
        .operation_id
        .as_deref()
        .unwrap_or_default()
        .replace('_', "-");
    let idempotent = crate::registry::is_idempotent(&name);
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().any(|r| *r != SecurityRequirement::default()));
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.keys().any(|ct| ct.contains("json")));
    let mut statuses = vec!["403", "500"];
    if secured {
        statuses.push("401");
    }
    if has(ParameterIn::Path) {
        statuses.push("404");
    }
    if op.request_body.is_some() || has(ParameterIn::Query) || idempotent {
        statuses.push("400");
    }
    if json_body {
        statuses.extend(["413", "415"]);
    }
    if idempotent {
        statuses.extend(["409", "422"]);
    }
    statuses
}

/// The `Idempotency-Key` header of an operation behind the idempotency layer, as
/// idempotency.rs accepts it (a handler's own description of it is kept).
fn idempotency_key(op: &mut Operation) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    let described = params
        .iter()
        .position(|p| p.name.eq_ignore_ascii_case("idempotency-key"))
        .map(|i| params.remove(i))
        .and_then(|p| p.description);
    params.push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(described.unwrap_or_else(|| {
                "Repeat-safe: the same key and body replay the first response (kept 24 hours)"
                    .to_string()
            })))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(255))
                    .pattern(Some("^[!-~]+$"))
                    .description(Some("1 to 255 visible ASCII characters")),
            ))
            .build(),
    );
}

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let json = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        for (status, name, description) in COMMON {
            let mut response = ResponseBuilder::new()
                .description(*description)
                .content("application/json", json());
            if *status == "401" {
                response = response.header(
                    "WWW-Authenticate",
                    HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::String))
                        .description(Some("`Bearer`"))
                        .build(),
                );
            }
            components
                .responses
                .insert((*name).to_string(), RefOr::T(response.build()));
        }
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let name = op
                    .operation_id
                    .clone()
                    .unwrap_or_default()
                    .replace('_', "-");
                if crate::registry::is_idempotent(&name) {
                    idempotency_key(op);
                }
                if let Some(RefOr::T(throttled)) = op.responses.responses.get_mut("429") {
                    throttled
                        .headers
                        .entry("Retry-After".to_string())
                        .or_insert_with(|| {
                            HeaderBuilder::new()
                                .schema(ObjectBuilder::new().schema_type(Type::Integer))
                                .description(Some("Seconds to wait before retrying"))
                                .build()
                        });
                }
                for status in common_statuses(op) {
                    if let Some((_, component, _)) = COMMON.iter().find(|(s, _, _)| *s == status) {
                        op.responses
                            .responses
                            .entry(status.to_string())
                            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*component)));
                    }
                }
            }
        }
    }
}

pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn document_json() -> String {
    document().to_pretty_json().unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use cargoflow_domain::{
        CapacityKg, DisplayName, Email, MAX_ITEM_LINES, MAX_NOTES, MAX_ORDERS_PER_ROUTE, MAX_STOPS,
        Password, pod,
    };

    /// The limits the document gives request fields (`#[schema(max_length = ...)]`: utoipa takes
    /// literals only) are the constants the code enforces. The web apps' forms take theirs from
    /// the document (frontend/src/types/api-limits.ts).
    #[test]
    fn documented_limits_are_the_enforced_ones() {
        let doc = serde_json::to_value(super::document()).unwrap();
        let limit = |at: &str, keyword: &str| {
            let (schema, property) = at.split_once('.').unwrap();
            doc["components"]["schemas"][schema]["properties"][property][keyword]
                .as_i64()
                .unwrap_or_else(|| panic!("{at} has no {keyword}"))
        };
        let expect = |fields: &[&str], keyword: &str, value: usize| {
            for at in fields {
                assert_eq!(limit(at, keyword), value as i64, "{at} {keyword}");
            }
        };
        expect(
            &[
                "OrderInput.notes",
                "UpdateOrderRequest.notes",
                "CancelOrderRequest.reason",
                "CancelRouteRequest.reason",
                "ReassignOrderRequest.note",
                "CreateExceptionRequest.notes",
                "AckExceptionRequest.note",
                "ResolveExceptionRequest.resolution",
            ],
            "maxLength",
            MAX_NOTES,
        );
        expect(
            &["OrderInput.stops", "UpdateOrderRequest.stops"],
            "maxItems",
            MAX_STOPS,
        );
        expect(&["PackageInput.items"], "maxItems", MAX_ITEM_LINES);
        expect(
            &[
                "CreateRouteRequest.order_ids",
                "AddRouteOrdersRequest.order_ids",
            ],
            "maxItems",
            MAX_ORDERS_PER_ROUTE,
        );
        expect(
            &[
                "OrderInput.customer_name",
                "UpdateOrderRequest.customer_name",
                "RegisterRequest.tenant_name",
                "RegisterRequest.full_name",
                "CreateUserRequest.full_name",
                "UpdateUserRequest.full_name",
                "CreateDriverRequest.name",
                "UpdateDriverRequest.name",
            ],
            "maxLength",
            DisplayName::MAX_LEN,
        );
        expect(
            &[
                "RegisterRequest.email",
                "CreateUserRequest.email",
                "CreateDriverRequest.email",
            ],
            "maxLength",
            Email::MAX_LEN,
        );
        let passwords = [
            "RegisterRequest.password",
            "CreateUserRequest.password",
            "CreateDriverRequest.password",
        ];
        expect(&passwords, "minLength", Password::MIN_LEN);
        expect(&passwords, "maxLength", Password::MAX_LEN);
        let capacities = [
            "CreateVehicleRequest.capacity_kg",
            "UpdateVehicleRequest.capacity_kg",
        ];
        expect(&capacities, "maximum", CapacityKg::MAX as usize);
        expect(&capacities, "minimum", 1);
        expect(
            &["CreatePodRequest.receiver_name"],
            "maxLength",
            pod::RECEIVER_NAME_MAX,
        );
        expect(&["CreatePodRequest.notes"], "maxLength", pod::NOTES_MAX);
    }
}

#[cfg(test)]
mod documented_answers {
    use serde_json::Value;

    fn doc() -> Value {
        serde_json::from_str(&super::document_json()).unwrap()
    }

    /// Every operation as (method, path, operation).
    fn operations(doc: &Value) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                out.push((method.clone(), path.clone(), op.clone()));
            }
        }
        out
    }

    /// A response, its `$ref` to a shared response followed.
    fn resolve<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
        match response["$ref"].as_str() {
            Some(r) => {
                let name = r.strip_prefix("#/components/responses/").unwrap();
                &doc["components"]["responses"][name]
            }
            None => response,
        }
    }

    #[test]
    fn every_error_answer_is_the_error_body_as_json() {
        let doc = doc();
        for (method, path, op) in operations(&doc) {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.as_str() < "400" {
                    continue;
                }
                let content = resolve(&doc, response)["content"].as_object();
                let types: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
                assert_eq!(types, ["application/json"], "{method} {path} {status}");
                // The health check's 503 carries its report; every other error the ErrorBody.
                let schema = if op["operationId"] == "health" && status == "503" {
                    "#/components/schemas/HealthResponse"
                } else {
                    "#/components/schemas/ErrorBody"
                };
                assert_eq!(
                    content.unwrap()["application/json"]["schema"]["$ref"],
                    schema,
                    "{method} {path} {status}"
                );
            }
        }
    }

    #[test]
    fn every_operation_lists_the_answers_every_request_can_get() {
        let doc = doc();
        for (method, path, op) in operations(&doc) {
            let has = |status: &str| op["responses"].get(status).is_some();
            let secured = op["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|o| !o.is_empty()))
            });
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let in_place = |place: &str| params.iter().any(|p| p["in"] == place);
            assert!(has("500") && has("403"), "{method} {path}: 403 and 500");
            if secured {
                assert!(has("401"), "{method} {path} takes a token: 401");
            }
            if in_place("path") {
                assert!(has("404"), "{method} {path} names a resource: 404");
            }
            if in_place("query") || op.get("requestBody").is_some() {
                assert!(has("400"), "{method} {path} reads input: 400");
            }
            if op["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                assert!(has("413") && has("415"), "{method} {path} reads JSON");
            }
        }
    }

    /// The registry's idempotent functions are found in the document by their operation ids
    /// (one name through the stack) and document the layer's header and answers.
    #[test]
    fn idempotent_functions_document_the_key_and_its_answers() {
        let doc = doc();
        let ops = operations(&doc);
        for name in crate::registry::idempotent_functions() {
            let id = name.replace('-', "_");
            let (method, path, op) = ops
                .iter()
                .find(|(_, _, op)| op["operationId"] == id.as_str())
                .unwrap_or_else(|| panic!("{name} is an operation of the document"));
            let key = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key");
            assert!(key, "{method} {path} takes Idempotency-Key");
            for status in ["400", "409", "422"] {
                assert!(
                    op["responses"].get(status).is_some(),
                    "{method} {path} documents {status}"
                );
            }
        }
    }

    /// docs/openapi.json (what the web apps' types and form limits are generated from) is the
    /// document the code serves.
    #[test]
    fn docs_openapi_json_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        let committed: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(
            committed == doc(),
            "docs/openapi.json is stale: run `make openapi`, then `npm run gen:api` in frontend/"
        );
    }
}
