/*
 * test_report.c - unit tests for the reporters (text, json, sarif, github,
 * gitlab).
 *
 * Each case builds a small scl_result by hand, renders it into a memory
 * stream and checks the bytes (text) or the parsed document (json, sarif).
 * The SARIF cases also run the shared validator when it is present. Nothing
 * here reaches into the reporters' private state; only scalint.h is used.
 *
 * With SCALINT_REPORT_EXAMPLES=DIR in the environment, test_report__examples
 * writes each format's output for a tiny result to DIR/example.<format>; those
 * files are the examples in docs/output-formats.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "scalint/scalint.h"

#ifndef SCALINT_SOURCE_DIR
#define SCALINT_SOURCE_DIR "."
#endif
#define VALIDATOR SCALINT_SOURCE_DIR "/../shared/tools/validate-sarif"

/* ---- fixture ---- */

#define TAB_LINE "\tresult = db.find_one(u)"
#define CAP_LINE "    users = await db.users.find({}).to_list(1000)"
#define UTF8_LINE "naïve = \"héllo\" + get()"
#define UTF8_PATH "app/ünïcode dir/views.py"

static const scl_location jobs_related[] = {
  { "app/jobs.py", { 5, 5, 5, 24, 0, 0 }, "the loop over users" },
  { "app/helpers.py", { 3, 1, 3, 12, 0, 0 }, "calls load()" },
};

static scl_rule_info fixture_rules[] = {
  { "SCL001", "hard-result-cap", SCL_LEVEL_ERROR, "py js ts", "Result set capped by a constant",
    "At 10K users the cap silently drops everyone past it.",
    "Iterate the cursor, or page with keyset pagination.",
    "## What it catches\nA `to_list(N)` with a literal N.", "https://example.com/SCL001",
    "builtin", NULL },
  { "SCL003", "query-in-loop", SCL_LEVEL_WARNING, "py c", "Query once per loop iteration",
    "N users means N round trips.", "Fetch all rows with one query before the loop.", "", NULL,
    "builtin", NULL },
};

/* 1-based code-point column of needle in line. */
static uint32_t cp_col(const char *line, const char *needle)
{
  const char *at = strstr(line, needle);
  assert_non_null(at);
  uint32_t col = 1;
  for (const char *p = line; p < at; p++) {
    if (((unsigned char)*p & 0xc0) != 0x80)
      col++;
  }
  return col;
}

static uint32_t cp_len(const char *s)
{
  uint32_t n = 0;
  for (; *s; s++) {
    if (((unsigned char)*s & 0xc0) != 0x80)
      n++;
  }
  return n;
}

static scl_finding fixture_findings[3];
static scl_notice fixture_notices[] = {
  { "vendor/blob.bin", SCL_LEVEL_WARNING, "binary", "looks like a binary file" },
};

static scl_span span_of(uint32_t line, const char *text, const char *needle)
{
  scl_span s = { 0 };
  s.start_line = s.end_line = line;
  s.start_col = cp_col(text, needle);
  s.end_col = s.start_col + cp_len(needle);
  return s;
}

static scl_result make_result(void)
{
  scl_finding *f = fixture_findings;
  memset(fixture_findings, 0, sizeof(fixture_findings));
  f[0] = (scl_finding){ "SCL003", "query-in-loop", SCL_LEVEL_WARNING, "app/jobs.py",
                        span_of(8, TAB_LINE, "db.find_one(u)"),
                        "db.find_one(u) runs once per iteration of the loop at line 5", TAB_LINE,
                        jobs_related, 2, NULL, SCL_SUPPRESS_NONE, NULL, SCL_BASELINE_NONE };
  f[1] = (scl_finding){ "SCL001", "hard-result-cap", SCL_LEVEL_ERROR, "app/users.py",
                        span_of(12, CAP_LINE, "db.users.find({}).to_list(1000)"),
                        "`find({}).to_list(1000)` stops at 1000 results", CAP_LINE, NULL, 0,
                        "0123456789abcdef", SCL_SUPPRESS_NONE, NULL, SCL_BASELINE_NONE };
  f[2] = (scl_finding){ "SCL099", "custom-rule", SCL_LEVEL_NOTE, UTF8_PATH,
                        span_of(3, UTF8_LINE, "get()"), "get() is slow", UTF8_LINE, NULL, 0,
                        NULL, SCL_SUPPRESS_NONE, NULL, SCL_BASELINE_NONE };
  scl_result r = { 0 };
  r.findings = f;
  r.finding_count = 3;
  r.notices = fixture_notices;
  r.notice_count = 1;
  r.rules = fixture_rules;
  r.rule_count = 2;
  r.files_scanned = 12;
  return r;
}

/* ---- helpers ---- */

/* Renders r in format; returns the output (caller frees). Asserts SCL_OK. */
static char *render(const char *format, const scl_result *r, const scl_report_opts *opts)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  scl_diag diag;
  scl_diag_clear(&diag);
  scl_status st = scl_report_write(f, format, r, opts, &diag);
  fclose(f);
  if (st != SCL_OK)
    fail_msg("scl_report_write(%s): %s", format, diag.msg);
  return buf;
}

static json_t *render_json_opts(const char *format, const scl_result *r,
                               const scl_report_opts *opts)
{
  char *out = render(format, r, opts);
  json_error_t err;
  json_t *root = json_loads(out, 0, &err);
  if (!root)
    fail_msg("%s output does not parse: %s (line %d)", format, err.text, err.line);
  free(out);
  return root;
}

static json_t *render_json(const char *format, const scl_result *r)
{
  return render_json_opts(format, r, NULL);
}

/* Follows keys (objects) and decimal indexes (arrays); NULL-terminated. */
static json_t *jpath(json_t *node, ...)
{
  va_list ap;
  va_start(ap, node);
  const char *key;
  while (node && (key = va_arg(ap, const char *)) != NULL) {
    if (json_is_array(node))
      node = json_array_get(node, strtoul(key, NULL, 10));
    else
      node = json_object_get(node, key);
  }
  va_end(ap);
  return node;
}

static const char *jstr(json_t *node)
{
  assert_true(json_is_string(node));
  return json_string_value(node);
}

static long long jint(json_t *node)
{
  assert_true(json_is_integer(node));
  return json_integer_value(node);
}

/*
 * Finds the source block for line number lineno in text output, and returns
 * the caret's display column (0-based, relative to the source text) and width,
 * plus the display column where needle starts in the shown source line.
 */
