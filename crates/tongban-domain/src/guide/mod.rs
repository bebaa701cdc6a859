//! The service guide (办事指南): every element the national and local rules require of the
//! published instructions for one implementation. The struct is also the guide's JSON
//! exchange format (documented in docs/guide-format.md), so field names are a promise.

use serde::{Deserialize, Serialize};

pub mod attachment;
pub mod lint;
pub mod standardization;

/// One implementation's guide, as edited by its department and published by review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Guide {
    /// 事项名称
    pub name: String,
    /// 基本编码 (or the implementation's opaque code where no standard basic code exists)
    pub basic_code: String,
    /// 权力来源, e.g. "法定本级行使"
    pub power_source: String,
    /// 事项类型, two-digit code ("01" 行政许可 … "20" 公共服务)
    pub item_type: String,
    /// 办件类型: "immediate" (即办件) or "committed" (承诺件)
    pub case_kind: CaseKind,
    /// 行使层级, 1 national … 6 village
    pub exercise_level: u8,
    /// 实施主体
    pub implementing_organ: String,
    /// 服务对象, e.g. ["自然人", "企业法人"]
    pub service_objects: Vec<String>,
    /// 中介服务 (names from the intermediary-service list; empty when none)
    pub intermediary_services: Vec<String>,
    /// 收费标准 (empty when the item is free)
    pub fees: Vec<Fee>,
    /// 到办事现场次数
    pub visits: u8,
    /// why the applicant must come in person, required when visits > 0
    pub visits_reason: Option<String>,
    /// 法定办结时限, working days (0 = 即办)
    pub legal_limit_days: u32,
    /// 承诺办结时限, working days (0 = 即办)
    pub committed_limit_days: u32,
    /// 结果名称与结果样本
    pub result: ResultInfo,
    /// 办理时间
    pub office_hours: String,
    /// 咨询方式 (phone)
    pub consultation_phone: String,
    /// 监督投诉方式 (phone)
    pub complaint_phone: String,
    /// 办理地点
    pub locations: Vec<String>,
    /// 受理条件
    pub conditions: Vec<String>,
    /// 办理流程
    pub process: Vec<ProcessStep>,
    /// 申请材料
    pub materials: Vec<Material>,
    /// 设定依据
    pub legal_basis: Vec<String>,
    /// 常见问题解答
    pub faqs: Vec<Faq>,
    /// 特别程序
    pub special_procedures: Vec<SpecialProcedure>,
    /// 网办深度
    pub online: OnlineDepth,
    /// whether fees can be paid online
    pub online_payment: bool,
    /// 告知承诺制: the item may be decided on the applicant's signed pledge, checked afterwards
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pledge_allowed: bool,
    /// the back-office process (办理流程定义) its cases run: stages in order, the steps of a
    /// stage in parallel, each with its department, role and limit; absent, cases run the
    /// standard 承办 → 审核 → 批准 of the owning department, sized to the committed limit
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back_office: Option<crate::case::Process>,
}

impl Guide {
    /// The limit a case runs against: 0 for an immediate item, else the committed limit.
    pub fn case_limit_days(&self) -> u32 {
        match self.case_kind {
            CaseKind::Immediate => 0,
            CaseKind::Committed => self.committed_limit_days,
        }
    }

    /// The back-office process a case of this item runs.
    pub fn case_process(&self) -> crate::case::Process {
        self.back_office
            .clone()
            .unwrap_or_else(|| crate::case::Process::standard(self.case_limit_days()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 即办件: decided on the spot
    Immediate,
    /// 承诺件: decided within the committed limit
    #[default]
    Committed,
}

impl CaseKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            CaseKind::Immediate => "即办件",
            CaseKind::Committed => "承诺件",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            CaseKind::Immediate => "immediate",
            CaseKind::Committed => "committed",
        }
    }
    /// The exchange/storage name ("immediate" / "committed").
    pub fn as_str(self) -> &'static str {
        self.name_en()
    }
    pub fn parse(text: &str) -> Option<CaseKind> {
        match text.trim() {
            "immediate" | "即办件" | "1" => Some(CaseKind::Immediate),
            "committed" | "承诺件" | "2" => Some(CaseKind::Committed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnlineDepth {
    /// 全程网办: no visit needed
    FullyOnline,
    /// 部分网办: apply online, visit once
    PartlyOnline,
    /// 不能网办
    #[default]
    Offline,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Fee {
    pub name: String,
    /// amount as written in the fee list, e.g. "每证10元"
    pub standard: String,
    pub basis: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// 证照
    Licence,
    /// 批文
    ApprovalDocument,
    /// 证明 / 登记 / 备案凭证
    Certificate,
    #[default]
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ResultInfo {
    pub name: String,
    pub kind: ResultKind,
    /// file name of the result sample (结果样本)
    pub sample: Option<String>,
    /// the uploaded result sample: SHA-256 of its content (see `attachment`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_attachment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessStep {
    /// 环节名称, e.g. 受理 / 审核 / 审批 / 办结 / 送达
    pub name: String,
    /// 环节时限, working days
    pub limit_days: u32,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    #[default]
    Original,
    Copy,
    OriginalAndCopy,
    Electronic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MaterialSource {
    /// 申请人自备
    #[default]
    Applicant,
    /// 政府部门核发
    Department,
    /// 中介机构
    Intermediary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    pub copies: u32,
    /// 材料规格, e.g. "A4纸"
    pub spec: String,
    pub required: bool,
    /// may be supplied after acceptance (容缺)
    pub deferrable: bool,
    pub electronic_required: bool,
    pub source: MaterialSource,
    /// where a department can fetch it instead of the applicant (共享数据来源)
    pub sharing_source: Option<String>,
    /// file name of the sample document (示范文本)
    pub sample: Option<String>,
    /// file name of the blank form (空白表格)
    pub blank_form: Option<String>,
    /// the uploaded sample document: SHA-256 of its content (see `attachment`)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_attachment: Option<String>,
    /// the uploaded blank form: SHA-256 of its content
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blank_form_attachment: Option<String>,
    pub basis: Option<String>,
    pub note: Option<String>,
}

impl Default for Material {
    fn default() -> Self {
        Self {
            name: String::new(),
            form: MaterialForm::Original,
            copies: 1,
            spec: "A4纸".to_owned(),
            required: true,
            deferrable: false,
            electronic_required: false,
            source: MaterialSource::Applicant,
            sharing_source: None,
            sample: None,
            blank_form: None,
            sample_attachment: None,
            blank_form_attachment: None,
            basis: None,
            note: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Faq {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct SpecialProcedure {
    /// 环节名称, e.g. 专家评审 / 现场核查 / 听证
    pub name: String,
    /// 所需时限, working days
    pub limit_days: u32,
    /// 法定依据
    pub basis: String,
    /// 是否收费
    pub charged: bool,
    /// 是否计入时限 (the law usually excludes them)
    pub counted_in_limit: bool,
}
