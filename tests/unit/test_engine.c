/*
 * test_engine.c - unit tests of the rule loader and the matching engine:
 * every loader error with its position, selection, compile errors placed in
 * the rule file, and scans of real Python, JavaScript and C snippets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "engine/pattern.h"
#include "engine/regex.h"
#include "frontend/frontend.h"
#include "util/arena.h"
#include "util/limits.h"

/* ---- helpers ---- */

#define MAX_ERRORS 32

typedef struct errors {
  char msgs[MAX_ERRORS][SCL_DIAG_SIZE + SCL_DIAG_PATH + 32];
  unsigned count;
} errors;

static void collect(const scl_diag *diag, void *payload)
{
  errors *e = payload;
  if (e->count < MAX_ERRORS)
    scl_diag_format(diag, e->msgs[e->count], sizeof(e->msgs[0]));
  e->count++;
}

/* True if some collected error contains needle. */
static bool has_error(const errors *e, const char *needle)
{
  for (unsigned i = 0; i < e->count && i < MAX_ERRORS; i++) {
    if (strstr(e->msgs[i], needle))
      return true;
  }
  return false;
}

static void dump_errors(const errors *e)
{
  for (unsigned i = 0; i < e->count && i < MAX_ERRORS; i++)
    print_message("  error: %s\n", e->msgs[i]);
}

#define DOC                          \
  "doc: |\n"                         \
  "  ## What it catches\n"           \
  "  Something.\n"                   \
  "  ## Why it hurts at 10K users\n" \
  "  ## Instead\n"                   \
  "  ## Known false positives\n"     \
  "  ## Parameters\n"                \
  "  None.\n"

#define HEAD(id, slug, langs)                   \
  "id: " id "\n"                                \
  "slug: " slug "\n"                            \
  "level: warning\n"                            \
  "languages: " langs "\n"                      \
  "title: A test rule\n"                        \
  "message: \"found {{call}}\"\n"               \
  "why: Because.\n"                             \
  "instead: Something else.\n"

/* Loads text as origin into a fresh ruleset. */
static scl_status load(scl_ruleset **rs, const char *origin, const char *text, errors *e)
{
  scl_diag d;
  memset(e, 0, sizeof(*e));
  assert_int_equal(scl_ruleset_new(rs, &d), SCL_OK);
  return scl_ruleset_add_text(*rs, origin, text, strlen(text), false, collect, e, &d);
}

/* Loads text, expects failure with an error containing needle. */
static void expect_load_error(const char *origin, const char *text, const char *needle)
{
  scl_ruleset *rs = NULL;
  errors e;
  assert_int_equal(load(&rs, origin, text, &e), SCL_ERULE);
  if (!has_error(&e, needle)) {
    dump_errors(&e);
    print_message("expected an error containing: %s\n", needle);
    fail();
  }
  scl_ruleset_free(rs);
}

/* ---- loader ---- */

static void test_engine__valid_rule_loads(void **state)
{
  (void)state;
  scl_ruleset *rs = NULL;
  errors e;
  const char *text = HEAD("SCL900", "thing-call", "[py, js]")
    "references: [https://example.invalid/help, https://example.invalid/more]\n"
    "tags: [data-access]\n"
    "match:\n"
    "  py: &m {pattern: \"(call) @call\"}\n"
    "  js: {pattern: \"(call_expression) @call\"}\n" DOC;
  assert_int_equal(load(&rs, "rules/SCL900-thing-call.yaml", text, &e), SCL_OK);
  assert_int_equal(e.count, 0);
  assert_int_equal(scl_ruleset_count(rs), 1);
  const scl_rule_info *info = scl_ruleset_info(rs, 0);
  assert_string_equal(info->id, "SCL900");
  assert_string_equal(info->slug, "thing-call");
  assert_string_equal(info->languages, "py js");
  assert_string_equal(info->help_uri, "https://example.invalid/help");
  assert_string_equal(info->origin, "rules/SCL900-thing-call.yaml");
  assert_int_equal(info->level, SCL_LEVEL_WARNING);
  assert_non_null(strstr(info->doc, "## Parameters"));
  assert_null(scl_ruleset_info(rs, 1));
  scl_ruleset_free(rs);
}

static void test_engine__unknown_key(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "lavel: error\n"
    "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    "SCL900-thing-call.yaml:9:1: unknown key 'lavel'; did you mean 'level'?");
  expect_load_error("SCL900-thing-call.yaml", text, "expected one of: id, slug, level");
}

static void test_engine__wrong_type(void **state)
{
  (void)state;
  const char *text = "id: SCL900\nslug: thing-call\nlevel: warning\nlanguages: py\n"
                     "title: t\nmessage: m\nwhy: w\ninstead: i\n"
                     "match:\n  py: {pattern: \"(call)\"}\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    "SCL900-thing-call.yaml:4:12: 'languages' must be a list, got a string");
}

static void test_engine__bad_id_and_slug(void **state)
{
  (void)state;
  const char *text = HEAD("scl9", "Thing_Call", "[py]")
    "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  expect_load_error("scl9-Thing_Call.yaml", text, ":1:5: id 'scl9' must be capital letters");
  expect_load_error("scl9-Thing_Call.yaml", text, ":2:7: slug 'Thing_Call' must be lower-case");
}

static void test_engine__file_name_mismatch(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  expect_load_error("rules/SCL901-thing-call.yaml", text,
                    "rules/SCL901-thing-call.yaml:1:5: file name 'SCL901-thing-call.yaml' does "
                    "not match the rule's id and slug: expected 'SCL900-thing-call.yaml'");
  scl_ruleset *rs = NULL;
  errors e;
  assert_int_equal(load(&rs, "/x/y/SCL900-thing-call.yml", text, &e), SCL_OK);
  scl_ruleset_free(rs);
}

