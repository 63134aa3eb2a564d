//! The dashboard: one page of plain HTML, CSS and JavaScript shipped inside the binary, reading
//! the runs API (no CDN, nothing fetched from elsewhere).
mod assets;

pub use assets::router;
