/*
 * test_pattern.c - unit tests for engine/pattern.c: compiling patterns
 * against a hand-made kinds table and matching them on hand-built trees.
 * Trees come from row tables (depth, kind, field, byte range) so each test
 * shows the tree it runs on; no front-end is involved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/pattern.h"
#include "syntax/tree.h"
#include "util/arena.h"
#include "util/limits.h"

/* ==== fixture =========================================================== */

typedef struct fixture {
  scl_kinds kinds;
  scl_arena arena;
  scl_tree tree;
  scl_diag diag;
} fixture;

static const char *const named_kinds[] = {
  "module", "call", "identifier", "argument_list", "integer", "binary_operator", "assignment",
  "function_definition", "parameters", "block", "return_statement", "Expression", NULL,
};
static const char *const token_kinds[] = {
  "(", ")", ",", ":", "+", "=", "async", "def", "return", "\"", "\\", NULL,
};
static const char *const field_names[] = {
  "function", "arguments", "name", "parameters", "body", "left", "right", "operator",
  "return_type", NULL,
};

static int setup(void **state)
{
  fixture *f = test_calloc(1, sizeof(*f));
  scl_kinds_init(&f->kinds);
  for (size_t i = 0; named_kinds[i]; i++)
    scl_kinds_add_kind(&f->kinds, named_kinds[i], true);
  for (size_t i = 0; token_kinds[i]; i++)
    scl_kinds_add_kind(&f->kinds, token_kinds[i], false);
  for (size_t i = 0; field_names[i]; i++)
    scl_kinds_add_field(&f->kinds, field_names[i]);
  scl_arena_init(&f->arena);
  scl_diag_clear(&f->diag);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture *f = *state;
  scl_arena_dispose(&f->arena);
  scl_kinds_dispose(&f->kinds);
  test_free(f);
  return 0;
}

/* ==== tree builder ====================================================== */

/* row - one node of a test tree in preorder; depth 0 is the root. */
typedef struct row {
  int depth;
  const char *kind;
  bool is_named;
  const char *field;  /* NULL = none */
  uint32_t start, end;
} row;

#define N(d, k, fld, s, e) { d, k, true, fld, s, e }
#define T(d, k, fld, s, e) { d, k, false, fld, s, e }

static void build(fixture *f, const char *src, const row *rows, size_t count)
{
  uint32_t stack[16];
  int top = -1;
  scl_tree_init(&f->tree, &f->arena, &f->kinds, src, strlen(src));
  for (size_t i = 0; i < count; i++) {
    while (top >= rows[i].depth)
      scl_tree_close(&f->tree, stack[top--]);
    assert_int_equal(rows[i].depth, top + 1);
    scl_node proto;
    memset(&proto, 0, sizeof(proto));
    proto.kind = scl_kinds_find_kind(&f->kinds, rows[i].kind, rows[i].is_named);
    assert_int_not_equal(proto.kind, 0);
    if (rows[i].field) {
      proto.field = scl_kinds_find_field(&f->kinds, rows[i].field);
      assert_int_not_equal(proto.field, 0);
    }
    proto.parent = top >= 0 ? stack[top] : SCL_NO_NODE;
    proto.start_byte = rows[i].start;
    proto.end_byte = rows[i].end;
    proto.start_col = rows[i].start;
    proto.end_col = rows[i].end;
    proto.is_named = rows[i].is_named;
    uint32_t idx = scl_tree_open(&f->tree, &proto);
    assert_int_equal(idx, (uint32_t)i);
    stack[++top] = idx;
  }
  while (top >= 0)
    scl_tree_close(&f->tree, stack[top--]);
}

#define BUILD(f, src, rows) build((f), (src), (rows), sizeof(rows) / sizeof((rows)[0]))

/* foo(a, b, a) */
static const row call_rows[] = {
  N(0, "call", NULL, 0, 12),
  N(1, "identifier", "function", 0, 3),      /* 1 foo */
  N(1, "argument_list", "arguments", 3, 12), /* 2 */
  T(2, "(", NULL, 3, 4),                     /* 3 */
  N(2, "identifier", NULL, 4, 5),            /* 4 a */
  T(2, ",", NULL, 5, 6),                     /* 5 */
  N(2, "identifier", NULL, 7, 8),            /* 6 b */
  T(2, ",", NULL, 8, 9),                     /* 7 */
  N(2, "identifier", NULL, 10, 11),          /* 8 a */
  T(2, ")", NULL, 11, 12),                   /* 9 */
};

