//! The driver API: a driver reaches only their own routes and orders, makes only the moves
//! the status machine gives drivers, with server timestamps; a failed delivery opens a
//! FAILED_ATTEMPT exception in the same transaction.

mod common;

use common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn drivers_see_only_their_own_routes() {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap();
    let (s, today) = as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::GET,
        "/api/driver/routes/today",
        None,
    )
    .await;
    assert_eq!(s, 200, "{today}");
    assert_eq!(today["items"].as_array().unwrap().len(), 1);
    let (_, none) = as_driver(
        &d,
        &d.other_driver_token,
        reqwest::Method::GET,
        "/api/driver/routes/today",
        None,
    )
    .await;
    assert_eq!(none["items"], json!([]));
    let (s, r) = as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::GET,
        &format!("/api/driver/routes/{rid}"),
        None,
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["orders"][0]["id"], d.order.as_str());
    assert_eq!(
        as_driver(
            &d,
            &d.other_driver_token,
            reqwest::Method::GET,
            &format!("/api/driver/routes/{rid}"),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        as_driver(
            &d,
            &d.t.access,
            reqwest::Method::GET,
            &format!("/api/driver/routes/{rid}"),
            None
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn a_driver_works_an_order_through_its_moves() {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap();
    let status = |to: &str, meta: Value| json!({"to_status": to, "metadata": meta});
    let path = format!("/api/driver/orders/{}/status", d.order);
    let post = |token: String, body: Value| {
        let (d, path) = (&d, path.clone());
        async move { as_driver(d, &token, reqwest::Method::POST, &path, Some(body)).await }
    };
    let (s, b) = post(d.driver_token.clone(), status("PICKED_UP", json!({}))).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("route_not_started")),
        "{b}"
    );
    let (s, _) = as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::POST,
        &format!("/api/driver/routes/{rid}/start"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(
        post(d.other_driver_token.clone(), status("PICKED_UP", json!({})))
            .await
            .0,
        404,
        "another driver's order"
    );
    assert_eq!(
        post(d.driver_token.clone(), status("CANCELLED", json!({})))
            .await
            .0,
        403,
        "drivers cannot cancel"
    );
    let (s, o) = post(
        d.driver_token.clone(),
        status("PICKED_UP", json!({"notes": "Picked up boxes"})),
    )
    .await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(o["status"], "PICKED_UP");
    assert_eq!(o["stops"][0]["status"], "COMPLETED");
    assert!(
        o["stops"][0]["actual_arrival_time"].is_string()
            && o["stops"][0]["completed_at"].is_string(),
        "server timestamps"
    );
    let (s, b) = post(d.driver_token.clone(), status("DELIVERED", json!({}))).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("pod_required"))
    );
    let (s, _) = post(d.driver_token.clone(), status("IN_TRANSIT", json!({}))).await;
    assert_eq!(s, 200);
    let (s, b) = post(d.driver_token.clone(), status("FAILED", json!({}))).await;
    assert_eq!(s, 400, "a failure needs a reason: {b}");
    let (s, o) = post(
        d.driver_token.clone(),
        status("FAILED", json!({"reason": "Customer not home"})),
    )
    .await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(
        (o["status"].as_str(), o["stops"][1]["status"].as_str()),
        (Some("FAILED"), Some("FAILED"))
    );
    let (_, ex) =
        d.t.get(&format!("/api/ops/exceptions?order_id={}", d.order))
            .await;
    assert_eq!(ex["items"][0]["type"], "FAILED_ATTEMPT");
    assert_eq!(ex["items"][0]["notes"], "Customer not home");
    let (_, detail) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    let actors: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["actor_type"].as_str().unwrap())
        .collect();
    assert_eq!(actors, vec!["OPS", "OPS", "DRIVER", "DRIVER", "DRIVER"]);
    let (_, route) = d.t.get(&format!("/api/ops/routes/{rid}")).await;
    assert_eq!(route["status"], "COMPLETED", "its only order is final");
    assert_eq!(
        post(d.driver_token.clone(), status("IN_TRANSIT", json!({})))
            .await
            .0,
        409,
        "final orders never change"
    );
}

#[tokio::test]
async fn scan_finds_only_the_drivers_own_orders() {
    let d = driver_day().await;
    let (_, o) = d.t.get(&format!("/api/ops/orders/{}", d.order)).await;
    let token = o["tracking_token"].as_str().unwrap().to_string();
    for code in ["DRV-1", "drv-1", token.as_str()] {
        let (s, found) = as_driver(
            &d,
            &d.driver_token,
            reqwest::Method::POST,
            "/api/driver/scan",
            Some(json!({"code": code})),
        )
        .await;
        assert_eq!(s, 200, "{code}: {found}");
        assert_eq!(found["id"], d.order.as_str());
    }
    for (who, code) in [
        (&d.other_driver_token, "DRV-1"),
        (&d.other_driver_token, token.as_str()),
        (&d.driver_token, "NOPE-9"),
    ] {
        let (s, _) = as_driver(
            &d,
            who,
            reqwest::Method::POST,
            "/api/driver/scan",
            Some(json!({"code": code})),
        )
        .await;
        assert_eq!(s, 404, "{code}");
    }
    let other = TestTenant::register().await;
    let (_, e) = other.driver_with_login().await;
    let foreign = login(&other.http, &e, "DriverPass123!").await.1["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _) = as_driver(
        &d,
        &foreign,
        reqwest::Method::POST,
        "/api/driver/scan",
        Some(json!({"code": token})),
    )
    .await;
    assert_eq!(s, 404, "another tenant's driver");
    let (s, _) = as_driver(
        &d,
        &d.driver_token,
        reqwest::Method::POST,
        "/api/driver/scan",
        Some(json!({"code": ""})),
    )
    .await;
    assert_eq!(s, 400);
}