static void test_engine__missing_heading_and_level(void **state)
{
  (void)state;
  const char *text = "id: SCL900\nslug: thing-call\nlevel: severe\nlanguages: [py]\n"
                     "title: t\nmessage: m\nwhy: w\ninstead: i\n"
                     "match:\n  py: {pattern: \"(call)\"}\n"
                     "doc: |\n  ## What it catches\n  ## Instead\n  ## Known false positives\n"
                     "  ## Parameters\n";
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":11:6: doc is missing the heading '## Why it hurts at 10K users'");
  expect_load_error("SCL900-thing-call.yaml", text, ":3:8: level 'severe' must be one of");
}

static void test_engine__missing_keys_and_languages(void **state)
{
  (void)state;
  const char *text = "id: SCL900\nslug: thing-call\nlevel: note\nlanguages: [py, js, py, go]\n"
                     "title: t\nwhy: w\ninstead: i\n"
                     "match:\n  py: {pattern: \"(call)\"}\n  c: {pattern: \"(CallExpr)\"}\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text, ":1:1: missing required key 'message'");
  expect_load_error("SCL900-thing-call.yaml", text, ":4:21: language 'py' is listed twice");
  expect_load_error("SCL900-thing-call.yaml", text, ":4:25: unknown language 'go'");
  expect_load_error("SCL900-thing-call.yaml", text, ":9:3: match has no entry for 'js'");
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":10:3: match has an entry for 'c' but 'languages' does not list it");
}

static void test_engine__unknown_fact(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call) @call\"\n"
    "    where:\n"
    "      - fact: in-lop\n"
    "      - fact: {name: in-function, through-calls: true}\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":13:15: unknown fact 'in-lop' (known facts: in-loop, in-handler");
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":14:50: fact 'in-function' does not support through-calls");
}

static void test_engine__undeclared_param(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "params:\n  min_cap: 100\n"
    "match:\n"
    "  py:\n"
    "    pattern: \"(call arguments: (argument_list (integer) @n)) @call\"\n"
    "    where:\n"
    "      - compare: {capture: n, op: '>=', param: max_cap}\n"
    "      - compare: {capture: n, op: '=>', value: 3}\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":15:48: parameter 'max_cap' is not declared under 'params'");
  expect_load_error("SCL900-thing-call.yaml", text, ":16:35: 'op' must be one of");
}

static void test_engine__bad_regex_position(void **state)
{
  (void)state;
  const char *re = "^(find|fetch";
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (identifier) @f) @call\"\n"
    "    where:\n"
    "      - regex: {capture: f, pcre2: '^(find|fetch'}\n" DOC;
  /* the column is the scalar's (36) + the quote + PCRE2's own offset - 1 */
  scl_regex *r = NULL;
  scl_diag d;
  scl_diag_clear(&d);
  assert_int_equal(scl_regex_compile(&r, re, &d), SCL_ERULE);
  assert_true(d.col >= 1);
  char want[64];
  snprintf(want, sizeof(want), ":13:%u: bad regex: ", 36 + 1 + d.col - 1);
  expect_load_error("SCL900-thing-call.yaml", text, want);
}

static void test_engine__unknown_capture_reference(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (identifier) @f) @call\"\n"
    "    where:\n"
    "      - regex: {capture: fn, pcre2: '^x$'}\n"
    "      - not-inside: {pattern: \"(function_definition name: (identifier) @name)\"}\n"
    "      - regex: {capture: name, pcre2: '^x$'}\n"
    "    report: cal\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":13:26: capture 'fn' is not bound by the pattern for 'py'");
  /* not-inside binds nothing for later constraints */
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":15:26: capture 'name' is not bound by the pattern for 'py'");
  expect_load_error("SCL900-thing-call.yaml", text, ":16:13: capture 'cal' is not bound");

  /* the message must be bound by every alternative */
  const char *text2 = HEAD("SCL900", "thing-call", "[py]")
    "match:\n"
    "  py:\n"
    "    any:\n"
    "      - pattern: \"(call) @call\"\n"
    "      - pattern: \"(attribute) @attr\"\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text2,
                    ":6:17: message uses capture 'call', which is not bound by the pattern");
}

static void test_engine__constraint_shapes(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call) @call\"\n"
    "    where:\n"
    "      - {fact: in-loop, imports: x}\n"
    "      - insde: {pattern: \"(for_statement)\"}\n"
    "      - any: []\n" DOC;
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":13:9: a constraint must be a mapping with exactly one key");
  expect_load_error("SCL900-thing-call.yaml", text,
                    ":14:9: unknown key 'insde'; did you mean 'inside'?");
  expect_load_error("SCL900-thing-call.yaml", text, ":15:14: 'any' must be a non-empty list");
}

static void test_engine__nesting_is_bounded(void **state)
{
  (void)state;
  char text[8192];
  size_t n = (size_t)snprintf(text, sizeof(text), "%s",
                              HEAD("SCL900", "thing-call", "[py]")
                              "match:\n  py:\n    pattern: \"(call) @call\"\n    where:\n      - ");
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(text + n, sizeof(text) - n, "{not: ");
  n += (size_t)snprintf(text + n, sizeof(text) - n, "{fact: in-loop}");
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(text + n, sizeof(text) - n, "}");
  snprintf(text + n, sizeof(text) - n, "\n%s", DOC);
  expect_load_error("SCL900-thing-call.yaml", text, "nested deeper than 32");
}

