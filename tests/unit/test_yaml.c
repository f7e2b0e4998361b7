/*
 * test_yaml.c - unit tests for src/yaml/ydoc.c: tree shape, scalar styles,
 * anchors, 1-based positions, every error with its line:col, the nesting
 * limit and the scalar conversions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "yaml/ydoc.h"

/* Per-test state: an arena, the last diagnostic and the last root. */
typedef struct fixture {
  scl_arena arena;
  scl_diag diag;
  scl_ynode *root;
} fixture;

static int setup(void **state)
{
  fixture *f = test_malloc(sizeof(*f));
  scl_arena_init(&f->arena);
  scl_diag_clear(&f->diag);
  f->root = NULL;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  scl_arena_dispose(&f->arena);
  test_free(f);
  return 0;
}

static scl_status parse(fixture *f, const char *text)
{
  scl_diag_clear(&f->diag);
  return scl_ydoc_parse(&f->root, "rule.yaml", text, strlen(text), &f->arena, SCL_ERULE,
                        &f->diag);
}

static void parse_ok(fixture *f, const char *text)
{
  scl_status s = parse(f, text);
  if (s != SCL_OK)
    fail_msg("unexpected error %u:%u: %s", f->diag.line, f->diag.col, f->diag.msg);
}

/* Parses text, expects SCL_ERULE at line:col with msg_part in the message. */
static void parse_fails_at(fixture *f, const char *text, unsigned line, unsigned col,
                           const char *msg_part)
{
  assert_int_equal(parse(f, text), SCL_ERULE);
  assert_null(f->root);
  assert_int_equal(f->diag.status, SCL_ERULE);
  assert_string_equal(f->diag.path, "rule.yaml");
  if (!strstr(f->diag.msg, msg_part))
    fail_msg("message '%s' lacks '%s'", f->diag.msg, msg_part);
  assert_int_equal(f->diag.line, line);
  assert_int_equal(f->diag.col, col);
}

static const scl_ynode *get(const scl_ynode *map, const char *key)
{
  const scl_ynode *v = scl_ynode_get(map, key);
  if (!v)
    fail_msg("key '%s' missing", key);
  return v;
}

/* ---------------------------------------------------------------------------
 * Shapes and styles
 * ------------------------------------------------------------------------- */

static void test_yaml__mapping(void **state)
{
  fixture *f = *state;
  parse_ok(f, "id: SCL003\nslug: query-in-loop\nlevel: warning\n");
  assert_non_null(f->root);
  assert_int_equal(f->root->type, SCL_YNODE_MAPPING);
  assert_int_equal(f->root->pair_count, 3);
  assert_string_equal(f->root->pairs[0].key->text, "id");
  assert_string_equal(f->root->pairs[2].key->text, "level");
  assert_string_equal(get(f->root, "slug")->text, "query-in-loop");
  assert_int_equal(get(f->root, "slug")->text_len, strlen("query-in-loop"));
  assert_null(scl_ynode_get(f->root, "missing"));
  assert_null(scl_ynode_get(f->root, "slu"));
  assert_null(f->root->text);
}

static void test_yaml__sequence(void **state)
{
  fixture *f = *state;
  parse_ok(f, "langs:\n  - py\n  - js\n  - - nested\n");
  const scl_ynode *langs = get(f->root, "langs");
  assert_int_equal(langs->type, SCL_YNODE_SEQUENCE);
  assert_int_equal(langs->item_count, 3);
  assert_string_equal(langs->items[0]->text, "py");
  assert_string_equal(langs->items[1]->text, "js");
  assert_int_equal(langs->items[2]->type, SCL_YNODE_SEQUENCE);
  assert_string_equal(langs->items[2]->items[0]->text, "nested");
  assert_string_equal(scl_ynode_type_name(langs), "a list");
  assert_string_equal(scl_ynode_type_name(f->root), "a mapping");
  assert_string_equal(scl_ynode_type_name(langs->items[0]), "a string");
  assert_null(scl_ynode_get(langs, "py"));
}

