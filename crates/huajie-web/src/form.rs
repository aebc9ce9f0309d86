//! Extractors whose rejections are ordinary `AppError`s — forms, JSON bodies, raw bodies, path
//! and query parameters — so a malformed request gets the same clear, translated answer as any
//! other user error (a page, or the API's error envelope), naming what was wrong and where;
//! never the framework's own English text.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use chrono::NaiveDate;
use huajie_core::Lang;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};

use axum::extract::FromRef;

use crate::AppState;
use crate::ctx::{Ctx, lang_of};

pub mod fields;
mod public;
use crate::error::AppError;
use crate::i18n::tr;
pub use fields::{FieldErrors, FormView};
pub use public::PublicSubmitted;

/// The largest form or JSON body outside the upload routes.
pub const FORM_BYTES_MAX: usize = 2 * 1024 * 1024;

/// A multipart upload that could not be read: 413 over `limit`, else a 400 in the user's
/// language (the parser's own English detail goes to the log, not to the user).
pub fn refused_upload(e: &dyn MultipartProblem, lang: Lang, limit: usize) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(limit)
    } else {
        tracing::info!(detail = %e.body_text(), "an upload could not be read");
        AppError::BadRequest(tr(lang, "error.bad_upload").into())
    }
}

/// What the multipart rejection and the multipart field error have in common.
pub trait MultipartProblem {
    fn status(&self) -> StatusCode;
    fn body_text(&self) -> String;
}

impl MultipartProblem for axum::extract::multipart::MultipartError {
    fn status(&self) -> StatusCode {
        axum::extract::multipart::MultipartError::status(self)
    }
    fn body_text(&self) -> String {
        axum::extract::multipart::MultipartError::body_text(self)
    }
}

impl MultipartProblem for axum::extract::multipart::MultipartRejection {
    fn status(&self) -> StatusCode {
        axum::extract::multipart::MultipartRejection::status(self)
    }
    fn body_text(&self) -> String {
        axum::extract::multipart::MultipartRejection::body_text(self)
    }
}

/// A form posted as `application/x-www-form-urlencoded`, read into `T`; a refusal (a 400 in the
/// user's language) names the field that is missing or cannot be read.
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers(), req.uri().path());
        if !has_content_type(&req, |t| t == "application/x-www-form-urlencoded") {
            return Err(AppError::BadRequest(tr(lang, "form.content_type").into()));
        }
        let Body(bytes) = Body::from_request(req, state).await?;
        read_form(&bytes, lang).map(Form)
    }
}

/// Reads an urlencoded form into `T`. A refusal says, in `lang`, which field is missing or
/// cannot be read.
pub fn read_form<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = shown_path(e.path());
        let text = e.inner().to_string();
        // serde's own wording for a missing field (`missing field `x``) is stable.
        AppError::BadRequest(match text.strip_prefix("missing field `").and_then(|t| t.split('`').next()) {
            Some(missing) => tr(lang, "form.missing_field").replace("{field}", missing),
            None if field.is_empty() => tr(lang, "error.bad_form").to_string(),
            None => tr(lang, "form.bad_field").replace("{field}", &field),
        })
    })
}

/// What a writing request submits, read only after the session's CSRF token has been checked:
/// the `X-CSRF-Token` header, or else the form's `csrf` field. The body is then read into `F`,
/// an urlencoded form or (`Content-Type: application/json`) a JSON command, with the refusals
/// of `read_form` and `read_json`. A route without a body (a removal) takes `Submitted<Confirmed>`.
///
/// Every writing handler takes this (or `Upload`): none checks the token itself. Put after
/// `Authorized`, so that the role is checked before the body is read.
pub struct Submitted<F>(pub F);

/// A writing request with nothing to submit but its token.
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
pub struct Confirmed {}

/// A writing request's context, the token its `X-CSRF-Token` header carries ("" without one),
/// and the request, its body still unread.
async fn session_of<S>(req: Request, state: &S) -> Result<(Ctx, String, Request), AppError>
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    let (mut parts, body) = req.into_parts();
    let ctx = Ctx::from_request_parts(&mut parts, state).await?;
    let token = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    Ok((ctx, token, Request::from_parts(parts, body)))
}

