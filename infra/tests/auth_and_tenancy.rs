//! Foundation behaviour over HTTP, through the local host, against DynamoDB Local and moto.
//! Every test registers a tenant of its own.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cargoflow_infra::host::HostState;
use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn health_answers_with_and_without_trailing_slash() {
    let http = client();
    for path in ["/api/health", "/api/health/"] {
        let (s, b) = send(http.get(url(path))).await;
        assert_eq!(s, 200, "{path}: {b}");
        assert_eq!(b["status"], "ok");
        assert_eq!(b["checks"]["dynamodb"], "ok");
    }
}

#[tokio::test]
async fn register_login_me_refresh_logout() {
    let t = TestTenant::register().await;
    let (s, me) = t.get("/api/auth/me").await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["user"]["role"], "OPS_ADMIN");
    assert_eq!(me["tenant"]["slug"], t.slug.as_str());
    assert!(me["user"].get("password_hash").is_none());

    let (s, logged, cookie) = login_session(&t.http, &t.email.to_uppercase(), PASSWORD).await;
    assert_eq!(s, 200, "{logged}");
    assert_eq!(logged["token_type"], "Bearer");
    assert_eq!(logged["expires_in"], 900);
    assert!(
        logged.get("refresh_token").is_none(),
        "the refresh token is never in the body: {logged}"
    );
    let refresh_token = cookie.expect("login sets the refresh cookie");

    // The driver realm's cookie does not refresh an ops session, and a missing cookie is 401.
    assert_eq!(refresh(&t.http, "driver", &refresh_token).await.0, 401);
    let (s, b) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"realm": "ops"})),
    )
    .await;
    assert_eq!(s, 401, "{b}");
    let (s, b) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"realm": "nope"})),
    )
    .await;
    assert_eq!(s, 400, "{b}");
    assert!(b["error"]["fields"]["realm"].is_string(), "{b}");

    let (s, refreshed, next) = refresh(&t.http, "ops", &refresh_token).await;
    assert_eq!(s, 200, "{refreshed}");
    let next = next.expect("refresh rotates the cookie");
    assert_ne!(next, refresh_token, "refresh tokens rotate");
    let access = refreshed["access_token"].as_str().unwrap().to_string();
    let (s, _) = send(t.http.get(url("/api/auth/me")).bearer_auth(&access)).await;
    assert_eq!(s, 200);

    // Logout ends the session of the access token and clears the cookie.
    let r = t
        .http
        .post(url("/api/auth/logout"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let cleared = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("cf_rt_ops=;") && c.contains("Max-Age=0"));
    assert!(cleared, "logout clears the refresh cookie");
    let (s, b, _) = refresh(&t.http, "ops", &next).await;
    assert_eq!(s, 401, "a logged-out session cannot refresh: {b}");
}

/// A host of the test's own whose refresh grace window is `grace_secs`.
async fn host_with_grace(grace_secs: i64) -> HostState {
    let mut config = cargoflow_http::AppConfig::from_env().unwrap();
    config.refresh_grace_secs = grace_secs;
    let sdk = aws_config::load_from_env().await;
    host_with(std::sync::Arc::new(
        cargoflow_functions::Deps::new(config, sdk).unwrap(),
    ))
}

