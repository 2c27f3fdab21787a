// Clausebook's guidance widgets: glue only. Every decision (the next question, the verdict,
// the score) is made by the Python engine running on the self-hosted Pyodide, in a Web Worker
// (clausebook-engine.js); this file passes it the answers and renders the views it returns.
//
// The first question and the whole quiz are in the page's HTML, so they show at once and
// work without JavaScript. The views the first answers lead to are there too, as the engine
// computed them at build time (views_ahead), so a tap shows the next question at once while
// Python starts; the engine takes over when it is ready. The region's data-engine attribute
// says where it is: "loading", "ready" or "failed".

// With this file's own ?v= (the page's content hash of the scripts): the page's head loaded the
// engine at that address, and one module at two addresses would be two, each with its worker.
const { pageEngine } = await import(new URL(`clausebook-engine.js${new URL(import.meta.url).search}`, import.meta.url));

function setEngine(regions, state, message = "") {
  for (const region of regions) {
    region.dataset.engine = state;
    const note = region.querySelector(".cb-engine-message");
    // Only when it changes: each write to this live region is work for the browser's accessibility tree.
    if (note && note.textContent !== message) note.textContent = message;
  }
}

// How long an answer took, from the click to the new view (for the browser's Performance panel
// and tools/bench_widget.mjs).
const ANSWER_MEASURE = "clausebook:answer";
let answeredAt = null;

function answered() {
  answeredAt = performance.now();
}

