//! 行政区划代码 (administrative division codes), GB/T 2260, and the province of an address.
//!
//! The tables are embedded from `src/data/*.csv` (see `src/data/SOURCE.md` for their
//! source) and parsed once, on first use: the current codes, and the history of the codes
//! retired since 1980 (`former_codes.csv`), which older identifiers still carry.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::{Expected, IdError, IdFault, IdKind};
use crate::lang::Lang;

const PROVINCES_CSV: &str = include_str!("../data/provinces.csv");
const CITIES_CSV: &str = include_str!("../data/cities.csv");
const AREAS_CSV: &str = include_str!("../data/areas.csv");
const FORMER_CSV: &str = include_str!("../data/former_codes.csv");

/// The prefixes of the residence permits for residents of Hong Kong, Macao and Taiwan
/// (港澳台居民居住证), which carry resident ID numbers: 810000, 820000, 830000.
pub(crate) const RESIDENCE_PERMIT_PREFIXES: [u32; 3] = [810_000, 820_000, 830_000];
/// The province-level code of Taiwan, which the permits for its residents name as 83.
const TAIWAN: u8 = 71;

/// Province-level codes that the statistics tables leave out (GB/T 2260 has them).
const EXTRA_PROVINCES: &[(u8, &str)] = &[(71, "台湾省"), (81, "香港特别行政区"), (82, "澳门特别行政区")];

/// English names of the province-level divisions, by code.
const PROVINCE_EN: &[(u8, &str)] = &[
    (11, "Beijing"),
    (12, "Tianjin"),
    (13, "Hebei"),
    (14, "Shanxi"),
    (15, "Inner Mongolia"),
    (21, "Liaoning"),
    (22, "Jilin"),
    (23, "Heilongjiang"),
    (31, "Shanghai"),
    (32, "Jiangsu"),
    (33, "Zhejiang"),
    (34, "Anhui"),
    (35, "Fujian"),
    (36, "Jiangxi"),
    (37, "Shandong"),
    (41, "Henan"),
    (42, "Hubei"),
    (43, "Hunan"),
    (44, "Guangdong"),
    (45, "Guangxi"),
    (46, "Hainan"),
    (50, "Chongqing"),
    (51, "Sichuan"),
    (52, "Guizhou"),
    (53, "Yunnan"),
    (54, "Tibet"),
    (61, "Shaanxi"),
    (62, "Gansu"),
    (63, "Qinghai"),
    (64, "Ningxia"),
    (65, "Xinjiang"),
    (71, "Taiwan"),
    (81, "Hong Kong"),
    (82, "Macao"),
];

struct ProvinceRow {
    code: u8,
    name: String,
    short: String,
}

struct CityRow {
    code: u16,
    name: String,
}

struct Tables {
    provinces: Vec<ProvinceRow>,
    cities: Vec<CityRow>,
    /// County-level name → codes (a name may belong to several counties).
    areas_by_name: HashMap<String, Vec<u32>>,
    area_codes: HashMap<u32, String>,
    /// Every code in the current table: provinces (`xx0000`), prefecture-level (`xxxx00`)
    /// and county-level divisions.
    current: HashSet<u32>,
    /// Codes retired since the first GB/T 2260 (1980) → their name(s) and the first and last
    /// revision that listed them (`YYYY-MM`).
    former: HashMap<u32, FormerCode>,
}

struct FormerCode {
    name: String,
    last_listed: String,
}

static TABLES: LazyLock<Tables> = LazyLock::new(load_tables);

/// Splits a line of the tables (`code,"name",…`); the files quote only the names.
fn fields(line: &str) -> Vec<&str> {
    line.split(',').map(|f| f.trim_matches('"')).collect()
}

fn data_rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).map(fields)
}

