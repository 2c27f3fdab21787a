// Clausebook's guidance widgets: glue only. Every decision (the next question, the verdict,
// the score) is made by the Python engine running on the self-hosted Pyodide; this file
// loads it, passes it the answers, and renders the views it returns.
//
// The first question and the whole quiz are in the page's HTML, so they show at once and
// work without JavaScript; the engine takes over when it is ready. The region's
// data-engine attribute says where it is: "loading", "ready" or "failed".

// Staff must see a plain message within 10 s of opening the page, never a silent spinner;
// the page itself takes a moment before this script runs.
const TIMEOUT_MS = 8000;

function setEngine(regions, state, message = "") {
  for (const region of regions) {
    region.dataset.engine = state;
    const note = region.querySelector(".cb-engine-message");
    if (note) note.textContent = message;
  }
}

// Marks for the browser's Performance panel and tools/bench_widget.mjs: when the engine was
// ready, and how long Python took to handle an answer (from the click to the new view).
const READY_MARK = "clausebook:engine-ready";
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

function withTimeout(promise, ms) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer after ${ms / 1000} s`)), ms)),
  ]);
}

// Pyodide's memory snapshot, made at build time (the runtime just started, the engine imported),
// restores Python about a quarter of a second sooner than a start. It is 3 MB to fetch, so a
// first visit starts Python without it and fetches it into the browser's cache once the engine
// is ready; later visits find it there.
const SNAPSHOT = "snapshot.bin";
const SNAPSHOT_CACHED_MARK = "clausebook:snapshot-cached";

async function cachedSnapshot(url) {
  try {
    const response = await fetch(url, { cache: "only-if-cached", mode: "same-origin" });
    return response.ok ? await response.arrayBuffer() : null;
  } catch {
    return null; // not in the cache yet (or a browser without only-if-cached)
  }
}

function keepSnapshotForNextTime(url, cache = "default") {
  const later = window.requestIdleCallback ?? ((callback) => setTimeout(callback, 1000));
  later(() => fetch(url, { priority: "low", cache })
    .then((response) => response.ok && response.arrayBuffer())
    .then((body) => body && performance.mark(SNAPSHOT_CACHED_MARK))
    .catch(() => {})); // only a later visit's speed is at stake
}

// The page fetches the engine's wheel itself, while the runtime starts, and unpacks it:
// Pyodide's package loader would fetch it only after the start, and imports tarfile and
// importlib.metadata to install it (measured: 20-35 ms against 7 ms). A restored snapshot holds
// the engine's modules but not its files, so the wheel is unpacked either way.
async function startEngine(engineDir, wheel, bundleUrl, regions) {
  engineDir = new URL(`${engineDir}/`, location.href).href.replace(/\/$/, ""); // Pyodide wants absolute URLs
  const fetched = (url) => fetch(url).then((response) => {
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response;
  });
  let refresh = "default";
  const options = { indexURL: `${engineDir}/`, lockFileURL: `${engineDir}/pyodide-lock.json`, fullStdLib: false };
  const runtime = Promise.all([import(`${engineDir}/pyodide.mjs`), cachedSnapshot(`${engineDir}/${SNAPSHOT}`)])
    .then(async ([{ loadPyodide }, snapshot]) => {
      if (snapshot) {
        try {
          const pyodide = await loadPyodide({ ...options, _loadSnapshot: snapshot });
          return [pyodide, "snapshot"];
        } catch (error) {
          console.warn("Clausebook: the saved Python could not be restored; starting it instead:", error);
          refresh = "reload"; // fetch the snapshot again, replacing the cached copy
        }
      }
      return [await loadPyodide(options), "start"];
    });
  const [[pyodide, from], archive, bundle] = await Promise.all([
    runtime,
    fetched(`${engineDir}/${wheel}`).then((response) => response.arrayBuffer()),
    fetched(bundleUrl).then((response) => response.text()),
  ]);
  pyodide.unpackArchive(archive, "wheel");
  const Guidance = pyodide.pyimport("clausebook.interactive.views").Guidance;
  const guidance = Guidance.from_json(bundle);
  for (const region of regions) region.dataset.engineFrom = from;
  if (from === "start") keepSnapshotForNextTime(`${engineDir}/${SNAPSHOT}`, refresh);
  return guidance;
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
  const hash = decodeURIComponent(location.hash.slice(1));
  return hash.startsWith("walk=") ? hash.slice(5) : "";
}

function go(walk) {
  location.hash = `walk=${walk}`; // a new history entry: the browser's Back goes back one answer
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

function onAnswer(form, engine) {
  keepExclusive(form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = chosenIn(form);
    if (!chosen.length) {
      showError(form, form.querySelector("input[type=checkbox]") !== null);
      return;
    }
    answered();
    try {
      await engine;
    } catch {
      return; // the failure message is already shown; the checklist below still works
    }
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

function treeWidget(region, guidance, engine) {
  const live = region.querySelector(".cb-live");
  const statik = region.querySelector(".cb-static");

  function render(focus) {
    const view = JSON.parse(guidance.tree_view_json(walkFromAddress()));
    const heading = element("h2", { class: "cb-step-heading", tabindex: "-1" });
    const body = [];
    if (view.verdict) {
      heading.textContent = view.verdict.title;
      body.push(verdictBlock(view.verdict, heading));
      if (view.answers.length) body.push(element("h3", {}, "Your answers"), answersSummary(view.answers));
    } else {
      const form = questionForm(view.question, view.step);
      onAnswer(form, engine);
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
    live.replaceChildren(...body, controls);
    region.dataset.step = view.verdict ? "verdict" : view.question.id;
    if (focus) live.querySelector(".cb-step-heading").focus();
    measureAnswer();
  }

  statik.remove(); // its first question is rendered again below, and ids must stay unique
  live.hidden = false;
  render(false);
  window.addEventListener("hashchange", () => render(true));
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
    let guidance;
    try {
      guidance = await engine;
    } catch {
      return; // the failure message is already shown; the answers stay available below each question
    }
    const result = JSON.parse(guidance.quiz_result_json(JSON.stringify(answers)));
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
if (regions.length) {
  const { engineDir, engineWheel, bundle } = regions[0].dataset;
  setEngine(regions, "loading");
  const engine = withTimeout(startEngine(engineDir, engineWheel, bundle, regions), TIMEOUT_MS);
  engine.then(
    (guidance) => {
      for (const region of regions) {
        if (region.dataset.cbWidget === "tree") treeWidget(region, guidance, engine);
      }
      setEngine(regions, "ready");
      performance.mark(READY_MARK);
    },
    (error) => {
      console.error("Clausebook: the guidance engine did not start:", error);
      setEngine(regions, "failed",
        "The interactive version could not start on this device. The checklist below gives the same " +
        "guidance; quiz answers are under each question.");
      for (const details of document.querySelectorAll(".cb-answer-details")) details.hidden = false;
      for (const button of document.querySelectorAll(".cb-check")) button.hidden = true;
    });
  for (const region of regions) {
    if (region.dataset.cbWidget === "quiz") quizWidget(region, engine);
    // The first question is in the page: an answer chosen before Python is ready is kept.
    if (region.dataset.cbWidget === "tree") onAnswer(region.querySelector(".cb-static form"), engine);
  }
}
