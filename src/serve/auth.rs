//! Bearer tokens: every route but `/healthz` needs one when tokens are configured.
use super::error::ApiError;
use super::state::ServeState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Routes open without a token.
const OPEN: [&str; 1] = ["/healthz"];

/// Equal in time whatever the first difference (a token is a secret).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn require_token(
    State(state): State<ServeState>,
    request: Request,
    next: Next,
) -> Response {
    let tokens = &state.config.tokens;
    if tokens.is_empty() || OPEN.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let known = given.is_some_and(|g| {
        tokens
            .iter()
            .fold(false, |ok, t| ok | same(g.as_bytes(), t.as_bytes()))
    });
    if known {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}
