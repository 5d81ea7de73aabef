// No typed text is lost on the statement form: what the editor types is kept in
// this browser (localStorage) every few seconds and at every Save; leaving the
// page with unsaved changes asks first; coming back after a crash, a closed tab
// or an expired login offers the kept text back. The kept copy is dropped only
// once a page says the save succeeded, so a Save that met the login page (an
// expired session) keeps it until the editor is back at the form.
(function () {
  "use strict";

  const t = window.gettext || function (text) { return text; };
  const format = window.interpolate || function (text, values) {
    return text.replace(/%\(\w+\)s/g, function (key) { return values[key.slice(2, -2)]; });
  };
  const KEY = "editing-autosave:" + location.pathname;
  const SUBMITTED = "editing-autosave-submitted";
  const EVERY_MS = 3000;
  const editors = new Map(); // textarea id -> the body editor (tiptap)

  document.addEventListener("prose-editor:ready", function (event) {
    editors.set(event.detail.textarea.id, event.detail.editor);
  });

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused (private mode): the leave-page warning still guards.
    }
  }

  // After a save, the next page says whether it succeeded: only then is the copy dropped.
  function settleLastSubmit() {
    const key = sessionStorage.getItem(SUBMITTED);
    if (!key) {
      return;
    }
    sessionStorage.removeItem(SUBMITTED);
    if (document.querySelector(".messagelist .success") && !document.querySelector(".errornote")) {
      localStorage.removeItem(key);
    }
  }

  function kept(element) {
    const name = element.name;
    if (!name || name.includes("__prefix__") || element.disabled) {
      return false;
    }
    if (element.tagName === "SELECT" || element.tagName === "TEXTAREA") {
      return true;
    }
    return !["hidden", "file", "password", "submit", "button", "reset"].includes(element.type);
  }

  function state(form) {
    const fields = {};
    for (const element of form.elements) {
      if (!kept(element)) {
        continue;
      }
      if (element.tagName === "SELECT") {
        // Autocomplete boxes hold only the chosen options: keep their labels too.
        fields[element.name] = Array.from(element.selectedOptions, function (option) {
          return [option.value, option.textContent];
        });
      } else if (element.type === "checkbox" || element.type === "radio") {
        fields[element.name + "=" + element.value] = element.checked;
      } else {
        fields[element.name] = element.value;
      }
    }
    const total = form.querySelector("[name$='-TOTAL_FORMS']");
    return { fields: fields, rows: total ? Number(total.value) : 0 };
  }

  function same(a, b) {
    return JSON.stringify(a.fields) === JSON.stringify(b.fields);
  }

  function addInlineRows(form, wanted) {
    const total = form.querySelector("[name$='-TOTAL_FORMS']");
    const add = form.querySelector(".inline-group .add-row a");
    while (total && add && Number(total.value) < wanted) {
      const before = Number(total.value);
      add.click();
      if (Number(total.value) === before) {
        break;
      }
    }
  }

  function restore(form, saved) {
    addInlineRows(form, saved.rows);
    for (const element of form.elements) {
      if (!kept(element)) {
        continue;
      }
      if (element.type === "checkbox" || element.type === "radio") {
        const value = saved.fields[element.name + "=" + element.value];
        if (value !== undefined) {
          element.checked = value;
        }
        continue;
      }
      const value = saved.fields[element.name];
      if (value === undefined) {
        continue;
      }
      if (element.tagName === "SELECT") {
        const chosen = new Set(value.map(function (pair) { return pair[0]; }));
        for (const [optionValue, label] of value) {
          if (!Array.from(element.options).some(function (o) { return o.value === optionValue; })) {
            element.add(new Option(label, optionValue));
          }
        }
        for (const option of element.options) {
          option.selected = chosen.has(option.value);
        }
        if (window.django && window.django.jQuery) {
          window.django.jQuery(element).trigger("change"); // select2 redraws its box
        }
        continue;
      }
      element.value = value;
      const editor = editors.get(element.id);
      if (editor) {
        editor.commands.setContent(value);
        element.value = value;
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function offer(form, saved, onDone) {
    const notice = document.createElement("div");
    notice.className = "autosave-offer";
    notice.setAttribute("role", "status");
    const when = new Date(saved.savedAt).toLocaleString();
    const text = document.createElement("p");
    text.textContent = format(
      t("Unsaved changes from %(when)s were kept in this browser."),
      { when: when },
      true,
    );
    const restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button";
    restoreButton.textContent = t("Restore the unsaved changes");
    const discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button";
    discardButton.textContent = t("Discard them");
    notice.append(text, restoreButton, " ", discardButton);
    restoreButton.addEventListener("click", function () {
      restore(form, saved);
      notice.remove();
      onDone();
      const first = form.querySelector("input:not([type=hidden]), textarea");
      if (first) {
        first.focus();
      }
    });
    discardButton.addEventListener("click", function () {
      localStorage.removeItem(KEY);
      notice.remove();
      onDone();
      form.querySelector("input:not([type=hidden]), textarea")?.focus();
    });
    form.before(notice);
  }

  document.addEventListener("DOMContentLoaded", function () {
    settleLastSubmit();
    const form = document.querySelector("#content-main form[method=post][id$='_form']");
    if (!form) {
      return;
    }
    const initial = state(form);
    let submitting = false;
    let last = initial;

    function keep() {
      const now = state(form);
      if (same(now, last)) {
        return;
      }
      last = now;
      if (same(now, initial)) {
        localStorage.removeItem(KEY);
      } else {
        write(KEY, { savedAt: Date.now(), fields: now.fields, rows: now.rows });
      }
    }

    const saved = read(KEY);
    let timer = null;
    function start() {
      if (!timer) {
        timer = setInterval(keep, EVERY_MS);
      }
    }
    if (saved && saved.fields && !same(saved, initial)) {
      // Keep the copy untouched until the editor chooses: no autosave over it.
      offer(form, saved, start);
    } else {
      start();
    }

    form.addEventListener("input", function () {
      if (timer) {
        clearTimeout(form._autosaveSoon);
        form._autosaveSoon = setTimeout(keep, 500);
      }
    });
    form.addEventListener("submit", function () {
      submitting = true;
      if (timer) {
        keep();
      }
      sessionStorage.setItem(SUBMITTED, KEY);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && !same(state(form), initial)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
