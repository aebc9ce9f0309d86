//! Passwords (argon2id), session tokens, cookies and login with rate limiting.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::HeaderValue;
use chrono::Duration;
use cookie::{Cookie, SameSite};
use huajie_core::Lang;
use huajie_core::throttle;
use huajie_store::{Reservation, User};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::AppError;
use crate::i18n::tr;

/// The session cookie: a random token; the database keeps only its SHA-256.
pub const SESSION_COOKIE: &str = "huajie_session";
/// The login form's double-submit CSRF cookie (there is no session yet to hold a token).
pub const LOGIN_CSRF_COOKIE: &str = "huajie_login_csrf";
/// The double-submit token of a form posted before any session (the portal's registration):
/// set with the form, compared with its `csrf` field (`form::PublicSubmitted`).
pub const PUBLIC_CSRF_COOKIE: &str = "huajie_public_csrf";

/// The shortest password accepted when one is set.
pub const PASSWORD_CHARS_MIN: usize = 10;

/// An argon2id hash (PHC string) of a password, with a fresh random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes make a valid salt");
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters").to_string()
}

/// Whether the password matches the PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A new password, or why it is refused.
pub fn new_password(password: &str) -> Result<&str, huajie_core::Text> {
    if password.chars().count() < PASSWORD_CHARS_MIN {
        let min = PASSWORD_CHARS_MIN.to_string();
        return Err(huajie_core::Text::new(
            tr(Lang::Zh, "password.too_short").replace("{min}", &min),
            tr(Lang::En, "password.too_short").replace("{min}", &min),
        ));
    }
    Ok(password)
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    hex::encode(random_bytes::<32>())
}

pub fn token_hash(token: &str) -> String {
    huajie_core::audit::sha256_hex(token.as_bytes())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// A `Set-Cookie` value: HttpOnly, SameSite, path `/`, Secure when configured.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64, same_site: SameSite) -> HeaderValue {
    let c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(same_site)
        .secure(state.config.secure_cookies)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build();
    HeaderValue::from_str(&c.to_string()).expect("cookie values are ASCII")
}

/// Checks a password on a blocking thread (argon2 takes tens of milliseconds) and counts
/// the check in `AppState::password_checks`.
pub async fn check_password(state: &AppState, password: &str, phc: &str) -> bool {
    state.password_checks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let (password, phc) = (password.to_string(), phc.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &phc)).await.unwrap_or(false)
}

/// Logs a user in: reserves a password check under the throttle (`huajie_core::throttle`,
/// counted and reserved in one database transaction), checks the password and the account,
/// opens a session and returns its token. Every outcome but a throttled attempt is in the
/// audit chain.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
    lang: Lang,
) -> Result<(String, User), AppError> {
    let store = &state.store;
    let username = username.trim();
    let key = throttle::username_key(username);
    let attempt = match store.reserve_login_attempt(&key, client, throttle::decide).await? {
        Reservation::Granted(attempt) => attempt,
        Reservation::Wait(wait) => {
            return Err(AppError::RateLimited(throttle::minutes_to_wait(wait), "error.rate_limited"));
        }
    };
    let user = if username.chars().count() > throttle::USERNAME_KEY_CHARS_MAX {
        None
    } else {
        store.user_by_username(username).await?
    };
    // Verify against a dummy hash when there is no such user, so that the answer takes
    // as long either way and does not reveal which user names exist.
    let ok = match &user {
        Some(u) => check_password(state, password, &u.password_hash).await && u.active,
        None => {
            check_password(state, password, DUMMY_HASH.as_str()).await;
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        store.record_login_failure(attempt).await?;
        return Err(AppError::BadRequest(tr(lang, "login.failed").into()));
    };
    let token = random_token();
    let expires = store.clock().now() + Duration::hours(state.config.session_hours);
    store.open_session(&token_hash(&token), &user, &random_token(), expires, attempt).await?;
    Ok((token, user))
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| hash_password("no such user"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert_ne!(hash_password("same"), hash_password("same"), "salts differ");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_ne!(token_hash(&a), a);
        assert!(
            constant_time_eq(b"abc", b"abc") && !constant_time_eq(b"abc", b"abd") && !constant_time_eq(b"a", b"ab")
        );
    }
}
