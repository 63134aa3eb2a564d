//! Errors of the runs API, as JSON `{error}` with a status. Messages never name host paths:
//! callers redact them (task roots by name) before building one.
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(message) = &self {
            tracing::warn!("runs API: {message}");
        }
        let body = serde_json::json!({ "error": self.to_string() });
        (self.status(), Json(body)).into_response()
    }
}

/// axum's own refusals (a bad query string, an oversized body) as JSON errors too.
impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::BadRequest(format!("query string: {}", e.body_text()))
    }
}

impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(e: axum::extract::rejection::BytesRejection) -> Self {
        ApiError::BadRequest(format!("request body: {}", e.body_text()))
    }
}

/// The store's location is the server's business: a message names it "the store".
pub fn redact_store(message: &str, store: &str) -> String {
    let path = store.strip_prefix("sqlite://").unwrap_or(store);
    if path.is_empty() {
        message.to_string()
    } else {
        message.replace(path, "the store")
    }
}
