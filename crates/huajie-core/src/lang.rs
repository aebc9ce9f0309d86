//! The two languages of the product, and the macro that gives every domain enum its
//! stable code, Chinese name and English name in one place.

use serde::{Deserialize, Serialize};

/// A user-interface language. Chinese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// This language's half of a bilingual message written "中文 / English" (the whole text
    /// when it has no such halves). Only for fixed texts of this crate's own: a text with a
    /// user's words in it is a `Text`, whose halves are kept apart.
    pub fn half(self, bilingual: &str) -> String {
        match bilingual.split_once(" / ") {
            Some((zh, en)) => match self {
                Lang::Zh => zh.to_string(),
                Lang::En => en.to_string(),
            },
            None => bilingual.to_string(),
        }
    }

    /// `zh`, `zh-CN`, `en`, `en-US`…; anything else is `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "zh" || s.starts_with("zh-") {
            Some(Lang::Zh)
        } else if s == "en" || s.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks one of two texts.
    pub fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text in both languages, kept apart: a refusal, a finding, a label the user reads in the
/// language they chose. Never joined into one string to be split again (user input may hold
/// the separator).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    pub zh: std::borrow::Cow<'static, str>,
    pub en: std::borrow::Cow<'static, str>,
}

impl Text {
    /// A text of two fixed halves.
    pub const fn fixed(zh: &'static str, en: &'static str) -> Text {
        Text { zh: std::borrow::Cow::Borrowed(zh), en: std::borrow::Cow::Borrowed(en) }
    }

    /// A text made at run time (with the user's words in it, say).
    pub fn new(zh: impl Into<std::borrow::Cow<'static, str>>, en: impl Into<std::borrow::Cow<'static, str>>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Both halves, for logs and the command line: "中文 / English".
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

/// Defines an enum whose variants each carry a stable code (stored in the database and
/// the API), a Chinese name and an English name.
///
/// ```
/// huajie_core::named_enum! {
///     /// Doc.
///     pub enum Colour { Red = ("red", "红", "Red"), Blue = ("blue", "蓝", "Blue") }
/// }
/// assert_eq!(Colour::from_code("blue"), Some(Colour::Blue));
/// ```
#[macro_export]
macro_rules! named_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident = ($code:literal, $zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and used in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }
            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
            pub fn name(self, lang: $crate::lang::Lang) -> &'static str {
                lang.pick(self.zh(), self.en())
            }
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// Reads the code, the Chinese name or the English name (any case).
            pub fn from_any_name(s: &str) -> Option<$name> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| {
                    v.code() == s || v.zh() == s || v.en().eq_ignore_ascii_case(s)
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.zh())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::string::String as $crate::__serde::Deserialize>::deserialize(d)?;
                $name::from_code(&s).ok_or_else(|| {
                    $crate::__serde::de::Error::custom(format!("unknown {} code: {s}", stringify!($name)))
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_with_the_separator_in_the_users_words_stays_whole_in_each_language() {
        let cell = "bank / trust";
        let t = Text::new(format!("渠道“{cell}”不在清单中"), format!("channel “{cell}” is not listed"));
        assert_eq!(t.get(Lang::Zh), "渠道“bank / trust”不在清单中");
        assert_eq!(t.get(Lang::En), "channel “bank / trust” is not listed");
        // What the joined string gave: the Chinese half cut at the user's slash.
        assert_eq!(Lang::Zh.half(&t.to_string()), "渠道“bank");
    }
}