fn load_tables() -> Tables {
    let mut provinces: Vec<ProvinceRow> = data_rows(PROVINCES_CSV)
        .map(|f| (f[0].parse().expect("province code"), f[1].to_string()))
        .chain(EXTRA_PROVINCES.iter().map(|(c, n)| (*c, n.to_string())))
        .map(|(code, name)| ProvinceRow { code, short: province_short_name(&name), name })
        .collect();
    provinces.sort_by_key(|p| p.code);
    let cities: Vec<CityRow> = data_rows(CITIES_CSV)
        .map(|f| CityRow { code: f[0].parse().expect("city code"), name: f[1].to_string() })
        .collect();
    let mut areas_by_name: HashMap<String, Vec<u32>> = HashMap::new();
    let mut area_codes = HashMap::new();
    for f in data_rows(AREAS_CSV) {
        let code: u32 = f[0].parse().expect("area code");
        areas_by_name.entry(f[1].to_string()).or_default().push(code);
        area_codes.insert(code, f[1].to_string());
    }
    let mut current: HashSet<u32> = area_codes.keys().copied().collect();
    current.extend(provinces.iter().map(|p| u32::from(p.code) * 10_000));
    current.extend(cities.iter().map(|c: &CityRow| u32::from(c.code) * 100));
    let former = data_rows(FORMER_CSV)
        .map(|f| {
            (f[0].parse().expect("former code"), FormerCode { name: f[1].to_string(), last_listed: f[3].to_string() })
        })
        .collect();
    Tables { provinces, cities, areas_by_name, area_codes, current, former }
}

fn province_short_name(name: &str) -> String {
    for suffix in ["壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"]
    {
        if let Some(short) = name.strip_suffix(suffix) {
            return short.to_string();
        }
    }
    name.to_string()
}

/// Names in cities.csv that stand for a grouping, not a city.
fn is_grouping_city(name: &str) -> bool {
    name == "市辖区" || name == "县" || name.contains("直辖县级行政区划")
}

fn city_short_name(name: &str) -> Option<&str> {
    if let Some(short) =
        name.strip_suffix("市").or_else(|| name.strip_suffix("地区")).or_else(|| name.strip_suffix("盟"))
    {
        return (short.chars().count() >= 2).then_some(short);
    }
    if name.ends_with("自治州") {
        // 延边朝鲜族自治州 → 延边: the place name is the first two characters.
        let end = name.char_indices().nth(2).map(|(i, _)| i)?;
        return Some(&name[..end]);
    }
    None
}

/// A province-level division (省、自治区、直辖市、特别行政区).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Province(u8);

impl Province {
    /// From the two-digit code (`"44"`).
    pub fn from_code(code: &str) -> Option<Province> {
        let n: u8 = code.parse().ok().filter(|_| code.len() == 2)?;
        TABLES.provinces.iter().any(|p| p.code == n).then_some(Province(n))
    }

    /// From a full or short name (`广东省`, `广东`, `内蒙古`).
    pub fn from_name(name: &str) -> Option<Province> {
        let name = name.trim();
        TABLES.provinces.iter().find(|p| p.name == name || p.short == name).map(|p| Province(p.code))
    }

    pub fn all() -> Vec<Province> {
        TABLES.provinces.iter().map(|p| Province(p.code)).collect()
    }

    pub fn code(self) -> String {
        format!("{:02}", self.0)
    }

    fn row(self) -> &'static ProvinceRow {
        TABLES.provinces.iter().find(|p| p.code == self.0).expect("constructed from the table")
    }

    /// `广东省`
    pub fn name_zh(self) -> &'static str {
        &self.row().name
    }

    /// `广东`
    pub fn short_name_zh(self) -> &'static str {
        &self.row().short
    }

    pub fn name_en(self) -> &'static str {
        PROVINCE_EN.iter().find(|(c, _)| *c == self.0).map(|(_, n)| *n).unwrap_or("?")
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.name_zh(),
            Lang::En => self.name_en(),
        }
    }
}

impl fmt::Display for Province {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_zh())
    }
}

impl TryFrom<String> for Province {
    type Error = String;
    fn try_from(s: String) -> Result<Province, String> {
        Province::from_code(&s).ok_or_else(|| format!("unknown province code {s}"))
    }
}

impl From<Province> for String {
    fn from(p: Province) -> String {
        p.code()
    }
}

/// A prefecture-level division (地级市、地区、自治州、盟), from the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct City(u16);

impl City {
    pub fn from_code(code4: &str) -> Option<City> {
        let n: u16 = code4.parse().ok().filter(|_| code4.len() == 4)?;
        TABLES.cities.iter().any(|c| c.code == n).then_some(City(n))
    }

    pub fn code(self) -> String {
        format!("{:04}", self.0)
    }

