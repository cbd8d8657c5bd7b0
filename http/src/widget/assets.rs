//! The widget's script and the licences of what it bundles, compiled into the binary.

use axum::http::header;
use axum::response::IntoResponse;

/// `/widget.js`: the Socket.IO client bundle, kept from defining globals, then the widget.
pub const WIDGET_JS: &str = concat!(
    "/*! BotWot web widget. Includes the Socket.IO client 4.8.4 (MIT): /widget/licenses.txt */\n",
    "(function () {\n",
    "var socketIoScope = {};\n",
    "(function (globalThis, exports, module, define) {\n",
    include_str!("../../assets/socket.io.min.js"),
    "\n}).call(socketIoScope, socketIoScope);\n",
    "var io = socketIoScope.io;\n",
    include_str!("../../assets/widget.js"),
    "\n})();\n",
);

/// `/widget/licenses.txt`.
pub const LICENSES: &str = concat!(
    "The BotWot widget (/widget.js) includes the Socket.IO client, under this licence:\n\n",
    include_str!("../../assets/socket.io-client.LICENSE"),
);

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const ONE_HOUR: &str = "public, max-age=3600";

/// The embeddable chat widget.
#[utoipa::path(get, path = "/widget.js", tag = "web",
    responses((status = 200, description = "the widget script", content_type = "text/javascript", body = String)))]
pub async fn widget_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, JAVASCRIPT),
            (header::CACHE_CONTROL, ONE_HOUR),
        ],
        WIDGET_JS,
    )
}

/// Licences of the third-party code the widget includes.
#[utoipa::path(get, path = "/widget/licenses.txt", tag = "web",
    responses((status = 200, description = "licence texts", content_type = "text/plain", body = String)))]
pub async fn licenses() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        LICENSES,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_keeps_the_client_private_and_loads_nothing_from_elsewhere() {
        assert!(WIDGET_JS.contains("Socket.IO v4.8.4"));
        assert!(WIDGET_JS.contains("var io = socketIoScope.io;"));
        assert!(WIDGET_JS.contains("data-widget-key"));
        assert!(!WIDGET_JS.contains("cdn."), "no CDN");
        assert!(LICENSES.contains("MIT License"));
    }
}