static void caret_of(const char *out, unsigned lineno, const char *needle, size_t *needle_col,
                     size_t *caret_col, size_t *caret_width)
{
  char prefix[32];
  int plen = snprintf(prefix, sizeof(prefix), "\n%u | ", lineno);
  const char *src = strstr(out, prefix);
  assert_non_null(src);
  src += plen;
  const char *eol = strchr(src, '\n');
  assert_non_null(eol);
  char *shown = strndup(src, (size_t)(eol - src));
  assert_null(strchr(shown, '\t')); /* tabs are expanded in the shown line */
  *needle_col = cp_col(shown, needle) - 1;
  free(shown);

  const char *caret_line = eol + 1 + (plen - 1); /* same gutter width */
  const char *c = caret_line;
  while (*c == ' ')
    c++;
  assert_int_equal(*c, '^');
  *caret_col = (size_t)(c - caret_line);
  *caret_width = 0;
  while (c[*caret_width] == '^')
    (*caret_width)++;
}

/* ---- formats and errors ---- */

static void test_report__formats(void **state)
{
  const char *const *f = scl_report_formats();
  assert_string_equal(f[0], "text");
  assert_string_equal(f[1], "json");
  assert_string_equal(f[2], "sarif");
  assert_string_equal(f[3], "github");
  assert_string_equal(f[4], "gitlab");
  assert_null(f[5]);
}

static void test_report__unknown_format(void **state)
{
  scl_result r = make_result();
  scl_diag diag;
  scl_diag_clear(&diag);
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(scl_report_write(f, "xml", &r, NULL, &diag), SCL_EINVAL);
  assert_string_equal(diag.msg, "unknown format 'xml' (expected text, json, sarif, github or gitlab)");
  assert_int_equal(ftell(f), 0);
  fclose(f);
}

static void test_report__write_error(void **state)
{
  scl_result r = make_result();
  const char *formats[] = { "text", "json", "sarif", "github", "gitlab" };
  for (size_t i = 0; i < 5; i++) {
    FILE *f = fopen("/dev/null", "r"); /* every write fails */
    assert_non_null(f);
    scl_diag diag;
    scl_diag_clear(&diag);
    assert_int_equal(scl_report_write(f, formats[i], &r, NULL, &diag), SCL_EIO);
    assert_int_equal(diag.status, SCL_EIO);
    fclose(f);
  }
}