    /// `深圳市`; for the districts of a municipality, the municipality's name.
    pub fn name_zh(self) -> &'static str {
        let row = TABLES.cities.iter().find(|c| c.code == self.0).expect("constructed from the table");
        if is_grouping_city(&row.name) { self.province().name_zh() } else { &row.name }
    }

    pub fn province(self) -> Province {
        Province((self.0 / 100) as u8)
    }

    /// All prefecture-level cities of a province, real names only.
    pub fn of_province(p: Province) -> Vec<City> {
        TABLES
            .cities
            .iter()
            .filter(|c| (c.code / 100) as u8 == p.0 && !is_grouping_city(&c.name))
            .map(|c| City(c.code))
            .collect()
    }

    /// County-level codes under this city, from the table.
    pub fn county_codes(self) -> Vec<RegionCode> {
        let mut codes: Vec<u32> = TABLES.area_codes.keys().copied().filter(|c| c / 100 == u32::from(self.0)).collect();
        codes.sort_unstable();
        codes.into_iter().map(RegionCode).collect()
    }
}

/// A six-digit GB/T 2260 division code that is in the current table or was in an earlier
/// one since 1980 (old identifiers carry retired codes), or the prefix of a residence permit
/// for residents of Hong Kong, Macao or Taiwan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(u32);

impl RegionCode {
    pub fn parse(s: &str) -> Result<RegionCode, IdError> {
        let err = |fault| IdError::new(IdKind::RegionCode, fault);
        let s = s.trim();
        let n = s.chars().count();
        if n != 6 {
            return Err(err(IdFault::Length { expected: Expected::Chars(6), actual: n }));
        }
        if let Some((i, ch)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(err(IdFault::BadChar { position: i + 1, found: Some(ch), allowed: super::Allowed::Digit }));
        }
        let code: u32 = s.parse().expect("six digits");
        if !RegionCode::is_known(code) {
            return Err(err(IdFault::Region { position: 1, found: s.to_string() }));
        }
        Ok(RegionCode(code))
    }

    /// A current or former code, or a residence-permit prefix.
    pub(crate) fn is_known(code: u32) -> bool {
        RegionCode::is_division(code) || RESIDENCE_PERMIT_PREFIXES.contains(&code)
    }

    /// A current or former division code.
    pub(crate) fn is_division(code: u32) -> bool {
        let t = &*TABLES;
        t.current.contains(&code) || t.former.contains_key(&code)
    }

    /// The region of a stored identifier, checked when it was entered under the rules of its
    /// time: its first two digits name a province (or it is a residence-permit prefix).
    pub(crate) fn of_stored(code: u32) -> Option<RegionCode> {
        let province_known = Province::from_code(&format!("{:02}", code / 10_000)).is_some();
        (code < 1_000_000 && (province_known || RESIDENCE_PERMIT_PREFIXES.contains(&code))).then_some(RegionCode(code))
    }

    pub fn code(self) -> String {
        format!("{:06}", self.0)
    }

    /// The province-level division; Taiwan for the permits of its residents (830000).
    pub fn province(self) -> Province {
        match (self.0 / 10_000) as u8 {
            83 => Province(TAIWAN),
            p => Province(p),
        }
    }

    /// A residence permit for residents of Hong Kong, Macao or Taiwan (810000, 820000, 830000).
    pub fn is_residence_permit(self) -> bool {
        RESIDENCE_PERMIT_PREFIXES.contains(&self.0)
    }

    /// Retired from the current table: the name(s) it had and the last revision (`YYYY-MM`,
    /// up to 2019-04) that listed it.
    pub fn former(self) -> Option<(&'static str, &'static str)> {
        TABLES.former.get(&self.0).map(|f| (f.name.as_str(), f.last_listed.as_str()))
    }

    /// The prefecture-level city, when the code's first four digits are in the table.
    pub fn city(self) -> Option<City> {
        City::from_code(&format!("{:04}", self.0 / 100))
    }

    /// Whether the code is in the current (2023) table.
    pub fn is_current(self) -> bool {
        TABLES.area_codes.contains_key(&self.0)
    }

    /// The county-level name from the current table.
    pub fn county_name(self) -> Option<&'static str> {
        TABLES.area_codes.get(&self.0).map(String::as_str)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = IdError;
    fn try_from(s: String) -> Result<RegionCode, IdError> {
        RegionCode::parse(&s)
    }
}

impl From<RegionCode> for String {
    fn from(r: RegionCode) -> String {
        r.code()
    }
}

