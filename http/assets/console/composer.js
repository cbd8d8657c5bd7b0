// The reply box: Enter sends (Shift+Enter breaks the line), the "Private note" toggle sends a
// note instead of a reply, and a word starting with `/` offers the organisation's canned
// responses: Tab, Enter or a click puts the chosen one's text in its place. Writing a reply
// reports the agent typing (`typing.js`).

const $ = (id) => document.getElementById(id);

/// The `/word` just before the caret, with where it starts, or null.
function shortcutAtCaret(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = /(^|\s)(\/[a-z0-9_-]*)$/.exec(before);
  return match ? { word: match[2], start: before.length - match[2].length } : null;
}

/// Wires the composer. `send(text, isNote)` returns a promise; `canned()` the responses
/// `[{shortcut, text}]` known now; `typing` is told of the reply's text as it changes
/// (`input(text)`) and when the agent stops (`stopped()`), notes excepted.
export function setUpComposer({ send, canned, typing }) {
  const textarea = $("reply");
  const suggestions = $("suggestions");
  let offered = [];

  const close = () => {
    offered = [];
    suggestions.hidden = true;
    suggestions.replaceChildren();
  };

  const insert = (response) => {
    const at = shortcutAtCaret(textarea);
    if (!at) return;
    const after = textarea.value.slice(textarea.selectionStart);
    textarea.value = textarea.value.slice(0, at.start) + response.text + after;
    const caret = at.start + response.text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
  };

  const offer = () => {
    const at = shortcutAtCaret(textarea);
    offered = at ? canned().filter((response) => response.shortcut.startsWith(at.word)) : [];
    suggestions.replaceChildren(...offered.map((response) => {
      const item = document.createElement("li");
      const shortcut = document.createElement("strong");
      shortcut.textContent = response.shortcut;
      item.append(shortcut, ` ${response.text}`);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        insert(response);
      });
      return item;
    }));
    suggestions.hidden = offered.length === 0;
  };

  const submit = async () => {
    const text = textarea.value.trim();
    if (!text) return;
    typing.stopped();
    const sent = await send(text, $("note").checked);
    if (sent) {
      textarea.value = "";
      close();
    }
  };

  textarea.addEventListener("input", () => {
    offer();
    if ($("note").checked) typing.stopped();
    else typing.input(textarea.value);
  });
  textarea.addEventListener("blur", () => {
    close();
    typing.stopped();
  });
  textarea.addEventListener("keydown", (event) => {
    if (offered.length > 0 && (event.key === "Tab" || event.key === "Enter")) {
      event.preventDefault();
      insert(offered[0]);
    } else if (offered.length > 0 && event.key === "Escape") {
      close();
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("note").addEventListener("change", () => {
    $("composer").classList.toggle("noting", $("note").checked);
    textarea.placeholder = $("note").checked
      ? "Private note for the team (never sent to the contact)"
      : "Reply… (type / for canned responses, Enter sends)";
  });
}
