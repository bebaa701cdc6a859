//! A person as an external identity provider vouches for them (统一身份认证: a provincial
//! platform signs people in over OpenID Connect and tells us who they are). Pure: the
//! verified claims come in, a checked person comes out, or the claim that is wrong.

use jiff::civil::Date;

use crate::account::{MAX_NAME_CHARS, MobilePhone};
use crate::codes::ResidentId;
use crate::message::FieldError;

/// Which claims carry the person's real-name data; providers name them differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    pub name: String,
    pub id_number: String,
    pub phone: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        Self {
            name: "name".to_owned(),
            id_number: "id_number".to_owned(),
            phone: "phone_number".to_owned(),
        }
    }
}

/// Who signed in at the provider: its stable subject, and what it vouches for.
#[derive(Clone)]
pub struct ExternalPerson {
    /// the provider's issuer URL
    pub issuer: String,
    /// the provider's stable id for this person (`sub`)
    pub subject: String,
    pub name: Option<String>,
    pub resident_id: Option<ResidentId>,
    pub phone: Option<MobilePhone>,
}

impl std::fmt::Debug for ExternalPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalPerson")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .field(
                "resident_id",
                &self.resident_id.as_ref().map(|r| r.masked()),
            )
            .finish_non_exhaustive()
    }
}

impl ExternalPerson {
    /// Checks the claims a provider signed: a resident id it gives must be valid and born by
    /// `today`, a name must be a name; a phone that is not a mainland mobile is left out
    /// (it is contact data, not identity). Absent claims stay absent.
    pub fn from_claims(
        issuer: &str,
        subject: &str,
        claim: impl Fn(&str) -> Option<String>,
        names: &ClaimNames,
        today: Date,
    ) -> Result<Self, FieldError> {
        let given = |name: &str| {
            claim(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let name = given(&names.name);
        if name
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
        {
            return Err(refused(&names.name, "姓名过长", "the name is too long"));
        }
        let resident_id = match given(&names.id_number) {
            Some(id) => {
                let id =
                    ResidentId::parse(&id).map_err(|e| FieldError::of(&names.id_number, &e))?;
                let (year, month, day) = id.birth_date();
                let born = Date::new(year as i16, month as i8, day as i8).ok();
                if born.is_none_or(|born| born > today) {
                    return Err(refused(
                        &names.id_number,
                        "身份证号码中的出生日期晚于今天",
                        "the birth date in the id number is after today",
                    ));
                }
                Some(id)
            }
            None => None,
        };
        let phone = given(&names.phone).and_then(|p| MobilePhone::parse(&p).ok());
        Ok(ExternalPerson {
            issuer: issuer.to_owned(),
            subject: subject.to_owned(),
            name,
            resident_id,
            phone,
        })
    }

    /// The real-name data a new account needs: a name and a resident id.
    pub fn real_name(&self) -> Option<(&str, &ResidentId)> {
        Some((self.name.as_deref()?, self.resident_id.as_ref()?))
    }
}

fn refused(claim: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(
        claim,
        format!("统一身份认证平台提供的信息有误：{zh}"),
        format!("the identity provider's data is wrong: {en}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = jiff::civil::date(2026, 12, 3);

    fn claims(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn person(pairs: &[(&str, &str)]) -> Result<ExternalPerson, FieldError> {
        ExternalPerson::from_claims(
            "https://id.example.gov.cn",
            "s-1",
            claims(pairs),
            &ClaimNames::default(),
            TODAY,
        )
    }

    #[test]
    fn a_full_set_of_claims_gives_a_real_name() {
        let p = person(&[
            ("name", " 张三 "),
            ("id_number", "11010519491231002x"),
            ("phone_number", "+86 139-1234-5678"),
        ])
        .unwrap();
        let (name, id) = p.real_name().unwrap();
        assert_eq!(name, "张三");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(p.phone.unwrap().as_str(), "13912345678");
    }

    #[test]
    fn without_an_id_number_there_is_no_real_name() {
        let p = person(&[("name", "张三")]).unwrap();
        assert!(p.real_name().is_none());
        assert!(p.resident_id.is_none());
    }

    #[test]
    fn a_bad_id_number_is_refused_naming_the_claim() {
        let error = person(&[("name", "张三"), ("id_number", "110105194912310021")]).unwrap_err();
        assert_eq!(error.field, "id_number");
        let names = ClaimNames {
            id_number: "idcard".to_owned(),
            ..ClaimNames::default()
        };
        let error =
            ExternalPerson::from_claims("i", "s", claims(&[("idcard", "12345")]), &names, TODAY)
                .unwrap_err();
        assert_eq!(error.field, "idcard");
    }

    #[test]
    fn an_unborn_person_is_refused() {
        // valid check character, born 2030-01-01
        let body = "11010520300101001";
        let id = format!("{body}{}", crate::codes::resident_id::check_character(body));
        let error = person(&[("name", "张三"), ("id_number", &id)]).unwrap_err();
        assert_eq!(error.field, "id_number");
    }

    #[test]
    fn a_phone_that_is_not_a_mobile_is_left_out() {
        let p = person(&[("phone_number", "010-12345678")]).unwrap();
        assert!(p.phone.is_none());
    }
}
