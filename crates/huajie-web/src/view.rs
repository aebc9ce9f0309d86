//! View models: what templates and the API show, already formatted for the user's
//! language and with personal data masked for every role that does not own it.

use huajie_core::mask::{PersonalText, mask_address, mask_id_number, mask_person_name, mask_phone, mask_within};
use huajie_core::{Lang, Money, Party, PartyKind, Permission, Stored};
use serde::Serialize;

use crate::AppState;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::i18n::tr;

/// The frame of every page: language, user, navigation, CSRF token.
pub struct Page {
    pub lang: Lang,
    pub user: Option<Badge>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// The current path and query (for the language switch).
    pub path: String,
    pub company_name: String,
    /// A one-line notice after an action ("saved").
    pub notice: Option<String>,
    /// A form sent back: how many fields need changing and each message, linked to its field.
    pub summary: Option<crate::form::fields::Summary>,
}

pub struct Badge {
    pub display_name: String,
    pub role_name: String,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The navigation: only what the role may open appears.
const NAV: &[(&str, &str, Option<Permission>)] = &[
    ("/dashboard", "nav.dashboard", Some(Permission::ViewDashboard)),
    ("/packages", "nav.packages", Some(Permission::ViewPackages)),
    ("/parties", "nav.parties", Some(Permission::ViewParties)),
    ("/imports/new", "nav.import", Some(Permission::ImportTapes)),
    ("/assumptions", "nav.assumptions", Some(Permission::ViewValuations)),
    ("/plans", "nav.plans", Some(Permission::ViewPlans)),
    ("/announcements", "nav.announcements", Some(Permission::ViewPlans)),
    ("/compliance", "nav.compliance", Some(Permission::ViewCompliance)),
    ("/regulator", "nav.regulator", Some(Permission::ViewCompliance)),
    ("/committee", "nav.committee", Some(Permission::ViewCommittee)),
    ("/investors", "nav.investors", Some(Permission::QualifyInvestors)),
    ("/lots", "nav.lots", Some(Permission::ViewLots)),
    ("/cases", "nav.cases", Some(Permission::ViewCases)),
    ("/reconcile", "nav.reconcile", Some(Permission::ViewReconcile)),
    ("/ledger", "nav.ledger", Some(Permission::ViewLedger)),
    ("/audit", "nav.audit", Some(Permission::ViewAudit)),
    ("/admin/users", "nav.users", Some(Permission::ManageUsers)),
    ("/portal", "nav.portal", Some(Permission::UsePortal)),
    ("/account", "nav.account", None),
];

impl Page {
    pub async fn new(ctx: &Ctx, state: &AppState) -> Result<Page, AppError> {
        let company_name = state.store.company().await?.map(|c| c.name).unwrap_or_default();
        Ok(Page::named(ctx, company_name))
    }

    /// The frame of a public page whose reads are kept (`crate::cached`) at database version
    /// `version`: the company's name kept with them.
    pub async fn at_version(ctx: &Ctx, state: &AppState, version: i64) -> Result<Page, AppError> {
        let name = state
            .reads
            .get(version, crate::cached::Key::CompanyName, async {
                Ok(state.store.company().await?.map(|c| c.name).unwrap_or_default())
            })
            .await?;
        Ok(Page::named(ctx, name.as_ref().clone()))
    }

    fn named(ctx: &Ctx, company_name: String) -> Page {
        let lang = ctx.lang;
        let path_only = ctx.path.split('?').next().unwrap_or("/");
        let nav = match ctx.user() {
            Some(u) => NAV
                .iter()
                .filter(|(_, _, p)| p.is_none_or(|p| u.role.can(p)))
                .map(|(href, key, _)| NavItem { href, label: tr(lang, key), active: path_only.starts_with(href) })
                .collect(),
            None => Vec::new(),
        };
        Page {
            lang,
            user: ctx
                .user()
                .map(|u| Badge { display_name: u.display_name.clone(), role_name: u.role.name(lang).into() }),
            csrf: ctx.csrf().to_string(),
            nav,
            path: ctx.path.clone(),
            company_name,
            notice: None,
            summary: None,
        }
    }

