// The console's live feed: one Socket.IO connection to the `/console` namespace, authenticated
// with the current access token at every (re)connect. The server ends a socket when its token
// expires; the feed then reconnects with a fresh one.

import { accessToken } from "./api.js";

/// Connects and calls `on.message`, `on.session`, `on.presence`, `on.roster`, `on.typing`,
/// `on.draft`, `on.error` and `on.connection(text)`; returns `{setPresence(status),
/// setTyping(sessionId, typing), close()}`.
export function connectLive(on) {
  // `io` is the global of the vendored Socket.IO client the page loads before this module.
  const socket = window.io("/console", {
    auth: (give) => {
      accessToken().then(
        (token) => give({ token }),
        () => give({}),
      );
    },
    transports: ["websocket", "polling"],
  });
  socket.on("connect", () => on.connection("live"));
  socket.on("disconnect", (reason) => {
    on.connection("reconnecting…");
    // A server-side disconnect (an expired token) is not retried by the client on its own.
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 500);
  });
  socket.on("connect_error", (error) => {
    on.connection("offline");
    on.error({ code: "connect_error", message: `Live updates unavailable: ${error.message}` });
    if (!socket.active) setTimeout(() => socket.connect(), 2000);
  });
  socket.on("message", on.message);
  socket.on("session", on.session);
  socket.on("presence", on.presence);
  socket.on("roster", on.roster);
  socket.on("typing", on.typing);
  socket.on("draft", on.draft);
  socket.on("error", (error) => {
    if (error?.code !== "token_expired") on.error(error);
  });
  return {
    setPresence: (status) => socket.emit("presence", { status }),
    setTyping: (sessionId, typing) => socket.emit("typing", { sessionId, typing }),
    close: () => socket.close(),
  };
}
