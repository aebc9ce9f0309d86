//! Names in the order a Chinese reader looks them up: by pinyin (安 < 北京 < 长沙 < 重庆 < 浙江),
//! then by the name itself. [`pinyin_key`] is the one place that order is made: lists sorted in
//! memory compare it ([`by_pinyin`]); lists paged in SQL store it beside the name and order by it.
//!
//! The key is plain ASCII that sorts the same byte by byte and under a database's locale
//! collation: each syllable is its letters (ü written v), padded with `0` to six, then its tone
//! (1–4, 5 for the neutral tone), so 安 (an) sorts before 安徽 (an hui) and both before 昂 (ang).
//! A Latin letter or digit is one "syllable" of its own, lower-cased; other marks are skipped.
//! A character read several ways takes its usual reading, except in the place names, company
//! words and surnames listed below, where the usual reading is the wrong one.

use std::cmp::Ordering;

use pinyin::ToPinyin;

/// Words whose reading differs from their characters' usual ones: (word, syllables with tones).
const WORDS: &[(&str, &[&str])] = &[
    ("重庆", &["chong2", "qing4"]),
    ("银行", &["yin2", "hang2"]),
    ("支行", &["zhi1", "hang2"]),
    ("分行", &["fen1", "hang2"]),
    ("总行", &["zong3", "hang2"]),
    ("商行", &["shang1", "hang2"]),
    ("车行", &["che1", "hang2"]),
    ("行业", &["hang2", "ye4"]),
    ("行长", &["hang2", "zhang3"]),
    ("董事长", &["dong3", "shi4", "zhang3"]),
    ("厂长", &["chang3", "zhang3"]),
    ("增长", &["zeng1", "zhang3"]),
    ("成长", &["cheng2", "zhang3"]),
    ("厦门", &["xia4", "men2"]),
    ("大厦", &["da4", "sha4"]),
    ("六安", &["lu4", "an1"]),
    ("蚌埠", &["beng4", "bu4"]),
    ("乐清", &["yue4", "qing1"]),
    ("解放", &["jie3", "fang4"]),
    ("朝阳", &["chao2", "yang2"]),
    ("调查", &["diao4", "cha2"]),
];

/// Characters whose usual reading in names differs from the dictionary's first: 长 (长沙, 长江,
/// 长春…) is cháng in place and company names.
const CHARACTERS: &[(char, &str)] = &[('长', "chang2"), ('藏', "zang4")];

/// Surnames read otherwise at the start of a person's name (曾 zēng, 单 shàn, 解 xiè…).
const SURNAMES: &[(char, &str)] = &[
    ('曾', "zeng1"),
    ('单', "shan4"),
    ('解', "xie4"),
    ('仇', "qiu2"),
    ('朴', "piao2"),
    ('区', "ou1"),
    ('查', "zha1"),
    ('覃', "qin2"),
    ('翟', "zhai2"),
    ('缪', "miao4"),
    ('尉', "yu4"),
];

/// The sort key of `name` (see the module's documentation).
pub fn pinyin_key(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().map(half_width).collect();
    let mut key = String::with_capacity(chars.len() * 7);
    let mut i = 0;
    while i < chars.len() {
        if let Some((len, syllables)) = word_at(&chars[i..]) {
            syllables.iter().for_each(|s| push_syllable(&mut key, s));
            i += len;
            continue;
        }
        let c = chars[i];
        let surname = if i == 0 { SURNAMES.iter().find(|(s, _)| *s == c).map(|(_, r)| *r) } else { None };
        let fixed = surname.or_else(|| CHARACTERS.iter().find(|(s, _)| *s == c).map(|(_, r)| *r));
        if let Some(reading) = fixed.or_else(|| c.to_pinyin().map(|p| p.with_tone_num_end())) {
            push_syllable(&mut key, reading);
        } else if c.is_ascii_alphanumeric() {
            // Tone 0: a Latin A sorts before the syllable a of 阿 (a1).
            let reading = [c.to_ascii_lowercase() as u8, b'0'];
            push_syllable(&mut key, std::str::from_utf8(&reading).expect("ASCII"));
        }
        i += 1;
    }
    key
}

/// Orders two names by [`pinyin_key`], then by the names themselves.
pub fn by_pinyin(a: &str, b: &str) -> Ordering {
    pinyin_key(a).cmp(&pinyin_key(b)).then_with(|| a.cmp(b))
}