static void test_engine__duplicate_id_and_yaml_error(void **state)
{
  (void)state;
  const char *text = HEAD("SCL900", "thing-call", "[py]")
    "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  scl_ruleset *rs = NULL;
  errors e;
  scl_diag d;
  assert_int_equal(load(&rs, "a/SCL900-thing-call.yaml", text, &e), SCL_OK);
  assert_int_equal(scl_ruleset_add_text(rs, "b/SCL900-thing-call.yaml", text, strlen(text), false,
                                        collect, &e, &d),
                   SCL_ERULE);
  assert_true(has_error(&e, "b/SCL900-thing-call.yaml:1:5: duplicate rule id 'SCL900' "
                            "(already defined in a/SCL900-thing-call.yaml)"));
  assert_string_equal(d.path, "b/SCL900-thing-call.yaml");
  assert_int_equal(d.line, 1);
  assert_int_equal(scl_ruleset_count(rs), 1);

  e.count = 0;
  const char *bad = "id: [unclosed\n";
  assert_int_equal(scl_ruleset_add_text(rs, "x.yaml", bad, strlen(bad), false, collect, &e, &d),
                   SCL_ERULE);
  assert_int_equal(e.count, 1);
  assert_non_null(strstr(e.msgs[0], "x.yaml:"));
  scl_ruleset_free(rs);
}

static void test_engine__filter(void **state)
{
  (void)state;
  const char *a = HEAD("SCL902", "bbb", "[py]") "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  const char *b = HEAD("SCL901", "aaa", "[py]") "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  scl_ruleset *rs = NULL;
  errors e;
  scl_diag d;
  assert_int_equal(load(&rs, "SCL902-bbb.yaml", a, &e), SCL_OK);
  assert_int_equal(
    scl_ruleset_add_text(rs, "SCL901-aaa.yaml", b, strlen(b), false, collect, &e, &d), SCL_OK);
  assert_int_equal(scl_ruleset_count(rs), 2);
  assert_string_equal(scl_ruleset_info(rs, 0)->id, "SCL901");  /* sorted by id */
  const char *sel[] = {"bbb"};
  assert_int_equal(scl_ruleset_filter(rs, sel, 1, NULL, 0, &d), SCL_OK);
  assert_int_equal(scl_ruleset_count(rs), 1);
  assert_string_equal(scl_ruleset_info(rs, 0)->id, "SCL902");
  const char *ign[] = {"SCL902"};
  assert_int_equal(scl_ruleset_filter(rs, NULL, 0, ign, 1, &d), SCL_OK);
  assert_int_equal(scl_ruleset_count(rs), 1);
  assert_string_equal(scl_ruleset_info(rs, 0)->id, "SCL901");
  const char *unknown[] = {"nope"};
  assert_int_equal(scl_ruleset_filter(rs, unknown, 1, NULL, 0, &d), SCL_EINVAL);
  assert_string_equal(d.msg, "unknown rule 'nope' (see `scalint rules`)");
  assert_true(scl_ruleset_wants(rs, SCL_LANG_PY));
  assert_false(scl_ruleset_wants(rs, SCL_LANG_JS));
  assert_int_equal(scl_ruleset_add_builtin(rs, collect, &e, &d), SCL_OK);
  scl_ruleset_free(rs);
}

static void test_engine__compile_error_position(void **state)
{
  (void)state;
  const char *pat = "(call function: (cal))";
  const char *text = HEAD("SCL900", "thing-call", "[py, ts]")
    "match:\n"
    "  py: {pattern: \"(call function: (cal)) @call\"}\n"
    "  ts:\n"
    "    pattern: |\n"
    "      (call_expression\n"
    "        function: (identifer)) @call\n" DOC;
  scl_ruleset *rs = NULL;
  errors e;
  scl_diag d;
  assert_int_equal(load(&rs, "rules/SCL900-thing-call.yaml", text, &e), SCL_OK);
  assert_int_equal(scl_ruleset_compile(rs, collect, &e, &d), SCL_ERULE);
  /* single-line: scalar column 17, + 1 for the quote, + the pattern's column - 1 */
  scl_pattern *p = NULL;
  scl_arena arena;
  scl_arena_init(&arena);
  scl_diag pd;
  scl_diag_clear(&pd);
  assert_int_equal(scl_pattern_compile(&p, pat, scl_frontend_kinds(SCL_LANG_PY), &arena, &pd),
                   SCL_ERULE);
  char want[128];
  snprintf(want, sizeof(want), "rules/SCL900-thing-call.yaml:10:%u: ", 17 + 1 + pd.col - 1);
  assert_true(has_error(&e, want));
  assert_true(has_error(&e, "python"));
  /* block scalar: the line after '|' + the pattern's line - 1, indentation 6 */
  scl_diag_clear(&pd);
  assert_int_equal(scl_pattern_compile(&p, "(call_expression\n  function: (identifer)) @call\n",
                                       scl_frontend_kinds(SCL_LANG_TS), &arena, &pd),
                   SCL_ERULE);
  snprintf(want, sizeof(want), "rules/SCL900-thing-call.yaml:%u:%u: ", 12 + pd.line,
           6 + pd.col);
  assert_true(has_error(&e, want));
  assert_true(has_error(&e, "typescript"));
  assert_false(has_error(&e, "tsx"));  /* TSX would only repeat TypeScript's error */
  scl_arena_dispose(&arena);
  scl_ruleset_free(rs);
}

/* ---- scanning ---- */

typedef struct scan_result {
  scl_finding_vec findings;
  scl_notice_vec notices;
  scl_arena out_arena;
} scan_result;

/* Loads one rule (origin from its id and slug), compiles it, parses src as
 * lang and scans it. */
