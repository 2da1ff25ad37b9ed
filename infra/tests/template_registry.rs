//! template.yaml and the code agree: every function has a handler, a binary and a name used
//! consistently; every handler has a function. Pure: no stand-ins needed.

mod common;

use std::collections::BTreeSet;

use cargoflow_infra::template::Template;

#[test]
fn every_function_has_a_handler_and_every_handler_a_function() {
    let template = Template::load(&common::template_path()).unwrap();
    let in_template: BTreeSet<String> = template
        .functions
        .iter()
        .map(|f| f.binary.clone())
        .collect();
    let in_code: BTreeSet<String> = cargoflow_functions::registry::all_function_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(in_template, in_code, "template.yaml functions vs registry");
    let bins_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/lambdas/src/bin");
    let bins: BTreeSet<String> = std::fs::read_dir(bins_dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    assert_eq!(
        in_template, bins,
        "template.yaml functions vs functions/lambdas/src/bin"
    );
}

#[test]
fn names_are_one_name_through_the_stack() {
    let template = Template::load(&common::template_path()).unwrap();
    let template_text = std::fs::read_to_string(common::template_path()).unwrap();
    // handlers/ holds only functions' handlers (the shared code lives in app/ and adapters/).
    let handlers =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../functions/api/src/handlers");
    for entry in std::fs::read_dir(&handlers).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "mod") else {
            continue;
        };
        assert!(
            template
                .functions
                .iter()
                .any(|f| f.binary.replace('-', "_") == module),
            "functions/api/src/handlers/{name} is no function of template.yaml"
        );
    }
    for f in &template.functions {
        let pascal: String = f
            .binary
            .split('-')
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|h| h.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            f.logical_id,
            format!("{pascal}Function"),
            "resource name of {}",
            f.binary
        );
        // One hop from the template to the code: the comment above the resource names the
        // handler's file, and the file is there.
        let path = format!(
            "functions/api/src/handlers/{}.rs",
            f.binary.replace('-', "_")
        );
        let module = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(&path);
        assert!(module.is_file(), "handler module for {}: {path}", f.binary);
        let at = template_text
            .find(&format!("\n  {}:\n", f.logical_id))
            .unwrap();
        let comment = template_text[..at]
            .rsplit("\n\n")
            .next()
            .unwrap_or_default();
        assert!(
            comment.contains(&path),
            "template.yaml names {path} in the comment above {}",
            f.logical_id
        );
        let streamed = f.other_events.values().any(|t| t == "DynamoDB");
        assert!(
            !f.http_routes.is_empty()
                || !f.websocket_routes.is_empty()
                || !f.schedules.is_empty()
                || streamed
                || !f.sqs_queues.is_empty(),
            "{} has an event source",
            f.binary
        );
        for q in &f.sqs_queues {
            assert!(
                cargoflow_functions::registry::sqs_function(&f.binary).is_some(),
                "{} consumes {q} in the code",
                f.binary
            );
        }
        if streamed {
            assert!(
                cargoflow_functions::registry::stream_function(&f.binary).is_some(),
                "{} consumes the stream in the code",
                f.binary
            );
        }
        for key in &f.websocket_routes {
            assert_eq!(
                cargoflow_functions::registry::websocket_function(key).map(|(n, _)| n),
                Some(f.binary.as_str()),
                "the WebSocket route {key} is served by {} in the code",
                f.binary
            );
        }
        // Deployed binaries wrap the handler as the local host does.
        let bin = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../functions/lambdas/src/bin")
                .join(format!("{}.rs", f.binary)),
        )
        .unwrap();
        assert_eq!(
            bin.contains("run_http_idempotent("),
            cargoflow_functions::registry::is_idempotent(&f.binary),
            "{}'s binary and the registry disagree on the idempotency layer",
            f.binary
        );
        if !f.schedules.is_empty() {
            assert!(
                cargoflow_functions::registry::schedule_function(&f.binary).is_some(),
                "{} is scheduled in the code",
                f.binary
            );
        }
    }
}

#[test]
fn every_route_is_served_by_the_local_host() {
    let template = Template::load(&common::template_path()).unwrap();
    let routes = cargoflow_infra::host::routes(&template).unwrap();
    let n: usize = template.functions.iter().map(|f| f.http_routes.len()).sum();
    assert_eq!(routes.len(), n);
}

