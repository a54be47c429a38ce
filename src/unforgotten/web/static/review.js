// The review queue's keyboard shortcuts: a accept, r reject, j / k next / previous suggestion, / the reason field,
// Esc leaves a field. Plain script, no framework: the page works without it, the keys only press its own buttons
// and follow its own links, so the server checks every decision exactly as for a click.
(function () {
  "use strict";

  // A key typed into a field is text, never a command: "a" in a reason is a letter.
  function typing(target) {
    if (!(target instanceof HTMLElement)) return false;
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function press(id) {
    var button = document.getElementById(id);
    var form = document.getElementById("decide");
    if (!button || !form) return;
    // requestSubmit checks the form first: an empty reason shows the browser's "please fill in" on the field.
    var reason = document.getElementById("reason");
    if (reason && !reason.value.trim()) reason.focus();
    form.requestSubmit(button);
  }

  function follow(id) {
    var link = document.getElementById(id);
    if (link && link.href) window.location.assign(link.href);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    var actions = {
      a: function () { press("accept"); },
      r: function () { press("reject"); },
      j: function () { follow("next"); },
      k: function () { follow("previous"); },
      "/": function () { var reason = document.getElementById("reason"); if (reason) reason.focus(); },
    };
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
