/*
 * test_suppress.c - unit tests for the suppress stage: comment directive
 * parsing and matching, unused suppressions, baselines (round trip, index
 * shifts, malformed files, fingerprint survival), git hunk parsing and the
 * changed-lines and file-list filters.
 *
 * Cases that need real findings scan small temporary projects with scl_run()
 * and then call scl_suppress_apply() themselves; the rest build results by
 * hand. Temporary directories and git repositories live under /tmp and are
 * removed by each case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "scalint/scalint.h"
#include "suppress/suppress.h"
#include "suppress/suppress_int.h"
#include "util/arena.h"

/* ==== helpers =========================================================== */

static size_t parse_str(scl_supp_directive **out, scl_arena *a, const char *text,
                        unsigned leaders)
{
  return scl_suppress__parse(out, a, text, strlen(text), leaders);
}

static scl_finding mk_finding(const char *rule, const char *slug, const char *path,
                              uint32_t line, const char *text, const char *fp)
{
  scl_finding f;
  memset(&f, 0, sizeof(f));
  f.rule_id = rule;
  f.slug = slug;
  f.level = SCL_LEVEL_ERROR;
  f.path = path;
  f.span.start_line = f.span.end_line = line;
  f.span.start_col = 1;
  f.span.end_col = 2;
  f.message = "m";
  f.line_text = text;
  f.fingerprint = fp;
  return f;
}

/* A hand-built result with malloc'ed findings, as run.c makes them. */
static scl_result *mk_result(const scl_finding *fs, size_t n)
{
  scl_result *r = calloc(1, sizeof(*r));
  r->findings = calloc(n ? n : 1, sizeof(scl_finding));
  if (n)
    memcpy(r->findings, fs, n * sizeof(scl_finding));
  r->finding_count = n;
  r->notices = calloc(1, sizeof(scl_notice));
  qsort(r->findings, n, sizeof(scl_finding), scl_suppress__cmp_finding);
  return r;
}

static void free_result(scl_result *r)
{
  free(r->findings);
  free(r->notices);
  free(r);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Appends s to the NUL-terminated text in buf (cap bytes), truncating. */
static void append(char *buf, size_t cap, const char *s)
{
  size_t n = strlen(buf);
  snprintf(buf + n, cap - n, "%s", s);
}

static char *make_tmpdir(void)
{
  char *t = strdup("/tmp/scl-suppress-XXXXXX");
  assert_non_null(mkdtemp(t));
  return t;
}

static void remove_tree(const char *dir)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    execlp("rm", "rm", "-rf", dir, (char *)NULL);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
}