async fn refresh_through(state: &HostState, token: &str) -> (u16, Option<String>) {
    let cookie = format!("cf_rt_ops={token}");
    let (s, headers, _) = invoke_route(
        state,
        http::Method::POST,
        "/api/auth/refresh",
        &[("content-type", "application/json"), ("cookie", &cookie)],
        br#"{"realm":"ops"}"#,
    )
    .await;
    let next = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("cf_rt_ops="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .filter(|v| !v.is_empty());
    (s, next)
}

#[tokio::test]
async fn a_refresh_retried_within_the_grace_window_gets_the_same_successor() {
    let t = TestTenant::register().await;
    let host = host_with_grace(30).await;
    let (s, second) = refresh_through(&host, &t.refresh).await;
    assert_eq!(s, 200);
    let second = second.unwrap();
    // The phone lost that answer and sends the first token again: same successor, no revoke.
    let (s, again) = refresh_through(&host, &t.refresh).await;
    assert_eq!(s, 200, "a retry within the grace window is not reuse");
    assert_eq!(
        again.as_deref(),
        Some(second.as_str()),
        "the very same successor"
    );
    // and the session goes on
    let (s, third) = refresh_through(&host, &second).await;
    assert_eq!(s, 200);
    assert_ne!(third.unwrap(), second);
}

#[tokio::test]
async fn reusing_an_old_refresh_token_after_the_grace_window_revokes_the_family() {
    let t = TestTenant::register().await;
    let host = host_with_grace(0).await;
    let first = t.refresh.clone();
    let (s, second) = refresh_through(&host, &first).await;
    assert_eq!(s, 200);
    let second = second.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // The old one again, after the window: reuse.
    assert_eq!(refresh_through(&host, &first).await.0, 401);
    // ...which revoked the whole family, so the newest one is dead too.
    assert_eq!(refresh_through(&host, &second).await.0, 401);
    // Another session of the same user is untouched.
    let (s, _, cookie) = login_session(&t.http, &t.email, PASSWORD).await;
    assert_eq!(s, 200);
    assert_eq!(refresh_through(&host, &cookie.unwrap()).await.0, 200);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_all_get_the_one_successor() {
    let t = TestTenant::register().await;
    let reqs = (0..5).map(|_| refresh(&t.http, "ops", &t.refresh));
    let results = futures::future::join_all(reqs).await;
    assert!(
        results.iter().all(|(s, _, _)| *s == 200),
        "two tabs racing are not a theft: {results:?}"
    );
    let successors: std::collections::HashSet<_> =
        results.iter().map(|(_, _, n)| n.clone().unwrap()).collect();
    assert_eq!(successors.len(), 1, "{successors:?}");
}

#[tokio::test]
async fn wrong_password_is_401_and_repeated_failures_are_429() {
    let t = TestTenant::register().await;
    let (s, b) = login(&t.http, &t.email, "WrongPass123!").await;
    assert_eq!(s, 401, "{b}");
    assert_eq!(b["error"]["code"], "unauthorized");
    let (s, _) = login(&t.http, &format!("nobody-{}", t.email), "WrongPass123!").await;
    assert_eq!(s, 401, "unknown email answers like a wrong password");
    // LOGIN_MAX_FAILURES (5) per account: the 5th failure blocks.
    let mut last = (0, Value::Null);
    for _ in 0..4 {
        last = login(&t.http, &t.email, "WrongPass123!").await;
    }
    assert_eq!(last.0, 429, "{}", last.1);
    // Even the right password waits now, and the answer says for how long.
    let r = t
        .http
        .post(url("/api/auth/login"))
        .json(&json!({"email": t.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry > 0 && retry <= 60,
        "the first block is LOGIN_BLOCK_SECS: {retry}"
    );
    // The count is per account AND address: whoever knows the email cannot lock its owner out
    // from everywhere; the owner, from another address, still logs in.
    let (s, b) = login(&client(), &t.email, PASSWORD).await;
    assert_eq!(s, 200, "{b}");
}

/// Blocks grow while the failures go on (1 s, 2 s, 4 s with this host's settings) and start
/// again from the base after a quiet period.
#[tokio::test]
async fn login_blocks_grow_while_failures_go_on() {
    let t = TestTenant::register().await;
    let mut config = cargoflow_http::AppConfig::from_env().unwrap();
    (
        config.login_max_failures,
        config.login_block_secs,
        config.login_block_max_secs,
    ) = (3, 1, 4);
    let sdk = aws_config::load_from_env().await;
    let host = host_with(std::sync::Arc::new(
        cargoflow_functions::Deps::new(config, sdk).unwrap(),
    ));
    let body = json!({"email": t.email, "password": "WrongPass123!"}).to_string();
    let attempt = || async {
        let (s, headers, _) = invoke_route(
            &host,
            http::Method::POST,
            "/api/auth/login",
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
        .await;
        let retry = headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        (s, retry)
    };
    assert_eq!(attempt().await, (401, None));
    assert_eq!(attempt().await, (401, None));
    assert_eq!(
        attempt().await,
        (429, Some(1)),
        "third failure: first block"
    );
    let mut blocks = vec![];
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_millis(
            1100 * (1 << blocks.len()).min(4),
        ))
        .await;
        blocks.push(attempt().await);
    }
    assert_eq!(
        blocks,
        [(429, Some(2)), (429, Some(4)), (429, Some(4))],
        "each block in a row doubles, up to LOGIN_BLOCK_MAX_SECS"
    );
}

#[tokio::test]
async fn failures_from_one_address_across_accounts_are_429() {
    let http = client();
    let mut statuses = Vec::new();
    for i in 0..21 {
        statuses.push(
            login(
                &http,
                &format!("{}-{i}@nowhere.example", unique("x")),
                "WrongPass123!",
            )
            .await
            .0,
        );
    }
    assert!(statuses[..19].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(*statuses.last().unwrap(), 429, "{statuses:?}");
}

#[tokio::test]
async fn registration_never_reveals_an_email_and_refuses_a_taken_slug() {
    let t = TestTenant::register().await;
    let http = client();
    // A registered email gets the same answer as a new one; its owner gets a sign-in
    // reminder, not a confirmation link.
    let before = emails_to(&t.email).await.len();
    let fresh = format!("{}@x.example", unique("e"));
    let (s1, b1) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Other", "tenant_slug": unique("o"), "email": t.email, "password": PASSWORD, "full_name": "X"}))).await;
    let (s2, b2) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Other", "tenant_slug": unique("o"), "email": fresh, "password": PASSWORD, "full_name": "X"}))).await;
    assert_eq!((s1, &b1), (202, &json!({"status": "verification_sent"})));
    assert_eq!((s2, &b2), (202, &json!({"status": "verification_sent"})));
    let mails = emails_to(&t.email).await;
    assert_eq!(mails.len(), before + 1);
    let (subject, body) = mails.last().unwrap();
    assert!(
        subject.contains("account") && !body.contains("#token="),
        "{subject}: {body}"
    );
    assert!(
        emails_to(&fresh)
            .await
            .last()
            .unwrap()
            .1
            .contains("#token=")
    );
    // Slugs are public (tracking pages show them), so a taken one is said.
    let (s, b) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Other", "tenant_slug": t.slug, "email": format!("{}@x.example", unique("e")), "password": PASSWORD, "full_name": "X"}))).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["fields"]["tenant_slug"], "is already taken");
}

#[tokio::test]
async fn a_confirmation_link_makes_one_tenant_once() {
    let http = client();
    let slug = unique("c")[..20].to_string();
    let email = format!("owner@{slug}.example");
    let (s, _) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Once", "tenant_slug": slug, "email": email, "password": PASSWORD, "full_name": "O"}))).await;
    assert_eq!(s, 202);
    // Nothing exists before the link is followed.
    assert_eq!(login(&http, &email, PASSWORD).await.0, 401);
    let token = confirmation_token(&email).await;
    let confirm = |token: String| {
        send(
            http.post(url("/api/auth/register/confirm"))
                .json(&json!({ "token": token })),
        )
    };
    let (s, b) = confirm(token.clone()).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["tenant"]["slug"], slug.as_str());
    let (s, b) = confirm(token).await;
    assert_eq!(s, 400, "a used link: {b}");
    assert!(b["error"]["fields"]["token"].is_string(), "{b}");
    for bad in ["", "nope", &"A".repeat(43)] {
        let (s, b) = confirm(bad.to_string()).await;
        assert_eq!(s, 400, "{bad}: {b}");
    }
    assert_eq!(login(&http, &email, PASSWORD).await.0, 200);
}

#[tokio::test]
async fn registrations_are_throttled_per_address() {
    let http = client();
    let mut statuses = vec![];
    for _ in 0..6 {
        let slug = unique("r")[..20].to_string();
        let (s, _) = send(http.post(url("/api/auth/register")).json(&json!({
            "tenant_name": "Many", "tenant_slug": slug, "email": format!("a@{slug}.example"), "password": PASSWORD, "full_name": "M"}))).await;
        statuses.push(s);
    }
    assert_eq!(
        statuses,
        [202, 202, 202, 202, 202, 429],
        "REGISTER_LIMIT_PER_CLIENT is 5 an hour"
    );
    // Another address is not affected.
    let slug = unique("r")[..20].to_string();
    let (s, _) = send(client().post(url("/api/auth/register")).json(&json!({
        "tenant_name": "One", "tenant_slug": slug, "email": format!("a@{slug}.example"), "password": PASSWORD, "full_name": "M"}))).await;
    assert_eq!(s, 202);
}

#[tokio::test]
async fn weak_passwords_and_bad_fields_are_400_with_fields() {
    let http = client();
    let (s, b) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "", "tenant_slug": "Bad Slug", "email": "not-an-email", "password": "short", "full_name": "Ok"}))).await;
    assert_eq!(s, 400, "{b}");
    let f = &b["error"]["fields"];
    assert!(f["password"].as_str().unwrap().contains("weak"), "{b}");
    assert!(
        f.get("email").is_some()
            && f.get("tenant_slug").is_some()
            && f.get("tenant_name").is_some(),
        "{b}"
    );
    assert!(f.get("full_name").is_none());
    assert!(b["request_id"].as_str().is_some_and(|r| !r.is_empty()));
}

