//! A form's shape: what the user typed, what is wrong with it, and the page showing it again.
//!
//! A form is a struct of its fields as typed (`Deserialize` to read it, `Serialize` to show it
//! again). It parses into its command with `fn parse(&self, …) -> Result<Command, FieldErrors>`,
//! which names **every** bad field at once, by the field's key (its `name` in the page, its key
//! in the API's JSON), each message a `Text` in both languages: nothing is put into a language
//! until it is shown. The handler hands the errors on as `AppError::Invalid`: the API answers
//! with its error envelope, the same keys under `fields`; a page catches them in
//! `pages::or_refused` and shows the form again through a `FormView` — each field with what was
//! typed and its message beside it (the macros of `templates/fields.html`), and a summary at
//! the top of the page linking to each field (`view::Page::summary`, 400).

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use huajie_core::input::{AmountUnit, InputError, is_blank, parse_date, parse_money_exact};
use huajie_core::{Lang, Money, Text};

use crate::i18n::{text, tr};

/// What is wrong with a form: each bad field by its key, with its message (which names the
/// field in words: "金额：“abc” 不是非负金额（万元）"). A message under the key "" is about the form
/// as a whole (a business rule refused it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<(Cow<'static, str>, Text)>);

impl FieldErrors {
    /// A refusal of the form as a whole, no field named (the store's `Refused`).
    pub fn whole(message: Text) -> FieldErrors {
        FieldErrors(vec![(Cow::Borrowed(""), message)])
    }

