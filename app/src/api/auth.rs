//! Account server functions: register, log in, log out, and who is logged in.

use super::codec::TextJson;
use super::ApiError;
use crate::domain::views::UserSummary;
use leptos::prelude::*;

/// Creates an account, logs it in and sends the browser to `next` (or the campaign list).
#[server(output = TextJson)]
pub async fn register(username: String, password: String, next: Option<String>) -> Result<UserSummary, ApiError> {
    use super::backend::{backend, request_parts, set_cookie};
    let (user, cookie) = backend()?.register(&request_parts()?, &username, &password).await?;
    set_cookie(&cookie);
    leptos_axum::redirect(&safe_next(next));
    Ok(user)
}

/// Logs in and sends the browser to `next` (or the campaign list). An unknown user and a wrong password get
/// the same `invalid_credentials` answer.
#[server(output = TextJson)]
pub async fn login(username: String, password: String, next: Option<String>) -> Result<UserSummary, ApiError> {
    use super::backend::{backend, request_parts, set_cookie};
    let (user, cookie) = backend()?.login(&request_parts()?, &username, &password).await?;
    set_cookie(&cookie);
    leptos_axum::redirect(&safe_next(next));
    Ok(user)
}

/// Ends the login session, which closes its open sockets in every tab, and clears the cookie.
#[server(output = TextJson)]
pub async fn logout() -> Result<(), ApiError> {
    use super::backend::{backend, request_parts, set_cookie};
    let cookie = backend()?.logout(&request_parts()?).await?;
    set_cookie(&cookie);
    leptos_axum::redirect("/login");
    Ok(())
}

/// The logged-in user, or `None`.
#[server(output = TextJson)]
pub async fn current_user() -> Result<Option<UserSummary>, ApiError> {
    use super::backend::{backend, request_parts};
    backend()?.current_user(&request_parts()?).await.map_err(ApiError::from)
}

/// Only same-site paths are followed after login, so a crafted link cannot send a user elsewhere.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path,
        _ => "/campaigns".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_only_follows_local_paths() {
        assert_eq!(safe_next(Some("/invite/abc".into())), "/invite/abc");
        assert_eq!(safe_next(Some("//evil.example".into())), "/campaigns");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/campaigns");
        assert_eq!(safe_next(Some("/\\evil.example".into())), "/campaigns");
        assert_eq!(safe_next(None), "/campaigns");
    }
}
