//! The browser entry point: hydrates the server-rendered page with the shared [`app::App`].

/// Called by the generated JavaScript once the wasm module is loaded. Marks `<body data-hydrated>` afterwards,
/// so tests and tools can tell a live page from server-rendered HTML.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
