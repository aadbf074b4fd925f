//! Small inline SVG icons (decorative: every use sits beside a text label).

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub enum Icon {
    Home,
    Goals,
    People,
    Org,
    Person,
    Plus,
    SignOut,
    Reviews,
    Bell,
}

impl Icon {
    fn path(self) -> &'static str {
        match self {
            Icon::Home => "M3 11.5 12 4l9 7.5M5.5 10v9.5h13V10",
            Icon::Goals => "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Zm0-4a5 5 0 1 0 0-10 5 5 0 0 0 0 10Zm0-4a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z",
            Icon::People => "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm-6 9c0-3.3 2.7-5.5 6-5.5s6 2.2 6 5.5M16 4.5a3.2 3.2 0 0 1 0 6.2M18 14.8c1.8.7 3 2.4 3 5.2",
            Icon::Org => "M9.5 3.5h5v4h-5zM3 16.5h5v4H3zM9.5 16.5h5v4h-5zM16 16.5h5v4h-5zM12 7.5v4.5M5.5 16.5V12h13v4.5M12 12v4.5",
            Icon::Person => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7.5 8.5c0-4 3.4-6.5 7.5-6.5s7.5 2.5 7.5 6.5",
            Icon::Plus => "M12 5v14M5 12h14",
            Icon::SignOut => "M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10",
            Icon::Reviews => "M9 4.5h6v3H9zM15 5.5h3.5v15h-13v-15H9M8.5 12.5l2 2 4-4.5M8.5 17.5h7",
            Icon::Bell => "M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 2h-15ZM10 20.5a2 2 0 0 0 4 0",
        }
    }
}

#[component]
pub fn IconSvg(icon: Icon) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
            <path d=icon.path() fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>
        </svg>
    }
}
