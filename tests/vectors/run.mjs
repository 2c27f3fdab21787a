// The engine's answers to the test vectors, from a Guidance object on any runtime. Shared by the
// Node tests (tests/pyodide) and the Chromium tests (tests/browser), where it runs inside the page:
// so it must stay self-contained, with no imports and nothing from outside its own body.
export function answersTo(guidance, vectors) {
  const view = (walked) => JSON.parse(guidance.tree_view_json(walked));
  // Each scenario answers the questions the engine asks, as the person in it would.
  const scenarios = vectors.scenarios.map((scenario) => {
    let current = view("");
    const asked = [];
    while (current.question) {
      const question = current.question;
      const given = scenario.answers[question.id];
      if (given === undefined) return { name: scenario.name, error: `the scenario does not say how to answer "${question.id}"` };
      asked.push(question.id);
      const part = `${question.id}:${[given].flat().join(",")}`;
      current = view(question.prefix ? `${question.prefix};${part}` : part);
      if (asked.length > 50) return { name: scenario.name, error: "the questions never end" };
    }
    // The honest no-rule verdict quotes its own clauses; notes may stand beside it.
    const clauses = [
      ...(current.verdict.clauses ?? []).map((c) => c.number),
      ...current.verdict.groups.flatMap((group) => group.rules.flatMap((rule) => rule.clauses.map((c) => c.number))),
    ];
    return { name: scenario.name, outcome: current.verdict.outcome, clauses: [...new Set(clauses)].sort(), asked };
  });
  const scores = vectors.answer_sets.map((vector) => {
    let answers = vector.answers;
    if (answers === "all-correct") {
      // The right answers, read from the engine's own quiz rather than copied into the vectors.
      answers = Object.fromEntries(guidance.quiz.questions.toJs({ depth: 1 }).map((q) => [q.id, q.answer]));
    }
    const result = JSON.parse(guidance.quiz_result_json(JSON.stringify(answers)));
    return { name: vector.name, correct: result.correct, summary: result.summary, total: result.total };
  });
  return { scenarios, scores };
}

// The same answers through the page's Web Worker, where each call is a message: `call(name, ...args)`
// resolves to what the engine's entry module returns. The quiz's right answers are read from the
// bundle the engine loaded (guidance.json), never copied into the vectors.
export async function answersThroughCalls(call, vectors, bundle) {
  const scenarios = [];
  for (const scenario of vectors.scenarios) {
    let current = await call("tree_view", "");
    const asked = [];
    let error = null;
    while (current.question) {
      const question = current.question;
      const given = scenario.answers[question.id];
      if (given === undefined) { error = `the scenario does not say how to answer "${question.id}"`; break; }
      asked.push(question.id);
      const part = `${question.id}:${[given].flat().join(",")}`;
      current = await call("tree_view", question.prefix ? `${question.prefix};${part}` : part);
      if (asked.length > 50) { error = "the questions never end"; break; }
    }
    if (error) { scenarios.push({ name: scenario.name, error }); continue; }
    const clauses = current.verdict.groups.length
      ? current.verdict.groups.flatMap((group) => group.rules.flatMap((rule) => rule.clauses.map((c) => c.number)))
      : current.verdict.clauses.map((c) => c.number);
    scenarios.push({ name: scenario.name, outcome: current.verdict.outcome, clauses: [...new Set(clauses)].sort(), asked });
  }
  const scores = [];
  for (const vector of vectors.answer_sets) {
    let answers = vector.answers;
    if (answers === "all-correct") {
      answers = Object.fromEntries(bundle.quiz.questions.map((q) => [q.id, q.choices.findIndex((c) => c.correct)]));
    }
    const result = await call("quiz_result", answers);
    scores.push({ name: vector.name, correct: result.correct, summary: result.summary, total: result.total });
  }
  return { scenarios, scores };
}

// What is wrong with the engine's answer to a scenario ([] when it reaches what the scenario says).
export function scenarioProblems(scenario, result) {
  if (result.error) return [result.error];
  const problems = [];
  if (result.outcome !== scenario.outcome) problems.push(`outcome ${result.outcome}, expected ${scenario.outcome}`);
  const missing = scenario.must_cite.filter((n) => !result.clauses.includes(n));
  if (missing.length) problems.push(`does not cite ${missing.join(", ")}`);
  const wrong = scenario.must_not_cite.filter((n) => result.clauses.includes(n));
  if (wrong.length) problems.push(`cites ${wrong.join(", ")}, which it must not`);
  const unasked = Object.keys(scenario.answers).filter((id) => !result.asked.includes(id));
  if (unasked.length) problems.push(`never asked ${unasked.join(", ")}`);
  return problems;
}

// What answersTo must give for the quiz's answer sets (a score's summary also names the
// quiz's length, which the vectors leave to the engine).
export function expectedScores(vectors) {
  return vectors.answer_sets.map((v) => ({ name: v.name, correct: v.correct }));
}
