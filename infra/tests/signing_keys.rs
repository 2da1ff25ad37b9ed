//! Token signing keys: rotation with an overlap logs nobody out; an emergency rotation ends
//! every session signed with the old keys. On a table and secret of the test's own (a rotation
//! changes the global key set).

mod common;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cargoflow_functions::Deps;
use cargoflow_http::AppConfig;
use cargoflow_infra::host::HostState;
use common::*;
use serde_json::{Value, json};

fn kid_of(token: &str) -> String {
    let header: Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_string()
}

fn cookie_of(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("cf_rt_ops="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .filter(|c| !c.is_empty())
}

async fn call(
    host: &HostState,
    method: http::Method,
    path: &str,
    bearer: Option<&str>,
    cookie: Option<&str>,
    body: Value,
) -> (u16, http::HeaderMap, Value) {
    let auth = bearer.map(|b| format!("Bearer {b}"));
    let cookie = cookie.map(|c| format!("cf_rt_ops={c}"));
    let mut headers = vec![("content-type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("authorization", a));
    }
    if let Some(c) = &cookie {
        headers.push(("cookie", c));
    }
    invoke_route(host, method, path, &headers, body.to_string().as_bytes()).await
}

/// Runs the scheduled function as its schedule would (recorded as rotate-signing-key, so
/// check-iam checks its calls against its policy).
async fn rotate(deps: &Arc<Deps>, withdraw_now: bool) -> Value {
    let (_, run) = cargoflow_functions::registry::schedule_functions()
        .into_iter()
        .find(|(name, _)| *name == "rotate-signing-key")
        .unwrap();
    run(
        deps.clone(),
        json!({ "withdraw_previous_now": withdraw_now }),
    )
    .await
    .unwrap()
}

async fn instance(config: &AppConfig) -> (Arc<Deps>, HostState) {
    let sdk = aws_config::load_from_env().await;
    let deps = Arc::new(Deps::new(config.clone(), sdk).unwrap());
    (deps.clone(), host_with(deps))
}

#[tokio::test]
async fn rotation_overlaps_and_emergency_rotation_withdraws() {
    require_standins();
    let sdk = aws_config::load_from_env().await;
    let name = format!("keys-{}", &unique("")[14..]).to_lowercase();
    let template = cargoflow_infra::template::Template::load(&template_path()).unwrap();
    cargoflow_infra::resources::create_table(
        &aws_sdk_dynamodb::Client::new(&sdk),
        &template,
        &name,
    )
    .await
    .unwrap();
    cargoflow_infra::resources::create_signing_secret(
        &aws_sdk_secretsmanager::Client::new(&sdk),
        &template,
        &name,
    )
    .await
    .unwrap();
    cargoflow_aws::calls::stand_in(&name, "Table");
    cargoflow_aws::calls::stand_in(&name, "SigningKeySecret");
    let mut config = AppConfig::from_env().unwrap();
    config.table_name = name.clone();
    config.signing_key_secret_id = name.clone();
    // issuers re-read the secret on every use, so the test need not wait for a reload
    config.signing_key_reload_secs = 0;
    let (deps, host) = instance(&config).await;

    let slug = unique("k")[..20].to_string();
    let (s, headers, body) = register_through(&host,
        json!({"tenant_name": "Keys", "tenant_slug": slug, "email": format!("a@{slug}.example"), "password": PASSWORD, "full_name": "A"})).await;
    assert_eq!(s, 201, "{body}");
    let access1 = body["access_token"].as_str().unwrap().to_string();
    let cookie1 = cookie_of(&headers).unwrap();
    let kid1 = kid_of(&access1);
    let (_, _, jwks) = call(
        &host,
        http::Method::GET,
        "/api/auth/jwks",
        None,
        None,
        json!({}),
    )
    .await;
    let kids = |jwks: &Value| -> Vec<String> {
        let mut k: Vec<String> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    assert_eq!(kids(&jwks), [kid1.as_str()]);
    assert!(
        jwks["keys"][0].get("d").is_none(),
        "public keys only: {jwks}"
    );

    // Scheduled rotation: the new key is published first, the old one stays published.
    let report = rotate(&deps, false).await;
    let kid2 = report["new_kid"].as_str().unwrap().to_string();
    assert_ne!(kid2, kid1);
    assert_eq!(report["retired"], json!([kid1]));
    let (_, _, jwks) = call(
        &host,
        http::Method::GET,
        "/api/auth/jwks",
        None,
        None,
        json!({}),
    )
    .await;
    let mut both = vec![kid1.clone(), kid2.clone()];
    both.sort();
    assert_eq!(kids(&jwks), both);

    // Nobody is logged out: the old access token and the old refresh cookie still work, on
    // this instance and on a new one; the refresh signs with the new key.
    let (_, fresh_host) = instance(&config).await;
    for h in [&host, &fresh_host] {
        let (s, _, b) = call(
            h,
            http::Method::GET,
            "/api/auth/me",
            Some(&access1),
            None,
            json!({}),
        )
        .await;
        assert_eq!(s, 200, "{b}");
    }
    let (s, headers, body) = call(
        &host,
        http::Method::POST,
        "/api/auth/refresh",
        None,
        Some(&cookie1),
        json!({"realm": "ops"}),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    let access2 = body["access_token"].as_str().unwrap().to_string();
    let cookie2 = cookie_of(&headers).unwrap();
    assert_eq!(
        kid_of(&access2),
        kid2,
        "issuers sign with the new key after the reload"
    );
    assert_eq!(kid_of(&cookie2), kid2);
    let (s, _, _) = call(
        &fresh_host,
        http::Method::GET,
        "/api/auth/me",
        Some(&access2),
        None,
        json!({}),
    )
    .await;
    assert_eq!(s, 200);

    // Emergency rotation (a leaked key): the old keys are withdrawn at once. A new instance
    // refuses their tokens; running instances do within their key cache (5 minutes).
    let report = rotate(&deps, true).await;
    let kid3 = report["new_kid"].as_str().unwrap().to_string();
    let (_, _, jwks) = call(
        &host,
        http::Method::GET,
        "/api/auth/jwks",
        None,
        None,
        json!({}),
    )
    .await;
    assert_eq!(kids(&jwks), [kid3.as_str()]);
    let (_, new_host) = instance(&config).await;
    let (s, _, _) = call(
        &new_host,
        http::Method::GET,
        "/api/auth/me",
        Some(&access2),
        None,
        json!({}),
    )
    .await;
    assert_eq!(s, 401, "a token of a withdrawn key");
    let (s, _, _) = call(
        &new_host,
        http::Method::POST,
        "/api/auth/refresh",
        None,
        Some(&cookie2),
        json!({"realm": "ops"}),
    )
    .await;
    assert_eq!(s, 401, "a session signed with a withdrawn key is over");
    // ...and logging in again works with the new key.
    let (s, _, body) = call(
        &new_host,
        http::Method::POST,
        "/api/auth/login",
        None,
        None,
        json!({"email": format!("a@{slug}.example"), "password": PASSWORD}),
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(kid_of(body["access_token"].as_str().unwrap()), kid3);
}
