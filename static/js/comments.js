// The statement page is cached and shared, so it carries no question key and
// may carry a stale CSRF token. When the visitor starts on the form, fetch a
// question (and token) of their own. Without JavaScript the server hands out
// the question after the first press of "Post Comment", keeping what was typed.
(function () {
  "use strict";
  const form = document.querySelector(".comment-form");
  const summary = document.getElementById("comment-errors");
  if (summary) summary.focus();
  if (!form) return;

  const keyInput = form.querySelector('input[name="captcha_0"]');
  let loading = null;

  function show(data) {
    keyInput.value = data.key;
    const text = form.querySelector("[data-question-text]");
    const spoken = form.querySelector("[data-question-spoken]");
    const image = form.querySelector("[data-question-image]");
    const pending = form.querySelector("[data-question-pending]");
    if (text) text.textContent = data.question;
    if (spoken) spoken.textContent = data.spoken;
    if (image) {
      image.src = data.image_url;
      image.srcset = data.image_url_2x + " 2x";
      image.hidden = false;
    }
    if (pending) pending.remove();
    form.querySelector('input[name="form_time"]').value = data.form_time;
    form.querySelector('input[name="csrfmiddlewaretoken"]').value = data.csrf_token;
  }

  function fetchQuestion() {
    loading = fetch(form.dataset.questionUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then(show)
      .catch(() => {
        // The server gives a question with its answer to the first post instead.
        loading = null;
      });
    return loading;
  }

  form.addEventListener("focusin", () => {
    if (!keyInput.value && !loading) fetchQuestion();
  });
  form.addEventListener("submit", (event) => {
    if (!keyInput.value && loading) {
      event.preventDefault();
      loading.then(() => form.submit());
    }
  });
  const newQuestion = form.querySelector("[data-new-question]");
  if (newQuestion) {
    newQuestion.addEventListener("click", () => {
      loading = null;
      fetchQuestion();
    });
  }
})();
