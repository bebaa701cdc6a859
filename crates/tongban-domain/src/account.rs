//! Real-name registration (实名注册) of a natural person, and the rules every self-chosen
//! password meets. Pure: today's date is given, so a birth date "in the future" is decided
//! by the caller's clock, not by this code's.

use jiff::civil::Date;

use crate::codes::ResidentId;
use crate::message::FieldError;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MAX_USERNAME_CHARS: usize = 64;
pub const MAX_NAME_CHARS: usize = 50;

/// Passwords people pick first; refused whatever their length. A list, kept as data.
const COMMON_PASSWORDS: &str = include_str!("../data/common_passwords.txt");

/// A person's registration as typed, before it is checked.
#[derive(Debug, Clone, Copy)]
pub struct RegistrationInput<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub name: &'a str,
    pub id_number: &'a str,
    pub phone: &'a str,
}

/// A registration that passed every check: the identifiers in canonical form.
#[derive(Clone)]
pub struct PersonRegistration {
    pub username: String,
    pub name: String,
    pub resident_id: ResidentId,
    pub phone: MobilePhone,
}

impl std::fmt::Debug for PersonRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonRegistration")
            .field("username", &self.username)
            .field("resident_id", &self.resident_id.masked())
            .field("phone", &self.phone.masked())
            .finish_non_exhaustive()
    }
}

impl PersonRegistration {
    /// Checks every field, the first fault named by its field.
    pub fn parse(input: RegistrationInput<'_>, today: Date) -> Result<Self, FieldError> {
        let username = check_username(input.username)?;
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(FieldError::new(
                "name",
                format!("请填写与身份证一致的姓名（{MAX_NAME_CHARS}字以内）"),
                format!("give your name as on your id card (up to {MAX_NAME_CHARS} characters)"),
            ));
        }
        let resident_id =
            ResidentId::parse(input.id_number).map_err(|e| FieldError::of("id_number", &e))?;
        let (year, month, day) = resident_id.birth_date();
        let born = Date::new(year as i16, month as i8, day as i8).ok();
        if born.is_none_or(|born| born > today) {
            return Err(FieldError::new(
                "id_number",
                "身份证号码中的出生日期晚于今天，请核对",
                "the birth date in the id number is after today; please check it",
            ));
        }
        let phone = MobilePhone::parse(input.phone).map_err(|e| e.named("phone"))?;
        check_password(input.password, &username, Some(resident_id.as_str()))?;
        Ok(PersonRegistration {
            username,
            name: name.to_owned(),
            resident_id,
            phone,
        })
    }
}

/// A username: 1 to 64 characters, no spaces; returned trimmed.
pub fn check_username(username: &str) -> Result<String, FieldError> {
    let username = username.trim();
    if username.is_empty()
        || username.chars().count() > MAX_USERNAME_CHARS
        || username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(FieldError::new(
            "username",
            format!("用户名应为1至{MAX_USERNAME_CHARS}个字符，不含空格"),
            format!("a username is 1 to {MAX_USERNAME_CHARS} characters without spaces"),
        ));
    }
    Ok(username.to_owned())
}

/// An email address as people type it: one `@`, a dotted domain, no spaces, at most 254
/// characters. Whether it is theirs is shown by following a link sent to it.
pub fn check_email(input: &str) -> Result<String, FieldError> {
    let email = input.trim();
    let plausible = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if !plausible {
        return Err(FieldError::new(
            "email",
            "电子邮箱格式不正确",
            "that is not an email address",
        ));
    }
    Ok(email.to_owned())
}

/// l***@example.com: the first character of the mailbox and the domain.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// A self-chosen password: 8 to 128 characters, at least two kinds of letters, digits and
/// symbols, not a common password, and not the username or id number in disguise.
pub fn check_password(
    password: &str,
    username: &str,
    id_number: Option<&str>,
) -> Result<(), FieldError> {
    let weak = |zh: &str, en: &str| Err(FieldError::new("password", zh, en));
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return weak(
            &format!("密码至少{MIN_PASSWORD_CHARS}位"),
            &format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        );
    }
    if length > MAX_PASSWORD_CHARS {
        return weak(
            &format!("密码不能超过{MAX_PASSWORD_CHARS}位"),
            &format!("the password may have at most {MAX_PASSWORD_CHARS} characters"),
        );
    }
    let kinds = [
        password.chars().any(|c| c.is_alphabetic()),
        password.chars().any(|c| c.is_ascii_digit()),
        password
            .chars()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    if kinds < 2 {
        return weak(
            "密码应包含字母、数字、符号中的至少两类",
            "the password needs at least two of: letters, digits, symbols",
        );
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && !common.starts_with('#') && lower == common)
    {
        return weak(
            "这是常见密码，容易被猜中，请换一个",
            "that is a common password and easily guessed; choose another",
        );
    }
    let username = username.trim().to_lowercase();
    if username.chars().count() >= 4 && lower.contains(&username) {
        return weak(
            "密码不能包含用户名",
            "the password may not contain the username",
        );
    }
    if let Some(id) = id_number
        && id.len() >= 8
        && (lower.contains(&id[id.len() - 6..].to_lowercase()) || lower.contains(&id[6..14]))
    {
        return weak(
            "密码不能包含身份证号码或出生日期",
            "the password may not contain the id number or the birth date",
        );
    }
    Ok(())
}

