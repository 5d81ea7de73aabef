// The featured-image field's "Browse the library…" button: opens the image picker
// (the body editor's, with thumbnails, search and upload) in a small window and
// takes back the chosen image into the field's autocomplete select, with its
// thumbnail shown beside it.
(function () {
  "use strict";

  const t = window.gettext || function (text) { return text; };

  function showPreview(box, choice) {
    const preview = box.querySelector(".featured-image-preview");
    preview.textContent = "";
    if (!choice) {
      return;
    }
    const img = document.createElement("img");
    img.src = choice.thumbnail;
    img.alt = "";
    img.width = 160;
    img.height = 120;
    const text = document.createElement("span");
    text.textContent = choice.alternative_text + (choice.credit ? " — " + choice.credit : "");
    preview.append(img, " ", text);
  }

  window.editingFeaturedImage = {
    choose: function (choice) {
      const box = document.querySelector(".featured-image-choice");
      const select = box && box.parentElement.querySelector("select");
      if (!select) {
        return;
      }
      let option = Array.from(select.options).find((o) => o.value === String(choice.id));
      if (!option) {
        option = new Option(choice.label, String(choice.id), true, true);
        select.append(option);
      }
      select.value = String(choice.id);
      // select2 redraws itself from the select on "change" (through Django's jQuery).
      if (window.django && window.django.jQuery) {
        window.django.jQuery(select).trigger("change");
      } else {
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      showPreview(box, choice);
      box.querySelector(".featured-image-browse").focus();
    },
  };

  document.addEventListener("click", function (event) {
    const button = event.target.closest(".featured-image-browse");
    if (!button) {
      return;
    }
    event.preventDefault();
    const picker = window.open(button.href, "featured-image-picker", "width=960,height=720");
    if (!picker) {
      button.setAttribute("title", t("Allow pop-up windows for this site to use the picker."));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    const box = document.querySelector(".featured-image-choice");
    const select = box && box.parentElement.querySelector("select");
    if (!select || !window.django || !window.django.jQuery) {
      return;
    }
    // Chosen through the autocomplete instead: the old thumbnail would mislead.
    window.django.jQuery(select).on("select2:select select2:clear", function () {
      showPreview(box, null);
    });
  });
})();
