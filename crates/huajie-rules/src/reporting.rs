//! The quarterly report to the regulator (issue 16, point 7): the company submits the indicators
//! it recorded for a quarter-end; the regulator acknowledges what it received. Pure: the store
//! reads the quarter's recorded result and its submissions inside its write transaction, asks
//! these functions, and writes only what they allow.

use huajie_core::Text;

/// A submission as the rules need it: the recorded result it was made from, and whether the
/// regulator acknowledged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submitted {
    pub result_id: i64,
    pub version: i64,
    pub acknowledged: bool,
}

/// Why a quarter's report cannot be submitted, or a submission acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportRefusal {
    /// No indicators are recorded for the quarter: there is nothing to submit.
    NotRecorded,
    /// The quarter's latest recorded figures are submitted already (record them again after a
    /// correction, then submit the new version).
    AlreadySubmitted,
    /// Nothing was submitted for the quarter (or no such submission): nothing to acknowledge.
    NotSubmitted,
    /// The submission is acknowledged already.
    AlreadyAcknowledged,
    /// A later version of the quarter's report was submitted: that one is acknowledged.
    Superseded,
}

impl ReportRefusal {
    pub fn text(self) -> Text {
        match self {
            ReportRefusal::NotRecorded => Text::fixed(
                "该季末尚未记录监管指标，不能报送。",
                "No indicators are recorded for this quarter-end: there is nothing to submit.",
            ),
            ReportRefusal::AlreadySubmitted => Text::fixed(
                "该季末记录的指标已经报送；更正后重新记录，再报送新版本。",
                "The quarter's recorded figures are submitted already; record them again after a correction, then submit the new version.",
            ),
            ReportRefusal::NotSubmitted => {
                Text::fixed("该报告尚未报送，不能确认收悉。", "The report is not submitted: it cannot be acknowledged.")
            }
            ReportRefusal::AlreadyAcknowledged => {
                Text::fixed("该报告已经确认收悉。", "The report is acknowledged already.")
            }
            ReportRefusal::Superseded => Text::fixed(
                "该季末已报送更正后的新版本，请确认最新版本。",
                "A corrected version of this quarter's report was submitted since: acknowledge the latest.",
            ),
        }
    }
}

/// The version a submission of the quarter's latest recorded result (`recorded`, its id) takes,
/// given the quarter's earlier submissions: the next version, unless that result is submitted
/// already (only a correction — the quarter recorded again — makes a new version).
pub fn may_submit(recorded: Option<i64>, earlier: &[Submitted]) -> Result<i64, ReportRefusal> {
    let result_id = recorded.ok_or(ReportRefusal::NotRecorded)?;
    if earlier.iter().any(|s| s.result_id == result_id) {
        return Err(ReportRefusal::AlreadySubmitted);
    }
    Ok(earlier.iter().map(|s| s.version).max().unwrap_or(0) + 1)
}

/// Whether version `version` of a quarter's report may be acknowledged, given every submission
/// of that quarter: it was submitted, is the latest version, and is not acknowledged yet.
pub fn may_acknowledge(version: i64, submissions: &[Submitted]) -> Result<(), ReportRefusal> {
    let this = submissions.iter().find(|s| s.version == version).ok_or(ReportRefusal::NotSubmitted)?;
    if this.acknowledged {
        return Err(ReportRefusal::AlreadyAcknowledged);
    }
    if submissions.iter().any(|s| s.version > version) {
        return Err(ReportRefusal::Superseded);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportRefusal::*;

    fn s(result_id: i64, version: i64, acknowledged: bool) -> Submitted {
        Submitted { result_id, version, acknowledged }
    }

    #[test]
    fn a_quarter_is_submitted_once_per_recorded_result_in_versions() {
        assert_eq!(may_submit(None, &[]), Err(NotRecorded));
        assert_eq!(may_submit(Some(7), &[]), Ok(1));
        assert_eq!(may_submit(Some(7), &[s(7, 1, false)]), Err(AlreadySubmitted));
        assert_eq!(may_submit(Some(9), &[s(7, 1, true)]), Ok(2), "a correction is version 2");
        assert_eq!(may_submit(Some(11), &[s(7, 1, true), s(9, 2, false)]), Ok(3));
    }

    #[test]
    fn only_the_latest_submitted_version_is_acknowledged_once() {
        assert_eq!(may_acknowledge(1, &[]), Err(NotSubmitted));
        assert_eq!(may_acknowledge(1, &[s(7, 1, false)]), Ok(()));
        assert_eq!(may_acknowledge(1, &[s(7, 1, true)]), Err(AlreadyAcknowledged));
        assert_eq!(may_acknowledge(1, &[s(7, 1, false), s(9, 2, false)]), Err(Superseded));
        assert_eq!(may_acknowledge(2, &[s(7, 1, true), s(9, 2, false)]), Ok(()));
        assert_eq!(may_acknowledge(3, &[s(7, 1, true)]), Err(NotSubmitted));
        assert!(NotSubmitted.text().zh.contains("尚未报送"));
    }
}
