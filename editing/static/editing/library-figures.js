// Says in the editor, as soon as a picture is placed, when it is not an image of
// the library (its address is not under the site's media address): such a body is
// refused on save (statements/figures.py decides; this only warns early, and
// cannot see whether an address under the media address is really in the library).
(function () {
  "use strict";

  const t = window.gettext || function (text) { return text; };
  const interpolate =
    window.interpolate ||
    function (format, values) {
      return format.replace(/%s/, values[0]);
    };

  function mediaUrl() {
    const meta = document.querySelector('meta[name="media-url"]');
    return meta ? meta.content : "/media/";
  }

  function outside(editable) {
    const prefix = mediaUrl();
    const addresses = [];
    editable.querySelectorAll("img").forEach(function (img) {
      const src = img.getAttribute("src") || "";
      if (!src.startsWith(prefix) && !addresses.includes(src)) {
        addresses.push(src);
      }
    });
    return addresses;
  }

  function warningFor(wrapper) {
    let warning = wrapper.querySelector(".library-figure-warning");
    if (!warning) {
      warning = document.createElement("p");
      warning.className = "errornote library-figure-warning";
      warning.setAttribute("role", "alert");
      warning.hidden = true;
      wrapper.append(warning);
    }
    return warning;
  }

  function check(wrapper) {
    const editable = wrapper.querySelector(".ProseMirror[contenteditable]");
    if (!editable) {
      return;
    }
    const addresses = outside(editable);
    const warning = warningFor(wrapper);
    const text = addresses.length
      ? interpolate(
          t(
            "Not in the image library: %s. The body would be refused on save. " +
              "Remove it, and place pictures with the Figure button's “Browse...”.",
          ),
          [addresses.map((a) => "“" + (a || "?") + "”").join(", ")],
        )
      : "";
    if (warning.textContent !== text) {
      warning.textContent = text;
      warning.hidden = !text;
    }
  }

  function watch(wrapper) {
    if (wrapper.dataset.libraryFigures) {
      return;
    }
    wrapper.dataset.libraryFigures = "watched";
    check(wrapper);
    new MutationObserver(function () {
      check(wrapper);
    }).observe(wrapper, { subtree: true, childList: true, attributes: true, attributeFilter: ["src"] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The editor is drawn after the page loads.
    const drawn = new MutationObserver(function () {
      const wrapper = document.querySelector(".field-body .prose-editor");
      if (wrapper && wrapper.querySelector(".ProseMirror[contenteditable]")) {
        drawn.disconnect();
        watch(wrapper);
      }
    });
    drawn.observe(document.body, { childList: true, subtree: true });
  });
})();
