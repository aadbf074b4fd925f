//! Pure statistics over plain data: no I/O, no Leptos, no SQL.

pub mod forecast;
pub mod headcount;
