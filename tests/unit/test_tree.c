/*
 * test_tree.c - unit tests of src/syntax/tree.c: the kinds table, building
 * a tree with open/close, child and field navigation, text, spans with
 * code-point columns, and line text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scalint/finding.h"
#include "syntax/tree.h"

/* ---- kinds table -------------------------------------------------------- */

static void test_tree__kinds_add_and_find(void **state)
{
  scl_kinds k;
  scl_kinds_init(&k);

  assert_int_equal(scl_kinds_find_kind(&k, "call", true), 0);
  uint16_t call = scl_kinds_add_kind(&k, "call", true);
  uint16_t async_named = scl_kinds_add_kind(&k, "async", true);
  uint16_t async_anon = scl_kinds_add_kind(&k, "async", false);
  assert_true(call >= 1);
  assert_int_not_equal(async_named, async_anon);  /* named and anonymous are distinct */
  assert_int_equal(scl_kinds_add_kind(&k, "call", true), call);  /* adding again finds it */
  assert_int_equal(scl_kinds_find_kind(&k, "call", true), call);
  assert_int_equal(scl_kinds_find_kind(&k, "call", false), 0);
  assert_int_equal(scl_kinds_find_kind(&k, "async", false), async_anon);
  assert_string_equal(scl_kinds_kind_name(&k, call), "call");
  assert_string_equal(scl_kinds_kind_name(&k, 0), "");
  assert_string_equal(scl_kinds_kind_name(&k, 999), "");
  assert_int_equal(k.kind_count, 4);

  /* names are copied */
  char buf[8] = "body";
  uint16_t body = scl_kinds_add_field(&k, buf);
  memcpy(buf, "xxxx", 4);
  assert_string_equal(scl_kinds_field_name(&k, body), "body");
  assert_int_equal(scl_kinds_add_field(&k, "body"), body);
  assert_int_equal(scl_kinds_find_field(&k, "body"), body);
  assert_int_equal(scl_kinds_find_field(&k, "nope"), 0);
  assert_string_equal(scl_kinds_field_name(&k, 0), "");

  scl_kinds_dispose(&k);
  assert_null(k.kinds);
  scl_kinds_dispose(&k);  /* twice is harmless */
}

/* ---- building and navigating --------------------------------------------- */

/*
 * Builds, for the source "f(a, b)\n":
 *   0 call [0,7)
 *     1 identifier field=function [0,1)
 *     2 argument_list field=arguments [1,7)
 *       3 identifier [2,3)
 *       4 identifier [5,6)
 */
typedef struct built {
  scl_kinds kinds;
  scl_arena arena;
  scl_tree tree;
  uint16_t k_call, k_ident, k_args, f_function, f_arguments;
} built;

static void add(built *b, uint16_t kind, uint16_t field, uint32_t parent, uint32_t s, uint32_t e,
                uint32_t *out)
{
  scl_node n;
  memset(&n, 0, sizeof(n));
  n.kind = kind;
  n.field = field;
  n.parent = parent;
  n.start_byte = s;
  n.end_byte = e;
  n.start_col = s;
  n.end_col = e;
  n.is_named = 1;
  *out = scl_tree_open(&b->tree, &n);
}

static int build_setup(void **state)
{
  static const char src[] = "f(a, b)\n";
  built *b = test_calloc(1, sizeof(*b));
  uint32_t call, fn, args, a, bb;

  scl_kinds_init(&b->kinds);
  b->k_call = scl_kinds_add_kind(&b->kinds, "call", true);
  b->k_ident = scl_kinds_add_kind(&b->kinds, "identifier", true);
  b->k_args = scl_kinds_add_kind(&b->kinds, "argument_list", true);
  b->f_function = scl_kinds_add_field(&b->kinds, "function");
  b->f_arguments = scl_kinds_add_field(&b->kinds, "arguments");
  scl_arena_init(&b->arena);
  scl_tree_init(&b->tree, &b->arena, &b->kinds, src, sizeof(src) - 1);

  add(b, b->k_call, 0, SCL_NO_NODE, 0, 7, &call);
  add(b, b->k_ident, b->f_function, call, 0, 1, &fn);
  add(b, b->k_args, b->f_arguments, call, 1, 7, &args);
  add(b, b->k_ident, 0, args, 2, 3, &a);
  add(b, b->k_ident, 0, args, 5, 6, &bb);
  scl_tree_close(&b->tree, args);
  scl_tree_close(&b->tree, call);
  assert_int_equal(call, 0);
  assert_int_equal(bb, 4);
  *state = b;
  return 0;
}

