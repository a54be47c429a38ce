// The upload's progress page: ask the job's status every second and move the bar, until the job ends.
// Without this script the page reloads itself (a <noscript> refresh); with it, nothing reloads.
(function () {
  "use strict";
  var section = document.getElementById("job");
  if (!section) { return; }
  var url = section.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var phase = document.getElementById("job-phase");
  var phases = JSON.parse(phase.getAttribute("data-phases") || "{}");
  var state = document.getElementById("job-state");
  var states = JSON.parse(state.getAttribute("data-labels") || "{}");
  var number = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function show(job) {
    var done = job.progress.done, total = job.progress.total;
    var running = job.state === "queued" || job.state === "running";
    state.textContent = states[job.state] || job.state;
    phase.textContent = job.phase === job.state ? "" : (phases[job.phase] || job.phase);
    document.getElementById("job-phase-sep").hidden = job.phase === job.state;
    document.getElementById("job-done").textContent = number.format(done);
    document.getElementById("job-total").textContent = total ? number.format(total) : "";
    document.getElementById("job-of").hidden = !(running && total);
    section.className = "job job-" + job.state;
    if (job.state === "done") {
      bar.max = 1; bar.value = 1;
    } else if (total && job.phase === "reading") {
      bar.max = total; bar.value = Math.min(done, total);
    } else {
      bar.removeAttribute("value"); // linking, or a total not known yet: an indeterminate bar
    }
    var result = document.getElementById("job-result");
    if (job.state === "done" && !document.getElementById("job-list")) {
      var link = document.createElement("a");
      link.id = "job-list";
      link.href = section.getAttribute("data-list-url").replace(/0$/, String(job.list_id));
      link.textContent = section.getAttribute("data-open-label") || "Open the list";
      result.replaceChildren(link);
    } else if (job.state === "failed" && !document.getElementById("job-error")) {
      var error = document.createElement("span");
      error.id = "job-error";
      error.className = "error";
      error.textContent = job.error || "";
      result.replaceChildren(error);
    }
    return running;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (job) { if (show(job)) { window.setTimeout(poll, 1000); } })
      .catch(function () { window.setTimeout(poll, 3000); }); // the server restarting: keep asking, slower
  }

  if (/job-(queued|running)/.test(section.className)) { window.setTimeout(poll, 1000); }
})();