/* Runs a command (argv, no shell) in dir, quietly; returns its exit status. */
static int run_in(const char *dir, const char *const *argv)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (chdir(dir) != 0)
      _exit(126);
    FILE *devnull = freopen("/dev/null", "w", stdout);
    (void)devnull;
    devnull = freopen("/dev/null", "w", stderr);
    (void)devnull;
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void git(const char *dir, const char *a1, const char *a2, const char *a3)
{
  const char *argv[] = { "git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                         "-c", "commit.gpgsign=false", a1, a2, a3, NULL };
  assert_int_equal(run_in(dir, argv), 0);
}

#ifndef SCALINT_SOURCE_DIR
#define SCALINT_SOURCE_DIR "."
#endif
#define RULE_SCL001 SCALINT_SOURCE_DIR "/rules/SCL001-hard-result-cap.yaml"
#define RULE_SCL003 SCALINT_SOURCE_DIR "/rules/SCL003-query-in-loop.yaml"

/* Scans "." (the current directory) with only the given rule files, so a
 * rule being edited elsewhere in the tree cannot break these cases.
 * no_unused keeps scl_run from reporting unused suppressions itself. */
static scl_result *scan_opts(const char *const *rule_files, size_t n, bool no_unused)
{
  scl_run_opts o;
  scl_run_opts_init(&o);
  o.no_unused_suppressions = no_unused;
  o.no_builtin = true;
  o.rule_dirs = rule_files;
  o.rule_dir_count = n;
  o.jobs = 1;
  o.no_config = true;
  scl_diag d;
  scl_diag_clear(&d);
  scl_result *res = NULL;
  scl_status st = scl_run(&res, &o, NULL, NULL, &d);
  if (st != SCL_OK)
    fail_msg("scl_run: %s:%u: %s", d.path, d.line, d.msg);
  return res;
}

static scl_result *scan_cwd(const char *const *select, size_t n)
{
  return scan_opts(select, n, false);
}

static size_t count_rule(const scl_result *r, const char *rule, bool want_suppressed)
{
  size_t n = 0;
  for (size_t i = 0; i < r->finding_count; i++)
    if (strcmp(r->findings[i].rule_id, rule) == 0 &&
        (r->findings[i].suppression != SCL_SUPPRESS_NONE) == want_suppressed)
      n++;
  return n;
}

static const scl_finding *find_line(const scl_result *r, const char *rule, uint32_t line)
{
  for (size_t i = 0; i < r->finding_count; i++)
    if (strcmp(r->findings[i].rule_id, rule) == 0 && r->findings[i].span.start_line == line)
      return &r->findings[i];
  return NULL;
}

/* ==== directive parsing ================================================= */

static void test_suppress__parse_each_syntax(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;

  const char *py = "x = 1  # scalint: ignore[SCL001]\n";
  assert_int_equal(parse_str(&d, &a, py, SUPPRESS_LEADER_HASH), 1);
  assert_int_equal(d[0].line, 1);
  assert_int_equal(d[0].col, 8);
  assert_false(d[0].is_comment_only);
  assert_int_equal(d[0].name_count, 1);
  assert_string_equal(d[0].names[0], "SCL001");
  assert_null(d[0].reason);

  const unsigned c_like = SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK;
  assert_int_equal(parse_str(&d, &a, "a;\n// scalint: ignore[SCL001]\nb;\n", c_like), 1);
  assert_int_equal(d[0].line, 2);
  assert_true(d[0].is_comment_only);

  assert_int_equal(parse_str(&d, &a, "/* scalint: ignore[SCL003] -- one row */ f();\n", c_like),
                   1);
  assert_false(d[0].is_comment_only); /* code follows the block comment */
  assert_string_equal(d[0].names[0], "SCL003");
  assert_string_equal(d[0].reason, "one row");

  const unsigned sql = SUPPRESS_LEADER_DASH | SUPPRESS_LEADER_BLOCK;
  assert_int_equal(parse_str(&d, &a, "SELECT 1; -- scalint: ignore[SCL006]\n", sql), 1);
  assert_string_equal(d[0].names[0], "SCL006");
  /* a '#' comment means nothing in SQL */
  assert_int_equal(parse_str(&d, &a, "SELECT 1; # scalint: ignore[SCL006]\n", sql), 0);
  scl_arena_dispose(&a);
}

static void test_suppress__parse_names_reason_bare(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;
  const char *text =
    "q()  # scalint: ignore[SCL001, SCL003 hard-result-cap] -- admin export, bounded by design\n"
    "r()  # scalint: ignore\n"
    "s()  # scalint: ignore -- legacy\r\n"
    "t()  # scalint: ignored[SCL001]\n"
    "u()  # scalint: ignore[SCL001\n"
    "v()  # scalint: ignore[]\n";
  assert_int_equal(parse_str(&d, &a, text, SUPPRESS_LEADER_HASH), 5);
  assert_int_equal(d[0].name_count, 3);
  assert_string_equal(d[0].names[0], "SCL001");
  assert_string_equal(d[0].names[1], "SCL003");
  assert_string_equal(d[0].names[2], "hard-result-cap");
  assert_string_equal(d[0].reason, "admin export, bounded by design");
  assert_true(d[1].is_all);
  assert_int_equal(d[1].line, 2);
  assert_true(d[2].is_all);
  assert_string_equal(d[2].reason, "legacy");
  assert_int_equal(d[3].line, 5); /* "ignored" is not a directive */
  assert_non_null(d[3].problem);
  assert_non_null(strstr(d[3].problem, "no closing"));
  assert_non_null(d[4].problem);
  scl_arena_dispose(&a);
}

static void test_suppress__parse_file_level(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;
  const char *text = "#!/usr/bin/env python3\n"
                     "# scalint: ignore-file[SCL030] -- sessions are sticky here\n"
                     "x = 1\n";
  assert_int_equal(parse_str(&d, &a, text, SUPPRESS_LEADER_HASH), 1);
  assert_true(d[0].is_file_level);
  assert_false(d[0].is_all);
  assert_null(d[0].problem);
  assert_string_equal(d[0].names[0], "SCL030");

  char late[512] = "";
  for (int i = 0; i < 11; i++)
    append(late, sizeof(late), "x = 1\n");
  append(late, sizeof(late), "# scalint: ignore-file\n");
  assert_int_equal(parse_str(&d, &a, late, SUPPRESS_LEADER_HASH), 1);
  assert_true(d[0].is_file_level && d[0].is_all);
  assert_int_equal(d[0].line, 12);
  assert_non_null(d[0].problem); /* past the first 10 lines */
  scl_arena_dispose(&a);
}

static void test_suppress__parse_not_in_string(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;
  assert_int_equal(parse_str(&d, &a, "s = \"# scalint: ignore[SCL001]\"\n", SUPPRESS_LEADER_HASH),
                   0);
  assert_int_equal(parse_str(&d, &a, "s = 'x // scalint: ignore'\n", SUPPRESS_LEADER_SLASH), 0);
  /* no leader right before it */
  assert_int_equal(parse_str(&d, &a, "# note: scalint: ignore[SCL001]\n", SUPPRESS_LEADER_HASH),
                   0);
  assert_int_equal(parse_str(&d, &a, "log('scalint: ignore')\n", SUPPRESS_LEADER_ALL), 0);
  /* an apostrophe in an earlier comment does not open a string */
  assert_int_equal(parse_str(&d, &a, "f()  # it's ok  # scalint: ignore[SCL001]\n",
                             SUPPRESS_LEADER_HASH), 1);
  /* a quote before the comment that is closed */
  assert_int_equal(parse_str(&d, &a, "f(\"a\")  # scalint: ignore\n", SUPPRESS_LEADER_HASH), 1);
  scl_arena_dispose(&a);
}

static void test_suppress__leaders_by_extension(void **state)
{
  (void)state;
  assert_int_equal(scl_suppress__leaders_for_path("a/b.py"), SUPPRESS_LEADER_HASH);
  assert_int_equal(scl_suppress__leaders_for_path("x.TSX"),
                   SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK);
  assert_int_equal(scl_suppress__leaders_for_path("q.sql"),
                   SUPPRESS_LEADER_DASH | SUPPRESS_LEADER_BLOCK);
  assert_int_equal(scl_suppress__leaders_for_path("bin/run"), SUPPRESS_LEADER_ALL);
  assert_int_equal(scl_suppress__leaders_for_path("dir.d/run"), SUPPRESS_LEADER_ALL);
}

/* ==== matching ========================================================== */

static void test_suppress__match_same_line_and_above(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;
  const char *text = "# scalint: ignore[SCL001] -- bounded\n"   /* 1: covers 2 */
                     "a = f()\n"                                /* 2 */
                     "b = g()  # scalint: ignore[SCL003]\n"     /* 3: covers 3 only */
                     "c = h()\n"                                /* 4 */
                     "d = k()  # scalint: ignore[query-in-loop]\n"; /* 5 */
  size_t n = parse_str(&d, &a, text, SUPPRESS_LEADER_HASH);
  assert_int_equal(n, 3);
  scl_finding fs[] = {
    mk_finding("SCL001", "hard-result-cap", "x.py", 2, "a = f()", "1"),
    mk_finding("SCL003", "query-in-loop", "x.py", 2, "a = f()", "2"), /* other rule */
    mk_finding("SCL003", "query-in-loop", "x.py", 3, "b = g()", "3"),
    mk_finding("SCL003", "query-in-loop", "x.py", 4, "c = h()", "4"), /* trailing above */
    mk_finding("SCL003", "query-in-loop", "x.py", 5, "d = k()", "5"), /* by slug */
  };
  scl_suppress__match(fs, 5, d, n, &a);
  assert_int_equal(fs[0].suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_string_equal(fs[0].justification, "bounded");
  assert_int_equal(fs[1].suppression, SCL_SUPPRESS_NONE);
  assert_int_equal(fs[2].suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_null(fs[2].justification);
  assert_int_equal(fs[3].suppression, SCL_SUPPRESS_NONE);
  assert_int_equal(fs[4].suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_true(d[0].is_used[0] && d[1].is_used[0] && d[2].is_used[0]);
  scl_arena_dispose(&a);
}

static void test_suppress__match_file_level_and_bare(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_supp_directive *d;
  const char *text = "// scalint: ignore-file[SCL030, SCL031]\n"
                     "x;\n"
                     "y;  // scalint: ignore\n";
  size_t n = parse_str(&d, &a, text, SUPPRESS_LEADER_SLASH | SUPPRESS_LEADER_BLOCK);
  scl_finding fs[] = {
    mk_finding("SCL030", "in-memory-session-store", "x.ts", 2, "x;", "1"),
    mk_finding("SCL001", "hard-result-cap", "x.ts", 2, "x;", "2"),
    mk_finding("SCL001", "hard-result-cap", "x.ts", 3, "y;", "3"),
    mk_finding("SCL000", "unused-suppression", "x.ts", 3, "y;", "4"),
  };
  scl_suppress__match(fs, 4, d, n, &a);
  assert_int_equal(fs[0].suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_int_equal(fs[1].suppression, SCL_SUPPRESS_NONE);
  assert_int_equal(fs[2].suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_int_equal(fs[3].suppression, SCL_SUPPRESS_NONE); /* bare never hides SCL000 */
  assert_true(d[0].is_used[0]);
  assert_false(d[0].is_used[1]);
  scl_arena_dispose(&a);
}

/* ==== through a real scan =============================================== */

static const char *const sel_001_003[] = { RULE_SCL001, RULE_SCL003 };

#define SERVICE_PY                                                                 \
  "from motor.motor_asyncio import AsyncIOMotorDatabase\n"                         \
  "\n"                                                                             \
  "\n"                                                                             \
  "async def export(db: AsyncIOMotorDatabase):\n"                                  \
  "    # scalint: ignore[SCL001] -- admin export, bounded by design\n"             \
  "    rows = await db.orders.find({}).to_list(1000)\n"                            \
  "    more = await db.users.find({}).to_list(2000)  # scalint: ignore[SCL003]\n"  \
  "    last = await db.jobs.find({}).to_list(3000)  # scalint: ignore[SCL999]\n"   \
  "    return rows, more, last\n"

static void test_suppress__scan_inline_and_unused(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof(cwd)));
  assert_int_equal(chdir(dir), 0);
  write_file("service.py", SERVICE_PY);
  write_file("clean.py", "def f():\n    return 1  # scalint: ignore[SCL003]\n");

  scl_result *res = scan_cwd(sel_001_003, 2);
  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  const char *scanned[] = { "clean.py", "service.py" };
  scl_diag d;
  scl_diag_clear(&d);
  assert_int_equal(scl_suppress_apply(res, &arena, &o, scanned, 2, &d), SCL_OK);

  const scl_finding *f6 = find_line(res, "SCL001", 6);
  assert_non_null(f6);
  assert_int_equal(f6->suppression, SCL_SUPPRESS_IN_SOURCE);
  assert_string_equal(f6->justification, "admin export, bounded by design");
  assert_non_null(f6->message); /* keeps its data */
  assert_int_equal(find_line(res, "SCL001", 7)->suppression, SCL_SUPPRESS_NONE);
  assert_int_equal(find_line(res, "SCL001", 8)->suppression, SCL_SUPPRESS_NONE);

  /* SCL003 ran and was suppressed nowhere: two unused; SCL999 did not run */
  assert_int_equal(count_rule(res, "SCL000", false), 2);
  const scl_finding *u = find_line(res, "SCL000", 7);
  assert_non_null(u);
  assert_string_equal(u->path, "service.py");
  assert_string_equal(u->message, "`scalint: ignore[SCL003]` suppresses nothing here; remove it");
  assert_int_equal(u->level, SCL_LEVEL_WARNING);
  assert_non_null(u->fingerprint);
  assert_non_null(find_line(res, "SCL000", 2)); /* in clean.py, which has no findings */
  assert_null(find_line(res, "SCL000", 8));
  assert_string_equal(res->rules[0].id, "SCL000");
  assert_non_null(strstr(res->rules[0].doc, "## Why it hurts at 10K users"));
  for (size_t i = 1; i < res->finding_count; i++)
    assert_true(scl_suppress__cmp_finding(&res->findings[i - 1], &res->findings[i]) <= 0);

  /* applying again adds nothing */
  size_t before = res->finding_count, rules = res->rule_count;
  assert_int_equal(scl_suppress_apply(res, &arena, &o, scanned, 2, &d), SCL_OK);
  assert_int_equal(res->finding_count, before);
  assert_int_equal(res->rule_count, rules);

  scl_result_free(res);
  scl_arena_dispose(&arena);
  assert_int_equal(chdir(cwd), 0);
  remove_tree(dir);
  free(dir);
}

static void test_suppress__scan_unused_opt_out(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof(cwd)));
  assert_int_equal(chdir(dir), 0);
  write_file("service.py", SERVICE_PY);
  scl_run_opts ro;
  scl_run_opts_init(&ro);
  ro.no_unused_suppressions = true;
  scl_suppress_opts o;
  scl_suppress_opts_from_run(&o, &ro);
  assert_true(o.no_unused_suppressions);

  scl_result *res = scan_opts(sel_001_003, 2, true);
  scl_arena arena;
  scl_arena_init(&arena);
  const char *scanned[] = { "service.py" };
  assert_int_equal(scl_suppress_apply(res, &arena, &o, scanned, 1, NULL), SCL_OK);
  assert_int_equal(find_line(res, "SCL001", 6)->suppression, SCL_SUPPRESS_IN_SOURCE);
  for (size_t i = 0; i < res->rule_count; i++)
    assert_string_not_equal(res->rules[i].id, "SCL000");
  scl_result_free(res);
  scl_arena_dispose(&arena);
  assert_int_equal(chdir(cwd), 0);
  remove_tree(dir);
  free(dir);
}

/* ==== baseline ========================================================== */

static void test_suppress__baseline_round_trip(void **state)
{
  (void)state;
  scl_finding fs[] = {
    mk_finding("SCL001", "hard-result-cap", "./app.py", 10, "  x = a.to_list(1000)", "aa"),
    mk_finding("SCL020", "default-pool-size", "app.py", 3, "c = Client(url)", "bb"),
    mk_finding("SCL001", "hard-result-cap", "lib/b.py", 5, "y = b.to_list(10)", "cc"),
  };
  scl_result *old = mk_result(fs, 3);
  char path[] = "/tmp/scl-baseline-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_int_equal(scl_baseline_write(f, old, NULL), SCL_OK);
  fclose(f);

  /* written sorted by path, then rule */
  char buf[4096];
  f = fopen(path, "r");
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  buf[n] = '\0';
  fclose(f);
  assert_non_null(strstr(buf, "\"version\": 1"));
  assert_non_null(strstr(buf, "\"tool\": \"scalint\""));
  char *p1 = strstr(buf, "\"aa\""), *p2 = strstr(buf, "\"bb\""), *p3 = strstr(buf, "\"cc\"");
  assert_true(p1 && p2 && p3 && p1 < p2 && p2 < p3);
  assert_null(strstr(buf, "./app.py"));

  /* the same findings, moved, plus a new one */
  scl_finding now[] = {
    mk_finding("SCL001", "hard-result-cap", "app.py", 30, "x = a.to_list(1000)", "aa"),
    mk_finding("SCL020", "default-pool-size", "app.py", 23, "c = Client(url)", "bb"),
    mk_finding("SCL001", "hard-result-cap", "app.py", 40, "z = a.to_list(5000)", "dd"),
    mk_finding("SCL001", "hard-result-cap", "lib/b.py", 5, "y = b.to_list(10)", "cc"),
  };
  scl_result *res = mk_result(now, 4);
  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.baseline_path = path;
  o.no_unused_suppressions = true;
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, NULL), SCL_OK);
  assert_true(res->has_baseline);
  size_t fresh = 0;
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *g = &res->findings[i];
    if (g->baseline_state == SCL_BASELINE_NEW) {
      fresh++;
      assert_string_equal(g->fingerprint, "dd");
      assert_int_equal(g->suppression, SCL_SUPPRESS_NONE);
    } else {
      assert_int_equal(g->baseline_state, SCL_BASELINE_UNCHANGED);
      assert_int_equal(g->suppression, SCL_SUPPRESS_EXTERNAL);
      assert_string_equal(g->justification, "in the baseline");
    }
  }
  assert_int_equal(fresh, 1);
  free_result(res);
  free_result(old);
  scl_arena_dispose(&arena);
  unlink(path);
}