static int build_teardown(void **state)
{
  built *b = *state;
  scl_arena_dispose(&b->arena);
  scl_kinds_dispose(&b->kinds);
  test_free(b);
  return 0;
}

static void test_tree__open_close_and_children(void **state)
{
  built *b = *state;
  const scl_tree *t = &b->tree;

  assert_int_equal(t->count, 5);
  assert_int_equal(t->nodes[0].end, 5);
  assert_int_equal(t->nodes[1].end, 2);  /* leaves end right after themselves */
  assert_int_equal(t->nodes[2].end, 5);
  assert_int_equal(t->nodes[3].end, 4);

  assert_int_equal(scl_tree_first_child(t, 0), 1);
  assert_int_equal(scl_tree_next_sibling(t, 1), 2);
  assert_int_equal(scl_tree_next_sibling(t, 2), SCL_NO_NODE);
  assert_int_equal(scl_tree_first_child(t, 1), SCL_NO_NODE);
  assert_int_equal(scl_tree_first_child(t, 2), 3);
  assert_int_equal(scl_tree_next_sibling(t, 3), 4);
  assert_int_equal(scl_tree_next_sibling(t, 4), SCL_NO_NODE);
  assert_int_equal(scl_tree_next_sibling(t, 0), SCL_NO_NODE);

  assert_true(scl_tree_is_inside(t, 4, 0));
  assert_true(scl_tree_is_inside(t, 4, 2));
  assert_false(scl_tree_is_inside(t, 4, 1));
  assert_false(scl_tree_is_inside(t, 2, 2));
  assert_false(scl_tree_is_inside(t, 0, 2));

  assert_int_equal(scl_tree_child_by_field(t, 0, b->f_function), 1);
  assert_int_equal(scl_tree_child_by_field(t, 0, b->f_arguments), 2);
  assert_int_equal(scl_tree_child_by_field(t, 2, b->f_function), SCL_NO_NODE);
  assert_string_equal(scl_tree_kind_name(t, 2), "argument_list");

  size_t len;
  const char *s = scl_tree_text(t, 2, &len);
  assert_int_equal(len, 6);
  assert_memory_equal(s, "(a, b)", 6);
}

static void test_tree__open_grows_past_first_block(void **state)
{
  scl_kinds k;
  scl_arena arena;
  scl_tree t;
  scl_node n;

  scl_kinds_init(&k);
  uint16_t kid = scl_kinds_add_kind(&k, "x", true);
  scl_arena_init(&arena);
  scl_tree_init(&t, &arena, &k, "", 0);
  memset(&n, 0, sizeof(n));
  n.kind = kid;
  n.parent = SCL_NO_NODE;
  assert_int_equal(scl_tree_open(&t, &n), 0);
  n.parent = 0;
  for (uint32_t i = 1; i < 5000; i++)
    assert_int_equal(scl_tree_open(&t, &n), i);
  scl_tree_close(&t, 0);
  assert_int_equal(t.count, 5000);
  assert_true(t.cap >= 5000);
  assert_int_equal(t.nodes[0].end, 5000);
  for (uint32_t i = 1; i < 5000; i++) {
    assert_int_equal(t.nodes[i].parent, 0);
    assert_int_equal(t.nodes[i].end, i + 1);
  }
  scl_arena_dispose(&arena);
  scl_kinds_dispose(&k);
}

