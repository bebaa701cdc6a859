//! Who applies: a person with a resident id, or an organisation with its USCC, and a phone to
//! be told on. Personal data: the store seals it, pages and logs show it masked.

use serde::{Deserialize, Serialize};

use super::event::ApplicantKind;
use crate::codes::{ResidentId, Uscc};
use crate::message::FieldError;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    /// resident id (person) or USCC (organisation), in canonical form
    pub id_number: String,
    pub phone: String,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applicant")
            .field("kind", &self.kind)
            .field("name", &self.masked_name())
            .field("id_number", &self.masked_id_number())
            .field("phone", &self.masked_phone())
            .finish()
    }
}

impl Applicant {
    /// Checks the applicant as typed: the id number against its check character, the phone
    /// as a mainland mobile or landline number.
    pub fn parse(
        kind: ApplicantKind,
        name: &str,
        id_number: &str,
        phone: &str,
    ) -> Result<Applicant, FieldError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(FieldError::new(
                "applicant.name",
                "请填写申请人名称（100字以内）",
                "give the applicant's name (up to 100 characters)",
            ));
        }
        let id_number = match kind {
            ApplicantKind::Person => ResidentId::parse(id_number)
                .map(|id| id.as_str().to_owned())
                .map_err(|e| FieldError::of("applicant.id_number", &e))?,
            ApplicantKind::Organisation => Uscc::parse(id_number)
                .map(|id| id.as_str().to_owned())
                .map_err(|e| FieldError::of("applicant.id_number", &e))?,
        };
        let phone: String = phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = phone.chars().all(|c| c.is_ascii_digit());
        if !digits || !(7..=12).contains(&phone.len()) {
            return Err(FieldError::new(
                "applicant.phone",
                "请填写有效的联系电话",
                "give a valid phone number",
            ));
        }
        Ok(Applicant {
            kind,
            name: name.to_owned(),
            id_number,
            phone,
        })
    }

    /// 张** / 云溪市某某公司 → 云溪********司: the first character and, for longer names, the last.
    pub fn masked_name(&self) -> String {
        mask_name(&self.name)
    }

    pub fn masked_id_number(&self) -> String {
        crate::codes::mask_resident_id_text(&self.id_number)
    }

    pub fn masked_phone(&self) -> String {
        let n = self.phone.len();
        if n <= 7 {
            return "*".repeat(n);
        }
        format!("{}****{}", &self.phone[..3], &self.phone[n - 4..])
    }
}

/// 张三 → 张*, 王小明 → 王**, 云溪市某公司 → 云*****司: the first character, and the last of longer names.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        3 => format!("{}**", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicants_are_checked_and_masked() {
        let person = Applicant::parse(
            ApplicantKind::Person,
            " 张三 ",
            "11010519491231002x",
            "138-0013-8000",
        )
        .unwrap();
        assert_eq!(person.id_number, "11010519491231002X");
        assert_eq!(person.masked_name(), "张*");
        assert_eq!(person.masked_id_number(), "110105********002X");
        assert_eq!(person.masked_phone(), "138****8000");
        let shown = format!("{person:?}");
        assert!(!shown.contains("张三") && !shown.contains("19491231") && !shown.contains("0013"));
        let company = Applicant::parse(
            ApplicantKind::Organisation,
            "云溪市好味餐饮有限公司",
            "91110000600037341L",
            "08393312315",
        )
        .unwrap();
        assert_eq!(company.masked_name(), "云*********司");
        let bad = Applicant::parse(
            ApplicantKind::Person,
            "张三",
            "91110000600037341L",
            "13800138000",
        );
        assert_eq!(bad.unwrap_err().field, "applicant.id_number");
        let bad = Applicant::parse(ApplicantKind::Person, "张三", "11010519491231002X", "12");
        assert_eq!(bad.unwrap_err().field, "applicant.phone");
        let bad = Applicant::parse(
            ApplicantKind::Person,
            " ",
            "11010519491231002X",
            "13800138000",
        );
        assert_eq!(bad.unwrap_err().field, "applicant.name");
    }
}
