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
        form.requestSubmit(document.getElementById("save-edit"));
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

// The editor's live preview and side-by-side diff, updated as one types. The preview is the
// server's own rendering of drafts (sanitized there, as on the item page); the diff is
// computed here, line by line, and written as text only.
(function () {
  "use strict";

  var editor = document.getElementById("editor");
  var content = document.getElementById("content");
  var original = document.getElementById("edit-original");
  var preview = document.getElementById("edit-preview");
  var diff = document.getElementById("edit-diff");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  if (!editor || !content || !original || !preview || !diff) return;
  var before = original.content.textContent;
  var MAX_CELLS = 4000000; // past this, the lines between the common ends show as replaced
  var timer = null;
  var asked = 0;

  function lines(text) {
    return text.replace(/\r\n?/g, "\n").split("\n");
  }

  // Line operations ["same"|"del"|"ins", text] from a longest common subsequence, after
  // the common head and tail are taken off (an edit usually touches a few lines).
  function lineDiff(a, b) {
    var head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    var tail = 0;
    while (tail < a.length - head && tail < b.length - head &&
           a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    var x = a.slice(head, a.length - tail);
    var y = b.slice(head, b.length - tail);
    var ops = a.slice(0, head).map(function (line) { return ["same", line]; });
    var middle = [];
    if (x.length * y.length > MAX_CELLS) {
      x.forEach(function (line) { middle.push(["del", line]); });
      y.forEach(function (line) { middle.push(["ins", line]); });
    } else {
      var n = x.length, m = y.length, width = m + 1;
      var table = new Uint32Array((n + 1) * (m + 1));
      for (var i = n - 1; i >= 0; i--) {
        for (var j = m - 1; j >= 0; j--) {
          table[i * width + j] = x[i] === y[j]
            ? table[(i + 1) * width + j + 1] + 1
            : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
        }
      }
      i = 0; j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && x[i] === y[j]) { middle.push(["same", x[i]]); i++; j++; }
        else if (j >= m || (i < n && table[(i + 1) * width + j] > table[i * width + j + 1])) {
          middle.push(["del", x[i]]); i++;
        } else { middle.push(["ins", y[j]]); j++; }
      }
    }
    return ops.concat(middle, b.slice(b.length - tail).map(function (line) {
      return ["same", line];
    }));
  }

  // Rows of the side-by-side table: unchanged lines on both sides, a run of removed lines
  // beside the run of added lines that replaced it.
  function rows(ops) {
    var out = [], dels = [], inss = [];
    function flush() {
      for (var k = 0; k < Math.max(dels.length, inss.length); k++) {
        out.push([dels[k], inss[k], "change"]);
      }
      dels = []; inss = [];
    }
    ops.forEach(function (op) {
      if (op[0] === "same") { flush(); out.push([op[1], op[1], "same"]); }
      else if (op[0] === "del") dels.push(op[1]);
      else inss.push(op[1]);
    });
    flush();
    return out;
  }

  function cell(text, kind) {
    var td = document.createElement("td");
    if (text === undefined) { td.className = "diff-none"; return td; }
    var mark = document.createElement(kind === "same" ? "span" : kind);
    mark.textContent = text || " ";
    td.append(mark);
    return td;
  }

  function showDiff() {
    var body = document.createElement("tbody");
    var changed = false;
    rows(lineDiff(lines(before), lines(content.value))).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "diff-" + row[2];
      if (row[2] === "change") changed = true;
      tr.append(cell(row[0], row[2] === "same" ? "same" : "del"),
                cell(row[1], row[2] === "same" ? "same" : "ins"));
      body.append(tr);
    });
    if (!changed) {
      body.replaceChildren();
      var tr = document.createElement("tr");
      var td = document.createElement("td");
      td.colSpan = 2; td.className = "muted"; td.textContent = "No changes yet.";
      tr.append(td); body.append(tr);
    }
    diff.tBodies[0].replaceWith(body);
  }

  function showPreview() {
    var mine = ++asked;
    var data = new URLSearchParams();
    data.set("content", content.value);
    data.set("content_type", editor.getAttribute("data-content-type"));
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.getAttribute("content") : "" },
      body: data,
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      // the server's sanitized rendering, as the item page shows drafts; a late answer to
      // an older text is dropped
      if (answer && mine === asked) preview.innerHTML = answer.html;
    }).catch(function () {});
  }

  content.addEventListener("input", function () {
    showDiff();
    clearTimeout(timer);
    timer = setTimeout(showPreview, 250);
  });
  showDiff();
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
