//! The portal's investors (issue 14), registered and decided through the store's own
//! operations: the demo's `investor` user (杭州钱潮投资有限公司), a person and a Ningbo company,
//! qualified; a company waiting with a request for more documents; a company the chairman
//! controls (杭州建平贸易有限公司, in the compliance book), refused because the screening blocks
//! it (TX3); and a company the debtor of the live auction's claim controls (杭州恒润商贸有限公司,
//! in the compliance book), qualified — nothing bars it from buying in general — whose bid on
//! that lot is refused by the screening (`auctions`).

use huajie_core::{PartyIdentifier, ResidentId, Text, Uscc};
use huajie_decide::investor::{DocumentKind, InvestorKind};
use huajie_store::{InvestorProfile, Registered, Registration, Store, StoreError};

/// The investors the demo registers besides its `investor` user: (user name, name).
pub const REGISTERED: [(&str, &str); 5] = [
    ("zhao_mingyuan", "赵明远"),
    ("haishu_capital", "宁波海曙资本管理有限公司"),
    ("jianping_trade", "杭州建平贸易有限公司"),
    ("yongjin_invest", "浙江甬金投资有限公司"),
    ("hengrun_trade", "杭州恒润商贸有限公司"),
];

/// The investor the live auction's debtor controls: its user name.
pub const DEBTOR_CONTROLLED: &str = REGISTERED[4].0;

/// Parties the investors add to the graph: each but the chairman's company and the debtor's,
/// which the compliance book already holds.
pub const PARTIES: usize = 4;

/// The reason the screening's refusal is recorded with.
pub const SCREENING_REFUSAL: &str = "资格筛查禁止：本公司董事长控制的企业（TX3），不得受让本公司处置的资产。";

fn uscc(base: &str) -> PartyIdentifier {
    PartyIdentifier::Uscc(Uscc::with_check_chars(base).expect("a valid demo USCC"))
}

fn profile(
    kind: InvestorKind,
    name: &str,
    identifier: PartyIdentifier,
    legal_rep: Option<&str>,
    phone: &str,
    email: &str,
) -> InvestorProfile {
    InvestorProfile {
        kind,
        name: name.into(),
        identifier,
        legal_rep: legal_rep.map(String::from),
        phone: phone.into(),
        email: email.into(),
    }
}

async fn register(
    store: &Store,
    username: &str,
    profile: InvestorProfile,
    hash_password: &impl Fn(&str) -> String,
) -> Result<i64, StoreError> {
    let r = Registration { username: username.into(), password_hash: hash_password(crate::DEMO_PASSWORD), profile };
    match store.register_investor(&r).await? {
        Registered::Done(i) => Ok(i.id),
        Registered::Taken(fields) => Err(StoreError::Refused(Text::new(
            format!(
                "演示投资者 {username} 已存在：{}",
                fields.iter().map(|f| f.1.zh.as_ref()).collect::<Vec<_>>().join("；")
            ),
            format!("demo investor {username} exists"),
        ))),
    }
}

fn pdf(what: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% 演示材料：{what}\n%%EOF\n").into_bytes()
}

type Documents = [(DocumentKind, String, Vec<u8>)];

fn company_documents() -> Vec<(DocumentKind, String, Vec<u8>)> {
    vec![
        (DocumentKind::BusinessLicence, "营业执照.pdf".to_string(), pdf("营业执照")),
        (DocumentKind::ProofOfFunds, "资金证明.pdf".to_string(), pdf("银行存款证明")),
    ]
}

async fn upload(store: &Store, actor: &str, id: i64, docs: &Documents) -> Result<(), StoreError> {
    let files: Vec<(DocumentKind, &str, &[u8])> = docs.iter().map(|(k, n, b)| (*k, n.as_str(), b.as_slice())).collect();
    store.add_investor_documents(actor, id, &files).await.map(drop)
}

