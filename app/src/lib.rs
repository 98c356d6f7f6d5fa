//! Tabletalk's shared crate: compiled for the browser (`hydrate`) and the server (`ssr`).
//!
//! - [`domain`]: pure rules shared by both sides (no leptos, no I/O).
//! - [`api`]: server functions, the request/response calls of the pages.
//! - [`feed`]: the live WebSocket feed of a channel, with reconnect and an outbox.
//! - [`pages`]: one file per route; [`components`]: the pieces pages are made of.
//!
//! [`shell`] is the HTML document the server renders; [`App`] is the router both sides share.

// Release builds keep Leptos' full view types (debug builds erase them), and the campaign page nests deeply.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod feed;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server for every page load.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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

/// The router: every page of Tabletalk.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
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