function measureAnswer() {
  if (answeredAt === null) return;
  performance.measure(ANSWER_MEASURE, { start: answeredAt, end: performance.now() });
  answeredAt = null;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function quote(clause) {
  const label = clause.label.startsWith("Section") ? clause.label : `Clause ${clause.label}`;
  return element("blockquote", { class: "cb-quote" },
    ...clause.text.split("\n").map((line) => element("p", {}, line)),
    element("footer", {}, element("a", { href: clause.url }, label)));
}

// ---- guidance rules: an interview ----------------------------------------------------
// The engine decides which question comes next and what the verdict is; this renders its
// views. The answers live in the address (#walk=role:volunteer;content:logo,disparage), so
// Back goes back one answer and a link can be shared.

function walkFromAddress() {
  let hash = location.hash.slice(1);
  try {
    hash = decodeURIComponent(hash);
  } catch {
    // A link cut short ("...%3") is not an error for the reader: the engine reads what it can.
    hash = hash.replace(/%[0-9A-Fa-f]?$/, "");
    try { hash = decodeURIComponent(hash); } catch { hash = ""; }
  }
  return hash.startsWith("walk=") ? hash.slice(5) : "";
}

// A new history entry, so the browser's Back goes back one answer. pushState, then the view at
// once: setting location.hash would wait a task for its hashchange, and look for an element to
// scroll to first. The browser's Back and a Change link still come as popstate / hashchange.
const moves = [];
function go(walk) {
  history.pushState(null, "", `#walk=${walk}`);
  for (const move of moves) move();
}

function chosenIn(form) {
  return [...form.querySelectorAll("input:checked")].map((input) => input.value);
}

// "None of these" and "I'm not sure" stand alone, as in GOV.UK's checkboxes.
function keepExclusive(form) {
  form.addEventListener("change", (event) => {
    const box = event.target;
    if (box.type !== "checkbox" || !box.checked) return;
    for (const other of form.querySelectorAll("input[type=checkbox]")) {
      if (other !== box && (box.hasAttribute("data-exclusive") || other.hasAttribute("data-exclusive"))) {
        other.checked = false;
      }
    }
  });
}

// Nothing chosen: say so next to the question (GOV.UK's error message), never a silent no-op.
function showError(form, many) {
  const error = form.querySelector(".cb-error");
  error.textContent = many ? "Select all that apply, or one of the answers after 'or'" : "Select an answer";
  error.hidden = false;
  const fieldset = form.querySelector("fieldset");
  fieldset.setAttribute("aria-describedby", [fieldset.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
  fieldset.classList.add("cb-fieldset-error");
  form.querySelector("input")?.focus();
}

// The answer is taken at once, whether or not Python is ready: the address changes, and the
// next view comes from the page's table or, beyond it, from the engine. The answers are in the
// order the engine writes them (sorted), so the address is the engine's own.
function onAnswer(form) {
  keepExclusive(form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = chosenIn(form).sort();
    if (!chosen.length) {
      showError(form, form.querySelector("input[type=checkbox]") !== null);
      return;
    }
    answered();
    const part = `${form.dataset.question}:${chosen.join(",")}`;
    go(form.dataset.prefix ? `${form.dataset.prefix};${part}` : part);
  });
}

function questionForm(question, step) {
  const many = question.select === "all";
  const fieldset = element("fieldset", { class: "cb-fieldset" },
    element("legend", {}, element("h2", { class: "cb-step-heading", tabindex: "-1" }, question.text)));
  if (question.hint) {
    fieldset.setAttribute("aria-describedby", `hint-${question.id}`);
    fieldset.append(element("p", { class: "cb-hint", id: `hint-${question.id}` }, question.hint));
  }
  const error = element("p", { class: "cb-error", id: `error-${question.id}` });
  error.hidden = true;
  fieldset.append(error);
  question.answers.forEach((answer, index) => {
    if (answer.exclusive && index && !question.answers[index - 1].exclusive) {
      fieldset.append(element("p", { class: "cb-or" }, "or"));
    }
    const id = `${question.id}-${answer.id}`;
    const input = element("input", { type: many ? "checkbox" : "radio", name: question.id, id, value: answer.id });
    if (answer.exclusive) input.setAttribute("data-exclusive", "");
    input.checked = answer.checked;
    fieldset.append(element("div", { class: "cb-choice" }, input, element("label", { for: id }, answer.label)));
  });
  const form = element("form", { class: "cb-question-form", "data-question": question.id, "data-prefix": question.prefix, novalidate: "" },
    element("p", { class: "cb-step" }, `Question ${step}`),
    fieldset,
    element("p", {}, element("button", { type: "submit", class: "cb-check" }, question.changing ? "Save and continue" : "Continue")));
  return form;
}

function ruleBlock(rule) {
  return element("div", { class: "cb-rule", "data-rule": rule.rule },
    element("h4", {}, rule.title),
    element("p", {}, rule.text),
    rule.review
      ? element("p", { class: "cb-review-note", role: "note" }, element("strong", {}, "Being reviewed: "), rule.review)
      : null,
    ...rule.clauses.map(quote));
}

function verdictBlock(verdict, heading) {
  const block = element("div", { class: `cb-verdict cb-verdict-${verdict.outcome}`, "data-outcome": verdict.outcome }, heading);
  if (verdict.text) { // the honest "the policy does not speak to this" verdict; notes may follow
    block.append(element("p", {}, verdict.text), ...verdict.clauses.map(quote));
  }
  for (const group of verdict.groups) {
    block.append(element("section", { class: `cb-outcome cb-outcome-${group.outcome}` },
      element("h3", {}, group.heading), ...group.rules.map(ruleBlock)));
  }
  return block;
}

// GOV.UK's check-answers pattern: each answer with a Change link that keeps the others.
function answersSummary(answers) {
  const list = element("dl", { class: "cb-summary" });
  for (const item of answers) {
    list.append(element("div", { class: "cb-summary-row" },
      element("dt", {}, item.fact),
      element("dd", {}, item.answer.join("; ")),
      element("dd", { class: "cb-summary-change" },
        element("a", { href: `#walk=${item.change}` }, "Change", element("span", { class: "cb-visually-hidden" }, ` ${item.fact.toLowerCase()}`)))));
  }
  return list;
}

// JSON with its keys in order: the page's table and the engine may list them differently.
function canonical(value) {
  return JSON.stringify(value, (key, item) => (item && typeof item === "object" && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
    : item));
}

// The views the engine computed at build time for the first answers (views_ahead): the first
// answer's are in the page; the second answer's come from the file named by data-ahead, fetched
// at once (in the page's HTML they made its first paint later). Until it arrives, or if it never
// does, a view not in the table waits for the engine.
function viewsAhead(region) {
  const table = region.querySelector("script.cb-views-ahead");
  let views = {};
  try {
    views = (table && JSON.parse(table.textContent).views) || {};
  } catch {
    views = {};
  }
  if (region.dataset.ahead) {
    fetch(new URL(region.dataset.ahead, location.href))
      .then((response) => (response.ok ? response.json() : { views: {} }))
      .then((more) => { for (const [walk, view] of Object.entries(more.views ?? {})) views[walk] ??= view; })
      .catch(() => {});
  }
  return views;
}

function treeWidget(region, engine) {
  const live = region.querySelector(".cb-live");
  const statik = region.querySelector(".cb-static");
  const note = region.querySelector(".cb-engine-message");
  const table = viewsAhead(region);
  let showing = null; // the view on screen, once the page has rendered one
  let shownWalk = null; // the answers it was rendered for
  let asked = 0; // views asked for: a late answer to an earlier one is dropped

  function show(view, focus) {
    const heading = element("h2", { class: "cb-step-heading", tabindex: "-1" });
    const body = [];
    if (view.verdict) {
      heading.textContent = view.verdict.title;
      body.push(verdictBlock(view.verdict, heading));
      if (view.answers.length) body.push(element("h3", {}, "Your answers"), answersSummary(view.answers));
    } else {
      const form = questionForm(view.question, view.step);
      onAnswer(form);
      body.push(form);
    }
    const controls = element("p", { class: "cb-controls" });
    if (view.back !== null) {
      const back = element("button", { type: "button", class: "cb-back" }, "Back");
      back.addEventListener("click", () => go(view.back));
      const again = element("button", { type: "button", class: "cb-restart" }, "Start again");
      again.addEventListener("click", () => go(""));
      controls.append(back, " ", again);
    }
    // The page's own first question gives way to the same question rendered here (ids must stay
    // unique), keeping what was ticked on it and where the focus was. So does a question on screen
    // redrawn for the same answers (the engine's view replacing the table's): a tap is never lost.
    const walk = walkFromAddress();
    const state = new Map(); // id: ticked, for each box drawn again
    if (statik.isConnected) {
      for (const input of statik.querySelectorAll("input:checked")) state.set(input.id, true);
    } else if (walk === shownWalk) { // as the reader left it, ticked or not
      for (const input of live.querySelectorAll("input")) state.set(input.id, input.checked);
    }
    const focused = statik.contains(document.activeElement) || (walk === shownWalk && live.contains(document.activeElement))
      ? document.activeElement.id : "";
    statik.remove();
    live.hidden = false;
    live.replaceChildren(...body, controls);
    for (const input of live.querySelectorAll("input")) {
      if (state.has(input.id)) input.checked = state.get(input.id);
    }
    region.dataset.step = view.verdict ? "verdict" : view.question.id;
    showing = view;
    shownWalk = walk;
    const keep = focused && live.querySelector(`#${CSS.escape(focused)}`);
    if (focus) live.querySelector(".cb-step-heading").focus();
    else if (keep) keep.focus();
    measureAnswer();
  }

  // From the page's table where it holds the view (the engine's own, computed at build time),
  // even once the engine is ready: its first answers after starting took 200 ms on a phone
  // (measured with tools/bench_widget.mjs), the table's none. Beyond the table, the engine.
  let rendered = null; // the address last rendered: popstate and hashchange may both come for one move
  async function render(focus) {
    const walk = walkFromAddress();
    if (walk === rendered) return;
    rendered = walk;
    const ticket = ++asked;
    if (walk in table) return show(table[walk], focus);
    if (region.dataset.engine === "loading" && note) note.textContent = "Getting the next question ready...";
    let view;
    try {
      view = await (await engine).call("tree_view", walk);
    } catch {
      return; // the failure message is shown; the checklist below gives the same guidance
    }
    if (ticket !== asked) return;
    if (note && region.dataset.engine !== "failed") note.textContent = "";
    show(view, focus);
  }

  // The engine takes over: for the view on screen it gives the same view, so nothing moves and
  // the focus stays where it is; were it different, it is drawn again, keeping what was ticked.
  async function handOver(started) {
    const ticket = asked;
    const view = await started.call("tree_view", walkFromAddress());
    if (ticket !== asked || canonical(view) === canonical(showing)) return;
    // Redrawn for the same answers: what was ticked stays ticked, and the focus stays on its box
    // where that box is still there, else it goes to the question.
    const hadFocus = live.contains(document.activeElement);
    show(view, false);
    if (hadFocus && !live.contains(document.activeElement)) live.querySelector(".cb-step-heading").focus();
  }

  const moved = () => render(true);
  moves.push(moved);
  window.addEventListener("popstate", moved);
  window.addEventListener("hashchange", moved);
  const first = statik.querySelector("form");
  region.dataset.step = first.dataset.question;
  region.dataset.wired = ""; // the page's own small script now leaves answers to this one
  onAnswer(first); // until the table's view replaces it, or without one
  // An answer given before this script ran (the page's own small script kept it): taken now.
  if (first.dataset.early) first.requestSubmit();
  // At once from the table (the same first question, or a shared link's view), else once the
  // engine is ready; the page's own first question shows meanwhile.
  render(false);
  return { handOver };
}

// ---- the self-check quiz ------------------------------------------------------------

function quizWidget(region, engine) {
  const form = region.querySelector("form");
  const button = region.querySelector(".cb-check");
  const score = region.querySelector(".cb-score");
  button.hidden = false;
  for (const details of region.querySelectorAll(".cb-answer-details")) details.hidden = true;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    answered();
    const answers = {};
    for (const fieldset of form.querySelectorAll("fieldset[data-question]")) {
      const chosen = fieldset.querySelector("input:checked");
      answers[fieldset.dataset.question] = chosen ? Number(chosen.value) : null;
    }
    if (region.dataset.engine !== "ready") score.textContent = "Checking your answers...";
    let result;
    try {
      result = await (await engine).call("quiz_result", answers);
    } catch {
      return; // the failure message is already shown; the answers stay available below each question
    }
    for (const item of result.results) {
      const fieldset = form.querySelector(`fieldset[data-question="${CSS.escape(item.id)}"]`);
      const feedback = fieldset.querySelector(".cb-feedback");
      const verdict = item.right ? "Right." : item.answered ? "Not quite." : "Not answered.";
      feedback.replaceChildren(
        element("p", { class: item.right ? "cb-right" : "cb-wrong" }, element("strong", {}, verdict),
          item.right ? "" : ` The answer is: ${item.answer}`),
        element("p", {}, item.explanation),
        ...item.clauses.map(quote));
      feedback.hidden = false;
      fieldset.classList.toggle("cb-is-right", item.right);
      fieldset.classList.toggle("cb-is-wrong", !item.right);
    }
    score.replaceChildren(element("p", { class: "cb-score-line", tabindex: "-1" },
      `You scored ${result.summary}.`));
    score.querySelector("p").focus();
    measureAnswer();
  });
}

// ---- start --------------------------------------------------------------------------

const regions = [...document.querySelectorAll("[data-cb-widget]")];
const engine = regions.length ? pageEngine() : null;
if (engine) {
  setEngine(regions, "loading");
  const trees = [];
  for (const region of regions) {
    if (region.dataset.cbWidget === "tree") trees.push(treeWidget(region, engine));
    if (region.dataset.cbWidget === "quiz") quizWidget(region, engine);
  }
  engine.then(
    (started) => {
      for (const region of regions) region.dataset.engineFrom = started.from;
      setEngine(regions, "ready");
      // The hand-over in a task of its own: the page shows "ready" first, and no task holds both.
      for (const tree of trees) setTimeout(() => tree.handOver(started), 0);
    },
    (error) => {
      console.error("Clausebook: the guidance engine did not start:", error);
      setEngine(regions, "failed",
        "The interactive version could not start on this device. The checklist below gives the same " +
        "guidance; quiz answers are under each question.");
      for (const details of document.querySelectorAll(".cb-answer-details")) details.hidden = false;
      for (const button of document.querySelectorAll(".cb-check")) button.hidden = true;
    });
}