/* async def f(x): return x + 1 */
static const row def_rows[] = {
  N(0, "function_definition", NULL, 0, 28),
  T(1, "async", NULL, 0, 5),                  /* 1 */
  T(1, "def", NULL, 6, 9),                    /* 2 */
  N(1, "identifier", "name", 10, 11),         /* 3 f */
  N(1, "parameters", "parameters", 11, 14),   /* 4 */
  T(2, "(", NULL, 11, 12),                    /* 5 */
  N(2, "identifier", NULL, 12, 13),           /* 6 x */
  T(2, ")", NULL, 13, 14),                    /* 7 */
  T(1, ":", NULL, 14, 15),                    /* 8 */
  N(1, "block", "body", 16, 28),              /* 9 */
  N(2, "return_statement", NULL, 16, 28),     /* 10 */
  T(3, "return", NULL, 16, 22),               /* 11 */
  N(3, "binary_operator", NULL, 23, 28),      /* 12 */
  N(4, "identifier", "left", 23, 24),         /* 13 x */
  T(4, "+", "operator", 25, 26),              /* 14 */
  N(4, "integer", "right", 27, 28),           /* 15 1 */
};

/* x = x + y */
static const row assign_rows[] = {
  N(0, "assignment", NULL, 0, 9),
  N(1, "identifier", "left", 0, 1),        /* 1 x */
  T(1, "=", NULL, 2, 3),                   /* 2 */
  N(1, "binary_operator", "right", 4, 9),  /* 3 */
  N(2, "identifier", "left", 4, 5),        /* 4 x */
  T(2, "+", "operator", 6, 7),             /* 5 */
  N(2, "identifier", "right", 8, 9),       /* 6 y */
};

/* g(1)(z): a call with two children under the same field */
static const row twofield_rows[] = {
  N(0, "call", NULL, 0, 7),
  N(1, "identifier", "function", 0, 1),      /* 1 g */
  N(1, "argument_list", "arguments", 1, 4),  /* 2 */
  N(2, "integer", NULL, 2, 3),               /* 3 1 */
  N(1, "argument_list", "arguments", 4, 7),  /* 4 */
  N(2, "identifier", NULL, 5, 6),            /* 5 z */
};

/* ==== helpers =========================================================== */

static scl_pattern *compile_ok(fixture *f, const char *text)
{
  scl_pattern *p = NULL;
  scl_status st = scl_pattern_compile(&p, text, &f->kinds, &f->arena, &f->diag);
  if (st != SCL_OK)
    fail_msg("compiling %s: %d:%d: %s", text, f->diag.line, f->diag.col, f->diag.msg);
  assert_non_null(p);
  return p;
}

static bool matches(fixture *f, const char *text, uint32_t node, scl_captures *caps)
{
  scl_captures local = { .count = 0 };
  return scl_pattern_match(compile_ok(f, text), &f->tree, node, caps ? caps : &local);
}

static void expect_error(fixture *f, const char *text, const char *msg_part, unsigned line,
                         unsigned col)
{
  scl_pattern *p = (scl_pattern *)&p;  /* must be reset to NULL */
  scl_status st = scl_pattern_compile(&p, text, &f->kinds, &f->arena, &f->diag);
  assert_int_equal(st, SCL_ERULE);
  assert_null(p);
  if (!strstr(f->diag.msg, msg_part))
    fail_msg("pattern %s: message \"%s\" lacks \"%s\"", text, f->diag.msg, msg_part);
  assert_string_equal(f->diag.path, "");
  if (f->diag.line != line || f->diag.col != col)
    fail_msg("pattern %s: error at %u:%u, expected %u:%u (%s)", text, f->diag.line, f->diag.col,
             line, col, f->diag.msg);
}

static uint16_t kind_id(fixture *f, const char *name, bool is_named)
{
  return scl_kinds_find_kind(&f->kinds, name, is_named);
}

/* ==== node kinds, wildcards, tokens ===================================== */

static void test_pattern__kind_match(void **state)
{
  fixture *f = *state;
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(call)", 0, NULL));
  assert_false(matches(f, "(identifier)", 0, NULL));
  assert_true(matches(f, "(identifier)", 1, NULL));
  assert_true(matches(f, "(call (argument_list))", 0, NULL));
  assert_false(matches(f, "(call (integer))", 0, NULL));
  /* comments and free whitespace */
  assert_true(matches(f, "; a call\n(call ; callee next\n\n  (identifier))", 0, NULL));
}

static void test_pattern__wildcards(void **state)
{
  fixture *f = *state;
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(_)", 0, NULL));
  assert_true(matches(f, "(_ (argument_list))", 0, NULL));
  assert_false(matches(f, "(_)", 3, NULL));  /* "(" is anonymous */
  assert_true(matches(f, "_", 3, NULL));
  assert_true(matches(f, "_", 4, NULL));
  assert_false(matches(f, "(_ (integer))", 0, NULL));
}

static void test_pattern__string_token(void **state)
{
  fixture *f = *state;
  BUILD(f, "async def f(x): return x + 1", def_rows);
  assert_true(matches(f, "\"async\"", 1, NULL));
  assert_false(matches(f, "\"async\"", 2, NULL));
  assert_true(matches(f, "(function_definition \"async\" \"def\" (identifier))", 0, NULL));
  assert_false(matches(f, "(function_definition \"def\" \"async\")", 0, NULL));
  /* anonymous children count for tokens and bare _, not for (_) */
  assert_true(matches(f, "(parameters \"(\" (identifier) \")\")", 4, NULL));
  assert_true(matches(f, "(parameters _ _ _)", 4, NULL));
  assert_false(matches(f, "(parameters (_) (_))", 4, NULL));
}