/* Fingerprints that changed (another scalint version, an engine fix) still
 * match through the line hash, one baseline entry per finding: two identical
 * old lines plus a third identical new one give two unchanged and one new. */
static void test_suppress__baseline_line_hash_counts(void **state)
{
  (void)state;
  scl_finding fs[] = {
    mk_finding("SCL001", "hard-result-cap", "a.py", 10, "r = c.to_list(100)", "v1-a"),
    mk_finding("SCL001", "hard-result-cap", "a.py", 20, "r = c.to_list(100)", "v1-b"),
  };
  scl_result *old = mk_result(fs, 2);
  char path[] = "/tmp/scl-baseline-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  assert_int_equal(scl_baseline_write(f, old, NULL), SCL_OK);
  fclose(f);

  scl_finding now[] = {
    mk_finding("SCL001", "hard-result-cap", "a.py", 3, "    r =  c.to_list(100)", "v2-0"),
    mk_finding("SCL001", "hard-result-cap", "a.py", 12, "r = c.to_list(100)", "v2-1"),
    mk_finding("SCL001", "hard-result-cap", "a.py", 22, "r = c.to_list(100)", "v2-2"),
    mk_finding("SCL001", "hard-result-cap", "a.py", 30, "r = c.to_list(200)", "v2-3"),
  };
  scl_result *res = mk_result(now, 4);
  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.baseline_path = path;
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, NULL), SCL_OK);
  size_t unchanged = 0;
  for (size_t i = 0; i < 3; i++)
    unchanged += res->findings[i].baseline_state == SCL_BASELINE_UNCHANGED;
  assert_int_equal(unchanged, 2);
  assert_int_equal(res->findings[3].baseline_state, SCL_BASELINE_NEW);
  free_result(res);
  free_result(old);
  scl_arena_dispose(&arena);
  unlink(path);
}

