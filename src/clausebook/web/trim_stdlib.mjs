// Trim Pyodide's standard library to what the guidance engine uses, byte-compiled by Pyodide's
// own interpreter (a .pyc from the host Python has the wrong magic number).
//
//   node trim_stdlib.mjs <pyodide npm package dir> <engine wheel> <out zip> <guidance.json>...
//
// The modules are found by running, not listed by hand: the runtime starts, loads the wheel the
// way a page does, and the engine walks every path of each bundle's tree, scores its quiz and
// reports a bad request (so the error path's modules come too); every module then loaded from
// the standard library goes into the archive as a .pyc.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [runtime, wheel, out, ...bundles] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(resolve(runtime, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: resolve(runtime) + "/" });
await py.loadPackage(resolve(wheel));
py.globals.set("bundles", bundles.map((path) => readFileSync(path, "utf8")));
py.globals.set("optimize", Number(process.env.OPTIMIZE ?? 2));
const archive = py.runPython(`
import io, json, sys, zipfile
from clausebook.interactive.views import Guidance

def exercise(text):
    guidance = Guidance.from_json(text)
    if guidance.tree is not None:
        pending = [""]
        while pending:
            view = json.loads(guidance.tree_view_json(pending.pop()))
            pending += [answer["walk"] for answer in view.get("answers", [])]
        guidance.walk_to(guidance.tree.start)
    if guidance.quiz is not None:
        guidance.quiz_result_json(json.dumps({q.id: 0 for q in guidance.quiz.questions}))
    try:
        guidance.quiz_result_json("not json")
    except Exception:
        import traceback
        traceback.format_exc()

for text in bundles:
    exercise(text)

from importlib._bootstrap_external import _code_to_timestamp_pyc

STDLIB = "/lib/python{}{}.zip".format(*sys.version_info[:2])
OPTIMIZE = int(optimize)
source = zipfile.ZipFile(STDLIB)
buffer = io.BytesIO()
names = []
written = set()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as trimmed:
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None) or ""
        spec = getattr(module, "__spec__", None)
        if spec is not None and spec.origin == "frozen":
            continue  # built into the runtime itself
        if not path.startswith(STDLIB + "/") or not path.endswith(".py"):
            continue
        inner = path[len(STDLIB) + 1:]
        if inner in written:
            continue  # one file, two names (collections.abc is _collections_abc)
        written.add(inner)
        code = compile(source.read(inner), path, "exec", dont_inherit=True, optimize=OPTIMIZE)
        info = zipfile.ZipInfo(inner[:-3] + ".pyc", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        trimmed.writestr(info, bytes(_code_to_timestamp_pyc(code, 0, 0)))
        names.append(name)
json.dumps({"modules": names, "size": buffer.tell()}), buffer.getvalue()
`).toJs();
const [report, data] = archive;
writeFileSync(out, data);
console.log(report);
