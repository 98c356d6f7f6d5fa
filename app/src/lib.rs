//! Tabletalk's shared crate: compiled for the browser (`hydrate`) and the server (`ssr`).
//!
//! - [`domain`]: pure rules shared by both sides (no leptos, no I/O): the `domain` crate, re-exported.
//! - [`api`]: server functions, the request/response calls of the pages.
//! - [`feed`]: the live WebSocket feed of a channel, with reconnect and an outbox.
//! - [`pages`]: one file per route; [`components`]: the pieces pages are made of.
//!
//! [`shell`] is the HTML document the server renders; [`App`] is the router both sides share.

// The campaign page's views nest deeply; every build erases component types (.cargo/config.toml), and the
// limit still leaves room for a build without erasure.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
/// The pure shared rules, a crate of their own (`domain/`) so nothing framework-shaped can creep in.
pub use domain;
pub mod feed;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server for every page load.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en" class="dark">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="bg-slate-950 text-slate-100 antialiased">
                <App />
            </body>
        </html>
    }
}

/// Sends the page's Content-Security-Policy: only scripts carrying this response's nonce run (Leptos puts it
/// on its hydration scripts), and what they load ('strict-dynamic'); the `.wasm` may compile; nothing may
/// frame the page, post forms elsewhere or load plugins. Set while the shell renders, before the first chunk
/// leaves, so it is a real header and not a `<meta>`.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The router: every page of Tabletalk.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(feed::Drafts::default());
    view! {
        <Stylesheet id="leptos" href="/pkg/tabletalk.css" />
        <Title text="Tabletalk" />
        <Router>
            <components::nav::NavBar />
            <main class="mx-auto max-w-6xl">
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home />
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/register") view=pages::register::RegisterPage />
                    <Route path=path!("/campaigns") view=pages::campaigns::CampaignsPage />
                    <Route path=path!("/campaigns/:campaign_id") view=pages::campaign::CampaignPage />
                    <Route path=path!("/campaigns/:campaign_id/sessions/:session_id") view=pages::campaign::CampaignPage />
                    <Route path=path!("/campaigns/:campaign_id/channels/:channel_id") view=pages::campaign::CampaignPage />
                    <Route path=path!("/invite/:code") view=pages::invite::InvitePage />
                </Routes>
            </main>
        </Router>
    }
}
