//! `Ctx`: what every handler learns about the request before it does anything — the
//! language, the session and its user, the client's address — and the checks it makes
//! with them (`require`, `check_csrf`) — and `Authorized<P>`, the extractor that makes the
//! permission check before a writing handler's body is read.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use huajie_core::{Lang, Permission};
use huajie_store::{SessionInfo, User};

use crate::AppState;
use crate::auth::{SESSION_COOKIE, token_hash};
use crate::error::AppError;

/// The cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "huajie_lang";

/// The session a request's cookie led to, kept in its extensions once looked up.
#[derive(Clone)]
struct Looked(Option<SessionInfo>);

/// The request as a handler sees it.
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<SessionInfo>,
    /// The hash of the session token, to end the session on logout.
    pub token_hash: Option<String>,
    /// Path and query of the request, for the language switch and login redirects.
    pub path: String,
    /// The peer address (not a forwarded header: those can be forged).
    pub client: String,
}

/// Reads one cookie from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The language: the cookie when the user has chosen one, else Chinese. The API also
/// honours an explicit `Accept-Language` from its clients; pages do not, so that the UI
/// is Chinese first whatever language the browser was installed in.
pub fn lang_of(headers: &HeaderMap, path: &str) -> Lang {
    if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
        return lang;
    }
    if !path.starts_with("/api/") {
        return Lang::Zh;
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|first| Lang::parse(first.split(';').next().unwrap_or("")))
        .unwrap_or_default()
}

impl<S> FromRequestParts<S> for Ctx
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Ctx, AppError> {
        let state = AppState::from_ref(state);
        let lang = lang_of(&parts.headers, parts.uri.path());
        let token_hash = cookie(&parts.headers, SESSION_COOKIE).map(|t| token_hash(&t));
        // Looked up once per request, however many extractors ask (`Authorized`, `Submitted`).
        let session = match parts.extensions.get::<Looked>() {
            Some(Looked(session)) => session.clone(),
            None => {
                let session = match &token_hash {
                    Some(h) => state.store.session(h, state.session_idle()).await?,
                    None => None,
                };
                parts.extensions.insert(Looked(session.clone()));
                session
            }
        };
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into());
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        Ok(Ctx { lang, session, token_hash, path, client })
    }
}

impl Ctx {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The logged-in user, if the role holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<&User, AppError> {
        let user = self.user().ok_or(AppError::Unauthenticated)?;
        if user.role.can(permission) { Ok(user) } else { Err(AppError::Forbidden) }
    }

    /// The logged-in user, whatever the role.
    pub fn require_login(&self) -> Result<&User, AppError> {
        self.user().ok_or(AppError::Unauthenticated)
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.user().is_some_and(|u| u.role.can(permission))
    }

    /// The session's CSRF token ("" before login).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or("")
    }

    /// A form's token must equal the session's.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), AppError> {
        let expected = self.session.as_ref().map(|s| s.csrf_token.as_str()).ok_or(AppError::Unauthenticated)?;
        if crate::auth::constant_time_eq(expected.as_bytes(), submitted.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Csrf)
        }
    }
}

/// A permission as a type, for `Authorized<P>`: one marker per `Permission` (see `perm`), and
/// `perm::LoggedIn` for any logged-in user.
pub trait Perm {
    /// `None`: any logged-in user.
    const PERMISSION: Option<Permission>;
}

/// The markers of `Authorized<P>`: `Authorized<perm::EditComplianceBook>`.
pub mod perm {
    use huajie_core::Permission;

    macro_rules! markers {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("`Permission::", stringify!($name), "`.")]
            pub struct $name;
            impl super::Perm for $name {
                const PERMISSION: Option<Permission> = Some(Permission::$name);
            }
        )*};
    }
    // The permissions a writing route asks for.
    markers!(
        ManageUsers,
        ViewComplianceBook,
        ImportTapes,
        RunValuations,
        ReviewValuations,
        EditAssumptions,
        EditRuleParameters,
        EditComplianceBook,
        RecordIndicators,
        AcknowledgeReports,
        CheckDeals,
        OverrideFindings,
        RecordAcquisitions,
        FlagProhibitedAssets,
        ClearProhibitedFlags,
        ManageCommittee,
        CastVotes,
        PreparePlans,
        ManageAnnouncements,
        TableItems,
        QualifyInvestors,
        UsePortal,
        ViewLots,
        ManageLots,
        ConfirmDeposits,
        OpenTenders,
        ViewCases,
        ManageCases,
        Reconcile,
        PostLedger,
    );

    /// Any logged-in user, whatever the role (logout, one's own password).
    pub struct LoggedIn;
    impl super::Perm for LoggedIn {
        const PERMISSION: Option<Permission> = None;
    }
}

/// The request's context and its user, whose role holds `P`'s permission. A parts extractor:
/// axum runs it before the body extractor (`Submitted`, `Upload`), so a stranger is told to log
/// in and a role without the permission is refused before the body is read.
pub struct Authorized<P>(pub Ctx, pub User, pub std::marker::PhantomData<P>);

impl<P: Perm, S> FromRequestParts<S> for Authorized<P>
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        let user = match P::PERMISSION {
            Some(permission) => ctx.require(permission)?,
            None => ctx.require_login()?,
        }
        .clone();
        Ok(Authorized(ctx, user, std::marker::PhantomData))
    }
}