static void test_report__deterministic(void **state)
{
  scl_result r = make_result();
  const char *formats[] = { "text", "json", "sarif", "github", "gitlab" };
  for (size_t i = 0; i < 5; i++) {
    char *a = render(formats[i], &r, NULL);
    char *b = render(formats[i], &r, NULL);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
}

/* ---- text ---- */

static void test_report__text_header_line(void **state)
{
  scl_result r = make_result();
  scl_report_opts opts = { .color = false, .show_source = true };
  char *out = render("text", &r, &opts);
  assert_non_null(strstr(out, "app/users.py:12:19: error[SCL001] hard-result-cap: "
                              "`find({}).to_list(1000)` stops at 1000 results\n"));
  assert_non_null(strstr(out, "app/jobs.py:8:11: warning[SCL003] query-in-loop: "));
  assert_non_null(strstr(out, UTF8_PATH ":3:19: note[SCL099] custom-rule: get() is slow\n"));
  /* findings in result order */
  assert_true(strstr(out, "app/jobs.py:8") < strstr(out, "app/users.py:12"));
  free(out);
}

static void test_report__text_caret_plain(void **state)
{
  scl_result r = make_result();
  char *out = render("text", &r, NULL);
  size_t want, col, width;
  caret_of(out, 12, "db.users", &want, &col, &width);
  assert_int_equal(col, want);
  assert_int_equal(width, strlen("db.users.find({}).to_list(1000)"));
  /* gutter sized for "12" */
  assert_non_null(strstr(out, "\n   |\n12 |     users = await"));
  free(out);
}

static void test_report__text_caret_after_tab(void **state)
{
  scl_result r = make_result();
  char *out = render("text", &r, NULL);
  size_t want, col, width;
  caret_of(out, 8, "db.find_one", &want, &col, &width);
  assert_int_equal(col, want);
  assert_int_equal(width, strlen("db.find_one(u)"));
  free(out);
}

static void test_report__text_caret_after_utf8(void **state)
{
  scl_result r = make_result();
  char *out = render("text", &r, NULL);
  size_t want, col, width;
  caret_of(out, 3, "get()", &want, &col, &width);
  assert_int_equal(want, 18);
  assert_int_equal(col, want);
  assert_int_equal(width, 5);
  free(out);
}

static void test_report__text_caret_multiline_and_empty(void **state)
{
  scl_result r = make_result();
  r.finding_count = 1;
  r.findings = &fixture_findings[1];
  fixture_findings[1].span.end_line = 14; /* runs on: caret to end of line */
  fixture_findings[1].span.end_col = 3;
  char *out = render("text", &r, NULL);
  size_t want, col, width;
  caret_of(out, 12, "db.users", &want, &col, &width);
  assert_int_equal(col, want);
  assert_int_equal(width, strlen("db.users.find({}).to_list(1000)"));
  free(out);

  fixture_findings[1].span.end_line = 12; /* empty span: still one caret */
  fixture_findings[1].span.end_col = fixture_findings[1].span.start_col;
  out = render("text", &r, NULL);
  caret_of(out, 12, "db.users", &want, &col, &width);
  assert_int_equal(col, want);
  assert_int_equal(width, 1);
  free(out);
}

static void test_report__text_why_instead_related(void **state)
{
  scl_result r = make_result();
  char *out = render("text", &r, NULL);
  assert_non_null(strstr(out, "\n   = why: At 10K users the cap silently drops everyone past it."
                              "\n   = instead: Iterate the cursor, or page with keyset pagination."
                              "\n"));
  assert_non_null(strstr(out, "\n  = related: app/jobs.py:5:5: the loop over users\n"
                              "  = related: app/helpers.py:3:1: calls load()\n"));
  /* SCL099 is not among the rules: no why/instead after it */
  const char *custom = strstr(out, "note[SCL099]");
  assert_non_null(custom);
  const char *next_why = strstr(custom, "= why:");
  assert_null(next_why);
  free(out);
}

static void test_report__text_no_source(void **state)
{
  scl_result r = make_result();
  scl_report_opts opts = { .color = false, .show_source = false };
  char *out = render("text", &r, &opts);
  assert_null(strchr(out, '^'));
  assert_null(strstr(out, " | "));
  assert_non_null(strstr(out, "hard-result-cap: `find({}).to_list(1000)` stops at 1000 results\n"
                              "   = why: "));
  free(out);
}

static void test_report__text_color(void **state)
{
  scl_result r = make_result();
  scl_report_opts plain = { .color = false, .show_source = true };
  char *out = render("text", &r, &plain);
  assert_null(strchr(out, '\x1b'));
  free(out);

  scl_report_opts color = { .color = true, .show_source = true };
  out = render("text", &r, &color);
  assert_non_null(strstr(out, "\x1b[1mapp/users.py\x1b[0m:12:19:"));
  assert_non_null(strstr(out, "\x1b[1;31merror\x1b[0m[\x1b[1mSCL001\x1b[0m]"));
  assert_non_null(strstr(out, "\x1b[1;33mwarning\x1b[0m"));
  assert_non_null(strstr(out, "\x1b[1;36mnote\x1b[0m"));
  assert_non_null(strstr(out, "\x1b[1;31m^^^"));
  free(out);
}

static void test_report__text_notices_and_summary(void **state)
{
  scl_result r = make_result();
  char *out = render("text", &r, NULL);
  assert_non_null(
    strstr(out, "\nwarning: vendor/blob.bin: skipped (binary): looks like a binary file\n"));
  const char *summary = "\nFound 3 problems (1 error, 1 warning, 1 note) in 12 files; "
                        "1 file skipped.\n";
  const char *at = strstr(out, summary);
  assert_non_null(at);
  assert_string_equal(at, summary); /* the very last line */
  free(out);
}

static void test_report__text_no_problems(void **state)
{
  scl_result r = make_result();
  r.finding_count = 0;
  r.notice_count = 0;
  r.files_scanned = 1;
  char *out = render("text", &r, NULL);
  assert_string_equal(out, "No problems found in 1 file.\n");
  free(out);
}

/* ---- json ---- */

static void test_report__json_fields(void **state)
{
  scl_result r = make_result();
  scl_report_opts opts = { .tool_version = "9.8.7" };
  char *text = render("json", &r, &opts);
  assert_non_null(strstr(text, "{\n  \"version\": \"9.8.7\",\n  \"findings\": [\n"));
  json_t *root = json_loads(text, 0, NULL);
  assert_non_null(root);
  free(text);

  json_t *f0 = jpath(root, "findings", "0", NULL);
  assert_string_equal(jstr(jpath(f0, "rule_id", NULL)), "SCL003");
  assert_string_equal(jstr(jpath(f0, "slug", NULL)), "query-in-loop");
  assert_string_equal(jstr(jpath(f0, "level", NULL)), "warning");
  assert_string_equal(jstr(jpath(f0, "path", NULL)), "app/jobs.py");
  assert_int_equal(jint(jpath(f0, "line", NULL)), 8);
  assert_int_equal(jint(jpath(f0, "column", NULL)), 11);
  assert_int_equal(jint(jpath(f0, "end_line", NULL)), 8);
  assert_int_equal(jint(jpath(f0, "end_column", NULL)), 25);
  assert_int_equal(strlen(jstr(jpath(f0, "fingerprint", NULL))), 16);
  assert_int_equal(json_array_size(jpath(f0, "related", NULL)), 2);
  assert_string_equal(jstr(jpath(f0, "related", "1", "path", NULL)), "app/helpers.py");
  assert_int_equal(jint(jpath(f0, "related", "0", "column", NULL)), 5);
  assert_string_equal(jstr(jpath(f0, "related", "0", "message", NULL)), "the loop over users");

  json_t *f1 = jpath(root, "findings", "1", NULL);
  assert_string_equal(jstr(jpath(f1, "fingerprint", NULL)), "0123456789abcdef");
  assert_int_equal(json_array_size(jpath(f1, "related", NULL)), 0);
  assert_string_equal(jstr(jpath(root, "findings", "2", "path", NULL)), UTF8_PATH);

  assert_string_equal(jstr(jpath(root, "notices", "0", "kind", NULL)), "binary");
  assert_string_equal(jstr(jpath(root, "notices", "0", "level", NULL)), "warning");
  assert_string_equal(jstr(jpath(root, "notices", "0", "path", NULL)), "vendor/blob.bin");
  assert_int_equal(jint(jpath(root, "summary", "files", NULL)), 12);
  assert_int_equal(jint(jpath(root, "summary", "findings", NULL)), 3);
  assert_int_equal(jint(jpath(root, "summary", "errors", NULL)), 1);
  assert_int_equal(jint(jpath(root, "summary", "warnings", NULL)), 1);
  assert_int_equal(jint(jpath(root, "summary", "notes", NULL)), 1);
  json_decref(root);
}

static void test_report__json_invalid_utf8(void **state)
{
  scl_result r = make_result();
  r.finding_count = 1;
  r.findings = &fixture_findings[2];
  fixture_findings[2].message = "caf\xe9 latin-1";
  json_t *root = render_json("json", &r);
  assert_string_equal(jstr(jpath(root, "findings", "0", "message", NULL)),
                      "caf\xef\xbf\xbd latin-1");
  json_decref(root);
}

static void test_report__fingerprints_computed(void **state)
{
  scl_result r = make_result();
  scl_finding twins[3];
  twins[0] = fixture_findings[0];
  twins[1] = fixture_findings[0];
  twins[2] = fixture_findings[0];
  twins[1].span.start_line = twins[1].span.end_line = 9;
  twins[2].line_text = "  result  =  db.find_one(u)  "; /* only whitespace differs */
  twins[2].span.start_line = twins[2].span.end_line = 10;
  r.findings = twins;
  r.finding_count = 2;
  json_t *a = render_json("json", &r);
  const char *fp0 = jstr(jpath(a, "findings", "0", "fingerprint", NULL));
  const char *fp1 = jstr(jpath(a, "findings", "1", "fingerprint", NULL));
  assert_int_equal(strspn(fp0, "0123456789abcdef"), 16);
  assert_string_not_equal(fp0, fp1); /* identical ones differ by occurrence */

  /* whitespace-only edits keep the identity of the first occurrence */
  r.findings = &twins[2];
  r.finding_count = 1;
  json_t *b = render_json("json", &r);
  assert_string_equal(fp0, jstr(jpath(b, "findings", "0", "fingerprint", NULL)));
  json_decref(a);
  json_decref(b);
}

/* ---- sarif ---- */

static void test_report__sarif_driver_and_rules(void **state)
{
  scl_result r = make_result();
  json_t *root = render_json("sarif", &r);
  assert_string_equal(jstr(jpath(root, "$schema", NULL)),
                      "https://json.schemastore.org/sarif-2.1.0.json");
  assert_string_equal(jstr(jpath(root, "version", NULL)), "2.1.0");
  assert_int_equal(json_array_size(jpath(root, "runs", NULL)), 1);
  json_t *run = jpath(root, "runs", "0", NULL);
  json_t *drv = jpath(run, "tool", "driver", NULL);
  assert_string_equal(jstr(jpath(drv, "name", NULL)), "scalint");
  assert_string_equal(jstr(jpath(drv, "semanticVersion", NULL)), SCALINT_VERSION);
  assert_string_equal(jstr(jpath(drv, "informationUri", NULL)),
                      "https://github.com/scalint/scalint");
  json_t *rule0 = jpath(drv, "rules", "0", NULL);
  assert_string_equal(jstr(jpath(rule0, "id", NULL)), "SCL001");
  assert_string_equal(jstr(jpath(rule0, "name", NULL)), "hard-result-cap");
  assert_string_equal(jstr(jpath(rule0, "shortDescription", "text", NULL)),
                      "Result set capped by a constant");
  assert_string_equal(jstr(jpath(rule0, "fullDescription", "text", NULL)),
                      "Result set capped by a constant At 10K users the cap silently drops "
                      "everyone past it.");
  assert_non_null(strstr(jstr(jpath(rule0, "help", "markdown", NULL)), "## What it catches"));
  assert_string_equal(jstr(jpath(rule0, "helpUri", NULL)), "https://example.com/SCL001");
  assert_string_equal(jstr(jpath(rule0, "defaultConfiguration", "level", NULL)), "error");
  assert_string_equal(jstr(jpath(rule0, "properties", "tags", "0", NULL)), "scalability");
  assert_string_equal(jstr(jpath(rule0, "properties", "tags", "1", NULL)), "python");
  assert_string_equal(jstr(jpath(rule0, "properties", "problem.severity", NULL)), "error");
  assert_null(jpath(drv, "rules", "1", "helpUri", NULL));
  /* no doc: markdown built from the one-liners */
  assert_string_equal(jstr(jpath(drv, "rules", "1", "help", "markdown", NULL)),
                      "Query once per loop iteration\n\nN users means N round trips.\n\n"
                      "Instead: Fetch all rows with one query before the loop.");
  assert_string_equal(jstr(jpath(drv, "rules", "1", "properties", "problem.severity", NULL)),
                      "warning");

  assert_string_equal(jstr(jpath(run, "columnKind", NULL)), "unicodeCodePoints");
  const char *base = jstr(jpath(run, "originalUriBaseIds", "%SRCROOT%", "uri", NULL));
  assert_int_equal(strncmp(base, "file:///", 8), 0);
  assert_int_equal(base[strlen(base) - 1], '/');
  json_decref(root);
}

static void test_report__sarif_results(void **state)
{
  scl_result r = make_result();
  json_t *root = render_json("sarif", &r);
  json_t *run = jpath(root, "runs", "0", NULL);
  json_t *rules = jpath(run, "tool", "driver", "rules", NULL);
  json_t *results = jpath(run, "results", NULL);
  assert_int_equal(json_array_size(results), 3);

  size_t i;
  json_t *res;
  json_array_foreach(results, i, res) {
    char idx[24];
    snprintf(idx, sizeof(idx), "%lld", jint(jpath(res, "ruleIndex", NULL)));
    assert_string_equal(jstr(jpath(rules, idx, "id", NULL)), jstr(jpath(res, "ruleId", NULL)));
    assert_non_null(jpath(res, "partialFingerprints", "primaryLocationLineHash", NULL));
    assert_non_null(jpath(res, "partialFingerprints", "scalint/v1", NULL));
  }
  assert_int_equal(json_array_size(rules), 3); /* SCL099 got a descriptor */

  json_t *r0 = jpath(results, "0", NULL);
  assert_string_equal(jstr(jpath(r0, "level", NULL)), "warning");
  json_t *pl = jpath(r0, "locations", "0", "physicalLocation", NULL);
  assert_string_equal(jstr(jpath(pl, "artifactLocation", "uri", NULL)), "app/jobs.py");
  assert_string_equal(jstr(jpath(pl, "artifactLocation", "uriBaseId", NULL)), "%SRCROOT%");
  assert_int_equal(jint(jpath(pl, "region", "startLine", NULL)), 8);
  assert_int_equal(jint(jpath(pl, "region", "startColumn", NULL)), 11);
  assert_int_equal(jint(jpath(pl, "region", "endColumn", NULL)), 25);
  assert_string_equal(jstr(jpath(pl, "region", "snippet", "text", NULL)), TAB_LINE);
  assert_int_equal(json_array_size(jpath(r0, "relatedLocations", NULL)), 2);
  assert_int_equal(jint(jpath(r0, "relatedLocations", "0", "id", NULL)), 1);
  assert_int_equal(jint(jpath(r0, "relatedLocations", "1", "id", NULL)), 2);
  assert_string_equal(jstr(jpath(r0, "relatedLocations", "0", "message", "text", NULL)),
                      "the loop over users");
  json_t *tfl = jpath(r0, "codeFlows", "0", "threadFlows", "0", "locations", NULL);
  assert_int_equal(json_array_size(tfl), 3);
  assert_string_equal(jstr(jpath(tfl, "0", "location", "physicalLocation", "artifactLocation",
                                 "uri", NULL)),
                      "app/jobs.py");
  assert_int_equal(jint(jpath(tfl, "2", "location", "physicalLocation", "region", "startLine",
                              NULL)),
                   8);

  json_t *r1 = jpath(results, "1", NULL);
  assert_string_equal(jstr(jpath(r1, "partialFingerprints", "primaryLocationLineHash", NULL)),
                      "0123456789abcdef");
  assert_null(jpath(r1, "relatedLocations", NULL));
  assert_null(jpath(r1, "codeFlows", NULL));

  json_t *r2 = jpath(results, "2", NULL);
  assert_string_equal(jstr(jpath(r2, "locations", "0", "physicalLocation", "artifactLocation",
                                 "uri", NULL)),
                      "app/%C3%BCn%C3%AFcode%20dir/views.py");
  assert_int_equal(jint(jpath(r2, "locations", "0", "physicalLocation", "region", "startColumn",
                              NULL)),
                   19);
  assert_null(jpath(r2, "codeFlows", NULL));
  json_decref(root);
}

static void test_report__sarif_notifications(void **state)
{
  scl_result r = make_result();
  json_t *root = render_json("sarif", &r);
  json_t *inv = jpath(root, "runs", "0", "invocations", "0", NULL);
  assert_true(json_is_true(jpath(inv, "executionSuccessful", NULL)));
  json_t *n = jpath(inv, "toolExecutionNotifications", NULL);
  assert_int_equal(json_array_size(n), 1);
  assert_string_equal(jstr(jpath(n, "0", "level", NULL)), "warning");
  assert_string_equal(jstr(jpath(n, "0", "message", "text", NULL)),
                      "binary: looks like a binary file");
  assert_string_equal(jstr(jpath(n, "0", "descriptor", "id", NULL)), "binary");
  assert_string_equal(jstr(jpath(n, "0", "locations", "0", "physicalLocation", "artifactLocation",
                                 "uri", NULL)),
                      "vendor/blob.bin");
  json_decref(root);
}

static void test_report__sarif_precision_and_no_extras(void **state)
{
  scl_result r = make_result();
  json_t *root = render_json("sarif", &r);
  json_t *run = jpath(root, "runs", "0", NULL);
  json_t *rules = jpath(run, "tool", "driver", "rules", NULL);
  assert_string_equal(jstr(jpath(rules, "0", "properties", "precision", NULL)), "high");
  assert_string_equal(jstr(jpath(rules, "1", "properties", "precision", NULL)), "medium");
  assert_null(jpath(rules, "0", "properties", "security-severity", NULL));
  /* nothing suppressed, no baseline, no automation id: none of those keys */
  assert_null(jpath(run, "automationDetails", NULL));
  size_t i;
  json_t *res;
  json_array_foreach(jpath(run, "results", NULL), i, res) {
    assert_null(jpath(res, "suppressions", NULL));
    assert_null(jpath(res, "baselineState", NULL));
  }
  json_decref(root);
}

static void test_report__sarif_suppressions(void **state)
{
  scl_result r = make_result();
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[0].justification = "batched upstream";
  fixture_findings[1].suppression = SCL_SUPPRESS_EXTERNAL;
  json_t *root = render_json("sarif", &r);
  json_t *results = jpath(root, "runs", "0", "results", NULL);
  assert_int_equal(json_array_size(results), 3); /* suppressed results stay */

  json_t *s0 = jpath(results, "0", "suppressions", NULL);
  assert_int_equal(json_array_size(s0), 1);
  assert_string_equal(jstr(jpath(s0, "0", "kind", NULL)), "inSource");
  assert_string_equal(jstr(jpath(s0, "0", "justification", NULL)), "batched upstream");
  json_t *s1 = jpath(results, "1", "suppressions", NULL);
  assert_int_equal(json_array_size(s1), 1);
  assert_string_equal(jstr(jpath(s1, "0", "kind", NULL)), "external");
  assert_string_equal(jstr(jpath(s1, "0", "justification", NULL)),
                      "ignored by the configuration");
  assert_null(jpath(results, "2", "suppressions", NULL));
  assert_null(jpath(results, "0", "baselineState", NULL));
  json_decref(root);

  fixture_findings[0].justification = NULL;
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  r.has_baseline = true;
  root = render_json("sarif", &r);
  results = jpath(root, "runs", "0", "results", NULL);
  assert_string_equal(jstr(jpath(results, "0", "suppressions", "0", "justification", NULL)),
                      "scalint: ignore comment (no reason given)");
  assert_string_equal(jstr(jpath(results, "1", "suppressions", "0", "justification", NULL)),
                      "already in the baseline");
  json_decref(root);
}

static void test_report__sarif_baseline_state(void **state)
{
  scl_result r = make_result();
  r.has_baseline = true;
  fixture_findings[0].baseline_state = SCL_BASELINE_NEW;
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  fixture_findings[1].suppression = SCL_SUPPRESS_EXTERNAL;
  /* fixture_findings[2] has no state: with a baseline it is new */
  json_t *root = render_json("sarif", &r);
  json_t *results = jpath(root, "runs", "0", "results", NULL);
  assert_int_equal(json_array_size(results), 3);
  assert_string_equal(jstr(jpath(results, "0", "baselineState", NULL)), "new");
  assert_string_equal(jstr(jpath(results, "1", "baselineState", NULL)), "unchanged");
  assert_string_equal(jstr(jpath(results, "2", "baselineState", NULL)), "new");
  assert_string_equal(jstr(jpath(results, "1", "suppressions", "0", "kind", NULL)), "external");
  json_decref(root);
}

static void test_report__sarif_automation_id(void **state)
{
  scl_result r = make_result();
  scl_report_opts opts = { .automation_id = "scalint/ci/" };
  json_t *root = render_json_opts("sarif", &r, &opts);
  assert_string_equal(jstr(jpath(root, "runs", "0", "automationDetails", "id", NULL)),
                      "scalint/ci/");
  json_decref(root);

  opts.automation_id = ""; /* empty means unset */
  root = render_json_opts("sarif", &r, &opts);
  assert_null(jpath(root, "runs", "0", "automationDetails", NULL));
  json_decref(root);
}

/* Writes r as SARIF (with opts) to a new temp file; returns its path (caller
 * unlinks and frees). */
static char *write_sarif_tmp(const scl_result *r, const scl_report_opts *opts)
{
  char *path = strdup("/tmp/scalint-test-XXXXXX.sarif");
  assert_non_null(path);
  int fd = mkstemps(path, 6);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  scl_diag diag;
  scl_diag_clear(&diag);
  assert_int_equal(scl_report_write(f, "sarif", r, opts, &diag), SCL_OK);
  fclose(f);
  return path;
}

#define SCENARIO_MAX 8

/*
 * Every SARIF scenario goes through the shared validator in one call (each
 * call starts node and the .NET multitool, about ten seconds): full fixture
 * (related locations, codeFlows, notices, an undescribed rule), no findings,
 * suppressed in source with a justification and externally, baseline
 * new/unchanged, and an automation id.
 */
static void test_report__sarif_validates(void **state)
{
  if (access(VALIDATOR, X_OK) != 0) {
    skip();
    return;
  }
  char *paths[SCENARIO_MAX];
  size_t n = 0;
  scl_result r = make_result();
  paths[n++] = write_sarif_tmp(&r, NULL);

  r.finding_count = 0;
  r.notice_count = 0;
  paths[n++] = write_sarif_tmp(&r, NULL);

  r = make_result();
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[0].justification = "batched upstream";
  fixture_findings[1].suppression = SCL_SUPPRESS_EXTERNAL;
  paths[n++] = write_sarif_tmp(&r, NULL);

  r = make_result();
  r.has_baseline = true;
  fixture_findings[0].baseline_state = SCL_BASELINE_NEW;
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  fixture_findings[1].suppression = SCL_SUPPRESS_EXTERNAL;
  scl_report_opts opts = { .automation_id = "scalint/ci/" };
  paths[n++] = write_sarif_tmp(&r, &opts);

  char cmd[1024];
  int len = snprintf(cmd, sizeof(cmd), "'%s' -q --strict", VALIDATOR);
  for (size_t i = 0; i < n; i++)
    len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, " '%s'", paths[i]);
  assert_true((size_t)len < sizeof(cmd));
  int rc = system(cmd);
  for (size_t i = 0; i < n; i++) {
    unlink(paths[i]);
    free(paths[i]);
  }
  assert_true(WIFEXITED(rc));
  assert_int_equal(WEXITSTATUS(rc), 0);
}

