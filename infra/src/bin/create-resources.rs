//! `create-resources [template.yaml]`: creates the local table, bucket, bus, rule and queues
//! as the template declares them. Safe to run again.

use anyhow::Result;
use cargoflow_infra::resources::{Names, create_all};
use cargoflow_infra::template::Template;

#[tokio::main]
async fn main() -> Result<()> {
    cargoflow_http::logging::init();
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "template.yaml".into());
    let template = Template::load(path.as_ref())?;
    let sdk = aws_config::load_from_env().await;
    let names = Names::from_env();
    create_all(&sdk, &template, &names).await?;
    println!(
        "resources ready: table {}, bucket {}, bus {}, queues {} / {}",
        names.table, names.bucket, names.bus, names.queue, names.dlq
    );
    Ok(())
}
