#!/usr/bin/env python3
"""Adversarial inputs for the scalint binary, generated at run time.

    run_adversarial.py SCALINT REPO GROUP...

Each GROUP builds its inputs under a fresh temporary directory (nothing big
is committed), runs `scalint check` on them and checks that scalint

  - never crashes (exit status 0 or 1 only; no sanitizer report on stderr),
  - scans every file it can and names every file it skips, with the reason,
    in text output and in SARIF `toolExecutionNotifications`,
  - goes on after a bad file: a normal file next to the bad ones still gets
    its SCL001 finding at the right line and column,
  - writes SARIF that parses and (when REPO/../shared/tools/validate-sarif
    is there and can run) validates.

Groups: deep files big minified many deleted atomic limits big-scan.
`big-scan` (a 50 MB file scanned with --max-file-size 64M) needs several GB
of memory under AddressSanitizer, so it runs only when SCALINT_ADVERSARIAL_BIG=1
and otherwise exits 77 (ctest's SKIP_RETURN_CODE).
Environment: SCALINT_ADV_RULE_ARGS (space-separated) replaces the default
built-in rules, e.g. "--no-builtin --rules rules/SCL001-hard-result-cap.yaml".

Lines start with ok, FAIL, skip (cannot be checked here, e.g. as root) or
todo (a known gap, listed in docs/robustness.md; does not fail the run).
Exit status: 0 all checks passed, 1 some failed, 77 every check skipped,
2 usage error.
"""

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

SCALINT = None
REPO = None
RULE_ARGS = []
FAILURES = []
PASSES = []
SKIPS = []

# The SCL001 antipattern, in an async function of a file importing motor.
# The finding is reported at `to_list`: line 5, column 37.
NORMAL_PY = (
    "import motor.motor_asyncio\n"
    "\n"
    "\n"
    "async def handler(db):\n"
    "    users = await db.users.find({}).to_list(1000)\n"
    "    return users\n"
)
NORMAL_LINE, NORMAL_COL = 5, 37
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "Segmentation fault", "core dumped")


def ok(name):
    PASSES.append(name)
    print(f"ok   {name}", flush=True)


def bad(name, why):
    FAILURES.append(name)
    print(f"FAIL {name}: {why}", flush=True)
    return False


def skip(name, why):
    SKIPS.append(name)
    print(f"skip {name}: {why}", flush=True)
    return False


def todo(name, cond, why):
    """A known gap: reported, but does not fail the run (like scl-todo-expect)."""
    if cond:
        print(f"ok   {name} (was a known gap: remove the todo)", flush=True)
        PASSES.append(name)
    else:
        SKIPS.append(name)
        print(f"todo {name}: {why}", flush=True)


def check(name, cond, why=""):
    if cond:
        ok(name)
    else:
        bad(name, why)
    return cond


class Run:
    """One scalint invocation: exit status, output, time."""

    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def sanitizer_report(self):
        return next((m for m in SANITIZER_MARKS if m in self.err), None)

    def sarif(self):
        return json.loads(self.out)


def scalint(args, cwd, timeout=600, fmt="text", extra_env=None):
    cmd = [SCALINT, "check", "--no-color", "-f", fmt] + RULE_ARGS + list(args)
    env = dict(os.environ)
    env.update(extra_env or {})
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return Run(-999, "", f"timed out after {timeout} s", time.monotonic() - t0)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"),
               p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)


def sane(name, run, want_rc):
    """No crash, no sanitizer report, the expected exit status."""
    mark = run.sanitizer_report()
    if mark:
        return bad(name, f"sanitizer report ({mark}):\n{run.err[-3000:]}")
    if run.rc == -999:
        return bad(name, run.err)
    if run.rc < 0:
        return bad(name, f"killed by signal {-run.rc}:\n{run.err[-2000:]}")
    if run.rc not in want_rc:
        return bad(name, f"exit {run.rc}, want {sorted(want_rc)}:\n{run.err[-2000:]}"
                         f"\n{run.out[-2000:]}")
    ok(name)
    return True


