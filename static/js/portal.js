/* Dialogue portal: the searchable unit picker and the add-row button of quick-entry grids. */
(function () {
  "use strict";

  function unitOptions() {
    var node = document.getElementById("unit-options");
    if (!node) { return null; }
    if (!unitOptions.cache) { unitOptions.cache = JSON.parse(node.textContent); }
    return unitOptions.cache;
  }

  // Every .unit-picker select becomes a tom-select over the page's one JSON list of units.
  // tom-select's search ignores diacritics, so "so nong nghiep" finds "Sở Nông nghiệp".
  function initPickers(root) {
    if (typeof TomSelect === "undefined") { return; }
    var options = unitOptions();
    (root || document).querySelectorAll("select.unit-picker").forEach(function (select) {
      if (select.tomselect) { return; }
      var settings = {
        valueField: "id", labelField: "name", searchField: ["name"], maxOptions: 50,
        plugins: select.multiple ? ["remove_button"] : [],
        placeholder: select.dataset.placeholder || ""
      };
      if (options) { settings.options = options; }
      new TomSelect(select, settings);
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

  document.addEventListener("DOMContentLoaded", function () {
    initPickers(document);
    initAddRow();
  });
})();
