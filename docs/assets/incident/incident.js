/*
 * Incident mode: one incident across every page of the site. Fill a placeholder once and every
 * command that names it shows the value; tick checklist items and mark each verification passed
 * or failed; export one evidence log of every page visited. Plain script, no framework, no
 * network: it works from file://, an unzipped archive or a local web server alike.
 *
 * The build (runbook_lint/sitegen/incident.py) puts one `.rb-incident[data-rb-incident]`
 * element on each runbook page: the placeholders the operator supplies (from the parsed
 * commands), the page's outline (sections, each checklist item's Markdown text and nested
 * criteria, each Verification block), and where the text comes from (git revision, sha256).
 *
 * Where the incident is kept: in the localStorage of one document, assets/incident/store.html,
 * which every page opens in a hidden frame and talks to with postMessage (this same script runs
 * there as the store). A page's own localStorage is not enough: Firefox gives every file:// page
 * an origin and a storage of its own, so values typed on one runbook would not reach the next.
 * A frame of one fixed document has one storage whichever page opens it, from file:// and over
 * http alike. If the frame cannot be opened, the page keeps the incident in its own storage and
 * says so.
 */
(function () {
  "use strict";

  var STORE_KEY = "rb-incident/v2";
  var CHANNEL = "rb-incident-store";
  var FORMAT = "runbook-evidence-log";
  var FORMAT_VERSION = 2;
  // Characters that change the command where the value lands, by how the runbook quotes it.
  var SPECIAL = {
    bare: { pattern: /[\s'"`$\\;&|<>(){}[\]*?!#~]/, where: "unquoted" },
    double: { pattern: /["`$\\!]/, where: 'inside "double quotes"' },
    single: { pattern: /'/, where: "inside 'single quotes'" },
    heredoc: { pattern: /[`$\\]/, where: "in a here-document" },
  };

  // -- the state and its changes (shared by the store and the pages) -----------------------------

  // A change is [path, value]: set the value at the path of keys, or delete it when null.
  function applyChanges(state, changes) {
    var root = state || {};
    changes.forEach(function (change) {
      var path = change[0];
      var value = change[1];
      var node = root;
      for (var i = 0; i < path.length - 1; i++) {
        if (!node[path[i]] || typeof node[path[i]] !== "object") node[path[i]] = {};
        node = node[path[i]];
      }
      var last = path[path.length - 1];
      if (value === null || value === undefined) delete node[last];
      else node[last] = value;
    });
    return root;
  }

  // What the store does with one request; the same code serves a page's own storage.
  function serve(storage, message) {
    var raw = storage.getItem(STORE_KEY);
    var state = raw ? JSON.parse(raw) : null;
    if (message.op === "update") {
      state = applyChanges(state, message.changes || []);
      state.updated = now();
      storage.setItem(STORE_KEY, JSON.stringify(state));
    } else if (message.op === "replace") {
      state = message.state || null;
      if (state) storage.setItem(STORE_KEY, JSON.stringify(state));
      else storage.removeItem(STORE_KEY);
    }
    return state;
  }

  // -- this script as the store (inside store.html) -----------------------------------------------

  function runStore() {
    var local = location.protocol === "file:";
    var target = local ? "*" : location.origin;
    function post(message) {
      message.channel = CHANNEL;
      window.parent.postMessage(message, target);
    }
    window.addEventListener("message", function (event) {
      var message = event.data;
      if (event.source !== window.parent || !message || message.channel !== CHANNEL) return;
      if (!local && event.origin !== location.origin) return;
      var reply = { id: message.id };
      try {
        reply.state = serve(window.localStorage, message);
      } catch (err) {
        reply.error = String(err);
      }
      post(reply);
    });
    // Another tab changed the incident: tell the page that opened this frame.
    window.addEventListener("storage", function (event) {
      if (event.key !== STORE_KEY && event.key !== null) return;
      try {
        post({ changed: true, state: serve(window.localStorage, { op: "get" }) });
      } catch (err) {
        /* unreadable storage: the page keeps what it has */
      }
    });
    var ready = { ready: true };
    try {
      ready.state = serve(window.localStorage, { op: "get" });
    } catch (err) {
      ready.error = String(err);
    }
    post(ready);
  }

  // -- the page's end of the store ----------------------------------------------------------------

  function Store(url, onChange) {
    this.url = url;
    this.onChange = onChange;
    this.frame = null;
    this.pending = {};
    this.next = 1;
    this.shared = false; // the incident is the site's, not only this page's
    this.error = "";
  }

  Store.prototype.open = function (done) {
    var self = this;
    var finished = false;
    function finish(state) {
      if (finished) return;
      finished = true;
      window.clearTimeout(timer);
      done(state);
    }
    var timer = window.setTimeout(function () {
      self.frame = null; // no answer: keep the incident in this page's storage
      finish(self.local({ op: "get" }));
    }, 4000);
    if (!this.url) {
      finish(this.local({ op: "get" }));
      return;
    }
    window.addEventListener("message", function (event) {
      var message = event.data;
      if (!self.frame || event.source !== self.frame.contentWindow) return;
      if (!message || message.channel !== CHANNEL) return;
      if (message.ready) {
        self.shared = !message.error;
        if (message.error) self.error = message.error;
        finish(message.error ? self.local({ op: "get" }) : message.state || null);
      } else if (message.changed) {
        self.onChange(message.state || null);
      } else if (self.pending[message.id]) {
        var callback = self.pending[message.id];
        delete self.pending[message.id];
        if (message.error) self.error = message.error;
        callback(message.error ? null : message.state || null, message.error || "");
      }
    });
    this.frame = document.createElement("iframe");
    this.frame.className = "rb-incident-store";
    this.frame.setAttribute("aria-hidden", "true");
    this.frame.setAttribute("tabindex", "-1");
    this.frame.title = "Incident store";
    this.frame.src = this.url;
    document.body.appendChild(this.frame);
  };

  Store.prototype.local = function (message) {
    try {
      return serve(window.localStorage, message);
    } catch (err) {
      this.error = String(err);
      return null;
    }
  };

  Store.prototype.request = function (message, callback) {
    if (!this.shared || !this.frame) {
      var state = this.local(message);
      callback(state, this.error);
      return;
    }
    message.id = this.next++;
    message.channel = CHANNEL;
    this.pending[message.id] = callback;
    var local = location.protocol === "file:";
    this.frame.contentWindow.postMessage(message, local ? "*" : location.origin);
  };

  // -- small helpers -------------------------------------------------------------------------------

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
    return iso.replace(/[-:]/g, "").replace("T", "-");
  }

  function count(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function mdCode(text) {
    var ticks = text.indexOf("`") >= 0 ? "``" : "`";
    var pad = text.charAt(0) === "`" || text.charAt(text.length - 1) === "`" ? " " : "";
    return ticks + pad + text + pad + ticks;
  }

  function mdText(text) {
    return String(text).replace(/([\\`*_[\]<>|])/g, "\\$1").replace(/\s+/g, " ").trim();
  }

  function mdCell(text) {
    return String(text).replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
  }

  function sectionEnd(heading) {
    var end = heading.nextElementSibling;
    while (end && !/^H[1-6]$/.test(end.tagName)) end = end.nextElementSibling;
    return end;
  }

  function insertBeforeEnd(heading, node) {
    var end = sectionEnd(heading);
    if (end) end.parentNode.insertBefore(node, end);
    else heading.parentNode.appendChild(node);
  }

  // -- the incident of this browser, shared by every view on the page ------------------------------

  var session = {
    store: null,
    state: null,
    views: [],
    active: function () {
      var s = this.state;
      return Boolean(s && s.incident && !s.incident.ended_at);
    },
    incident: function () {
      return (this.state && this.state.incident) || null;
    },
    page: function (path) {
      return (this.state && this.state.pages && this.state.pages[path]) || null;
    },
    value: function (token) {
      var entry = this.state && this.state.values && this.state.values[token];
      return (entry && entry.value) || "";
    },
    // Change the incident: shown at once, then replaced by the store's answer (which also
    // carries what other tabs did meanwhile).
    update: function (changes) {
      var self = this;
      this.state = applyChanges(this.state, changes);
      this.render();
      this.store.request({ op: "update", changes: changes }, function (state, error) {
        if (!error) self.state = state;
        self.render(error);
      });
    },
    replace: function (state) {
      var self = this;
      this.state = state;
      this.render();
      this.store.request({ op: "replace", state: state }, function (stored, error) {
        if (!error) self.state = stored;
        self.render(error);
      });
    },
    render: function (error) {
      this.views.forEach(function (view) {
        view.refresh(error || "");
      });
    },
  };

  // -- one runbook page (or one runbook in the print page) ----------------------------------------

  function Incident(panel) {
    this.panel = panel;
    this.data = JSON.parse(panel.getAttribute("data-rb-incident"));
    this.path = this.data.page;
    this.scope = panel.closest("section.print-page") || panel.closest("article") || document.body;
    this.printPage = panel.closest("section.print-page") !== null;
    this.inputs = {};
    this.spans = {};
    this.checks = [];
    this.sections = {};
    this.verifications = {};
    this.notes = {};
    this.expanded = true; // with an incident on: the operator has begun
    this.asked = this.data.placeholders.filter(function (p) {
      return !p.computed;
    });
  }

  Incident.prototype.start = function () {
    var self = this;
    this.data.sections.forEach(function (s) {
      self.sections[s.id] = { info: s, heading: null, checks: [], chip: null };
    });
    this.wrapPlaceholders();
    this.bindChecklists();
    if (this.printPage) return;
    this.renderPanel();
    this.addVerifications();
    this.addNotes();
  };

  Incident.prototype.source = function () {
    var s = this.data.source || {};
    return {
      revision: s.revision || null,
      committed: s.committed || null,
      dirty: Boolean(s.dirty),
      sha256: s.sha256 || null,
    };
  };

  // The page as the evidence log needs it, recorded once per incident (and again when the page
  // changed since: each tick keeps the index of the text it was made on).
  Incident.prototype.visit = function () {
    if (!session.active() || this.printPage) return;
    var record = session.page(this.path);
    var source = this.source();
    var sources = (record && record.sources) || [];
    var last = sources[sources.length - 1];
    if (last && last.sha256 === source.sha256 && last.revision === source.revision) return;
    source.first_seen = now();
    var d = this.data;
    var base = ["pages", this.path];
    session.update([
      [base.concat("title"), d.title],
      [base.concat("kind"), d.kind],
      [base.concat("version"), d.version || null],
      [base.concat("last_updated"), d.last_updated || null],
      [base.concat("owner"), d.owner || null],
      [base.concat("visited_at"), (record && record.visited_at) || now()],
      [base.concat("sources"), sources.concat([source])],
      [base.concat("outline"), d.sections],
    ]);
  };

  Incident.prototype.sourceIndex = function () {
    var record = session.page(this.path);
    return record && record.sources ? record.sources.length - 1 : 0;
  };

  // Placeholders in code: each occurrence becomes a span whose text is the value (or the
  // placeholder while empty), so what the copy button copies (the code's text) is what is shown.
  Incident.prototype.wrapPlaceholders = function () {
    var self = this;
    if (!this.data.placeholders.length) return;
    this.data.placeholders.forEach(function (p) {
      self.spans[p.token] = [];
    });
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
        var span = el("span", { className: "rb-ph", "data-rb-ph": matches[i][2], title: matches[i][2] });
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

  // Each box is matched with its item in the build's outline (by its place in its section),
  // which gives the exact Markdown text, its line and its nested criteria.
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
      var n = counters[current];
      if (!self.sections[current]) {
        self.sections[current] = {
          info: { id: current, title: "Checklist", step: null, group: "", label: "", checks: [], verification: null },
          heading: null,
          checks: [],
          chip: null,
        };
      }
      var section = self.sections[current];
      var item = node.closest(".task-list-item");
      var outline = (section.info.checks || [])[n - 1] || null;
      var check = {
        id: current + "#" + n,
        section: current,
        input: node,
        item: item,
        outline: outline || { line: null, text: domText(item), criteria: [] },
        time: el("span", { className: "rb-tick-time" }),
      };
      section.checks.push(check);
      self.checks.push(check);
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
        if (!session.active()) {
          node.checked = false;
          self.askToBegin("Begin the incident first: every tick is recorded against it.");
          return;
        }
        var path = ["pages", self.path, "checks", check.id];
        session.update([
          [
            path,
            node.checked
              ? {
                  at: now(),
                  source: self.sourceIndex(),
                  line: check.outline.line,
                  text: check.outline.text,
                  criteria: check.outline.criteria,
                }
              : null,
          ],
        ]);
      });
    });
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      if (!section.heading || !section.checks.length) return;
      section.chip = el("span", { className: "rb-chip", "aria-live": "polite" });
      section.heading.insertBefore(section.chip, section.heading.querySelector(".headerlink"));
    });
  };

  function domText(item) {
    var clone = item.cloneNode(true);
    clone.querySelectorAll("ul, ol, .rb-tick-time, .task-list-control").forEach(function (n) {
      n.remove();
    });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  // -- the panel at the top of the page -------------------------------------------------------------

  Incident.prototype.renderPanel = function () {
    var self = this;
    var panel = this.panel;
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", "Incident mode");

    this.title = el("p", { className: "rb-incident__title" });
    this.summary = el("span", { className: "rb-incident__summary" });
    this.toggle = el("button", {
      type: "button",
      className: "rb-button rb-incident__toggle",
      "aria-expanded": "false",
      "data-rb-action": "toggle",
    });
    this.toggle.addEventListener("click", function () {
      if (!session.incident()) {
        self.showBegin(!self.beginOpen);
        return;
      }
      self.expanded = !self.expanded;
      self.refresh("");
    });
    panel.appendChild(
      el("div", { className: "rb-incident__head" }, [
        el("div", { className: "rb-incident__who" }, [this.title, this.summary]),
        this.toggle,
      ])
    );

    this.beginForm = this.renderBegin();
    panel.appendChild(this.beginForm);

    this.body = el("div", { className: "rb-incident__body" });
    this.progressText = el("p", { className: "rb-incident__progress" });
    this.body.appendChild(this.progressText);
    this.bar = el("div", { className: "rb-incident__bar", "aria-hidden": "true" }, [
      el("span", { className: "rb-incident__bar-fill" }),
    ]);
    this.body.appendChild(this.bar);
    if (this.asked.length) {
      this.body.appendChild(
        el("p", {
          className: "rb-incident__hint",
          text:
            "Fill in once for the whole incident: every command that names a placeholder, on this " +
            "page and every other, uses the value, and copy buttons copy the filled command.",
        })
      );
      var fields = el("div", { className: "rb-incident__fields" });
      this.asked.forEach(function (p, index) {
        fields.appendChild(self.renderField(p, index));
      });
      this.body.appendChild(fields);
    }
    var computed = this.data.placeholders.filter(function (p) {
      return p.computed;
    });
    if (computed.length) {
      this.body.appendChild(
        el(
          "p",
          { className: "rb-incident__env" },
          ["Set by the commands on this page, not asked for: "].concat(
            computed.map(function (p, i) {
              return el("span", {}, [i ? ", " : "", el("code", { text: p.token }), " is ", el("code", { text: "$" + p.computed })]);
            })
          )
        )
      );
    }
    if (this.data.environment.length) {
      this.body.appendChild(
        el(
          "p",
          { className: "rb-incident__env" },
          ["Read from your shell's environment (set them there, never here): "].concat(
            this.data.environment.map(function (name, i) {
              return el("span", {}, [i ? ", " : "", el("code", { text: "$" + name })]);
            })
          )
        )
      );
    }
    // Once the incident has ended, only its summary, the export and the clearing are left.
    this.liveOnly = Array.prototype.slice.call(this.body.children, 2);
    this.body.appendChild(this.renderActions());
    panel.appendChild(this.body);
    this.status = el("div", { className: "rb-incident__status", role: "status" });
    panel.appendChild(this.status);
    this.values = el("div", { className: "rb-incident__printvalues" });
    panel.appendChild(this.values);
  };

  Incident.prototype.renderBegin = function () {
    var self = this;
    var idInput = el("input", {
      id: "rb-incident-id",
      type: "text",
      className: "rb-field__input",
      autocomplete: "off",
      spellcheck: "false",
      required: "",
      placeholder: "e.g. INC-2041",
      "data-rb-begin": "incident",
    });
    var operatorInput = el("input", {
      id: "rb-operator-id",
      type: "text",
      className: "rb-field__input",
      autocomplete: "off",
      spellcheck: "false",
      required: "",
      placeholder: "your operator id",
      "data-rb-begin": "operator",
    });
    var form = el("form", { className: "rb-incident__begin", hidden: "" }, [
      el("p", {
        className: "rb-incident__hint",
        text:
          "Both go into the evidence log with every tick, verification and value. The incident " +
          "is shared by every page of this site in this browser until you clear it.",
      }),
      el("div", { className: "rb-incident__fields" }, [
        el("div", { className: "rb-field" }, [
          el("label", { className: "rb-field__label", for: "rb-incident-id", text: "Incident or ticket id" }),
          idInput,
        ]),
        el("div", { className: "rb-field" }, [
          el("label", { className: "rb-field__label", for: "rb-operator-id", text: "Your operator id" }),
          operatorInput,
        ]),
      ]),
      el("div", { className: "rb-incident__actions" }, [
        el("button", { type: "submit", className: "rb-button rb-button--primary", "data-rb-action": "start", text: "Start the incident" }),
      ]),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = idInput.value.trim();
      var operator = operatorInput.value.trim();
      if (!id || !operator) {
        (id ? operatorInput : idInput).focus();
        self.say("An incident needs its id and your operator id.");
        return;
      }
      var at = now();
      var state = {
        v: 2,
        incident: { id: id, operator: operator, started_at: at, ended_at: null },
        values: {},
        pages: {},
      };
      // The operator id is also the value of <operator-id> in every command that names it.
      state.values["<operator-id>"] = { value: operator, at: at, page: self.path };
      self.beginOpen = false;
      self.expanded = true;
      session.replace(state);
      self.visit();
      self.say("Incident " + id + " started. Values, ticks and verifications now go into its evidence log.");
    });
    this.beginInputs = [idInput, operatorInput];
    return form;
  };

  Incident.prototype.showBegin = function (open) {
    this.beginOpen = open;
    this.refresh("");
    if (open) this.beginInputs[0].focus();
  };

  Incident.prototype.askToBegin = function (message) {
    this.panel.scrollIntoView({ block: "start" });
    if (session.incident()) {
      this.say("Incident " + session.incident().id + " has ended: clear it to begin a new one.");
      return;
    }
    this.showBegin(true);
    this.say(message);
  };

  Incident.prototype.renderField = function (p, index) {
    var inputId = "rb-ph-" + index + "-" + (this.path || "").replace(/[^A-Za-z0-9]/g, "-");
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
    var self = this;
    input.addEventListener("input", function () {
      if (!session.active()) return;
      var value = input.value;
      session.update([[["values", p.token], value ? { value: value, at: now(), page: self.path } : null]]);
    });
    this.inputs[p.token] = { input: input, warn: warn, field: field, placeholder: p };
    return field;
  };

  Incident.prototype.renderActions = function () {
    var self = this;
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
    var end = el("button", { type: "button", className: "rb-button", "data-rb-action": "end", text: "End the incident" });
    end.addEventListener("click", function () {
      session.update([[["incident", "ended_at"], now()]]);
      self.say("Incident ended: export the evidence log, then clear it to begin another.");
    });
    var clear = el("button", {
      type: "button",
      className: "rb-button rb-button--quiet",
      "data-rb-action": "clear",
      text: "Clear the incident",
    });
    var armed = null;
    function disarm() {
      window.clearTimeout(armed);
      armed = null;
      clear.textContent = "Clear the incident";
      clear.classList.remove("rb-button--armed");
    }
    clear.addEventListener("click", function () {
      if (!armed) {
        clear.textContent = "Click again to forget its values, ticks and notes on every page";
        clear.classList.add("rb-button--armed");
        armed = window.setTimeout(disarm, 6000);
        return;
      }
      disarm();
      self.expanded = false;
      session.replace(null);
      self.say("Cleared: ready for a new incident.");
    });
    this.endButton = end;
    actions.appendChild(exportButton);
    actions.appendChild(end);
    actions.appendChild(clear);
    return actions;
  };

  Incident.prototype.say = function (message) {
    if (!this.status) return;
    this.status.textContent = message;
  };

  // Each step's Verification: the operator marks what the check showed.
  Incident.prototype.addVerifications = function () {
    var self = this;
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      var info = section.info;
      if (!section.heading || !info.verification) return;
      var pass = el("button", { type: "button", className: "rb-button rb-verify__pass", "aria-pressed": "false", "data-rb-verify": "pass", text: "Passed" });
      var fail = el("button", { type: "button", className: "rb-button rb-verify__fail", "aria-pressed": "false", "data-rb-verify": "fail", text: "Failed" });
      var when = el("span", { className: "rb-verify__when", "aria-live": "polite" });
      var box = el("div", { className: "rb-verify", "data-rb-verification": id, role: "group", "aria-label": "Verification outcome of " + info.title }, [
        el("span", { className: "rb-verify__label", text: "Verification outcome:" }),
        pass,
        fail,
        when,
      ]);
      [pass, fail].forEach(function (button) {
        button.addEventListener("click", function () {
          if (!session.active()) {
            self.askToBegin("Begin the incident first: every verification is recorded against it.");
            return;
          }
          var result = button.getAttribute("data-rb-verify");
          var record = self.verificationRecord(id);
          var path = ["pages", self.path, "verifications", id];
          session.update([[path, record && record.result === result ? null : { result: result, at: now(), source: self.sourceIndex() }]]);
        });
      });
      // After the Verification block's list (or paragraph), before the next heading.
      var anchor = null;
      var node = section.heading.nextElementSibling;
      while (node && !/^H[1-6]$/.test(node.tagName)) {
        if (/^\s*Verification\b/.test(node.textContent)) {
          anchor = node;
          var list = node.nextElementSibling;
          if (list && /^(UL|OL)$/.test(list.tagName)) anchor = list;
          break;
        }
        node = node.nextElementSibling;
      }
      if (anchor) anchor.parentNode.insertBefore(box, anchor.nextSibling);
      else insertBeforeEnd(section.heading, box);
      self.verifications[id] = { box: box, pass: pass, fail: fail, when: when };
    });
  };

  Incident.prototype.verificationRecord = function (id) {
    var record = session.page(this.path);
    return (record && record.verifications && record.verifications[id]) || null;
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
        hidden: "",
      });
      var printed = el("p", { className: "rb-note__print" });
      var toggle = el("button", {
        type: "button",
        className: "rb-note__toggle",
        "aria-expanded": "false",
        text: "Add a note for the evidence log",
      });
      var note = { textarea: textarea, toggle: toggle, printed: printed, open: false };
      note.setOpen = function (open) {
        note.open = open;
        textarea.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        toggle.textContent = open ? "Note for the evidence log" : "Add a note for the evidence log";
      };
      toggle.addEventListener("click", function () {
        if (!session.active()) {
          self.askToBegin("Begin the incident first: notes go into its evidence log.");
          return;
        }
        note.setOpen(!note.open || Boolean(textarea.value.trim()));
        if (note.open) textarea.focus();
      });
      textarea.addEventListener("input", function () {
        if (!session.active()) return;
        var text = textarea.value.trim() ? textarea.value : null;
        session.update([[["pages", self.path, "notes", id], text]]);
      });
      insertBeforeEnd(section.heading, el("div", { className: "rb-note-wrap" }, [el("div", { className: "rb-note" }, [toggle, textarea]), printed]));
      self.notes[id] = note;
    });
  };

  // -- rendering the state ------------------------------------------------------------------------

  Incident.prototype.refresh = function (error) {
    var self = this;
    var incident = session.incident();
    var active = session.active();
    var record = session.page(this.path) || {};
    var ticks = record.checks || {};
    this.data.placeholders.forEach(function (p) {
      var value = p.computed ? "${" + p.computed + "}" : session.value(p.token);
      (self.spans[p.token] || []).forEach(function (span) {
        span.textContent = value || p.token;
        span.classList.toggle("rb-ph--filled", Boolean(value));
        span.classList.toggle("rb-ph--empty", !value);
        span.classList.toggle("rb-ph--computed", Boolean(p.computed));
        span.title = p.computed
          ? p.token + ": set by the commands on this page ($" + p.computed + ")"
          : value
            ? p.token + " = " + value
            : p.token + ": not filled in yet";
      });
      var field = self.inputs[p.token];
      if (field) {
        if (field.input !== document.activeElement && field.input.value !== value) field.input.value = value;
        field.input.disabled = !active;
        field.warn.textContent = warning(value, p.quoting || ["bare"]);
        field.field.querySelector(".rb-field__print").textContent = value || "(not filled in)";
        field.field.classList.toggle("rb-field--filled", Boolean(value));
      }
    });
    var done = 0;
    this.checks.forEach(function (c) {
      var tick = ticks[c.id];
      var at = tick ? tick.at : null;
      c.input.checked = Boolean(at);
      if (!self.printPage) c.input.disabled = Boolean(incident && !active);
      c.item.classList.toggle("rb-done", Boolean(at));
      c.time.textContent = at ? "✓ " + clock(at) : "";
      c.time.title = at || "";
      if (at) done += 1;
    });
    Object.keys(this.sections).forEach(function (id) {
      var section = self.sections[id];
      if (!section.chip) return;
      var n = section.checks.filter(function (c) {
        return ticks[c.id];
      }).length;
      var total = section.checks.length;
      section.chip.textContent = (n === total ? "✓ " : "") + n + "/" + total;
      section.chip.classList.toggle("rb-chip--done", n === total);
      section.chip.classList.toggle("rb-chip--partial", n > 0 && n < total);
      section.chip.title = n + " of " + total + " checks done";
    });
    var marked = 0;
    Object.keys(this.verifications).forEach(function (id) {
      var v = self.verifications[id];
      var r = (record.verifications || {})[id] || null;
      if (r) marked += 1;
      v.pass.setAttribute("aria-pressed", r && r.result === "pass" ? "true" : "false");
      v.fail.setAttribute("aria-pressed", r && r.result === "fail" ? "true" : "false");
      v.pass.disabled = v.fail.disabled = Boolean(incident && !active);
      v.box.classList.toggle("rb-verify--pass", Boolean(r && r.result === "pass"));
      v.box.classList.toggle("rb-verify--fail", Boolean(r && r.result === "fail"));
      v.when.textContent = r ? (r.result === "pass" ? "passed" : "failed") + " at " + clock(r.at) : "";
    });
    Object.keys(this.notes).forEach(function (id) {
      var note = self.notes[id];
      var text = (record.notes || {})[id] || "";
      if (note.textarea !== document.activeElement && note.textarea.value !== text) {
        note.textarea.value = text;
        note.setOpen(Boolean(text));
      }
      note.printed.textContent = text;
    });
    if (this.printPage) {
      this.renderPrint(record);
      return;
    }
    this.renderHead(incident, active, done, marked);
    if (error) this.say("The incident could not be saved (" + error + "): export before closing.");
    else if (!session.store.shared) {
      this.say("This browser keeps the incident for this page only: export the evidence log before you open another page.");
    }
  };

  Incident.prototype.renderHead = function (incident, active, done, marked) {
    var total = this.checks.length;
    var verifications = Object.keys(this.verifications).length;
    var open = incident ? this.expanded : this.beginOpen;
    this.panel.classList.toggle("rb-incident--active", active);
    this.panel.classList.toggle("rb-incident--ended", Boolean(incident && !active));
    this.panel.classList.toggle("rb-incident--collapsed", !open);
    if (!incident) {
      this.title.textContent = "Incident mode";
      this.summary.textContent = "Fill in this page's commands, tick steps, mark verifications and export one evidence log.";
      this.toggle.textContent = this.beginOpen ? "Cancel" : "Begin an incident";
    } else {
      this.title.textContent = "Incident " + incident.id;
      var pages = Object.keys((session.state && session.state.pages) || {});
      var ticks = 0;
      pages.forEach(function (path) {
        ticks += Object.keys(session.page(path).checks || {}).length;
      });
      this.summary.textContent =
        "operator " + incident.operator +
        " · since " + clock(incident.started_at) +
        (active ? "" : " · ended " + clock(incident.ended_at)) +
        " · " + count(ticks, "check") + " on " + count(pages.length, "page");
      this.toggle.textContent = this.expanded ? "Hide" : "Show";
    }
    this.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    this.beginForm.hidden = Boolean(incident) || !this.beginOpen;
    this.body.hidden = !incident || !this.expanded;
    this.endButton.hidden = !active;
    this.liveOnly.forEach(function (node) {
      node.hidden = !active;
    });
    var text = total ? "This page: " + done + " of " + total + " checks" : "This page has no checklist";
    if (verifications) text += " · " + marked + " of " + verifications + " verifications marked";
    this.progressText.textContent = text;
    this.bar.firstChild.style.width = total ? Math.round((100 * done) / total) + "%" : "0";
  };

  function warning(value, quoting) {
    if (!value) return "";
    for (var i = 0; i < quoting.length; i++) {
      var rule = SPECIAL[quoting[i]];
      if (rule && rule.pattern.test(value)) {
        return (
          "Contains a space or a character the shell reads specially " +
          rule.where +
          ", where a command uses this value: check the copied command."
        );
      }
    }
    return "";
  }

  // The print page shows each runbook's incident as text: values, ticks and notes.
  Incident.prototype.renderPrint = function (record) {
    var self = this;
    this.panel.textContent = "";
    var values = this.asked.filter(function (p) {
      return session.value(p.token);
    });
    var ticks = Object.keys(record.checks || {}).length;
    Object.keys(record.notes || {}).forEach(function (id) {
      var section = self.sections[id];
      if (!section || !section.heading || section.printedNote) return;
      section.printedNote = el("p", { className: "rb-note__print rb-note__print--shown", text: record.notes[id] });
      insertBeforeEnd(section.heading, section.printedNote);
    });
    var incident = session.incident();
    if (!incident || (!values.length && !ticks)) {
      this.panel.hidden = true;
      return;
    }
    this.panel.hidden = false;
    this.panel.classList.add("rb-incident--print");
    this.panel.appendChild(
      el("p", {
        className: "rb-incident__title",
        text: "Incident " + incident.id + " (operator " + incident.operator + ", started " + incident.started_at + ")",
      })
    );
    var list = el("ul", {});
    values.forEach(function (p) {
      list.appendChild(el("li", {}, [el("code", { text: p.token }), " = ", el("code", { text: session.value(p.token) })]));
    });
    if (values.length) this.panel.appendChild(list);
    this.panel.appendChild(el("p", { className: "rb-incident__progress", text: ticks + " of " + this.checks.length + " checks done" }));
  };

  // -- the incident shown on pages without a panel ------------------------------------------------

  function Banner(article) {
    this.node = el("div", { className: "rb-incident-banner", role: "status", hidden: "" });
    article.insertBefore(this.node, article.firstChild);
  }

  Banner.prototype.refresh = function () {
    var incident = session.incident();
    this.node.hidden = !incident;
    if (!incident) return;
    this.node.textContent =
      "Incident " + incident.id + " · operator " + incident.operator + " · since " + clock(incident.started_at) +
      (session.active() ? "" : " · ended " + clock(incident.ended_at) + ": export and clear it from any runbook page");
  };

  // -- the copy guard -----------------------------------------------------------------------------

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
      el(
        "p",
        {},
        [el("strong", { text: "Not copied. " }), "Still empty: "]
          .concat(
            empty.map(function (token, i) {
              return el("span", {}, [i ? ", " : "", el("code", { text: token })]);
            })
          )
          .concat(["."])
      ),
      el("div", { className: "rb-copy-warning__actions" }, [fill, anyway]),
    ]);
    fill.addEventListener("click", function () {
      warning.remove();
      var view = session.views.filter(function (v) {
        return v instanceof Incident && !v.printPage;
      })[0];
      if (view && !session.active()) {
        view.askToBegin("Begin the incident to fill in " + empty[0] + ": the value is then shared by every page.");
        return;
      }
      if (view) {
        view.expanded = true;
        view.refresh("");
      }
      var input = document.querySelector('[data-rb-field="' + CSS.escape(empty[0]) + '"]');
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

  // -- the evidence log -----------------------------------------------------------------------------

  // The whole incident, every page visited, from the stored state alone.
  function evidence(state) {
    var incident = state.incident;
    var timeline = [];
    var pages = Object.keys(state.pages || {})
      .sort(function (a, b) {
        var x = state.pages[a].visited_at || "";
        var y = state.pages[b].visited_at || "";
        return x < y ? -1 : x > y ? 1 : a < b ? -1 : 1;
      })
      .map(function (path) {
        var record = state.pages[path];
        var ticks = record.checks || {};
        var marks = record.verifications || {};
        var notes = record.notes || {};
        var seen = {};
        var done = 0;
        var total = 0;
        var results = { passed: 0, failed: 0, unmarked: 0 };
        var steps = (record.outline || []).map(function (info) {
          var checks = (info.checks || []).map(function (item, i) {
            var id = info.id + "#" + (i + 1);
            seen[id] = true;
            return checkEntry(id, ticks[id], item);
          });
          Object.keys(ticks).forEach(function (id) {
            if (!seen[id] && id.slice(0, id.lastIndexOf("#")) === info.id) {
              seen[id] = true;
              checks.push(checkEntry(id, ticks[id], ticks[id]));
            }
          });
          var verification = null;
          if (info.verification) {
            var mark = marks[info.id] || null;
            verification = {
              line: info.verification.line,
              items: info.verification.items.slice(),
              result: mark ? mark.result : null,
              marked_at: mark ? mark.at : null,
              source: mark ? mark.source : null,
            };
            results[mark ? (mark.result === "pass" ? "passed" : "failed") : "unmarked"] += 1;
            if (mark) {
              timeline.push({ at: mark.at, page: path, section: info.title, event: "verification", text: mark.result === "pass" ? "passed" : "failed" });
            }
          }
          checks.forEach(function (c) {
            total += 1;
            if (c.done) {
              done += 1;
              timeline.push({ at: c.done_at, page: path, section: info.title, event: "check", text: c.text });
            }
          });
          return {
            id: info.id,
            title: info.title,
            group: info.group || "",
            step: info.step === undefined ? null : info.step,
            label: info.label || null,
            line: info.line || null,
            checks: checks,
            verification: verification,
            note: (notes[info.id] || "").trim(),
          };
        });
        return {
          path: path,
          title: record.title || path,
          kind: record.kind === "drill" ? "drill" : "runbook",
          version: record.version || null,
          last_updated: record.last_updated || null,
          owner: record.owner || null,
          visited_at: record.visited_at || null,
          sources: (record.sources || []).map(function (s) {
            return { revision: s.revision || null, committed: s.committed || null, dirty: Boolean(s.dirty), sha256: s.sha256 || null, first_seen: s.first_seen || null };
          }),
          progress: { done: done, total: total },
          verifications: results,
          steps: steps,
        };
      });
    var values = Object.keys(state.values || {})
      .sort()
      .map(function (token) {
        var v = state.values[token];
        timeline.push({ at: v.at, page: v.page || null, section: "", event: "value", text: token });
        return { placeholder: token, value: v.value, set_at: v.at, page: v.page || null };
      });
    timeline.push({ at: incident.started_at, page: null, section: "", event: "started", text: incident.id });
    if (incident.ended_at) timeline.push({ at: incident.ended_at, page: null, section: "", event: "ended", text: incident.id });
    timeline.sort(function (a, b) {
      return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
    });
    return {
      format: FORMAT,
      format_version: FORMAT_VERSION,
      incident: { id: incident.id, operator: incident.operator, started_at: incident.started_at, ended_at: incident.ended_at || null },
      exported_at: now(),
      values: values,
      pages: pages,
      timeline: timeline,
    };
  }

  function checkEntry(id, tick, item) {
    return {
      id: id,
      line: item.line || null,
      text: item.text || "",
      criteria: (item.criteria || []).slice(),
      done: Boolean(tick),
      done_at: tick ? tick.at : null,
      source: tick ? tick.source : null,
    };
  }

  function shortSha(text) {
    return text ? text.slice(0, 12) : "unknown";
  }

  function fence(text) {
    var longest = 2;
    (text.match(/`+/g) || []).forEach(function (run) {
      longest = Math.max(longest, run.length);
    });
    return new Array(longest + 2).join("`");
  }

  // The log for people: what was done where, on which text; the JSON follows in one fence.
  function markdown(log) {
    var inc = log.incident;
    var out = ["# Evidence log: incident " + mdText(inc.id), ""];
    out.push("- Incident or ticket: " + mdCode(inc.id));
    out.push("- Operator: " + mdCode(inc.operator));
    out.push("- Started: " + inc.started_at);
    out.push("- Ended: " + (inc.ended_at || "still open when exported"));
    out.push("- Exported: " + log.exported_at);
    out.push("- Pages: " + log.pages.length);
    out.push("");
    if (log.values.length) {
      out.push("## Values", "", "| Placeholder | Value | Set at | On page |", "|---|---|---|---|");
      log.values.forEach(function (v) {
        out.push("| " + mdCode(v.placeholder) + " | " + mdCell(mdCode(v.value)) + " | " + v.set_at + " | " + (v.page ? mdCode(v.page) : "") + " |");
      });
      out.push("");
    }
    log.pages.forEach(function (page) {
      out.push("## " + mdText(page.title) + " (" + mdCode(page.path) + ")", "");
      out.push("Version " + (page.version ? mdText(page.version) : "not set") + ", Last Updated " + (page.last_updated || "not set") + ". Opened " + (page.visited_at || "?") + ".");
      out.push("");
      out.push("| Text | Revision | Local changes | sha256 | First seen |", "|---|---|---|---|---|");
      page.sources.forEach(function (s, i) {
        out.push("| " + (i + 1) + " | " + (s.revision ? mdCode(s.revision) : "unknown") + " | " + (s.dirty ? "yes" : "no") + " | " + (s.sha256 ? mdCode(s.sha256) : "unknown") + " | " + (s.first_seen || "") + " |");
      });
      out.push("");
      out.push(
        page.progress.done + " of " + page.progress.total + " checks done; verifications: " +
          page.verifications.passed + " passed, " + page.verifications.failed + " failed, " +
          page.verifications.unmarked + " not marked.",
        ""
      );
      page.steps.forEach(function (s) {
        var title = (s.group ? s.group + " › " : "") + s.title;
        out.push("### " + mdText(title) + (s.label ? " (" + s.label.toUpperCase() + ")" : ""), "");
        s.checks.forEach(function (c) {
          var where = c.line ? " (line " + c.line + ")" : "";
          var when = c.done ? " — " + c.done_at + ", text " + (c.source + 1) : "";
          out.push("- [" + (c.done ? "x" : " ") + "] " + c.text + where + when);
          c.criteria.forEach(function (criterion) {
            out.push("  - " + criterion);
          });
        });
        if (s.checks.length) out.push("");
        if (s.verification) {
          var v = s.verification;
          var result = v.result ? "**" + (v.result === "pass" ? "PASSED" : "FAILED") + "** at " + v.marked_at + ", text " + (v.source + 1) : "not marked";
          out.push("Verification (line " + v.line + "): " + result, "");
          v.items.forEach(function (item) {
            out.push("- " + item);
          });
          out.push("");
        }
        if (s.note) {
          s.note.split(/\r?\n/).forEach(function (line) {
            out.push("> " + line);
          });
          out.push("");
        }
      });
    });
    if (log.timeline.length) {
      out.push("## Timeline (UTC)", "", "| Time | Page | Section | Event |", "|---|---|---|---|");
      log.timeline.forEach(function (t) {
        var what = t.event === "check" ? "ticked: " + t.text : t.event === "verification" ? "verification " + t.text : t.event === "value" ? "value of " + t.text + " set" : "incident " + t.event;
        out.push("| " + t.at + " | " + (t.page ? mdCode(t.page) : "") + " | " + mdCell(mdText(t.section)) + " | " + mdCell(mdText(what)) + " |");
      });
      out.push("");
    }
    var json = JSON.stringify(log, null, 2);
    var ticks = fence(json);
    out.push("## Machine-readable log", "");
    out.push("The same log as JSON (schema: `schemas/evidence-log.schema.json`, format " + FORMAT + " " + FORMAT_VERSION + ").", "");
    out.push(ticks + "json", json, ticks, "");
    return out.join("\n");
  }

  Incident.prototype.exportLog = function () {
    if (!session.incident()) return;
    var log = evidence(session.state);
    var text = markdown(log);
    var safe = log.incident.id.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "incident";
    var name = "evidence-" + safe + "-" + fileStamp(log.exported_at) + ".md";
    var url = URL.createObjectURL(new Blob([text], { type: "text/markdown" }));
    var link = el("a", { href: url, download: name, className: "rb-download", text: name });
    this.lastExport = { log: log, markdown: text };
    link.click();
    this.say("Saved " + name + " (the log, with its JSON at the end) to your downloads.");
  };

  // -- the signal lookup page -------------------------------------------------------------------

  function signalFilter(box) {
    var input = el("input", {
      type: "search",
      className: "rb-field__input rb-signal-filter__input",
      placeholder: "Type what you see, e.g. STALE or stage_conflict",
      "aria-label": "Filter signals",
      autocomplete: "off",
      spellcheck: "false",
    });
    var shown = el("span", { className: "rb-signal-filter__count", role: "status" });
    box.appendChild(input);
    box.appendChild(shown);
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
      var n = 0;
      entries.forEach(function (entry) {
        var hay =
          entry.text +
          " " +
          entry.members
            .slice(1)
            .map(function (m) {
              return m.textContent.toLowerCase();
            })
            .join(" ");
        var match = words.every(function (w) {
          return hay.indexOf(w) >= 0;
        });
        entry.members.forEach(function (m) {
          m.classList.toggle("rb-hidden", !match);
        });
        if (match) n += 1;
      });
      shown.textContent = words.length ? n + " of " + entries.length + " signals" : "";
    });
  }

  // -- start ----------------------------------------------------------------------------------------

  var script = document.currentScript;
  var storeUrl = script && script.src ? new URL("store.html", script.src).href : "";

  function init() {
    var panels = [];
    document.querySelectorAll(".rb-incident[data-rb-incident]").forEach(function (panel) {
      if (panel.hasAttribute("data-rb-started")) return;
      panel.setAttribute("data-rb-started", "");
      try {
        var view = new Incident(panel);
        view.start();
        panels.push(view);
      } catch (err) {
        panel.hidden = true;
        if (window.console) console.error("incident mode:", err);
      }
    });
    document.querySelectorAll(".rb-signal-filter").forEach(signalFilter);
    // Outside incident mode (templates, guides) a checklist is an example: nothing to tick.
    if (!panels.length) {
      document.querySelectorAll(".task-list-item input[type=checkbox]").forEach(function (box) {
        box.disabled = true;
      });
    }
    session.views = panels.slice();
    var article = document.querySelector("article.md-content__inner");
    if (!panels.length && article) session.views.push(new Banner(article));
    session.store = new Store(storeUrl, function (state) {
      session.state = state;
      session.render();
    });
    session.store.open(function (state) {
      session.state = state;
      panels.forEach(function (view) {
        view.visit();
      });
      session.render();
      panels.forEach(function (view) {
        if (!view.printPage) view.panel.hidden = false;
        view.panel.setAttribute("data-rb-ready", "");
      });
      document.documentElement.setAttribute("data-rb-incident-ready", session.store.shared ? "shared" : "page");
    });
  }

  window.rbIncident = { session: session, evidence: evidence, markdown: markdown };

  if (document.documentElement.hasAttribute("data-rb-incident-store")) {
    runStore();
    return;
  }
  document.addEventListener("click", copyGuard, true);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
