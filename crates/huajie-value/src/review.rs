//! The review of a valuation run (issue 16, point 4): a second person checks the run before
//! its report is signed. The one who made the run cannot review it, and a run is reviewed once.

use huajie_core::Text;

/// Whether `reviewer` may mark a run made by `preparer` reviewed, given who (if anyone)
/// reviewed it already: refused, with the reason in both languages, when the reviewer made
/// the run or the run has been reviewed.
pub fn check_review(preparer: &str, reviewer: &str, reviewed_by: Option<&str>) -> Result<(), Text> {
    if let Some(by) = reviewed_by {
        return Err(Text::new(
            format!("该估值记录已由 {by} 复核，不能再次复核。"),
            format!("This valuation run has already been reviewed by {by}."),
        ));
    }
    if preparer == reviewer {
        return Err(Text::new(
            "编制人不能复核自己的估值记录：须由另一位估值或风控人员复核。",
            "The preparer cannot review their own valuation run: another valuer or risk officer must review it.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_person_reviews_once() {
        assert!(check_review("valuer", "risk", None).is_ok());
        let own = check_review("valuer", "valuer", None).unwrap_err();
        assert!(own.zh.contains("编制人不能复核自己的估值记录"), "{own:?}");
        let twice = check_review("valuer", "risk", Some("risk2")).unwrap_err();
        assert!(twice.en.contains("already been reviewed by risk2"), "{twice:?}");
    }
}
