//! Masking of personal data for everyone outside the team that owns it.

/// `张三丰` → `张**`; `欧阳娜娜` → `欧阳**` for the common two-character surnames.
pub fn mask_person_name(name: &str) -> String {
    const TWO_CHAR_SURNAMES: &[&str] =
        &["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "尉迟", "公孙"];
    let chars: Vec<char> = name.trim().chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    let surname_len =
        if chars.len() > 2 && TWO_CHAR_SURNAMES.iter().any(|s| name.trim().starts_with(s)) { 2 } else { 1 };
    let kept: String = chars[..surname_len].iter().collect();
    format!("{kept}{}", "*".repeat((chars.len() - surname_len).max(1)))
}

/// Keeps the first six and the last four characters: `330106********123X`.
pub fn mask_id_number(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// `13812345678` → `138****5678`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// `wang.li@example.cn` → `w***@example.cn`: the first character of the name and the domain.
pub fn mask_email(email: &str) -> String {
    match email.trim().split_once('@') {
        Some((name, domain)) => {
            let first: String = name.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "*".repeat(email.trim().chars().count()),
    }
}

/// A personal address keeps its first six characters (province and city).
pub fn mask_address(address: &str) -> String {
    let chars: Vec<char> = address.trim().chars().collect();
    let head: String = chars.iter().take(6).collect();
    if chars.len() > 6 { format!("{head}****") } else { head }
}

/// A piece of personal data inside a longer text (a difference between two tapes, a check's
/// label), named so that the text can be masked for a viewer without the permission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum PersonalText {
    Name(String),
    IdNumber(String),
}

impl PersonalText {
    pub fn text(&self) -> &str {
        match self {
            PersonalText::Name(s) | PersonalText::IdNumber(s) => s,
        }
    }

    pub fn masked(&self) -> String {
        match self {
            PersonalText::Name(s) => mask_person_name(s),
            PersonalText::IdNumber(s) => mask_id_number(s),
        }
    }
}

/// `text` with every named piece of personal data masked (longest first, so that a name
/// inside another is not half-masked), then every resident ID number left in it.
pub fn mask_within(text: &str, personal: &[PersonalText]) -> String {
    let mut pieces: Vec<&PersonalText> = personal.iter().filter(|p| !p.text().trim().is_empty()).collect();
    pieces.sort_by_key(|p| std::cmp::Reverse(p.text().len()));
    let mut out = text.to_string();
    for p in pieces {
        out = out.replace(p.text(), &p.masked());
    }
    mask_resident_ids(&out)
}

/// Masks every run of characters in `text` that has the form of a resident ID number:
/// 18 characters (17 digits and a digit or `X`) or 15 digits, not part of a longer run of
/// digits and letters. A catch-all for texts whose personal parts are not named.
pub fn mask_resident_ids(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
            let looks_like_id = match run.len() {
                18 => digits(&run[..17]) && (run.as_bytes()[17].is_ascii_digit() || run.ends_with(['X', 'x'])),
                15 => digits(&run),
                _ => false,
            };
            out.push_str(&if looks_like_id { mask_id_number(&run) } else { run });
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_inside_a_text_is_masked() {
        let named = [PersonalText::Name("王小明".into()), PersonalText::IdNumber("330106198001010012".into())];
        assert_eq!(mask_within("王小明 330106198001010012 50000.00", &named), "王** 330106********0012 50000.00");
        // An ID number nobody named is masked all the same; other numbers are left alone.
        assert_eq!(
            mask_resident_ids("保证人 11010519491231002X，合同 HT2024000000000001234，金额 123456789012345678901"),
            "保证人 110105********002X，合同 HT2024000000000001234，金额 123456789012345678901"
        );
        assert_eq!(mask_resident_ids("旧号 330106800101001"), "旧号 330106*****1001");
        assert_eq!(mask_within("—", &named), "—");
    }

    #[test]
    fn masks() {
        assert_eq!(mask_person_name("张三丰"), "张**");
        assert_eq!(mask_person_name("李四"), "李*");
        assert_eq!(mask_person_name("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_address("杭州市西湖区文三路100号"), "杭州市西湖区****");
    }
}