#[tokio::test]
async fn garbage_input_is_4xx_never_500() {
    let t = TestTenant::register().await;
    let h = &t.http;
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        (
            h.post(url("/api/auth/login"))
                .header("content-type", "application/json")
                .body("{"),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .header("content-type", "application/json")
                .body("[1,2]"),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .header("content-type", "application/json")
                .body("null"),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .header("content-type", "application/json")
                .body(""),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .json(&json!({"email": "a@b.example", "password": "x", "extra": 1})),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .json(&json!({"email": 5, "password": "x"})),
            400,
        ),
        (
            h.post(url("/api/auth/login"))
                .header("content-type", "text/plain")
                .body("hello"),
            415,
        ),
        (
            h.post(url("/api/auth/login"))
                .json(&json!({"email": "a@b.example", "password": "x".repeat(300_000)})),
            413,
        ),
        (
            h.post(url("/api/ops/vehicles"))
                .bearer_auth(&t.access)
                .json(&json!({"plate_number": "AB12", "type": "VAN", "capacity_kg": 1e30})),
            400,
        ),
        (
            h.post(url("/api/ops/vehicles"))
                .bearer_auth(&t.access)
                .json(&json!({"plate_number": "AB12", "type": "ROCKET", "capacity_kg": -1})),
            400,
        ),
        (
            h.get(url("/api/ops/drivers/not-an-id"))
                .bearer_auth(&t.access),
            404,
        ),
        (
            h.get(url("/api/ops/drivers/..%2F..%2Fetc"))
                .bearer_auth(&t.access),
            404,
        ),
        (
            h.get(url("/api/ops/drivers?limit=0"))
                .bearer_auth(&t.access),
            400,
        ),
        (
            h.get(url("/api/ops/drivers?limit=abc"))
                .bearer_auth(&t.access),
            400,
        ),
        (
            h.get(url("/api/ops/drivers?cursor=%%%"))
                .bearer_auth(&t.access),
            400,
        ),
        (
            h.get(url("/api/ops/drivers?cursor=eyJrIjpbXX0"))
                .bearer_auth(&t.access),
            400,
        ),
        (
            h.patch(url(&format!("/api/ops/users/{}", t.user_id)))
                .bearer_auth(&t.access)
                .json(&json!({})),
            400,
        ),
        (h.get(url("/api/no/such/route")), 404),
    ];
    for (i, (req, want)) in cases.into_iter().enumerate() {
        let (s, b) = send(req).await;
        assert_eq!(s, want, "case {i}: {b}");
        if b.is_object() && want != 404 {
            assert!(
                b["error"]["code"].is_string(),
                "case {i} has the error shape: {b}"
            );
        }
    }
}

