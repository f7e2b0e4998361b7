/*
 * test_report.c - unit tests for the reporters (text, json, sarif).
 *
 * Each case builds a small scl_result by hand, renders it into a memory
 * stream and checks the bytes (text) or the parsed document (json, sarif).
 * The SARIF cases also run the shared validator when it is present. Nothing
 * here reaches into the reporters' private state; only scalint.h is used.
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
    "builtin" },
  { "SCL003", "query-in-loop", SCL_LEVEL_WARNING, "py c", "Query once per loop iteration",
    "N users means N round trips.", "Fetch all rows with one query before the loop.", "", NULL,
    "builtin" },
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
                        jobs_related, 2, NULL };
  f[1] = (scl_finding){ "SCL001", "hard-result-cap", SCL_LEVEL_ERROR, "app/users.py",
                        span_of(12, CAP_LINE, "db.users.find({}).to_list(1000)"),
                        "`find({}).to_list(1000)` stops at 1000 results", CAP_LINE, NULL, 0,
                        "0123456789abcdef" };
  f[2] = (scl_finding){ "SCL099", "custom-rule", SCL_LEVEL_NOTE, UTF8_PATH,
                        span_of(3, UTF8_LINE, "get()"), "get() is slow", UTF8_LINE, NULL, 0,
                        NULL };
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

static json_t *render_json(const char *format, const scl_result *r)
{
  char *out = render(format, r, NULL);
  json_error_t err;
  json_t *root = json_loads(out, 0, &err);
  if (!root)
    fail_msg("%s output does not parse: %s (line %d)", format, err.text, err.line);
  free(out);
  return root;
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
  assert_null(f[3]);
}

static void test_report__unknown_format(void **state)
{
  scl_result r = make_result();
  scl_diag diag;
  scl_diag_clear(&diag);
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(scl_report_write(f, "xml", &r, NULL, &diag), SCL_EINVAL);
  assert_string_equal(diag.msg, "unknown format 'xml' (expected text, json or sarif)");
  assert_int_equal(ftell(f), 0);
  fclose(f);
}

static void test_report__write_error(void **state)
{
  scl_result r = make_result();
  const char *formats[] = { "text", "json", "sarif" };
  for (size_t i = 0; i < 3; i++) {
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
  const char *formats[] = { "text", "json", "sarif" };
  for (size_t i = 0; i < 3; i++) {
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

/* Writes r as SARIF to a temp file and runs the shared validator on it. */
static void validate(const scl_result *r)
{
  if (access(VALIDATOR, X_OK) != 0) {
    skip();
    return;
  }
  char path[] = "/tmp/scalint-test-XXXXXX.sarif";
  int fd = mkstemps(path, 6);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  scl_diag diag;
  assert_int_equal(scl_report_write(f, "sarif", r, NULL, &diag), SCL_OK);
  fclose(f);
  char cmd[512];
  snprintf(cmd, sizeof(cmd), "'%s' -q --strict '%s'", VALIDATOR, path);
  int rc = system(cmd);
  unlink(path);
  assert_true(WIFEXITED(rc));
  assert_int_equal(WEXITSTATUS(rc), 0);
}

static void test_report__sarif_validates(void **state)
{
  scl_result r = make_result();
  validate(&r);
}

static void test_report__sarif_validates_empty(void **state)
{
  scl_result r = make_result();
  r.finding_count = 0;
  r.notice_count = 0;
  validate(&r);
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
    cmocka_unit_test(test_report__json_fields),
    cmocka_unit_test(test_report__json_invalid_utf8),
    cmocka_unit_test(test_report__fingerprints_computed),
    cmocka_unit_test(test_report__sarif_driver_and_rules),
    cmocka_unit_test(test_report__sarif_results),
    cmocka_unit_test(test_report__sarif_notifications),
    cmocka_unit_test(test_report__sarif_validates),
    cmocka_unit_test(test_report__sarif_validates_empty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