static void test_pattern__string_escapes(void **state)
{
  fixture *f = *state;
  const uint16_t *kinds;
  scl_pattern *p = compile_ok(f, "\"\\\"\"");
  assert_int_equal(scl_pattern_root_kinds(p, &kinds), 1);
  assert_int_equal(kinds[0], kind_id(f, "\"", false));
  p = compile_ok(f, "\"\\\\\"");
  assert_int_equal(scl_pattern_root_kinds(p, &kinds), 1);
  assert_int_equal(kinds[0], kind_id(f, "\\", false));
}

/* ==== fields ============================================================ */

static void test_pattern__field(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(call function: (identifier) @fn)", 0, &caps));
  assert_int_equal(caps.count, 1);
  assert_int_equal(scl_captures_get(&caps, "fn"), 1);
  assert_false(matches(f, "(call function: (argument_list))", 0, NULL));
  assert_false(matches(f, "(call name: (identifier))", 0, NULL));
  assert_true(matches(f, "(call arguments: (argument_list) function: (_))", 0, NULL));
}

static void test_pattern__field_token_value(void **state)
{
  fixture *f = *state;
  BUILD(f, "async def f(x): return x + 1", def_rows);
  assert_true(matches(f, "(binary_operator operator: \"+\" right: (integer))", 12, NULL));
  assert_true(matches(f, "(binary_operator operator: _)", 12, NULL));
  assert_false(matches(f, "(binary_operator operator: \"=\")", 12, NULL));
}

static void test_pattern__field_first_match_wins_and_rolls_back(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "g(1)(z)", twofield_rows);
  /* first candidate under "arguments" binds @args, then fails: rolled back */
  assert_true(matches(f, "(call arguments: (argument_list (identifier) @id) @args)", 0, &caps));
  assert_int_equal(caps.count, 2);
  assert_int_equal(scl_captures_get(&caps, "args"), 4);
  assert_int_equal(scl_captures_get(&caps, "id"), 5);
  caps.count = 0;
  assert_true(matches(f, "(call arguments: (argument_list) @args)", 0, &caps));
  assert_int_equal(caps.count, 1);
  assert_int_equal(scl_captures_get(&caps, "args"), 2);
}

static void test_pattern__negated_field(void **state)
{
  fixture *f = *state;
  BUILD(f, "async def f(x): return x + 1", def_rows);
  assert_true(matches(f, "(function_definition !return_type)", 0, NULL));
  assert_false(matches(f, "(function_definition !name)", 0, NULL));
  assert_true(matches(f, "(function_definition !return_type name: (identifier) (block))", 0,
                      NULL));
}

/* ==== ordered children and anchors ====================================== */

static void test_pattern__ordered_children_with_gaps(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(argument_list (identifier) @p (identifier) @q)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "p"), 4);
  assert_int_equal(scl_captures_get(&caps, "q"), 6);
  assert_true(matches(f, "(argument_list (identifier) (identifier) (identifier))", 2, NULL));
  assert_false(matches(f, "(argument_list (identifier) (identifier) (identifier) (identifier))",
                       2, NULL));
  BUILD(f, "async def f(x): return x + 1", def_rows);
  assert_true(matches(f, "(function_definition (identifier) (block))", 0, NULL));
  assert_false(matches(f, "(function_definition (block) (identifier))", 0, NULL));
}

static void test_pattern__backtracking(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  /* x = a (4) first: its neighbour b is not last; retry with x = b (6) */
  assert_true(matches(f, "(argument_list (identifier) @x . (identifier) @y .)", 2, &caps));
  assert_int_equal(caps.count, 2);
  assert_int_equal(scl_captures_get(&caps, "x"), 6);
  assert_int_equal(scl_captures_get(&caps, "y"), 8);
  /* the second item has to skip b to find the same text as the first */
  caps.count = 0;
  assert_true(matches(f, "(argument_list (identifier) @v (identifier) @v)", 2, &caps));
  assert_int_equal(caps.count, 1);
  assert_int_equal(scl_captures_get(&caps, "v"), 4);
  /* (_) = a leaves "," after b; backtrack to (_) = b, whose next named is
   * a and a's next child is ")" */
  assert_true(matches(f, "(argument_list (_) . (identifier) . \")\")", 2, NULL));
  /* capture-free items that cannot be followed: no later start helps */
  assert_false(matches(f, "(argument_list (_) (integer))", 2, NULL));
  assert_true(matches(f, "(argument_list (_) (identifier) \")\")", 2, NULL));
}

