//! Foundation behaviour over HTTP, through the local host, against DynamoDB Local and moto.
//! Every test registers a tenant of its own.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
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

    let (s, logged) = login(&t.http, &t.email.to_uppercase(), PASSWORD).await;
    assert_eq!(s, 200, "{logged}");
    assert_eq!(logged["token_type"], "Bearer");
    assert_eq!(logged["expires_in"], 900);
    let refresh = logged["refresh_token"].as_str().unwrap();

    let (s, refreshed) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": refresh})),
    )
    .await;
    assert_eq!(s, 200, "{refreshed}");
    let new_refresh = refreshed["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, refresh, "refresh tokens rotate");
    let (s, _) = send(
        t.http
            .get(url("/api/auth/me"))
            .bearer_auth(refreshed["access_token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(s, 200);

    let (s, _) = send(
        t.http
            .post(url("/api/auth/logout"))
            .json(&json!({"refresh_token": new_refresh})),
    )
    .await;
    assert_eq!(s, 204);
    let (s, b) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": new_refresh})),
    )
    .await;
    assert_eq!(s, 401, "a logged-out session cannot refresh: {b}");
}

#[tokio::test]
async fn reusing_an_old_refresh_token_revokes_the_family() {
    let t = TestTenant::register().await;
    let first = t.refresh.clone();
    let (s, b) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": first})),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let second = b["refresh_token"].as_str().unwrap().to_string();
    // The old one again: reuse.
    let (s, b) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": first})),
    )
    .await;
    assert_eq!(s, 401, "{b}");
    // ...which revoked the whole family, so the newest one is dead too.
    let (s, _) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": second})),
    )
    .await;
    assert_eq!(s, 401);
    // Another session of the same user is untouched.
    let (s, b) = login(&t.http, &t.email, PASSWORD).await;
    assert_eq!(s, 200);
    let (s, _) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": b["refresh_token"]})),
    )
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn concurrent_refreshes_with_one_token_yield_at_most_one_success() {
    let t = TestTenant::register().await;
    let reqs = (0..5).map(|_| {
        send(
            t.http
                .post(url("/api/auth/refresh"))
                .json(&json!({"refresh_token": t.refresh})),
        )
    });
    let results = futures::future::join_all(reqs).await;
    let ok = results.iter().filter(|(s, _)| *s == 200).count();
    assert!(ok <= 1, "{results:?}");
    assert!(
        results.iter().all(|(s, _)| *s == 200 || *s == 401),
        "{results:?}"
    );
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
    assert!(retry > 0 && retry <= 900);
    // Another client of the same account is blocked too (the limit is per account)...
    let (s, _) = login(&client(), &t.email, PASSWORD).await;
    assert_eq!(s, 429);
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
async fn duplicate_email_or_slug_is_409() {
    let t = TestTenant::register().await;
    let http = client();
    let (s, b) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Other", "tenant_slug": unique("o"), "email": t.email, "password": PASSWORD, "full_name": "X"}))).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["fields"]["email"], "is already taken");
    let (s, b) = send(http.post(url("/api/auth/register")).json(&json!({
        "tenant_name": "Other", "tenant_slug": t.slug, "email": format!("{}@x.example", unique("e")), "password": PASSWORD, "full_name": "X"}))).await;
    assert_eq!(s, 409, "{b}");
    assert_eq!(b["error"]["fields"]["tenant_slug"], "is already taken");
    // nothing half-written: the email of the refused registration is still free
    let (s, b) = t.post("/api/ops/users", json!({"email": format!("admin@{}.example", t.slug), "password": PASSWORD, "full_name": "Dup", "role": "OPS_ADMIN"})).await;
    assert_eq!(s, 409, "{b}");
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

#[tokio::test]
async fn jwt_attacks_are_401() {
    let t = TestTenant::register().await;
    let secret = std::env::var("JWT_SECRET").unwrap();
    let issuer = std::env::var("JWT_ISSUER").unwrap_or_else(|_| "cargoflow".into());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = |aud: &str, exp: i64| json!({"iss": issuer, "aud": aud, "sub": t.user_id, "tid": t.tenant_id, "role": "OPS_ADMIN", "iat": now, "exp": exp, "jti": ulid::Ulid::new().to_string()});
    let hdr = json!({"alg": "HS256", "typ": "at+jwt"});
    // control: a correctly forged token works, so every refusal below is for its stated reason
    let good = forge(
        hdr.clone(),
        claims("cargoflow-ops", now + 600),
        Some(secret.as_bytes()),
    );
    assert_eq!(
        send(t.http.get(url("/api/ops/drivers")).bearer_auth(&good))
            .await
            .0,
        200
    );

    let mut tampered: Vec<String> = good.split('.').map(String::from).collect();
    let mut payload: Value = serde_json::from_slice(&B64.decode(&tampered[1]).unwrap()).unwrap();
    payload["role"] = json!("OPS_ADMIN");
    payload["tid"] = json!(ulid::Ulid::new().to_string());
    tampered[1] = B64.encode(payload.to_string());
    let attacks = [
        (
            "alg none",
            forge(
                json!({"alg": "none", "typ": "at+jwt"}),
                claims("cargoflow-ops", now + 600),
                None,
            ),
        ),
        ("tampered", tampered.join(".")),
        (
            "other key",
            forge(
                hdr.clone(),
                claims("cargoflow-ops", now + 600),
                Some(b"another-secret-another-secret-123456"),
            ),
        ),
        (
            "expired",
            forge(
                hdr.clone(),
                claims("cargoflow-ops", now - 60),
                Some(secret.as_bytes()),
            ),
        ),
        (
            "wrong audience",
            forge(
                hdr.clone(),
                claims("someone-else", now + 600),
                Some(secret.as_bytes()),
            ),
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
    let (s, _) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": t.access})),
    )
    .await;
    assert_eq!(s, 401);
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
    let (_, session) = login(&t.http, &email, PASSWORD).await;
    let (s, changed) = t
        .patch(
            &format!("/api/ops/users/{}", user["id"].as_str().unwrap()),
            json!({"role": "OPS_ADMIN", "full_name": "Promoted"}),
        )
        .await;
    assert_eq!(s, 200, "{changed}");
    assert_eq!(changed["role"], "OPS_ADMIN");
    assert_eq!(changed["version"], 2);
    let (s, _) = t
        .post(
            &format!("/api/ops/users/{}/deactivate", user["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(login(&t.http, &email, PASSWORD).await.0, 401);
    let (s, _) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": session["refresh_token"]})),
    )
    .await;
    assert_eq!(s, 401);

    let (driver_id, driver_email) = t.driver_with_login().await;
    let (s, dsession) = login(&t.http, &driver_email, "DriverPass123!").await;
    assert_eq!(s, 200);
    let (s, d) = t
        .post(
            &format!("/api/ops/drivers/{driver_id}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["is_active"], false);
    assert_eq!(login(&t.http, &driver_email, "DriverPass123!").await.0, 401);
    let (s, _) = send(
        t.http
            .post(url("/api/auth/refresh"))
            .json(&json!({"refresh_token": dsession["refresh_token"]})),
    )
    .await;
    assert_eq!(s, 401);
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
            if r.path.starts_with("/api/docs") || r.path == "/api/schema" {
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