/// A mainland mobile number (11 digits, 1[3-9]…): what SMS reaches.
#[derive(Clone, PartialEq, Eq)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Accepts spaces, hyphens and a +86 prefix as people type them.
    pub fn parse(input: &str) -> Result<MobilePhone, FieldError> {
        let digits: String = input
            .trim()
            .trim_start_matches("+86")
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let valid = digits.len() == 11
            && digits.chars().all(|c| c.is_ascii_digit())
            && digits.starts_with('1')
            && matches!(digits.as_bytes()[1], b'3'..=b'9');
        if !valid {
            return Err(FieldError::new(
                "phone",
                "请填写11位手机号码（1开头，第二位为3至9）",
                "give an 11-digit mobile number (1, then 3 to 9, then nine digits)",
            ));
        }
        Ok(MobilePhone(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 138****0000
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl std::fmt::Debug for MobilePhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod email_tests {
    use super::*;

    #[test]
    fn emails_are_checked_and_masked() {
        assert_eq!(check_email(" li@example.cn ").unwrap(), "li@example.cn");
        for bad in [
            "li",
            "li@",
            "@example.cn",
            "li@localhost",
            "l i@example.cn",
            "a@b@c.cn",
        ] {
            assert_eq!(check_email(bad).unwrap_err().field, "email", "{bad}");
        }
        assert_eq!(mask_email("liumin@example.cn"), "l***@example.cn");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 3)
    }

    fn input<'a>() -> RegistrationInput<'a> {
        RegistrationInput {
            username: "liu.min",
            password: "Qinghe-2026",
            name: " 刘敏 ",
            id_number: "11010519491231002x",
            phone: "+86 138-0013-8000",
        }
    }

    fn field_of(input: RegistrationInput<'_>) -> String {
        PersonRegistration::parse(input, today()).unwrap_err().field
    }

    #[test]
    fn a_good_registration_is_canonical() {
        let person = PersonRegistration::parse(input(), today()).unwrap();
        assert_eq!(person.name, "刘敏");
        assert_eq!(person.resident_id.as_str(), "11010519491231002X");
        assert_eq!(person.phone.as_str(), "13800138000");
        assert_eq!(person.phone.masked(), "138****8000");
        let shown = format!("{person:?}");
        assert!(
            !shown.contains("19491231") && !shown.contains("00138000"),
            "{shown}"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad_check = RegistrationInput {
            id_number: "110105194912310021",
            ..input()
        };
        assert_eq!(field_of(bad_check), "id_number");
        let error = PersonRegistration::parse(bad_check, today()).unwrap_err();
        assert!(error.zh.contains("校验"), "{}", error.zh);
        // 2030-01-01 is a real date, but not a birth date yet
        let unborn = RegistrationInput {
            id_number: "110105203001010011",
            ..input()
        };
        let error = PersonRegistration::parse(unborn, today());
        assert!(
            error.as_ref().is_err_and(|e| e.field == "id_number"),
            "{error:?}"
        );
        let landline = RegistrationInput {
            phone: "010-12345678",
            ..input()
        };
        assert_eq!(field_of(landline), "phone");
        let no_name = RegistrationInput {
            name: "  ",
            ..input()
        };
        assert_eq!(field_of(no_name), "name");
        let long_name = "名".repeat(MAX_NAME_CHARS + 1);
        let long = RegistrationInput {
            name: &long_name,
            ..input()
        };
        assert_eq!(field_of(long), "name");
        let spaced = RegistrationInput {
            username: "liu min",
            ..input()
        };
        assert_eq!(field_of(spaced), "username");
    }

    #[test]
    fn weak_passwords_are_refused_with_the_reason() {
        let reason = |password: &str| {
            check_password(password, "liu.min", Some("11010519491231002X"))
                .err()
                .map(|e| e.en)
        };
        assert!(reason("short1").unwrap().contains("at least 8"));
        assert!(reason("abcdefghij").unwrap().contains("two of"));
        assert!(reason("1234567890").unwrap().contains("two of"));
        assert!(reason("Password1").unwrap().contains("common"));
        assert!(reason("xx-liu.min-9").unwrap().contains("username"));
        assert!(reason("abc19491231").unwrap().contains("birth date"));
        assert!(reason("abc31002x").unwrap().contains("id number"));
        assert!(reason(&"a1".repeat(65)).unwrap().contains("at most"));
        assert_eq!(reason("Qinghe-2026"), None);
        assert_eq!(
            reason("清河-二零二六年春"),
            None,
            "Chinese letters and a symbol"
        );
    }

    #[test]
    fn mobile_numbers_are_mainland_mobiles() {
        assert!(MobilePhone::parse("13800138000").is_ok());
        assert!(MobilePhone::parse("199 0000 1111").is_ok());
        for bad in [
            "12800138000",
            "1380013800",
            "138001380000",
            "1380013800x",
            "",
        ] {
            assert!(MobilePhone::parse(bad).is_err(), "{bad}");
        }
    }
}
