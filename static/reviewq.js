// reviewq workspace: keyboard shortcuts, active-time tracking and claim renewal.
// No inline script anywhere (the Content-Security-Policy forbids it); no third-party code.
(function () {
  "use strict";

  var csrf = document.querySelector('meta[name="csrf-token"]');
  var form = document.getElementById("decision-form");
  var reason = document.getElementById("reason");
  var reasonCode = document.getElementById("reason_code");
  var hint = document.getElementById("reason-hint");
  var editor = document.getElementById("editor");
  var content = document.getElementById("content");
  var help = document.getElementById("help");
  var mode = null; // "reject" or "escalate" while the reason is being typed

  function button(key) {
    return document.querySelector('[data-key="' + key + '"]');
  }

  // Active time: seconds the page was visible and focused, reported with the decision.
  var active = 0;
  var last = Date.now();
  setInterval(function () {
    var now = Date.now();
    if (document.visibilityState === "visible" && document.hasFocus()) {
      active += Math.min(now - last, 1000) / 1000;
    }
    last = now;
  }, 250);
  if (form) {
    form.addEventListener("submit", function (event) {
      var field = document.getElementById("active-seconds");
      if (field) field.value = active.toFixed(1);
      var pressed = event.submitter ? event.submitter.value : "";
      var needsReason = pressed === "reject" || pressed === "escalate" || pressed === "return";
      if (needsReason && reason && !reason.value.trim()) {
        event.preventDefault();
        startReason(pressed === "reject" ? "reject" : "escalate");
      }
    });
  }

  function startReason(which) {
    mode = which;
    if (hint) {
      var other = button("x") ? button("x").textContent.trim() : "Escalate";
      hint.textContent = which === "reject"
        ? "Rejecting: choose a category, type the reason, then press Enter."
        : other + ": type the reason, then press Enter.";
    }
    if (which === "reject" && reasonCode && !reasonCode.value) reasonCode.focus();
    else if (reason) reason.focus();
  }

  function openEditor() {
    if (!editor) return;
    editor.hidden = false;
    content.focus();
  }

  var toggle = document.getElementById("edit-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      if (editor.hidden) openEditor();
      else editor.hidden = true;
    });
  }

  if (reason) {
    reason.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault(); // never let Enter fall through to the first button
      var target = button(mode === "escalate" ? "x" : "r");
      if (mode && target) form.requestSubmit(target);
    });
  }
  if (reasonCode) {
    reasonCode.addEventListener("change", function () {
      if (mode === "reject" && reason) reason.focus();
    });
  }
  if (content) {
    content.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit(form.querySelector('button[value="edit"]'));
      }
    });
  }

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      if (help && help.open) help.close();
      else if (editor && !editor.hidden && document.activeElement === content) editor.hidden = true;
      mode = null;
      if (hint) hint.textContent = "";
      if (document.activeElement) document.activeElement.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (key === "?") {
      event.preventDefault();
      if (help) help.open ? help.close() : help.showModal();
      return;
    }
    if (key === "e" && toggle) {
      event.preventDefault();
      openEditor();
    } else if ((key === "r" || key === "x") && form) {
      event.preventDefault();
      startReason(key === "r" ? "reject" : "escalate");
    } else if (key === "a" && form) {
      event.preventDefault();
      form.requestSubmit(button("a"));
    } else if (key === "s" || key === "n") {
      var target = button(key);
      if (target) {
        event.preventDefault();
        target.click();
      }
    }
  });

  // Keep the claim while the page is open and visible; say so if it was lost.
  var page = document.querySelector("[data-renew-url]");
  if (page && csrf) {
    setInterval(function () {
      if (document.visibilityState !== "visible") return;
      fetch(page.getAttribute("data-renew-url"), {
        method: "POST",
        headers: { "X-CSRFToken": csrf.getAttribute("content") },
        credentials: "same-origin",
      }).then(function (response) {
        if (response.status === 409) {
          var note = document.createElement("p");
          note.className = "flash flash-error";
          note.setAttribute("role", "alert");
          note.textContent = "Your claim on this item has ended; it may be with someone else now.";
          document.querySelector("main").prepend(note);
        }
      });
    }, 60000);
  }
})();

// The queue page's counts refresh themselves (every 20 s by default) from a small JSON
// endpoint with the page's filters; nothing is fetched while the tab is hidden, and the
// counts catch up as soon as it is shown again. Text only: nothing from the answer is
// parsed as HTML.
(function () {
  "use strict";

  var stats = document.querySelector("[data-counts-url]");
  if (!stats) return;
  var url = stats.getAttribute("data-counts-url");
  var seconds = parseFloat(stats.getAttribute("data-refresh-seconds")) || 20;
  var busy = false;

  function set(name, text) {
    var node = document.querySelector('[data-count="' + name + '"]');
    if (node && node.textContent !== text) node.textContent = text;
  }

  function show(counts) {
    var about = counts.about ? "about " : "";
    var n = counts.eligible;
    set("eligible", (counts.about ? "About " : "") + n + " item" + (n === 1 ? "" : "s") + " you can review");
    Object.keys(counts.by_risk).forEach(function (name) {
      set("risk-" + name, about + counts.by_risk[name]);
    });
    Object.keys(counts.by_age).forEach(function (label) {
      set("age-" + label, about + counts.by_age[label]);
    });
    set("overdue", about + counts.overdue);
    var list = document.querySelector('[data-count="by-source"]');
    if (!list) return;
    var items = counts.by_source.map(function (row) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      var count = document.createElement("b");
      name.textContent = row.name;
      count.textContent = about + row.count;
      li.append(name, count);
      return li;
    });
    if (!items.length) {
      var empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "Nothing queued";
      items.push(empty);
    }
    list.replaceChildren.apply(list, items);
  }

  function refresh() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return response.ok && json ? response.json() : null; // signed out: leave the page be
      })
      .then(function (counts) {
        if (counts) show(counts);
      })
      .catch(function () {}) // offline for a moment: the next tick tries again
      .finally(function () {
        busy = false;
      });
  }

  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", refresh);
})();
