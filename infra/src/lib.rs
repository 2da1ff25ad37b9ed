//! The local stand-in for what AWS does around CargoFlow's functions, built from template.yaml
//! so that routes and event sources cannot drift from what deploys:
//!
//! - [`template`]: reads template.yaml (functions, routes, event sources, table, bucket, queues).
//! - [`host`]: serves every HttpApi route by calling the function's handler in-process with a
//!   real API Gateway v2 HTTP request event, and the built web apps beside it.
//! - [`streams`]: polls the table's DynamoDB stream like Lambda (about 4 times a second) and
//!   hands batches to a consumer, with partial-batch retries.
//! - [`websocket`]: the WebSocket API's routes and its management API (PostToConnection).
//! - [`iam`]: checks the AWS calls each function made against its policy in the template.
//! - [`mailbox`]: the local inbox (`/_local/mail`): what SES accepted, since moto delivers
//!   nothing.
//! - [`resources`]: creates the table, bucket, bus, rule and queues as the template declares.

pub mod host;
pub mod iam;
pub mod mailbox;
pub mod resources;
pub mod schedules;
pub mod sqs;
pub mod streams;
pub mod template;
pub mod websocket;