static void scan(scan_result *res, const char *origin, const char *rule, scl_lang lang,
                 const char *src)
{
  scl_ruleset *rs = NULL;
  errors e;
  scl_diag d;
  scl_diag_clear(&d);
  if (load(&rs, origin, rule, &e) != SCL_OK) {
    dump_errors(&e);
    fail();
  }
  if (scl_ruleset_compile(rs, collect, &e, &d) != SCL_OK) {
    dump_errors(&e);
    fail();
  }
  scl_frontend *fe = NULL;
  assert_int_equal(scl_frontend_new(&fe, &d), SCL_OK);
  scl_arena tree_arena, scratch;
  scl_arena_init(&tree_arena);
  scl_arena_init(&scratch);
  memset(res, 0, sizeof(*res));
  scl_arena_init(&res->out_arena);
  scl_tree tree;
  const char *path = lang == SCL_LANG_C ? "t.c" : lang == SCL_LANG_PY ? "t.py" : "t.js";
  assert_int_equal(scl_frontend_parse(&tree, fe, lang, path, src, strlen(src), &tree_arena, &d),
                   SCL_OK);
  assert_int_equal(scl_engine_scan(&res->findings, &res->notices, NULL, &res->out_arena, rs, &tree,
                                   lang, "src/t.x", &scratch, &d),
                   SCL_OK);
  /* findings must outlive the tree, the scratch arena and the ruleset */
  scl_arena_dispose(&scratch);
  scl_arena_dispose(&tree_arena);
  scl_frontend_free(fe);
  scl_ruleset_free(rs);
}

static void scan_free(scan_result *res)
{
  free(res->findings.items);
  free(res->notices.items);
  scl_arena_dispose(&res->out_arena);
}

/* Lines of the findings, in order, as "3 5" for checking. */
static const char *lines_of(const scan_result *res, char *buf, size_t size)
{
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < res->findings.count && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? " " : "",
                          (unsigned)res->findings.items[i].span.start_line);
  return buf;
}

static void expect_lines(const scan_result *res, const char *want)
{
  char buf[256];
  lines_of(res, buf, sizeof(buf));
  if (strcmp(buf, want) != 0) {
    for (size_t i = 0; i < res->findings.count; i++)
      print_message("  finding %u:%u %s\n", (unsigned)res->findings.items[i].span.start_line,
                    (unsigned)res->findings.items[i].span.start_col,
                    res->findings.items[i].message);
  }
  assert_string_equal(buf, want);
}

static void test_engine__scan_regex_compare_message(void **state)
{
  (void)state;
  const char *rule =
    "id: SCL910\nslug: cap\nlevel: error\nlanguages: [py]\ntitle: t\n"
    "message: \"`{{call}}` stops at {{cap}} (min {{param.min_cap}}) line {{cap.line}}\"\n"
    "why: w\ninstead: i\nparams:\n  min_cap: 100\n"
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (attribute attribute: (identifier) @m) arguments: "
    "(argument_list (integer) @cap)) @call\"\n"
    "    where:\n"
    "      - regex: {capture: m, pcre2: '^to_list$'}\n"
    "      - compare: {capture: cap, op: '>=', param: min_cap}\n"
    "    report: cap\n" DOC;
  const char *src = "a = cur.to_list(1_000)\n"
                    "b = cur.to_list(10)\n"
                    "c = cur.other(1000)\n"
                    "d = cur.to_list(\n    0x64)\n";
  scan_result res;
  scan(&res, "SCL910-cap.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 5");
  const scl_finding *f = &res.findings.items[0];
  assert_string_equal(f->rule_id, "SCL910");
  assert_string_equal(f->slug, "cap");
  assert_int_equal(f->level, SCL_LEVEL_ERROR);
  assert_string_equal(f->path, "src/t.x");
  assert_int_equal(f->span.start_col, 17);  /* the report capture, not the call */
  assert_string_equal(f->message, "`cur.to_list(1_000)` stops at 1_000 (min 100) line 1");
  assert_string_equal(f->line_text, "a = cur.to_list(1_000)");
  assert_int_equal(strlen(f->fingerprint), 16);
  /* whitespace collapsed in capture text */
  assert_string_equal(res.findings.items[1].message,
                      "`cur.to_list( 0x64)` stops at 0x64 (min 100) line 5");
  assert_int_equal(res.findings.items[1].span.start_line, 5);
  scan_free(&res);
}

