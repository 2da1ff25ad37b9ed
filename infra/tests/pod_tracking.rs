//! Proof of delivery through S3 (moto) and the public tracking page: uploads under the order's
//! prefix, HeadObject checks of what was uploaded, the multipart fallback, DELIVERED only with a
//! POD (once), ops' presigned downloads, the tracking allowlist, ETag/304, rotate/revoke, and
//! the per-client and per-driver throttles.

mod common;

use common::*;
use serde_json::{Value, json};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn jpeg(len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.resize(len, 7);
    v
}

async fn post_driver(d: &DriverDay, path: &str, body: Value) -> (u16, Value) {
    as_driver(d, &d.driver_token, reqwest::Method::POST, path, Some(body)).await
}

/// The day's route started and its order in transit.
async fn in_transit() -> DriverDay {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let (s, r) = post_driver(&d, &format!("/api/driver/routes/{rid}/start"), json!({})).await;
    assert_eq!(s, 200, "{r}");
    for to in ["PICKED_UP", "IN_TRANSIT"] {
        let (s, o) = post_driver(
            &d,
            &format!("/api/driver/orders/{}/status", d.order),
            json!({"to_status": to}),
        )
        .await;
        assert_eq!(s, 200, "{to}: {o}");
    }
    d
}

/// Asks for upload URLs and PUTs the bytes to each (as a browser would: the signed headers).
async fn upload(d: &DriverDay, files: &[(&str, &str, Vec<u8>)]) -> Vec<String> {
    let specs: Vec<Value> = files
        .iter()
        .map(|(kind, ct, bytes)| json!({"kind": kind, "content_type": ct, "size": bytes.len()}))
        .collect();
    let (s, ups) = post_driver(
        d,
        &format!("/api/driver/orders/{}/pod/uploads", d.order),
        json!({"files": specs}),
    )
    .await;
    assert_eq!(s, 200, "{ups}");
    let mut keys = Vec::new();
    for ((_, _, bytes), up) in files.iter().zip(ups["uploads"].as_array().unwrap()) {
        assert_eq!(up["method"], "PUT");
        let mut req = reqwest::Client::new().put(up["url"].as_str().unwrap());
        for (k, v) in up["headers"].as_object().unwrap() {
            req = req.header(k, v.as_str().unwrap());
        }
        let r = req.body(bytes.clone()).send().await.unwrap();
        assert!(r.status().is_success(), "PUT to S3: {}", r.status());
        keys.push(up["key"].as_str().unwrap().to_string());
    }
    keys
}

fn tracking_token(o: &Value) -> String {
    o["tracking_token"].as_str().unwrap().to_string()
}

async fn track(token: &str) -> (u16, Value, reqwest::header::HeaderMap) {
    let r = client()
        .get(url(&format!("/api/tracking/{token}")))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, body, headers)
}