impl<F, S> FromRequest<S> for Submitted<F>
where
    F: DeserializeOwned,
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (ctx, mut token, req) = session_of(req, state).await?;
        let json = has_content_type(&req, |t| {
            t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
        });
        let urlencoded = has_content_type(&req, |t| t == "application/x-www-form-urlencoded");
        let no_type = req.headers().get(axum::http::header::CONTENT_TYPE).is_none();
        let Body(bytes) = Body::from_request(req, state).await?;
        if token.is_empty() && urlencoded {
            token = form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        }
        ctx.check_csrf(&token)?;
        let lang = ctx.lang;
        if json {
            read_json(&bytes, lang).map(Submitted)
        } else if urlencoded || (no_type && bytes.is_empty()) {
            read_form(&bytes, lang).map(Submitted)
        } else {
            Err(AppError::BadRequest(tr(lang, "form.content_type").into()))
        }
    }
}

/// A form field as text, whether a form sent it or a JSON command sent a string, a number, a
/// boolean or a list of strings (joined one a line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loose(pub String);

impl Loose {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shown again as the text it was read as.
impl serde::Serialize for Loose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text, a number, yes/no or a list of lines")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::default())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
                let mut lines = Vec::new();
                while let Some(line) = seq.next_element::<String>()? {
                    lines.push(line);
                }
                Ok(Loose(lines.join("\n")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A file sent in a multipart upload's `file` field.
#[derive(Debug, Default)]
pub struct UploadedFile {
    /// The name the browser gave it ("" when none).
    pub name: String,
    pub bytes: axum::body::Bytes,
}

/// A multipart upload of one file: its `file` field and its other fields read into `F` (as a form
/// is), after the session's CSRF token (the `X-CSRF-Token` header, or else the `csrf` field) has
/// been checked. A body over the upload limit is a 413, an unreadable one (or one with several
/// files) a 400 in the user's language. Put after `Authorized`.
pub struct Upload<F> {
    pub form: F,
    pub file: UploadedFile,
}

/// A multipart upload of any number of files (each a `file` field, in the order sent), read as
/// `Upload` is.
pub struct Uploads<F> {
    pub form: F,
    pub files: Vec<UploadedFile>,
}

impl<F, S> FromRequest<S> for Upload<F>
where
    F: DeserializeOwned,
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let (lang, Uploads { form, mut files }) = read_uploads(req, state).await?;
        if files.len() > 1 {
            return Err(AppError::BadRequest(tr(lang, "error.one_file").into()));
        }
        Ok(Upload { form, file: files.pop().unwrap_or_default() })
    }
}

impl<F, S> FromRequest<S> for Uploads<F>
where
    F: DeserializeOwned,
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Ok(read_uploads(req, state).await?.1)
    }
}

/// The one reader of multipart bodies: the user's language and what was sent.
async fn read_uploads<F: DeserializeOwned, S>(req: Request, state: &S) -> Result<(Lang, Uploads<F>), AppError>
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    let limit = AppState::from_ref(state).config.upload_bytes_max;
    let (ctx, mut token, req) = session_of(req, state).await?;
    let lang = ctx.lang;
    let bad = |e: axum::extract::multipart::MultipartError| refused_upload(&e, lang, limit);
    let mut multipart =
        axum::extract::Multipart::from_request(req, &()).await.map_err(|e| refused_upload(&e, lang, limit))?;
    let (mut files, mut fields) = (Vec::new(), Vec::<(String, String)>::new());
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            // A file input left empty sends one nameless, empty part: no file.
            if !(name.is_empty() && bytes.is_empty()) {
                files.push(UploadedFile { name, bytes });
            }
        } else {
            let value = field.text().await.map_err(bad)?;
            if name == "csrf" && token.is_empty() {
                token = value.clone();
            }
            fields.push((name, value));
        }
    }
    ctx.check_csrf(&token)?;
    let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&fields).finish();
    let form = read_form(encoded.as_bytes(), lang)?;
    Ok((lang, Uploads { form, files }))
}