static void test_suppress__baseline_malformed(void **state)
{
  (void)state;
  char path[] = "/tmp/scl-baseline-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fdopen(fd, "w");
  fputs("{\"version\": 1,\n \"findings\": [\n  {\"rule_id\": }\n]}\n", f);
  fclose(f);
  scl_result *res = mk_result(NULL, 0);
  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.baseline_path = path;
  scl_diag d;
  scl_diag_clear(&d);
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_string_equal(d.path, path);
  assert_int_equal(d.line, 3);
  assert_true(d.col > 0);

  f = fopen(path, "w");
  fputs("{\"version\": 1, \"findings\": [{\"rule_id\": \"SCL001\", \"path\": \"a\"}]}", f);
  fclose(f);
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_non_null(strstr(d.msg, "findings[0]"));

  f = fopen(path, "w");
  fputs("{\"version\": 2, \"findings\": []}", f);
  fclose(f);
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_non_null(strstr(d.msg, "version"));

  o.baseline_path = "/nonexistent/baseline.json";
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_string_equal(d.path, "/nonexistent/baseline.json");
  free_result(res);
  scl_arena_dispose(&arena);
  unlink(path);
}

#define MOVED_PY_HEAD                                                         \
  "from motor.motor_asyncio import AsyncIOMotorDatabase\n"                    \
  "\n"                                                                        \
  "\n"

