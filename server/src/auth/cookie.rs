//! The session cookie: its name, reading it from a request and writing it on a response. The one place that
//! knows its shape; the gateway, the export and the server functions all go through here.

use axum::http::{header, HeaderMap};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tt_session";

/// How long the cookie is kept by the browser (the session itself may end sooner, by logout).
const MAX_AGE_SECONDS: i64 = 30 * 24 * 60 * 60;

/// The session token a request carries, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The value of cookie `name` among a request's headers.
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value that sets (or, with `None`, clears) the session cookie: HttpOnly so scripts cannot
/// read it, SameSite=Lax so other sites cannot post with it, Secure when served over HTTPS.
pub fn set_cookie(token: Option<&str>, secure: bool) -> String {
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={MAX_AGE_SECONDS}{}",
            if secure { "; Secure" } else { "" }
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; tt_session=abc".parse().unwrap());
        headers.append(header::COOKIE, "b=2".parse().unwrap());
        assert_eq!(session_token(&headers).as_deref(), Some("abc"));
        assert_eq!(cookie_value(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn the_cookie_is_http_only_and_secure_when_asked() {
        assert_eq!(
            set_cookie(Some("t"), true),
            "tt_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000; Secure"
        );
        assert!(set_cookie(None, false).ends_with("Max-Age=0"));
    }
}
