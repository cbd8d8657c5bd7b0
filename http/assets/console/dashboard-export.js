// The dashboard's report files: `/v1/dashboard/export` of the range on screen, fetched with the
// user's bearer token (a plain link could not send it), then saved through a temporary Blob URL
// under the name the server gives in Content-Disposition. Fetching is a connection to this
// server (`connect-src 'self'`); saving a Blob URL through a download link is not restricted by
// the page's policy, so it needs no `blob:` anywhere.

import { ApiError, accessToken } from "./api.js";

/// The exports offered: button id, and the query naming the file.
export const EXPORTS = [
  ["export-conversations", { format: "csv", part: "conversations" }],
  ["export-summary", { format: "csv", part: "summary" }],
  ["export-xlsx", { format: "xlsx" }],
];

/// The `filename="..."` of a Content-Disposition header, if any.
function fileName(disposition) {
  return /filename="([^"]+)"/.exec(disposition ?? "")?.[1] ?? null;
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; a later revoke frees the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/// Downloads the report `file` (`{format, part}`) of `range` (`{from, to}`).
export async function downloadReport(file, range) {
  const query = new URLSearchParams({ ...file, ...range });
  const response = await fetch(`/v1/dashboard/export?${query}`, {
    headers: { Authorization: `Bearer ${await accessToken()}` },
  });
  if (!response.ok) {
    const error = (await response.json().catch(() => null))?.error;
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`,
      `The report could not be made: ${error?.message ?? response.statusText}`);
  }
  save(await response.blob(), fileName(response.headers.get("content-disposition")) ?? `dashboard.${file.format}`);
}
