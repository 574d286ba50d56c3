// Fast score entry: typing a digit into a one-digit score box moves to the next score box.
// Progressive enhancement only; without it, Tab moves on as usual.
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!box.matches("[data-score-entry]") || !/^\d$/.test(box.value)) return;
  if (Number(box.dataset.scaleMax) >= 10) return; // "1" may be the start of "10"
  const boxes = Array.from(document.querySelectorAll("[data-score-entry]"));
  const next = boxes[boxes.indexOf(box) + 1];
  if (next) next.focus();
});