    /// The page shows the summary of `forms` sent back (none when none was refused), and
    /// whether one was: the page is then answered with a 400.
    pub fn sent_back<'a>(&mut self, forms: impl IntoIterator<Item = &'a crate::form::FormView>) -> bool {
        self.summary = forms.into_iter().find_map(|f| f.summary());
        self.summary.is_some()
    }

    pub fn t(&self, key: &'static str) -> &'static str {
        tr(self.lang, key)
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.pick("zh-CN", "en")
    }

    /// The link that switches to the other language and comes back here.
    pub fn switch_lang_href(&self) -> String {
        let other = self.lang.pick("en", "zh");
        format!("/lang/{other}?next={}", crate::error::url_encode(&self.path))
    }

    pub fn switch_lang_label(&self) -> &'static str {
        self.lang.pick("English", "中文")
    }
}

/// An amount the way people read it: 元 / 万元 / 亿元.
pub fn money(m: Money, lang: Lang) -> String {
    m.display(lang)
}

pub fn opt_money(m: Option<Money>, lang: Lang) -> String {
    m.map(|m| money(m, lang)).unwrap_or_else(|| "—".into())
}

/// The name of an optional domain value, or `—`.
pub fn opt_name<T>(value: Option<T>, lang: Lang, name: fn(T, Lang) -> &'static str) -> String {
    value.map(|v| name(v, lang).to_string()).unwrap_or_else(|| "—".into())
}

/// When something was recorded, as every page, report and export shows it: Beijing time
/// (UTC+8) with the zone named, to the minute — `2026-10-10 09:00 北京时间`,
/// `2026-10-10 09:00 Beijing time`.
pub fn when(t: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    huajie_core::clock::beijing_time(t, lang, false)
}

/// The same to the second (the audit log, import attempts).
pub fn when_to_the_second(t: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    huajie_core::clock::beijing_time(t, lang, true)
}

pub fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

/// A party as a viewer may see it.
#[derive(Debug, Clone, Serialize)]
pub struct PartyView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub kind_code: &'static str,
    /// The ID number: the identifier, or for a party without a verified one the ID as the
    /// tape wrote it (`flaw` says which), or `—`.
    pub identifier: String,
    /// 证件号缺失 or 证件号校验失败, for a party the tape named without a valid ID.
    pub flaw: Option<&'static str>,
    pub province: String,
    pub status: String,
    pub address: String,
    pub phone: String,
    /// Whether personal data was masked for this viewer.
    pub masked: bool,
}

/// Masks an individual's name, ID number, phone and address unless the viewer's role
/// owns personal data. Organisations' data is not personal and shows in full.
pub fn party_view(p: &Stored<Party>, ctx: &Ctx) -> PartyView {
    let lang = ctx.lang;
    let personal = p.data.kind() == PartyKind::Individual;
    let mask = personal && !ctx.can(Permission::ViewPersonalData);
    let keep = |s: &str, f: fn(&str) -> String| if mask { f(s) } else { s.to_string() };
    PartyView {
        id: p.id,
        name: keep(&p.data.name, mask_person_name),
        kind: p.data.kind().name(lang).into(),
        kind_code: p.data.kind().code(),
        identifier: p.data.identity.id_text().map(|id| keep(id, mask_id_number)).unwrap_or_else(|| "—".into()),
        flaw: p.data.identity.flaw().map(|f| f.name(lang)),
        province: p.data.province().map(|p| p.name(lang)).unwrap_or("—").into(),
        status: p.data.status.name(lang).into(),
        address: p.data.address.as_deref().map(|a| keep(a, mask_address)).unwrap_or_else(|| "—".into()),
        phone: p.data.phone.as_deref().map(|ph| keep(ph, mask_phone)).unwrap_or_else(|| "—".into()),
        masked: mask,
    }
}