/// The province a Chinese address lies in, read from its beginning: a province name
/// (`广东省…`, `内蒙古…`), else a prefecture-level city (`深圳市…`, `深圳南山…`), else a
/// county-level name that belongs to one province only (`余杭区…`). `None` when the
/// address names none of these.
pub fn province_of_address(address: &str) -> Option<Province> {
    let a = address.trim();
    let a = a.strip_prefix("中华人民共和国").or_else(|| a.strip_prefix("中国")).unwrap_or(a).trim_start();
    let t = &*TABLES;
    if let Some(p) = t.provinces.iter().find(|p| a.starts_with(p.name.as_str()) || a.starts_with(p.short.as_str())) {
        return Some(Province(p.code));
    }
    let real_cities = || t.cities.iter().filter(|c| !is_grouping_city(&c.name));
    if let Some(c) = real_cities().find(|c| a.starts_with(c.name.as_str())) {
        return Some(City(c.code).province());
    }
    if let Some(c) = real_cities().find(|c| city_short_name(&c.name).is_some_and(|s| a.starts_with(s))) {
        return Some(City(c.code).province());
    }
    // County-level names: the longest name at the start that maps to a single province.
    let mut best: Option<(usize, Province)> = None;
    for (end, _) in a.char_indices().skip(2).take(8) {
        if let Some(codes) = t.areas_by_name.get(&a[..end]) {
            let first = Province((codes[0] / 10_000) as u8);
            if codes.iter().all(|c| (c / 10_000) as u8 == first.0) {
                best = Some((end, first));
            }
        }
    }
    if best.is_none()
        && let Some(codes) = t.areas_by_name.get(a)
    {
        let first = Province((codes[0] / 10_000) as u8);
        if codes.iter().all(|c| (c / 10_000) as u8 == first.0) {
            return Some(first);
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_provinces_from_addresses() {
        let check = |addr: &str, code: Option<&str>| {
            assert_eq!(province_of_address(addr).map(Province::code).as_deref(), code, "{addr}");
        };
        check("深圳市南山区科技园", Some("44"));
        check("广东省深圳市福田区深南大道1号", Some("44"));
        check("内蒙古呼和浩特市新城区", Some("15"));
        check("内蒙古自治区包头市", Some("15"));
        check("浙江杭州西湖区文三路", Some("33"));
        check("杭州市余杭区五常街道", Some("33"));
        check("宁波鄞州区", Some("33"));
        check("上海市浦东新区陆家嘴环路", Some("31"));
        check("中国江苏省苏州市工业园区", Some("32"));
        check("延边州延吉市", Some("22"));
        check("余杭区良渚街道", Some("33"));
        check("月球背面", None);
        check("", None);
    }

    #[test]
    fn region_codes() {
        let r = RegionCode::parse("330106").unwrap();
        assert_eq!(r.province().name_zh(), "浙江省");
        assert_eq!(r.city().unwrap().name_zh(), "杭州市");
        assert_eq!(r.county_name(), Some("西湖区"));
        assert!(r.is_current());
        assert_eq!(RegionCode::parse("110105").unwrap().city().unwrap().name_zh(), "北京市");
        assert!(matches!(RegionCode::parse("33010A").unwrap_err().fault, IdFault::BadChar { position: 6, .. }));
        assert!(matches!(RegionCode::parse("990101").unwrap_err().fault, IdFault::Region { .. }));
        assert_eq!(Province::all().len(), 34);
        // A code that never existed, though its province does.
        assert!(matches!(RegionCode::parse("339999").unwrap_err().fault, IdFault::Region { .. }));
    }

    #[test]
    fn former_codes_are_known_with_their_history() {
        // 崇文区 of Beijing, merged into 东城区 in 2010: old resident IDs still carry it.
        let chongwen = RegionCode::parse("110103").unwrap();
        assert!(!chongwen.is_current());
        assert_eq!(chongwen.former(), Some(("崇文区", "2009-12")));
        assert_eq!(chongwen.province().name_zh(), "北京市");
        assert_eq!(RegionCode::parse("330106").unwrap().former(), None);
        // 通县, Beijing (1980–1996): before 通州区.
        assert!(RegionCode::parse("110223").unwrap().former().is_some());
    }

    #[test]
    fn residence_permit_prefixes_are_regions_alike() {
        for (code, province) in [("810000", "香港特别行政区"), ("820000", "澳门特别行政区"), ("830000", "台湾省")]
        {
            let r = RegionCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert!(r.is_residence_permit(), "{code}");
            assert_eq!(r.province().name_zh(), province, "{code}");
        }
        assert!(!RegionCode::parse("330106").unwrap().is_residence_permit());
        assert_eq!(Province::from_name("广西").unwrap().code(), "45");
        assert_eq!(Province::from_code("33").unwrap().name_en(), "Zhejiang");
        assert_eq!(City::of_province(Province::from_code("33").unwrap()).len(), 11);
    }
}
