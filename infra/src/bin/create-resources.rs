//! `create-resources [template.yaml] [--env-file <path>]`: creates the local table, bucket,
//! bus, rule and queues as the template declares them. Safe to run again. With `--env-file`,
//! writes the queue URLs the functions are configured with (as template.yaml does in AWS).

use anyhow::Result;
use cargoflow_infra::resources::{Names, create_all};
use cargoflow_infra::template::Template;

#[tokio::main]
async fn main() -> Result<()> {
    cargoflow_http::logging::init();
    let mut path = "template.yaml".to_string();
    let mut env_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--env-file" {
            env_file = args.next();
        } else {
            path = a;
        }
    }
    let template = Template::load(path.as_ref())?;
    let sdk = aws_config::load_from_env().await;
    let names = Names::from_env();
    let created = create_all(&sdk, &template, &names).await?;
    if let Some(f) = env_file {
        std::fs::write(&f, created.env_lines())?;
    }
    println!(
        "resources ready: table {}, bucket {}, bus {}, queues {} / {}",
        names.table, names.bucket, names.bus, names.queue, names.dlq
    );
    Ok(())
}
