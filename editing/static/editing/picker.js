// The image picker window: hands the chosen library image back to the body
// editor's Figure dialog that opened it (django-prose-editor's CKEditor-style
// callback), or to the featured-image field (target=featured), then closes, so
// focus returns to the form.
(function () {
  "use strict";

  const t = window.gettext || function (text) { return text; };

  function hand(choice) {
    const main = document.getElementById("content-main");
    const funcNum = Number(main.dataset.funcNum || "0");
    const opener = window.opener;
    if (main.dataset.target === "featured" && opener && opener.editingFeaturedImage) {
      opener.editingFeaturedImage.choose(choice);
      window.close();
      return;
    }
    if (!funcNum || !opener || !opener.CKEDITOR || !opener.CKEDITOR.tools) {
      main.querySelector(".picker-status").textContent = t(
        "Open this window from the body editor's Figure button to place an image.",
      );
      return;
    }
    opener.CKEDITOR.tools.callFunction(funcNum, choice.url, choice);
    window.close();
  }

  document.addEventListener("DOMContentLoaded", function () {
    const main = document.getElementById("content-main");
    if (main.dataset.chosen) {
      hand(JSON.parse(main.dataset.chosen)); // just uploaded
    }
    main.addEventListener("click", function (event) {
      const button = event.target.closest(".picker-choose");
      if (button) {
        hand(JSON.parse(button.dataset.choice));
      }
    });
  });
})();
