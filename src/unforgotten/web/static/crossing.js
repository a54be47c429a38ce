// The crossing screen without reloads: each of its forms is sent in the background and the page the server
// answers (the same page a plain POST and its redirect would show) replaces this one's #crossing in place, so an
// officer keeps their place in a long manifest. Plain script, no framework; the page works without it, and the
// server checks every record exactly as for a plain form.
(function () {
  "use strict";

  function swap(html, url) {
    var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("crossing");
    var current = document.getElementById("crossing");
    if (!fresh || !current) return false;
    current.replaceWith(fresh);
    if (url) window.history.replaceState(null, "", url);
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest("#crossing") || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    var submitter = event.submitter;
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    var y = window.scrollY;
    // getAttribute, not form.action: the record forms' buttons are named "action", which shadows the property.
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          var at = response.redirected ? response.url : null;
          // Already sent: never send it again (an arrival would be recorded twice); just show where it led.
          if (!swap(html, at)) { window.location.assign(response.url); return; }
          window.scrollTo(0, y);
        });
      })
      .catch(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  });
})();