/// Registers and decides the demo's investors, after the compliance book (the screening reads
/// its staff register and officers). Returns how many users it added.
pub async fn load(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<usize, StoreError> {
    qualified(store, hash_password).await?;
    waiting(store, hash_password).await?;
    refused(store, hash_password).await?;
    let companies = [
        (REGISTERED[3], "91330206MA2J6003", "陈永金", "13906740003", "ir@yongjin-invest.example.cn"),
        (REGISTERED[4], "", "孙立恒", "13867120021", "caiwu@hengrun-trade.example.cn"),
    ];
    for ((username, name), base, rep, phone, email) in companies {
        let identifier = match base {
            "" => PartyIdentifier::Uscc(crate::compliance::company_uscc(crate::compliance::HENGRUN)),
            base => uscc(base),
        };
        let p = profile(InvestorKind::Company, name, identifier, Some(rep), phone, email);
        let id = register(store, username, p, hash_password).await?;
        upload(store, username, id, &company_documents()).await?;
        store.qualify_investor("risk", id).await?;
    }
    Ok(REGISTERED.len())
}

/// The demo's investor user (a company) and a person, both qualified.
async fn qualified(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<(), StoreError> {
    let user =
        store.user_by_username("investor").await?.ok_or_else(|| StoreError::NotFound("用户 / user investor".into()))?;
    let qianchao = profile(
        InvestorKind::Company,
        &user.display_name,
        uscc("91330105MA2K8001"),
        Some("钱伟明"),
        "13905710001",
        "ir@qianchao-invest.example.cn",
    );
    let id = store.add_investor_profile("investor", user.id, &qianchao).await?.id;
    upload(store, "investor", id, &company_documents()).await?;
    store.qualify_investor("asset_manager", id).await?;

    let zhao_id = ResidentId::with_check_char("33010219850612013").expect("a valid demo ID");
    let person = profile(
        InvestorKind::Individual,
        REGISTERED[0].1,
        PartyIdentifier::ResidentId(zhao_id),
        None,
        "13757120013",
        "zhao.mingyuan@example.cn",
    );
    let id = register(store, REGISTERED[0].0, person, hash_password).await?;
    let docs = [
        (DocumentKind::Identity, "身份证正反面.jpg".to_string(), b"JPEG demo id".to_vec()),
        (DocumentKind::ProofOfFunds, "存款证明.pdf".to_string(), pdf("个人存款证明")),
    ];
    upload(store, REGISTERED[0].0, id, &docs).await?;
    store.qualify_investor("risk", id).await.map(drop)
}

/// A company waiting: its licence in, its proof of funds asked for.
async fn waiting(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<(), StoreError> {
    let haishu = profile(
        InvestorKind::Company,
        REGISTERED[1].1,
        uscc("91330203MA2H5002"),
        Some("林海涛"),
        "13805740002",
        "contact@haishu-capital.example.cn",
    );
    let id = register(store, REGISTERED[1].0, haishu, hash_password).await?;
    let licence = [(DocumentKind::BusinessLicence, "营业执照.pdf".to_string(), pdf("营业执照"))];
    upload(store, REGISTERED[1].0, id, &licence).await?;
    let message = "请补充近三个月的资金证明（银行存款证明或资产证明），加盖公章。";
    store.request_investor_documents("asset_manager", id, message).await.map(drop)
}

/// The chairman's company (the compliance book's officer 周建平 controls it): the screening
/// blocks its qualification, and the asset manager refuses it with the reason.
async fn refused(store: &Store, hash_password: &impl Fn(&str) -> String) -> Result<(), StoreError> {
    let jianping = profile(
        InvestorKind::Company,
        REGISTERED[2].1,
        uscc("91330108MA7DE010"),
        Some("周建平"),
        "13958010010",
        "finance@jianping-trade.example.cn",
    );
    let id = register(store, REGISTERED[2].0, jianping, hash_password).await?;
    upload(store, REGISTERED[2].0, id, &company_documents()).await?;
    match store.qualify_investor("asset_manager", id).await {
        Err(StoreError::Refused(_)) => {}
        Ok(_) => return Err(StoreError::Corrupt("the demo's screening should block 杭州建平贸易有限公司".into())),
        Err(e) => return Err(e),
    }
    store.refuse_investor("asset_manager", id, SCREENING_REFUSAL).await.map(drop)
}
