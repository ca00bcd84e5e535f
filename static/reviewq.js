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

  // Fields that take text swallow the decision keys; a list (select), a checkbox or a
  // button never does (a select's arrows still choose, its Enter never opens the list).
  function typing(target) {
    var tag = target.tagName;
    if (tag === "INPUT") return !/^(checkbox|radio|button|submit|hidden)$/.test(target.type);
    return tag === "TEXTAREA" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
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
    } else if (key === "t" && button("t")) {
      event.preventDefault();
      button("t").checked = !button("t").checked;
    } else if (key === "s" || key === "n" || key === "q" || key === "u") {
      var target = button(key);
      if (target) {
        event.preventDefault();
        target.click();
      }
    }
  });

  // Enter or Space on the rejection category never opens the browser's list (it would take
  // every key until closed): with a category chosen, go on to the reason; without, say how.
  if (reasonCode) {
    reasonCode.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      if (reasonCode.value && reason) reason.focus();
      else if (hint) hint.textContent = "Choose a category with the arrow keys; Esc goes back to the decision keys.";
    });
  }

  // After closing the help, focus never lands back in a field: the keys work at once.
  if (help) {
    help.addEventListener("close", function () {
      var focused = document.activeElement;
      if (focused && focused !== document.body && focused.blur) focused.blur();
    });
  }

  // The undo bar counts its seconds down; when they run out the decision stands.
  var undoBar = document.getElementById("undo-bar");
  if (undoBar) {
    var left = parseInt(undoBar.getAttribute("data-seconds"), 10) || 0;
    var shown = undoBar.querySelector(".undo-seconds");
    var tick = setInterval(function () {
      left -= 1;
      if (shown) shown.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        clearInterval(tick);
        undoBar.classList.add("is-closed");
        var gone = undoBar.querySelector("button");
        if (gone) gone.remove(); // and with it the key u
        var what = undoBar.querySelector(".undo-what");
        if (what) what.textContent += " It stands now.";
      }
    }, 1000);
  }

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

// Copy buttons: <button class="copy" data-copy="ID"> copies the value of the field #ID
// (a link or secret shown once), and says so.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest("button.copy") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var done = function () { button.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });
})();
