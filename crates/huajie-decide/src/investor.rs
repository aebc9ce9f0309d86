//! Investors on the portal (issue 14): who they are (an individual or a company), the life of
//! their application (待审核 → 已通过, 未通过, or 待补充材料 and back), the documents each kind
//! must give before it may be qualified, the rules of the registration form's fields that are
//! business rules (the mobile number, the e-mail, the identifier of the kind), and whether an
//! application may be qualified given its documents and its screening (rules.md TX3–TX5, TX8:
//! `huajie_rules::pretrade::screen_transferee` is asked by the store; a block refuses).

use chrono::NaiveDate;
use huajie_core::{Lifecycle, PartyIdentifier, PartyKind, Text, named_enum};
use huajie_rules::checks::{Effect, Finding};

named_enum! {
    /// Who registers: a person (身份证) or a company (统一社会信用代码).
    pub enum InvestorKind {
        Individual = ("individual", "个人", "Individual"),
        Company = ("company", "企业", "Company"),
    }
}

impl InvestorKind {
    /// The kind of party it is in the party graph.
    pub fn party_kind(self) -> PartyKind {
        match self {
            InvestorKind::Individual => PartyKind::Individual,
            InvestorKind::Company => PartyKind::Corporate,
        }
    }

    /// The documents it must give before it may be qualified.
    pub fn required_documents(self) -> &'static [DocumentKind] {
        match self {
            InvestorKind::Individual => &[DocumentKind::Identity, DocumentKind::ProofOfFunds],
            InvestorKind::Company => &[DocumentKind::BusinessLicence, DocumentKind::ProofOfFunds],
        }
    }
}

named_enum! {
    /// Where an investor's application stands.
    pub enum InvestorStatus {
        Applied = ("applied", "待审核", "Awaiting review"),
        MoreDocuments = ("more_documents", "待补充材料", "More documents requested"),
        Qualified = ("qualified", "已通过", "Qualified"),
        Refused = ("refused", "未通过", "Not accepted"),
    }
}

impl Lifecycle for InvestorStatus {
    const NOUN: (&'static str, &'static str) = ("投资者申请", "the investor's application");
    fn all() -> &'static [InvestorStatus] {
        InvestorStatus::ALL
    }
    fn names(self) -> (&'static str, &'static str) {
        (self.zh(), self.en())
    }
    fn code(self) -> &'static str {
        Self::code(self)
    }
    /// Staff qualify, refuse or ask for more documents while it awaits review; documents
    /// uploaded after a request send it back for review; waiting for documents, it may still be
    /// refused. Qualified and refused are final.
    fn can_become(self, next: InvestorStatus) -> bool {
        use InvestorStatus::*;
        matches!((self, next), (Applied, MoreDocuments | Qualified | Refused) | (MoreDocuments, Applied | Refused))
    }
}

named_enum! {
    /// A KYC document's kind.
    pub enum DocumentKind {
        BusinessLicence = ("business_licence", "营业执照", "Business licence"),
        Identity = ("identity", "身份证明", "Proof of identity"),
        ProofOfFunds = ("proof_of_funds", "资金证明", "Proof of funds"),
        Other = ("other", "其他", "Other"),
    }
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and hyphens ignored; a leading
/// +86 or 86 taken off).
pub fn mobile(typed: &str) -> Result<String, Text> {
    let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
    let digits = if digits.len() == 13 { digits.strip_prefix("86").unwrap_or(digits) } else { digits };
    if digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits.to_string())
    } else {
        Err(Text::new(
            format!("“{}” 不是有效的手机号码（11 位数字，以 1 开头）", typed.trim()),
            format!("“{}” is not a mainland mobile number (11 digits starting with 1)", typed.trim()),
        ))
    }
}

/// An e-mail address: one `@`, a name before it, a domain with a dot after it, no spaces.
pub fn email(typed: &str) -> Result<String, Text> {
    let t = typed.trim();
    let ok = match t.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|p| !p.is_empty())
                && !t.chars().any(char::is_whitespace)
                && t.len() <= 254
        }
        None => false,
    };
    if ok {
        Ok(t.to_string())
    } else {
        Err(Text::new(format!("“{t}” 不是有效的电子邮箱"), format!("“{t}” is not an e-mail address")))
    }
}

/// The identifier of an investor of `kind`: a resident ID (with its check digit, a birth date
/// on or before `today`) for a person, a USCC (with its check characters) for a company.
pub fn identifier(kind: InvestorKind, typed: &str, today: NaiveDate) -> Result<PartyIdentifier, Text> {
    PartyIdentifier::parse_as(kind.party_kind(), typed, today).map_err(|e| e.text())
}

