// Friction scaled to risk (domain/checklist.py): on an item whose tags carry a checklist,
// Approve and Save edit stay disabled until every box is ticked and, where required, the
// context has been on screen; the one-key approve asks for a confirmation that names the
// risk (Enter confirms, Escape cancels). Tick times and when the context was first in view
// (ms since the page opened) go with the decision. Loaded only on such items.
(function () {
  "use strict";

  var box = document.getElementById("checklist");
  var form = document.getElementById("decision-form");
  if (!box || !form) return;
  var checks = Array.prototype.slice.call(box.querySelectorAll('input[name="checks"]'));
  var timesField = document.getElementById("check-ms");
  var contextField = document.getElementById("context-ms");
  var status = document.getElementById("checklist-status");
  var confirmNote = document.getElementById("approve-confirm");
  var context = document.querySelector("section.context");
  var risk = box.getAttribute("data-risk");
  var needsContext = box.getAttribute("data-context-required") === "true";
  var approving = Array.prototype.slice.call(
    form.querySelectorAll('button[value="approve"], button[value="edit"]')
  );
  var confirming = false;

  function since() {
    return Math.round(performance.now());
  }

  // Tick times, kept from the field (a page shown again after a refused decision keeps them).
  var times = {};
  (timesField.value || "").split(",").forEach(function (pair) {
    var parts = pair.split(":");
    if (parts.length === 2 && parts[0] !== "") times[parts[0]] = parts[1];
  });

  function ticked() {
    return checks.filter(function (c) { return c.checked; }).length;
  }

  function contextSeen() {
    return !needsContext || contextField.value !== "";
  }

  function complete() {
    return ticked() === checks.length && contextSeen();
  }

  function missing() {
    var parts = [];
    if (ticked() < checks.length) {
      parts.push(ticked() + " of " + checks.length + " boxes ticked");
    }
    if (!contextSeen()) parts.push("the context has not been on screen yet");
    return parts.join("; ");
  }

  function update() {
    var done = complete();
    approving.forEach(function (b) {
      b.disabled = !done;
      if (done) b.removeAttribute("aria-describedby");
      else b.setAttribute("aria-describedby", "checklist-status");
    });
    status.textContent = done
      ? "Checklist complete: Approve is enabled."
      : "Approve is enabled once every box is ticked" +
        (needsContext ? " and the context was on screen" : "") + " (" + missing() + ").";
    timesField.value = checks
      .filter(function (c) { return c.checked && times[c.value] !== undefined; })
      .map(function (c) { return c.value + ":" + times[c.value]; })
      .join(",");
  }

  checks.forEach(function (c) {
    c.addEventListener("change", function () {
      if (c.checked) times[c.value] = since();
      else delete times[c.value];
      update();
    });
    // ticked with the mouse: give the keys back to the page (Space ticks by keyboard)
    c.addEventListener("click", function (event) {
      if (event.detail > 0) c.blur();
    });
  });

  // The context counts as opened once a part of it has been on screen.
  if (needsContext && context && contextField.value === "") {
    if ("IntersectionObserver" in window) {
      var seen = new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) {
          contextField.value = String(since());
          seen.disconnect();
          update();
        }
      });
      seen.observe(context);
    }
  }

  function cancelConfirm() {
    confirming = false;
    confirmNote.hidden = true;
    confirmNote.textContent = "";
  }

  function askConfirm() {
    confirming = true;
    confirmNote.textContent = "Approve a " + risk + " draft? Enter to confirm, Escape to cancel.";
    confirmNote.hidden = false;
  }

  function decisionKey(event) {
    // a checkbox of the checklist keeps the decision keys (Space ticks it); other fields type
    var t = event.target;
    if (t && t.type === "checkbox" && box.contains(t)) return true;
    var tag = t && t.tagName;
    return !(tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable));
  }

  // Capture phase: runs before the workspace's own key handler, which it leaves every key
  // but the ones it answers here.
  document.addEventListener("keydown", function (event) {
    if (confirming) {
      if (event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        cancelConfirm();
        form.requestSubmit(approving[0]);
        return;
      }
      cancelConfirm(); // Escape, or any other key: no approval; the key does its usual work
      if (event.key === "Escape") status.textContent = "Approval cancelled.";
      return;
    }
    if (event.key !== "a" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!decisionKey(event)) return;
    event.preventDefault();
    event.stopPropagation();
    if (complete()) askConfirm();
    else status.textContent = "Not yet: " + missing() + ".";
  }, true);

  // However it is submitted (a key, Ctrl+Enter in the editor), an approval waits for the list.
  form.addEventListener("submit", function (event) {
    var pressed = event.submitter ? event.submitter.value : "";
    if ((pressed === "approve" || pressed === "edit") && !complete()) {
      event.preventDefault();
      event.stopImmediatePropagation();
      status.textContent = "Not yet: " + missing() + ".";
    }
  }, true);

  update();
})();