#define MOVED_PY_BODY                                                         \
  "async def export(db: AsyncIOMotorDatabase):\n"                             \
  "    rows = await db.orders.find({}).to_list(1000)\n"                       \
  "    return rows\n"

/* The engine's fingerprints survive 20 lines inserted above and the rename of
 * an unrelated function, and the baseline matches them. */
static void test_suppress__fingerprint_survives_moves(void **state)
{
  (void)state;
  static const char *const sel[] = { RULE_SCL001 };
  char *dir = make_tmpdir();
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof(cwd)));
  assert_int_equal(chdir(dir), 0);
  write_file("svc.py", MOVED_PY_HEAD "def helper():\n    return 1\n\n\n" MOVED_PY_BODY);
  scl_result *before = scan_cwd(sel, 1);
  assert_int_equal(count_rule(before, "SCL001", false), 1);
  char fp[64];
  snprintf(fp, sizeof(fp), "%s", before->findings[0].fingerprint);
  uint32_t line_before = before->findings[0].span.start_line;
  FILE *f = fopen("base.json", "w");
  assert_int_equal(scl_baseline_write(f, before, NULL), SCL_OK);
  fclose(f);
  scl_result_free(before);

  char text[4096] = MOVED_PY_HEAD;
  for (int i = 0; i < 20; i++)
    append(text, sizeof(text), "# padding line, unrelated\n");
  append(text, sizeof(text), "def renamed_helper():\n    return 1\n\n\n" MOVED_PY_BODY);
  write_file("svc.py", text);
  scl_result *after = scan_cwd(sel, 1);
  assert_int_equal(count_rule(after, "SCL001", false), 1);
  assert_int_equal(after->findings[0].span.start_line, line_before + 20);
  assert_string_equal(after->findings[0].fingerprint, fp);

  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.baseline_path = "base.json";
  assert_int_equal(scl_suppress_apply(after, &arena, &o, NULL, 0, NULL), SCL_OK);
  assert_int_equal(find_line(after, "SCL001", line_before + 20)->baseline_state,
                   SCL_BASELINE_UNCHANGED);
  scl_result_free(after);

  /* an identical finding added above: exactly one of the two is new */
  char dup[4096] = MOVED_PY_HEAD;
  append(dup, sizeof(dup), "async def copy(db: AsyncIOMotorDatabase):\n"
                           "    rows = await db.orders.find({}).to_list(1000)\n\n\n");
  append(dup, sizeof(dup), text + strlen(MOVED_PY_HEAD));
  write_file("svc.py", dup);
  after = scan_cwd(sel, 1);
  assert_int_equal(count_rule(after, "SCL001", false), 2);
  assert_int_equal(scl_suppress_apply(after, &arena, &o, NULL, 0, NULL), SCL_OK);
  size_t fresh = 0;
  for (size_t i = 0; i < after->finding_count; i++)
    fresh += after->findings[i].baseline_state == SCL_BASELINE_NEW;
  assert_int_equal(fresh, 1);
  scl_result_free(after);
  scl_arena_dispose(&arena);
  assert_int_equal(chdir(cwd), 0);
  remove_tree(dir);
  free(dir);
}