static void test_yaml__flow_style(void **state)
{
  fixture *f = *state;
  parse_ok(f, "languages: [py, js, ts]\nfact: { in-loop: { through-calls: true } }\nempty: []\n");
  const scl_ynode *langs = get(f->root, "languages");
  assert_int_equal(langs->item_count, 3);
  assert_string_equal(langs->items[2]->text, "ts");
  const scl_ynode *inner = get(get(f->root, "fact"), "in-loop");
  assert_int_equal(inner->type, SCL_YNODE_MAPPING);
  assert_string_equal(get(inner, "through-calls")->text, "true");
  const scl_ynode *empty = get(f->root, "empty");
  assert_int_equal(empty->type, SCL_YNODE_SEQUENCE);
  assert_int_equal(empty->item_count, 0);
  assert_null(empty->items);
}

static void test_yaml__block_scalars(void **state)
{
  fixture *f = *state;
  parse_ok(f, "doc: |\n  ## What it catches\n  line two\nfolded: >\n  a\n  b\n");
  const scl_ynode *doc = get(f->root, "doc");
  assert_true(doc->is_block);
  assert_false(doc->is_quoted);
  assert_string_equal(doc->text, "## What it catches\nline two\n");
  const scl_ynode *folded = get(f->root, "folded");
  assert_true(folded->is_block);
  assert_string_equal(folded->text, "a b\n");
  /* Block scalars are text, never numbers or booleans. */
  parse_ok(f, "n: |\n  5\n");
  long n = 0;
  assert_false(scl_ynode_as_long(get(f->root, "n"), &n));
}

static void test_yaml__quoted_vs_plain(void **state)
{
  fixture *f = *state;
  parse_ok(f, "a: 100\nb: \"100\"\nc: '100'\nd: 'it''s'\ne: \"tab\\there\"\n");
  const scl_ynode *a = get(f->root, "a"), *b = get(f->root, "b"), *c = get(f->root, "c");
  assert_false(a->is_quoted);
  assert_true(b->is_quoted);
  assert_true(c->is_quoted);
  assert_false(b->is_block);
  long v = 0;
  assert_true(scl_ynode_as_long(a, &v));
  assert_int_equal(v, 100);
  assert_false(scl_ynode_as_long(b, &v));
  assert_false(scl_ynode_as_long(c, &v));
  assert_string_equal(get(f->root, "d")->text, "it's");
  assert_string_equal(get(f->root, "e")->text, "tab\there");
}

static void test_yaml__anchors_and_aliases(void **state)
{
  fixture *f = *state;
  parse_ok(f, "js: &js\n  all: [x]\nts: *js\nname: &n hello\nagain: *n\n");
  const scl_ynode *js = get(f->root, "js");
  assert_ptr_equal(get(f->root, "ts"), js);
  assert_int_equal(get(js, "all")->item_count, 1);
  assert_ptr_equal(get(f->root, "again"), get(f->root, "name"));
  assert_string_equal(get(f->root, "again")->text, "hello");
  /* A later anchor with the same name replaces the earlier one. */
  parse_ok(f, "a: &x 1\nb: &x 2\nc: *x\n");
  assert_string_equal(get(f->root, "c")->text, "2");
  /* An alias to a scalar may be a key. */
  parse_ok(f, "k: &k name\n*k : v\n");
  assert_int_equal(f->root->pair_count, 2);
  assert_string_equal(f->root->pairs[1].value->text, "v");
}

static void test_yaml__positions(void **state)
{
  fixture *f = *state;
  parse_ok(f, "match:\n  py:\n    all:\n      - pattern: \"x\"\n        regex: [a, 'b']\n");
  assert_int_equal(f->root->line, 1);
  assert_int_equal(f->root->col, 1);
  const scl_ynode *py = get(get(f->root, "match"), "py");
  assert_int_equal(py->line, 3);
  assert_int_equal(py->col, 5);
  assert_int_equal(f->root->pairs[0].value->pairs[0].key->line, 2);
  assert_int_equal(f->root->pairs[0].value->pairs[0].key->col, 3);
  const scl_ynode *all = get(py, "all");
  assert_int_equal(all->line, 4);
  assert_int_equal(all->col, 7);
  const scl_ynode *pat = get(all->items[0], "pattern");
  assert_int_equal(pat->line, 4);
  assert_int_equal(pat->col, 18);
  const scl_ynode *regex = get(all->items[0], "regex");
  assert_int_equal(regex->line, 5);
  assert_int_equal(regex->col, 16);
  assert_int_equal(regex->items[1]->line, 5);
  assert_int_equal(regex->items[1]->col, 20);
}