def sarif_notices(doc):
    """{uri: [notification texts]} from every run's invocations."""
    notes = {}
    for r in doc.get("runs", []):
        for inv in r.get("invocations", []):
            for n in inv.get("toolExecutionNotifications", []):
                uri = ""
                for loc in n.get("locations", []):
                    uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                notes.setdefault(uri, []).append(n.get("message", {}).get("text", ""))
    return notes


def sarif_results(doc):
    """[(ruleId, uri, line, col)] of every result."""
    out = []
    for r in doc.get("runs", []):
        for res in r.get("results", []):
            loc = res["locations"][0]["physicalLocation"]
            reg = loc.get("region", {})
            out.append((res.get("ruleId"), loc["artifactLocation"]["uri"],
                        reg.get("startLine"), reg.get("startColumn")))
    return out


def uri_of(path):
    """How scalint writes a relative path as a SARIF URI (RFC 3986 escaping)."""
    from urllib.parse import quote
    return quote(path, safe="/")


def validate_sarif(name, path):
    tool = os.path.join(REPO, "..", "shared", "tools", "validate-sarif")
    if not os.access(tool, os.X_OK):
        return skip(name, "validate-sarif not found next to the repository")
    try:
        p = subprocess.run([tool, path], capture_output=True, timeout=600)
    except subprocess.TimeoutExpired:
        return skip(name, "validate-sarif timed out")
    text = (p.stdout + p.stderr).decode("utf-8", "replace")
    if p.returncode == 2:
        return skip(name, "validate-sarif could not run its tools: " + text.strip()[-300:])
    check(name, p.returncode == 0, text[-3000:])


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, mode + ("b" if isinstance(data, bytes) else "")) as f:
        f.write(data)


def text_has_notice(run, path, reason=None):
    """A text-output notice line for path (and reason, when given)."""
    for line in run.out.splitlines():
        if line.startswith(("warning: ", "note: ", "error: ")) and (": " + path + ": ") in line:
            if reason is None or reason in line:
                return True
    return False


def expect_normal_finding(name, run_text, run_sarif, rel):
    """The normal file's SCL001 finding, right line and column, in both outputs."""
    want = f"{rel}:{NORMAL_LINE}:{NORMAL_COL}: error[SCL001]"
    check(name + ": text finding " + want, want in run_text.out, run_text.out[-1500:])
    res = sarif_results(run_sarif.sarif())
    check(name + ": SARIF finding", ("SCL001", uri_of(rel), NORMAL_LINE, NORMAL_COL) in res,
          str(res[:10]))


def scan_both(name, tmp, args, want_rc, timeout=600):
    """Runs text and SARIF scans of args; returns (text run, sarif run) or None."""
    t = scalint(args, tmp, timeout=timeout)
    s = scalint(args, tmp, timeout=timeout, fmt="sarif")
    t_ok = sane(name + ": text exit/crash", t, want_rc)
    s_ok = sane(name + ": SARIF exit/crash", s, want_rc)
    if not (t_ok and s_ok):
        return None
    try:
        doc = s.sarif()
    except ValueError as e:
        bad(name + ": SARIF parses", str(e))
        return None
    write(os.path.join(tmp, "out.sarif"), s.out)
    del doc
    return t, s


def expect_skipped(name, t, s, rel, reason):
    check(f"{name}: text notice for {rel!r} ({reason})", text_has_notice(t, rel, reason),
          t.out[-1500:])
    notes = sarif_notices(s.sarif())
    texts = notes.get(uri_of(rel), [])
    check(f"{name}: SARIF notification for {rel!r}", any(reason in x for x in texts),
          json.dumps(notes)[:1500])


# ---- groups ---------------------------------------------------------------

N_DEEP = 100_000


