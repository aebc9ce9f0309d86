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

/// A personal address keeps its first six characters (province and city).
pub fn mask_address(address: &str) -> String {
    let chars: Vec<char> = address.trim().chars().collect();
    let head: String = chars.iter().take(6).collect();
    if chars.len() > 6 { format!("{head}****") } else { head }
}

#[cfg(test)]
mod tests {
    use super::*;

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