static void test_yaml__empty_document(void **state)
{
  fixture *f = *state;
  f->root = (scl_ynode *)&f->diag; /* must be overwritten */
  parse_ok(f, "");
  assert_null(f->root);
  parse_ok(f, "# only a comment\n\n");
  assert_null(f->root);
  parse_ok(f, "---\n");
  assert_null(f->root);
  parse_ok(f, "--- ''\n");
  assert_non_null(f->root);
  assert_string_equal(f->root->text, "");
  assert_int_equal(scl_ydoc_parse(&f->root, "x", NULL, 0, &f->arena, SCL_ERULE, &f->diag),
                   SCL_OK);
  assert_null(f->root);
}

/* ---------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------- */

static void test_yaml__error_bad_indentation(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a:\n  b: 1\n c: 2\n", 3, 2,
                 "while parsing a block mapping: did not find expected key");
  parse_fails_at(f, "a: 1\n  b: 2\n", 2, 4, "mapping values are not allowed");
}

static void test_yaml__error_duplicate_key(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "id: 1\nslug: x\nid: 2\n", 3, 1, "duplicate key 'id' (first at line 1)");
  /* Quoted and plain spellings of one key are the same key. */
  parse_fails_at(f, "m:\n  k: 1\n  'k': 2\n", 3, 3, "duplicate key 'k' (first at line 2)");
  /* The same key in different mappings is fine. */
  parse_ok(f, "a: {k: 1}\nb: {k: 2}\n");
}

static void test_yaml__error_unknown_alias(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a: 1\nb: *nope\n", 2, 4, "unknown alias '*nope'");
  /* An alias cannot name the collection it is inside. */
  parse_fails_at(f, "x: &a [1, *a]\n", 1, 11, "recursive alias '*a'");
}

static void test_yaml__error_two_documents(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a: 1\n---\nb: 2\n", 2, 1, "more than one document");
  parse_fails_at(f, "--- 1\n--- 2\n", 2, 1, "more than one document");
}

static void test_yaml__error_tabs(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a:\n\tb: 1\n", 2, 1, "found character that cannot start any token");
}

static void test_yaml__error_non_scalar_key(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "ok: 1\n[1, 2]: 2\n", 2, 1, "mapping keys must be plain strings");
  parse_fails_at(f, "a: &m {x: 1}\n*m : 2\n", 1, 4, "mapping keys must be plain strings");
}