    /// One field's problem; `message` names the field.
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: Text) {
        self.0.push((field.into(), message));
    }

    /// What `read` made of field `field` (shown to people as `label`): the value, or `None`
    /// with the problem recorded as "label：problem".
    pub fn read<T>(&mut self, field: impl Into<Cow<'static, str>>, label: &Text, read: Result<T, Text>) -> Option<T> {
        match read {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, labelled(label, &problem));
                None
            }
        }
    }

    /// What `read` made of field `field`, when its problem names the field itself ("当前密码不正确。"):
    /// the value, or `None` with the problem recorded as it is.
    pub fn check<T>(&mut self, field: impl Into<Cow<'static, str>>, read: Result<T, Text>) -> Option<T> {
        read.map_err(|problem| self.add(field, problem)).ok()
    }

    /// The command `build` makes of the values read, or every problem found. `build` sees a
    /// field that could not be read as `None` (its problem recorded), so it is only asked for
    /// the command when every field was read.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, FieldErrors> {
        if !self.is_empty() {
            return Err(self);
        }
        let built = build();
        debug_assert!(built.is_some(), "a field read as None has its problem recorded");
        built.ok_or(self)
    }

    /// A form of one field, `field`: its value, or its problem (which names the field) as the
    /// form's errors, for a handler to hand on as `AppError::Invalid`.
    pub fn only<T>(field: &'static str, read: Result<T, Text>) -> Result<T, crate::error::AppError> {
        read.map_err(|problem| crate::error::AppError::Invalid(FieldErrors(vec![(Cow::Borrowed(field), problem)])))
    }

    /// The same, the problem named "label：problem".
    pub fn one<T>(field: &'static str, label: &Text, read: Result<T, Text>) -> Result<T, crate::error::AppError> {
        FieldErrors::only(field, read.map_err(|problem| labelled(label, &problem)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each field's key and message, in the order found ("" for the form as a whole).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Text)> {
        self.0.iter().map(|(k, t)| (k.as_ref(), t))
    }

    /// The keys of the bad fields, in the order found.
    pub fn fields(&self) -> Vec<&str> {
        self.iter().map(|(k, _)| k).filter(|k| !k.is_empty()).collect()
    }

    /// Every message in `lang`, each after its field's key ("amount: 金额：…; label: …"), as
    /// the API's envelope says it.
    pub fn message(&self, lang: Lang) -> String {
        self.iter()
            .map(|(k, t)| if k.is_empty() { t.get(lang).to_string() } else { format!("{k}: {}", t.get(lang)) })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The book's problems, `(field, message)`, read by the store.
impl From<Vec<(&'static str, Text)>> for FieldErrors {
    fn from(problems: Vec<(&'static str, Text)>) -> FieldErrors {
        FieldErrors(problems.into_iter().map(|(k, t)| (Cow::Borrowed(k), t)).collect())
    }
}

/// "label：problem" in Chinese, "label: problem" in English.
pub fn labelled(label: &Text, problem: &Text) -> Text {
    Text::new(format!("{}：{}", label.zh, problem.zh), format!("{}: {}", label.en, problem.en))
}

/// A problem quoting what was typed: "“abc” 不是日期", with the catalogue's `key` after the value.
/// What was typed is quoted as a short excerpt (`huajie_core::input::excerpt`).
pub fn quoting(typed: &str, key: &'static str) -> Text {
    let typed = huajie_core::input::excerpt(typed);
    Text::new(format!("“{typed}” {}", tr(Lang::Zh, key)), format!("“{typed}” {}", tr(Lang::En, key)))
}

/// A field that must be filled in: its text, trimmed.
pub fn required(typed: &str) -> Result<String, Text> {
    let t = typed.trim();
    if is_blank(t) { Err(text("form.required")) } else { Ok(t.to_string()) }
}

/// An amount in 万元 (元 when it says so), kept to the fen, never negative; required.
pub fn amount(typed: &str) -> Result<Money, Text> {
    read_amount(typed, false)
}

/// An amount in 万元 (元 when it says so), kept to the fen, which may be negative; required.
pub fn signed_amount(typed: &str) -> Result<Money, Text> {
    read_amount(typed, true)
}

/// An amount in 元 (万元 when it says so), kept to the fen, never negative; required.
pub fn yuan(typed: &str) -> Result<Money, Text> {
    let t = required(typed)?;
    match parse_money_exact(&t, AmountUnit::Yuan) {
        Ok(m) if m.fen() >= 0 => Ok(m),
        Err(InputError::FractionOfFen) => Err(quoting(&t, "form.fraction_of_fen")),
        _ => Err(quoting(&t, "form.bad_yuan")),
    }
}

fn read_amount(typed: &str, negative: bool) -> Result<Money, Text> {
    let t = required(typed)?;
    match parse_money_exact(&t, AmountUnit::Wan) {
        Ok(m) if negative || m.fen() >= 0 => Ok(m),
        Err(InputError::FractionOfFen) => Err(quoting(&t, "form.fraction_of_fen")),
        _ if negative => Err(quoting(&t, "form.not_an_amount")),
        _ => Err(quoting(&t, "form.bad_amount")),
    }
}

/// A date in any form people write one (`parse_date`); blank is `blank`.
pub fn date_or(typed: &str, blank: NaiveDate) -> Result<NaiveDate, Text> {
    let t = typed.trim();
    if is_blank(t) {
        return Ok(blank);
    }
    parse_date(t).map_err(|_| quoting(t, "form.bad_date"))
}

/// A date in any form people write one (`parse_date`); required.
pub fn date(typed: &str) -> Result<NaiveDate, Text> {
    let t = required(typed)?;
    parse_date(&t).map_err(|_| quoting(&t, "form.bad_date"))
}

/// One of `options` (code, Chinese, English), by its code or either name; required.
pub fn option(typed: &str, options: &[(&'static str, &'static str, &'static str)]) -> Result<&'static str, Text> {
    let t = required(typed)?;
    huajie_store::book::read_code(options, &t).ok_or_else(|| quoting(&t, "form.bad_option"))
}

/// A form as a page shows it: each field's value (as typed when the form comes back refused,
/// else what the page fills in) and each field's message, in the page's language. `id` is the
/// form's HTML id; a field's input is `{id}-{key}` (where the summary links to).
pub struct FormView {
    id: Cow<'static, str>,
    lang: Lang,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
}

impl FormView {
    /// Form `id` with nothing filled in.
    pub fn new(id: impl Into<Cow<'static, str>>, lang: Lang) -> FormView {
        FormView { id: id.into(), lang, values: HashMap::new(), errors: Vec::new() }
    }

    /// Field `key` filled in with `value`.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> FormView {
        self.values.insert(key.into(), value.into());
        self
    }

    /// Form `id` sent back: what was typed in each field of `typed` (any form that serialises to
    /// a map of text, numbers or yes/no), and the message of each field `errors` names.
    pub fn sent_back<F: serde::Serialize>(
        id: impl Into<Cow<'static, str>>,
        lang: Lang,
        typed: &F,
        errors: &FieldErrors,
    ) -> FormView {
        let mut view = FormView::new(id, lang);
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(typed) {
            for (key, value) in fields {
                let shown = match value {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                view.values.insert(key, shown);
            }
        }
        view.errors = errors.iter().map(|(k, t)| (k.to_string(), t.get(lang).to_string())).collect();
        view
    }

    /// `sent_back` instead, when it is this form (the same id): a page with several forms
    /// shows the one sent back as it came, the others as first shown.
    pub fn unless(self, sent_back: &mut Option<FormView>) -> FormView {
        sent_back.take_if(|v| v.id == self.id).unwrap_or(self)
    }

    /// The form's HTML id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What field `key` shows ("" when nothing).
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or("")
    }

    /// What was typed in choice `key` when it is none of `options` (code, name): a form sent
    /// back shows it as it came, the choice to correct.
    pub fn unlisted<K: AsRef<str>, S>(&self, key: &str, options: &[(K, S)]) -> Option<&str> {
        Some(self.value(key)).filter(|v| !v.is_empty() && !options.iter().any(|o| o.0.as_ref() == *v))
    }

    /// The message beside field `key`, if it has one.
    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors.iter().find(|(k, _)| k == key).map(|(_, m)| m.as_str())
    }

    /// The HTML id of field `key`'s input.
    pub fn anchor(&self, key: &str) -> String {
        format!("{}-{key}", self.id)
    }

    /// The summary at the top of the page: how many fields need changing, and each message,
    /// linked to its field. `None` for a form that was not refused.
    pub fn summary(&self) -> Option<Summary> {
        if self.errors.is_empty() {
            return None;
        }
        let n = self.errors.iter().filter(|(k, _)| !k.is_empty()).count();
        let heading = match n {
            0 => None,
            1 => Some(tr(self.lang, "form.summary_one").to_string()),
            n => Some(tr(self.lang, "form.summary").replace("{n}", &n.to_string())),
        };
        let items = self.errors.iter().map(|(k, m)| ((!k.is_empty()).then(|| self.anchor(k)), m.clone())).collect();
        Some(Summary { heading, items })
    }
}

/// What the top of a page says of a form sent back: a heading ("2 处需要修改，未保存任何内容。";
/// none when only the form as a whole was refused) and each message, with the id of the field
/// it links to (none for the form as a whole).
pub struct Summary {
    pub heading: Option<String>,
    pub items: Vec<(Option<String>, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Typed {
        label: String,
        amount: String,
    }

    #[test]
    fn every_bad_field_is_named_and_the_command_built_only_when_none_is() {
        let label = Text::fixed("金额", "Amount");
        let mut e = FieldErrors::default();
        let a = e.read("amount", &label, amount("五千"));
        let b = e.read("label", &Text::fixed("名称", "Name"), required(" "));
        let c = e.read("fee", &label, amount("0.00000004"));
        assert_eq!((a, b, c), (None, None, None));
        assert_eq!(e.fields(), ["amount", "label", "fee"]);
        assert_eq!(
            e.message(Lang::Zh),
            "amount: 金额：“五千” 不是非负金额（万元）; label: 名称：必填; fee: 金额：“0.00000004” 有不足一分的尾数：金额按分记录"
        );
        assert!(e.message(Lang::En).starts_with("amount: Amount: “五千” is not a non-negative amount"), "{e:?}");
        assert_eq!(e.clone().finish(|| Some(1)), Err(e));
        let mut fine = FieldErrors::default();
        let m = fine.read("amount", &label, signed_amount("-1.5"));
        assert_eq!(fine.finish(|| Some(m?.fen())), Ok(-1_500_000));
    }

    #[test]
    fn a_form_sent_back_keeps_what_was_typed_and_says_each_message_in_the_pages_language() {
        let typed = Typed { label: "工行 / 借款".into(), amount: "五千".into() };
        let mut e = FieldErrors::default();
        e.add("amount", Text::fixed("金额：不对", "Amount: wrong"));
        let v = FormView::sent_back("propose", Lang::En, &typed, &e);
        assert_eq!((v.value("label"), v.value("amount"), v.value("other")), ("工行 / 借款", "五千", ""));
        assert_eq!((v.error("amount"), v.error("label")), (Some("Amount: wrong"), None));
        let s = v.summary().unwrap();
        assert_eq!(s.heading.as_deref(), Some("1 field needs changing; nothing was saved."));
        assert_eq!(s.items, [(Some("propose-amount".to_string()), "Amount: wrong".to_string())]);
        assert!(FormView::new("x", Lang::Zh).summary().is_none());
        let whole = FormView::sent_back("x", Lang::Zh, &typed, &FieldErrors::whole(Text::fixed("不行", "No")));
        let whole = whole.summary().unwrap();
        assert_eq!((whole.heading, whole.items), (None, vec![(None, "不行".to_string())]));
    }
}
