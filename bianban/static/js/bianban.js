// Confirmation before destructive actions: <form data-confirm="确定撤销该机构？"> or <button data-confirm=…>.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const message = form.dataset.confirm || (event.submitter && event.submitter.dataset.confirm);
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