static void test_pattern__many_children_no_blowup(void **state)
{
  fixture *f = *state;
  enum { KIDS = 1000 };
  row rows[KIDS + 1];
  rows[0] = (row)N(0, "module", NULL, 0, KIDS);
  for (uint32_t i = 1; i <= KIDS; i++)
    rows[i] = (row)N(1, "identifier", NULL, i - 1, i);
  char src[KIDS + 1];
  memset(src, 'a', KIDS);
  src[KIDS] = '\0';
  build(f, src, rows, KIDS + 1);
  /* Without pruning this tries every 5-subset of 1000 children (about 8e12
   * steps) before failing; with it the failure is found in linear time. */
  assert_false(matches(f, "(module (_) (_) (_) (_) (_) (integer))", 0, NULL));
  assert_true(matches(f, "(module (_) (_) (_) (_) (_) (identifier) .)", 0, NULL));
}

static void test_pattern__anchor_first(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(argument_list . (identifier) @first)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "first"), 4);
  assert_true(matches(f, "(call . (identifier))", 0, NULL));
  assert_false(matches(f, "(call . (argument_list))", 0, NULL));
  BUILD(f, "async def f(x): return x + 1", def_rows);
  /* a token child is anchored among all children */
  assert_true(matches(f, "(function_definition . \"async\")", 0, NULL));
  assert_false(matches(f, "(function_definition . \"def\")", 0, NULL));
  /* a named child is anchored among named children */
  assert_true(matches(f, "(function_definition . (identifier))", 0, NULL));
}

static void test_pattern__anchor_last(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(argument_list (identifier) @last .)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "last"), 8);
  assert_true(matches(f, "(argument_list \")\" .)", 2, NULL));
  assert_false(matches(f, "(argument_list \",\" .)", 2, NULL));
  assert_false(matches(f, "(call (identifier) .)", 0, NULL));
  assert_true(matches(f, "(call (argument_list) .)", 0, NULL));
  assert_false(matches(f, "(argument_list . (identifier) .)", 2, NULL));
  BUILD(f, "g(1)(z)", twofield_rows);
  assert_true(matches(f, "(argument_list . (integer) .)", 2, NULL));
}

