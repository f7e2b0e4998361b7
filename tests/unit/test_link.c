/*
 * test_link.c - unit tests for the link stage (src/link/): "through a call"
 * findings across files, through the public scl_run() API.
 *
 * Each case writes a small project and a one-rule file into a fresh
 * temporary directory, scans it from there (so paths are relative, like
 * "src/jobs.py") and checks each finding's place and related locations.
 * The rule reports a job-listing call (Python `x.get_jobs()`, JS
 * `x.getJobs()`, C `scan_all()`) when it runs in a loop or a request
 * handler, through calls.
 */
#define _XOPEN_SOURCE 700 /* nftw() for removing the temporary trees */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scalint/scalint.h"

/* ---- the project on disk ---- */

static const char rule_yaml[] =
  "id: TLINK1\n"
  "slug: job-scan\n"
  "level: error\n"
  "languages: [py, js, ts, c]\n"
  "title: \"Job scan per item\"\n"
  "message: \"{{call}} scans every job\"\n"
  "why: \"n x m\"\n"
  "instead: \"keyed lookups\"\n"
  "match:\n"
  "  py:\n"
  "    pattern: \"(call function: (attribute attribute: (identifier) @method)) @call\"\n"
  "    where:\n"
  "      - regex: { capture: method, pcre2: '^get_jobs$' }\n"
  "      - &per_item\n"
  "        any:\n"
  "          - fact: { name: in-loop, through-calls: true }\n"
  "          - fact: { name: in-handler, through-calls: true }\n"
  "  js: &js\n"
  "    pattern: \"(call_expression function: (member_expression property: "
  "(property_identifier) @method)) @call\"\n"
  "    where:\n"
  "      - regex: { capture: method, pcre2: '^getJobs$' }\n"
  "      - *per_item\n"
  "  ts: *js\n"
  "  c:\n"
  "    pattern: \"(CallExpr callee: (DeclRefExpr) @method) @call\"\n"
  "    where:\n"
  "      - regex: { capture: method, pcre2: '^scan_all$' }\n"
  "      - fact: { name: in-loop, through-calls: true }\n"
  "doc: |\n"
  "  ## What it catches\n  x\n  ## Why it hurts at 10K users\n  x\n  ## Instead\n  x\n"
  "  ## Known false positives\n  x\n  ## Parameters\n  None.\n";

typedef struct project {
  char root[64];
  char *old_cwd;
  scl_result *res;
} project;

static void make_parents(const char *path)
{
  char buf[512];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0755) != 0)
        assert_int_equal(errno, EEXIST);
      *p = '/';
    }
  }
}

