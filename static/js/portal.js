/* Dialogue portal: the searchable unit picker, the add-row button of quick-entry grids, and the
   announcement of a form's errors. Data reaches this file only through json_script blocks. */
(function () {
  "use strict";

  function unitOptions() {
    var node = document.getElementById("unit-options");
    if (!node) { return null; }
    if (!unitOptions.cache) { unitOptions.cache = JSON.parse(node.textContent); }
    return unitOptions.cache;
  }

  // tom-select hides the <select> and gives the keyboard and screen readers its own combobox
  // input: the select's name, state and error descriptions move to that input.
  function describeControl(select, ts) {
    var input = ts.control_input;
    if (!input) { return; }
    ["aria-invalid", "aria-describedby", "aria-required"].forEach(function (name) {
      if (select.hasAttribute(name)) { input.setAttribute(name, select.getAttribute(name)); }
    });
    if (!input.getAttribute("aria-label") && !document.querySelector("label[for='" + input.id + "']")) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      if (label) { input.setAttribute("aria-label", label.textContent.trim()); }
    }
    // The original select stays in the form for submission only.
    select.setAttribute("aria-hidden", "true");
  }

  // Every .unit-picker select becomes a tom-select over the page's one JSON list of units.
  // tom-select's search ignores diacritics, so "so nong nghiep" finds "Sở Nông nghiệp".
  // Each picker gets its own copies of the option objects: tom-select keeps an option's element
  // on the object itself ($div, $order), so pickers sharing the objects passed one element from
  // picker to picker, and every picker but the last lost the unit it showed (issue 15).
  function emptyLabel(select) {
    var empty = select.querySelector('option[value=""]');
    var text = empty ? empty.textContent.trim() : "";
    return /^[-\s]*$/.test(text) ? "" : text;  // not Django's "---------"
  }

  function initPickers(root) {
    if (typeof TomSelect === "undefined") { return; }
    var options = unitOptions();
    (root || document).querySelectorAll("select.unit-picker").forEach(function (select) {
      if (select.tomselect) { return; }
      var settings = {
        valueField: "id", labelField: "name", searchField: ["name"], maxOptions: 50,
        plugins: select.multiple ? ["remove_button"] : [],
        // No unit chosen shows what that means ("Mọi cơ quan tổ chức"), not an empty box.
        placeholder: select.dataset.placeholder || emptyLabel(select),
        // Keyboard: Tab reaches the picker, typing searches, arrows move, Enter chooses.
        openOnFocus: false, selectOnTab: true
      };
      if (options) {
        settings.options = options.map(function (o) { return { id: o.id, name: o.name }; });
      }
      describeControl(select, new TomSelect(select, settings));
    });
  }

  // "Thêm dòng": clone the formset's empty form (a <template> with __prefix__) and bump TOTAL_FORMS.
  function initAddRow() {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function () {
        var prefix = button.dataset.addRow;
        var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
        var template = document.getElementById(prefix + "-empty");
        var target = document.getElementById(prefix + "-rows");
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
        target.insertAdjacentHTML("beforeend", html);
        total.value = index + 1;
        var added = target.lastElementChild;
        initPickers(added);
        var first = added.querySelector("input, textarea, select");
        if (first) { first.focus(); }
      });
    });
  }

  // A form sent back with errors: say so in the page's live region (screen readers read it out)
  // and put the focus on the first field in error, whose error text it describes.
  function announceErrors() {
    var main = document.getElementById("main-content");
    var live = document.getElementById("live-announcer");
    if (!main || !live) { return; }
    var invalid = main.querySelectorAll("[aria-invalid='true'], .is-invalid");
    var alerts = main.querySelectorAll(".alert-danger");
    if (!invalid.length && !alerts.length) { return; }
    var message = invalid.length
      ? (live.dataset.fieldErrors || "").replace("%(count)s", String(invalid.length))
      : "";
    alerts.forEach(function (alert) { message += " " + alert.textContent.trim(); });
    window.setTimeout(function () { live.textContent = message.trim(); }, 150);
    var first = invalid[0];
    if (first) {
      var control = first.tomselect ? first.tomselect.control_input : first;
      if (control && typeof control.focus === "function") { control.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initPickers(document);
    initAddRow();
    announceErrors();
  });
})();
