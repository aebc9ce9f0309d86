//! The checks pages' forms as typed, and the reader that names every field it cannot read.

use chrono::NaiveDate;
use huajie_core::{Lang, Money};
use huajie_rules::indicators::{Channel, ExposureKind, InvestmentKind};
use huajie_store::book::{CHANNELS, EXPOSURE_KINDS, INVESTMENT_KINDS, read_code, read_schedule};
use huajie_tape::AmountUnit;
use huajie_tape::coerce::{CoerceError, is_blank, parse_date, parse_money_exact};

use super::{Proposal, ProposalKind};
use crate::i18n::tr;

/// The checks page's proposal form as typed (funding or investment).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    /// funding or investment.
    kind: String,
    label: String,
    channel: String,
    investment_kind: String,
    exposure: String,
    /// The lender's or counterparty's identifier, and its name.
    party: String,
    party_name: String,
    amount: String,
    schedule: String,
    as_of: String,
}

impl ProposalForm {
    /// What the page shows in field `key` (as typed).
    pub(super) fn value(&self, key: &str) -> &str {
        match key {
            "kind" => &self.kind,
            "label" => &self.label,
            "channel" => &self.channel,
            "investment_kind" => &self.investment_kind,
            "exposure" => &self.exposure,
            "party" => &self.party,
            "party_name" => &self.party_name,
            "amount" => &self.amount,
            "schedule" => &self.schedule,
            "as_of" => &self.as_of,
            _ => "",
        }
    }

    /// The proposal, or every field that cannot be read, named in `lang`.
    pub(super) fn proposal(&self, lang: Lang, today: NaiveDate) -> Result<Proposal, Vec<String>> {
        let mut r = Reader { lang, problems: Vec::new() };
        let as_of = r.as_of(&self.as_of, today);
        let label = r.text(&self.label, "checks.label");
        let funding = self.kind == "funding";
        let amount = r.amount(&self.amount, "checks.amount");
        let kind = if funding {
            let channel = Channel::from_code(r.code(&self.channel, "checks.channel", CHANNELS)).expect("listed");
            let payments = match read_schedule(&self.schedule) {
                Ok(p) => p
                    .into_iter()
                    .map(|(date, principal, interest)| huajie_rules::indicators::Payment { date, principal, interest })
                    .collect(),
                Err(m) => {
                    r.problems.push(m.get(lang).to_string());
                    Vec::new()
                }
            };
            r.text(&self.party, "checks.lender");
            ProposalKind::Funding { channel, payments }
        } else {
            let kind =
                InvestmentKind::from_code(r.code(&self.investment_kind, "checks.investment_kind", INVESTMENT_KINDS))
                    .expect("listed");
            let exposure =
                ExposureKind::from_code(r.code(&self.exposure, "checks.exposure", EXPOSURE_KINDS)).expect("listed");
            ProposalKind::Investment { kind, exposure }
        };
        if !r.problems.is_empty() {
            return Err(r.problems);
        }
        Ok(Proposal {
            kind,
            label,
            amount,
            as_of,
            counterparty: self.party.trim().to_string(),
            counterparty_name: self.party_name.trim().to_string(),
        })
    }
}

/// A package's check form as typed: acquisition (price) or disposal (transferee, price).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PackageCheckForm {
    pub(super) kind: String,
    pub(super) price: String,
    pub(super) as_of: String,
    pub(super) transferee: String,
    pub(super) transferee_name: String,
}

/// Reads a form's fields; each wrong one is named in the user's language.
pub(super) struct Reader {
    pub(super) lang: Lang,
    pub(super) problems: Vec<String>,
}

impl Reader {
    pub(super) fn text(&mut self, typed: &str, label: &'static str) -> String {
        let t = typed.trim().to_string();
        if t.is_empty() {
            self.problems.push(format!("{}：{}", tr(self.lang, label), tr(self.lang, "checks.required")));
        }
        t
    }
    pub(super) fn amount(&mut self, typed: &str, label: &'static str) -> Money {
        let t = self.text(typed, label);
        match parse_money_exact(&t, AmountUnit::Wan) {
            Ok(m) if m.fen() >= 0 => m,
            _ if t.is_empty() => Money::ZERO,
            Err(CoerceError::FractionOfFen) => {
                self.problems.push(format!(
                    "{}：“{t}” {}",
                    tr(self.lang, label),
                    tr(self.lang, "checks.fraction_of_fen")
                ));
                Money::ZERO
            }
            _ => {
                self.problems.push(format!("{}：“{t}” {}", tr(self.lang, label), tr(self.lang, "checks.bad_amount")));
                Money::ZERO
            }
        }
    }
    pub(super) fn as_of(&mut self, typed: &str, today: NaiveDate) -> NaiveDate {
        match Some(typed.trim()).filter(|s| !is_blank(s)) {
            None => today,
            Some(t) => parse_date(t).unwrap_or_else(|_| {
                self.problems.push(format!(
                    "{}：“{t}” {}",
                    tr(self.lang, "checks.as_of"),
                    tr(self.lang, "checks.bad_date")
                ));
                today
            }),
        }
    }
    pub(super) fn code(
        &mut self,
        typed: &str,
        label: &'static str,
        list: &[(&'static str, &'static str, &'static str)],
    ) -> &'static str {
        let t = self.text(typed, label);
        read_code(list, &t).unwrap_or_else(|| {
            if !t.is_empty() {
                self.problems.push(format!("{}：“{t}” {}", tr(self.lang, label), tr(self.lang, "checks.bad_option")));
            }
            list[0].0
        })
    }
}