static void write_file(const char *path, const char *text)
{
  make_parents(path);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

/* Makes /tmp/scl-link-XXXXXX with the rule file and enters it. */
static int project_setup(void **state)
{
  project *p = calloc(1, sizeof(*p));
  assert_non_null(p);
  snprintf(p->root, sizeof(p->root), "/tmp/scl-link-XXXXXX");
  assert_non_null(mkdtemp(p->root));
  p->old_cwd = getcwd(NULL, 0);
  assert_non_null(p->old_cwd);
  assert_int_equal(chdir(p->root), 0);
  assert_int_equal(mkdir(".git", 0755), 0);
  write_file("rules/TLINK1-job-scan.yaml", rule_yaml);
  *state = p;
  return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if (flag == FTW_DP || flag == FTW_D)
    return rmdir(path) == 0 ? 0 : -1;
  return unlink(path) == 0 ? 0 : -1;
}

static int project_teardown(void **state)
{
  project *p = *state;
  scl_result_free(p->res);
  assert_int_equal(chdir(p->old_cwd), 0);
  free(p->old_cwd);
  assert_int_equal(nftw(p->root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
  free(p);
  return 0;
}

/* Scans src/ with the test rule and jobs worker threads. Caller frees. */
static scl_result *scan_jobs(unsigned jobs)
{
  const char *rule_dirs[] = { "rules/TLINK1-job-scan.yaml" };
  const char *paths[] = { "src" };
  scl_run_opts o;
  scl_result *res = NULL;
  scl_diag diag;
  scl_run_opts_init(&o);
  scl_diag_clear(&diag);
  o.no_builtin = true;
  o.rule_dirs = rule_dirs;
  o.rule_dir_count = 1;
  o.paths = paths;
  o.path_count = 1;
  o.no_gitignore = true;
  o.jobs = jobs;
  if (scl_run(&res, &o, NULL, NULL, &diag) != SCL_OK)
    fail_msg("scan failed: %s", diag.msg);
  return res;
}

static const scl_result *scan(project *p)
{
  scl_result_free(p->res);
  p->res = scan_jobs(1);
  return p->res;
}

/* The finding at path:line, failing the test if there is none. */
static const scl_finding *finding_at(const scl_result *res, const char *path, uint32_t line)
{
  for (size_t i = 0; i < res->finding_count; i++)
    if (!strcmp(res->findings[i].path, path) && res->findings[i].span.start_line == line)
      return &res->findings[i];
  for (size_t i = 0; i < res->finding_count; i++)
    print_message("  have %s:%u\n", res->findings[i].path,
                  (unsigned)res->findings[i].span.start_line);
  fail_msg("no finding at %s:%u", path, (unsigned)line);
  return NULL;
}

/* Checks f's related locations: count pairs of (path, line), in order. */
static void expect_related(const scl_finding *f, size_t count, ...)
{
  va_list ap;
  bool is_same = f->related_count == count;
  va_start(ap, count);
  for (size_t i = 0; i < count && is_same; i++) {
    const char *path = va_arg(ap, const char *);
    unsigned line = va_arg(ap, unsigned);
    is_same = !strcmp(f->related[i].path, path) && f->related[i].span.start_line == line;
  }
  va_end(ap);
  if (is_same)
    return;
  for (size_t i = 0; i < f->related_count; i++)
    print_message("  related %s:%u %s\n", f->related[i].path,
                  (unsigned)f->related[i].span.start_line, f->related[i].message);
  fail_msg("related locations differ (%zu, expected %zu)", f->related_count, count);
}

static const char py_jobs[] =
  "from apscheduler.schedulers.background import BackgroundScheduler\n"
  "\n"
  "scheduler = BackgroundScheduler()\n"
  "\n"
  "def schedule_for_user(user):\n"
  "    for job in scheduler.get_jobs():\n"          /* line 6 */
  "        if job.id == user.id:\n"
  "            job.remove()\n";

/* ---- Python ---- */

static void test_link__py_from_import(void **state)
{
  project *p = *state;
  write_file("src/jobs.py", py_jobs);
  write_file("src/scheduler.py", "from jobs import schedule_for_user as sched\n"
                                 "\n"
                                 "def run(users):\n"
                                 "    for u in users:\n"   /* 4 */
                                 "        sched(u)\n"      /* 5 */
                                 "\n"
                                 "def once(u):\n"
                                 "    sched(u)\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  const scl_finding *f = finding_at(res, "src/jobs.py", 6);
  assert_int_equal(f->span.start_col, 16);
  assert_string_equal(f->rule_id, "TLINK1");
  expect_related(f, 2, "src/scheduler.py", 4u, "src/scheduler.py", 5u);
  assert_non_null(strstr(f->related[0].message, "loop"));
  assert_non_null(strstr(f->related[1].message, "calls it"));
}

static void test_link__py_import_module_and_relative(void **state)
{
  project *p = *state;
  write_file("src/app/__init__.py", "");
  write_file("src/app/jobs.py", py_jobs);
  write_file("src/app/sync.py", "from .jobs import schedule_for_user\n"
                                "\n"
                                "def sync(users):\n"
                                "    return [schedule_for_user(u) for u in users]\n");  /* 4 */
  write_file("src/main.py", "import app.jobs as j\n"
                            "import app.jobs\n"
                            "\n"
                            "def main(users):\n"
                            "    while users:\n"                         /* 5 */
                            "        j.schedule_for_user(users.pop())\n");  /* 6 */
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  /* the shortest chains tie; the first call site in path order wins */
  expect_related(finding_at(res, "src/app/jobs.py", 6), 2, "src/app/sync.py", 4u,
                 "src/app/sync.py", 4u);

  write_file("src/app/sync.py", "\n");
  write_file("src/main.py", "import app.jobs\n"
                            "\n"
                            "def main(users):\n"
                            "    for u in users:\n"                      /* 4 */
                            "        app.jobs.schedule_for_user(u)\n");  /* 5 */
  res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/app/jobs.py", 6), 2, "src/main.py", 4u, "src/main.py", 5u);
}

static void test_link__py_handler_calls_helper(void **state)
{
  project *p = *state;
  write_file("src/helpers.py", "def pending(queue):\n"
                               "    return [j for j in queue.get_jobs() if j.pending]\n");
  write_file("src/api.py", "from fastapi import FastAPI\n"
                           "import helpers\n"
                           "\n"
                           "app = FastAPI()\n"
                           "\n"
                           "@app.get(\"/jobs\")\n"
                           "def list_jobs(q):\n"                    /* 7 */
                           "    return helpers.pending(q)\n");      /* 8 */
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  const scl_finding *f = finding_at(res, "src/helpers.py", 2);
  expect_related(f, 2, "src/api.py", 7u, "src/api.py", 8u);
  assert_non_null(strstr(f->related[0].message, "request"));
}

static void test_link__py_same_name_not_imported(void **state)
{
  project *p = *state;
  write_file("src/jobs.py", py_jobs);
  write_file("src/other.py", "def schedule_for_user(user):\n"
                             "    return user\n");
  write_file("src/a.py", "from other import schedule_for_user\n"
                         "\n"
                         "def run(users):\n"
                         "    for u in users:\n"
                         "        schedule_for_user(u)\n");
  write_file("src/b.py", "def run(users):\n"
                         "    for u in users:\n"
                         "        schedule_for_user(u)\n");  /* no import: not jobs.py's */
  write_file("src/c.py", "import other\n"
                         "\n"
                         "def run(users):\n"
                         "    for u in users:\n"
                         "        other.schedule_for_user(u)\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 0);
}

static void test_link__py_recursion_across_files_terminates(void **state)
{
  project *p = *state;
  write_file("src/a.py", "import b\n"
                         "\n"
                         "def ping(s, n):\n"
                         "    s.get_jobs()\n"      /* 4 */
                         "    b.pong(s, n - 1)\n");
  write_file("src/b.py", "import a\n"
                         "\n"
                         "def pong(s, n):\n"
                         "    a.ping(s, n)\n");    /* 4 */
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 0);

  write_file("src/c.py", "from b import pong\n"
                         "\n"
                         "def run(s, users):\n"
                         "    for u in users:\n"   /* 4 */
                         "        pong(s, u)\n");  /* 5 */
  res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/a.py", 4), 3, "src/c.py", 4u, "src/c.py", 5u, "src/b.py",
                 4u);
}

static void test_link__py_chain_of_three_files(void **state)
{
  project *p = *state;
  write_file("src/leaf.py", "def count(s):\n"
                            "    return len(s.get_jobs())\n");  /* 2 */
  write_file("src/mid.py", "from leaf import count\n"
                           "\n"
                           "def report(s, u):\n"
                           "    helper(s)\n"                    /* 4 */
                           "\n"
                           "def helper(s):\n"
                           "    print(count(s))\n");            /* 7 */
  write_file("src/top.py", "import mid\n"
                           "\n"
                           "def nightly(s, users):\n"
                           "    for u in users:\n"              /* 4 */
                           "        mid.report(s, u)\n");       /* 5 */
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  const scl_finding *f = finding_at(res, "src/leaf.py", 2);
  expect_related(f, 4, "src/top.py", 4u, "src/top.py", 5u, "src/mid.py", 4u, "src/mid.py", 7u);
}

/* A file's own loop reaches the helper in pass 1: one finding, not two. */
static void test_link__same_file_caller_reported_once(void **state)
{
  project *p = *state;
  write_file("src/jobs.py", "def scan(s):\n"
                            "    return s.get_jobs()\n"     /* 2 */
                            "\n"
                            "def local(s, users):\n"
                            "    for u in users:\n"         /* 5 */
                            "        scan(s)\n");
  write_file("src/main.py", "from jobs import scan\n"
                            "\n"
                            "def run(s, users):\n"
                            "    for u in users:\n"
                            "        scan(s)\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/jobs.py", 2), 2, "src/jobs.py", 5u, "src/jobs.py", 6u);
}

/* Writes src/n0.py .. src/n<depth-1>.py, each fK calling f(K-1) of the
 * file before, n0's f0 listing the jobs, and src/top.py calling the last
 * one in a loop: a chain of depth call sites. */
static void write_chain(int depth)
{
  char path[64], text[256];
  write_file("src/n0.py", "def f0(s):\n    return s.get_jobs()\n");
  for (int k = 1; k < depth; k++) {
    snprintf(path, sizeof(path), "src/n%d.py", k);
    snprintf(text, sizeof(text), "from n%d import f%d\n\ndef f%d(s):\n    return f%d(s)\n", k - 1,
             k - 1, k, k - 1);
    write_file(path, text);
  }
  snprintf(text, sizeof(text),
           "from n%d import f%d\n\ndef top(s, users):\n    for u in users:\n        f%d(s)\n",
           depth - 1, depth - 1, depth - 1);
  write_file("src/top.py", text);
}

static void test_link__depth_limit_is_reported(void **state)
{
  project *p = *state;
  write_chain(8); /* SCL_MAX_CALL_DEPTH call sites: followed */
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  assert_int_equal(finding_at(res, "src/n0.py", 2)->related_count, 9);
  assert_int_equal(res->notice_count, 0);

  write_chain(10);
  res = scan(p);
  assert_int_equal(res->finding_count, 0);
  assert_int_equal(res->notice_count, 1);
  assert_string_equal(res->notices[0].kind, "limit");
  assert_string_equal(res->notices[0].path, "src/n0.py");
  assert_non_null(strstr(res->notices[0].message, "`f0`"));
}

/* ---- JavaScript / TypeScript ---- */

static const char js_jobs[] =
  "export async function scheduleForUser(queue, user) {\n"
  "  const jobs = await queue.getJobs(['delayed']);\n"       /* 2 */
  "  return jobs.filter((j) => j.data.user === user.id);\n"
  "}\n";

static void test_link__js_named_import(void **state)
{
  project *p = *state;
  write_file("src/jobs.js", js_jobs);
  write_file("src/sync.ts", "import { scheduleForUser as schedule } from './jobs';\n"
                            "\n"
                            "export async function sync(queue: any, users: any[]) {\n"
                            "  for (const u of users) {\n"          /* 4 */
                            "    await schedule(queue, u);\n"     /* 5 */
                            "  }\n"
                            "}\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/jobs.js", 2), 2, "src/sync.ts", 4u, "src/sync.ts", 5u);
}

static void test_link__js_require_and_namespace(void **state)
{
  project *p = *state;
  write_file("src/lib/jobs/index.js", "function scheduleForUser(queue, user) {\n"
                                      "  return queue.getJobs();\n"      /* 2 */
                                      "}\n"
                                      "module.exports = { scheduleForUser };\n");
  write_file("src/a.js", "const { scheduleForUser } = require('./lib/jobs');\n"
                         "\n"
                         "function run(queue, users) {\n"
                         "  users.forEach((u) => scheduleForUser(queue, u));\n"  /* 4 */
                         "}\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  /* the forEach callback is the loop, and the call site */
  expect_related(finding_at(res, "src/lib/jobs/index.js", 2), 2, "src/a.js", 4u, "src/a.js", 4u);

  write_file("src/a.js", "const jobs = require('./lib/jobs/index.js');\n"
                         "\n"
                         "function run(queue, users) {\n"
                         "  for (let i = 0; i < users.length; i++) {\n"     /* 4 */
                         "    jobs.scheduleForUser(queue, users[i]);\n"     /* 5 */
                         "  }\n"
                         "}\n");
  res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/lib/jobs/index.js", 2), 2, "src/a.js", 4u, "src/a.js",
                 5u);
}

static void test_link__js_same_name_not_imported(void **state)
{
  project *p = *state;
  write_file("src/jobs.js", js_jobs);
  write_file("src/other.js", "export function scheduleForUser(queue, user) { return user; }\n");
  write_file("src/a.js", "import { scheduleForUser } from './other';\n"
                         "import * as ns from 'jobs';\n"
                         "export function run(queue, users) {\n"
                         "  for (const u of users) {\n"
                         "    scheduleForUser(queue, u);\n"
                         "    ns.scheduleForUser(queue, u);\n"
                         "  }\n"
                         "}\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 0);
}

/* ---- C ---- */

static void test_link__c_two_files(void **state)
{
  project *p = *state;
  write_file("src/scan.c", "int scan_all(int q);\n"
                           "int count_jobs(int q) {\n"
                           "  return scan_all(q);\n"      /* 3 */
                           "}\n");
  write_file("src/main.c", "int count_jobs(int q);\n"
                           "int main(void) {\n"
                           "  int n = 0;\n"
                           "  for (int i = 0; i < 10; i++)\n"   /* 4 */
                           "    n += count_jobs(i);\n"          /* 5 */
                           "  return n;\n"
                           "}\n");
  const scl_result *res = scan(p);
  assert_int_equal(res->finding_count, 1);
  expect_related(finding_at(res, "src/scan.c", 3), 2, "src/main.c", 4u, "src/main.c", 5u);

  /* defined twice: which one main.c calls depends on the link line, so neither */
  write_file("src/scan2.c", "int scan_all(int q);\n"
                            "int count_jobs(int q) {\n"
                            "  return scan_all(q) + 1;\n"
                            "}\n");
  res = scan(p);
  assert_int_equal(res->finding_count, 0);
}

/* ---- determinism ---- */

static char *render(const scl_result *res)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *x = &res->findings[i];
    fprintf(f, "%s:%u:%u %s %s %s\n", x->path, (unsigned)x->span.start_line,
            (unsigned)x->span.start_col, x->rule_id, x->fingerprint, x->message);
    for (size_t k = 0; k < x->related_count; k++)
      fprintf(f, "  %s:%u:%u %s\n", x->related[k].path, (unsigned)x->related[k].span.start_line,
              (unsigned)x->related[k].span.start_col, x->related[k].message);
  }
  for (size_t i = 0; i < res->notice_count; i++)
    fprintf(f, "notice %s %s\n", res->notices[i].path, res->notices[i].message);
  fclose(f);
  return buf;
}