/// Sorts `items` by the name `name` gives each, in pinyin order (each key made once; stable).
pub fn sort_by_pinyin<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| {
        let n = name(item);
        (pinyin_key(n), n.to_string())
    });
}

/// `items` sorted as [`sort_by_pinyin`] sorts them.
pub fn sorted_by_pinyin<T>(mut items: Vec<T>, name: impl Fn(&T) -> &str) -> Vec<T> {
    sort_by_pinyin(&mut items, name);
    items
}

fn word_at(rest: &[char]) -> Option<(usize, &'static [&'static str])> {
    // Most characters begin no word: a comparison of the first character settles them
    // (a million names are keyed in one import).
    let first = *rest.first()?;
    WORDS.iter().filter(|(word, _)| word.starts_with(first)).find_map(|(word, syllables)| {
        let n = word.chars().count();
        (rest.len() >= n && word.chars().zip(rest).all(|(a, b)| a == *b)).then_some((n, *syllables))
    })
}

/// One syllable: letters (ü as v) padded with `0` to six, then the tone (5 when none).
fn push_syllable(key: &mut String, reading: &str) {
    let (letters, tone) = match reading.char_indices().last() {
        Some((at, d)) if d.is_ascii_digit() && at > 0 => (&reading[..at], d),
        _ => (reading, '5'),
    };
    let mut n = 0;
    for c in letters.chars() {
        key.push(if c == 'ü' { 'v' } else { c });
        n += 1;
    }
    for _ in n..6 {
        key.push('0');
    }
    key.push(tone);
}

/// Full-width Latin letters and digits (ＡＢＣ１２３) read as their ASCII selves.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        sort_by_pinyin(&mut v, |s| s.as_str());
        v
    }

    #[test]
    fn places_sort_by_pinyin_not_by_code_point() {
        let want = ["安", "北京", "长沙", "重庆", "浙江"];
        assert_eq!(sorted(&["浙江", "重庆", "北京", "长沙", "安"]), want);
        // By code point they would not: 重 (U+91CD) < 长 (U+957F), 北 < 安 is false…
        let mut by_code: Vec<&str> = want.to_vec();
        by_code.sort();
        assert_ne!(by_code, want);
    }

    #[test]
    fn a_syllable_sorts_before_the_same_syllable_followed_by_more() {
        assert_eq!(sorted(&["昂", "安徽", "安"]), ["安", "安徽", "昂"]);
        assert_eq!(sorted(&["西安", "先锋"]), ["西安", "先锋"], "xi an before xian");
        assert_eq!(sorted(&["路", "吕", "卢", "罗"]), ["卢", "路", "罗", "吕"], "lu, lu, luo, lü (v)");
    }

    #[test]
    fn polyphones_read_as_in_names() {
        // 银行 is yin hang (not xing); 重庆 chong qing; 长沙 chang sha; 厦门 xia men.
        assert!(pinyin_key("中国工商银行").contains("hang002"), "{}", pinyin_key("中国工商银行"));
        assert!(pinyin_key("重庆").starts_with("chong02"));
        assert!(pinyin_key("长沙").starts_with("chang02"));
        assert!(pinyin_key("厦门").starts_with("xia0004"));
        // The surname 曾 is zēng: between 杨 (yang) and 张 (zhang), not with 岑 (cen).
        assert_eq!(sorted(&["张伟", "曾小明", "岑华", "杨帆"]), ["岑华", "杨帆", "曾小明", "张伟"]);
        // Elsewhere 曾 keeps its reading céng.
        assert!(pinyin_key("未曾").ends_with("ceng002"));
    }

    #[test]
    fn latin_letters_digits_and_full_width_sort_with_the_syllables() {
        assert_eq!(pinyin_key("ＡＢＣ"), pinyin_key("abc"));
        assert_eq!(sorted(&["中信", "ABC资产", "1号楼", "阿里"]), ["1号楼", "ABC资产", "阿里", "中信"]);
        assert_eq!(pinyin_key("（）"), "", "marks alone make no key");
    }

    #[test]
    fn the_key_is_ascii_and_ties_fall_back_to_the_name() {
        for name in ["浙江明湖资产管理有限公司", "吕洞宾", "杭州·西湖", "Ｃo. 有限"] {
            assert!(pinyin_key(name).is_ascii(), "{name}");
        }
        // 李 and 理 read alike (li3): the names then decide, and always the same way.
        assert_eq!(by_pinyin("李", "理"), "李".cmp("理"));
        assert_eq!(by_pinyin("理", "李"), "理".cmp("李"));
    }
}