fn forge(header: Value, claims: Value, secret: Option<&[u8]>) -> String {
    use hmac_compat::sign;
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let sig = secret
        .map(|s| B64.encode(sign(s, input.as_bytes())))
        .unwrap_or_default();
    format!("{input}.{sig}")
}

mod hmac_compat {
    use hmac::{Hmac, Mac};
    /// HS256 with the `hmac` crate, independent of the code under test.
    pub fn sign(secret: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().to_vec()
    }
}

/// The signing key as the issuers derive it, read from Secrets Manager as they do: the test's
/// control token proves each refusal below is for its stated reason.
async fn issuer_key() -> cargoflow_auth::SigningKey {
    let sdk = aws_config::load_from_env().await;
    let secret = aws_sdk_secretsmanager::Client::new(&sdk)
        .get_secret_value()
        .secret_id(std::env::var("SIGNING_KEY_SECRET_ID").unwrap())
        .send()
        .await
        .unwrap();
    cargoflow_auth::SigningKey::from_secret(secret.secret_string().unwrap()).unwrap()
}

#[tokio::test]
async fn jwt_attacks_are_401() {
    let t = TestTenant::register().await;
    let key = issuer_key().await;
    let rules = cargoflow_auth::TokenRules::new(
        std::env::var("JWT_ISSUER").unwrap_or_else(|_| "cargoflow".into()),
        time::Duration::minutes(15),
        time::Duration::days(1),
    );
    let other =
        cargoflow_auth::SigningKey::from_secret(&cargoflow_auth::SigningKey::new_secret()).unwrap();
    let (user, tenant) = (
        cargoflow_domain::UserId::from_stored(t.user_id.clone()),
        cargoflow_domain::TenantId::from_stored(t.tenant_id.clone()),
    );
    let session = cargoflow_domain::TokenFamilyId::generate();
    let subject = |role| cargoflow_auth::Subject {
        user_id: &user,
        tenant_id: &tenant,
        role,
        driver_id: None,
        session_epoch: 0,
    };
    let now = time::OffsetDateTime::now_utc();
    let admin = cargoflow_domain::Role::OpsAdmin;
    // control: a token signed with the real key works
    let good = rules
        .issue_access(&key, &subject(admin), &session, now)
        .token;
    assert_eq!(
        send(t.http.get(url("/api/ops/drivers")).bearer_auth(&good))
            .await
            .0,
        200
    );
    let parts: Vec<&str> = good.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    payload["tid"] = json!(ulid::Ulid::new().to_string());
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(payload.to_string()),
        parts[2]
    );
    // algorithm confusion: HS256 keyed with the published public key
    let jwk = serde_json::to_value(key.public_jwk()).unwrap();
    let hs_header = json!({"alg": "HS256", "typ": "at+jwt", "kid": key.kid()});
    let confused = forge(
        hs_header,
        payload_of(&good),
        Some(jwk["x"].as_str().unwrap().as_bytes()),
    );
    // another key claiming the real key's kid
    let foreign = rules
        .issue_access(&other, &subject(admin), &session, now)
        .token;
    let foreign_parts: Vec<&str> = foreign.split('.').collect();
    let lying_kid = format!("{}.{}.{}", parts[0], foreign_parts[1], foreign_parts[2]);
    let attacks = [
        (
            "alg none",
            forge(
                json!({"alg": "none", "typ": "at+jwt", "kid": key.kid()}),
                payload_of(&good),
                None,
            ),
        ),
        ("tampered", tampered),
        ("HS256 with the public key", confused),
        ("unpublished key", foreign),
        ("another key under the real kid", lying_kid),
        (
            "expired",
            rules
                .issue_access(
                    &key,
                    &subject(admin),
                    &session,
                    now - time::Duration::hours(1),
                )
                .token,
        ),
        (
            "stale session epoch",
            rules
                .issue_access(
                    &key,
                    &cargoflow_auth::Subject {
                        session_epoch: 7,
                        ..subject(admin)
                    },
                    &session,
                    now,
                )
                .token,
        ),
        ("refresh as access", t.refresh.clone()),
        ("garbage", "abc.def.ghi".into()),
    ];
    for (name, token) in attacks {
        for path in ["/api/ops/drivers", "/api/auth/me"] {
            let (s, b) = send(t.http.get(url(path)).bearer_auth(&token)).await;
            assert_eq!(s, 401, "{name} on {path}: {b}");
        }
    }
    let (s, _) = send(t.http.get(url("/api/ops/drivers"))).await;
    assert_eq!(s, 401, "no token");
    // an access token is not a refresh token either
    assert_eq!(refresh(&t.http, "ops", &t.access).await.0, 401);
}