static void test_yaml__error_unterminated_flow(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a: [1, 2\n", 2, 1, "while parsing a flow sequence");
  parse_fails_at(f, "key: \"open\n", 2, 1, "found unexpected end of stream");
}

static void test_yaml__error_invalid_utf8(void **state)
{
  fixture *f = *state;
  parse_fails_at(f, "a: 1\nb: \xff\n", 2, 4, "invalid");
}

static void test_yaml__deep_nesting_limit(void **state)
{
  fixture *f = *state;
  char text[2 * (SCL_YDOC_MAX_DEPTH + 1) + 2];
  size_t n = 0;
  for (int i = 0; i < SCL_YDOC_MAX_DEPTH; i++)
    text[n++] = '[';
  for (int i = 0; i < SCL_YDOC_MAX_DEPTH; i++)
    text[n++] = ']';
  text[n] = '\0';
  parse_ok(f, text);
  const scl_ynode *node = f->root;
  for (int i = 1; i < SCL_YDOC_MAX_DEPTH; i++)
    node = node->items[0];
  assert_int_equal(node->type, SCL_YNODE_SEQUENCE);
  assert_int_equal(node->item_count, 0);

  n = 0;
  for (int i = 0; i < SCL_YDOC_MAX_DEPTH + 1; i++)
    text[n++] = '[';
  for (int i = 0; i < SCL_YDOC_MAX_DEPTH + 1; i++)
    text[n++] = ']';
  text[n] = '\0';
  parse_fails_at(f, text, 1, SCL_YDOC_MAX_DEPTH + 1, "nesting deeper than 64");

  /* Far deeper input fails the same way instead of exhausting anything. */
  enum { HUGE_DEPTH = 100000 };
  char *deep = test_malloc(HUGE_DEPTH + 1);
  memset(deep, '[', HUGE_DEPTH);
  deep[HUGE_DEPTH] = '\0';
  parse_fails_at(f, deep, 1, SCL_YDOC_MAX_DEPTH + 1, "nesting deeper than");
  test_free(deep);
}

static void test_yaml__error_status_is_callers(void **state)
{
  fixture *f = *state;
  const char *text = "a: 1\na: 2\n";
  assert_int_equal(scl_ydoc_parse(&f->root, "cfg.yaml", text, strlen(text), &f->arena,
                                  SCL_ECONFIG, &f->diag),
                   SCL_ECONFIG);
  assert_int_equal(f->diag.status, SCL_ECONFIG);
  assert_string_equal(f->diag.path, "cfg.yaml");
}

static void test_yaml__length_not_nul(void **state)
{
  fixture *f = *state;
  const char *text = "a: 1\nb: 2\n";
  assert_int_equal(scl_ydoc_parse(&f->root, "x", text, 5, &f->arena, SCL_ERULE, &f->diag),
                   SCL_OK);
  assert_int_equal(f->root->pair_count, 1);
}

/* ---------------------------------------------------------------------------
 * Conversions
 * ------------------------------------------------------------------------- */

static void test_yaml__as_long(void **state)
{
  fixture *f = *state;
  parse_ok(f, "[42, -7, +3, 0, 1.5, 12abc, '', -, 99999999999999999999999, ' 1', [1]]");
  const scl_ynode *const *it = (const scl_ynode *const *)f->root->items;
  long v = 0;
  assert_true(scl_ynode_as_long(it[0], &v));
  assert_int_equal(v, 42);
  assert_true(scl_ynode_as_long(it[1], &v));
  assert_int_equal(v, -7);
  assert_true(scl_ynode_as_long(it[2], &v));
  assert_int_equal(v, 3);
  assert_true(scl_ynode_as_long(it[3], &v));
  assert_int_equal(v, 0);
  for (size_t i = 4; i < f->root->item_count; i++) {
    v = 1234;
    assert_false(scl_ynode_as_long(it[i], &v));
    assert_int_equal(v, 1234);
  }
  assert_false(scl_ynode_as_long(NULL, &v));
}

static void test_yaml__as_double(void **state)
{
  fixture *f = *state;
  parse_ok(f, "[1.5, -2, .5, 3., 1e3, 2.5E-1, inf, nan, 0x10, 1e, ., '1.5', 1e999, abc]");
  const scl_ynode *const *it = (const scl_ynode *const *)f->root->items;
  double v = 0;
  assert_true(scl_ynode_as_double(it[0], &v));
  assert_true(v == 1.5);
  assert_true(scl_ynode_as_double(it[1], &v));
  assert_true(v == -2.0);
  assert_true(scl_ynode_as_double(it[2], &v));
  assert_true(v == 0.5);
  assert_true(scl_ynode_as_double(it[3], &v));
  assert_true(v == 3.0);
  assert_true(scl_ynode_as_double(it[4], &v));
  assert_true(v == 1000.0);
  assert_true(scl_ynode_as_double(it[5], &v));
  assert_true(v == 0.25);
  for (size_t i = 6; i < f->root->item_count; i++)
    assert_false(scl_ynode_as_double(it[i], &v));
}

static void test_yaml__as_bool(void **state)
{
  fixture *f = *state;
  parse_ok(f, "[true, false, yes, no, True, NO, 'true', maybe, 1, tru]");
  const scl_ynode *const *it = (const scl_ynode *const *)f->root->items;
  bool v = false;
  assert_true(scl_ynode_as_bool(it[0], &v));
  assert_true(v);
  assert_true(scl_ynode_as_bool(it[1], &v));
  assert_false(v);
  assert_true(scl_ynode_as_bool(it[2], &v));
  assert_true(v);
  assert_true(scl_ynode_as_bool(it[3], &v));
  assert_false(v);
  assert_true(scl_ynode_as_bool(it[4], &v));
  assert_true(v);
  assert_true(scl_ynode_as_bool(it[5], &v));
  assert_false(v);
  for (size_t i = 6; i < f->root->item_count; i++)
    assert_false(scl_ynode_as_bool(it[i], &v));
  assert_false(scl_ynode_as_bool(f->root, &v));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_yaml__mapping, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__sequence, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__flow_style, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__block_scalars, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__quoted_vs_plain, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__anchors_and_aliases, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__positions, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__empty_document, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_bad_indentation, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_duplicate_key, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_unknown_alias, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_two_documents, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_tabs, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_non_scalar_key, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_unterminated_flow, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_invalid_utf8, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__deep_nesting_limit, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__error_status_is_callers, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__length_not_nul, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__as_long, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__as_double, setup, teardown),
    cmocka_unit_test_setup_teardown(test_yaml__as_bool, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
