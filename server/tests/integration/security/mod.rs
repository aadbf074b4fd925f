//! Sessions, sign-in, the session gate, cross-site refusal, permissions and error hygiene,
//! on every backend the environment offers. The headers and the proxy settings are in `edge.rs`.

mod access;
mod gate;
mod signin;
