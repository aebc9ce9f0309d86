//! The canonical tape (`../shared/domain/tape.md`): every field with its entity, value
//! type, criticality, and the header names banks use for it. This table is the one place
//! the importer learns what a column means.

use huajie_core::named_enum;

/// Which record a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Package,
    Claim,
    Collateral,
    Guarantor,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Text,
    Money,
    Date,
    Int,
    Number,
    /// A USCC or resident ID.
    Identifier,
    /// One value from a fixed list.
    Choice,
    /// Several values from a fixed list (`抵押+保证`).
    Choices,
    Region,
    Bool,
    Phone,
}

/// How much a missing or invalid value matters (tape.md): a row without a mandatory
/// field is rejected; a recommended one lowers the completeness score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criticality {
    Mandatory,
    Recommended,
    Optional,
}

named_enum! {
    /// A canonical tape field.
    pub enum Field {
        CutoffDate = ("cutoff_date", "基准日", "Cut-off date"),
        Transferor = ("transferor", "转让方", "Transferor"),
        PackageName = ("package_name", "资产包名称", "Package name"),
        ContractNo = ("contract_no", "借款合同编号", "Contract number"),
        DebtorName = ("debtor_name", "借款人名称", "Debtor name"),
        DebtorId = ("debtor_id", "证件号码", "Debtor ID number"),
        DebtorKind = ("debtor_kind", "客户类型", "Debtor kind"),
        DebtorAddress = ("debtor_address", "借款人地址", "Debtor address"),
        DebtorStatus = ("debtor_status", "客户状态", "Debtor status"),
        Principal = ("principal", "本金余额", "Principal"),
        Interest = ("interest", "利息余额", "Interest"),
        Penalty = ("penalty", "罚息/复利", "Penalty interest"),
        Total = ("total", "本息合计", "Total"),
        AdvancedCosts = ("advanced_costs", "垫付费用", "Advanced costs"),
        OriginationDate = ("origination_date", "放款日", "Origination date"),
        MaturityDate = ("maturity_date", "到期日", "Maturity date"),
        DefaultDate = ("default_date", "逾期日", "Default date"),
        DaysPastDue = ("dpd", "逾期天数", "Days past due"),
        FiveClass = ("five_class", "五级分类", "Five-tier class"),
        GuaranteeMode = ("guarantee_mode", "担保方式", "Guarantee mode"),
        LitigationStage = ("litigation_stage", "诉讼状态", "Litigation stage"),
        LimitationDate = ("limitation_date", "诉讼时效到期日", "Limitation date"),
        Region = ("region", "所属地区", "Region"),
        Industry = ("industry", "行业", "Industry"),
        WrittenOff = ("written_off", "是否核销", "Written off"),
        Phone = ("phone", "联系电话", "Phone"),
        Product = ("product", "产品类型", "Product"),
        LastPaymentDate = ("last_payment_date", "最后还款日", "Last payment date"),
        CollateralType = ("collateral_type", "抵押物类型", "Collateral type"),
        CollateralDescription = ("collateral_description", "抵押物名称", "Collateral description"),
        CollateralAddress = ("collateral_address", "抵押物地址", "Collateral address"),
        AppraisedValue = ("appraised_value", "评估价值", "Appraised value"),
        AppraisalDate = ("appraisal_date", "评估基准日", "Appraisal date"),
        LienRank = ("lien_rank", "抵押顺位", "Lien rank"),
        PriorClaims = ("prior_claims", "优先受偿金额", "Prior claims"),
        AreaM2 = ("area_m2", "面积", "Area (m²)"),
        Seizure = ("seizure", "查封状态", "Seizure"),
        GuarantorName = ("guarantor_name", "保证人名称", "Guarantor name"),
        GuarantorId = ("guarantor_id", "保证人证件号", "Guarantor ID number"),
        Cap = ("cap", "保证金额", "Guarantee cap"),
        GuarantorKind = ("guarantor_kind", "保证人类型", "Guarantor kind"),
        GuaranteeKind = ("guarantee_kind", "保证方式", "Guarantee kind"),
        GuarantorAddress = ("guarantor_address", "保证人地址", "Guarantor address"),
        GuarantorPhone = ("guarantor_phone", "保证人电话", "Guarantor phone"),
        GuarantorStatus = ("guarantor_status", "保证人状态", "Guarantor status"),
    }
}

