//! Request bodies and query strings read into typed input, refused in the API's one error
//! shape (`{"error": {"field", "message", "message_en"}}`) naming the field at fault, rather
//! than in axum's plain-text rejections.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tongban_domain::FieldError;

use crate::error::ApiError;

/// A JSON body (`Json` with the API's errors).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_refusal(&rejection)),
        }
    }
}

/// A query string (`Query` with the API's errors).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => Err(query_refusal(&rejection)),
        }
    }
}

fn json_refusal(rejection: &JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::field(FieldError::new(
            "body",
            "请求体应为JSON（Content-Type: application/json）",
            "the body must be JSON (Content-Type: application/json)",
        )),
        JsonRejection::JsonSyntaxError(_) => ApiError::field(FieldError::new(
            "body",
            "请求体不是有效的JSON",
            "the body is not valid JSON",
        )),
        JsonRejection::JsonDataError(error) => {
            let (field, problem) = field_and_problem(&error.body_text());
            ApiError::field(FieldError::new(
                field,
                format!("字段内容不符合要求：{problem}"),
                format!("the field is not as expected: {problem}"),
            ))
        }
        other => ApiError::new(
            other.status(),
            "请求体无法读取",
            "the body could not be read",
        ),
    }
}

fn query_refusal(rejection: &QueryRejection) -> ApiError {
    let (field, problem) = field_and_problem(&rejection.body_text());
    ApiError::field(FieldError::new(
        field,
        format!("查询参数不符合要求：{problem}"),
        format!("a query parameter is not as expected: {problem}"),
    ))
}

/// Reads serde's message as axum words it: "…: path.to.field: what is wrong", or "missing
/// field `name`" with no path. Returns the field ("body" when none is named) and the problem.
fn field_and_problem(text: &str) -> (String, String) {
    // axum's preamble ("Failed to deserialize …") ends at the first colon.
    let detail = text.split_once(": ").map_or(text, |(_, rest)| rest);
    let (path, problem) = match detail.split_once(": ") {
        Some((path, problem)) if !path.contains(' ') => (Some(path), problem),
        _ => (None, detail),
    };
    let problem = problem
        .split(" at line ")
        .next()
        .unwrap_or(problem)
        .to_owned();
    let missing = problem
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (path, missing) {
        (Some(path), Some(name)) if path != "." => format!("{path}.{name}"),
        (_, Some(name)) => name.to_owned(),
        (Some(path), None) if path != "." => path.to_owned(),
        _ => "body".to_owned(),
    };
    (field, problem)
}

#[cfg(test)]
mod tests {
    use super::field_and_problem;

    #[test]
    fn names_the_field_serde_complains_about() {
        let text = "Failed to deserialize the JSON body into the target type: scope: unknown variant `root`, expected `full` or `read` at line 1 column 60";
        assert_eq!(
            field_and_problem(text),
            (
                "scope".to_owned(),
                "unknown variant `root`, expected `full` or `read`".to_owned()
            )
        );
        let missing = "Failed to deserialize the JSON body into the target type: missing field `username` at line 1 column 2";
        assert_eq!(field_and_problem(missing).0, "username");
        let nested = "Failed to deserialize the JSON body into the target type: applicant: missing field `phone` at line 1 column 9";
        assert_eq!(field_and_problem(nested).0, "applicant.phone");
        let query = "Failed to deserialize query string: limit: invalid digit found in string";
        assert_eq!(field_and_problem(query).0, "limit");
    }
}
