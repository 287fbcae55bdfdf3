// The 分发 tab: each channel version's fields are counted while the editor types, against the limits
// the server also checks on save (distribution/panels.py). Fields a channel does not use are dimmed.
(function () {
  "use strict";
  var FIELDS = ["title", "author", "summary", "text", "target_length", "image"];

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function labelOf(input) {
    var label = document.querySelector('label[for="' + input.id + '"]');
    return label ? label.textContent.replace(/\*/g, "").trim() : input.name;
  }

  function note(input) {
    var id = input.id + "-limit";
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement("p");
      node.id = id;
      node.className = "help rm-channel-limit";
      node.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", node);
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + id).trim());
    }
    return node;
  }

  function fieldWrapper(input) {
    return input.closest("[data-field-wrapper]") || input.closest(".w-field__wrapper") || input.parentElement;
  }

  function check(prefix, rules, messages) {
    var select = document.getElementById(prefix + "-channel");
    if (!select) return;
    var rule = rules[select.value] || null;
    FIELDS.forEach(function (name) {
      var input = document.getElementById(prefix + "-" + name);
      if (!input) return;
      var wrapper = fieldWrapper(input);
      var used = !rule || Object.prototype.hasOwnProperty.call(rule.fields, name);
      if (wrapper) {
        wrapper.style.opacity = used ? "" : "0.45";
        wrapper.title = used ? "" : messages.unused;
      }
      var limit = rule && rule.limits[name];
      if (!limit || input.tagName === "SELECT" || input.type === "hidden") {
        var old = document.getElementById(input.id + "-limit");
        if (old) old.textContent = "";
        return;
      }
      var count = Array.from(input.value || "").length;
      var node = note(input);
      if (count > limit.max_chars) {
        node.textContent = format(messages.over, {
          field: (rule.fields[name] || labelOf(input)),
          over: count - limit.max_chars,
          max: limit.max_chars,
          source: limit.source,
        });
        node.classList.add("error-message");
        input.setAttribute("aria-invalid", "true");
      } else {
        node.textContent = format(messages.count, { count: count, max: limit.max_chars });
        node.classList.remove("error-message");
        input.removeAttribute("aria-invalid");
      }
    });
  }

  function prefixOf(element) {
    var match = /^(id_channel_versions-\d+)-/.exec(element.id || "");
    return match ? match[1] : null;
  }

  function init() {
    var rules = readJSON("channel-version-rules");
    var messages = readJSON("channel-version-messages");
    if (!rules || !messages) return;
    var checkAll = function () {
      document.querySelectorAll('select[id^="id_channel_versions-"][id$="-channel"]').forEach(function (select) {
        var prefix = prefixOf(select);
        if (prefix) check(prefix, rules, messages);
      });
    };
    document.addEventListener("input", function (event) {
      var prefix = prefixOf(event.target);
      if (prefix) check(prefix, rules, messages);
    });
    document.addEventListener("change", function (event) {
      var prefix = prefixOf(event.target);
      if (prefix) check(prefix, rules, messages);
    });
    // A channel version added with "Add" is checked once its form exists.
    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("#id_channel_versions-ADD")) setTimeout(checkAll, 0);
    });
    checkAll();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
