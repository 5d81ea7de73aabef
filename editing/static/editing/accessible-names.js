// Gives the controls that scripts draw on an admin form the name of their field's
// label, for screen readers: the body editor (django-prose-editor) and the search
// boxes of the autocomplete selects (select2), which come with none. They are
// drawn after the page loads, and again for every inline row added: watch for them.
(function () {
  "use strict";

  function labelText(id) {
    const label = id && document.querySelector('label[for="' + CSS.escape(id) + '"]');
    return label ? label.textContent.trim().replace(/:$/, "") : "";
  }

  function nameEditors(root) {
    root.querySelectorAll(".prose-editor").forEach(function (wrapper) {
      const textarea = wrapper.querySelector("textarea");
      const editable = wrapper.querySelector(".ProseMirror[contenteditable]");
      const name = textarea && labelText(textarea.id);
      if (editable && name && !editable.hasAttribute("aria-label")) {
        editable.setAttribute("aria-label", name);
        editable.setAttribute("aria-multiline", "true");
      }
    });
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      const name = labelText(select.id);
      if (!name || !container || !container.classList.contains("select2")) {
        return;
      }
      container.querySelectorAll(".select2-selection, .select2-search__field").forEach(
        function (control) {
          // A single select's box is named by what it shows; the field's name
          // comes first, and what is chosen is read after it.
          const shown = control.getAttribute("aria-labelledby");
          if (shown) {
            control.removeAttribute("aria-labelledby");
            control.setAttribute("aria-describedby", shown);
            // What it shows is text, not a second, nameless text box.
            const rendered = document.getElementById(shown);
            if (rendered) {
              rendered.removeAttribute("role");
              rendered.removeAttribute("aria-readonly");
            }
          }
          control.setAttribute("aria-label", name);
        },
      );
    });
  }

  function nameAll() {
    nameEditors(document);
    nameAutocompletes(document);
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameAll();
    new MutationObserver(nameAll).observe(document.body, { childList: true, subtree: true });
  });
})();