/* ---- suppressed and baseline findings in text and json ---- */

static const char *last_line(const char *out)
{
  size_t len = strlen(out);
  assert_true(len > 0 && out[len - 1] == '\n');
  const char *p = out + len - 1;
  while (p > out && p[-1] != '\n')
    p--;
  return p;
}

static void test_report__text_hides_suppressed(void **state)
{
  scl_result r = make_result();
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[0].justification = "batched upstream";
  char *out = render("text", &r, NULL);
  assert_null(strstr(out, "app/jobs.py:8"));
  assert_null(strstr(out, "suppressed:"));
  assert_non_null(strstr(out, "app/users.py:12:19: error[SCL001]"));
  assert_string_equal(last_line(out), "Found 2 problems (1 error, 1 note) in 12 files; "
                                      "1 file skipped; 1 suppressed.\n");
  free(out);

  scl_report_opts opts = { .show_source = false, .show_suppressed = true };
  out = render("text", &r, &opts);
  assert_non_null(strstr(out, "app/jobs.py:8:11: warning[SCL003] query-in-loop: db.find_one(u) "
                              "runs once per iteration of the loop at line 5 "
                              "(suppressed: batched upstream)\n"));
  assert_non_null(strstr(out, "stops at 1000 results\n")); /* no tag on the others */
  assert_string_equal(last_line(out), "Found 2 problems (1 error, 1 note) in 12 files; "
                                      "1 file skipped; 1 suppressed.\n");
  free(out);

  fixture_findings[0].suppression = SCL_SUPPRESS_EXTERNAL;
  fixture_findings[0].justification = NULL;
  out = render("text", &r, &opts);
  assert_non_null(strstr(out, "at line 5 (suppressed: by configuration)\n"));
  free(out);
}

