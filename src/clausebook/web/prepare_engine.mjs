// Prepare the guidance engine for the browser with Pyodide's own interpreter (a .pyc from the
// host Python has the wrong magic number):
//
//   node prepare_engine.mjs <pyodide npm package dir> <engine wheel> <out folder> <guidance.json>...
//
// writes <out folder>/python_stdlib.zip, the standard library cut down to what the engine uses,
// and <out folder>/<the wheel's name>, the wheel byte-compiled (as `pyodide py-compile` does for
// Pyodide's own packages), both as .pyc only, so the page compiles nothing at start-up.
// The archive's files are stored, not deflated: the server sends it compressed whole (zstd, brotli
// or gzip), which sees across files and comes out a third smaller than deflating each one.
//
// The modules are found by running, not listed by hand: the runtime starts, unpacks the wheel the
// way a page does, and the engine walks a sample of interviews of each bundle's rules (one answer
// of each kind, a change and a Back), scores its quiz and
// reports a bad request (so the error path's modules come too); every module then loaded from
// the standard library goes into the archive.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { basename, join, resolve } from "node:path";

const [runtime, wheel, out, ...bundles] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(resolve(runtime, "pyodide.mjs")).href);
// PYTHONNODEBUGRANGES: code objects keep their line numbers but not the column ranges that
// only draw the ^^^ under a traceback's line; the archive is a quarter smaller without them.
const py = await loadPyodide({ indexURL: resolve(runtime) + "/", env: { PYTHONNODEBUGRANGES: "1" } });
// Installed as the page installs it (unpackArchive), so the archive holds what that path imports.
py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
py.FS.writeFile("/tmp/engine.whl", readFileSync(wheel));
py.globals.set("bundles", bundles.map((path) => readFileSync(path, "utf8")));
// optimize=2 drops docstrings and asserts, as `python -OO` would; the engine uses neither.
py.globals.set("optimize", Number(process.env.OPTIMIZE ?? 2));
const [report, stdlib, compiled] = py.runPython(`
import io, json, sys, zipfile
from clausebook.interactive import entry as door
from clausebook.interactive.views import Guidance

def exercise(text):
    guidance = Guidance.from_json(text)
    # Also through the entry module's one door, as the page's worker calls it.
    door.call("load", "[" + text + "]")
    if guidance.rules is not None:
        door.call("tree_view", json.dumps([""]))
        door.call("views_ahead", "[]")
    if guidance.quiz is not None:
        door.call("quiz_result", json.dumps([{q.id: 0 for q in guidance.quiz.questions}]))
    if guidance.rules is not None:
        for first in range(len(guidance.rules.questions[0].answers)):
            walk, view = "", {}
            for step in range(40):
                view = json.loads(guidance.tree_view_json(walk))
                if "question" not in view:
                    break
                question = view["question"]
                chosen = question["answers"][first % len(question["answers"])]["id"]
                walk = ";".join(p for p in (question["prefix"], question["id"] + ":" + chosen) if p)
            for answer in view.get("answers", [])[:1]:
                guidance.tree_view_json(answer["change"])
            if view.get("back") is not None:
                guidance.tree_view_json(view["back"])
    if guidance.quiz is not None:
        guidance.quiz_result_json(json.dumps({q.id: 0 for q in guidance.quiz.questions}))
    try:
        guidance.quiz_result_json("not json")
    except Exception:
        import traceback
        traceback.format_exc()

for text in bundles:
    exercise(text)
# What the engine loaded, taken before this script imports anything of its own below.
loaded = sorted(sys.modules.items())

import base64, hashlib
from importlib._bootstrap_external import _code_to_timestamp_pyc

OPTIMIZE = int(optimize)
DATE = (1980, 1, 1, 0, 0, 0)  # the same sources give the same bytes

def pyc(source, path):
    code = compile(source, path, "exec", dont_inherit=True, optimize=OPTIMIZE)
    return bytes(_code_to_timestamp_pyc(code, 0, 0))

def entry(name, compress_type=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.compress_type = compress_type
    return info

STDLIB = "/lib/python{}{}.zip".format(*sys.version_info[:2])
source = zipfile.ZipFile(STDLIB)
trimmed_buffer = io.BytesIO()
names = []
written = set()
with zipfile.ZipFile(trimmed_buffer, "w") as trimmed:
    for name, module in loaded:
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
        trimmed.writestr(entry(inner[:-3] + ".pyc", zipfile.ZIP_STORED), pyc(source.read(inner), path))
        names.append(name)

def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

wheel = zipfile.ZipFile("/tmp/engine.whl")
wheel_buffer = io.BytesIO()
record = [info.filename for info in wheel.infolist() if info.filename.endswith(".dist-info/RECORD")]
lines = []
with zipfile.ZipFile(wheel_buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as compiled:
    for info in wheel.infolist():
        if info.filename in record:
            continue
        data = wheel.read(info)
        name = info.filename
        if name.endswith(".py"):
            name, data = name + "c", pyc(data, name)
        compiled.writestr(entry(name), data)
        lines.append(record_line(name, data))
    for name in record:  # the wheel's list of its files, last as the format asks
        compiled.writestr(entry(name), "".join(line + "\\n" for line in [*lines, f"{name},,"]))
[json.dumps({"modules": names, "size": trimmed_buffer.tell()}), trimmed_buffer.getvalue(), wheel_buffer.getvalue()]
`).toJs();
writeFileSync(join(out, "python_stdlib.zip"), stdlib);
writeFileSync(join(out, basename(wheel)), compiled);

console.log(report);
