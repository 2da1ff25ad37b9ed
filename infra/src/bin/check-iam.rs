//! `check-iam <template.yaml> <calls.jsonl>`: checks the AWS calls the suite recorded
//! (`AWS_CALL_LOG`, see cargoflow_aws::calls) against each function's policy in the template.
//! Exits 1 when a call is not allowed (or names an unknown function); prints the grants no
//! call used and the functions no test exercised. See infra/src/iam.rs.

use anyhow::{Context, Result};
use cargoflow_infra::iam::{Resolver, check, read_calls};
use cargoflow_infra::template::Template;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let template_path = args.next().unwrap_or_else(|| "template.yaml".into());
    let log = args
        .next()
        .context("usage: check-iam <template.yaml> <calls.jsonl>")?;
    let template = Template::load(template_path.as_ref())?;
    let text = std::fs::read_to_string(&log).with_context(|| format!("reading {log}"))?;
    let resolver = Resolver::from_env();
    let calls = read_calls(&text, &resolver, &template)?;
    let roles = resolver.roles(&template)?;
    let report = check(&roles, &calls);
    println!(
        "iam: {} distinct calls of {} functions checked against {} roles ({} outside any function, not checked)",
        report.checked,
        report.per_function.len(),
        roles.len(),
        report.unattributed
    );
    if !report.missing.is_empty() {
        println!(
            "iam: {} calls the function's policy does not allow:",
            report.missing.len()
        );
        for m in &report.missing {
            println!(
                "  {} ({}): {} on {} ({} {:?}): no statement of {} allows it",
                m.function, m.logical_id, m.action, m.resource, m.operation, m.via, m.logical_id
            );
        }
    }
    for f in &report.unknown_functions {
        println!("iam: calls recorded for {f}, which template.yaml does not have");
    }
    if !report.unused.is_empty() {
        println!("iam: {} grants no recorded call used:", report.unused.len());
        for u in &report.unused {
            println!("  {}: {} on {}", u.logical_id, u.action, u.resource);
        }
    }
    if !report.never_exercised.is_empty() {
        println!(
            "iam: {} functions made no call in this run: {}",
            report.never_exercised.len(),
            report.never_exercised.join(", ")
        );
    }
    if report.ok() {
        println!("iam: every recorded call is allowed");
        Ok(())
    } else {
        std::process::exit(1)
    }
}