/* ==== changed lines ===================================================== */

static const char DIFF_TEXT[] =
  "diff --git a/app.py b/app.py\n"
  "index 1111111..2222222 100644\n"
  "--- a/app.py\n"
  "+++ b/app.py\n"
  "@@ -3,0 +4,2 @@ def f():\n"
  "+++ added line that looks like a header\n"
  "+x = 2\n"
  "@@ -10 +12 @@\n"
  "-old\n"
  "+new\n"
  "@@ -20,3 +21,0 @@\n"
  "-gone 1\n"
  "-gone 2\n"
  "-gone 3\n"
  "@@ -30 +28,2 @@\n"
  "-a\n"
  "\\ No newline at end of file\n"
  "+b\n"
  "+c\n"
  "diff --git a/old name.py b/new name.py\n"
  "similarity index 90%\n"
  "rename from old name.py\n"
  "rename to new name.py\n"
  "--- a/old name.py\n"
  "+++ b/new name.py\n"
  "@@ -5 +5 @@\n"
  "-p\n"
  "+q\n"
  "diff --git a/moved.py b/pkg/moved.py\n"
  "similarity index 100%\n"
  "rename from moved.py\n"
  "rename to pkg/moved.py\n"
  "diff --git a/dead.py b/dead.py\n"
  "deleted file mode 100644\n"
  "--- a/dead.py\n"
  "+++ /dev/null\n"
  "@@ -1,2 +0,0 @@\n"
  "-x\n"
  "-y\n"
  "diff --git \"a/t\\tab.py\" \"b/t\\tab.py\"\n"
  "--- \"a/t\\tab.py\"\n"
  "+++ \"b/t\\tab.py\"\n"
  "@@ -1 +1 @@\n"
  "-1\n"
  "+2\n";

