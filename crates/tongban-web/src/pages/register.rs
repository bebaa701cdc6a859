//! Real-name registration in the portal (实名注册): the same checks as the API, each fault
//! shown beside its field, nothing typed lost but the passwords; on success the person is
//! signed in and lands in their user centre.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongban_domain::FieldError;

use super::session::sign_in;
use super::{Chrome, render};
use crate::api::auth::{RegisterRequest, register_person};
use crate::auth::Viewer;
use crate::error::PageError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    form: RegisterForm,
    /// the field at fault and why
    error: Option<(String, String)>,
}

impl RegisterPage {
    fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == field)
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn form(viewer: Viewer) -> Response {
    let chrome = Chrome::new(
        &viewer,
        viewer.prefs.lang.texts().register_title,
        "/register",
    );
    render(&RegisterPage {
        chrome,
        form: RegisterForm::default(),
        error: None,
    })
}

pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<RegisterForm>,
) -> Response {
    let lang = viewer.prefs.lang;
    let refused = |form: RegisterForm, status: StatusCode, field: String, message: String| {
        let chrome = Chrome::new(&viewer, lang.texts().register_title, "/register");
        let page = RegisterPage {
            chrome,
            form: RegisterForm {
                password: String::new(),
                password_again: String::new(),
                ..form
            },
            error: Some((field, message)),
        };
        (status, render(&page)).into_response()
    };
    if form.password != form.password_again {
        let error = FieldError::new(
            "password_again",
            "两次输入的密码不一致",
            "the two passwords differ",
        );
        let message = lang.pick(&error.zh, &error.en).to_owned();
        return refused(form, StatusCode::BAD_REQUEST, error.field, message);
    }
    let request = RegisterRequest {
        username: form.username.clone(),
        password: form.password.clone(),
        name: form.name.clone(),
        id_number: form.id_number.clone(),
        phone: form.phone.clone(),
    };
    let account = match register_person(&state, &request).await {
        Ok(account) => account,
        Err(error) if error.field_name().is_some() => {
            let field = error.field_name().unwrap_or_default().to_owned();
            let message = error.message(lang).to_owned();
            return refused(form, error.status(), field, message);
        }
        Err(error) => return PageError::api(error, viewer.prefs).into_response(),
    };
    let actor = match tongban_store::accounts::actor(&state.store, account.id).await {
        Ok(Some(actor)) => actor,
        Ok(None) => return PageError::internal().into_response(),
        Err(error) => return PageError::store(error, viewer.prefs).into_response(),
    };
    sign_in(&state, &actor, "/account", viewer.prefs).await
}