static void test_tree__text_is_clamped(void **state)
{
  built *b = *state;
  size_t len;

  b->tree.nodes[4].end_byte = 1000;  /* past the source */
  const char *s = scl_tree_text(&b->tree, 4, &len);
  assert_int_equal(len, b->tree.src_len - 5);
  assert_ptr_equal(s, b->tree.src + 5);
}

/* ---- positions ---------------------------------------------------------- */

static void span_of(scl_span *sp, const char *src, uint32_t s, uint32_t e, uint32_t srow,
                    uint32_t erow)
{
  scl_kinds k;
  scl_arena arena;
  scl_tree t;
  scl_node n;

  scl_kinds_init(&k);
  scl_arena_init(&arena);
  scl_tree_init(&t, &arena, &k, src, strlen(src));
  memset(&n, 0, sizeof(n));
  n.kind = scl_kinds_add_kind(&k, "x", true);
  n.parent = SCL_NO_NODE;
  n.start_byte = s;
  n.end_byte = e;
  n.start_row = srow;
  n.end_row = erow;
  scl_tree_open(&t, &n);
  scl_tree_span(sp, &t, 0);
  scl_arena_dispose(&arena);
  scl_kinds_dispose(&k);
}

static void test_tree__span_counts_code_points(void **state)
{
  scl_span sp;
  /* "é" is two bytes but one column; "€" three bytes, one column */
  const char *src = "x = 1\ns = \"\xc3\xa9\xe2\x82\xac\" + y\n";
  /* y is byte 14 of the second line (byte 20 of the file), column 12 */
  span_of(&sp, src, 20, 21, 1, 1);
  assert_int_equal(sp.start_line, 2);
  assert_int_equal(sp.end_line, 2);
  assert_int_equal(sp.start_col, 12);
  assert_int_equal(sp.end_col, 13);
  assert_int_equal(sp.start_byte, 20);
  assert_int_equal(sp.end_byte, 21);

  /* first line, first column */
  span_of(&sp, src, 0, 1, 0, 0);
  assert_int_equal(sp.start_col, 1);
  assert_int_equal(sp.end_col, 2);
}

static void test_tree__span_invalid_bytes_are_one_column_each(void **state)
{
  scl_span sp;
  /* a stray continuation byte and a truncated sequence, then "z" */
  const char *src = "\x80\xc3z";
  span_of(&sp, src, 2, 3, 0, 0);
  assert_int_equal(sp.start_col, 3);
  assert_int_equal(sp.end_col, 4);
}

static void test_tree__line_text_crlf(void **state)
{
  static const char src[] = "first\r\nsecond\r\n\r\nlast";
  scl_kinds k;
  scl_arena arena;
  scl_tree t;
  size_t len;
  const char *s;

  scl_kinds_init(&k);
  scl_arena_init(&arena);
  scl_tree_init(&t, &arena, &k, src, sizeof(src) - 1);
  s = scl_tree_line_text(&t, 0, &len);
  assert_int_equal(len, 5);
  assert_memory_equal(s, "first", 5);
  s = scl_tree_line_text(&t, 1, &len);
  assert_int_equal(len, 6);
  assert_memory_equal(s, "second", 6);
  s = scl_tree_line_text(&t, 2, &len);
  assert_int_equal(len, 0);
  s = scl_tree_line_text(&t, 3, &len);
  assert_int_equal(len, 4);
  assert_memory_equal(s, "last", 4);
  s = scl_tree_line_text(&t, 10, &len);  /* past the end: empty */
  assert_int_equal(len, 0);
  scl_arena_dispose(&arena);
  scl_kinds_dispose(&k);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tree__kinds_add_and_find),
    cmocka_unit_test_setup_teardown(test_tree__open_close_and_children, build_setup,
                                    build_teardown),
    cmocka_unit_test(test_tree__open_grows_past_first_block),
    cmocka_unit_test_setup_teardown(test_tree__text_is_clamped, build_setup, build_teardown),
    cmocka_unit_test(test_tree__span_counts_code_points),
    cmocka_unit_test(test_tree__span_invalid_bytes_are_one_column_each),
    cmocka_unit_test(test_tree__line_text_crlf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