/// One value per canonical field, found by index rather than by hashing: the row loop
/// looks fields up for every cell of a million-row tape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByField<T>([Option<T>; Field::ALL.len()]);

impl<T> Default for ByField<T> {
    fn default() -> Self {
        ByField(std::array::from_fn(|_| None))
    }
}

impl<T> ByField<T> {
    pub fn get(&self, field: Field) -> Option<&T> {
        self.0[field as usize].as_ref()
    }
    pub fn contains(&self, field: Field) -> bool {
        self.0[field as usize].is_some()
    }
    pub fn insert(&mut self, field: Field, value: T) {
        self.0[field as usize] = Some(value);
    }
    pub fn get_or_default(&mut self, field: Field) -> &mut T
    where
        T: Default,
    {
        self.0[field as usize].get_or_insert_with(T::default)
    }
}

impl<T> FromIterator<(Field, T)> for ByField<T> {
    fn from_iter<I: IntoIterator<Item = (Field, T)>>(iter: I) -> Self {
        let mut out = ByField::default();
        for (f, v) in iter {
            out.insert(f, v);
        }
        out
    }
}

impl Field {
    pub fn entity(self) -> Entity {
        use Field::*;
        match self {
            CutoffDate | Transferor | PackageName => Entity::Package,
            CollateralType
            | CollateralDescription
            | CollateralAddress
            | AppraisedValue
            | AppraisalDate
            | LienRank
            | PriorClaims
            | AreaM2
            | Seizure => Entity::Collateral,
            GuarantorName | GuarantorId | Cap | GuarantorKind | GuaranteeKind | GuarantorAddress | GuarantorPhone
            | GuarantorStatus => Entity::Guarantor,
            _ => Entity::Claim,
        }
    }

    pub fn kind(self) -> ValueKind {
        use Field::*;
        match self {
            CutoffDate | OriginationDate | MaturityDate | DefaultDate | LimitationDate | LastPaymentDate
            | AppraisalDate => ValueKind::Date,
            Principal | Interest | Penalty | Total | AdvancedCosts | AppraisedValue | PriorClaims | Cap => {
                ValueKind::Money
            }
            DaysPastDue | LienRank => ValueKind::Int,
            AreaM2 => ValueKind::Number,
            DebtorId | GuarantorId => ValueKind::Identifier,
            DebtorKind | DebtorStatus | FiveClass | LitigationStage | CollateralType | Seizure | GuarantorKind
            | GuaranteeKind | GuarantorStatus => ValueKind::Choice,
            GuaranteeMode => ValueKind::Choices,
            Region => ValueKind::Region,
            WrittenOff => ValueKind::Bool,
            Phone | GuarantorPhone => ValueKind::Phone,
            Transferor
            | PackageName
            | ContractNo
            | DebtorName
            | DebtorAddress
            | Industry
            | Product
            | CollateralDescription
            | CollateralAddress
            | GuarantorName
            | GuarantorAddress => ValueKind::Text,
        }
    }

    /// Criticality in a corporate tape (tape.md). Personal batches differ on the
    /// contract number (recommended there); see `criticality_in`.
    pub fn criticality(self) -> Criticality {
        use Criticality::*;
        use Field::*;
        match self {
            CutoffDate | Transferor | ContractNo | DebtorName | DebtorId | Principal | CollateralType
            | AppraisedValue | GuarantorName => Mandatory,
            PackageName | DebtorKind | Interest | OriginationDate | MaturityDate | DefaultDate | DaysPastDue
            | FiveClass | GuaranteeMode | LitigationStage | LimitationDate | Region | CollateralAddress
            | AppraisalDate | LienRank | GuarantorId => Recommended,
            _ => Optional,
        }
    }

