//! Keel: performance management, self-hosted. This crate is compiled twice: with `ssr` into
//! the server, and with `hydrate` into the WebAssembly that makes pages interactive.

pub mod api;
pub mod error;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

/// The browser entry point: hydrates the server-rendered page. A panic in the browser is
/// written to the console with its message and place (without the hook it is an opaque
/// "unreachable" trap).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
}