def group_deep(tmp):
    """100,000-deep brackets, calls and blocks in every language."""
    n = N_DEEP
    files = {
        "py/paren.py": "x = " + "(" * n + "1" + ")" * n + "\n",
        "py/call.py": "x = " + "f(" * n + ")" * n + "\n",
        "py/list.py": "x = " + "[" * n + "]" * n + "\n",
        "py/dict.py": "x = " + "{1: " * n + "1" + "}" * n + "\n",
        "py/lambda.py": "x = " + "lambda: " * n + "1\n",
        "py/unclosed.py": "x = " + "(" * n + "\n",
        "js/block.js": "function f() {" + "{" * n + "}" * n + "}\n",
        "js/call.js": "x = " + "f(" * n + ")" * n + ";\n",
        "js/array.js": "x = " + "[" * n + "]" * n + ";\n",
        "js/arrow.js": "x = " + "() => " * n + "1;\n",
        "js/unclosed.js": "x = " + "{a: " * n + "\n",
        "ts/if.ts": "function f(a: number) {" + "if (a) " * n + "a++; }\n",
        "ts/array.ts": "const x: number[] = " + "[" * n + "]" * n + ";\n",
        "ts/generic.ts": "let x: " + "A<" * n + "B" + ">" * n + ";\n",
        "ts/block.tsx": "const x = " + "<div>" * n + "</div>" * n + ";\n",
        "c/block.c": "int f(void) {" + "{" * n + "}" * n + " return 0; }\n",
        "c/call.c": "int g(int); int f(void) { return " + "g(" * n + "1" + ")" * n + "; }\n",
        "c/paren.c": "int f(void) { return " + "(" * n + "1" + ")" * n + "; }\n",
        "c/if.c": "int f(int a) { " + "if (a) " * n + "a++; return a; }\n",
        "c/macro.c": "#define M(x) (x)\nint f(void) { return " + "M(" * n + "1" + ")" * n + "; }\n",
    }
    # Indented blocks cost quadratic bytes (100,000 levels would be 5 GB), so
    # Python's own block nesting goes 3,000 deep, past SCL_MAX_TREE_DEPTH.
    depth = 3000
    files["py/blocks.py"] = "".join(" " * i + "if x:\n" for i in range(depth)) + \
        " " * depth + "pass\n"
    for rel, text in files.items():
        write(os.path.join(tmp, rel), text)
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    r = scan_both("deep", tmp, ["--max-file-size", "8M", "."], {1})
    if not r:
        return
    t, s = r
    expect_normal_finding("deep", t, s, "normal.py")
    notes = sarif_notices(s.sarif())
    for rel in sorted(files):
        # scanned (the C front-end stops at clang's own bracket depth) or
        # skipped with a reason in both outputs
        in_text = text_has_notice(t, rel)
        in_sarif = uri_of(rel) in notes
        check(f"deep: {rel} scanned or skipped with a reason in both outputs",
              in_text == in_sarif, f"text notice {in_text}, SARIF notification {in_sarif}")
    validate_sarif("deep: SARIF validates", os.path.join(tmp, "out.sarif"))


