//! What authentication costs: every authenticated request verifies an access token; login and
//! refresh issue them. Password hashing is left out on purpose (argon2id is slow by design; its
//! parameters are in password.rs).

use cargoflow_auth::{PublicKeys, SigningKey, Subject, TokenRules};
use cargoflow_domain::{Role, TenantId, TokenFamilyId, UserId};
use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::jwk::JwkSet;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let rules = TokenRules::new(
        "cargoflow",
        time::Duration::minutes(15),
        time::Duration::days(30),
    );
    let key = SigningKey::from_secret(&SigningKey::new_secret()).unwrap();
    let keys = PublicKeys::from_jwks(&JwkSet {
        keys: vec![key.public_jwk().clone()],
    });
    let (user, tenant, session) = (
        UserId::generate(),
        TenantId::generate(),
        TokenFamilyId::generate(),
    );
    let subject = Subject {
        user_id: &user,
        tenant_id: &tenant,
        role: Role::OpsDispatcher,
        driver_id: None,
        session_epoch: 0,
    };
    let now = time::OffsetDateTime::now_utc();
    c.bench_function("jwt/issue_access", |b| {
        b.iter(|| rules.issue_access(&key, black_box(&subject), &session, now))
    });
    let token = rules.issue_access(&key, &subject, &session, now).token;
    c.bench_function("jwt/verify_access", |b| {
        b.iter(|| rules.verify_access(black_box(&token), &keys).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
