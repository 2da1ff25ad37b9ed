//! The outside world: EventBridge publishing, the webhook HTTP client, WebSocket pushes,
//! S3 (POD and import files), email.

pub mod import_files;
pub mod live;
pub mod mailer;
pub mod pod_files;
pub mod publish;
pub mod webhook_client;