static void test_report__text_all_suppressed(void **state)
{
  scl_result r = make_result();
  r.notice_count = 0;
  for (size_t i = 0; i < 3; i++)
    fixture_findings[i].suppression = SCL_SUPPRESS_IN_SOURCE;
  char *out = render("text", &r, NULL);
  assert_string_equal(out, "No problems found in 12 files; 3 suppressed.\n");
  free(out);
}

static void test_report__text_baseline(void **state)
{
  scl_result r = make_result();
  r.has_baseline = true;
  fixture_findings[0].baseline_state = SCL_BASELINE_NEW;
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  fixture_findings[1].suppression = SCL_SUPPRESS_EXTERNAL;
  char *out = render("text", &r, NULL);
  assert_null(strstr(out, "app/users.py"));
  assert_non_null(strstr(out, "app/jobs.py:8:11: warning[SCL003]"));
  assert_string_equal(last_line(out), "Found 2 problems (1 warning, 1 note) in 12 files; "
                                      "1 file skipped; 2 new, 1 unchanged (baseline).\n");
  free(out);

  scl_report_opts opts = { .show_source = false, .show_suppressed = true };
  out = render("text", &r, &opts);
  assert_non_null(strstr(out, "stops at 1000 results (unchanged since baseline)\n"));
  assert_null(strstr(out, "suppressed:")); /* the baseline's own mark is not repeated */
  free(out);
}