#[tokio::test]
async fn delivering_needs_a_pod_and_writes_it_with_the_move() {
    let d = in_transit().await;
    let oid = d.order.clone();
    let (s, e) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/status"),
        json!({"to_status": "DELIVERED"}),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("pod_required"))
    );
    let (s, e) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/pod"),
        json!({"receiver_name": "Ravi"}),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    let photo = jpeg(4000);
    let keys = upload(
        &d,
        &[
            ("photo", "image/jpeg", photo.clone()),
            ("signature", "image/png", PNG.to_vec()),
        ],
    )
    .await;
    assert!(
        keys[0].starts_with(&format!("incoming/pod/{}/{oid}/photo-", d.t.tenant_id)),
        "{}",
        keys[0]
    );
    let (s, done) = post_driver(&d, &format!("/api/driver/orders/{oid}/pod"),
        json!({"receiver_name": "  Ravi Kumar ", "notes": "left with guard", "photo_key": keys[0], "signature_key": keys[1]})).await;
    assert_eq!(s, 201, "{done}");
    assert_eq!(done["order"]["status"], "DELIVERED");
    assert_eq!(done["pod"]["receiver_name"], "Ravi Kumar");
    assert!(done["order"]["delivered_at"].is_string());
    assert!(
        done["order"]["stops"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "COMPLETED")
    );
    // Once only.
    let (s, _) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/pod"),
        json!({"receiver_name": "Again", "photo_key": keys[0]}),
    )
    .await;
    assert_eq!(s, 409);
    // The POD, the move and both events were written together.
    let (_, detail) = d.t.get(&format!("/api/ops/orders/{oid}")).await;
    assert_eq!(detail["pod"]["receiver_name"], "Ravi Kumar");
    assert_eq!(detail["pod"]["has_photo"], true);
    let events = stored_events(&d.t.tenant_id).await;
    let types: Vec<&str> = events
        .iter()
        .filter_map(|e| e["event_type"].as_str())
        .collect();
    assert!(types.contains(&"pod.created"), "{types:?}");
    assert_eq!(types.iter().filter(|t| **t == "pod.created").count(), 1);
    // Ops read the files through short-lived links.
    let (s, pod) = d.t.get(&format!("/api/ops/orders/{oid}/pod")).await;
    assert_eq!(s, 200, "{pod}");
    let url = pod["photo_url"].as_str().unwrap();
    assert!(url.contains("X-Amz-Expires=300"), "{url}");
    let got = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(got.as_ref(), photo.as_slice());
    // Not for other tenants, not for drivers.
    let other = TestTenant::register().await;
    assert_eq!(
        other.get(&format!("/api/ops/orders/{oid}/pod")).await.0,
        404
    );
    assert_eq!(
        as_driver(
            &d,
            &d.driver_token,
            reqwest::Method::GET,
            &format!("/api/ops/orders/{oid}/pod"),
            None
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn uploaded_files_are_checked_before_delivering() {
    let d = in_transit().await;
    let oid = d.order.clone();
    let pod = |body: Value| {
        let d = &d;
        async move { post_driver(d, &format!("/api/driver/orders/{}/pod", d.order), body).await }
    };
    // Declared sizes and types are bounded before any URL is issued.
    for (files, field) in [
        (
            json!([{"kind": "photo", "content_type": "image/gif", "size": 10}]),
            "files[0].content_type",
        ),
        (
            json!([{"kind": "photo", "content_type": "image/jpeg", "size": 10_485_761}]),
            "files[0].size",
        ),
        (
            json!([{"kind": "signature", "content_type": "image/png", "size": 1_048_577}]),
            "files[0].size",
        ),
        (
            json!([{"kind": "video", "content_type": "image/png", "size": 5}]),
            "files[0].kind",
        ),
        (
            json!([{"kind": "photo", "content_type": "image/png", "size": 5}, {"kind": "photo", "content_type": "image/png", "size": 5}]),
            "files[1].kind",
        ),
        (json!([]), "files"),
    ] {
        let (s, e) = post_driver(
            &d,
            &format!("/api/driver/orders/{oid}/pod/uploads"),
            json!({"files": files}),
        )
        .await;
        assert_eq!(s, 400, "{e}");
        assert!(e["error"]["fields"][field].is_string(), "{field}: {e}");
    }
    // A key that was never uploaded, or belongs to another order.
    let never = format!(
        "pod/{}/{oid}/photo-{}.jpg",
        d.t.tenant_id,
        ulid::Ulid::new()
    );
    let (s, e) = pod(json!({"receiver_name": "R", "photo_key": never})).await;
    assert_eq!(s, 400, "{e}");
    assert!(
        e["error"]["fields"]["photo_key"]
            .as_str()
            .unwrap()
            .contains("not been uploaded")
    );
    let foreign = format!(
        "pod/{}/{}/photo-{}.jpg",
        d.t.tenant_id,
        ulid::Ulid::new(),
        ulid::Ulid::new()
    );
    let (s, e) = pod(json!({"receiver_name": "R", "photo_key": foreign})).await;
    assert_eq!(s, 400, "{e}");
    // What landed in S3 is checked, not what was declared: a bigger body than allowed...
    let up = upload(&d, &[("signature", "image/png", PNG.to_vec())]).await;
    let (s, ups) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/pod/uploads"),
        json!({"files": [{"kind": "signature", "content_type": "image/png", "size": 100}]}),
    )
    .await;
    assert_eq!(s, 200);
    let u = &ups["uploads"][0];
    // (moto does not enforce the signed length; AWS would refuse this PUT.)
    reqwest::Client::new()
        .put(u["url"].as_str().unwrap())
        .header("content-type", "image/png")
        .body(vec![0u8; 1_100_000])
        .send()
        .await
        .unwrap();
    let (s, e) = pod(json!({"receiver_name": "R", "signature_key": u["key"]})).await;
    assert_eq!(s, 400, "{e}");
    assert!(
        e["error"]["fields"]["signature_key"]
            .as_str()
            .unwrap()
            .contains("bytes"),
        "{e}"
    );
    // ... or another type.
    let (_, ups) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/pod/uploads"),
        json!({"files": [{"kind": "photo", "content_type": "image/jpeg", "size": 10}]}),
    )
    .await;
    let u = &ups["uploads"][0];
    reqwest::Client::new()
        .put(u["url"].as_str().unwrap())
        .header("content-type", "text/html")
        .body("<script>x</script>")
        .send()
        .await
        .unwrap();
    let (s, e) = pod(json!({"receiver_name": "R", "photo_key": u["key"]})).await;
    assert_eq!(s, 400, "{e}");
    // Nothing was half-written: still in transit, no POD.
    let (_, o) = d.t.get(&format!("/api/ops/orders/{oid}")).await;
    assert_eq!(
        (o["status"].as_str(), &o["pod"]),
        (Some("IN_TRANSIT"), &Value::Null)
    );
    // The good upload still works.
    let (s, _) = pod(json!({"receiver_name": "R", "signature_key": up[0]})).await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn only_the_drivers_own_orders_in_transit_take_a_pod() {
    let d = driver_day().await;
    let oid = d.order.clone();
    let files = json!({"files": [{"kind": "photo", "content_type": "image/jpeg", "size": 10}]});
    // Route not started yet.
    let (s, _) = post_driver(
        &d,
        &format!("/api/driver/orders/{oid}/pod/uploads"),
        files.clone(),
    )
    .await;
    assert_eq!(s, 409);
    let (s, _) = as_driver(
        &d,
        &d.other_driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/orders/{oid}/pod/uploads"),
        Some(files.clone()),
    )
    .await;
    assert_eq!(s, 404);
    let (s, _) = as_driver(
        &d,
        &d.other_driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/orders/{oid}/pod"),
        Some(json!({"receiver_name": "x", "photo_key": "k"})),
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(
        d.t.post(
            &format!("/api/driver/orders/{oid}/pod/uploads"),
            files.clone()
        )
        .await
        .0,
        403
    );
    let rid = d.route["id"].as_str().unwrap();
    post_driver(&d, &format!("/api/driver/routes/{rid}/start"), json!({})).await;
    // Started, but the order is not in transit yet.
    let (s, e) = post_driver(&d, &format!("/api/driver/orders/{oid}/pod/uploads"), files).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (409, Some("not_in_transit"))
    );
}

#[tokio::test]
async fn the_seeds_multipart_form_is_accepted_under_the_same_rules() {
    let d = in_transit().await;
    let path = url(&format!("/api/driver/orders/{}/pod", d.order));
    let form = |photo: Vec<u8>, ct: &str| {
        reqwest::multipart::Form::new()
            .text("receiver_name", "Asha")
            .text("notes", "front desk")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(photo)
                    .file_name("p.jpg")
                    .mime_str(ct)
                    .unwrap(),
            )
            .part(
                "signature",
                reqwest::multipart::Part::bytes(PNG.to_vec())
                    .file_name("s.png")
                    .mime_str("image/png")
                    .unwrap(),
            )
    };
    // Declared JPEG, but not one.
    let r =
        d.t.http
            .post(&path)
            .bearer_auth(&d.driver_token)
            .multipart(form(b"not an image at all".to_vec(), "image/jpeg"))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 400, "{}", r.text().await.unwrap());
    let r =
        d.t.http
            .post(&path)
            .bearer_auth(&d.driver_token)
            .multipart(form(jpeg(2048), "image/jpeg"))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["order"]["status"], "DELIVERED");
    let key = body["pod"]["photo_key"].as_str().unwrap();
    assert!(key.starts_with(&format!("pod/{}/{}/photo-", d.t.tenant_id, d.order)));
    let (_, pod) = d.t.get(&format!("/api/ops/orders/{}/pod", d.order)).await;
    let got = reqwest::get(pod["signature_url"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(got.as_ref(), PNG);
}

#[tokio::test]
async fn the_tracking_page_shows_allowlisted_fields_only() {
    let d = in_transit().await;
    let (_, o) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    let token = tracking_token(&o);
    let (s, view, headers) = track(&token).await;
    assert_eq!(s, 200, "{view}");
    assert_eq!(view["status"], "IN_TRANSIT");
    use cargoflow_domain::tracking::{VIEW_FIELDS, json_paths};
    for p in &json_paths(&view) {
        assert!(
            VIEW_FIELDS.contains(&p.as_str()),
            "{p} is not allowlisted: {view}"
        );
    }
    let text = view.to_string();
    for secret in [
        d.order.as_str(),
        d.t.tenant_id.as_str(),
        o["customer_phone"].as_str().unwrap(),
        o["customer_name"].as_str().unwrap(),
        o["reference_code"].as_str().unwrap(),
        d.route["driver_id"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=15")
    );
    let etag = headers["etag"].to_str().unwrap().to_string();
    let r = client()
        .get(url(&format!("/api/tracking/{token}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    // Delivered: the POD summary, the photo only once the tenant allows it.
    let keys = upload(&d, &[("photo", "image/jpeg", jpeg(100))]).await;
    post_driver(
        &d,
        &format!("/api/driver/orders/{}/pod", d.order),
        json!({"receiver_name": "Ravi", "notes": "INTERNAL-NOTE", "photo_key": keys[0]}),
    )
    .await;
    let (_, view, headers) = track(&token).await;
    assert_eq!(view["status"], "DELIVERED");
    assert_eq!(view["pod"]["receiver_name"], "Ravi");
    assert_eq!(view["pod"]["photo_url"], Value::Null);
    assert!(!view.to_string().contains("INTERNAL-NOTE"));
    assert_ne!(
        headers["etag"].to_str().unwrap(),
        etag,
        "a change changes the ETag"
    );
    let (s, _) =
        d.t.put(
            "/api/ops/settings/tracking",
            json!({"show_pod_photo": true, "link_expiry_days": 7}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, view, _) = track(&token).await;
    let name = keys[0].rsplit('/').next().unwrap();
    assert!(view["pod"]["photo_url"].as_str().unwrap().contains(name));
}

#[tokio::test]
async fn links_can_be_rotated_and_revoked_and_unknown_ones_are_404() {
    let t = TestTenant::register().await;
    let (_, o) = t.post("/api/ops/orders", json!({"reference_code": "TRK-1", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "Pune"}, {"sequence_index": 2, "type": "DROP", "address_line": "H", "city": "Pune"}]})).await;
    let oid = o["id"].as_str().unwrap();
    let old = tracking_token(&o);
    assert_eq!(track(&old).await.0, 200);
    let (s, r) = t
        .post(
            &format!("/api/ops/orders/{oid}/tracking-link/rotate"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{r}");
    let new = r["tracking_token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(track(&old).await.0, 404);
    assert_eq!(track(&new).await.0, 200);
    let (s, _) = t
        .post(
            &format!("/api/ops/orders/{oid}/tracking-link/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(s, 204);
    let (s, body, _) = track(&new).await;
    assert_eq!(s, 404);
    let (_, unknown, _) = track(&"A".repeat(32)).await;
    assert_eq!(
        body,
        json!({"error": body["error"], "request_id": body["request_id"]})
    );
    assert_eq!(
        body["error"]["code"], unknown["error"]["code"],
        "revoked and unknown look alike"
    );
    assert_eq!(track("short").await.0, 404);
    let (_, detail) = t.get(&format!("/api/ops/orders/{oid}")).await;
    assert_eq!(detail["tracking_token"], Value::Null);
    // Another tenant cannot touch the link.
    let other = TestTenant::register().await;
    assert_eq!(
        other
            .post(
                &format!("/api/ops/orders/{oid}/tracking-link/rotate"),
                json!({})
            )
            .await
            .0,
        404
    );
    // Settings: validated, OPS_ADMIN only.
    let (s, e) = t
        .put(
            "/api/ops/settings/tracking",
            json!({"show_pod_photo": true, "link_expiry_days": 0}),
        )
        .await;
    assert_eq!(s, 400, "{e}");
    let dispatcher = t.user_token("OPS_DISPATCHER").await;
    let r = t
        .http
        .put(url("/api/ops/settings/tracking"))
        .bearer_auth(&dispatcher)
        .json(&json!({"show_pod_photo": true, "link_expiry_days": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (s, settings) = t.get("/api/ops/settings/tracking").await;
    assert_eq!(
        (s, settings),
        (200, json!({"show_pod_photo": false, "link_expiry_days": 7}))
    );
}

#[tokio::test]
async fn tracking_and_driver_updates_are_throttled() {
    let t = TestTenant::register().await;
    let (_, o) = t.post("/api/ops/orders", json!({"reference_code": "THR-1", "customer_name": "C", "customer_phone": "+918888887777",
        "stops": [{"sequence_index": 1, "type": "PICKUP", "address_line": "W", "city": "Pune"}, {"sequence_index": 2, "type": "DROP", "address_line": "H", "city": "Pune"}]})).await;
    let token = tracking_token(&o);
    // 60 a minute per token and client address (TRACKING_LIMIT_PER_TOKEN), never per token
    // alone: another viewer of the same link is still served (edge_limits.rs).
    let viewer = client();
    let mut statuses = Vec::new();
    for _ in 0..60 {
        let r = viewer
            .get(url(&format!("/api/tracking/{token}")))
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(track(&token).await.0, 200, "another viewer");
    let r = viewer
        .get(url(&format!("/api/tracking/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    // 60 a minute per driver (DRIVER_STATUS_LIMIT), whatever the requests.
    let d = driver_day().await;
    let mut last = 0;
    for _ in 0..61 {
        last = post_driver(
            &d,
            &format!("/api/driver/orders/{}/status", d.order),
            json!({"to_status": "PICKED_UP"}),
        )
        .await
        .0;
    }
    assert_eq!(last, 429);
    // Another driver is not affected.
    let (s, _) = as_driver(
        &d,
        &d.other_driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/orders/{}/status", d.order),
        Some(json!({"to_status": "PICKED_UP"})),
    )
    .await;
    assert_eq!(s, 404);
}
