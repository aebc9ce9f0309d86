//! The AMC itself: the one company a Huajie installation runs.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ids::{Province, Uscc};

/// A licensed local AMC (地方资产管理公司).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub uscc: Uscc,
    /// The province it is licensed in; the territorial rules are judged against it.
    pub province: Province,
    /// The approval document that licensed it for batch NPA acquisition (批复文号).
    pub licence_no: String,
    pub licensed_on: NaiveDate,
}

/// The activities a local AMC may carry out (rules.md A2, BS1–BS7): its main-business lines
/// are chosen among these. Code, Chinese, English.
pub const BUSINESS_SCOPE: &[(&str, &str, &str)] = &[
    ("BS1", "收购、受托经营、管理和处置金融不良资产", "Acquiring, managing and disposing of financial NPAs"),
    ("BS2", "收购、受托经营、管理和处置非金融不良资产（经司法确权）", "Non-financial NPAs (judicially confirmed)"),
    ("BS3", "市场化债转股", "Market-based debt-to-equity swaps"),
    ("BS4", "对所持不良资产追加投资", "Additional investment in NPAs held"),
    ("BS5", "担任破产管理人", "Acting as bankruptcy administrator"),
    ("BS6", "与不良资产相关的咨询顾问", "NPA-related advisory"),
    ("BS7", "经批准的其他业务", "Other business approved"),
];

/// The items of owners' equity whose sum is the company's net assets. Code, Chinese, English.
pub const NET_ASSET_ITEMS: &[(&str, &str, &str)] = &[
    ("paid_in_capital", "实收资本", "Paid-in capital"),
    ("capital_reserve", "资本公积", "Capital reserve"),
    ("surplus_reserve", "盈余公积", "Surplus reserve"),
    ("general_risk_reserve", "一般风险准备", "General risk reserve"),
    ("retained_earnings", "未分配利润", "Retained earnings"),
    ("other_comprehensive_income", "其他综合收益", "Other comprehensive income"),
];

/// A main-business line: an activity of the business scope and how the company describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessLine {
    pub code: String,
    pub description: String,
}

/// The company's own profile as of a date: its capital, its main-business lines and the items
/// behind its net assets. Saved as versions, each in force from its date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyProfile {
    pub registered_capital: crate::Money,
    pub paid_in_capital: crate::Money,
    pub main_business: Vec<BusinessLine>,
    /// (item code of `NET_ASSET_ITEMS`, amount); a reserve or the retained earnings may be negative.
    pub net_asset_items: Vec<(String, crate::Money)>,
}

impl CompanyProfile {
    /// What is wrong with it, each as "中文 / English"; empty when nothing is.
    pub fn problems(&self) -> Vec<crate::Text> {
        use crate::Text;
        let mut out = Vec::new();
        if self.registered_capital.fen() < 0 || self.paid_in_capital.fen() < 0 {
            out.push(Text::fixed("注册资本和实缴资本不能为负", "capital cannot be negative"));
        }
        if self.paid_in_capital > self.registered_capital {
            out.push(Text::fixed("实缴资本不能超过注册资本", "paid-in capital cannot exceed the registered capital"));
        }
        let mut codes = std::collections::BTreeSet::new();
        for line in &self.main_business {
            if !BUSINESS_SCOPE.iter().any(|b| b.0 == line.code) {
                out.push(Text::new(
                    format!("主营业务“{}”不在业务范围 BS1–BS7 之内", line.code),
                    format!("main business “{}” is not one of BS1–BS7", line.code),
                ));
            } else if !codes.insert(line.code.as_str()) {
                out.push(Text::new(
                    format!("主营业务 {} 重复", line.code),
                    format!("main business {} is listed twice", line.code),
                ));
            }
        }
        let mut items = std::collections::BTreeSet::new();
        for (code, _) in &self.net_asset_items {
            if !NET_ASSET_ITEMS.iter().any(|i| i.0 == code) {
                out.push(Text::new(format!("未知的净资产项目 {code}"), format!("unknown net-asset item {code}")));
            } else if !items.insert(code.as_str()) {
                out.push(Text::new(
                    format!("净资产项目 {code} 重复"),
                    format!("net-asset item {code} is listed twice"),
                ));
            }
        }
        if self.net_assets().is_none() {
            out.push(Text::fixed(
                "净资产各项合计超出金额范围",
                "the net-asset items add up beyond the range of an amount",
            ));
        }
        out
    }

    /// The sum of the net-asset items (`None` when they cannot be added).
    pub fn net_assets(&self) -> Option<crate::Money> {
        crate::Money::checked_sum(self.net_asset_items.iter().map(|(_, m)| *m)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Money;

    #[test]
    fn a_profile_names_what_is_wrong_with_it() {
        let wan = |x: i64| Money::from_wan(x).unwrap();
        let good = CompanyProfile {
            registered_capital: wan(500_000),
            paid_in_capital: wan(500_000),
            main_business: vec![BusinessLine {
                code: "BS1".into(), description: "金融不良资产收购处置".into()
            }],
            net_asset_items: vec![("paid_in_capital".into(), wan(500_000)), ("retained_earnings".into(), wan(-1_000))],
        };
        assert!(good.problems().is_empty());
        assert_eq!(good.net_assets(), Some(wan(499_000)));
        let bad = CompanyProfile {
            paid_in_capital: wan(600_000),
            main_business: vec![
                BusinessLine { code: "BS9".into(), description: String::new() },
                good.main_business[0].clone(),
                good.main_business[0].clone(),
            ],
            net_asset_items: vec![("goodwill".into(), wan(1)), ("paid_in_capital".into(), Money::from_fen(i64::MAX))],
            ..good.clone()
        };
        let p = bad.problems();
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(p[0].zh.starts_with("实缴资本不能超过注册资本") && p[0].en.starts_with("paid-in capital"));
        assert!(p.iter().any(|m| m.zh.contains("BS9")) && p.iter().any(|m| m.zh.contains("重复")));
        assert!(p.iter().any(|m| m.en.contains("goodwill")) && p.iter().any(|m| m.zh.contains("超出金额范围")));
    }
}
