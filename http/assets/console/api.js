// The REST API as the console uses it: signing in and out, the token pair kept in
// sessionStorage (refreshed shortly before the access token expires, or when the server says it
// has), and JSON calls whose errors become readable messages.

const STORE = "botwot:console:auth";
const EARLY_MS = 30_000;

/// What the server refused, with its stable code and a sentence an agent can act on.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const READABLE = {
  session_taken: "Another agent already answers this conversation.",
  not_assigned: "You are not assigned to this conversation: take it over first.",
  session_rejected: "The conversation refused this: it is closed, or the text is empty.",
  invalid_credentials: "The email or the password is wrong.",
  account_disabled: "This account is disabled; ask an administrator of your organisation.",
  forbidden: "Your role does not allow this.",
  rate_limited: "Too many attempts; wait a moment and try again.",
};

function saved() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) || "null");
  } catch {
    return null;
  }
}

function save(pair) {
  const auth = {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
    user: pair.user || saved()?.user,
  };
  sessionStorage.setItem(STORE, JSON.stringify(auth));
  return auth;
}

/// The signed-in user, or null.
export function currentUser() {
  return saved()?.user ?? null;
}

async function send(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const code = json?.error?.code ?? `http_${response.status}`;
    const said = json?.error?.message ?? response.statusText;
    throw new ApiError(response.status, code, READABLE[code] ? `${READABLE[code]} (${said})` : said);
  }
  return json;
}

export async function signIn(email, password) {
  return save(await send("POST", "/v1/auth/login", { email, password })).user;
}

export async function signOut() {
  const auth = saved();
  sessionStorage.removeItem(STORE);
  if (auth?.refreshToken) {
    await send("POST", "/v1/auth/logout", { refreshToken: auth.refreshToken }).catch(() => {});
  }
}

let refreshing = null;

async function refreshed() {
  const auth = saved();
  if (!auth) throw new ApiError(401, "unauthorized", "Sign in first.");
  refreshing ??= send("POST", "/v1/auth/refresh", { refreshToken: auth.refreshToken })
    .then(save)
    .catch((error) => {
      sessionStorage.removeItem(STORE);
      throw error;
    })
    .finally(() => {
      refreshing = null;
    });
  return (await refreshing).accessToken;
}

/// A usable access token: the kept one, or a fresh one when it is about to expire.
export async function accessToken() {
  const auth = saved();
  if (!auth) throw new ApiError(401, "unauthorized", "Sign in first.");
  return auth.expiresAt - Date.now() > EARLY_MS ? auth.accessToken : refreshed();
}

/// A signed-in JSON call; an expired token is refreshed once and the call repeated.
export async function call(method, path, body) {
  try {
    return await send(method, path, body, await accessToken());
  } catch (error) {
    if (error.code !== "token_expired" && error.code !== "invalid_token") throw error;
    return send(method, path, body, await refreshed());
  }
}

/// Forgets a sign-in the server no longer accepts.
export function forget() {
  sessionStorage.removeItem(STORE);
}
