"""LocalStack ready hook: creates CargoFlow's resources as template.yaml declares them.

The same resources, read from the same template, as `create-resources` (infra/src/resources.rs)
creates for `make dev`: the single table (keys, GSIs with their projections, the stream, TTL),
the POD bucket (versioning, encryption, CORS), the webhook DLQ and queue (visibility timeout,
redrive with maxReceiveCount), the event bus and the rule that sends every CargoFlow event to
the queue. Safe to run again. LocalStack runs it with its own Python (boto3 and PyYAML are
part of it); names come from the compose file's environment (the same variables and defaults
as .env.example).
"""
import json
import os
import sys

import boto3

TEMPLATE = os.environ.get("CARGOFLOW_TEMPLATE", "/cargoflow/template.yaml")
ENDPOINT = os.environ.get("CARGOFLOW_ENDPOINT", "http://localhost:4566")
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
NAMES = {
    "table": os.environ.get("TABLE_NAME", "cargoflow-local"),
    "bucket": os.environ.get("POD_BUCKET", "cargoflow-pod-local"),
    "bus": os.environ.get("EVENT_BUS_NAME", "cargoflow-local"),
    "queue": os.environ.get("WEBHOOK_QUEUE_NAME", "cargoflow-webhooks"),
    "dlq": os.environ.get("WEBHOOK_DLQ_NAME", "cargoflow-webhooks-dlq"),
    "cors": [o.strip() for o in os.environ.get("CORS_ALLOWED_ORIGINS", "*").split(",")],
}


def load_template(path):
    """template.yaml with CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) kept as data."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node, deep=True)}
        return {suffix: loader.construct_mapping(node, deep=True)}

    Loader.add_multi_constructor("!", tag)
    with open(path) as f:
        return yaml.load(f, Loader=Loader)


def client(service):
    return boto3.client(service, endpoint_url=ENDPOINT, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test")


def props(template, logical_id):
    r = template.get("Resources", {}).get(logical_id)
    if not r:
        sys.exit(f"template.yaml has no {logical_id}")
    return r.get("Properties", {})


def projection(gsi):
    """An index's projection as template.yaml declares it (INCLUDE with its NonKeyAttributes)."""
    p = gsi.get("Projection")
    if not p or p.get("ProjectionType") not in ("ALL", "KEYS_ONLY", "INCLUDE"):
        sys.exit(f"index {gsi.get('IndexName')}: bad Projection {p!r}")
    out = {"ProjectionType": p["ProjectionType"]}
    if p["ProjectionType"] == "INCLUDE":
        if not p.get("NonKeyAttributes"):
            sys.exit(f"index {gsi.get('IndexName')}: INCLUDE without NonKeyAttributes")
        out["NonKeyAttributes"] = list(p["NonKeyAttributes"])
    return out


def create_table(template):
    p = props(template, "Table")
    ddb = client("dynamodb")
    args = {
        "TableName": NAMES["table"],
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": p["AttributeDefinitions"],
        "KeySchema": p["KeySchema"],
    }
    gsis = [{"IndexName": g["IndexName"], "KeySchema": g["KeySchema"],
             "Projection": projection(g)}
            for g in p.get("GlobalSecondaryIndexes", [])]
    if gsis:
        args["GlobalSecondaryIndexes"] = gsis
    view = p.get("StreamSpecification", {}).get("StreamViewType")
    if view:
        args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    try:
        ddb.create_table(**args)
        ddb.get_waiter("table_exists").wait(TableName=NAMES["table"])
        print(f"table {NAMES['table']} created")
    except ddb.exceptions.ResourceInUseException:
        print(f"table {NAMES['table']} exists")
    ttl = p.get("TimeToLiveSpecification", {}).get("AttributeName")
    if ttl:
        try:
            ddb.update_time_to_live(TableName=NAMES["table"],
                                    TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True})
        except Exception as e:  # already enabled
            if "already enabled" not in str(e):
                raise


def create_bucket(template):
    p = props(template, "PodBucket")
    s3 = client("s3")
    try:
        s3.create_bucket(Bucket=NAMES["bucket"])
        print(f"bucket {NAMES['bucket']} created")
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        print(f"bucket {NAMES['bucket']} exists")
    if "VersioningConfiguration" in p:
        s3.put_bucket_versioning(Bucket=NAMES["bucket"], VersioningConfiguration={"Status": "Enabled"})
    if "BucketEncryption" in p:
        s3.put_bucket_encryption(Bucket=NAMES["bucket"], ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    rules = []
    for r in p.get("CorsConfiguration", {}).get("CorsRules", []):
        rule = {"AllowedMethods": r.get("AllowedMethods", []), "AllowedOrigins": NAMES["cors"],
                "AllowedHeaders": r.get("AllowedHeaders", []), "ExposeHeaders": r.get("ExposedHeaders", [])}
        if isinstance(r.get("MaxAge"), int):
            rule["MaxAgeSeconds"] = r["MaxAge"]
        rules.append(rule)
    if rules:
        s3.put_bucket_cors(Bucket=NAMES["bucket"], CORSConfiguration={"CORSRules": rules})


def create_queues_and_rule(template):
    q = props(template, "WebhookQueue")
    sqs, events = client("sqs"), client("events")
    arn = lambda url: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    dlq_url = sqs.create_queue(QueueName=NAMES["dlq"])["QueueUrl"]
    redrive = {"deadLetterTargetArn": arn(dlq_url),
               "maxReceiveCount": q.get("RedrivePolicy", {}).get("maxReceiveCount", 5)}
    queue_url = sqs.create_queue(QueueName=NAMES["queue"], Attributes={
        "VisibilityTimeout": str(q.get("VisibilityTimeout", 30)), "RedrivePolicy": json.dumps(redrive)})["QueueUrl"]
    print(f"queues {queue_url} / {dlq_url}")
    try:
        events.create_event_bus(Name=NAMES["bus"])
        print(f"event bus {NAMES['bus']} created")
    except events.exceptions.ResourceAlreadyExistsException:
        print(f"event bus {NAMES['bus']} exists")
    rule = props(template, "WebhookRule")
    name = f"{NAMES['bus']}-webhooks"
    events.put_rule(Name=name, EventBusName=NAMES["bus"], EventPattern=json.dumps(rule["EventPattern"]))
    events.put_targets(Rule=name, EventBusName=NAMES["bus"], Targets=[{"Id": "webhook-queue", "Arn": arn(queue_url)}])
    print(f"rule {name} -> {NAMES['queue']}")


def main():
    template = load_template(TEMPLATE)
    create_table(template)
    create_bucket(template)
    create_queues_and_rule(template)
    print("CargoFlow resources ready in LocalStack")


if __name__ == "__main__":
    main()
