//! The agents' console in the browser: the page at `/console` and its style and scripts at
//! `/console/{file}`, all compiled into the binary. The scripts are plain JavaScript modules
//! with no build step; the Socket.IO client is the same vendored file the widget bundles. The
//! page loads nothing from another host, and its Content-Security-Policy says so.

use crate::errors::AppError;
use crate::extract::PathParams;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use utoipa::IntoParams;

const PAGE: &str = include_str!("../../assets/console/console.html");

/// Scripts, styles and the page may only come from this server; connections only go back to it.
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The console's files: name under `/console/`, content type, content.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "console.css",
        CSS,
        include_str!("../../assets/console/console.css"),
    ),
    (
        "console.js",
        JAVASCRIPT,
        include_str!("../../assets/console/console.js"),
    ),
    (
        "api.js",
        JAVASCRIPT,
        include_str!("../../assets/console/api.js"),
    ),
    (
        "live.js",
        JAVASCRIPT,
        include_str!("../../assets/console/live.js"),
    ),
    (
        "view.js",
        JAVASCRIPT,
        include_str!("../../assets/console/view.js"),
    ),
    (
        "typing.js",
        JAVASCRIPT,
        include_str!("../../assets/console/typing.js"),
    ),
    (
        "dashboard.js",
        JAVASCRIPT,
        include_str!("../../assets/console/dashboard.js"),
    ),
    (
        "dashboard-widgets.js",
        JAVASCRIPT,
        include_str!("../../assets/console/dashboard-widgets.js"),
    ),
    (
        "dashboard-layout.js",
        JAVASCRIPT,
        include_str!("../../assets/console/dashboard-layout.js"),
    ),
    (
        "dashboard-editor.js",
        JAVASCRIPT,
        include_str!("../../assets/console/dashboard-editor.js"),
    ),
    (
        "dashboard-export.js",
        JAVASCRIPT,
        include_str!("../../assets/console/dashboard-export.js"),
    ),
    (
        "chart-svg.js",
        JAVASCRIPT,
        include_str!("../../assets/console/chart-svg.js"),
    ),
    (
        "chart-bars.js",
        JAVASCRIPT,
        include_str!("../../assets/console/chart-bars.js"),
    ),
    (
        "chart-line.js",
        JAVASCRIPT,
        include_str!("../../assets/console/chart-line.js"),
    ),
    (
        "composer.js",
        JAVASCRIPT,
        include_str!("../../assets/console/composer.js"),
    ),
    (
        "assist.js",
        JAVASCRIPT,
        include_str!("../../assets/console/assist.js"),
    ),
    (
        "socket.io.min.js",
        JAVASCRIPT,
        include_str!("../../assets/socket.io.min.js"),
    ),
];

/// The agents' console: sign in, follow the queues live, take over, reply, hand back.
#[utoipa::path(get, path = "/console", tag = "web",
    responses((status = 200, description = "the console page", content_type = "text/html", body = String)))]
pub async fn console_page() -> impl IntoResponse {
    ([(CONTENT_SECURITY_POLICY, POLICY)], Html(PAGE))
}

/// The `{file}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AssetPath {
    /// One of the console's files, such as `console.js`.
    file: String,
}

/// A script or style of the console page.
#[utoipa::path(get, path = "/console/{file}", tag = "web", params(AssetPath),
    responses((status = 200, description = "the file", content_type = "text/javascript", body = String)))]
pub async fn console_asset(
    PathParams(path): PathParams<AssetPath>,
) -> Result<impl IntoResponse, AppError> {
    let (_, content_type, body) = ASSETS
        .iter()
        .find(|(name, _, _)| *name == path.file)
        .ok_or_else(|| AppError::not_found(format_args!("console file {}", path.file)))?;
    // Short-lived: a new binary's console must not run an old script.
    let headers = [(CONTENT_TYPE, *content_type), (CACHE_CONTROL, "no-cache")];
    Ok((headers, *body))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file names that follow `prefix` in `text`: `/console/api.js`, `./view.js`...
    fn names_after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = String> + 'a {
        text.match_indices(prefix).map(move |(at, _)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect()
        })
    }

    #[test]
    fn every_file_the_page_and_scripts_name_is_served_and_none_comes_from_elsewhere() {
        let served = |name: &str| ASSETS.iter().any(|(file, _, _)| *file == name);
        let ours = std::iter::once(PAGE).chain(
            ASSETS
                .iter()
                .filter(|(name, _, _)| *name != "socket.io.min.js")
                .map(|(_, _, body)| *body),
        );
        for text in ours {
            let named = names_after(text, "\"/console/").chain(names_after(text, "\"./"));
            for name in named {
                assert!(served(&name), "{name} is named but not served");
            }
            assert!(!text.contains("https://"), "loads only from itself");
        }
        assert!(PAGE.contains("/console/socket.io.min.js"));
    }
}