    /// The header names (among `synonyms`) that name a part of the field rather than the
    /// whole: a tape that gives the field in several such columns (表内利息 and 表外利息,
    /// 罚息 and 复利) has them summed into the field. A column naming the whole wins over
    /// its parts (`利息余额` over `其中：表内利息`).
    pub fn parts(self) -> &'static [&'static str] {
        use Field::*;
        match self {
            Interest => {
                &["表内利息", "表外利息", "表内欠息", "表外欠息", "正常利息", "逾期利息", "催收利息", "应收利息"]
            }
            Penalty => &["罚息", "复利", "复息", "逾期罚息"],
            AdvancedCosts => &["垫付诉讼费", "垫付诉讼费用", "垫付律师费", "垫付执行费", "垫付保全费", "垫付评估费"],
            _ => &[],
        }
    }

    /// Whether several columns of the field are summed (amounts given in parts).
    pub fn summed(self) -> bool {
        !self.parts().is_empty()
    }

    /// The header names banks use, as they appear once normalised (see `header::normalize_header`).
    pub fn synonyms(self) -> &'static [&'static str] {
        use Field::*;
        match self {
            CutoffDate => &["基准日", "截止日", "数据基准日", "债权基准日"],
            Transferor => &["转让方", "出让方", "转让人"],
            PackageName => &["资产包名称", "资产包"],
            ContractNo => &[
                "借款合同编号",
                "合同编号",
                "合同号",
                "借据号",
                "借据编号",
                "贷款合同号",
                "借款合同号",
                "贷款合同编号",
                "借款凭证号",
                "贷款账号",
            ],
            DebtorName => &[
                "借款人名称",
                "借款人",
                "客户名称",
                "债务人",
                "债务人名称",
                "借款人姓名",
                "客户姓名",
                "借款企业名称",
                "姓名",
                "户名",
            ],
            DebtorId => &[
                "证件号码",
                "统一社会信用代码",
                "身份证号",
                "身份证号码",
                "借款人证件号码",
                "证件号",
                "客户证件号码",
                "借款人身份证号",
                "借款人统一社会信用代码",
                "组织机构代码/统一社会信用代码",
            ],
            DebtorKind => &["客户类型", "对公对私", "借款人类型", "客户性质", "公私标志"],
            DebtorAddress => &[
                "借款人地址",
                "住所",
                "住所地",
                "通讯地址",
                "联系地址",
                "借款人住所",
                "客户地址",
                "注册地址",
                "户籍地址",
            ],
            DebtorStatus => &["客户状态", "借款人状态", "经营状态", "登记状态", "企业状态"],
            Principal => &[
                "本金余额",
                "贷款余额",
                "未偿本金",
                "本金",
                "剩余本金",
                "借款本金余额",
                "债权本金",
                "未偿还本金",
                "贷款本金余额",
            ],
            Interest => &[
                "利息余额",
                "欠息",
                "利息",
                "欠息余额",
                "表内利息+表外利息",
                "应收未收利息",
                "欠息金额",
                "表内利息",
                "表外利息",
                "表内欠息",
                "表外欠息",
                "正常利息",
                "逾期利息",
                "催收利息",
                "应收利息",
            ],
            Penalty => &["罚息", "复利", "罚息复利", "罚息及复利", "罚息/复利", "罚复息", "复息", "逾期罚息"],
            AdvancedCosts => &[
                "垫付费用",
                "垫付诉讼费",
                "代垫费用",
                "垫付费",
                "垫付诉讼费用",
                "已垫付费用",
                "垫付律师费",
                "垫付执行费",
                "垫付保全费",
                "垫付评估费",
            ],
            Total => &["本息合计", "债权总额", "债权合计", "本息余额合计", "债权金额合计", "本息合计金额"],
            OriginationDate => {
                &["放款日", "借款日期", "发放日", "放款日期", "贷款发放日", "借款日", "发放日期", "起贷日"]
            }
            MaturityDate => &["到期日", "到期日期", "贷款到期日", "借款到期日"],
            DefaultDate => &["逾期日", "违约日", "逾期日期", "逾期起始日", "首次逾期日"],
            DaysPastDue => &["逾期天数"],
            FiveClass => &["五级分类", "风险分类", "五级分类结果", "贷款五级分类"],
            GuaranteeMode => &["担保方式", "担保类型", "主要担保方式"],
            LitigationStage => &["诉讼状态", "诉讼进展", "诉讼阶段", "涉诉情况", "诉讼情况"],
            LimitationDate => &["诉讼时效到期日", "时效到期日", "诉讼时效", "诉讼时效截止日"],
            Region => &["所属地区", "经办机构所在地", "地区", "所在地区", "经办行", "所属分行", "户籍地"],
            Industry => &["行业", "所属行业", "行业分类"],
            WrittenOff => &["是否核销", "核销标志", "核销状态"],
            Phone => &["联系电话", "手机号", "电话", "手机号码", "联系方式"],
            Product => &["产品类型", "产品", "贷款产品", "产品名称"],
            LastPaymentDate => &["最后还款日", "最近还款日", "最后还款日期"],
            CollateralType => &["抵押物类型", "押品类型", "抵质押物类型", "担保物类型", "抵押物种类"],
            CollateralDescription => {
                &["抵押物名称", "押品名称", "抵押物描述", "抵质押物名称", "担保物名称", "押品描述"]
            }
            CollateralAddress => &["抵押物地址", "坐落", "押品地址", "抵押物坐落", "抵押物位置"],
            AppraisedValue => &["评估价值", "评估值", "押品评估价值", "抵押物评估价值", "抵押物评估值"],
            AppraisalDate => &["评估基准日", "评估日期", "抵押物评估基准日"],
            LienRank => &["抵押顺位", "顺位", "抵押物顺位"],
            PriorClaims => &["优先受偿金额", "在先抵押", "在先抵押金额", "优先受偿款"],
            AreaM2 => &["面积", "建筑面积", "抵押物面积"],
            Seizure => &["查封状态", "查封情况"],
            GuarantorName => &["保证人名称", "保证人", "担保人", "保证人姓名", "担保人名称"],
            GuarantorId => &["保证人证件号", "保证人证件号码", "担保人证件号码", "保证人身份证号"],
            Cap => &["保证金额", "最高额", "保证限额", "担保金额", "保证最高额"],
            GuarantorKind => &["保证人类型"],
            GuaranteeKind => &["保证方式", "保证责任方式", "保证类型"],
            GuarantorAddress => &["保证人地址", "担保人地址", "保证人住所"],
            GuarantorPhone => &["保证人电话", "保证人联系电话", "担保人电话", "保证人手机号"],
            GuarantorStatus => &["保证人状态", "担保人状态", "保证人经营状态"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_header_names_of_their_field() {
        for f in Field::ALL {
            for p in f.parts() {
                assert!(f.synonyms().contains(p), "{p} is a part of {f:?} but not one of its names");
            }
            assert_eq!(f.summed(), matches!(f, Field::Interest | Field::Penalty | Field::AdvancedCosts));
        }
    }

    #[test]
    fn every_synonym_belongs_to_one_field() {
        let mut seen = std::collections::HashMap::new();
        for f in Field::ALL {
            assert!(!f.synonyms().is_empty(), "{f:?} has no header names");
            for s in f.synonyms() {
                if let Some(other) = seen.insert(*s, *f) {
                    panic!("“{s}” names both {other:?} and {f:?}");
                }
            }
        }
    }
}
