//! What authentication costs: every authenticated request verifies an access token; login and
//! refresh issue them. Password hashing is left out on purpose (argon2id is slow by design; its
//! parameters are in password.rs).

use cargoflow_auth::{Subject, TokenService};
use cargoflow_domain::{Role, TenantId, UserId};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let svc = TokenService::new(
        "cargoflow",
        b"bench-secret-bench-secret-bench-secret-0123",
        time::Duration::minutes(15),
        time::Duration::days(30),
    )
    .unwrap();
    let (user, tenant) = (UserId::generate(), TenantId::generate());
    let subject = Subject {
        user_id: &user,
        tenant_id: &tenant,
        role: Role::OpsDispatcher,
        driver_id: None,
    };
    let now = time::OffsetDateTime::now_utc();
    c.bench_function("jwt/issue_access", |b| {
        b.iter(|| svc.issue_access(black_box(&subject), now))
    });
    let token = svc.issue_access(&subject, now).token;
    c.bench_function("jwt/verify_access", |b| {
        b.iter(|| svc.verify_access(black_box(&token)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