def group_files(tmp):
    """Odd files next to a normal one: binary, NUL, invalid UTF-8, BOM+CRLF,
    empty, unreadable, FIFO, symlinks, odd path names."""
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    # binary with a source extension: a NUL early on
    write(os.path.join(tmp, "bin/blob.py"), bytes(range(256)) * 64)
    write(os.path.join(tmp, "bin/blob.c"), b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 4000)
    # NUL bytes past the binary sniff window: read as text, parsed, no crash
    write(os.path.join(tmp, "nul/late_nul.js"), b"let a = 1;\n" * 1000 + b"\x00\x00x\x00;\n")
    write(os.path.join(tmp, "nul/late_nul.py"), NORMAL_PY.encode() + b"#" * 9000 + b"\x00\n")
    # invalid UTF-8 everywhere: lone continuation bytes, overlong forms,
    # surrogates, truncated sequences, in code and in strings
    junk = b"\x80\xbf\xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80\xff\xfe\xe2\x82"
    write(os.path.join(tmp, "utf8/bad.py"), b"x = '" + junk + b"'\n" + junk + b"\n" +
          NORMAL_PY.encode().replace(b"users =", b"users" + junk[:2] + b" ="))
    write(os.path.join(tmp, "utf8/bad.ts"), b"const s = `" + junk + b"`;\n" + junk * 10)
    write(os.path.join(tmp, "utf8/bad.c"), b"char *s = \"" + junk + b"\";\n" + junk + b"\n")
    # BOM + CRLF: lines and columns as an editor shows them
    bom = b"\xef\xbb\xbf" + NORMAL_PY.replace("\n", "\r\n").encode()
    write(os.path.join(tmp, "crlf/bom_crlf.py"), bom)
    # the finding on line 1, right after the BOM: the BOM takes no column
    write(os.path.join(tmp, "crlf/bom_line1.py"),
          b"\xef\xbb\xbfasync def h(db): return await db.users.find({}).to_list(1000)\r\n"
          b"import motor\r\n")
    # a lone CR line ending (old Mac) and mixed endings
    write(os.path.join(tmp, "crlf/mixed.js"), b"let a = 1;\r\nlet b = 2;\rlet c = 3;\n")
    # empty files of every language
    for ext in ("py", "js", "ts", "tsx", "c", "h"):
        write(os.path.join(tmp, f"empty/empty.{ext}"), b"")
    write(os.path.join(tmp, "empty/only_bom.py"), b"\xef\xbb\xbf")
    write(os.path.join(tmp, "empty/newlines.ts"), b"\n" * 1000)
    # unreadable: chmod 000 stops reading unless we are root
    unreadable = os.path.join(tmp, "perm/secret.py")
    write(unreadable, NORMAL_PY)
    os.chmod(unreadable, 0)
    is_root = os.geteuid() == 0
    # a FIFO with a source extension: must not block the scan
    os.makedirs(os.path.join(tmp, "fifo"), exist_ok=True)
    os.mkfifo(os.path.join(tmp, "fifo/pipe.py"))
    # symlinks: dangling, a file loop, a directory loop, a good one
    os.makedirs(os.path.join(tmp, "links"), exist_ok=True)
    os.symlink("does-not-exist.py", os.path.join(tmp, "links/dangling.py"))
    os.symlink("loop_b.py", os.path.join(tmp, "links/loop_a.py"))
    os.symlink("loop_a.py", os.path.join(tmp, "links/loop_b.py"))
    os.symlink("..", os.path.join(tmp, "links/up"))
    os.symlink(".", os.path.join(tmp, "links/self"))
    # odd names: spaces, a newline, non-ASCII, a leading dash, quotes
    odd = ["names/with space/app file.py", "names/new\nline.py", "names/ünïcødé/日本語.py",
           "names/-dash.py", "names/quote\"'.py", "names/tab\there.py"]
    for rel in odd:
        write(os.path.join(tmp, rel), NORMAL_PY)

    r = scan_both("files", tmp, ["."], {1}, timeout=300)
    if not r:
        return
    t, s = r
    expect_normal_finding("files", t, s, "normal.py")
    expect_normal_finding("files: BOM+CRLF", t, s, "crlf/bom_crlf.py")
    want = "crlf/bom_line1.py:1:49: error[SCL001]"
    check("files: BOM on the finding's line takes no column (" + want + ")", want in t.out,
          "\n".join(x for x in t.out.splitlines() if "bom_line1" in x))
    expect_normal_finding("files: NUL past the sniff window", t, s, "nul/late_nul.py")
    for rel in ("bin/blob.py", "bin/blob.c"):
        expect_skipped("files", t, s, rel, "binary")
    # the FIFO did not block the scan (we got here), and it is named
    expect_skipped("files", t, s, "fifo/pipe.py", "not-regular")
    expect_skipped("files", t, s, "links/dangling.py", "")
    for rel in ("links/loop_a.py", "links/loop_b.py"):
        expect_skipped("files", t, s, rel, "")
    if is_root:
        skip("files: chmod 000 file reported unreadable",
             "running as root, which reads it anyway (the FIFO case covers a file that "
             "cannot be read)")
        expect_normal_finding("files: chmod 000 as root", t, s, "perm/secret.py")
    else:
        expect_skipped("files", t, s, "perm/secret.py", "unreadable")
    for rel in odd:
        if "\n" in rel or "\t" in rel:
            # a control character in a path: the SARIF URI escapes it; text
            # output must still carry the finding (escaped or not)
            res = sarif_results(s.sarif())
            check(f"files: SARIF finding for {rel!r}",
                  any(u == uri_of(rel) and ln == NORMAL_LINE for _, u, ln, _ in res),
                  str([x for x in res if "names" in x[1]]))
        else:
            expect_normal_finding(f"files: odd name {rel!r}", t, s, rel)
    for ext in ("py", "js", "ts", "tsx", "c", "h"):
        check(f"files: empty .{ext} scanned without notice",
              not text_has_notice(t, f"empty/empty.{ext}"), t.out[-800:])
    validate_sarif("files: SARIF validates", os.path.join(tmp, "out.sarif"))
    j = scalint(["."], tmp, fmt="json", timeout=300)
    if sane("files: JSON exit/crash", j, {1}):
        try:
            json.loads(j.out)
            ok("files: JSON parses")
        except ValueError as e:
            bad("files: JSON parses", str(e))
    os.chmod(unreadable, 0o600)


