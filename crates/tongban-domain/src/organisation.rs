//! Legal persons and other organisations (法人和其他组织): registered by their unified social
//! credit code (GB 32100), and the people who act for them — the legal representative
//! (法定代表人) and authorised agents (授权经办人) the representative names.

use crate::codes::Uscc;
use crate::message::FieldError;

pub const MAX_ORGANISATION_NAME_CHARS: usize = 100;
pub const MAX_PERSON_NAME_CHARS: usize = 50;

/// In what capacity a person acts for an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// 法定代表人（负责人）: may name and remove agents
    LegalRepresentative,
    /// 授权经办人: applies and follows cases for the organisation
    AuthorisedAgent,
    /// 受托代办人: applies for another natural person (a family member, say)
    Delegate,
}

impl Capacity {
    pub fn as_str(self) -> &'static str {
        match self {
            Capacity::LegalRepresentative => "legal_representative",
            Capacity::AuthorisedAgent => "authorised_agent",
            Capacity::Delegate => "delegate",
        }
    }

    pub fn parse(text: &str) -> Option<Capacity> {
        [
            Capacity::LegalRepresentative,
            Capacity::AuthorisedAgent,
            Capacity::Delegate,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Capacity::LegalRepresentative => "法定代表人",
            Capacity::AuthorisedAgent => "授权经办人",
            Capacity::Delegate => "受托代办人",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Capacity::LegalRepresentative => "legal representative",
            Capacity::AuthorisedAgent => "authorised agent",
            Capacity::Delegate => "delegate",
        }
    }
}

/// An organisation as registered, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRegistration {
    pub uscc: Uscc,
    pub name: String,
    pub legal_representative: String,
}

impl OrganisationRegistration {
    /// Checks the code's check character and the names. The person registering must be the
    /// legal representative named (`registrant_name`, their real name on file): anyone else
    /// is an agent, whom the representative names afterwards.
    pub fn parse(
        uscc: &str,
        name: &str,
        legal_representative: &str,
        registrant_name: &str,
    ) -> Result<Self, FieldError> {
        let uscc = Uscc::parse(uscc).map_err(|e| FieldError::of("uscc", &e))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_ORGANISATION_NAME_CHARS {
            return Err(FieldError::new(
                "name",
                format!("请填写营业执照上的名称（{MAX_ORGANISATION_NAME_CHARS}字以内）"),
                format!(
                    "give the name on the business licence (up to {MAX_ORGANISATION_NAME_CHARS} characters)"
                ),
            ));
        }
        let representative = legal_representative.trim();
        if representative.is_empty() || representative.chars().count() > MAX_PERSON_NAME_CHARS {
            return Err(FieldError::new(
                "legal_representative",
                "请填写法定代表人姓名",
                "give the legal representative's name",
            ));
        }
        if representative != registrant_name.trim() {
            return Err(FieldError::new(
                "legal_representative",
                "只有法定代表人本人可以注册法人账号；经办人请由法定代表人授权",
                "only the legal representative may register the organisation; agents are named by them",
            ));
        }
        Ok(Self {
            uscc,
            name: name.to_owned(),
            legal_representative: representative.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_representative_registers_with_a_valid_code() {
        let ok = OrganisationRegistration::parse(
            "91110000600037341l",
            " 云溪市青禾餐饮有限公司 ",
            "刘敏",
            "刘敏",
        )
        .unwrap();
        assert_eq!(ok.uscc.as_str(), "91110000600037341L");
        assert_eq!(ok.name, "云溪市青禾餐饮有限公司");
        let field = |uscc: &str, name: &str, rep: &str| {
            OrganisationRegistration::parse(uscc, name, rep, "刘敏")
                .unwrap_err()
                .field
        };
        assert_eq!(field("91110000600037341X", "公司", "刘敏"), "uscc");
        assert_eq!(field("91110000600037341L", "", "刘敏"), "name");
        assert_eq!(
            field("91110000600037341L", "公司", "张三"),
            "legal_representative"
        );
        assert_eq!(
            Capacity::parse("authorised_agent"),
            Some(Capacity::AuthorisedAgent)
        );
        assert_eq!(Capacity::parse("owner"), None);
    }
}
