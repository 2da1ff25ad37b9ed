//! Ending a user's access at once: deactivating a driver or changing a user's role closes
//! their open WebSockets (and their tokens stop working, see auth_and_tenancy.rs).

mod common;

use std::time::Duration;

use common::*;
use futures::StreamExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(path: &str) -> Socket {
    let ws = url(path).replacen("http://", "ws://", 1);
    tokio_tungstenite::connect_async(ws)
        .await
        .unwrap_or_else(|e| panic!("connect {path}: {e}"))
        .0
}

/// True when the server closes the socket within `within` (a close frame or the end of the
/// stream); messages before it are skipped.
async fn closed_within(s: &mut Socket, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let Some(left) = deadline.checked_duration_since(tokio::time::Instant::now()) else {
            return false;
        };
        match tokio::time::timeout(left, s.next()).await {
            Err(_) => return false,
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => return true,
            Ok(Some(Ok(_))) => continue,
        }
    }
}

#[tokio::test]
async fn deactivating_a_driver_closes_the_driver_apps_socket() {
    let t = TestTenant::register().await;
    let (driver_id, email) = t.driver_with_login().await;
    let (_, other_email) = t.driver_with_login().await;
    let (s, session) = login(&t.http, &email, "DriverPass123!").await;
    assert_eq!(s, 200);
    let (_, other) = login(&t.http, &other_email, "DriverPass123!").await;
    let token = session["access_token"].as_str().unwrap();
    let mut socket = connect(&format!("/ws/driver/location?token={token}")).await;
    let mut bystander = connect(&format!(
        "/ws/driver/location?token={}",
        other["access_token"].as_str().unwrap()
    ))
    .await;
    assert!(
        !closed_within(&mut socket, Duration::from_millis(300)).await,
        "control: an active driver's socket stays open"
    );
    let (s, b) = t
        .post(
            &format!("/api/ops/drivers/{driver_id}/deactivate"),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(
        closed_within(&mut socket, Duration::from_secs(3)).await,
        "the deactivated driver's socket is closed at once"
    );
    assert!(
        !closed_within(&mut bystander, Duration::from_millis(300)).await,
        "another driver's socket stays open"
    );
}

#[tokio::test]
async fn changing_a_users_role_closes_their_ops_sockets() {
    let d = driver_day().await;
    let rid = d.route["id"].as_str().unwrap().to_string();
    let email = format!("{}@{}.example", unique("u"), d.t.slug);
    let (s, user) = d.t.post("/api/ops/users", json!({"email": email, "password": PASSWORD, "full_name": "Disp", "role": "OPS_DISPATCHER"})).await;
    assert_eq!(s, 201, "{user}");
    let (_, session) = login(&d.t.http, &email, PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let mut socket = connect(&format!("/ws/ops/routes/{rid}?token={token}")).await;
    let mut admin_socket = connect(&format!("/ws/ops/routes/{rid}?token={}", d.t.access)).await;
    let (s, b) =
        d.t.patch(
            &format!("/api/ops/users/{}", user["id"].as_str().unwrap()),
            json!({"role": "OPS_ADMIN"}),
        )
        .await;
    assert_eq!(s, 200, "{b}");
    assert!(closed_within(&mut socket, Duration::from_secs(3)).await);
    assert!(
        !closed_within(&mut admin_socket, Duration::from_millis(300)).await,
        "the admin who made the change keeps theirs"
    );
}