/// Whether the request's `Content-Type` (without its parameters, in lower case) passes `accept`.
fn has_content_type(req: &Request, accept: impl Fn(&str) -> bool) -> bool {
    req.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| accept(&v.trim().to_ascii_lowercase()))
}

/// A request body as bytes, at most `FORM_BYTES_MAX` (413 beyond, in the user's language).
pub struct Body(pub axum::body::Bytes);

impl<S> FromRequest<S> for Body
where
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers(), req.uri().path());
        match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(Body(bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(AppError::TooLarge(FORM_BYTES_MAX)),
            Err(_) => Err(AppError::BadRequest(tr(lang, "json.unreadable").into())),
        }
    }
}

/// A JSON body (`Content-Type: application/json`) read into `T`; a refusal names the field
/// that was missing or wrong, or where the JSON broke off (`read_json`).
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let lang = lang_of(req.headers(), req.uri().path());
        if !has_content_type(&req, |t| {
            t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
        }) {
            return Err(AppError::BadRequest(tr(lang, "json.content_type").into()));
        }
        let Body(bytes) = Body::from_request(req, state).await?;
        read_json(&bytes, lang).map(Json)
    }
}

/// Reads a JSON body into `T`. A refusal says, in `lang`, where the JSON broke off, which field
/// is missing, or which field has a value of the wrong type or form.
pub fn read_json<T: DeserializeOwned>(bytes: &[u8], lang: Lang) -> Result<T, AppError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| AppError::BadRequest(json_refusal(lang, &shown_path(e.path()), e.inner())))?;
    // Nothing but white space after the value.
    de.end().map_err(|e| AppError::BadRequest(json_refusal(lang, "", &e)))?;
    Ok(value)
}

/// What is wrong with a JSON body, in `lang`: `field` is where serde stopped ("" at the top).
fn json_refusal(lang: Lang, field: &str, e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => tr(lang, "json.eof").to_string(),
        Category::Syntax | Category::Io => tr(lang, "json.syntax")
            .replace("{line}", &e.line().to_string())
            .replace("{column}", &e.column().to_string()),
        Category::Data => {
            // serde's own wording for a missing field (`missing field `x``) is stable.
            let text = e.to_string();
            match text.strip_prefix("missing field `").and_then(|t| t.split('`').next()) {
                Some(missing) => {
                    let missing = if field.is_empty() { missing.to_string() } else { format!("{field}.{missing}") };
                    tr(lang, "json.missing_field").replace("{field}", &missing)
                }
                None if field.is_empty() => tr(lang, "json.bad_shape").to_string(),
                None => tr(lang, "json.bad_field").replace("{field}", field),
            }
        }
    }
}

/// A serde path as a client wrote it (`schedule[0].date`); empty at the top.
fn shown_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." { String::new() } else { text }
}

/// `axum::extract::Path`, answering a malformed path parameter with a 400 that names it, says
/// what it should be and quotes what came (a page, or the API's envelope).
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        let lang = lang_of(&parts.headers, parts.uri.path());
        let rejection = match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(v) => return Ok(Path(v.0)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => e.into_kind(),
            Err(other) => return Err(AppError::Internal(format!("path: {other}"))),
        };
        // The parameters' names, in order (for a tuple, whose error gives only the index).
        let names: Vec<String> = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map(|raw| raw.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default();
        let name_at = |i: usize| names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
        let refused = |name: &str, value: &str, expected: Expect| {
            AppError::BadRequest(refusal(lang, "param.path", name, value, expected))
        };
        Err(match rejection {
            ErrorKind::ParseErrorAtKey { key, value, expected_type } => {
                refused(&key, &value, Expect::of(expected_type))
            }
            ErrorKind::ParseErrorAtIndex { index, value, expected_type } => {
                refused(&name_at(index), &value, Expect::of(expected_type))
            }
            ErrorKind::ParseError { value, expected_type } => refused(&name_at(0), &value, Expect::of(expected_type)),
            ErrorKind::DeserializeError { key, value, .. } => refused(&key, &value, Expect::Readable),
            ErrorKind::InvalidUtf8InPathParam { key } => AppError::BadRequest(
                tr(lang, "param.utf8").replace("{param}", &tr(lang, "param.path").replace("{name}", &key)),
            ),
            other => AppError::Internal(format!("path: {other}")),
        })
    }
}

