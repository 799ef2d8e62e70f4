/*
 * Incident mode for runbook pages: fill placeholders once, copy exact commands, tick steps with
 * timestamps, export the evidence log. Plain script, no framework, no network: it works from
 * file://, an unzipped archive or a local web server alike.
 *
 * The build (runbook_lint/sitegen/incident.py) puts one `.rb-incident[data-rb-incident]` element
 * on each runbook page: the page's placeholders (from its parsed commands), the sections whose
 * checklists count, and the runbook's title, version and Last Updated. The state of an incident
 * (values, ticks, notes) is kept in localStorage under the runbook's path, so the runbook page
 * and the print page show the same incident.
 */
(function () {
  "use strict";

  var STORE_PREFIX = "rb-incident/v1/";
  var FORMAT = "runbook-evidence-log";
  var SHELL_SPECIAL = /[\s'"`$\\;&|<>(){}*?!#~]/;

  // -- small helpers ---------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function now() {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  function clock(iso) {
    return iso ? iso.slice(11, 16) + " UTC" : "";
  }

  function fileStamp(iso) {
    return iso.replace(/[-:]/g, "").replace("T", "-").replace("Z", "Z");
  }

  function emptyState() {
    return { values: {}, checks: {}, notes: {}, started: null, version: null, updated: null };
  }

  function readState(key) {
    try {
      var raw = window.localStorage.getItem(key);
      var parsed = raw ? JSON.parse(raw) : null;
      if (parsed && typeof parsed === "object") {
        var state = emptyState();
        Object.keys(state).forEach(function (k) {
          if (parsed[k] !== undefined) state[k] = parsed[k];
        });
        return state;
      }
    } catch (err) {
      /* unreadable or blocked storage: start empty */
    }
    return emptyState();
  }

  function writeState(key, state) {
    state.updated = now();
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
      return true;
    } catch (err) {
      return false;
    }
  }

  function mdCode(text) {
    var ticks = text.indexOf("`") >= 0 ? "``" : "`";
    var pad = text.charAt(0) === "`" || text.charAt(text.length - 1) === "`" ? " " : "";
    return ticks + pad + text + pad + ticks;
  }

  function mdText(text) {
    return String(text).replace(/([\\`*_[\]<>|])/g, "\\$1").replace(/\s+/g, " ").trim();
  }

  // -- one runbook page (or one runbook in the print page) ---------------------------------------

  function Incident(panel) {
    this.panel = panel;
    this.data = JSON.parse(panel.getAttribute("data-rb-incident"));
    this.key = STORE_PREFIX + this.data.page;
    this.state = readState(this.key);
    this.scope =
      panel.closest("section.print-page") || panel.closest("article") || document.body;
    this.printPage = panel.closest("section.print-page") !== null;
    this.inputs = {};
    this.spans = {};
    this.checks = [];
    this.sections = {};
    this.notes = {};
    this.storageOk = true;
  }

  Incident.prototype.start = function () {
    var self = this;
    this.data.sections.forEach(function (s) {
      self.sections[s.id] = { info: s, heading: null, checks: [], chip: null };
    });
    this.wrapPlaceholders();
    this.bindChecklists();
    if (this.printPage) {
      this.renderPrint();
    } else {
      this.renderPanel();
      this.addNotes();
    }
    this.refresh();
    this.panel.hidden = false;
  };

  // Placeholders in code: each occurrence becomes a span whose text is the value (or the
  // placeholder while empty), so what the copy button copies (the code's text) is what is shown.
  Incident.prototype.wrapPlaceholders = function () {
    var self = this;
    var tokens = {};
    this.data.placeholders.forEach(function (p) {
      tokens[p.token] = p;
      self.spans[p.token] = [];
    });
    if (!this.data.placeholders.length) return;
    var pattern = new RegExp(
      this.data.placeholders
        .map(function (p) {
          return p.token.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        })
        .join("|"),
      "g"
    );
    this.scope.querySelectorAll("code").forEach(function (code) {
      if (code.closest(".rb-incident") || code.hasAttribute("data-rb-done")) return;
      code.setAttribute("data-rb-done", "");
      var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      var nodes = [];
      var text = "";
      while (walker.nextNode()) {
        nodes.push({ node: walker.currentNode, start: text.length });
        text += walker.currentNode.data;
      }
      var matches = [];
      var m;
      pattern.lastIndex = 0;
      while ((m = pattern.exec(text)) !== null) matches.push([m.index, m.index + m[0].length, m[0]]);
      // From the last match back, so earlier offsets stay valid.
      for (var i = matches.length - 1; i >= 0; i--) {
        var range = document.createRange();
        var a = locate(nodes, matches[i][0], false);
        var b = locate(nodes, matches[i][1], true);
        range.setStart(a.node, a.offset);
        range.setEnd(b.node, b.offset);
        range.deleteContents();
        var span = el("span", {
          className: "rb-ph",
          "data-rb-ph": matches[i][2],
          title: matches[i][2],
        });
        span.textContent = matches[i][2];
        range.insertNode(span);
        self.spans[matches[i][2]].unshift(span);
      }
    });

    function locate(list, offset, isEnd) {
      for (var j = 0; j < list.length; j++) {
        var item = list[j];
        var len = item.node.data.length;
        if (offset < item.start + len || (isEnd && offset === item.start + len)) {
          return { node: item.node, offset: offset - item.start };
        }
      }
      var last = list[list.length - 1];
      return { node: last.node, offset: last.node.data.length };
    }
  };

  Incident.prototype.bindChecklists = function () {
    var self = this;
    var current = "_page";
    var counters = {};
    var selector = "[data-rb-section], .task-list-item input[type=checkbox]";
    this.scope.querySelectorAll(selector).forEach(function (node) {
      if (node.hasAttribute("data-rb-section")) {
        current = node.getAttribute("data-rb-section");
        // The print page prefixes every id of a page with the page's section id.
        var prefix = self.printPage ? self.scope.id + "-" : "";
        if (prefix && current.indexOf(prefix) === 0 && !self.sections[current]) {
          current = current.slice(prefix.length);
        }
        if (self.sections[current]) self.sections[current].heading = node;
        return;
      }
      if (node.closest(".rb-incident")) return;
      counters[current] = (counters[current] || 0) + 1;
      var id = current + "#" + counters[current];
      var item = node.closest(".task-list-item");
      var check = { id: id, section: current, input: node, item: item, time: null };
      if (!self.sections[current]) {
        self.sections[current] = {
          info: { id: current, title: "Checklist", step: null, group: "", label: "" },
          heading: null,
          checks: [],
          chip: null,
        };
      }
      self.sections[current].checks.push(check);
      self.checks.push(check);
      check.time = el("span", { className: "rb-tick-time" });
      var nested = item.querySelector("ul, ol");
      if (nested && nested.parentNode === item) item.insertBefore(check.time, nested);
      else item.appendChild(check.time);
      if (self.printPage) {
        node.disabled = true;
        return;
      }
      node.disabled = false;
      node.removeAttribute("disabled");
      node.addEventListener("change", function () {
        if (node.checked) self.state.checks[id] = now();
        else delete self.state.checks[id];
        self.touch();
        self.refresh();
      });
    });
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      if (!section.heading || !section.checks.length) return;
      section.chip = el("span", { className: "rb-chip", "aria-live": "polite" });
      var link = section.heading.querySelector(".headerlink");
      section.heading.insertBefore(section.chip, link);
    });
  };

  Incident.prototype.touch = function () {
    if (!this.state.started) this.state.started = now();
    this.state.version = this.data.version || null;
    this.storageOk = writeState(this.key, this.state);
  };

  Incident.prototype.itemText = function (check) {
    var clone = check.item.cloneNode(true);
    clone.querySelectorAll("ul, ol, .rb-tick-time, .task-list-control").forEach(function (n) {
      n.remove();
    });
    return clone.textContent.replace(/\s+/g, " ").trim();
  };

  // -- the panel at the top of the page --------------------------------------------------------

  Incident.prototype.renderPanel = function () {
    var self = this;
    var data = this.data;
    var panel = this.panel;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Incident mode");

    var head = el("div", { className: "rb-incident__head" }, [
      el("p", { className: "rb-incident__title", text: "This incident" }),
      (this.progressText = el("span", { className: "rb-incident__progress" })),
    ]);
    panel.appendChild(head);
    this.bar = el("div", { className: "rb-incident__bar", "aria-hidden": "true" }, [
      el("span", { className: "rb-incident__bar-fill" }),
    ]);
    panel.appendChild(this.bar);

    if (data.placeholders.length) {
      panel.appendChild(
        el("p", {
          className: "rb-incident__hint",
          text: "Fill in once: every command on this page uses these values, and copy buttons copy the filled command.",
        })
      );
      var fields = el("div", { className: "rb-incident__fields" });
      data.placeholders.forEach(function (p, index) {
        var inputId = "rb-ph-" + index + "-" + (data.page || "").replace(/[^A-Za-z0-9]/g, "-");
        var input = el("input", {
          id: inputId,
          type: "text",
          className: "rb-field__input",
          autocomplete: "off",
          autocapitalize: "off",
          spellcheck: "false",
          placeholder: p.token,
          "data-rb-field": p.token,
        });
        input.value = self.state.values[p.token] || "";
        var sub = p.variables.length
          ? "sets " +
            p.variables
              .map(function (v) {
                return "$" + v;
              })
              .join(", ")
          : "";
        var warn = el("span", { className: "rb-field__warn", role: "alert" });
        var field = el("div", { className: "rb-field" }, [
          el("label", { className: "rb-field__label", for: inputId }, [
            el("code", { text: p.token }),
            sub ? el("span", { className: "rb-field__sub", text: sub }) : null,
          ]),
          input,
          warn,
          el("span", { className: "rb-field__print" }),
        ]);
        input.addEventListener("input", function () {
          var value = input.value;
          if (value) self.state.values[p.token] = value;
          else delete self.state.values[p.token];
          self.touch();
          self.refresh();
        });
        self.inputs[p.token] = { input: input, warn: warn, field: field };
        fields.appendChild(field);
      });
      panel.appendChild(fields);
    }
    if (data.environment.length) {
      panel.appendChild(
        el(
          "p",
          { className: "rb-incident__env" },
          ["Read from your shell's environment (set them there, never here): "].concat(
            data.environment.map(function (name, i) {
              return el("span", {}, [i ? ", " : "", el("code", { text: "$" + name })]);
            })
          )
        )
      );
    }
    var actions = el("div", { className: "rb-incident__actions" });
    var exportButton = el("button", {
      type: "button",
      className: "rb-button rb-button--primary",
      "data-rb-action": "export",
      text: "Export evidence log",
    });
    exportButton.addEventListener("click", function () {
      self.exportLog();
    });
    actions.appendChild(exportButton);
    if (data.placeholders.length) {
      var clear = el("button", {
        type: "button",
        className: "rb-button",
        "data-rb-action": "clear",
        text: "Clear values",
      });
      clear.addEventListener("click", function () {
        self.state.values = {};
        Object.keys(self.inputs).forEach(function (token) {
          self.inputs[token].input.value = "";
        });
        self.touch();
        self.refresh();
        self.say("Values cleared.");
      });
      actions.appendChild(clear);
    }
    var reset = el("button", {
      type: "button",
      className: "rb-button rb-button--quiet",
      "data-rb-action": "reset",
      text: "Reset for a new incident",
    });
    var armed = null;
    reset.addEventListener("click", function () {
      if (!armed) {
        reset.textContent = "Click again to clear ticks, notes and values";
        reset.classList.add("rb-button--armed");
        armed = window.setTimeout(disarm, 6000);
        return;
      }
      disarm();
      self.state = emptyState();
      try {
        window.localStorage.removeItem(self.key);
      } catch (err) {
        /* nothing stored */
      }
      Object.keys(self.inputs).forEach(function (token) {
        self.inputs[token].input.value = "";
      });
      self.checks.forEach(function (c) {
        c.input.checked = false;
      });
      Object.keys(self.notes).forEach(function (id) {
        self.notes[id].textarea.value = "";
        self.notes[id].details.open = false;
      });
      self.refresh();
      self.say("Reset: ready for a new incident.");
    });
    function disarm() {
      window.clearTimeout(armed);
      armed = null;
      reset.textContent = "Reset for a new incident";
      reset.classList.remove("rb-button--armed");
    }
    actions.appendChild(reset);
    panel.appendChild(actions);
    this.status = el("div", { className: "rb-incident__status", role: "status" });
    panel.appendChild(this.status);
    this.values = el("div", { className: "rb-incident__printvalues" });
    panel.appendChild(this.values);
  };

  Incident.prototype.say = function (message, nodes) {
    if (!this.status) return;
    this.status.textContent = message;
    (nodes || []).forEach(
      function (node) {
        this.status.appendChild(document.createTextNode(" "));
        this.status.appendChild(node);
      }.bind(this)
    );
  };

  // A note per step, kept with the evidence.
  Incident.prototype.addNotes = function () {
    var self = this;
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      if (!section.heading || section.info.step === null || section.info.step === undefined) return;
      var textarea = el("textarea", {
        className: "rb-note__text",
        rows: "3",
        "aria-label": "Note for " + section.info.title,
        placeholder: "What you saw, decided or escalated (goes into the evidence log)",
      });
      textarea.value = self.state.notes[id] || "";
      var printed = el("p", { className: "rb-note__print" });
      var toggle = el("button", {
        type: "button",
        className: "rb-note__toggle",
        "aria-expanded": "false",
        text: "Add a note for the evidence log",
      });
      var details = el("div", { className: "rb-note" }, [toggle, textarea]);
      Object.defineProperty(details, "open", {
        get: function () {
          return !textarea.hidden;
        },
        set: function (open) {
          textarea.hidden = !open;
          toggle.setAttribute("aria-expanded", open ? "true" : "false");
          toggle.textContent = open ? "Note for the evidence log" : "Add a note for the evidence log";
        },
      });
      details.open = Boolean(textarea.value);
      toggle.addEventListener("click", function () {
        details.open = !details.open || Boolean(textarea.value.trim());
        if (details.open) textarea.focus();
      });
      textarea.addEventListener("input", function () {
        if (textarea.value.trim()) self.state.notes[id] = textarea.value;
        else delete self.state.notes[id];
        self.touch();
        printed.textContent = textarea.value;
      });
      var end = section.heading.nextElementSibling;
      while (end && !/^H[1-6]$/.test(end.tagName)) end = end.nextElementSibling;
      var wrap = el("div", { className: "rb-note-wrap" }, [details, printed]);
      if (end) end.parentNode.insertBefore(wrap, end);
      else section.heading.parentNode.appendChild(wrap);
      printed.textContent = textarea.value;
      self.notes[id] = { textarea: textarea, details: details, printed: printed };
    });
  };

  // The print page shows each runbook's incident as text: values, ticks and notes.
  Incident.prototype.renderPrint = function () {
    var self = this;
    var values = this.data.placeholders.filter(function (p) {
      return self.state.values[p.token];
    });
    var ticks = Object.keys(this.state.checks).length;
    var notes = this.state.notes;
    Object.keys(notes).forEach(function (id) {
      var section = self.sections[id];
      if (!section || !section.heading) return;
      var end = section.heading.nextElementSibling;
      while (end && !/^H[1-6]$/.test(end.tagName)) end = end.nextElementSibling;
      var note = el("p", { className: "rb-note__print rb-note__print--shown", text: notes[id] });
      if (end) end.parentNode.insertBefore(note, end);
      else section.heading.parentNode.appendChild(note);
    });
    if (!values.length && !ticks) {
      this.panel.remove();
      return;
    }
    this.panel.classList.add("rb-incident--print");
    this.panel.appendChild(
      el("p", {
        className: "rb-incident__title",
        text: "This incident" + (this.state.started ? " (started " + this.state.started + ")" : ""),
      })
    );
    var list = el("ul", {});
    values.forEach(function (p) {
      list.appendChild(
        el("li", {}, [el("code", { text: p.token }), " = ", el("code", { text: self.state.values[p.token] })])
      );
    });
    if (values.length) this.panel.appendChild(list);
    this.progressText = el("p", { className: "rb-incident__progress" });
    this.panel.appendChild(this.progressText);
  };

  // -- rendering the state ---------------------------------------------------------------------

  Incident.prototype.refresh = function () {
    var self = this;
    var state = this.state;
    this.data.placeholders.forEach(function (p) {
      var value = state.values[p.token] || "";
      (self.spans[p.token] || []).forEach(function (span) {
        span.textContent = value || p.token;
        span.classList.toggle("rb-ph--filled", Boolean(value));
        span.classList.toggle("rb-ph--empty", !value);
        span.title = value ? p.token + " = " + value : p.token + ": not filled in yet";
      });
      var field = self.inputs[p.token];
      if (field) {
        if (field.input !== document.activeElement && field.input.value !== value) {
          field.input.value = value;
        }
        field.warn.textContent =
          value && SHELL_SPECIAL.test(value)
            ? "Contains a space or a character the shell treats specially: check the copied command."
            : "";
        field.field.querySelector(".rb-field__print").textContent = value || "(not filled in)";
        field.field.classList.toggle("rb-field--filled", Boolean(value));
      }
    });
    var done = 0;
    this.checks.forEach(function (c) {
      var at = state.checks[c.id];
      c.input.checked = Boolean(at);
      c.item.classList.toggle("rb-done", Boolean(at));
      c.time.textContent = at ? "✓ " + clock(at) : "";
      c.time.title = at || "";
      if (at) done += 1;
    });
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      if (!section.chip) return;
      var n = section.checks.filter(function (c) {
        return state.checks[c.id];
      }).length;
      var total = section.checks.length;
      section.chip.textContent = (n === total ? "✓ " : "") + n + "/" + total;
      section.chip.classList.toggle("rb-chip--done", n === total);
      section.chip.classList.toggle("rb-chip--partial", n > 0 && n < total);
      section.chip.title = n + " of " + total + " checks done";
    });
    Object.keys(this.notes).forEach(function (id) {
      var note = self.notes[id];
      var text = state.notes[id] || "";
      if (note.textarea !== document.activeElement && note.textarea.value !== text) {
        note.textarea.value = text;
        note.details.open = Boolean(text);
      }
      note.printed.textContent = text;
    });
    var total = this.checks.length;
    if (this.progressText) {
      var text = total ? done + " of " + total + " checks done" : "No checklist on this page";
      if (state.started) text += " · started " + clock(state.started);
      this.progressText.textContent = text;
    }
    if (this.bar) {
      this.bar.firstChild.style.width = total ? Math.round((100 * done) / total) + "%" : "0";
    }
    if (!this.storageOk) {
      this.say("This browser is not keeping the state (storage blocked): export before closing.");
    }
  };

  // -- the copy guard --------------------------------------------------------------------------

  function copyGuard(event) {
    var button = event.target && event.target.closest && event.target.closest("[data-clipboard-target]");
    if (!button) return;
    if (button.getAttribute("data-rb-copy-anyway") === "1") {
      button.removeAttribute("data-rb-copy-anyway");
      return;
    }
    var code = document.querySelector(button.getAttribute("data-clipboard-target"));
    if (!code) return;
    var empty = [];
    code.querySelectorAll(".rb-ph--empty").forEach(function (span) {
      var token = span.getAttribute("data-rb-ph");
      if (empty.indexOf(token) < 0) empty.push(token);
    });
    var block = button.closest(".highlight") || code.closest("pre");
    var old = block && block.nextElementSibling;
    if (old && old.classList.contains("rb-copy-warning")) old.remove();
    if (!empty.length) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var fill = el("button", { type: "button", className: "rb-button rb-button--primary", text: "Fill in " + empty[0] });
    var anyway = el("button", { type: "button", className: "rb-button", text: "Copy anyway" });
    var warning = el("div", { className: "rb-copy-warning", role: "alert" }, [
      el("p", {}, [
        el("strong", { text: "Not copied. " }),
        "Still empty: ",
      ].concat(
        empty.map(function (token, i) {
          return el("span", {}, [i ? ", " : "", el("code", { text: token })]);
        })
      ).concat(["."])),
      el("div", { className: "rb-copy-warning__actions" }, [fill, anyway]),
    ]);
    fill.addEventListener("click", function () {
      var input = document.querySelector('[data-rb-field="' + CSS.escape(empty[0]) + '"]');
      warning.remove();
      if (input) {
        input.scrollIntoView({ block: "center" });
        input.focus();
      }
    });
    anyway.addEventListener("click", function () {
      warning.remove();
      button.setAttribute("data-rb-copy-anyway", "1");
      button.click();
    });
    if (block) block.parentNode.insertBefore(warning, block.nextSibling);
    fill.focus();
  }

  // -- the evidence log ------------------------------------------------------------------------

  Incident.prototype.evidence = function () {
    var self = this;
    var data = this.data;
    var state = this.state;
    var exported = now();
    var steps = [];
    var timeline = [];
    var order = data.sections.map(function (s) {
      return s.id;
    });
    if (this.sections._page && this.sections._page.checks.length) order.unshift("_page");
    var done = 0;
    order.forEach(function (id) {
      var section = self.sections[id];
      var info = section.info;
      var checks = section.checks.map(function (c) {
        var at = state.checks[c.id] || null;
        if (at) {
          done += 1;
          timeline.push({ at: at, section: info.title, check: self.itemText(c) });
        }
        return { text: self.itemText(c), done: Boolean(at), done_at: at };
      });
      var note = (state.notes[id] || "").trim();
      if (!checks.length && !note && info.step === null) return;
      var times = checks
        .map(function (c) {
          return c.done_at;
        })
        .filter(Boolean)
        .sort();
      var complete = checks.length > 0 && times.length === checks.length;
      steps.push({
        id: id,
        title: info.title,
        group: info.group || "",
        step: info.step === undefined ? null : info.step,
        label: info.label || null,
        done: times.length,
        total: checks.length,
        completed_at: complete ? times[times.length - 1] : null,
        checks: checks,
        note: note,
      });
    });
    timeline.sort(function (a, b) {
      return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
    });
    return {
      format: FORMAT,
      format_version: 1,
      runbook: {
        title: data.title,
        path: data.page,
        kind: data.kind,
        version: data.version || null,
        last_updated: data.last_updated || null,
        owner: data.owner || null,
      },
      recorded_version: state.version || null,
      started_at: state.started || null,
      exported_at: exported,
      values: data.placeholders.map(function (p) {
        return { placeholder: p.token, variables: p.variables.slice(), value: state.values[p.token] || null };
      }),
      progress: { done: done, total: this.checks.length },
      steps: steps,
      timeline: timeline,
    };
  };

  function markdown(log) {
    var rb = log.runbook;
    var out = ["# Evidence log: " + mdText(rb.title), ""];
    out.push("- Runbook: " + mdCode(rb.path));
    out.push("- Version: " + (rb.version ? mdText(rb.version) : "not set"));
    out.push("- Last Updated: " + (rb.last_updated || "not set"));
    if (rb.owner) out.push("- Owner: " + mdText(rb.owner));
    if (log.recorded_version && log.recorded_version !== rb.version) {
      out.push("- Recorded against version: " + mdText(log.recorded_version));
    }
    out.push("- Started: " + (log.started_at || "not started"));
    out.push("- Exported: " + log.exported_at);
    out.push("- Progress: " + log.progress.done + " of " + log.progress.total + " checks done");
    out.push("");
    if (log.values.length) {
      out.push("## Values", "", "| Placeholder | Shell variables | Value |", "|---|---|---|");
      log.values.forEach(function (v) {
        out.push(
          "| " +
            mdCode(v.placeholder) +
            " | " +
            (v.variables.length
              ? v.variables
                  .map(function (name) {
                    return mdCode("$" + name);
                  })
                  .join(", ")
              : " ") +
            " | " +
            (v.value ? mdCode(v.value).replace(/\|/g, "\\|") : "*not filled in*") +
            " |"
        );
      });
      out.push("");
    }
    out.push("## Steps", "");
    log.steps.forEach(function (s) {
      var title = (s.group ? s.group + " › " : "") + s.title;
      var label = s.label ? " (" + s.label.toUpperCase() + ")" : "";
      out.push("### " + mdText(title) + label, "");
      out.push(
        s.total
          ? "Done " + s.done + " of " + s.total + (s.completed_at ? ", completed " + s.completed_at : "") + "."
          : "No checklist."
      );
      out.push("");
      s.checks.forEach(function (c) {
        out.push("- [" + (c.done ? "x" : " ") + "] " + mdText(c.text) + (c.done ? " (" + c.done_at + ")" : ""));
      });
      if (s.checks.length) out.push("");
      if (s.note) {
        s.note.split(/\r?\n/).forEach(function (line) {
          out.push("> " + line);
        });
        out.push("");
      }
    });
    if (log.timeline.length) {
      out.push("## Timeline (UTC)", "", "| Time | Section | Check |", "|---|---|---|");
      log.timeline.forEach(function (t) {
        out.push("| " + t.at + " | " + mdText(t.section) + " | " + mdText(t.check) + " |");
      });
      out.push("");
    }
    return out.join("\n");
  }

  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = el("a", { href: url, download: name, className: "rb-download" });
    link.textContent = name;
    return { link: link, url: url };
  }

  Incident.prototype.exportLog = function () {
    var log = this.evidence();
    var base =
      (this.data.page || "runbook").replace(/^.*\//, "").replace(/\.md$/, "") +
      "-evidence-" +
      fileStamp(log.exported_at);
    var json = download(base + ".json", JSON.stringify(log, null, 2) + "\n", "application/json");
    var md = download(base + ".md", markdown(log) + "\n", "text/markdown");
    this.lastExport = { log: log, markdown: markdown(log) };
    json.link.click();
    md.link.click();
    this.say("Saved " + base + ".json and .md to your downloads. Again:", [md.link, json.link]);
  };

  // -- the signal lookup page ------------------------------------------------------------------

  function signalFilter(box) {
    var input = el("input", {
      type: "search",
      className: "rb-field__input rb-signal-filter__input",
      placeholder: "Type what you see, e.g. STALE or stage_conflict",
      "aria-label": "Filter signals",
      autocomplete: "off",
      spellcheck: "false",
    });
    var count = el("span", { className: "rb-signal-filter__count", role: "status" });
    box.appendChild(input);
    box.appendChild(count);
    box.hidden = false;
    var entries = [];
    document.querySelectorAll("h2.rb-signal").forEach(function (heading) {
      var members = [heading];
      var next = heading.nextElementSibling;
      while (next && next.tagName !== "H2" && !next.classList.contains("rb-signal-summary")) {
        members.push(next);
        next = next.nextElementSibling;
      }
      entries.push({ text: heading.textContent.toLowerCase(), members: members });
    });
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (entry) {
        var hay = entry.text + " " + entry.members.slice(1).map(function (m) {
          return m.textContent.toLowerCase();
        }).join(" ");
        var match = words.every(function (w) {
          return hay.indexOf(w) >= 0;
        });
        entry.members.forEach(function (m) {
          m.classList.toggle("rb-hidden", !match);
        });
        if (match) shown += 1;
      });
      count.textContent = words.length ? shown + " of " + entries.length + " signals" : "";
    });
  }

  // -- start -----------------------------------------------------------------------------------

  var incidents = [];

  function init() {
    document.querySelectorAll(".rb-incident[data-rb-incident]").forEach(function (panel) {
      if (panel.hasAttribute("data-rb-started")) return;
      panel.setAttribute("data-rb-started", "");
      try {
        var incident = new Incident(panel);
        incident.start();
        incidents.push(incident);
      } catch (err) {
        panel.hidden = true;
        if (window.console) console.error("incident mode:", err);
      }
    });
    document.querySelectorAll(".rb-signal-filter").forEach(signalFilter);
    // Outside incident mode (templates, guides) a checklist is an example: nothing to tick.
    if (!incidents.length) {
      document.querySelectorAll(".task-list-item input[type=checkbox]").forEach(function (box) {
        box.disabled = true;
      });
    }
  }

  document.addEventListener("click", copyGuard, true);
  window.addEventListener("storage", function (event) {
    incidents.forEach(function (incident) {
      if (event.key === incident.key) {
        incident.state = readState(incident.key);
        incident.refresh();
      }
    });
  });
  window.rbIncident = { incidents: incidents, markdown: markdown };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
