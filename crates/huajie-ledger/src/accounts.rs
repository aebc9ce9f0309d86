//! The chart of accounts: one table, [`CHART`], in the order of [`Account`]'s variants. Codes
//! follow the 企业会计准则 numbering a Chinese local AMC's finance system uses (1xxx assets,
//! 2xxx liabilities, 4xxx equity, 6xxx profit and loss), with the AMC's sub-accounts below them.

use serde::{Deserialize, Serialize};

/// What an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

/// A line's side; an account's normal side is the side that increases it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    /// The other side: a reversal's.
    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }

    /// The stored code: `debit` / `credit`.
    pub fn code(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn from_code(s: &str) -> Option<Side> {
        [Side::Debit, Side::Credit].into_iter().find(|x| x.code() == s)
    }
}

/// An account of the chart. Its code, names, kind and normal side are its row of [`CHART`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Account {
    BankCash,
    ClaimCost,
    VatPayable,
    FundingLiability,
    PaidInCapital,
    RecoveryIncome,
    DisposalGain,
    DisposalLoss,
    TaxesAndSurcharges,
    LegalFees,
    AgencyFees,
    FundingInterest,
}

/// One row of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountDef {
    pub account: Account,
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: Kind,
    pub normal: Side,
}

const fn def(account: Account, code: &'static str, zh: &'static str, en: &'static str, kind: Kind) -> AccountDef {
    let normal = match kind {
        Kind::Asset | Kind::Expense => Side::Debit,
        Kind::Liability | Kind::Equity | Kind::Income => Side::Credit,
    };
    AccountDef { account, code, zh, en, kind, normal }
}

/// **The chart of accounts**, one row per [`Account`] in its order (a test holds it so).
pub const CHART: &[AccountDef] = &[
    def(Account::BankCash, "1002", "银行存款", "Bank deposits (cash)", Kind::Asset),
    def(Account::ClaimCost, "1531", "不良债权资产—收购成本", "Purchased NPA claims — cost basis", Kind::Asset),
    def(Account::VatPayable, "222101", "应交税费—应交增值税", "VAT payable", Kind::Liability),
    def(Account::FundingLiability, "2001", "短期借款（收购融资）", "Borrowings (acquisition funding)", Kind::Liability),
    def(Account::PaidInCapital, "4001", "实收资本", "Paid-in capital", Kind::Equity),
    def(Account::RecoveryIncome, "600101", "不良资产回收收益", "NPA recovery income", Kind::Income),
    def(Account::DisposalGain, "611501", "资产处置收益—债权转让收益", "Disposal gains (claims sold)", Kind::Income),
    def(
        Account::DisposalLoss,
        "611502",
        "资产处置损失—债权转让损失",
        "Disposal losses (claims sold or closed)",
        Kind::Expense,
    ),
    def(Account::TaxesAndSurcharges, "6403", "税金及附加", "Taxes and surcharges", Kind::Expense),
    def(
        Account::LegalFees,
        "660201",
        "诉讼费用（诉讼费、律师费）",
        "Legal costs (court and lawyers' fees)",
        Kind::Expense,
    ),
    def(Account::AgencyFees, "660202", "清收代理费", "Collection agency fees", Kind::Expense),
    def(Account::FundingInterest, "660301", "财务费用—融资利息支出", "Funding interest", Kind::Expense),
];

impl Account {
    pub const ALL: [Account; 12] = [
        Account::BankCash,
        Account::ClaimCost,
        Account::VatPayable,
        Account::FundingLiability,
        Account::PaidInCapital,
        Account::RecoveryIncome,
        Account::DisposalGain,
        Account::DisposalLoss,
        Account::TaxesAndSurcharges,
        Account::LegalFees,
        Account::AgencyFees,
        Account::FundingInterest,
    ];

    /// Its row of [`CHART`].
    pub fn def(self) -> &'static AccountDef {
        &CHART[self as usize]
    }

    /// The account code, as stored and exported.
    pub fn code(self) -> &'static str {
        self.def().code
    }

    pub fn kind(self) -> Kind {
        self.def().kind
    }

    pub fn normal(self) -> Side {
        self.def().normal
    }

    pub fn from_code(code: &str) -> Option<Account> {
        CHART.iter().find(|d| d.code == code).map(|d| d.account)
    }

    /// Whether it is a profit-and-loss account (income or expense).
    pub fn is_pnl(self) -> bool {
        matches!(self.kind(), Kind::Income | Kind::Expense)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_one_row_per_account_in_order_with_distinct_codes() {
        assert_eq!(CHART.len(), Account::ALL.len());
        for (k, a) in Account::ALL.iter().enumerate() {
            assert_eq!(CHART[k].account, *a, "row {k}");
            assert_eq!(Account::from_code(a.code()), Some(*a));
        }
        assert_eq!(Account::ClaimCost.normal(), Side::Debit);
        assert_eq!(Account::RecoveryIncome.normal(), Side::Credit);
        assert_eq!(Account::FundingLiability.normal(), Side::Credit);
    }
}
