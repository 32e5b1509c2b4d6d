// Confirmation before destructive actions: <form data-confirm="确定撤销该机构？"> or <button data-confirm=…>.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.confirm || (event.submitter && event.submitter.dataset.confirm);
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// A select that applies itself: <select data-autosubmit> submits its form on change (no inline handlers: the
// Content-Security-Policy allows scripts from our static files only).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

// Keyboard in an editor: Ctrl+Enter (⌘+Enter) submits a form marked data-ctrl-enter-submits; Esc clicks its
// data-escape-cancels link. Here rather than in htmx trigger filters, which need eval (blocked by the CSP).
document.addEventListener("keydown", (event) => {
  const form = event.target.closest && event.target.closest("form[data-ctrl-enter-submits]");
  if (!form) return;
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  } else if (event.key === "Escape") {
    const cancel = form.querySelector("[data-escape-cancels]");
    if (cancel) cancel.click();
  }
});

// Show the kind and target fields only for the measure that uses them (without script, all are shown and the
// server ignores the ones that do not apply).
(() => {
  const measure = document.getElementById("id_measure");
  if (!measure) return;
  const sync = () => {
    document.querySelectorAll("[data-measure-only]").forEach((el) => { el.hidden = el.dataset.measureOnly !== measure.value; });
    document.querySelectorAll("[data-measure-counted]").forEach((el) => { el.hidden = measure.value === "manual"; });
  };
  measure.addEventListener("change", sync);
  sync();
})();

// Live 优秀 count against the limit; the service checks it again on save.
(() => {
  const form = document.getElementById("determination");
  if (!form) return;
  const max = Number(form.dataset.max);
  const update = () => {
    const count = [...form.querySelectorAll("select[data-grade]")].filter((s) => s.value === "EXCELLENT").length;
    document.getElementById("excellent-count").textContent = count;
    document.getElementById("excellent-over").classList.toggle("d-none", count <= max);
  };
  form.addEventListener("change", update);
  update();
})();
