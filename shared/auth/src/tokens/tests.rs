use super::*;

const SECRET_A: &str = r#"{"seed":"test-seed-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#;
const SECRET_B: &str = r#"{"seed":"test-seed-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}"#;

fn key(secret: &str) -> SigningKey {
    SigningKey::from_secret(secret).unwrap()
}

fn rules() -> TokenRules {
    TokenRules::new(
        "cargoflow",
        time::Duration::minutes(15),
        time::Duration::days(14),
    )
}

fn published(keys: &[&SigningKey]) -> PublicKeys {
    PublicKeys::from_jwks(&JwkSet {
        keys: keys.iter().map(|k| k.public_jwk().clone()).collect(),
    })
}

struct Ids {
    user: UserId,
    tenant: TenantId,
    driver: DriverId,
    session: TokenFamilyId,
}

fn ids() -> Ids {
    Ids {
        user: UserId::generate(),
        tenant: TenantId::generate(),
        driver: DriverId::generate(),
        session: TokenFamilyId::generate(),
    }
}

fn ops_subject(i: &Ids) -> Subject<'_> {
    Subject {
        user_id: &i.user,
        tenant_id: &i.tenant,
        role: Role::OpsAdmin,
        driver_id: None,
        session_epoch: 3,
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn access(k: &SigningKey, i: &Ids) -> String {
    rules()
        .issue_access(k, &ops_subject(i), &i.session, now())
        .token
}

/// Builds a token with any header and claims, signed with `sign` (or unsigned), without
/// jsonwebtoken: the attacks below must fail for the reason they name.
fn forge(
    header: serde_json::Value,
    claims: serde_json::Value,
    sign: impl Fn(&[u8]) -> Vec<u8>,
) -> String {
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let sig = B64.encode(sign(input.as_bytes()));
    format!("{input}.{sig}")
}

/// Signs with aws-lc-rs directly, from the same secret derivation.
fn ed25519_signer(secret: &str) -> impl Fn(&[u8]) -> Vec<u8> {
    let k = key(secret);
    let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(k.encoding.as_bytes()).unwrap();
    move |msg| pair.sign(msg).as_ref().to_vec()
}

fn claims_for(i: &Ids, aud: &str, role: &str, exp_offset: i64) -> serde_json::Value {
    let t = now().unix_timestamp();
    serde_json::json!({
        "iss": "cargoflow", "aud": aud, "sub": i.user.to_string(), "tid": i.tenant.to_string(),
        "role": role, "sid": i.session.to_string(), "ver": 3, "iat": t, "exp": t + exp_offset,
        "jti": TokenId::generate().to_string()
    })
}

fn header(k: &SigningKey, alg: &str, typ: &str) -> serde_json::Value {
    serde_json::json!({"alg": alg, "typ": typ, "kid": k.kid()})
}

#[test]
fn access_round_trip_carries_session_and_epoch() {
    let (k, i) = (key(SECRET_A), ids());
    let id = rules()
        .verify_access(&access(&k, &i), &published(&[&k]))
        .unwrap();
    assert_eq!(id.user_id, i.user);
    assert_eq!(id.tenant_id, i.tenant);
    assert_eq!(id.role, Role::OpsAdmin);
    assert_eq!(id.driver_id, None);
    assert_eq!(id.session_id, i.session);
    assert_eq!(id.session_epoch, 3);
}

#[test]
fn header_names_the_key_and_eddsa() {
    let (k, i) = (key(SECRET_A), ids());
    let h = decode_header(access(&k, &i)).unwrap();
    assert_eq!(h.alg, Algorithm::EdDSA);
    assert_eq!(h.kid.as_deref(), Some(k.kid()));
    assert_eq!(h.typ.as_deref(), Some(TYP_ACCESS));
}

#[test]
fn secret_derivation_is_stable_and_kid_is_the_thumbprint() {
    let (a1, a2, b) = (key(SECRET_A), key(SECRET_A), key(SECRET_B));
    assert_eq!(a1.kid(), a2.kid());
    assert_ne!(a1.kid(), b.kid());
    let mut jwk = a1.public_jwk().clone();
    jwk.common.key_id = None;
    assert_eq!(jwk.thumbprint(ThumbprintHash::SHA256).unwrap(), a1.kid());
    // the published JWK holds no private part
    let json = serde_json::to_value(a1.public_jwk()).unwrap();
    assert_eq!(json["kty"], "OKP");
    assert_eq!(json["crv"], "Ed25519");
    assert!(json.get("d").is_none(), "{json}");
}

#[test]
fn new_secrets_load_and_differ() {
    let (s1, s2) = (SigningKey::new_secret(), SigningKey::new_secret());
    assert_ne!(key(&s1).kid(), key(&s2).kid());
}

#[test]
fn bad_secrets_are_refused() {
    for s in [
        "",
        "plain string",
        r#"{"seed":"short"}"#,
        r#"{"other":"x"}"#,
    ] {
        assert!(SigningKey::from_secret(s).is_err(), "{s}");
    }
}

#[test]
fn driver_token_carries_driver_id_and_driver_audience() {
    let (k, i) = (key(SECRET_A), ids());
    let s = Subject {
        user_id: &i.user,
        tenant_id: &i.tenant,
        role: Role::Driver,
        driver_id: Some(&i.driver),
        session_epoch: 0,
    };
    let t = rules().issue_access(&k, &s, &i.session, now());
    let id = rules().verify_access(&t.token, &published(&[&k])).unwrap();
    assert_eq!(id.driver_id, Some(i.driver));
    let payload: serde_json::Value =
        serde_json::from_slice(&B64.decode(t.token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(payload["aud"], AUD_DRIVER);
}

#[test]
fn forged_tokens_verify_when_correct() {
    // Guards the forging helper: a correctly forged token verifies, so the attacks below fail
    // for the reason they name.
    let (k, i) = (key(SECRET_A), ids());
    let tok = forge(
        header(&k, "EdDSA", TYP_ACCESS),
        claims_for(&i, AUD_OPS, "OPS_ADMIN", 600),
        ed25519_signer(SECRET_A),
    );
    assert!(rules().verify_access(&tok, &published(&[&k])).is_ok());
}

#[test]
fn alg_none_and_hmac_confusion_are_refused() {
    let (k, i) = (key(SECRET_A), ids());
    let keys = published(&[&k]);
    let claims = claims_for(&i, AUD_OPS, "OPS_ADMIN", 600);
    let none = forge(header(&k, "none", TYP_ACCESS), claims.clone(), |_| vec![]);
    // jsonwebtoken does not even parse `none` as an algorithm
    assert!(rules().verify_access(&none, &keys).is_err());
    // HS256 keyed with the public key's bytes (the classic algorithm-confusion attack).
    let x = serde_json::to_value(k.public_jwk()).unwrap()["x"]
        .as_str()
        .unwrap()
        .to_string();
    let hs = forge(header(&k, "HS256", TYP_ACCESS), claims, |msg| {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(x.as_bytes()).unwrap();
        mac.update(msg);
        mac.finalize().into_bytes().to_vec()
    });
    assert_eq!(rules().verify_access(&hs, &keys), Err(TokenError::Invalid));
}

#[test]
fn tampered_or_foreign_signatures_are_refused() {
    let (a, b, i) = (key(SECRET_A), key(SECRET_B), ids());
    let keys = published(&[&a]);
    let t = access(&a, &i);
    let mut parts: Vec<String> = t.split('.').map(String::from).collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&B64.decode(&parts[1]).unwrap()).unwrap();
    payload["tid"] = serde_json::json!(TenantId::generate().to_string());
    parts[1] = B64.encode(payload.to_string());
    assert_eq!(
        rules().verify_access(&parts.join("."), &keys),
        Err(TokenError::Invalid)
    );
    // signed by an unpublished key
    assert_eq!(
        rules().verify_access(&access(&b, &i), &keys),
        Err(TokenError::UnknownKey)
    );
    // signed by key B but naming key A's kid
    let lie = forge(
        header(&a, "EdDSA", TYP_ACCESS),
        claims_for(&i, AUD_OPS, "OPS_ADMIN", 600),
        ed25519_signer(SECRET_B),
    );
    assert_eq!(rules().verify_access(&lie, &keys), Err(TokenError::Invalid));
    // no kid at all
    let nokid = forge(
        serde_json::json!({"alg": "EdDSA", "typ": TYP_ACCESS}),
        claims_for(&i, AUD_OPS, "OPS_ADMIN", 600),
        ed25519_signer(SECRET_A),
    );
    assert_eq!(
        rules().verify_access(&nokid, &keys),
        Err(TokenError::Invalid)
    );
}

#[test]
fn a_jwk_under_a_false_kid_is_not_used() {
    // A JWKS entry whose kid is not its own thumbprint is ignored, so a key cannot be
    // published under another key's name.
    let (a, b) = (key(SECRET_A), key(SECRET_B));
    let mut fake = b.public_jwk().clone();
    fake.common.key_id = Some(a.kid().to_string());
    let keys = PublicKeys::from_jwks(&JwkSet { keys: vec![fake] });
    assert!(keys.is_empty());
}

#[test]
fn rotation_overlap_keeps_both_generations_valid() {
    let (old, new, i) = (key(SECRET_A), key(SECRET_B), ids());
    let before = access(&old, &i);
    let after = access(&new, &i);
    // During the overlap both are published: nobody is logged out.
    let both = published(&[&old, &new]);
    assert!(rules().verify_access(&before, &both).is_ok());
    assert!(rules().verify_access(&after, &both).is_ok());
    // Once the old key is withdrawn, its tokens stop verifying; the new ones do not.
    let only_new = published(&[&new]);
    assert_eq!(
        rules().verify_access(&before, &only_new),
        Err(TokenError::UnknownKey)
    );
    assert!(rules().verify_access(&after, &only_new).is_ok());
}

#[test]
fn expired_is_refused() {
    let (k, i) = (key(SECRET_A), ids());
    let t = rules()
        .issue_access(
            &k,
            &ops_subject(&i),
            &i.session,
            now() - time::Duration::hours(1),
        )
        .token;
    assert_eq!(
        rules().verify_access(&t, &published(&[&k])),
        Err(TokenError::Expired)
    );
}

#[test]
fn wrong_audience_or_issuer_is_refused() {
    let (k, i) = (key(SECRET_A), ids());
    let keys = published(&[&k]);
    for (aud, role) in [
        ("someone-else", "OPS_ADMIN"),
        (AUD_DRIVER, "OPS_ADMIN"),
        (AUD_OPS, "DRIVER"),
        (AUD_REFRESH, "OPS_ADMIN"),
    ] {
        let tok = forge(
            header(&k, "EdDSA", TYP_ACCESS),
            claims_for(&i, aud, role, 600),
            ed25519_signer(SECRET_A),
        );
        assert!(rules().verify_access(&tok, &keys).is_err(), "{aud} {role}");
    }
    let evil = TokenRules::new("evil", time::Duration::minutes(15), time::Duration::days(1));
    let t = evil
        .issue_access(&k, &ops_subject(&i), &i.session, now())
        .token;
    assert_eq!(rules().verify_access(&t, &keys), Err(TokenError::Invalid));
}

#[test]
fn refresh_and_access_are_not_interchangeable() {
    let (k, i) = (key(SECRET_A), ids());
    let keys = published(&[&k]);
    let tid = TokenId::generate();
    let r = rules()
        .issue_refresh(&k, &ops_subject(&i), &i.session, &tid, now())
        .token;
    assert_eq!(rules().verify_access(&r, &keys), Err(TokenError::WrongType));
    let a = access(&k, &i);
    assert_eq!(
        rules().verify_refresh(&a, &keys),
        Err(TokenError::WrongType)
    );
    let c = rules().verify_refresh(&r, &keys).unwrap();
    assert_eq!(c.fam, i.session.to_string());
    assert_eq!(c.jti, tid.to_string());
    // a refresh-shaped payload with the access typ is still refused (audience)
    let mut claims = claims_for(&i, AUD_REFRESH, "OPS_ADMIN", 600);
    claims["fam"] = serde_json::json!(i.session.to_string());
    let tok = forge(
        header(&k, "EdDSA", TYP_ACCESS),
        claims,
        ed25519_signer(SECRET_A),
    );
    assert!(rules().verify_access(&tok, &keys).is_err());
}

#[test]
fn refresh_tokens_are_deterministic() {
    // The grace window hands back the successor it lost: the same inputs sign to the same
    // string.
    let (k, i) = (key(SECRET_A), ids());
    let tid = TokenId::generate();
    let at = now();
    let r1 = rules().issue_refresh(&k, &ops_subject(&i), &i.session, &tid, at);
    let r2 = rules().issue_refresh(&k, &ops_subject(&i), &i.session, &tid, at);
    assert_eq!(r1.token, r2.token);
}

#[test]
fn garbage_is_malformed() {
    let k = key(SECRET_A);
    let keys = published(&[&k]);
    for t in ["", "abc", "a.b.c", "..", "eyJhbGciOiJFZERTQSJ9.e30."] {
        assert!(rules().verify_access(t, &keys).is_err(), "{t}");
        assert!(rules().verify_refresh(t, &keys).is_err(), "{t}");
    }
}
