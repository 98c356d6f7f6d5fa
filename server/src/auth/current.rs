//! Who is asking: the current-user extractor for every HTTP surface (the gateway, the export, the server
//! functions through their backend), and the address a request came from.

use super::cookie::session_token;
use super::{AuthService, Login};
use crate::error::ProblemResponse;
use app::domain::Problem;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The caller's valid login session; rejects with `not_authenticated` (401) when there is none.
pub struct CurrentLogin(pub Login);

impl<S> FromRequestParts<S> for CurrentLogin
where
    S: Send + Sync,
    AuthService: FromRef<S>,
{
    type Rejection = ProblemResponse;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = AuthService::from_ref(state);
        match login_of(&auth, parts).await? {
            Some(login) => Ok(Self(login)),
            None => Err(ProblemResponse(Problem::not_authenticated())),
        }
    }
}

/// The login session a request's cookie names, if it is valid.
pub async fn login_of(auth: &AuthService, parts: &Parts) -> Result<Option<Login>, Problem> {
    match session_token(&parts.headers) {
        Some(token) => auth.authenticate(&token).await,
        None => Ok(None),
    }
}

/// The address the request came from (the TCP peer), when the server was started with connection info.
pub fn client_address(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}