fn payload_of(token: &str) -> Value {
    serde_json::from_slice(&B64.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap()
}

#[tokio::test]
async fn roles_and_scopes() {
    let t = TestTenant::register().await;
    let dispatcher = t.user_token("OPS_DISPATCHER").await;
    let (s, b) = send(t.http.post(url("/api/ops/users")).bearer_auth(&dispatcher).json(&json!({
        "email": format!("{}@x.example", unique("n")), "password": PASSWORD, "full_name": "N", "role": "OPS_ADMIN"}))).await;
    assert_eq!(s, 403, "a dispatcher cannot create users: {b}");
    assert_eq!(
        send(t.http.get(url("/api/ops/users")).bearer_auth(&dispatcher))
            .await
            .0,
        403
    );
    // ...but runs operations
    assert_eq!(
        send(t.http.get(url("/api/ops/drivers")).bearer_auth(&dispatcher))
            .await
            .0,
        200
    );

    let (_, driver_email) = t.driver_with_login().await;
    let (s, b) = login(&t.http, &driver_email, "DriverPass123!").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["user"]["role"], "DRIVER");
    let driver = b["access_token"].as_str().unwrap().to_string();
    for path in ["/api/ops/drivers", "/api/ops/vehicles", "/api/ops/users"] {
        assert_eq!(
            send(t.http.get(url(path)).bearer_auth(&driver)).await.0,
            403,
            "driver on {path}"
        );
    }
    let (s, me) = send(t.http.get(url("/api/driver/me")).bearer_auth(&driver)).await;
    assert_eq!(s, 200, "{me}");
    assert_eq!(me["driver"]["email"], driver_email.as_str());
    assert_eq!(
        send(t.http.get(url("/api/driver/me")).bearer_auth(&t.access))
            .await
            .0,
        403,
        "ops token on a driver route"
    );
    assert_eq!(
        send(t.http.get(url("/api/driver/me")).bearer_auth(&dispatcher))
            .await
            .0,
        403
    );
    // role rules: DRIVER is not an ops role, an admin cannot demote or deactivate themself
    let (s, _) = t.post("/api/ops/users", json!({"email": format!("{}@x.example", unique("n")), "password": PASSWORD, "full_name": "N", "role": "DRIVER"})).await;
    assert_eq!(s, 400);
    let (s, _) = t
        .patch(
            &format!("/api/ops/users/{}", t.user_id),
            json!({"role": "OPS_DISPATCHER"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, _) = t
        .post(
            &format!("/api/ops/users/{}/deactivate", t.user_id),
            json!({}),
        )
        .await;
    assert_eq!(s, 409);
}

#[tokio::test]
async fn deactivated_users_and_drivers_cannot_log_in_or_refresh() {
    let t = TestTenant::register().await;
    let email = format!("{}@{}.example", unique("u"), t.slug);
    let (s, user) = t.post("/api/ops/users", json!({"email": email, "password": PASSWORD, "full_name": "Temp", "role": "OPS_DISPATCHER"})).await;
    assert_eq!(s, 201);
    let (_, session, cookie) = login_session(&t.http, &email, PASSWORD).await;
    let access = session["access_token"].as_str().unwrap().to_string();
    let cookie = cookie.unwrap();
    assert_eq!(
        send(t.http.get(url("/api/auth/me")).bearer_auth(&access))
            .await
            .0,
        200
    );
    // A new name alone changes nothing about the session.
    let (s, _) = t
        .patch(
            &format!("/api/ops/users/{}", user["id"].as_str().unwrap()),
            json!({"full_name": "Renamed"}),
        )
        .await;
    assert_eq!(s, 200);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        send(t.http.get(url("/api/auth/me")).bearer_auth(&access))
            .await
            .0,
        200
    );
    // A new role ends the user's access tokens (within AUTH_STATE_CACHE_SECS) and sessions.
    let (s, changed) = t
        .patch(
            &format!("/api/ops/users/{}", user["id"].as_str().unwrap()),
            json!({"role": "OPS_ADMIN", "full_name": "Promoted"}),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["role"], "OPS_ADMIN");
    assert_eq!(changed["version"], 3);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let (s, b) = send(t.http.get(url("/api/auth/me")).bearer_auth(&access)).await;
    assert_eq!(s, 401, "the demoted/promoted user's old token is over: {b}");
    assert_eq!(
        refresh(&t.http, "ops", &cookie).await.0,
        401,
        "and so is its session"
    );
    // Logging in again gives a working session with the new role.
    let (s, session, _) = login_session(&t.http, &email, PASSWORD).await;
    assert_eq!(s, 200);
    let access = session["access_token"].as_str().unwrap().to_string();
    let (s, me) = send(t.http.get(url("/api/auth/me")).bearer_auth(&access)).await;
    assert_eq!((s, me["user"]["role"].clone()), (200, json!("OPS_ADMIN")));
    let (s, _) = t
        .post(
            &format!("/api/ops/users/{}/deactivate", user["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(login(&t.http, &email, PASSWORD).await.0, 401);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        send(t.http.get(url("/api/auth/me")).bearer_auth(&access))
            .await
            .0,
        401,
        "a deactivated user's access token stops working within seconds"
    );

    let (driver_id, driver_email) = t.driver_with_login().await;
    let (s, dsession, dcookie) = login_session(&t.http, &driver_email, "DriverPass123!").await;
    assert_eq!(s, 200);
    let daccess = dsession["access_token"].as_str().unwrap().to_string();
    let (s, d) = t
        .post(
            &format!("/api/ops/drivers/{driver_id}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["is_active"], false);
    assert_eq!(login(&t.http, &driver_email, "DriverPass123!").await.0, 401);
    assert_eq!(refresh(&t.http, "driver", &dcookie.unwrap()).await.0, 401);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        send(t.http.get(url("/api/driver/me")).bearer_auth(&daccess))
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn drivers_and_vehicles_crud_and_uniqueness() {
    let t = TestTenant::register().await;
    let (s, d) = t
        .post(
            "/api/ops/drivers",
            json!({"name": "Ravi Kumar", "phone": "+919900001111", "is_active": true}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    assert!(d["email"].is_null() && d["user_id"].is_null());
    let id = d["id"].as_str().unwrap();
    let (s, d2) = t
        .patch(
            &format!("/api/ops/drivers/{id}"),
            json!({"phone": "+919900002222"}),
        )
        .await;
    assert_eq!(s, 200, "{d2}");
    assert_eq!(d2["phone"], "+919900002222");
    assert_eq!(
        t.get(&format!("/api/ops/drivers/{id}")).await.1["phone"],
        "+919900002222"
    );
    let (s, b) = t
        .post(
            "/api/ops/drivers",
            json!({"name": "X", "phone": "12345", "email": "x@y.example"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        b["error"]["fields"]["phone"].is_string() && b["error"]["fields"]["password"].is_string(),
        "{b}"
    );
    // a driver whose email is taken is not created at all
    let (s, _) = t.post("/api/ops/drivers", json!({"name": "Dup", "phone": "+919900003333", "email": t.email, "password": "DriverPass123!"})).await;
    assert_eq!(s, 409);
    let (_, list) = t.get("/api/ops/drivers").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");

    let (s, v) = t
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "ka01ab1234", "type": "VAN", "capacity_kg": 1200}),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["plate_number"], "KA01AB1234");
    let (s, _) = t
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "KA01AB1234", "type": "CAR", "capacity_kg": 300}),
        )
        .await;
    assert_eq!(s, 409, "plate unique per tenant");
    let other = TestTenant::register().await;
    let (s, _) = other
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "KA01AB1234", "type": "CAR", "capacity_kg": 300}),
        )
        .await;
    assert_eq!(s, 201, "but not across tenants");
    // renaming the plate frees the old one
    let vid = v["id"].as_str().unwrap();
    let (s, v2) = t
        .patch(
            &format!("/api/ops/vehicles/{vid}"),
            json!({"plate_number": "KA09ZZ0001", "capacity_kg": 1500}),
        )
        .await;
    assert_eq!(s, 200, "{v2}");
    assert_eq!(v2["version"], 2);
    let (s, _) = t
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "KA01AB1234", "type": "CAR", "capacity_kg": 300}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, v3) = t
        .post(&format!("/api/ops/vehicles/{vid}/deactivate"), json!({}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(v3["is_active"], false);
}

#[tokio::test]
async fn pagination_uses_opaque_cursors_fenced_to_the_tenant() {
    let t = TestTenant::register().await;
    for i in 0..3 {
        let (s, _) = t
            .post(
                "/api/ops/vehicles",
                json!({"plate_number": format!("PG{i}00"), "type": "VAN", "capacity_kg": 1000}),
            )
            .await;
        assert_eq!(s, 201);
    }
    let (s, p1) = t.get("/api/ops/vehicles?limit=2").await;
    assert_eq!(s, 200);
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    let cursor = p1["next_cursor"].as_str().unwrap().to_string();
    let (_, p2) = t
        .get(&format!("/api/ops/vehicles?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 1, "{p2}");
    let ids: std::collections::HashSet<&str> = p1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["items"].as_array().unwrap())
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
    let other = TestTenant::register().await;
    let (s, b) = other
        .get(&format!("/api/ops/vehicles?cursor={cursor}"))
        .await;
    assert_eq!(s, 400, "another tenant's cursor: {b}");
    let (s, _) = t.get(&format!("/api/ops/drivers?cursor={cursor}")).await;
    assert_eq!(s, 400, "another list's cursor");
}

#[tokio::test]
async fn tenant_isolation_foreign_ids_are_404() {
    let a = TestTenant::register().await;
    let b = TestTenant::register().await;
    let (_, driver) = a
        .post(
            "/api/ops/drivers",
            json!({"name": "A's driver", "phone": "+919900001111"}),
        )
        .await;
    let (_, vehicle) = a
        .post(
            "/api/ops/vehicles",
            json!({"plate_number": "AAA111", "type": "VAN", "capacity_kg": 1000}),
        )
        .await;
    let (_, user) = a.post("/api/ops/users", json!({"email": format!("{}@a.example", unique("u")), "password": PASSWORD, "full_name": "A user", "role": "OPS_DISPATCHER"})).await;
    let (d, v, u) = (
        driver["id"].as_str().unwrap(),
        vehicle["id"].as_str().unwrap(),
        user["id"].as_str().unwrap(),
    );
    let checks = [
        b.get(&format!("/api/ops/drivers/{d}")).await,
        b.patch(&format!("/api/ops/drivers/{d}"), json!({"name": "pwned"}))
            .await,
        b.post(&format!("/api/ops/drivers/{d}/deactivate"), json!({}))
            .await,
        b.get(&format!("/api/ops/vehicles/{v}")).await,
        b.patch(&format!("/api/ops/vehicles/{v}"), json!({"capacity_kg": 1}))
            .await,
        b.post(&format!("/api/ops/vehicles/{v}/deactivate"), json!({}))
            .await,
        b.patch(
            &format!("/api/ops/users/{u}"),
            json!({"full_name": "pwned"}),
        )
        .await,
        b.post(&format!("/api/ops/users/{u}/deactivate"), json!({}))
            .await,
    ];
    for (i, (s, body)) in checks.iter().enumerate() {
        assert_eq!(*s, 404, "check {i}: {body}");
    }
    // nothing changed in A, and B's lists do not show A's data
    assert_eq!(
        a.get(&format!("/api/ops/drivers/{d}")).await.1["name"],
        "A's driver"
    );
    assert_eq!(
        a.get(&format!("/api/ops/vehicles/{v}")).await.1["is_active"],
        true
    );
    for list in ["/api/ops/drivers", "/api/ops/vehicles"] {
        assert_eq!(
            b.get(list).await.1["items"].as_array().unwrap().len(),
            0,
            "{list}"
        );
    }
    let users = b.get("/api/ops/users").await.1;
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        1,
        "only B's admin: {users}"
    );
}

#[tokio::test]
async fn openapi_document_and_offline_docs() {
    let http = client();
    let (s, doc) = send(http.get(url("/api/schema/"))).await;
    assert_eq!(s, 200);
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let template = cargoflow_infra::template::Template::load(&template_path()).unwrap();
    for f in &template.functions {
        for r in &f.http_routes {
            // The Swagger UI page is for people; the document describes itself (/api/schema).
            if r.path.starts_with("/api/docs") {
                continue;
            }
            let op = &doc["paths"][&r.path][r.method.to_lowercase()];
            assert!(op.is_object(), "{} {} is documented", r.method, r.path);
            assert_eq!(
                op["operationId"],
                f.binary.replace('-', "_"),
                "one name through the stack: {}",
                r.path
            );
        }
    }
    let r = http.get(url("/api/docs")).send().await.unwrap();
    assert!(
        r.url().path().ends_with("/api/docs/"),
        "redirected to the trailing slash"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "no CDN: assets are served locally"
    );
    // Swagger UI's files come with the web apps (/docs-assets/): every file the page loads is
    // one the web build copies there, and the starter reads our document.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/scripts");
    let copy = std::fs::read_to_string(root.join("copy-api-docs.mjs")).unwrap();
    let loaded: Vec<&str> = html
        .split('"')
        .filter_map(|a| a.strip_prefix("/docs-assets/"))
        .collect();
    assert_eq!(loaded.len(), 5, "{loaded:?}");
    for file in loaded {
        let source = if file == "init.js" {
            "'api-docs-init.js'"
        } else {
            &format!("'{file}'")
        };
        assert!(
            copy.contains(source),
            "{file} is copied by copy-api-docs.mjs"
        );
    }
    let init = std::fs::read_to_string(root.join("api-docs-init.js")).unwrap();
    assert!(init.contains("'/api/schema/'"), "the UI reads our document");
    let r = http
        .get(url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "no assets in the function");
}

#[tokio::test]
async fn cors_preflight_and_request_id() {
    let http = client();
    let r = http
        .request(reqwest::Method::OPTIONS, url("/api/ops/drivers"))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.headers().contains_key("access-control-allow-origin"));
    let r = http
        .get(url("/api/health"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert!(r.headers().contains_key("access-control-allow-origin"));
    assert!(r.headers().contains_key("x-request-id"));
}