def group_big(tmp):
    """A 50 MB source file: skipped as too large by default, quickly."""
    path = os.path.join(tmp, "big.py")
    chunk = ("def f(db, ids):\n    for i in ids:\n        x = db.users.find_one({'id': i})\n"
             "    return x\n\n") * 2000
    with open(path, "w") as f:
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    r = scan_both("big", tmp, ["."], {1}, timeout=120)
    if not r:
        return
    t, s = r
    expect_normal_finding("big", t, s, "normal.py")
    expect_skipped("big", t, s, "big.py", "too-large")
    check("big: skipping is fast (< 30 s)", t.seconds < 30, f"{t.seconds:.1f} s")


def group_big_scan(tmp):
    """The 50 MB file scanned with --max-file-size 64M: it must finish, with
    findings or a limit notice, within a ceiling on time."""
    if os.environ.get("SCALINT_ADVERSARIAL_BIG") != "1":
        return skip("big-scan", "set SCALINT_ADVERSARIAL_BIG=1 (needs ~4 GB of memory "
                                "in a release build, more under ASan)")
    path = os.path.join(tmp, "big.py")
    chunk = ("import motor\n\nasync def f{0}(db):\n"
             "    return await db.users.find({{}}).to_list(1000)\n\n")
    with open(path, "w") as f:
        i = 0
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk.format(i))
            i += 1
    t = scalint(["--max-file-size", "64M", "big.py"], tmp, timeout=900)
    if not sane("big-scan: exit/crash", t, {0, 1}):
        return
    check("big-scan: findings or a limit notice", "SCL001" in t.out or
          text_has_notice(t, "big.py", "limit"), t.out[-1500:])
    print(f"     big-scan took {t.seconds:.1f} s", flush=True)


def group_minified(tmp):
    """A 5 MB one-line minified JS file, with the SCL001 pattern at its end."""
    parts, size, i = [], 0, 0
    while size < 5 * 1024 * 1024:
        p = f"function a{i}(b){{for(var c=0;c<b.length;c++){{q(b[c])}}return b.map(function(x){{return x+1}})}};"
        parts.append(p)
        size += len(p)
        i += 1
    tail = "const mongodb=require('mongodb');async function z(db){return db.collection('u').find({}).limit(1000).toArray()}"
    line = "".join(parts) + tail
    write(os.path.join(tmp, "app.min.js"), line + "\n")
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    r = scan_both("minified: default limit", tmp, ["."], {1}, timeout=120)
    if r:
        expect_skipped("minified: default limit", r[0], r[1], "app.min.js", "too-large")
    if os.environ.get("SCALINT_ADVERSARIAL_BIG") != "1":
        # FIXME(issue 5): scanning this file with the whole catalogue takes minutes
        # (file-has is evaluated once per distinct binding text: 60K function names);
        # the default --max-file-size skips it, so the forced scan is opt-in for now
        print("     minified forced scan skipped (set SCALINT_ADVERSARIAL_BIG=1)", flush=True)
        return
    t = scalint(["--max-file-size", "8M", "."], tmp, timeout=600)
    if not sane("minified: scanned with --max-file-size 8M", t, {0, 1}):
        return
    check("minified: not skipped with --max-file-size 8M",
          not text_has_notice(t, "app.min.js", "too-large"), t.out[-1000:])
    print(f"     minified scan took {t.seconds:.1f} s", flush=True)
    check("minified: scan time under 120 s", t.seconds < 120, f"{t.seconds:.1f} s")


