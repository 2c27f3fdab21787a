// Clausebook search, on the search page: a clause number goes straight to the clause, and words
// find clauses, named "4.4 Prohibited use" and linked to their anchor, above the theme's results.
// The clauses come from clausebook-clauses.js (window.clausebookClauses), written by the build.
"use strict";

(() => {
  const data = window.clausebookClauses;
  if (!data) return;
  const root = document.documentElement.dataset.content_root || "";
  const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (!query) return;

  // Words that say what is looked for without narrowing it ("clause 4.4 of the code").
  const FILLER = new Set(["clause", "clauses", "cl", "section", "of", "the", "in", "policy", "and", "a", "s"]);
  const words = (text) =>
    text
      .toLowerCase()
      .replace(/[’']/g, "")
      .split(/[^a-z0-9.]+/)
      .map((w) => w.replace(/^\.+|\.+$/g, "")) // "4.5." at the end of a sentence, "cl."
      .filter((w) => w && !FILLER.has(w));
  // A clause number as people write it: "4.5", "4.5.", "(4.5)", "4.5,", "social-media:4.5".
  const NUMBERS = /(?:^|[^\w.])(\d+(?:\.\d+)+)(?=\.?(?:[^\w.]|$))/g;
  const titled = (policies) => policies.map((p) => `the ${p.title}`).join(" or ");

  const policyNamed = (policy, asked) => {
    const name = new Set([...words(policy.title), ...words(policy.id.replace(/-/g, " "))]);
    return asked.every((w) => name.has(w));
  };

  // The policy the reader came from, if the search started on one of its pages.
  const referrerPolicy = () => {
    try {
      const from = new URL(document.referrer);
      if (from.origin !== window.location.origin) return null;
      const base = new URL(root || "./", window.location.href).pathname;
      const first = from.pathname.startsWith(base) ? from.pathname.slice(base.length).split("/")[0] : "";
      return data.policies.find((p) => p.id === first) || null;
    } catch {
      return null;
    }
  };

  const link = (url) => (root === "./" ? "" : root) + url;

  // The theme's page results: each page of a policy's version is named by its policy and version,
  // so a superseded version's page is never taken for the one in force.
  const STATUS = { current: "in force", superseded: "superseded", future: "not yet in force" };
  const versions = data.policies.flatMap((policy) => (policy.versions || []).map((v) => ({ policy, ...v })));
  const versionOf = (href) =>
    versions
      .filter((v) => href.startsWith(v.folder))
      .sort((a, b) => b.folder.length - a.folder.length)[0];
  const nameResult = (item) => {
    const anchor = item.querySelector(":scope > a");
    if (!anchor || item.querySelector(".cb-search-version")) return;
    const found = versionOf(anchor.getAttribute("href") || "");
    if (!found) return;
    const label = document.createElement("span");
    label.className = "cb-search-version";
    label.textContent = ` · ${found.policy.title}, version ${found.version} (${STATUS[found.status] || found.status})`;
    anchor.after(label);
  };
  const results = document.getElementById("search-results");
  if (results) {
    const nameAll = () => results.querySelectorAll("li").forEach(nameResult);
    new MutationObserver(nameAll).observe(results, { childList: true, subtree: true });
    nameAll();
  }

  // Of the numbers typed, the clause's is the one whose other words name a policy, or are
  // none (a title may hold a number: "Data protection 2.0 policy 1.2"); else the last.
  const typed = [...query.matchAll(NUMBERS)].map((m) => m[1]).reverse();
  const namesPolicy = (asked) => !asked.length || data.policies.some((p) => policyNamed(p, asked));
  const number = typed.find((n) => namesPolicy(words(query.replace(n, " ")))) || typed[0] || null;
  let numbered = [];
  let named = [];
  // What the number named in earlier versions, where it named another clause or one since
  // removed: someone reading an old print would otherwise land on a different clause.
  let earlier = [];
  if (number) {
    const asked = words(query.replace(number, " "));
    named = data.policies.filter((policy) => policyNamed(policy, asked));
    const candidates = named
      .map((policy) => ({ policy, clause: policy.clauses.find((c) => c.number === number) }))
      .filter((found) => found.clause);
    earlier = named.flatMap((policy) =>
      (policy.earlier || []).filter((e) => e.number === number).map((e) => ({ policy, earlier: e })),
    );
    const from = asked.length === 0 ? referrerPolicy() : null;
    const chosen =
      candidates.length === 1 ? candidates[0] : candidates.find((found) => from && found.policy === from);
    if (chosen && !earlier.some((e) => e.policy === chosen.policy)) {
      window.location.replace(link(chosen.clause.url));
      return;
    }
    numbered = candidates;
    if (asked.length === 0) named = [];
  }

  const asked = words(query).filter((w) => !number || w !== number);
  // A number no clause has, now or before, alone or with a policy's name: say so, rather than
  // list the clauses that happen to hold the policy's name. Unless the whole query is a
  // policy's title with a number in it ("data protection 2.0"): that is a search for the policy.
  const isTitle = data.policies.some((p) => policyNamed(p, words(query)));
  const nothing = Boolean(
    number && !numbered.length && !earlier.length && !isTitle && (!asked.length || named.length),
  );
  const matches = [];
  if (!numbered.length && !nothing && asked.length) {
    for (const policy of data.policies) {
      for (const clause of policy.clauses) {
        const haystack = ` ${clause.text.toLowerCase()} ${clause.section.toLowerCase()} `;
        if (asked.every((w) => haystack.includes(w))) {
          const score = asked.reduce((sum, w) => sum + haystack.split(w).length - 1, 0);
          matches.push({ policy, clause, score });
        }
      }
    }
    matches.sort((a, b) => b.score - a.score);
  }
  const shown = numbered.length || earlier.length ? numbered : matches.slice(0, 20);
  if (!shown.length && !earlier.length && !nothing) return;

  // Sphinx's page search asks for pages holding every word, stemmed: it can find no page where
  // clauses were found above, and its own message would then say nothing matched.
  const NOTHING =
    "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.";
  const instead = "No page matched every word as a whole; the clauses above hold your words.";
  // doctools.js declares Documentation with const: a global name, not a property of window.
  if (!nothing) {
    if (typeof Documentation !== "undefined" && Documentation.TRANSLATIONS) Documentation.TRANSLATIONS[NOTHING] = instead;
    const summary = results && results.querySelector(".search-summary");
    if (summary && summary.textContent.trim() === NOTHING) summary.textContent = instead;
  }

  // About 220 characters around the first word asked for, cut at spaces, never mid-word
  // (found: "…edia posting").
  const snippet = (text) => {
    const lower = text.toLowerCase();
    let at = Math.max(0, Math.min(...asked.map((w) => lower.indexOf(w)).filter((i) => i >= 0), text.length) - 60);
    let end = Math.min(text.length, at + 220);
    if (at > 0) {
      const space = text.slice(at).search(/\s/);
      if (space >= 0 && space < 40) at += space + 1;
    }
    if (end < text.length) {
      const space = text.slice(at, end).search(/\s\S*$/);
      if (space > 0) end = at + space;
    }
    const part = text.slice(at, end).replace(/\s+/g, " ").trim();
    return (at > 0 ? "…" : "") + part + (end < text.length ? "…" : "");
  };

  const section = document.createElement("section");
  section.className = "cb-search-clauses";
  section.setAttribute("aria-labelledby", "cb-search-clauses-title");
  const heading = document.createElement("h2");
  heading.id = "cb-search-clauses-title";
  heading.textContent = nothing
    ? `No clause ${number}`
    : earlier.length && numbered.length
      ? `Clause ${number}, in force and in earlier versions`
      : earlier.length
        ? `Clause ${number}, in earlier versions`
        : numbered.length
          ? `Clause ${number} is in ${numbered.length} policies`
          : `Clauses (${matches.length})`;
  section.append(heading);
  if (nothing) {
    const none = document.createElement("p");
    none.textContent = named.length
      ? `${titled(named).replace(/^t/, "T")} has no clause ${number}, and had none in an earlier version.`
      : `No policy in force has a clause ${number}, and none had one in an earlier version.`;
    section.append(none);
  }
  const list = document.createElement("ul");
  for (const { policy, clause } of shown) {
    const item = document.createElement("li");
    const title = document.createElement("a");
    title.href = link(clause.url);
    title.textContent = `${clause.number} ${clause.section}`;
    const where = document.createElement("span");
    where.className = "cb-search-policy";
    where.textContent = ` · ${policy.title}`;
    const words_ = document.createElement("p");
    words_.textContent = snippet(clause.text);
    item.append(title, where, words_);
    list.append(item);
  }
  for (const { policy, earlier: was } of earlier) {
    const item = document.createElement("li");
    const title = document.createElement("a");
    title.href = link(was.url);
    title.textContent = `${was.number} in version ${was.version}`;
    const where = document.createElement("span");
    where.className = "cb-search-policy";
    where.textContent = ` · ${policy.title}`;
    const since = document.createElement("p");
    const now = was.now && policy.clauses.find((c) => c.number === was.now);
    if (now) {
      since.append(`In the version in force, this clause is `);
      const there = document.createElement("a");
      there.href = link(now.url);
      there.textContent = `clause ${now.number}`;
      since.append(there, ".");
    } else {
      since.textContent = "A later version removed this clause.";
    }
    item.append(title, where, since);
    list.append(item);
  }
  if (list.children.length) section.append(list);
  (results ? results.parentNode : document.querySelector('[role="main"]') || document.body).insertBefore(
    section,
    results,
  );
})();
