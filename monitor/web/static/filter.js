// The front page's filter box: hide rows whose title/address lacks any typed word. No framework, no inline script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("filter");
  if (!box) return;
  const rows = Array.from(document.querySelectorAll("tr[data-filter]"));
  box.hidden = false;
  const apply = () => {
    const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const row of rows) row.hidden = !words.every((w) => row.dataset.filter.includes(w));
  };
  box.addEventListener("input", apply);
  apply();
});