/* Six findings: SCL003 x3 (one more suppressed), SCL001 x1, SCL099 x1. */
static scl_finding stats_findings[6];

static scl_result make_stats_result(void)
{
  scl_result r = make_result();
  stats_findings[0] = fixture_findings[1];
  stats_findings[1] = fixture_findings[0];
  stats_findings[2] = fixture_findings[0];
  stats_findings[3] = fixture_findings[0];
  stats_findings[4] = fixture_findings[0];
  stats_findings[5] = fixture_findings[2];
  stats_findings[2].span.start_line = stats_findings[2].span.end_line = 9;
  stats_findings[3].span.start_line = stats_findings[3].span.end_line = 10;
  stats_findings[4].span.start_line = stats_findings[4].span.end_line = 11;
  stats_findings[4].suppression = SCL_SUPPRESS_IN_SOURCE;
  r.findings = stats_findings;
  r.finding_count = 6;
  return r;
}

static void test_report__text_statistics(void **state)
{
  scl_result r = make_stats_result();
  const char *table = "3  SCL003  query-in-loop    warning\n"
                      "1  SCL001  hard-result-cap  error\n"
                      "1  SCL099  custom-rule      note\n";
  scl_report_opts opts = { .show_source = true, .statistics = true };
  char *out = render("text", &r, &opts);
  const char *at = strstr(out, table);
  assert_non_null(at);
  /* after the findings, before the notices and the summary */
  assert_true(at > strstr(out, "note[SCL099]"));
  assert_true(at < strstr(out, "warning: vendor/blob.bin"));
  assert_string_equal(last_line(out), "Found 5 problems (1 error, 3 warnings, 1 note) in "
                                      "12 files; 1 file skipped; 1 suppressed.\n");
  free(out);

  opts.statistics = false;
  out = render("text", &r, &opts);
  assert_null(strstr(out, "SCL003  query-in-loop"));
  free(out);
}

static void test_report__text_statistics_ties_and_widths(void **state)
{
  scl_result r = make_stats_result();
  /* 10 x SCL099 makes the count column two wide; ties sort by id */
  scl_finding many[12];
  for (size_t i = 0; i < 10; i++)
    many[i] = stats_findings[5];
  many[10] = stats_findings[0];
  many[11] = stats_findings[1];
  r.findings = many;
  r.finding_count = 12;
  scl_report_opts opts = { .show_source = false, .statistics = true };
  char *out = render("text", &r, &opts);
  assert_non_null(strstr(out, "\n10  SCL099  custom-rule      note\n"
                              " 1  SCL001  hard-result-cap  error\n"
                              " 1  SCL003  query-in-loop    warning\n"));
  free(out);
}

