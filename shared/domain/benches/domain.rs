//! Per-request domain work: signing a webhook (the dispatcher, once per delivery, twice while a
//! rotated secret is in its grace period) and checking a status move against the machine and
//! the actor (every transition).

use cargoflow_domain::status_machine::{ActorType, OrderStatus, check, next_statuses};
use cargoflow_domain::webhooks::{generate_secret, signature_header};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let body = format!(
        r#"{{"type":"order.status_changed","timestamp":"2026-11-22T10:00:00Z","data":{{"order_id":"01JD3Q6Z8X4M2N7P5R9S1T3V5W","note":"{}"}}}}"#,
        "x".repeat(900)
    );
    let (a, b) = (generate_secret(), generate_secret());
    c.bench_function("webhook_signature/1KB/one_secret", |bn| {
        bn.iter(|| {
            signature_header(
                &[a.as_str()],
                "msg_01JD3Q6Z8X",
                1_795_000_000,
                black_box(&body),
            )
        })
    });
    c.bench_function("webhook_signature/1KB/two_secrets", |bn| {
        bn.iter(|| {
            signature_header(
                &[a.as_str(), b.as_str()],
                "msg_01JD3Q6Z8X",
                1_795_000_000,
                black_box(&body),
            )
        })
    });
    c.bench_function("status_machine/every_pair_every_actor", |bn| {
        bn.iter(|| {
            let mut allowed = 0;
            for from in OrderStatus::ALL {
                for to in OrderStatus::ALL {
                    for actor in [ActorType::Ops, ActorType::Driver, ActorType::System] {
                        allowed += usize::from(check(black_box(from), to, actor).is_ok());
                    }
                }
                allowed += next_statuses(from).len();
            }
            allowed
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
