// Suggested replies: "Suggest replies" asks the organisation's language model what the agent
// could say next in the open conversation (`POST /v1/sessions/{id}/insights/suggestions`, kept
// by the server until the conversation moves on); a click on a suggestion puts it in the reply
// box to edit and send. The suggestions go when another conversation opens.

import { call } from "./api.js";

const $ = (id) => document.getElementById(id);

/// Wires the button. `selected()` is the open conversation (or null); `fail(error)` shows an
/// error. Returns `clear()`, for when the open conversation changes.
export function setUpAssist({ selected, fail }) {
  const list = $("assist");
  const button = $("suggest");

  const clear = () => {
    list.hidden = true;
    list.replaceChildren();
  };

  const use = (text) => {
    const reply = $("reply");
    reply.value = text;
    reply.focus();
    reply.dispatchEvent(new Event("input"));
    clear();
  };

  button.addEventListener("click", async () => {
    const session = selected();
    if (!session) return;
    button.disabled = true;
    try {
      const insight = await call("POST", `/v1/sessions/${session.id}/insights/suggestions`);
      if (selected()?.id !== session.id) return;
      list.replaceChildren(...insight.result.suggestions.map((text) => {
        const item = document.createElement("li");
        const choose = document.createElement("button");
        choose.type = "button";
        choose.textContent = text;
        choose.addEventListener("click", () => use(text));
        item.append(choose);
        return item;
      }));
      list.hidden = false;
    } catch (error) {
      fail(error);
    } finally {
      button.disabled = false;
    }
  });

  return { clear };
}