static void test_link__jobs_one_and_two_identical(void **state)
{
  (void)state;
  char path[64], text[512];
  for (int i = 0; i < 12; i++) {
    snprintf(path, sizeof(path), "src/pkg%d/jobs.py", i);
    write_file(path, py_jobs);
    snprintf(path, sizeof(path), "src/pkg%d/__init__.py", i);
    write_file(path, "");
    snprintf(path, sizeof(path), "src/run%d.py", i);
    snprintf(text, sizeof(text),
             "from pkg%d.jobs import schedule_for_user\n"
             "import pkg%d.jobs as j\n"
             "\n"
             "def go(users):\n"
             "    for u in users:\n"
             "        schedule_for_user(u)\n"
             "        j.schedule_for_user(u)\n",
             i, (i + 1) % 12);
    write_file(path, text);
  }
  scl_result *one = scan_jobs(1), *two = scan_jobs(2), *four = scan_jobs(4);
  assert_int_equal(one->finding_count, 12);
  char *a = render(one), *b = render(two), *c = render(four);
  assert_string_equal(a, b);
  assert_string_equal(a, c);
  free(a);
  free(b);
  free(c);
  scl_result_free(one);
  scl_result_free(two);
  scl_result_free(four);
}

#define LINK_TEST(name) cmocka_unit_test_setup_teardown(name, project_setup, project_teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
    LINK_TEST(test_link__py_from_import),
    LINK_TEST(test_link__py_import_module_and_relative),
    LINK_TEST(test_link__py_handler_calls_helper),
    LINK_TEST(test_link__py_same_name_not_imported),
    LINK_TEST(test_link__py_recursion_across_files_terminates),
    LINK_TEST(test_link__py_chain_of_three_files),
    LINK_TEST(test_link__same_file_caller_reported_once),
    LINK_TEST(test_link__depth_limit_is_reported),
    LINK_TEST(test_link__js_named_import),
    LINK_TEST(test_link__js_require_and_namespace),
    LINK_TEST(test_link__js_same_name_not_imported),
    LINK_TEST(test_link__c_two_files),
    LINK_TEST(test_link__jobs_one_and_two_identical),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