def group_many(tmp):
    """100,000 small files, one with a finding: time-bounded."""
    n_dirs, per_dir = 100, 1000
    body = b"x = 1\n"
    for d in range(n_dirs):
        dd = os.path.join(tmp, "src", f"d{d:03}")
        os.makedirs(dd)
        for k in range(per_dir):
            with open(os.path.join(dd, f"m{k:04}.py"), "wb") as f:
                f.write(body)
    write(os.path.join(tmp, "src/d050/normal.py"), NORMAL_PY)
    t = scalint(["-q", "."], tmp, timeout=600)
    if not sane("many: exit/crash", t, {1}):
        return
    check("many: the one finding is there",
          f"src/d050/normal.py:{NORMAL_LINE}:{NORMAL_COL}: error[SCL001]" in t.out, t.out[-500:])
    print(f"     100,000 files took {t.seconds:.1f} s", flush=True)
    limit = float(os.environ.get("SCALINT_ADV_MANY_SECONDS", "300"))
    check(f"many: finishes within {limit:.0f} s", t.seconds < limit, f"{t.seconds:.1f} s")
    s = scalint(["."], tmp, fmt="sarif", timeout=600)
    if sane("many: SARIF exit/crash", s, {1}):
        check("many: SARIF parses", bool(s.sarif().get("runs")), "")


def group_deleted(tmp):
    """A file removed while the scan runs: reported or scanned, never a crash.
    The removal is timed by watching the process open its first source file;
    when the scan wins the race the case is reported as skipped."""
    for d in range(20):
        for k in range(1000):
            write(os.path.join(tmp, f"src/d{d:02}/m{k:04}.py"), "x = 1\n")
    victim = os.path.join(tmp, "src/zz_victim.py")  # smallest files are read last
    write(victim, "")
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    cmd = [SCALINT, "check", "-j", "1", "--no-color", "-f", "sarif"] + RULE_ARGS + ["."]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=tmp, stdout=out, stderr=err)
        removed = False
        deadline = time.monotonic() + 120
        while p.poll() is None and time.monotonic() < deadline and not removed:
            try:
                for fd in os.listdir(f"/proc/{p.pid}/fd"):
                    target = os.readlink(f"/proc/{p.pid}/fd/{fd}")
                    # a source file open means discovery is over and the
                    # workers are reading (directory fds are the walk)
                    if target.startswith(os.path.join(tmp, "src/d")) and target.endswith(".py"):
                        os.unlink(victim)
                        removed = True
                        break
            except OSError:
                pass
            time.sleep(0.001)
        rc = p.wait(timeout=600)
        out.seek(0)
        err.seek(0)
        run = Run(rc, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                  0)
    if not sane("deleted: exit/crash", run, {1}):
        return
    if not removed:
        return skip("deleted: the removed file is reported",
                    "the scan finished before the file could be removed")
    notes = sarif_notices(run.sarif())
    res = sarif_results(run.sarif())
    check("deleted: the normal file still has its finding",
          ("SCL001", "normal.py", NORMAL_LINE, NORMAL_COL) in res, str(res[:5]))
    if "src/zz_victim.py" in notes:
        check("deleted: the removed file is reported as unreadable",
              any("No such file" in x or "unreadable" in x for x in notes["src/zz_victim.py"]),
              str(notes["src/zz_victim.py"]))
    else:
        skip("deleted: the removed file is reported",
             "the file was read before it was removed (race lost)")


