//! Errors of the native API, as JSON `{"error": {"code", "message"}}` with a status. Messages
//! say what failed and what to do, and never carry a host path.
use super::scrub::scrub_host_paths;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("missing or unknown bearer token: send `Authorization: Bearer <token>`")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "the server is at capacity ({running} running, {waiting} waiting): retry after {retry_after_secs}s"
    )]
    Busy {
        running: usize,
        waiting: usize,
        retry_after_secs: u64,
    },
    #[error(
        "the request did not finish within the server's deadline of {0}s; its containers were removed"
    )]
    Deadline(u64),
    #[error("the server is shutting down; retry on another instance or later")]
    ShuttingDown,
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Busy { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Deadline(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::ShuttingDown | ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Busy { .. } => "busy",
            ApiError::Deadline(_) => "deadline",
            ApiError::ShuttingDown => "shutting_down",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::NotFound(_) => "not_found",
            ApiError::Conflict(_) => "conflict",
        }
    }

    /// The message a client sees: host paths removed.
    pub fn message(&self) -> String {
        scrub_host_paths(&self.to_string())
    }

    /// Headers every error answer carries (`Retry-After` on 429/503, `WWW-Authenticate` on 401).
    pub fn decorate(&self, response: &mut Response) {
        let headers = response.headers_mut();
        match self {
            ApiError::Busy {
                retry_after_secs, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            ApiError::ShuttingDown => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(5u64));
            }
            ApiError::Unauthorized => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code(), "message": self.message()}});
        let mut response = (self.status(), axum::Json(body)).into_response();
        self.decorate(&mut response);
        response
    }
}
