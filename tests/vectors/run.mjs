// The engine's answers to the test vectors, from a Guidance object on any runtime. Shared by the
// Node tests (tests/pyodide) and the Chromium tests (tests/browser), where it runs inside the page:
// so it must stay self-contained, with no imports and nothing from outside its own body.
export function answersTo(guidance, vectors) {
  const view = (walked) => JSON.parse(guidance.tree_view_json(walked));
  const walks = vectors.walks.map((vector) => {
    let current = view("");
    for (const label of vector.answers) {
      const chosen = (current.answers ?? []).find((answer) => answer.label === label);
      if (!chosen) return { name: vector.name, error: `"${label}" is not an answer to "${current.question}"` };
      current = view(chosen.walk);
    }
    return {
      name: vector.name,
      node: current.node,
      kind: current.verdict?.kind,
      clauses: (current.verdict?.clauses ?? []).map((clause) => clause.number),
    };
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
  return { walks, scores };
}

// What answersTo must give for the vectors, in the same shape (a score's summary also names the
// quiz's length, which the vectors leave to the engine).
export function expectedFrom(vectors) {
  return {
    walks: vectors.walks.map((v) => ({ name: v.name, node: v.verdict, kind: v.kind, clauses: v.clauses })),
    scores: vectors.answer_sets.map((v) => ({ name: v.name, correct: v.correct })),
  };
}