def group_atomic(tmp):
    """-o FILE under SIGKILL: FILE is absent or a complete earlier report."""
    for d in range(20):
        for k in range(500):
            write(os.path.join(tmp, f"src/d{d:02}/m{k:04}.py"), NORMAL_PY)
    out = os.path.join(tmp, "report.sarif")
    first = scalint(["-o", out, "."], tmp, fmt="sarif", timeout=600)
    if not sane("atomic: first report written", first, {1}):
        return
    try:
        with open(out) as f:
            good = json.load(f)
        n_good = len(sarif_results(good))
        ok(f"atomic: first report complete ({n_good} results)")
    except (OSError, ValueError) as e:
        return bad("atomic: first report complete", str(e))
    # kill at spread-out moments: during discovery, the scan, the writing
    total = max(first.seconds, 0.2)
    seen_partial = []
    for i in range(12):
        delay = total * (i + 1) / 12.0
        cmd = [SCALINT, "check", "--no-color", "-f", "sarif", "-o", out] + RULE_ARGS + ["."]
        p = subprocess.Popen(cmd, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        try:
            with open(out) as f:
                doc = json.load(f)
            if len(sarif_results(doc)) != n_good:
                seen_partial.append(f"kill at {delay:.2f} s: {len(sarif_results(doc))} results")
        except ValueError as e:
            seen_partial.append(f"kill at {delay:.2f} s: {e}")
        except OSError:
            pass  # absent is fine
    check("atomic: after SIGKILL the report is absent or complete", not seen_partial,
          "; ".join(seen_partial))
    leftovers = [n for n in os.listdir(tmp) if n.startswith("report.sarif.tmp")]
    if leftovers:
        print(f"     note: {len(leftovers)} temporary file(s) left by killed runs "
              f"(expected after SIGKILL)", flush=True)
    # a fresh report with no previous one: killed early, nothing appears
    os.unlink(out)
    for f in leftovers:
        os.unlink(os.path.join(tmp, f))
    # --no-cache: a warm cache from the runs above would finish before the kill
    p = subprocess.Popen([SCALINT, "check", "--no-cache", "-f", "sarif", "-o", out] + RULE_ARGS
                         + ["."], cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(total / 3)
    p.send_signal(signal.SIGKILL)
    p.wait()
    if p.returncode != -signal.SIGKILL:
        # the scan finished before the signal: nothing was interrupted, nothing to check
        print("     note: the run finished before SIGKILL; killed-early check not applicable",
              flush=True)
    else:
        check("atomic: killed before writing, no report file", not os.path.exists(out), "")


def group_limits(tmp):
    """Hitting a limit is reported: findings per rule and file, nesting,
    file size."""
    many = "import motor\n\nasync def h(db):\n" + \
        "    await db.users.find({}).to_list(1000)\n" * 1500
    write(os.path.join(tmp, "many_findings.py"), many)
    # the comment names a token a rule needs, so the prefilter lets the file
    # through to the parser and its depth limit
    write(os.path.join(tmp, "deep.py"),
          "# rows = cursor.to_list(10)\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    write(os.path.join(tmp, "large.js"), "let a = 1;\n" * 30000)
    write(os.path.join(tmp, "normal.py"), NORMAL_PY)
    r = scan_both("limits", tmp, ["--max-file-size", "200K", "."], {1})
    if not r:
        return
    t, s = r
    expect_normal_finding("limits", t, s, "normal.py")
    n = sum(1 for x in sarif_results(s.sarif()) if x[1] == "many_findings.py")
    check("limits: findings per rule and file capped at 1000", n == 1000, f"{n} findings")
    expect_skipped("limits", t, s, "many_findings.py", "1000")
    expect_skipped("limits", t, s, "deep.py", "nested deeper")
    expect_skipped("limits", t, s, "large.js", "too-large")
    validate_sarif("limits: SARIF validates", os.path.join(tmp, "out.sarif"))


GROUPS = {
    "deep": group_deep,
    "files": group_files,
    "big": group_big,
    "big-scan": group_big_scan,
    "minified": group_minified,
    "many": group_many,
    "deleted": group_deleted,
    "atomic": group_atomic,
    "limits": group_limits,
}


def main(argv):
    global SCALINT, REPO, RULE_ARGS
    if len(argv) < 4 or any(g not in GROUPS for g in argv[3:]):
        print(__doc__, file=sys.stderr)
        return 2
    SCALINT = os.path.abspath(argv[1])
    REPO = os.path.abspath(argv[2])
    RULE_ARGS = os.environ.get("SCALINT_ADV_RULE_ARGS", "").split()
    RULE_ARGS = [os.path.join(REPO, a) if a.startswith("rules/") else a for a in RULE_ARGS]
    for g in argv[3:]:
        tmp = tempfile.mkdtemp(prefix=f"scalint-adv-{g}-")
        print(f"== {g} ({tmp})", flush=True)
        try:
            GROUPS[g](tmp)
        finally:
            for root, dirs, _ in os.walk(tmp):
                for d in dirs:
                    p = os.path.join(root, d)
                    if not os.path.islink(p):
                        os.chmod(p, stat.S_IRWXU)
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(PASSES)} passed, {len(FAILURES)} failed, {len(SKIPS)} skipped")
    if FAILURES:
        return 1
    return 77 if not PASSES and SKIPS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
