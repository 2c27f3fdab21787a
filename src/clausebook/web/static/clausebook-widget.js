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

// ---- "Should I post this?" ----------------------------------------------------------

function treeWidget(region, guidance) {
  const live = region.querySelector(".cb-live");
  const statik = region.querySelector(".cb-static");

  function walkFromAddress() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith("walk=")) return hash.slice(5);
    if (hash.startsWith("node-")) return guidance.walk_to(hash.slice(5)); // a link from the plain-HTML version
    return "";
  }

  function go(walk) {
    location.hash = `walk=${walk}`; // a new history entry: the browser's Back goes back one answer
  }

  function render(focus) {
    const view = JSON.parse(guidance.tree_view_json(walkFromAddress()));
    const heading = element("h2", { class: "cb-step-heading", tabindex: "-1" });
    const body = [];
    if (view.verdict) {
      heading.textContent = view.verdict.title;
      body.push(element("div", { class: `cb-verdict cb-verdict-${view.verdict.kind}` },
        view.verdict.label ? element("p", { class: "cb-verdict-kind" }, view.verdict.label) : null,
        heading,
        element("p", {}, view.verdict.text),
        view.verdict.review
          ? element("p", { class: "cb-review-note", role: "note" }, element("strong", {}, "Being reviewed: "), view.verdict.review)
          : null,
        element("h3", {}, "What the policy says"),
        ...view.verdict.clauses.map(quote)));
    } else {
      heading.textContent = view.question;
      const answers = element("ul", { class: "cb-answers" });
      for (const answer of view.answers) {
        const button = element("button", { type: "button", class: "cb-answer" }, answer.label);
        button.addEventListener("click", () => {
          answered();
          go(answer.walk);
        });
        answers.append(element("li", {}, button));
      }
      body.push(element("p", { class: "cb-step" }, `Question ${view.step}`), heading);
      if (view.hint) body.push(element("p", { class: "cb-hint" }, view.hint));
      body.push(answers);
    }
    const controls = element("p", { class: "cb-controls" });
    if (view.back !== null) {
      const back = element("button", { type: "button", class: "cb-back" }, "Back");
      back.addEventListener("click", () => go(view.back));
      const again = element("button", { type: "button", class: "cb-restart" }, "Start again");
      again.addEventListener("click", () => go(""));
      controls.append(back, " ", again);
    }
    if (view.trail.length) {
      body.unshift(element("details", { class: "cb-trail" }, element("summary", {}, "Your answers so far"),
        element("ol", {}, ...view.trail.map((step) => element("li", {}, `${step.question} `, element("strong", {}, step.answer))))));
    }
    live.replaceChildren(...body, controls);
    region.dataset.node = view.node;
    if (focus) heading.focus();
    measureAnswer();
  }

  if (location.hash.startsWith("#node-")) {
    history.replaceState(null, "", `#walk=${walkFromAddress()}`);
  }
  statik.hidden = true;
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
        if (region.dataset.cbWidget === "tree") treeWidget(region, guidance);
      }
      setEngine(regions, "ready");
      performance.mark(READY_MARK);
    },
    (error) => {
      console.error("Clausebook: the guidance engine did not start:", error);
      setEngine(regions, "failed",
        "The interactive version could not start on this device, so it works as plain links: " +
        "choose an answer to go to the next question. Quiz answers are under each question.");
      for (const details of document.querySelectorAll(".cb-answer-details")) details.hidden = false;
      for (const button of document.querySelectorAll(".cb-check")) button.hidden = true;
    });
  for (const region of regions) {
    if (region.dataset.cbWidget === "quiz") quizWidget(region, engine);
  }
}