static void test_report__json_suppressed_and_baseline(void **state)
{
  scl_result r = make_result();
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[0].justification = "batched upstream";
  json_t *root = render_json("json", &r);
  json_t *found = jpath(root, "findings", NULL);
  assert_int_equal(json_array_size(found), 2);
  assert_string_equal(jstr(jpath(found, "0", "rule_id", NULL)), "SCL001");
  assert_true(json_is_false(jpath(found, "0", "suppressed", NULL)));
  assert_true(json_is_null(jpath(found, "0", "suppression", NULL)));
  assert_true(json_is_null(jpath(found, "0", "justification", NULL)));
  assert_true(json_is_null(jpath(found, "0", "baseline_state", NULL)));
  assert_int_equal(jint(jpath(root, "summary", "findings", NULL)), 2);
  assert_int_equal(jint(jpath(root, "summary", "suppressed", NULL)), 1);
  assert_int_equal(jint(jpath(root, "summary", "warnings", NULL)), 0);
  assert_true(json_is_null(jpath(root, "summary", "new", NULL)));
  assert_true(json_is_null(jpath(root, "summary", "unchanged", NULL)));
  json_decref(root);

  scl_report_opts opts = { .show_suppressed = true };
  root = render_json_opts("json", &r, &opts);
  found = jpath(root, "findings", NULL);
  assert_int_equal(json_array_size(found), 3);
  assert_true(json_is_true(jpath(found, "0", "suppressed", NULL)));
  assert_string_equal(jstr(jpath(found, "0", "suppression", NULL)), "in-source");
  assert_string_equal(jstr(jpath(found, "0", "justification", NULL)), "batched upstream");
  assert_int_equal(jint(jpath(root, "summary", "findings", NULL)), 2);
  json_decref(root);

  r = make_result();
  r.has_baseline = true;
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  root = render_json("json", &r);
  found = jpath(root, "findings", NULL);
  assert_int_equal(json_array_size(found), 2);
  assert_string_equal(jstr(jpath(found, "0", "baseline_state", NULL)), "new");
  assert_string_equal(jstr(jpath(found, "1", "baseline_state", NULL)), "new");
  assert_int_equal(jint(jpath(root, "summary", "new", NULL)), 2);
  assert_int_equal(jint(jpath(root, "summary", "unchanged", NULL)), 1);
  assert_int_equal(jint(jpath(root, "summary", "errors", NULL)), 0);
  json_decref(root);
}

/* ---- github ---- */

static void test_report__github_lines(void **state)
{
  scl_result r = make_result();
  char *out = render("github", &r, NULL);
  assert_string_equal(out,
    "::warning file=app/jobs.py,line=8,col=11,endLine=8,endColumn=25,title=SCL003 "
    "query-in-loop::db.find_one(u) runs once per iteration of the loop at line 5\n"
    "::error file=app/users.py,line=12,col=19,endLine=12,endColumn=50,title=SCL001 "
    "hard-result-cap::`find({}).to_list(1000)` stops at 1000 results\n"
    "::notice file=" UTF8_PATH ",line=3,col=19,endLine=3,endColumn=24,title=SCL099 "
    "custom-rule::get() is slow\n"
    "::warning file=vendor/blob.bin::skipped (binary): looks like a binary file\n");
  free(out);
}

static void test_report__github_escaping(void **state)
{
  scl_result r = make_result();
  scl_finding f = fixture_findings[1];
  f.path = "./odd,dir/a:b%c.py";
  f.message = "100% of rows\r\nnext, then: done";
  f.span = (scl_span){ 1, 1, 1, 5, 0, 0 };
  r.findings = &f;
  r.finding_count = 1;
  scl_notice n = { "x,y:z.bin", SCL_LEVEL_NOTE, "parse-error", "line 3: 50% parsed" };
  r.notices = &n;
  char *out = render("github", &r, NULL);
  assert_string_equal(out,
    "::error file=odd%2Cdir/a%3Ab%25c.py,line=1,col=1,endLine=1,endColumn=5,"
    "title=SCL001 hard-result-cap::100%25 of rows%0D%0Anext, then: done\n"
    "::notice file=x%2Cy%3Az.bin::parse-error: line 3: 50%25 parsed\n");
  free(out);
}

static void test_report__github_multiline_span(void **state)
{
  scl_result r = make_result();
  scl_finding f = fixture_findings[1];
  f.span = (scl_span){ 12, 19, 14, 3, 0, 0 };
  r.findings = &f;
  r.finding_count = 1;
  r.notice_count = 0;
  char *out = render("github", &r, NULL);
  assert_string_equal(out, "::error file=app/users.py,line=12,endLine=14,title=SCL001 "
                           "hard-result-cap::`find({}).to_list(1000)` stops at 1000 results\n");
  free(out);
}

static void test_report__github_suppressed(void **state)
{
  scl_result r = make_result();
  r.notice_count = 0;
  r.has_baseline = true;
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[0].justification = "batched, see: #12";
  fixture_findings[1].baseline_state = SCL_BASELINE_UNCHANGED;
  char *out = render("github", &r, NULL);
  assert_null(strstr(out, "app/jobs.py"));
  assert_null(strstr(out, "app/users.py"));
  assert_non_null(strstr(out, "title=SCL099"));
  free(out);

  scl_report_opts opts = { .show_suppressed = true };
  out = render("github", &r, &opts);
  assert_non_null(strstr(out, "at line 5 (suppressed: batched, see: #12)\n"));
  assert_non_null(strstr(out, "stops at 1000 results (unchanged since baseline)\n"));
  free(out);
}

/* ---- gitlab ---- */

static void test_report__gitlab_issues(void **state)
{
  scl_result r = make_result();
  json_t *root = render_json("gitlab", &r);
  assert_true(json_is_array(root));
  assert_int_equal(json_array_size(root), 3); /* notices are not issues */

  json_t *i0 = jpath(root, "0", NULL);
  assert_int_equal(json_object_size(i0), 5);
  assert_string_equal(jstr(jpath(i0, "description", NULL)),
                      "db.find_one(u) runs once per iteration of the loop at line 5");
  assert_string_equal(jstr(jpath(i0, "check_name", NULL)), "SCL003");
  assert_string_equal(jstr(jpath(i0, "severity", NULL)), "minor");
  assert_string_equal(jstr(jpath(i0, "location", "path", NULL)), "app/jobs.py");
  assert_int_equal(jint(jpath(i0, "location", "lines", "begin", NULL)), 8);
  assert_string_equal(jstr(jpath(root, "1", "severity", NULL)), "major");
  assert_string_equal(jstr(jpath(root, "2", "severity", NULL)), "info");
  assert_string_equal(jstr(jpath(root, "2", "location", "path", NULL)), UTF8_PATH);

  for (size_t i = 0; i < 3; i++) {
    char idx[4];
    snprintf(idx, sizeof(idx), "%zu", i);
    const char *fp = jstr(jpath(root, idx, "fingerprint", NULL));
    assert_int_equal(strlen(fp), 16);
    assert_int_equal(strspn(fp, "0123456789abcdef"), 16);
  }
  assert_string_not_equal(jstr(jpath(root, "0", "fingerprint", NULL)),
                          jstr(jpath(root, "1", "fingerprint", NULL)));
  json_decref(root);
}

