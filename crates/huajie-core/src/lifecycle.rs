//! The life cycle of a record with a status (a package, a meeting, an item, a plan…): which
//! steps are allowed, as a pure function, and what the user reads when one is not. The store's
//! operation asks `can_become` through its transaction and guards its `UPDATE … WHERE status IN
//! (may_become(next))` with the same answer (ARCHITECTURE.md, "The write path").

use crate::Text;

pub trait Lifecycle: Copy + PartialEq + Sized + 'static {
    /// What the record is called, in Chinese and English ("资产包", "the package").
    const NOUN: (&'static str, &'static str);

    /// Every status, in order.
    fn all() -> &'static [Self];

    /// The status's names, Chinese and English.
    fn names(self) -> (&'static str, &'static str);

    /// The status's stored code.
    fn code(self) -> &'static str;

    /// Whether a record in this status may move to `next`.
    fn can_become(self, next: Self) -> bool;

    /// Every status that may become `next` (the guard of the store's `UPDATE`).
    fn may_become(next: Self) -> Vec<Self> {
        Self::all().iter().copied().filter(|s| s.can_become(next)).collect()
    }

    /// Why a record in this status cannot become `next`.
    fn refusal(self, next: Self) -> Text {
        let ((zh, en), (next_zh, next_en)) = (self.names(), next.names());
        let (noun_zh, noun_en) = Self::NOUN;
        Text::new(
            format!("{noun_zh}当前为“{zh}”，不能转为“{next_zh}”。"),
            format!("{} is “{en}”: it cannot become “{next_en}”.", capitalised(noun_en)),
        )
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