static void test_suppress__diff_hunks(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  scl_changes ch;
  static const char untracked[] = "new.py\0sub/other.ts\0";
  scl_suppress__parse_diff(&ch, &a, DIFF_TEXT, sizeof(DIFF_TEXT) - 1, untracked,
                           sizeof(untracked) - 1);
  /* app.py: 4-5 (added), 12 (`+c` without `,d`), none for the deletion, 28-29 */
  assert_false(scl_suppress__is_changed(&ch, "app.py", 3));
  assert_true(scl_suppress__is_changed(&ch, "app.py", 4));
  assert_true(scl_suppress__is_changed(&ch, "app.py", 5));
  assert_false(scl_suppress__is_changed(&ch, "app.py", 6));
  assert_true(scl_suppress__is_changed(&ch, "app.py", 12));
  assert_false(scl_suppress__is_changed(&ch, "app.py", 13));
  assert_false(scl_suppress__is_changed(&ch, "app.py", 21));
  assert_true(scl_suppress__is_changed(&ch, "app.py", 28));
  assert_true(scl_suppress__is_changed(&ch, "app.py", 29));
  assert_false(scl_suppress__is_changed(&ch, "app.py", 30));
  /* the "+++ added line" inside a hunk is not a file header */
  assert_false(scl_suppress__is_changed(&ch, "added line that looks like a header", 1));
  /* renamed with an edit: the new name, only the edited line */
  assert_true(scl_suppress__is_changed(&ch, "new name.py", 5));
  assert_false(scl_suppress__is_changed(&ch, "new name.py", 4));
  assert_false(scl_suppress__is_changed(&ch, "old name.py", 5));
  /* a pure rename changes no line */
  assert_false(scl_suppress__is_changed(&ch, "pkg/moved.py", 1));
  assert_false(scl_suppress__is_changed(&ch, "dead.py", 1));
  assert_true(scl_suppress__is_changed(&ch, "t\tab.py", 1));
  /* untracked files are wholly changed */
  assert_true(scl_suppress__is_changed(&ch, "new.py", 1));
  assert_true(scl_suppress__is_changed(&ch, "sub/other.ts", 999));
  assert_false(scl_suppress__is_changed(&ch, "sub", 1));
  scl_arena_dispose(&a);
}

static void test_suppress__norm_path(void **state)
{
  (void)state;
  scl_arena a;
  scl_arena_init(&a);
  assert_string_equal(scl_suppress__norm_path(&a, "./a//b/./c.py", NULL), "a/b/c.py");
  assert_string_equal(scl_suppress__norm_path(&a, "a/../b.py", NULL), "b.py");
  assert_string_equal(scl_suppress__norm_path(&a, "../x/../../y", NULL), "../../y");
  assert_string_equal(scl_suppress__norm_path(&a, "/r/p/q.py", "/r"), "p/q.py");
  assert_string_equal(scl_suppress__norm_path(&a, "/rx/q.py", "/r"), "/rx/q.py");
  assert_string_equal(scl_suppress__norm_path(&a, "/../a/./b", NULL), "/a/b");
  assert_string_equal(scl_suppress__norm_path(&a, ".", NULL), "");
  scl_arena_dispose(&a);
}

static void test_suppress__only_files(void **state)
{
  (void)state;
  scl_finding fs[] = {
    mk_finding("SCL001", "hard-result-cap", "a.py", 1, "x", "1"),
    mk_finding("SCL001", "hard-result-cap", "b/c.py", 1, "x", "2"),
    mk_finding("SCL001", "hard-result-cap", "d.py", 1, "x", "3"),
  };
  scl_result *res = mk_result(fs, 3);
  scl_arena arena;
  scl_arena_init(&arena);
  const char *only[] = { "./b//c.py", "a.py" };
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.only_files = only;
  o.only_file_count = 2;
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, NULL), SCL_OK);
  assert_int_equal(res->finding_count, 2);
  assert_string_equal(res->findings[0].path, "a.py");
  assert_string_equal(res->findings[1].path, "b/c.py");
  o.only_file_count = 0; /* an empty list keeps nothing */
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, NULL), SCL_OK);
  assert_int_equal(res->finding_count, 0);
  free_result(res);
  scl_arena_dispose(&arena);
}

