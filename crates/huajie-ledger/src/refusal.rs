//! What the ledger refuses, as values: each says why in Chinese and English (`text`).

use huajie_core::{Money, Text};

/// A posting the ledger refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// An entry with no lines.
    Empty,
    /// A line of zero or a negative amount.
    NotPositive,
    /// Debits and credits differ.
    Unbalanced { debits: i128, credits: i128 },
    /// No entry has that id.
    NoSuchEntry { entry: i64 },
    /// The entry was reversed already (an entry is reversed once).
    AlreadyReversed { entry: i64 },
    /// A reversal is not itself reversed: post the original again.
    ReversalOfReversal { entry: i64 },
    /// A reversal dated before the entry it reverses (it would take the entry out of days the
    /// entry was never in: a book read as of one of them would change).
    ReversalBeforeEntry { entry: i64, on: chrono::NaiveDate },
    /// A purchase is reversed only before any receipt on its claims stands.
    PurchaseWithReceipts { entry: i64 },
    /// A receipt beyond what the claim is still owed.
    BeyondOwed { claim: i64, owed: Money, received: Money },
    /// A court-ordered split that does not add up to the receipt, or takes more of a part
    /// than is owed on it.
    BadSplit { claim: i64 },
    /// Receipts standing on a claim would have paid more than is owed on a part (a recoverable
    /// cost they paid was reversed): reverse those receipts first.
    Overpaid { claim: i64 },
    /// An expense on a claim, for another package than the claim's.
    ClaimNotInPackage { claim: i64, package: i64 },
    /// A purchase posted for a package not bought.
    PackageNotBought { package: i64 },
    /// A package's purchase posted again while it stands.
    PurchasePosted { package: i64 },
    /// A receipt on a claim whose package the company has not bought.
    NotHeld { claim: i64 },
    /// A receipt on a claim already sold or closed.
    Closed { claim: i64 },
    /// A package's cost basis: no claims, a claim twice, a negative price, or shares that do
    /// not sum to the price.
    CostBasis(&'static str, &'static str),
    /// Amounts beyond what 64-bit fen hold.
    Overflow,
}

impl Refusal {
    /// Why, Chinese first.
    pub fn text(&self) -> Text {
        match self {
            Refusal::Empty => Text::fixed("分录没有分录行。", "The entry has no lines."),
            Refusal::NotPositive => Text::fixed("分录行金额须为正数。", "An entry line's amount must be positive."),
            Refusal::Unbalanced { debits, credits } => Text::new(
                format!("借贷不平：借方 {} 分，贷方 {} 分。", debits, credits),
                format!("Debits and credits differ: {debits} fen debited, {credits} fen credited."),
            ),
            Refusal::NoSuchEntry { entry } => {
                Text::new(format!("没有分录 #{entry}。"), format!("There is no entry #{entry}."))
            }
            Refusal::AlreadyReversed { entry } => reversal_text(Reversal::AlreadyReversed, *entry),
            Refusal::ReversalOfReversal { entry } => reversal_text(Reversal::ItselfAReversalEntry, *entry),
            Refusal::ReversalBeforeEntry { entry, on } => reversal_text(Reversal::BeforeEntry(*on), *entry),
            Refusal::PurchaseWithReceipts { entry } => reversal_text(Reversal::OfAPurchaseWithReceipts, *entry),
            Refusal::BeyondOwed { claim, owed, received } => Text::new(
                format!(
                    "债权 #{claim} 尚欠 {} 元，本次收款 {} 元，超过所欠金额，不予入账。",
                    owed.yuan_string(),
                    received.yuan_string()
                ),
                format!(
                    "Claim #{claim} is owed CNY {}; the receipt of CNY {} exceeds it and is not posted.",
                    owed.yuan_string(),
                    received.yuan_string()
                ),
            ),
            Refusal::BadSplit { claim } => Text::new(
                format!("债权 #{claim} 的法院分配明细（费用、利息、本金）之和须等于收款金额，且各项不得超过所欠。"),
                format!(
                    "Claim #{claim}: the court's split (costs, interest, principal) must add up to the receipt, each part within what is owed on it."
                ),
            ),
            Refusal::Overpaid { claim } => Text::new(
                format!("债权 #{claim} 的收款已偿还了将被冲销的费用，冲销后收款将超过所欠：请先冲销这些收款。"),
                format!(
                    "Claim #{claim}'s receipts paid the costs being reversed; they would exceed what is owed: reverse those receipts first."
                ),
            ),
            Refusal::ClaimNotInPackage { claim, package } => Text::new(
                format!("债权 #{claim} 不属于资产包 #{package}。"),
                format!("Claim #{claim} is not in package #{package}."),
            ),
            Refusal::PackageNotBought { package } => {
                Text::new(format!("资产包 #{package} 尚未收购。"), format!("Package #{package} is not bought."))
            }
            Refusal::PurchasePosted { package } => Text::new(
                format!("资产包 #{package} 的收购已入账。"),
                format!("Package #{package}'s purchase is already posted."),
            ),
            Refusal::NotHeld { claim } => Text::new(
                format!("债权 #{claim} 所在资产包尚未收购，不能收款入账。"),
                format!("Claim #{claim}'s package is not bought; no receipt is posted to it."),
            ),
            Refusal::Closed { claim } => Text::new(
                format!("债权 #{claim} 已转让或结清，不能再收款。"),
                format!("Claim #{claim} is sold or closed; no receipt is posted to it."),
            ),
            Refusal::CostBasis(zh, en) => Text::fixed(zh, en),
            Refusal::Overflow => Text::fixed("金额超出范围。", "Amounts out of range."),
        }
    }
}

/// Why a reversal of an entry is refused.
enum Reversal {
    AlreadyReversed,
    ItselfAReversalEntry,
    BeforeEntry(chrono::NaiveDate),
    OfAPurchaseWithReceipts,
}

/// Why the reversal of entry `entry` is refused, in words.
fn reversal_text(why: Reversal, entry: i64) -> Text {
    match why {
        Reversal::AlreadyReversed => Text::new(
            format!("分录 #{entry} 已冲销，不能再次冲销。"),
            format!("Entry #{entry} is already reversed; it cannot be reversed twice."),
        ),
        Reversal::ItselfAReversalEntry => Text::new(
            format!("分录 #{entry} 本身是冲销分录，不能冲销；请重新录入原分录。"),
            format!("Entry #{entry} is a reversal and is not reversed; post the original again."),
        ),
        Reversal::BeforeEntry(on) => Text::new(
            format!("冲销日期不能早于分录 #{entry} 的日期 {on}。"),
            format!("A reversal cannot be dated before entry #{entry}'s date, {on}."),
        ),
        Reversal::OfAPurchaseWithReceipts => Text::new(
            format!("收购分录 #{entry} 的债权已有收款，须先冲销这些收款。"),
            format!("Purchase entry #{entry}'s claims have receipts: reverse them first."),
        ),
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl std::error::Error for Refusal {}