static void test_report__gitlab_fingerprints_unique(void **state)
{
  scl_result r = make_result();
  /* the same own fingerprint three times: twice for the same rule and
   * path, once for another rule */
  scl_finding twins[3] = { fixture_findings[1], fixture_findings[1], fixture_findings[1] };
  twins[1].span.start_line = 13;
  twins[2].rule_id = "SCL002";
  twins[2].path = "./app/users.py";
  r.findings = twins;
  r.finding_count = 3;
  json_t *a = render_json("gitlab", &r);
  const char *fp0 = jstr(jpath(a, "0", "fingerprint", NULL));
  const char *fp1 = jstr(jpath(a, "1", "fingerprint", NULL));
  const char *fp2 = jstr(jpath(a, "2", "fingerprint", NULL));
  assert_string_not_equal(fp0, fp1);
  assert_string_not_equal(fp0, fp2);
  assert_string_not_equal(fp1, fp2);
  assert_string_equal(jstr(jpath(a, "2", "location", "path", NULL)), "app/users.py");

  /* the first of them keeps its fingerprint when the others go away */
  r.finding_count = 1;
  json_t *b = render_json("gitlab", &r);
  assert_string_equal(fp0, jstr(jpath(b, "0", "fingerprint", NULL)));
  json_decref(a);
  json_decref(b);
}

static void test_report__gitlab_suppressed_and_empty(void **state)
{
  scl_result r = make_result();
  fixture_findings[0].suppression = SCL_SUPPRESS_IN_SOURCE;
  fixture_findings[2].suppression = SCL_SUPPRESS_EXTERNAL;
  json_t *root = render_json("gitlab", &r);
  assert_int_equal(json_array_size(root), 1);
  assert_string_equal(jstr(jpath(root, "0", "check_name", NULL)), "SCL001");
  json_decref(root);

  scl_report_opts opts = { .show_suppressed = true };
  root = render_json_opts("gitlab", &r, &opts);
  assert_int_equal(json_array_size(root), 3);
  json_decref(root);

  r.finding_count = 0;
  char *out = render("gitlab", &r, NULL);
  assert_string_equal(out, "[]\n");
  free(out);
}

/* ---- examples for docs/output-formats.md ---- */

static void test_report__examples(void **state)
{
  const char *dir = getenv("SCALINT_REPORT_EXAMPLES");
  if (!dir || !*dir) {
    skip();
    return;
  }
  /* one active finding with a related location, one suppressed in source,
   * one skipped file; only the rules that fired */
  static const scl_location loop[] = {
    { "app/jobs.py", { 5, 5, 5, 24, 0, 0 }, "the loop over users" },
  };
  static scl_rule_info rules[2];
  rules[0] = fixture_rules[0];
  rules[1] = fixture_rules[1];
  scl_finding f[2] = {
    { "SCL003", "query-in-loop", SCL_LEVEL_WARNING, "app/jobs.py",
      { 8, 18, 8, 50, 0, 0 }, "find_one() runs once per iteration of the loop at line 5",
      "        order = await db.orders.find_one({\"user\": u.id})", loop, 1, NULL,
      SCL_SUPPRESS_NONE, NULL, SCL_BASELINE_NONE },
    { "SCL001", "hard-result-cap", SCL_LEVEL_ERROR, "app/users.py",
      { 12, 19, 12, 50, 0, 0 }, "`find({}).to_list(1000)` stops at 1000 results", CAP_LINE,
      NULL, 0, NULL, SCL_SUPPRESS_IN_SOURCE, "admin page, at most 200 users",
      SCL_BASELINE_NONE },
  };
  scl_notice n = { "vendor/blob.bin", SCL_LEVEL_WARNING, "binary", "looks like a binary file" };
  scl_result r = { 0 };
  r.findings = f;
  r.finding_count = 2;
  r.notices = &n;
  r.notice_count = 1;
  r.rules = rules;
  r.rule_count = 2;
  r.files_scanned = 2;

  char *old_cwd = getcwd(NULL, 0);
  assert_non_null(old_cwd);
  assert_int_equal(chdir(dir), 0); /* %SRCROOT% then names DIR */
  const char *formats[] = { "text", "json", "sarif", "github", "gitlab" };
  for (size_t i = 0; i < 5; i++) {
    char path[512];
    snprintf(path, sizeof(path), "example.%s", formats[i]);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    scl_report_opts opts = { .show_source = true, .statistics = true,
                             .automation_id = "scalint/ci/" };
    scl_diag diag;
    scl_diag_clear(&diag);
    assert_int_equal(scl_report_write(out, formats[i], &r, &opts, &diag), SCL_OK);
    fclose(out);
  }
  FILE *out = fopen("example.show-suppressed.text", "w");
  assert_non_null(out);
  scl_report_opts opts = { .show_source = false, .show_suppressed = true };
  scl_diag diag;
  assert_int_equal(scl_report_write(out, "text", &r, &opts, &diag), SCL_OK);
  fclose(out);
  assert_int_equal(chdir(old_cwd), 0);
  free(old_cwd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_report__formats),
    cmocka_unit_test(test_report__unknown_format),
    cmocka_unit_test(test_report__write_error),
    cmocka_unit_test(test_report__deterministic),
    cmocka_unit_test(test_report__text_header_line),
    cmocka_unit_test(test_report__text_caret_plain),
    cmocka_unit_test(test_report__text_caret_after_tab),
    cmocka_unit_test(test_report__text_caret_after_utf8),
    cmocka_unit_test(test_report__text_caret_multiline_and_empty),
    cmocka_unit_test(test_report__text_why_instead_related),
    cmocka_unit_test(test_report__text_no_source),
    cmocka_unit_test(test_report__text_color),
    cmocka_unit_test(test_report__text_notices_and_summary),
    cmocka_unit_test(test_report__text_no_problems),
    cmocka_unit_test(test_report__text_hides_suppressed),
    cmocka_unit_test(test_report__text_all_suppressed),
    cmocka_unit_test(test_report__text_baseline),
    cmocka_unit_test(test_report__text_statistics),
    cmocka_unit_test(test_report__text_statistics_ties_and_widths),
    cmocka_unit_test(test_report__json_fields),
    cmocka_unit_test(test_report__json_invalid_utf8),
    cmocka_unit_test(test_report__json_suppressed_and_baseline),
    cmocka_unit_test(test_report__fingerprints_computed),
    cmocka_unit_test(test_report__sarif_driver_and_rules),
    cmocka_unit_test(test_report__sarif_results),
    cmocka_unit_test(test_report__sarif_notifications),
    cmocka_unit_test(test_report__sarif_precision_and_no_extras),
    cmocka_unit_test(test_report__sarif_suppressions),
    cmocka_unit_test(test_report__sarif_baseline_state),
    cmocka_unit_test(test_report__sarif_automation_id),
    cmocka_unit_test(test_report__sarif_validates),
    cmocka_unit_test(test_report__github_lines),
    cmocka_unit_test(test_report__github_escaping),
    cmocka_unit_test(test_report__github_multiline_span),
    cmocka_unit_test(test_report__github_suppressed),
    cmocka_unit_test(test_report__gitlab_issues),
    cmocka_unit_test(test_report__gitlab_fingerprints_unique),
    cmocka_unit_test(test_report__gitlab_suppressed_and_empty),
    cmocka_unit_test(test_report__examples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