static void test_pattern__anchor_adjacent(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  /* adjacency skips anonymous "," between named children */
  assert_true(matches(f, "(argument_list (identifier) @p . (identifier) @q)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "p"), 4);
  assert_int_equal(scl_captures_get(&caps, "q"), 6);
  BUILD(f, "async def f(x): return x + 1", def_rows);
  assert_true(matches(f, "(function_definition (identifier) . (parameters))", 0, NULL));
  assert_false(matches(f, "(function_definition (identifier) . (block))", 0, NULL));
  assert_true(matches(f, "(function_definition \"async\" . \"def\")", 0, NULL));
  /* a named item after a token: the next named child */
  assert_true(matches(f, "(function_definition \"async\" . (identifier))", 0, NULL));
  assert_false(matches(f, "(function_definition \"def\" . (parameters))", 0, NULL));
}

/* ==== alternatives ====================================================== */

static void test_pattern__alternatives_root(void **state)
{
  fixture *f = *state;
  BUILD(f, "foo(a, b, a)", call_rows);
  const char *pat = "[(call) (identifier)]";
  assert_true(matches(f, pat, 0, NULL));
  assert_true(matches(f, pat, 1, NULL));
  assert_false(matches(f, pat, 2, NULL));
  assert_false(matches(f, pat, 3, NULL));
}

static void test_pattern__alternatives_nested(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(call function: [(integer) @n (identifier) @fn])", 0, &caps));
  assert_int_equal(caps.count, 1);
  assert_int_equal(scl_captures_get(&caps, "fn"), 1);
  assert_int_equal(scl_captures_get(&caps, "n"), SCL_NO_NODE);
  caps.count = 0;
  /* an alternative holding a token is tried on anonymous children too */
  assert_true(matches(f, "(argument_list [\",\" (integer)] @sep)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "sep"), 5);
  assert_false(matches(f, "(call [(integer) (block)])", 0, NULL));
}

/* ==== captures and metavariables ======================================== */

static void test_pattern__captures_several_and_rollback(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  assert_true(matches(f, "(call) @a @b", 0, &caps));
  assert_int_equal(caps.count, 2);
  assert_int_equal(scl_captures_get(&caps, "a"), 0);
  assert_int_equal(scl_captures_get(&caps, "b"), 0);
  /* a failing match leaves caps exactly as it was */
  scl_captures before = caps;
  assert_false(matches(f, "(call function: (identifier) @f arguments: (integer) @g) @c", 0,
                       &caps));
  assert_int_equal(caps.count, 2);
  assert_memory_equal(caps.items, before.items, 2 * sizeof(caps.items[0]));
  assert_int_equal(scl_captures_get(&caps, "f"), SCL_NO_NODE);
}

static void test_pattern__metavariable_within_pattern(void **state)
{
  fixture *f = *state;
  BUILD(f, "x = x + y", assign_rows);
  assert_true(matches(f, "(assignment left: (_) @v right: (binary_operator left: (_) @v))", 0,
                      NULL));
  assert_false(matches(f, "(assignment left: (_) @v right: (binary_operator right: (_) @v))", 0,
                       NULL));
}

static void test_pattern__metavariable_prebound(void **state)
{
  fixture *f = *state;
  scl_captures caps = { .count = 0 };
  BUILD(f, "x = x + y", assign_rows);
  caps.items[0].name = "v";  /* a different pointer than the pattern's name */
  caps.items[0].node = 1;    /* x */
  caps.count = 1;
  assert_true(matches(f, "(identifier) @v", 4, &caps));  /* the other x */
  assert_int_equal(caps.count, 1);                        /* no duplicate */
  assert_int_equal(scl_captures_get(&caps, "v"), 1);
  assert_false(matches(f, "(identifier) @v", 6, &caps));  /* y */
  assert_int_equal(caps.count, 1);
  /* a new name next to a rejected metavariable is rolled back */
  assert_false(matches(f, "(binary_operator left: (_) @w right: (_) @v)", 3, &caps));
  assert_int_equal(caps.count, 1);
  assert_true(matches(f, "(binary_operator left: (_) @v right: (_) @w)", 3, &caps));
  assert_int_equal(caps.count, 2);
  assert_int_equal(scl_captures_get(&caps, "w"), 6);
}

static void test_pattern__captures_full_fails(void **state)
{
  fixture *f = *state;
  scl_captures caps;
  memset(&caps, 0, sizeof(caps));
  BUILD(f, "foo(a, b, a)", call_rows);
  for (unsigned i = 0; i < SCL_MAX_CAPTURES; i++) {
    caps.items[i].name = "taken";
    caps.items[i].node = 0;
  }
  caps.count = SCL_MAX_CAPTURES;
  assert_false(matches(f, "(call) @new", 0, &caps));
  assert_int_equal(caps.count, SCL_MAX_CAPTURES);
  assert_true(matches(f, "(call) @taken", 0, &caps));
}

static void test_pattern__capture_names(void **state)
{
  fixture *f = *state;
  const char *const *names;
  scl_pattern *p = compile_ok(f, "(call function: (_) @fn arguments: (_ (_) @arg.x-1) @fn) @c");
  assert_int_equal(scl_pattern_capture_names(p, &names), 3);
  assert_string_equal(names[0], "fn");
  assert_string_equal(names[1], "arg.x-1");
  assert_string_equal(names[2], "c");
  p = compile_ok(f, "(call (identifier) @x .)");
  assert_int_equal(scl_pattern_capture_names(p, &names), 1);
  assert_string_equal(names[0], "x");
  p = compile_ok(f, "(call)");
  assert_int_equal(scl_pattern_capture_names(p, &names), 0);
}

/* ==== root kinds ======================================================== */

static void test_pattern__root_kinds(void **state)
{
  fixture *f = *state;
  const uint16_t *kinds = NULL;
  uint16_t call = kind_id(f, "call", true), ident = kind_id(f, "identifier", true);
  scl_pattern *p = compile_ok(f, "(call function: (identifier))");
  assert_int_equal(scl_pattern_root_kinds(p, &kinds), 1);
  assert_int_equal(kinds[0], call);

  p = compile_ok(f, "\"async\"");
  assert_int_equal(scl_pattern_root_kinds(p, &kinds), 1);
  assert_int_equal(kinds[0], kind_id(f, "async", false));

  p = compile_ok(f, "[(call) (identifier) [(call) \"+\"]] @x");
  assert_int_equal(scl_pattern_root_kinds(p, &kinds), 3);
  assert_int_equal(kinds[0], call);
  assert_int_equal(kinds[1], ident);
  assert_int_equal(kinds[2], kind_id(f, "+", false));

  const char *const wild[] = { "(_)", "(_ (call))", "_", "[(call) _]", "[(call) [(_)]]" };
  for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
    p = compile_ok(f, wild[i]);
    kinds = (const uint16_t *)&kinds;
    assert_int_equal(scl_pattern_root_kinds(p, &kinds), 0);
    assert_null(kinds);
  }
}

/* ==== compile errors ==================================================== */

static void test_pattern__error_unknown_kind(void **state)
{
  fixture *f = *state;
  expect_error(f, "(foo)", "unknown node kind 'foo'", 1, 2);
  expect_error(f, "(call\n  (foo))", "unknown node kind 'foo'", 2, 4);
  expect_error(f, "\"nope\"", "unknown node kind \"nope\"", 1, 1);
}

static void test_pattern__error_unknown_kind_hints(void **state)
{
  fixture *f = *state;
  expect_error(f, "(Identifier)", "did you mean (identifier)?", 1, 2);
  expect_error(f, "(expression)", "did you mean (Expression)?", 1, 2);
  expect_error(f, "(call (async))", "did you mean the token \"async\"?", 1, 8);
  expect_error(f, "(call \"identifier\")", "did you mean the named node (identifier)?", 1, 7);
  expect_error(f, "\"DEF\"", "did you mean \"def\"?", 1, 1);
}

static void test_pattern__error_unknown_field(void **state)
{
  fixture *f = *state;
  expect_error(f, "(call bogus: (_))", "unknown field 'bogus'", 1, 7);
  expect_error(f, "(call !bogus)", "unknown field 'bogus'", 1, 8);
  expect_error(f, "(call Function: (_))", "did you mean 'function'?", 1, 7);
}

static void test_pattern__error_syntax(void **state)
{
  fixture *f = *state;
  expect_error(f, "(call $)", "unexpected character '$'", 1, 7);
  expect_error(f, "(call) #", "trailing input", 1, 8);
  expect_error(f, "(call) (call)", "trailing input", 1, 8);
  expect_error(f, "(call identifier)", "bare name 'identifier'", 1, 7);
  expect_error(f, "[function: (_)]", "only allowed inside (...)", 1, 2);
  expect_error(f, "(call) @", "expected a capture name", 1, 8);
  expect_error(f, "@x", "capture '@' must follow a pattern", 1, 1);
  expect_error(f, "(call ! function)", "expected a field name", 1, 8);
  expect_error(f, "(\"async\")", "without parentheses", 1, 2);
  expect_error(f, "(call function: )", "expected a pattern", 1, 17);
  expect_error(f, "[]", "empty alternatives", 1, 1);
}

static void test_pattern__error_unbalanced(void **state)
{
  fixture *f = *state;
  expect_error(f, "(call (identifier)", "unbalanced parentheses", 1, 1);
  expect_error(f, "(call))", "unbalanced parentheses", 1, 7);
  expect_error(f, ")", "unbalanced parentheses", 1, 1);
  expect_error(f, "[(call)", "unbalanced brackets", 1, 1);
  expect_error(f, "(call ]", "unbalanced brackets", 1, 7);
  expect_error(f, "[(call))", "unbalanced parentheses", 1, 8);
  expect_error(f, "(", "unbalanced parentheses", 1, 1);
}

static void test_pattern__error_strings(void **state)
{
  fixture *f = *state;
  expect_error(f, "(call \"async", "unterminated string", 1, 7);
  expect_error(f, "\"as\\", "unterminated string", 1, 1);
  expect_error(f, "\"a\\qb\"", "unknown escape", 1, 3);
  expect_error(f, "\"\"", "empty token", 1, 1);
}

static void test_pattern__error_empty(void **state)
{
  fixture *f = *state;
  expect_error(f, "", "empty pattern", 1, 1);
  expect_error(f, "  ; only a comment\n  ", "empty pattern", 2, 3);
}

static void test_pattern__error_anchors(void **state)
{
  fixture *f = *state;
  expect_error(f, ". (call)", "anchor", 1, 1);
  expect_error(f, "(call) .", "anchor", 1, 8);
  expect_error(f, "(call . function: (_))", "anchor", 1, 7);
  expect_error(f, "(call function: (_) . (_))", "anchor", 1, 21);
  expect_error(f, "(call (_) . !name)", "anchor", 1, 11);
  expect_error(f, "(call . . (_))", "anchor '.' repeated", 1, 9);
  expect_error(f, "(call .)", "anchor", 1, 7);
  expect_error(f, "[(call) . (identifier)]", "anchor", 1, 9);
  expect_error(f, "(call function: . (_))", "anchor", 1, 17);
}

static void test_pattern__error_nesting_too_deep(void **state)
{
  fixture *f = *state;
  char text[400];
  size_t n = 0;
  for (int i = 0; i < 64; i++) {
    memcpy(text + n, "(_ ", 3);
    n += 3;
  }
  memset(text + n, ')', 64);
  text[n + 64] = '\0';
  compile_ok(f, text);  /* 64 levels are fine */

  n = 0;
  for (int i = 0; i < 65; i++)
    text[n++] = '[';
  text[n++] = '_';
  memset(text + n, ']', 65);
  text[n + 65] = '\0';
  expect_error(f, text, "nesting deeper than 64", 1, 65);
}

static void test_pattern__error_too_many_captures(void **state)
{
  fixture *f = *state;
  char text[1024];
  size_t n = 0;
  text[n++] = '(';
  text[n++] = '_';
  for (int i = 0; i <= SCL_MAX_CAPTURES; i++) {
    char item[32];
    int len = snprintf(item, sizeof(item), " (_) @c%d", i);
    memcpy(text + n, item, (size_t)len);
    n += (size_t)len;
  }
  text[n++] = ')';
  text[n] = '\0';
  /* "(_", ten " (_) @cN", twenty-two " (_) @cNN", then " (_) " before the 33rd '@' */
  expect_error(f, text, "more than 32 distinct capture names", 1, 2 + 10 * 8 + 22 * 9 + 5 + 1);
  /* repeating names does not count against the limit */
  n = 0;
  text[n++] = '(';
  text[n++] = '_';
  for (int i = 0; i < 100; i++) {
    memcpy(text + n, " (_) @same", 10);
    n += 10;
  }
  text[n++] = ')';
  text[n] = '\0';
  compile_ok(f, text);
}

static void test_pattern__error_too_large(void **state)
{
  fixture *f = *state;
  char text[1200];
  size_t n = 0;
  text[n++] = '[';
  for (int i = 0; i < 520; i++) {
    text[n++] = '_';
    text[n++] = ' ';
  }
  text[n++] = ']';
  text[n] = '\0';
  expect_error(f, text, "pattern too large", 1, 2 + 511 * 2);
}

static void test_pattern__error_null_argument(void **state)
{
  fixture *f = *state;
  scl_pattern *p = NULL;
  assert_int_equal(scl_pattern_compile(&p, NULL, &f->kinds, &f->arena, &f->diag), SCL_EINVAL);
  assert_null(p);
}

/* ==== every match (scl_pattern_match_each) ============================== */

/*
 * offers - what an accept function saw: each offered match as
 * "name=node,..." (captures in binding order), matches separated by "; ".
 *   accept_at  accept the offer with this 1-based index; 0 = accept none
 */
typedef struct offers {
  char text[1024];
  size_t len;
  unsigned count;
  unsigned accept_at;
} offers;

static bool record_offer(const scl_captures *caps, void *payload)
{
  offers *o = payload;
  o->count++;
  for (unsigned i = 0; i < caps->count && o->len < sizeof(o->text) - 64; i++) {
    int n = snprintf(o->text + o->len, sizeof(o->text) - o->len, "%s%s=%u",
                     i ? "," : (o->count > 1 ? "; " : ""), caps->items[i].name,
                     (unsigned)caps->items[i].node);
    o->len += (size_t)n;
  }
  return o->count == o->accept_at;
}

/* Runs scl_pattern_match_each with a fresh recorder; returns its result. */
static bool each(fixture *f, const char *text, uint32_t node, scl_captures *caps, offers *o,
                 unsigned accept_at, bool *capped)
{
  memset(o, 0, sizeof(*o));
  o->accept_at = accept_at;
  return scl_pattern_match_each(capped, compile_ok(f, text), &f->tree, node, caps, record_offer,
                                o);
}

static void test_pattern__each_sequence_positions(void **state)
{
  fixture *f = *state;
  offers o;
  bool capped = true;
  scl_captures caps = { .count = 0 };
  BUILD(f, "foo(a, b, a)", call_rows);
  /* every position in tree order; none accepted: caps untouched */
  assert_false(each(f, "(argument_list (identifier) @x)", 2, &caps, &o, 0, &capped));
  assert_string_equal(o.text, "x=4; x=6; x=8");
  assert_false(capped);
  assert_int_equal(caps.count, 0);
  /* two items: the outer (first) item varies slowest */
  assert_false(each(f, "(argument_list (identifier) @x (identifier) @y)", 2, &caps, &o, 0, NULL));
  assert_string_equal(o.text, "x=4,y=6; x=4,y=8; x=6,y=8");
  /* stop at the second offer: caps holds that match */
  assert_true(each(f, "(argument_list (identifier) @x (identifier) @y)", 2, &caps, &o, 2,
                   &capped));
  assert_false(capped);
  assert_int_equal(o.count, 2);
  assert_int_equal(caps.count, 2);
  assert_int_equal(scl_captures_get(&caps, "x"), 4);
  assert_int_equal(scl_captures_get(&caps, "y"), 8);
  /* the first offer is what scl_pattern_match finds */
  caps.count = 0;
  assert_true(matches(f, "(argument_list (identifier) @x (identifier) @y)", 2, &caps));
  assert_int_equal(scl_captures_get(&caps, "y"), 6);
}

static void test_pattern__each_capture_free_parts_offered_once(void **state)
{
  fixture *f = *state;
  offers o;
  BUILD(f, "foo(a, b, a)", call_rows);
  /* the capture-free first item could sit on a or b before y = 8: one offer */
  assert_false(each(f, "(argument_list (identifier) (identifier) @y)", 2, NULL, &o, 0, NULL));
  assert_string_equal(o.text, "y=6; y=8");
  /* no capture at all: one offer */
  assert_false(each(f, "(argument_list (identifier))", 2, NULL, &o, 0, NULL));
  assert_int_equal(o.count, 1);
  /* anchors keep their meaning */
  assert_false(each(f, "(argument_list (identifier) @x . (identifier) @y)", 2, NULL, &o, 0,
                    NULL));
  assert_string_equal(o.text, "x=4,y=6; x=6,y=8");
  assert_false(each(f, "(argument_list (identifier) @x .)", 2, NULL, &o, 0, NULL));
  assert_string_equal(o.text, "x=8");
  assert_false(each(f, "(argument_list . (identifier) @x)", 2, NULL, &o, 0, NULL));
  assert_string_equal(o.text, "x=4");
  /* metavariables: only the positions with the same text */
  assert_false(each(f, "(argument_list (identifier) @v (identifier) @v)", 2, NULL, &o, 0, NULL));
  assert_string_equal(o.text, "v=4");
}

static void test_pattern__each_field_children(void **state)
{
  fixture *f = *state;
  offers o;
  scl_captures caps = { .count = 0 };
  BUILD(f, "g(1)(z)", twofield_rows);
  assert_false(each(f, "(call arguments: (argument_list) @args)", 0, &caps, &o, 0, NULL));
  assert_string_equal(o.text, "args=2; args=4");
  /* the field's later children are tried once a later item fails */
  assert_false(each(f, "(call arguments: (argument_list (_) @x) @args function: (_) @fn)", 0,
                    &caps, &o, 0, NULL));
  assert_string_equal(o.text, "args=2,x=3,fn=1; args=4,x=5,fn=1");
  assert_true(each(f, "(call arguments: (argument_list) @args)", 0, &caps, &o, 2, NULL));
  assert_int_equal(scl_captures_get(&caps, "args"), 4);
}

static void test_pattern__each_alternatives(void **state)
{
  fixture *f = *state;
  offers o;
  BUILD(f, "foo(a, b, a)", call_rows);
  /* in the order written, each alternative with all of its own matches */
  assert_false(each(f, "(call function: [(identifier) @a (_) @b (integer) @c])", 0, NULL, &o, 0,
                    NULL));
  assert_string_equal(o.text, "a=1; b=1");
  assert_false(each(f, "[(argument_list (identifier) @x) (argument_list (_) @y .)]", 2, NULL,
                     &o, 0, NULL));
  assert_string_equal(o.text, "x=4; x=6; x=8; y=8");
  /* capture-free alternatives under a capture are one way to match */
  assert_false(each(f, "(argument_list [(identifier) (_)] @x .)", 2, NULL, &o, 0, NULL));
  assert_string_equal(o.text, "x=8");
}

static void test_pattern__each_cap(void **state)
{
  fixture *f = *state;
  enum { KIDS = 1000 };
  row rows[KIDS + 1];
  rows[0] = (row)N(0, "module", NULL, 0, KIDS);
  for (uint32_t i = 1; i <= KIDS; i++)
    rows[i] = (row)N(1, "identifier", NULL, i - 1, i);
  char src[KIDS + 1];
  memset(src, 'a', KIDS);
  src[KIDS] = '\0';
  build(f, src, rows, KIDS + 1);
  offers o;
  bool capped = false;
  scl_captures caps = { .count = 0 };
  /* the offers stop at the cap, reported as such */
  assert_false(each(f, "(module (identifier) @x)", 0, &caps, &o, 0, &capped));
  assert_int_equal(o.count, SCL_MAX_PATTERN_MATCHES);
  assert_true(capped);
  assert_int_equal(caps.count, 0);
  /* the last offer within the cap can still be accepted */
  assert_true(each(f, "(module (identifier) @x)", 0, &caps, &o, SCL_MAX_PATTERN_MATCHES,
                   &capped));
  assert_false(capped);
  assert_int_equal(scl_captures_get(&caps, "x"), SCL_MAX_PATTERN_MATCHES);
  /* a search that never completes a match stops at the step cap */
  caps.count = 0;
  assert_false(each(f, "(module (identifier) @x (identifier) @y (integer))", 0, &caps, &o, 0,
                    &capped));
  assert_int_equal(o.count, 0);
  assert_true(capped);
  assert_int_equal(caps.count, 0);
  /* no match at all is not a cap */
  assert_false(each(f, "(module (integer) @x)", 0, &caps, &o, 0, &capped));
  assert_false(capped);
}

#define CASE(name) cmocka_unit_test_setup_teardown(test_pattern__##name, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
    CASE(kind_match),
    CASE(wildcards),
    CASE(string_token),
    CASE(string_escapes),
    CASE(field),
    CASE(field_token_value),
    CASE(field_first_match_wins_and_rolls_back),
    CASE(negated_field),
    CASE(ordered_children_with_gaps),
    CASE(backtracking),
    CASE(many_children_no_blowup),
    CASE(anchor_first),
    CASE(anchor_last),
    CASE(anchor_adjacent),
    CASE(alternatives_root),
    CASE(alternatives_nested),
    CASE(captures_several_and_rollback),
    CASE(metavariable_within_pattern),
    CASE(metavariable_prebound),
    CASE(captures_full_fails),
    CASE(capture_names),
    CASE(each_sequence_positions),
    CASE(each_capture_free_parts_offered_once),
    CASE(each_field_children),
    CASE(each_alternatives),
    CASE(each_cap),
    CASE(root_kinds),
    CASE(error_unknown_kind),
    CASE(error_unknown_kind_hints),
    CASE(error_unknown_field),
    CASE(error_syntax),
    CASE(error_unbalanced),
    CASE(error_strings),
    CASE(error_empty),
    CASE(error_anchors),
    CASE(error_nesting_too_deep),
    CASE(error_too_many_captures),
    CASE(error_too_large),
    CASE(error_null_argument),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