#[test]
fn the_websocket_api_has_its_three_routes() {
    let template = Template::load(&common::template_path()).unwrap();
    let mut keys: Vec<String> = template
        .functions
        .iter()
        .flat_map(|f| f.websocket_routes.clone())
        .collect();
    keys.sort();
    assert_eq!(keys, ["$connect", "$default", "$disconnect"]);
}

#[test]
fn every_functions_logs_have_a_retention() {
    use serde_yaml_ng::Value;
    let text = std::fs::read_to_string(common::template_path()).unwrap();
    let doc: Value = serde_yaml_ng::from_str(&text).unwrap();
    let template = Template::parse(&text).unwrap();
    let group_of = |logging: Option<&Value>| -> Option<String> {
        let g = logging?.get("LogGroup")?;
        match g {
            Value::Tagged(t) if t.tag == "Ref" => t.value.as_str().map(str::to_string),
            _ => None,
        }
    };
    let global = group_of(doc["Globals"]["Function"].get("LoggingConfig"));
    for f in &template.functions {
        let own = template
            .properties(&f.logical_id)
            .and_then(|p| p.get("LoggingConfig"));
        let group = group_of(own).or_else(|| own.is_none().then(|| global.clone()).flatten());
        let group = group.unwrap_or_else(|| {
            panic!(
                "{}: no LogGroup (Lambda's default group has no retention)",
                f.logical_id
            )
        });
        let res = &doc["Resources"][group.as_str()];
        assert_eq!(res["Type"].as_str(), Some("AWS::Logs::LogGroup"), "{group}");
        assert!(
            res["Properties"].get("RetentionInDays").is_some(),
            "{group} of {} has no RetentionInDays",
            f.logical_id
        );
    }
}

/// Only the functions that issue tokens may read the private signing key (another resource
/// reading another secret is someone else's business), and no function gets key material
/// through its environment.
#[test]
fn only_the_token_issuers_can_read_the_signing_key() {
    let text = std::fs::read_to_string(common::template_path()).unwrap();
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let resources = doc["Resources"].as_mapping().unwrap();
    let mut environments = vec![serde_yaml_ng::to_string(&doc["Globals"]["Function"]).unwrap()];
    environments.extend(
        resources
            .values()
            .map(|r| serde_yaml_ng::to_string(&r["Properties"]["Environment"]).unwrap()),
    );
    for env in environments {
        assert!(
            !env.contains("JWT_SECRET") && !env.contains("resolve:secretsmanager"),
            "no secret is resolved into a function's environment: {env}"
        );
    }
    let mut readers = BTreeSet::new();
    for (id, r) in resources {
        let props = &r["Properties"];
        let policies = serde_yaml_ng::to_string(&props["Policies"]).unwrap()
            + &serde_yaml_ng::to_string(&props["ManagedPolicyArns"]).unwrap()
            + &serde_yaml_ng::to_string(&props["Role"]).unwrap();
        let reads = policies.contains("secretsmanager:GetSecretValue")
            || policies.contains("secretsmanager:*");
        // Any statement able to read secrets must not be able to read the signing key: it
        // names other secrets only (never `*` or the signing key).
        if reads && (policies.contains("SigningKeySecret") || policies.contains("Resource: '*'")) {
            readers.insert(
                r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .map_or_else(|| id.as_str().unwrap().to_string(), str::to_string),
            );
        }
    }
    let issuers: BTreeSet<String> = cargoflow_functions::runtime::TOKEN_ISSUERS
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(readers, issuers);
}

#[test]
fn index_projections_are_what_the_listings_filter_on() {
    let template = Template::load(&common::template_path()).unwrap();
    let indexes =
        cargoflow_infra::resources::global_secondary_indexes(template.properties("Table").unwrap())
            .unwrap();
    let projected = |name: &str| -> BTreeSet<String> {
        let g = indexes
            .iter()
            .find(|g| g.index_name() == name)
            .unwrap_or_else(|| panic!("template.yaml has no index {name}"));
        let p = g.projection().unwrap();
        assert_eq!(
            p.projection_type(),
            Some(&aws_sdk_dynamodb::types::ProjectionType::Include),
            "{name} projects keys and a few attributes, never ALL"
        );
        p.non_key_attributes().iter().cloned().collect()
    };
    let expected = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    use cargoflow_store::keys;
    assert_eq!(projected(keys::GSI1), expected(keys::GSI1_PROJECTED));
    assert_eq!(projected(keys::GSI2), expected(keys::GSI2_PROJECTED));
    assert_eq!(indexes.len(), 2, "every index is checked here");
}