/// A pre-trade check as a viewer may see it: without the personal-data permission, the
/// counterparty a person (a transferee, a lender or investee given by a resident ID number)
/// is masked — name and ID number — in its label, the deal as described, and the findings.
pub fn check_view(c: &huajie_store::DealCheck, ctx: &Ctx) -> huajie_store::DealCheck {
    if ctx.can(Permission::ViewPersonalData) {
        return c.clone();
    }
    let personal = deal_personal(c.terms.counterparty());
    let mask = |s: &str| mask_within(s, &personal);
    let mut out = c.clone();
    if let Some(p) = out.terms.counterparty_mut() {
        p.name = mask(&p.name);
        p.identifier = p.identifier.as_deref().map(mask);
    }
    out.label = mask(&c.label);
    for f in &mut out.result.findings {
        f.zh = mask(&f.zh);
        f.en = mask(&f.en);
        f.subject = f.subject.as_deref().map(mask);
    }
    out
}

/// The counterparty of a deal (transferee, lender, investee) when it is a person: its ID
/// number and name.
fn deal_personal(party: Option<&huajie_rules::terms::PartyRef>) -> Vec<PersonalText> {
    let Some(party) = party else { return Vec::new() };
    let identifier = party.identifier.as_deref().unwrap_or("").trim();
    if identifier.is_empty() || huajie_core::PartyIdentifier::is_organisation_code(identifier) {
        return Vec::new();
    }
    let mut personal = vec![PersonalText::IdNumber(identifier.to_string())];
    if !party.name.trim().is_empty() {
        personal.push(PersonalText::Name(party.name.clone()));
    }
    personal
}

/// The state an audit record holds, as a viewer without the personal-data permission may
/// read it (party records are hidden whole by the callers): a check's counterparty who is a
/// person masked, and any resident ID number left anywhere masked by its form.
pub fn audit_text_view(entity: &str, text: &str) -> String {
    let personal = if entity == "deal_check" {
        serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| audited_counterparty(&v))
            .map(|p| deal_personal(Some(&p)))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    mask_within(text, &personal)
}

/// The counterparty of a check as an audit record holds it: in its typed terms, or (a record
/// made before the terms were typed) in the JSON the page described, kept as a string.
fn audited_counterparty(v: &serde_json::Value) -> Option<huajie_rules::terms::PartyRef> {
    if let Some(terms) = v.get("terms") {
        let terms: huajie_rules::terms::DealTerms = serde_json::from_value(terms.clone()).ok()?;
        return terms.counterparty().cloned();
    }
    let described: serde_json::Value = serde_json::from_str(v.get("deal")?.as_str()?).ok()?;
    let text = |k: &str| described.get(k).and_then(|x| x.as_str()).map(str::trim).filter(|x| !x.is_empty());
    [("transferee_identifier", "transferee"), ("counterparty_identifier", "counterparty")].into_iter().find_map(
        |(id_key, name_key)| {
            Some(huajie_rules::terms::PartyRef {
                id: None,
                name: text(name_key).unwrap_or_default().to_string(),
                identifier: Some(text(id_key)?.to_string()),
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counterparty_whose_number_resembles_a_resident_id_is_masked_as_a_person() {
        // A resident ID with its 8th digit mistyped: it passes every check of a USCC.
        let party = |identifier: &str, name: &str| huajie_rules::terms::PartyRef {
            id: None,
            name: name.into(),
            identifier: Some(identifier.into()),
        };
        assert_eq!(deal_personal(Some(&party("131101135001010003", "王某"))).len(), 2, "its number and its name");
        assert!(deal_personal(Some(&party("91440300708461136T", "某公司"))).is_empty());
        assert!(deal_personal(None).is_empty(), "no party named");
    }
}
