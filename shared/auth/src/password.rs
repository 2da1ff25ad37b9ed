//! Password hashing with argon2id (OWASP parameters: 19 MiB, 2 iterations, 1 lane).

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use cargoflow_domain::Password;

fn hasher() -> Argon2<'static> {
    // Params::DEFAULT is m=19456 KiB, t=2, p=1: the OWASP recommendation for argon2id.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub fn hash_password(password: &Password) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.expose().as_bytes(), &salt)?
        .to_string())
}

/// Verifies a candidate against a stored PHC string. A malformed stored hash verifies nothing.
pub fn verify_password(candidate: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same time as a real verification, for logins whose email is unknown, so that
/// response time does not tell which emails exist.
pub fn verify_against_dummy(candidate: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        let p = Password::parse("dummy-password-for-timing-1").expect("valid dummy");
        hash_password(&p).unwrap_or_default()
    });
    let _ = verify_password(candidate, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let p = Password::parse("StrongPass123!").unwrap();
        let h = hash_password(&p).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("StrongPass123!", &h));
        assert!(!verify_password("StrongPass123?", &h));
        assert!(!verify_password("StrongPass123!", "not-a-hash"));
        // salted: the same password hashes differently
        assert_ne!(h, hash_password(&p).unwrap());
    }
}