static void test_engine__scan_fact_in_loop_and_not_inside(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL911", "loop", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (attribute attribute: (identifier) @m)) @call\"\n"
    "    where:\n"
    "      - regex: {capture: m, pcre2: '^find_one$'}\n"
    "      - fact: in-loop\n"
    "      - not-inside: {pattern: \"(with_statement)\"}\n" DOC;
  const char *src = "db.find_one(1)\n"
                    "for u in users:\n"
                    "    db.find_one(u)\n"
                    "    with lock:\n"
                    "        db.find_one(u)\n"
                    "    db.other(u)\n";
  scan_result res;
  scan(&res, "SCL911-loop.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "3");
  assert_string_equal(res.findings.items[0].message, "found db.find_one(u)");
  assert_int_equal(res.findings.items[0].related_count, 0);
  scan_free(&res);
}

static void test_engine__scan_has_not_has(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL912", "has", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(function_definition name: (identifier) @call)\"\n"
    "    where:\n"
    "      - has: {pattern: \"(call function: (attribute attribute: (identifier) @s))\"}\n"
    "      - regex: {capture: s, pcre2: '^sleep$'}\n"
    "      - not-has: {pattern: \"(return_statement)\"}\n" DOC;
  const char *src = "def a():\n    time.sleep(1)\n"
                    "def b():\n    time.sleep(1)\n    return 2\n"
                    "def c():\n    time.time()\n";
  scan_result res;
  scan(&res, "SCL912-has.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1");
  assert_string_equal(res.findings.items[0].message, "found a");
  scan_free(&res);
}

static void test_engine__scan_file_has_metavariable(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL913", "global-state", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(assignment left: (subscript value: (identifier) @var)) @call\"\n"
    "    where:\n"
    "      - fact: in-function\n"
    "      - file-has:\n"
    "          pattern: \"(assignment left: (identifier) @var right: (dictionary)) @decl\"\n"
    "          where: [fact: at-module-scope]\n"
    "    report: var\n" DOC;
  const char *src = "sessions = {}\n"
                    "def login(tok, user):\n"
                    "    sessions[tok] = user\n"
                    "    local = {}\n"
                    "    local[tok] = user\n"
                    "    sessions[user] = tok\n"
                    "def other():\n"
                    "    sessions[1] = 2\n";
  scan_result res;
  scan(&res, "SCL913-global-state.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "3 6 8");
  assert_string_equal(res.findings.items[0].message, "found sessions[tok] = user");
  scan_free(&res);
}

static void test_engine__scan_any_all_not(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL914", "logic", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (identifier) @f) @call\"\n"
    "    where:\n"
    "      - any:\n"
    "          - regex: {capture: f, pcre2: '^get'}\n"
    "          - all:\n"
    "              - regex: {capture: f, pcre2: '^post'}\n"
    "              - fact: in-function\n"
    "      - not: {regex: {capture: f, pcre2: 'safe$'}}\n" DOC;
  const char *src = "get_a()\n"
                    "post_b()\n"
                    "get_safe()\n"
                    "def h():\n"
                    "    post_c()\n"
                    "    other()\n";
  scan_result res;
  scan(&res, "SCL914-logic.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 5");
  scan_free(&res);
}

static void test_engine__scan_dedupe_alternatives(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL915", "alts", "[py]")
    "match:\n"
    "  py:\n"
    "    any:\n"
    "      - pattern: \"(call) @call\"\n"
    "      - pattern: \"(call function: (identifier)) @call\"\n"
    "      - {pattern: \"(_ (call) @call)\", report: call}\n" DOC;
  const char *src = "f()\nx = g(1)\nf()\n";
  scan_result res;
  scan(&res, "SCL915-alts.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 2 3");
  /* same rule, same normalised line text, different occurrence */
  assert_string_not_equal(res.findings.items[0].fingerprint, res.findings.items[2].fingerprint);
  scan_free(&res);
}

static void test_engine__scan_through_calls_related(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL916", "through", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (attribute attribute: (identifier) @m)) @call\"\n"
    "    where:\n"
    "      - regex: {capture: m, pcre2: '^find_one$'}\n"
    "      - fact: {name: in-loop, through-calls: true}\n" DOC;
  const char *src = "def load(u):\n"
                    "    return db.find_one(u)\n"
                    "\n"
                    "for u in users:\n"
                    "    load(u)\n";
  scan_result res;
  scan(&res, "SCL916-through.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "2");
  const scl_finding *f = &res.findings.items[0];
  assert_true(f->related_count >= 2);
  assert_int_equal(f->related[0].span.start_line, 4);  /* the loop first */
  assert_non_null(strstr(f->related[0].message, "line 4"));
  assert_int_equal(f->related[1].span.start_line, 5);  /* then the call site */
  assert_string_equal(f->related[1].path, "src/t.x");
  scan_free(&res);
}

static void test_engine__scan_limit_notice(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL917", "many", "[py]")
    "match:\n  py: {pattern: \"(call) @call\"}\n" DOC;
  size_t count = SCL_MAX_MATCHES_PER_RULE + 5;
  char *src = malloc(count * 4 + 1);
  for (size_t i = 0; i < count; i++)
    memcpy(src + i * 4, "f()\n", 4);
  src[count * 4] = '\0';
  scan_result res;
  scan(&res, "SCL917-many.yaml", rule, SCL_LANG_PY, src);
  assert_int_equal(res.findings.count, SCL_MAX_MATCHES_PER_RULE);
  assert_int_equal(res.notices.count, 1);
  assert_string_equal(res.notices.items[0].kind, "limit");
  assert_string_equal(res.notices.items[0].message,
                      "SCL917: more than 1000 findings in this file; the rest are not reported");
  scan_free(&res);
  free(src);
}

static void test_engine__scan_javascript(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL918", "js-loop", "[js, ts]")
    "match:\n"
    "  js: &m\n"
    "    pattern: \"(call_expression function: (member_expression property: "
    "(property_identifier) @p)) @call\"\n"
    "    where:\n"
    "      - regex: {capture: p, pcre2: '^findOne$'}\n"
    "      - fact: in-loop\n"
    "  ts: *m\n" DOC;
  const char *src = "db.findOne(1);\n"
                    "for (const u of users) {\n"
                    "  db.findOne(u);\n"
                    "}\n"
                    "users.forEach((u) => db.findOne(u));\n";
  scan_result res;
  scan(&res, "SCL918-js-loop.yaml", rule, SCL_LANG_JS, src);
  expect_lines(&res, "3 5");
  scan_free(&res);
}

static void test_engine__scan_c(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL919", "c-loop", "[c]")
    "match:\n"
    "  c:\n"
    "    pattern: \"(CallExpr callee: (DeclRefExpr) @f) @call\"\n"
    "    where:\n"
    "      - regex: {capture: f, pcre2: '^PQexec$'}\n"
    "      - fact: in-loop\n" DOC;
  const char *src = "void *PQexec(void *c, const char *q);\n"
                    "void run(void *c, int n) {\n"
                    "  PQexec(c, \"a\");\n"
                    "  for (int i = 0; i < n; i++) {\n"
                    "    PQexec(c, \"b\");\n"
                    "  }\n"
                    "}\n";
  scan_result res;
  scan(&res, "SCL919-c-loop.yaml", rule, SCL_LANG_C, src);
  expect_lines(&res, "5");
  scan_free(&res);
}

static void test_engine__parse_int_literals(void **state)
{
  (void)state;
  /* exercised through compare with value: */
  const char *rule = HEAD("SCL920", "ints", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call arguments: (argument_list (integer) @n)) @call\"\n"
    "    where:\n"
    "      - compare: {capture: n, op: '==', value: 1000}\n" DOC;
  const char *src = "f(1000)\nf(1_000)\nf(0x3e8)\nf(0o1750)\nf(0b1111101000)\nf(999)\nf(10000)\n";
  scan_result res;
  scan(&res, "SCL920-ints.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 2 3 4 5");
  scan_free(&res);
}

static void test_engine__scan_imports_and_inside_of(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL921", "imports", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (attribute object: (identifier) @obj)) @call\"\n"
    "    where:\n"
    "      - imports: '^motor(\\.|$)'\n"
    "      - not-imports: '^pymongo$'\n"
    "      - inside:\n"
    "          of: obj\n"
    "          pattern: \"(function_definition name: (identifier) @fn)\"\n"
    "      - regex: {capture: fn, pcre2: '^handler$'}\n" DOC;
  const char *src = "import motor.motor_asyncio\n"
                    "def handler():\n"
                    "    db.find()\n"
                    "def other():\n"
                    "    db.find()\n";
  scan_result res;
  scan(&res, "SCL921-imports.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "3");
  scan_free(&res);
  scan(&res, "SCL921-imports.yaml", rule, SCL_LANG_PY, "import pymongo\nimport motor\n"
       "def handler():\n    db.find()\n");
  expect_lines(&res, "");
  scan_free(&res);
}

/* ---- constraints see every way a pattern matches ---- */

static void test_engine__scan_every_keyword_argument(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL922", "kwarg", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call arguments: (argument_list (keyword_argument name: (identifier) @k)))"
    " @call\"\n"
    "    where:\n"
    "      - regex: {capture: k, pcre2: '^timeout$'}\n" DOC;
  const char *src = "s.get(url, params=p, timeout=5)\n"
                    "s.get(url, params=p)\n"
                    "s.get(url, timeout=3, params=p)\n"
                    "s.get(url, a=1, b=2, c=3, timeout=None)\n";
  scan_result res;
  scan(&res, "SCL922-kwarg.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 3 4");
  assert_string_equal(res.findings.items[0].message, "found s.get(url, params=p, timeout=5)");
  assert_int_equal(res.notices.count, 0);
  scan_free(&res);
}

static void test_engine__scan_every_object_pair(void **state)
{
  (void)state;
  const char *rule =
    "id: SCL923\nslug: pair\nlevel: warning\nlanguages: [js]\ntitle: t\n"
    "message: \"key {{k}}\"\nwhy: w\ninstead: i\n"
    "match:\n"
    "  js:\n"
    "    pattern: \"(object (pair key: (property_identifier) @k value: (number) @v)) @call\"\n"
    "    where:\n"
    "      - regex: {capture: k, pcre2: '^timeout$'}\n"
    "      - compare: {capture: v, op: '>', value: 1000}\n" DOC;
  const char *src = "f({a: 1, b: 2, timeout: 3000});\n"
                    "f({a: 1, b: 2, c: 3000});\n"
                    "f({a: 1, timeout: 5, c: 3000});\n";
  scan_result res;
  scan(&res, "SCL923-pair.yaml", rule, SCL_LANG_JS, src);
  expect_lines(&res, "1");
  scan_free(&res);
}

static void test_engine__scan_every_field_child(void **state)
{
  (void)state;
  /* `import a, b, c` has three children under the field `name` */
  const char *rule = HEAD("SCL924", "imp", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(import_statement name: (dotted_name) @m) @call\"\n"
    "    where:\n"
    "      - regex: {capture: m, pcre2: '^requests$'}\n"
    "    report: m\n" DOC;
  const char *src = "import os, sys, requests\n"
                    "import os, sys\n"
                    "import requests, os\n";
  scan_result res;
  scan(&res, "SCL924-imp.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1 3");
  assert_int_equal(res.findings.items[0].span.start_col, 17);  /* the accepted @m */
  scan_free(&res);
}

static void test_engine__scan_sub_matcher_every_match(void **state)
{
  (void)state;
  /* has: with its own where, and the capture it accepted used after it */
  const char *rule =
    "id: SCL925\nslug: sub\nlevel: warning\nlanguages: [py]\ntitle: t\n"
    "message: \"{{call}} passes {{k}}={{v}}\"\nwhy: w\ninstead: i\n"
    "match:\n"
    "  py:\n"
    "    pattern: \"(function_definition name: (identifier) @call)\"\n"
    "    where:\n"
    "      - has:\n"
    "          pattern: \"(call arguments: (argument_list (keyword_argument name: (identifier)"
    " @k value: (_) @v)))\"\n"
    "          where: [regex: {capture: k, pcre2: '^timeout$'}]\n"
    "      - not-has:\n"
    "          pattern: \"(call arguments: (argument_list (keyword_argument name: (identifier)"
    " @n)))\"\n"
    "          where: [regex: {capture: n, pcre2: '^retries$'}]\n" DOC;
  const char *src = "def a():\n    get(u, params=p, timeout=5)\n"
                    "def b():\n    get(u, params=p)\n"
                    "def c():\n    get(u, timeout=1, params=p, retries=2)\n";
  scan_result res;
  scan(&res, "SCL925-sub.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "1");
  assert_string_equal(res.findings.items[0].message, "a passes timeout=5");
  scan_free(&res);
}

static void test_engine__scan_match_cap_notice(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL926", "many-ways", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call arguments: (argument_list (keyword_argument name: (identifier) @k)))"
    " @call\"\n"
    "    where:\n"
    "      - regex: {capture: k, pcre2: '^timeout$'}\n" DOC;
  /* line 1: timeout is the 300th keyword argument, past the cap; line 2: the 3rd */
  size_t cap = 300 * 12 + 64;
  char *src = malloc(cap);
  size_t n = (size_t)snprintf(src, cap, "f(");
  for (int i = 0; i < 299; i++)
    n += (size_t)snprintf(src + n, cap - n, "a%d=0, ", i);
  n += (size_t)snprintf(src + n, cap - n, "timeout=1)\nf(a=0, b=0, timeout=1)\n");
  scan_result res;
  scan(&res, "SCL926-many-ways.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "2");
  assert_int_equal(res.notices.count, 1);
  assert_string_equal(res.notices.items[0].kind, "limit");
  assert_string_equal(res.notices.items[0].message,
                      "SCL926: a pattern matches line 1 in too many ways (cap 256); the rest "
                      "were not checked against its constraints");
  scan_free(&res);
  free(src);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void test_engine__add_path_directory(void **state)
{
  (void)state;
  char dir[] = "/tmp/scl_test_rulesXXXXXX";
  assert_non_null(mkdtemp(dir));
  char a[128], b[128], c[128];
  snprintf(a, sizeof(a), "%s/SCL931-bbb.yaml", dir);
  snprintf(b, sizeof(b), "%s/SCL930-aaa.yml", dir);
  snprintf(c, sizeof(c), "%s/notes.txt", dir);
  write_file(a, HEAD("SCL931", "bbb", "[py]") "match:\n  py: {pattern: \"(call) @call\"}\n" DOC);
  write_file(b, HEAD("SCL930", "aaa", "[py]") "match:\n  py: {pattern: \"(call) @call\"}\n" DOC);
  write_file(c, "not a rule");
  scl_ruleset *rs = NULL;
  scl_diag d;
  errors e;
  memset(&e, 0, sizeof(e));
  assert_int_equal(scl_ruleset_new(&rs, &d), SCL_OK);
  assert_int_equal(scl_ruleset_add_path(rs, dir, collect, &e, &d), SCL_OK);
  assert_int_equal(scl_ruleset_count(rs), 2);
  assert_string_equal(scl_ruleset_info(rs, 0)->origin, b);
  assert_int_equal(scl_ruleset_add_path(rs, "/nonexistent/rules", collect, &e, &d), SCL_EIO);
  scl_ruleset_free(rs);
  remove(a);
  remove(b);
  remove(c);
  rmdir(dir);
}

/* Every embedded rule loads and compiles for every language it lists. */
static void test_engine__builtin_rules_compile(void **state)
{
  (void)state;
  scl_ruleset *rs = NULL;
  scl_diag d;
  errors e;
  memset(&e, 0, sizeof(e));
  assert_int_equal(scl_ruleset_new(&rs, &d), SCL_OK);
  scl_status st = scl_ruleset_add_builtin(rs, collect, &e, &d);
  if (st == SCL_OK)
    st = scl_ruleset_compile(rs, collect, &e, &d);
  if (st != SCL_OK)
    dump_errors(&e);
  assert_int_equal(st, SCL_OK);
  for (size_t i = 0; i < scl_ruleset_count(rs); i++)
    assert_string_equal(scl_ruleset_info(rs, i)->origin, "builtin");
  scl_ruleset_free(rs);
}

static int setup(void **state)
{
  (void)state;
  scl_diag d;
  return scl_frontends_init(&d) == SCL_OK ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  scl_frontends_shutdown();
  scl_regex_thread_cleanup();
  return 0;
}

static void test_engine__scan_path_constraint(void **state)
{
  (void)state;
  const char *on = HEAD("SCL930", "path", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call) @call\"\n"
    "    where:\n"
    "      - path: '^src/t\\.x$'\n" DOC;
  const char *off = HEAD("SCL931", "notpath", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call) @call\"\n"
    "    where:\n"
    "      - not-path: '(^|/)src/'\n" DOC;
  scan_result res;
  scan(&res, "SCL930-path.yaml", on, SCL_LANG_PY, "f()\n");
  expect_lines(&res, "1");
  scan_free(&res);
  scan(&res, "SCL931-notpath.yaml", off, SCL_LANG_PY, "f()\n");
  expect_lines(&res, "");
  scan_free(&res);
}

static void test_engine__scan_fact_loop_option(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL932", "loopopt", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (identifier) @f) @call\"\n"
    "    where:\n"
    "      - regex: {capture: f, pcre2: '^q$'}\n"
    "      - fact:\n"
    "          name: in-loop\n"
    "          through-calls: true\n"
    "          not-loop: {pattern: \"(while_statement) @w\", where: [{regex: {capture: w, pcre2: '^while True'}}]}\n"
    DOC;
  const char *src = "def helper():\n"          /* 1 */
                    "    q()\n"                 /* 2: via per_item's for loop */
                    "def retry():\n"
                    "    q()\n"                 /* 4: only from a while True loop */
                    "def worker():\n"
                    "    while True:\n"
                    "        helper()\n"
                    "        retry()\n"
                    "        q()\n"             /* 9: directly in while True */
                    "def per_item(xs):\n"
                    "    for x in xs:\n"
                    "        helper()\n"
                    "        while True:\n"
                    "            q()\n";        /* 14: the outer for counts */
  scan_result res;
  scan(&res, "SCL932-loopopt.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "2 14");
  assert_int_equal(res.findings.items[0].related_count, 2);
  assert_int_equal(res.findings.items[0].related[0].span.start_line, 11);
  scan_free(&res);
}

static void test_engine__scan_in_async_through_calls(void **state)
{
  (void)state;
  const char *rule = HEAD("SCL933", "asyncthrough", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call function: (attribute) @f) @call\"\n"
    "    where:\n"
    "      - regex: {capture: f, pcre2: '^time\\.sleep$'}\n"
    "      - fact: {name: in-async, through-calls: true}\n" DOC;
  const char *src = "import time\n"
                    "def nap():\n"
                    "    time.sleep(1)\n"        /* 3: called from an async def */
                    "def off():\n"
                    "    time.sleep(1)\n"        /* 5: only from a lambda */
                    "def sync_only():\n"
                    "    time.sleep(1)\n"        /* 7: never from async */
                    "async def handler(loop):\n"
                    "    nap()\n"
                    "    await loop.run_in_executor(None, lambda: off())\n"
                    "    time.sleep(2)\n"        /* 11: directly */
                    "def main():\n"
                    "    sync_only()\n";
  scan_result res;
  scan(&res, "SCL933-asyncthrough.yaml", rule, SCL_LANG_PY, src);
  expect_lines(&res, "3 11");
  assert_int_equal(res.findings.items[0].related_count, 2);
  scan_free(&res);
}

static void test_engine__scan_c_macro_value_and_decl_name(void **state)
{
  (void)state;
  const char *cmp = HEAD("SCL934", "macroval", "[c]")
    "match:\n"
    "  c:\n"
    "    pattern: \"(CallExpr . (DeclRefExpr) @fn . (_) (IntegerLiteral) @n .) @call\"\n"
    "    where:\n"
    "      - regex: {capture: fn, pcre2: '^listen$'}\n"
    "      - compare: {capture: n, op: '<', value: 128}\n" DOC;
  const char *src = "int listen(int, int);\n"
                    "#define SMALL 5\n"
                    "#define BIG 4096\n"
                    "void f(int fd) {\n"
                    "  listen(fd, SMALL);\n"   /* 5 */
                    "  listen(fd, BIG);\n"
                    "  listen(fd, 7);\n"       /* 7 */
                    "}\n";
  scan_result res;
  scan(&res, "SCL934-macroval.yaml", cmp, SCL_LANG_C, src);
  expect_lines(&res, "5 7");
  scan_free(&res);

  const char *names = HEAD("SCL935", "declname", "[c]")
    "match:\n"
    "  c:\n"
    "    pattern: \"(CallExpr . (DeclRefExpr) @fn . (DeclRefExpr) @buf) @call\"\n"
    "    where:\n"
    "      - regex: {capture: fn, pcre2: '^strcat$'}\n"
    "      - not-inside: {pattern: \"(CompoundStmt (DeclStmt (VarDecl name: (DeclName) @buf)))\"}\n"
    DOC;
  const char *src2 = "char *strcat(char *, const char *);\n"
                     "char g[64];\n"
                     "void h(const char *s) {\n"
                     "  char loc[8];\n"
                     "  strcat(loc, s);\n"
                     "  strcat(g, s);\n"      /* 6 */
                     "}\n";
  scan(&res, "SCL935-declname.yaml", names, SCL_LANG_C, src2);
  expect_lines(&res, "6");
  scan_free(&res);
}

static void test_engine__fact_option_errors(void **state)
{
  (void)state;
  const char *text = HEAD("SCL936", "factopt", "[py]")
    "match:\n"
    "  py:\n"
    "    pattern: \"(call) @call\"\n"
    "    where:\n"
    "      - fact: {name: in-handler, loop: {pattern: \"(for_statement)\"}}\n"
    "      - fact: {name: in-loop, loop: {pattern: \"(for_statement)\"}, not-loop: {pattern: \"(for_statement)\"}}\n"
    "      - path: '('\n" DOC;
  scl_ruleset *rs = NULL;
  errors e;
  assert_int_equal(load(&rs, "rules/SCL936-factopt.yaml", text, &e), SCL_ERULE);
  assert_true(has_error(&e, "only allowed with the fact 'in-loop'"));
  assert_true(has_error(&e, "at most one of 'loop' and 'not-loop'"));
  assert_true(has_error(&e, "bad regex"));
  scl_ruleset_free(rs);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_engine__valid_rule_loads),
    cmocka_unit_test(test_engine__unknown_key),
    cmocka_unit_test(test_engine__wrong_type),
    cmocka_unit_test(test_engine__bad_id_and_slug),
    cmocka_unit_test(test_engine__file_name_mismatch),
    cmocka_unit_test(test_engine__missing_heading_and_level),
    cmocka_unit_test(test_engine__missing_keys_and_languages),
    cmocka_unit_test(test_engine__unknown_fact),
    cmocka_unit_test(test_engine__undeclared_param),
    cmocka_unit_test(test_engine__bad_regex_position),
    cmocka_unit_test(test_engine__unknown_capture_reference),
    cmocka_unit_test(test_engine__constraint_shapes),
    cmocka_unit_test(test_engine__nesting_is_bounded),
    cmocka_unit_test(test_engine__duplicate_id_and_yaml_error),
    cmocka_unit_test(test_engine__filter),
    cmocka_unit_test(test_engine__compile_error_position),
    cmocka_unit_test(test_engine__scan_regex_compare_message),
    cmocka_unit_test(test_engine__scan_fact_in_loop_and_not_inside),
    cmocka_unit_test(test_engine__scan_has_not_has),
    cmocka_unit_test(test_engine__scan_file_has_metavariable),
    cmocka_unit_test(test_engine__scan_any_all_not),
    cmocka_unit_test(test_engine__scan_dedupe_alternatives),
    cmocka_unit_test(test_engine__scan_through_calls_related),
    cmocka_unit_test(test_engine__scan_limit_notice),
    cmocka_unit_test(test_engine__scan_javascript),
    cmocka_unit_test(test_engine__scan_c),
    cmocka_unit_test(test_engine__parse_int_literals),
    cmocka_unit_test(test_engine__scan_imports_and_inside_of),
    cmocka_unit_test(test_engine__scan_every_keyword_argument),
    cmocka_unit_test(test_engine__scan_every_object_pair),
    cmocka_unit_test(test_engine__scan_every_field_child),
    cmocka_unit_test(test_engine__scan_sub_matcher_every_match),
    cmocka_unit_test(test_engine__scan_match_cap_notice),
    cmocka_unit_test(test_engine__add_path_directory),
    cmocka_unit_test(test_engine__builtin_rules_compile),
    cmocka_unit_test(test_engine__scan_path_constraint),
    cmocka_unit_test(test_engine__scan_fact_loop_option),
    cmocka_unit_test(test_engine__scan_in_async_through_calls),
    cmocka_unit_test(test_engine__scan_c_macro_value_and_decl_name),
    cmocka_unit_test(test_engine__fact_option_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