/// Whether an application with `documents` (their kinds) and the screening `findings` may be
/// qualified: every required document given, and no finding that blocks (staff read why). A
/// finding that only needs an override (a related party, a dishonest debtor) does not stop
/// the qualification: it is shown to staff, and each bid is screened again.
pub fn may_qualify(kind: InvestorKind, documents: &[DocumentKind], findings: &[Finding]) -> Result<(), Text> {
    let missing: Vec<DocumentKind> =
        kind.required_documents().iter().copied().filter(|d| !documents.contains(d)).collect();
    if !missing.is_empty() {
        let zh: Vec<&str> = missing.iter().map(|d| d.zh()).collect();
        let en: Vec<&str> = missing.iter().map(|d| d.en()).collect();
        return Err(Text::new(
            format!("尚缺材料：{}，不能通过审核。", zh.join("、")),
            format!("Documents missing: {}; the investor cannot be qualified.", en.join(", ")),
        ));
    }
    if let Some(f) = findings.iter().find(|f| f.effect == Effect::Block) {
        return Err(Text::new(
            format!("筛查未通过，不能通过审核：{}", f.zh),
            format!("The screening blocks it; the investor cannot be qualified: {}", f.en),
        ));
    }
    Ok(())
}

/// What a refused investor reads: that the application cannot be accepted, never why (the
/// reason may be the screening's, which names the company's staff or its related parties).
pub fn refusal_for_investor() -> Text {
    Text::fixed(
        "很抱歉，您的申请未能受理。如有疑问，请联系本公司。",
        "We are sorry: your application cannot be accepted. Please contact the company with any question.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use huajie_rules::catalogue::RuleId;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_application_is_reviewed_and_may_wait_for_documents_once_decided_it_stays() {
        use InvestorStatus::*;
        assert!(Applied.can_become(MoreDocuments));
        assert!(MoreDocuments.can_become(Applied));
        assert!(!MoreDocuments.can_become(Qualified), "documents first, then the review");
        assert!(MoreDocuments.can_become(Refused));
        for end in [Qualified, Refused] {
            assert!(InvestorStatus::ALL.iter().all(|s| !end.can_become(*s)), "{end:?} is final");
        }
        assert_eq!(InvestorStatus::may_become(Qualified), [Applied]);
        assert_eq!(Qualified.refusal(Refused).zh, "投资者申请当前为“已通过”，不能转为“未通过”。");
    }

    #[test]
    fn mobile_numbers_are_eleven_digits_starting_with_one() {
        assert_eq!(mobile("138 0013 8000").unwrap(), "13800138000");
        assert_eq!(mobile("+86 13800138000").unwrap(), "13800138000");
        assert_eq!(mobile("8613800138000").unwrap(), "13800138000");
        for bad in ["", "23800138000", "1380013800", "138001380001", "1380013800a", "010-12345678"] {
            assert!(mobile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_have_a_name_and_a_domain() {
        assert_eq!(email(" li@example.cn ").unwrap(), "li@example.cn");
        for bad in ["", "li", "li@", "@example.cn", "li@example", "li@@example.cn", "li @example.cn", "li@example."] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_identifier_is_of_the_kind_and_its_check_digit_holds() {
        let today = d("2026-12-07");
        assert!(identifier(InvestorKind::Individual, "11010519491231002X", today).is_ok());
        assert!(identifier(InvestorKind::Individual, "110105194912310021", today).is_err(), "check digit");
        assert!(identifier(InvestorKind::Company, "91440300708461136T", today).is_ok());
        assert!(identifier(InvestorKind::Company, "91440300708461136A", today).is_err(), "check character");
        assert!(identifier(InvestorKind::Company, "11010519491231002X", today).is_err(), "a person is no company");
        assert!(identifier(InvestorKind::Individual, "", today).is_err());
    }

    fn finding(effect: Effect) -> Finding {
        Finding {
            rule: RuleId::Q12, effect, subject: None, zh: "受让方为本公司员工".into(), en: "staff".into()
        }
    }

    #[test]
    fn qualification_needs_the_kinds_documents_and_no_blocking_finding() {
        use DocumentKind::*;
        let company = InvestorKind::Company;
        let e = may_qualify(company, &[ProofOfFunds], &[]).unwrap_err();
        assert!(e.zh.contains("营业执照"), "{}", e.zh);
        assert!(may_qualify(company, &[BusinessLicence, ProofOfFunds, Other], &[]).is_ok());
        assert!(may_qualify(InvestorKind::Individual, &[BusinessLicence, ProofOfFunds], &[]).is_err());
        let e = may_qualify(company, &[BusinessLicence, ProofOfFunds], &[finding(Effect::Block)]).unwrap_err();
        assert!(e.zh.contains("受让方为本公司员工"), "staff read why: {}", e.zh);
        assert!(may_qualify(company, &[BusinessLicence, ProofOfFunds], &[finding(Effect::Override)]).is_ok());
        assert!(!refusal_for_investor().zh.contains("员工"));
    }
}