/// `axum::extract::Query`, answering a malformed query string with a 400 that names the
/// parameter, says what it should be (for `Int` and `Date` fields) and quotes what came.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let lang = lang_of(&parts.headers, parts.uri.path());
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        let e = match serde_path_to_error::deserialize(de) {
            Ok(v) => return Ok(Query(v)),
            Err(e) => e,
        };
        let name = shown_path(e.path());
        let text = e.inner().to_string();
        // serde's wording for a field given twice (`duplicate field `x``) is stable.
        if let Some(repeated) = text.strip_prefix("duplicate field `").and_then(|t| t.split('`').next()) {
            let param = tr(lang, "param.query").replace("{name}", repeated);
            return Err(AppError::BadRequest(tr(lang, "param.repeated").replace("{param}", &param)));
        }
        if name.is_empty() {
            return Err(AppError::BadRequest(tr(lang, "param.query_string").into()));
        }
        let value = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let expected = match text.as_str() {
            EXPECT_INTEGER => Expect::Integer,
            EXPECT_DATE => Expect::Date,
            _ => Expect::Readable,
        };
        Err(AppError::BadRequest(refusal(lang, "param.query", &name, &value, expected)))
    }
}

/// What a parameter should have been.
#[derive(Clone, Copy)]
enum Expect {
    Integer,
    Date,
    /// Anything readable as its type (the message quotes the value).
    Readable,
}

impl Expect {
    /// From the Rust type axum names.
    fn of(type_name: &str) -> Expect {
        match type_name {
            "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
                Expect::Integer
            }
            _ => Expect::Readable,
        }
    }
}

/// "查询参数 limit 应为整数，收到“x”。" — `place` is `param.path` or `param.query`.
fn refusal(lang: Lang, place: &'static str, name: &str, value: &str, expected: Expect) -> String {
    let key = match expected {
        Expect::Integer => "param.integer",
        Expect::Date => "param.date",
        Expect::Readable => "param.unreadable",
    };
    tr(lang, key).replace("{param}", &tr(lang, place).replace("{name}", name)).replace("{value}", &quoted(value))
}

/// A value as sent, cut to a short excerpt so that a huge one cannot fill the message.
fn quoted(value: &str) -> String {
    huajie_core::input::excerpt(value)
}

/// The serde messages by which `Int` and `Date` say what they expected (read by `Query`).
const EXPECT_INTEGER: &str = "huajie: a whole number";
const EXPECT_DATE: &str = "huajie: a date";

/// A whole number in a query string (`i64`); a refusal says a whole number was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Int, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map(Int).map_err(|_| D::Error::custom(EXPECT_INTEGER))
    }
}

/// A date `YYYY-MM-DD` in a query string; a refusal says a date was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        // Exactly `YYYY-MM-DD`: what reads back the same.
        match text.parse::<NaiveDate>() {
            Ok(date) if date.format("%Y-%m-%d").to_string() == text => Ok(Date(date)),
            _ => Err(D::Error::custom(EXPECT_DATE)),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every handler takes this module's extractors, whose refusals are translated and name the
    /// parameter: axum's own `Path`, `Query` or `Json` would answer a malformed request with plain
    /// English text (which `render_errors` could only replace with a message naming nothing).
    #[test]
    fn handlers_take_the_translated_extractors() {
        fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("form.rs") {
                    out.push(path);
                }
            }
        }
        let mut files = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        assert!(files.len() > 20, "the handlers were found");
        let mut found = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let imports = line.trim_start().starts_with("use axum::extract::")
                    && ["Path", "Query", "Json"]
                        .iter()
                        .any(|x| line.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == *x));
                let named =
                    ["axum::extract::Path", "axum::extract::Query", "axum::Json<"].iter().any(|x| line.contains(x));
                if imports || named {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(found.is_empty(), "axum's untranslated extractors:\n{}", found.join("\n"));
    }
}