static bool have_git(void)
{
  const char *argv[] = { "git", "--version", NULL };
  return run_in("/", argv) == 0;
}

/* A real repository: scanning from a subdirectory, a new antipattern in a
 * committed file, an untracked file, a bad ref, and no repository. */
static void test_suppress__diff_in_git_repo(void **state)
{
  (void)state;
  static const char *const sel[] = { RULE_SCL001 };
  if (!have_git())
    skip();
  char *dir = make_tmpdir();
  char cwd[4096], sub[4200];
  assert_non_null(getcwd(cwd, sizeof(cwd)));
  snprintf(sub, sizeof(sub), "%s/svc", dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  const char *init[] = { "git", "init", "-q", NULL };
  assert_int_equal(run_in(dir, init), 0);
  assert_int_equal(chdir(sub), 0);
  write_file("app.py", MOVED_PY_HEAD MOVED_PY_BODY);
  git(dir, "add", "-A", NULL);
  git(dir, "commit", "-qm", "one");

  write_file("app.py", MOVED_PY_HEAD "# a new comment\n" MOVED_PY_BODY
                       "\n\nasync def more(db: AsyncIOMotorDatabase):\n"
                       "    return await db.users.find({}).to_list(5000)\n");
  write_file("extra.py", MOVED_PY_HEAD MOVED_PY_BODY);
  scl_result *res = scan_cwd(sel, 1);
  assert_int_equal(count_rule(res, "SCL001", false), 3);
  scl_arena arena;
  scl_arena_init(&arena);
  scl_suppress_opts o;
  memset(&o, 0, sizeof(o));
  o.diff_base = "HEAD";
  o.no_unused_suppressions = true;
  scl_diag d;
  scl_diag_clear(&d);
  scl_status st = scl_suppress_apply(res, &arena, &o, NULL, 0, &d);
  if (st != SCL_OK)
    fail_msg("apply: %s", d.msg);
  assert_int_equal(res->finding_count, 2);
  assert_string_equal(res->findings[0].path, "app.py");
  assert_int_equal(res->findings[0].span.start_line, 11);
  assert_string_equal(res->findings[1].path, "extra.py");
  scl_result_free(res);

  res = scan_cwd(sel, 1);
  o.diff_base = "no-such-ref";
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_non_null(strstr(d.msg, "git diff: "));
  assert_non_null(strstr(d.msg, "no-such-ref"));
  o.diff_base = "--output=/tmp/x";
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_non_null(strstr(d.msg, "not a git ref"));
  scl_result_free(res);

  char *plain = make_tmpdir();
  assert_int_equal(chdir(plain), 0);
  write_file("app.py", MOVED_PY_HEAD MOVED_PY_BODY);
  res = scan_cwd(sel, 1);
  o.diff_base = "HEAD";
  assert_int_equal(scl_suppress_apply(res, &arena, &o, NULL, 0, &d), SCL_EINVAL);
  assert_non_null(strstr(d.msg, "git rev-parse: "));
  scl_result_free(res);

  scl_arena_dispose(&arena);
  assert_int_equal(chdir(cwd), 0);
  remove_tree(dir);
  remove_tree(plain);
  free(dir);
  free(plain);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_suppress__parse_each_syntax),
    cmocka_unit_test(test_suppress__parse_names_reason_bare),
    cmocka_unit_test(test_suppress__parse_file_level),
    cmocka_unit_test(test_suppress__parse_not_in_string),
    cmocka_unit_test(test_suppress__leaders_by_extension),
    cmocka_unit_test(test_suppress__match_same_line_and_above),
    cmocka_unit_test(test_suppress__match_file_level_and_bare),
    cmocka_unit_test(test_suppress__scan_inline_and_unused),
    cmocka_unit_test(test_suppress__scan_unused_opt_out),
    cmocka_unit_test(test_suppress__baseline_round_trip),
    cmocka_unit_test(test_suppress__baseline_line_hash_counts),
    cmocka_unit_test(test_suppress__baseline_malformed),
    cmocka_unit_test(test_suppress__fingerprint_survives_moves),
    cmocka_unit_test(test_suppress__diff_hunks),
    cmocka_unit_test(test_suppress__norm_path),
    cmocka_unit_test(test_suppress__only_files),
    cmocka_unit_test(test_suppress__diff_in_git_repo),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
