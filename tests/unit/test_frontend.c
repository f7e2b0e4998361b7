/*
 * test_frontend.c - unit tests of the tree-sitter and libclang front-ends:
 * kinds tables, node kinds and fields, preorder invariants, positions,
 * error recovery, depth limits and compile_commands.json handling.
 *
 * C sources are given paths inside a fresh temporary directory so that no
 * compile_commands.json of the checkout changes how they are parsed.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <ftw.h>

#include "frontend/dump.h"
#include "frontend/frontend.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

/* fixture - one frontend, one arena and a scratch directory per test. */
typedef struct fixture {
  scl_frontend *fe;
  scl_arena arena;
  scl_tree tree;
  scl_diag diag;
  char dir[64];
} fixture;

static int setup(void **state)
{
  fixture *fx = scl_xcalloc(1, sizeof(*fx));
  scl_diag diag;

  if (scl_frontends_init(&diag) != SCL_OK) {
    fprintf(stderr, "init: %s\n", diag.msg);
    free(fx);
    return -1;
  }
  if (scl_frontend_new(&fx->fe, &diag) != SCL_OK) {
    free(fx);
    return -1;
  }
  scl_arena_init(&fx->arena);
  snprintf(fx->dir, sizeof(fx->dir), "/tmp/scl_fe_XXXXXX");
  if (!mkdtemp(fx->dir)) {
    scl_frontend_free(fx->fe);
    free(fx);
    return -1;
  }
  *state = fx;
  return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  return remove(path);
}

static void remove_tree(const char *dir)
{
  /* only ever our own mkdtemp directory; depth-first, symlinks not followed */
  if (strncmp(dir, "/tmp/scl_fe_", 12) == 0)
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int teardown(void **state)
{
  fixture *fx = *state;
  scl_arena_dispose(&fx->arena);
  scl_frontend_free(fx->fe);
  remove_tree(fx->dir);
  free(fx);
  return 0;
}

static int group_teardown(void **state)
{
  scl_frontends_shutdown();
  return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static scl_status parse(fixture *fx, scl_lang lang, const char *name, const char *src)
{
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
  scl_arena_reset(&fx->arena);
  scl_diag_clear(&fx->diag);
  return scl_frontend_parse(&fx->tree, fx->fe, lang, path, src, strlen(src), &fx->arena,
                            &fx->diag);
}

/* The invariants of tree.h, checked on every node. */
static void assert_tree_ok(const scl_tree *t)
{
  assert_true(t->count > 0);
  assert_int_equal(t->nodes[0].parent, SCL_NO_NODE);
  assert_int_equal(t->nodes[0].end, t->count);
  for (uint32_t i = 0; i < t->count; i++) {
    const scl_node *n = &t->nodes[i];
    assert_true(n->end > i);
    assert_true(n->end <= t->count);
    assert_true(n->kind != 0);
    assert_true(n->kind < t->kinds->kind_count);
    assert_true(n->field < t->kinds->field_count);
    assert_true(n->start_byte <= n->end_byte);
    assert_true(n->end_byte <= t->src_len);
    assert_true(n->start_row < n->end_row ||
                (n->start_row == n->end_row && n->start_col <= n->end_col));
    if (i == 0)
      continue;
    assert_true(n->parent < i);
    assert_true(i < t->nodes[n->parent].end);
    assert_true(n->end <= t->nodes[n->parent].end);
  }
  /* every child found by first_child/next_sibling names its parent */
  for (uint32_t i = 0; i < t->count; i++)
    for (uint32_t c = scl_tree_first_child(t, i); c != SCL_NO_NODE;
         c = scl_tree_next_sibling(t, c))
      assert_int_equal(t->nodes[c].parent, i);
}

static bool text_is(const scl_tree *t, uint32_t i, const char *text)
{
  size_t len;
  const char *s = scl_tree_text(t, i, &len);
  return len == strlen(text) && memcmp(s, text, len) == 0;
}

/* First node of kind (named or not) whose text is text (NULL = any). */
static uint32_t find(const scl_tree *t, const char *kind, bool is_named, const char *text)
{
  uint16_t k = scl_kinds_find_kind(t->kinds, kind, is_named);
  if (!k)
    return SCL_NO_NODE;
  for (uint32_t i = 0; i < t->count; i++)
    if (t->nodes[i].kind == k && (!text || text_is(t, i, text)))
      return i;
  return SCL_NO_NODE;
}

static uint32_t child_by_field_name(const scl_tree *t, uint32_t node, const char *field)
{
  uint16_t f = scl_kinds_find_field(t->kinds, field);
  assert_true(f != 0);
  return scl_tree_child_by_field(t, node, f);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  fclose(f);
}

/* ---- kinds tables ------------------------------------------------------- */

static void test_frontend__kinds_tables(void **state)
{
  scl_diag diag;
  const scl_kinds *py = scl_frontend_kinds(SCL_LANG_PY);
  const scl_kinds *js = scl_frontend_kinds(SCL_LANG_JS);
  const scl_kinds *ts = scl_frontend_kinds(SCL_LANG_TS);
  const scl_kinds *tsx = scl_frontend_kinds(SCL_LANG_TSX);
  const scl_kinds *c = scl_frontend_kinds(SCL_LANG_C);

  assert_int_equal(scl_frontends_init(&diag), SCL_OK);  /* idempotent */
  assert_ptr_equal(py, scl_frontend_kinds(SCL_LANG_PY));
  assert_null(scl_frontend_kinds(SCL_LANG_NONE));
  assert_true(scl_kinds_find_kind(py, "call", true) != 0);
  assert_true(scl_kinds_find_kind(py, "async", false) != 0);
  assert_int_equal(scl_kinds_find_kind(py, "async", true), 0);
  assert_true(scl_kinds_find_kind(py, "ERROR", true) != 0);
  assert_true(scl_kinds_find_field(py, "function") != 0);
  assert_true(scl_kinds_find_kind(js, "call_expression", true) != 0);
  assert_true(scl_kinds_find_field(js, "arguments") != 0);
  assert_true(scl_kinds_find_kind(ts, "type_annotation", true) != 0);
  assert_int_equal(scl_kinds_find_kind(ts, "jsx_element", true), 0);
  assert_true(scl_kinds_find_kind(tsx, "jsx_element", true) != 0);
  /* hidden grammar symbols are not kinds */
  assert_int_equal(scl_kinds_find_kind(py, "_simple_statement", true), 0);
  assert_int_equal(scl_kinds_find_kind(py, "_simple_statement", false), 0);
  /* C: normalised libclang spellings and the documented fields */
  assert_true(scl_kinds_find_kind(c, "CallExpr", true) != 0);
  assert_true(scl_kinds_find_kind(c, "MacroExpansion", true) != 0);
  assert_true(scl_kinds_find_kind(c, "InclusionDirective", true) != 0);
  assert_true(scl_kinds_find_kind(c, "TranslationUnit", true) != 0);
  assert_true(scl_kinds_find_kind(c, "CXXBaseClassSpecifier", true) != 0);
  assert_int_equal(scl_kinds_find_kind(c, "macro expansion", true), 0);
  const char *c_fields[] = { "callee", "argument", "body", "condition", "value", "left", "right" };
  for (size_t i = 0; i < sizeof(c_fields) / sizeof(c_fields[0]); i++)
    assert_true(scl_kinds_find_field(c, c_fields[i]) != 0);
}

/* ---- tree-sitter -------------------------------------------------------- */

static void test_frontend__python_async_and_call(void **state)
{
  fixture *fx = *state;
  const char *src = "async def f():\n    pass\n\nresult = g(1, x)\n";

  assert_int_equal(parse(fx, SCL_LANG_PY, "a.py", src), SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_false(fx->tree.has_errors);
  assert_string_equal(scl_tree_kind_name(&fx->tree, 0), "module");

  uint32_t async_tok = find(&fx->tree, "async", false, "async");
  assert_int_not_equal(async_tok, SCL_NO_NODE);
  assert_false(fx->tree.nodes[async_tok].is_named);
  uint32_t fn = find(&fx->tree, "function_definition", true, NULL);
  assert_int_equal(fx->tree.nodes[async_tok].parent, fn);

  uint32_t call = find(&fx->tree, "call", true, "g(1, x)");
  assert_int_not_equal(call, SCL_NO_NODE);
  uint32_t callee = child_by_field_name(&fx->tree, call, "function");
  assert_int_not_equal(callee, SCL_NO_NODE);
  assert_string_equal(scl_tree_kind_name(&fx->tree, callee), "identifier");
  assert_true(text_is(&fx->tree, callee, "g"));
  assert_true(scl_tree_is_inside(&fx->tree, callee, call));
  /* rows and byte columns are 0-based */
  assert_int_equal(fx->tree.nodes[call].start_row, 3);
  assert_int_equal(fx->tree.nodes[call].start_col, 9);
  assert_int_equal(fx->tree.nodes[call].end_row, 3);
  assert_int_equal(fx->tree.nodes[call].end_col, 16);
  uint32_t args = child_by_field_name(&fx->tree, call, "arguments");
  assert_string_equal(scl_tree_kind_name(&fx->tree, args), "argument_list");
  /* anonymous "(" is a child of the argument list */
  uint32_t paren = scl_tree_first_child(&fx->tree, args);
  assert_false(fx->tree.nodes[paren].is_named);
  assert_true(text_is(&fx->tree, paren, "("));
}

static void test_frontend__javascript_and_typescript(void **state)
{
  fixture *fx = *state;

  assert_int_equal(parse(fx, SCL_LANG_JS, "a.js",
                         "async function h(req) {\n"
                         "  const u = await db.users.findOne(req.id);\n}\n"),
                   SCL_OK);
  assert_tree_ok(&fx->tree);
  uint32_t call = find(&fx->tree, "call_expression", true, NULL);
  assert_int_not_equal(call, SCL_NO_NODE);
  uint32_t fn = child_by_field_name(&fx->tree, call, "function");
  assert_string_equal(scl_tree_kind_name(&fx->tree, fn), "member_expression");
  assert_true(text_is(&fx->tree, fn, "db.users.findOne"));
  assert_true(text_is(&fx->tree, child_by_field_name(&fx->tree, fn, "property"), "findOne"));
  assert_int_not_equal(find(&fx->tree, "await_expression", true, NULL), SCL_NO_NODE);

  assert_int_equal(parse(fx, SCL_LANG_TS, "a.ts",
                         "function f(a: number): string { return String(a); }\n"),
                   SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_false(fx->tree.has_errors);
  assert_int_not_equal(find(&fx->tree, "type_annotation", true, ": number"), SCL_NO_NODE);
  uint32_t decl = find(&fx->tree, "function_declaration", true, NULL);
  assert_true(text_is(&fx->tree, child_by_field_name(&fx->tree, decl, "name"), "f"));

  assert_int_equal(parse(fx, SCL_LANG_TSX, "a.tsx",
                         "const e = <div onClick={h}>hi</div>;\nlet n: number = 1;\n"),
                   SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_false(fx->tree.has_errors);
  assert_int_not_equal(find(&fx->tree, "jsx_element", true, NULL), SCL_NO_NODE);
  assert_int_not_equal(find(&fx->tree, "type_annotation", true, NULL), SCL_NO_NODE);
}

static void test_frontend__syntax_errors_still_give_a_tree(void **state)
{
  fixture *fx = *state;

  assert_int_equal(parse(fx, SCL_LANG_PY, "bad.py", "def f(:\n    pass\nx = 1\n"), SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_true(fx->tree.has_errors);
  bool any = false;
  for (uint32_t i = 0; i < fx->tree.count; i++)
    any = any || fx->tree.nodes[i].has_error;
  assert_true(any);

  assert_int_equal(parse(fx, SCL_LANG_JS, "ok.js", "let a = 1;\n"), SCL_OK);
  assert_false(fx->tree.has_errors);

  assert_int_equal(parse(fx, SCL_LANG_C, "bad.c", "int f(void) { return ; \nint g(\n"), SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_true(fx->tree.has_errors);
}

static void test_frontend__deep_nesting_is_bounded(void **state)
{
  fixture *fx = *state;
  const size_t depth = 100000;
  char *src = scl_xmalloc(2 * depth + 16);
  size_t n = 0;

  memcpy(src, "x = ", 4);
  n = 4;
  memset(src + n, '(', depth);
  n += depth;
  src[n++] = '1';
  memset(src + n, ')', depth);
  n += depth;
  src[n++] = '\n';
  src[n] = '\0';
  scl_status st = parse(fx, SCL_LANG_PY, "deep.py", src);
  assert_true(st == SCL_ELIMIT || st == SCL_OK);
  if (st == SCL_ELIMIT) {
    assert_int_equal(fx->diag.status, SCL_ELIMIT);
    assert_non_null(strstr(fx->diag.msg, "SCL_MAX_TREE_DEPTH"));
    assert_int_equal(fx->diag.line, 1);
  } else {
    assert_tree_ok(&fx->tree);
  }

  /* the same file in C: clang stops at its bracket depth, we must not crash */
  memcpy(src, "int x=", 6);
  st = parse(fx, SCL_LANG_C, "deep.c", src);
  assert_true(st == SCL_ELIMIT || st == SCL_OK);
  if (st == SCL_OK)
    assert_tree_ok(&fx->tree);
  free(src);

  /* a nesting just under the limit parses */
  scl_buf b;
  scl_buf_init(&b, 0);
  scl_buf_puts(&b, "x = ");
  for (int i = 0; i < 300; i++)
    scl_buf_putc(&b, '[');
  for (int i = 0; i < 300; i++)
    scl_buf_putc(&b, ']');
  scl_buf_putc(&b, '\n');
  assert_int_equal(parse(fx, SCL_LANG_PY, "ok.py", scl_buf_cstr(&b)), SCL_OK);
  assert_tree_ok(&fx->tree);
  scl_buf_dispose(&b);
}

/* ---- libclang ----------------------------------------------------------- */

static const char c_server[] =
  "#include <sys/select.h>\n"
  "#include <stdio.h>\n"
  "#define BACKLOG 5\n"
  "static int g = BACKLOG;\n"
  "int serve(int fd) {\n"
  "  fd_set set;\n"
  "  FD_ZERO(&set);\n"
  "  for (int i = 0; i < 10; i++) {\n"
  "    FD_SET(fd, &set);\n"
  "    int n = select(fd + 1, &set, NULL, NULL, NULL);\n"
  "    if (n > 0) printf(\"%d\\n\", n);\n"
  "  }\n"
  "  while (g) g--;\n"
  "  do { fd++; } while (fd < 5);\n"
  "  return fd;\n"
  "}\n";

static void test_frontend__c_select_and_fd_set(void **state)
{
  fixture *fx = *state;
  const scl_tree *t = &fx->tree;

  assert_int_equal(parse(fx, SCL_LANG_C, "server.c", c_server), SCL_OK);
  assert_tree_ok(t);
  assert_false(t->has_errors);  /* the system headers were found */
  assert_string_equal(scl_tree_kind_name(t, 0), "TranslationUnit");
  assert_int_equal(t->nodes[0].start_byte, 0);
  assert_int_equal(t->nodes[0].end_byte, strlen(c_server));

  /* select(...) is a CallExpr whose callee is the DeclRefExpr select */
  uint32_t call = find(t, "CallExpr", true, "select(fd + 1, &set, NULL, NULL, NULL)");
  assert_int_not_equal(call, SCL_NO_NODE);
  uint32_t callee = child_by_field_name(t, call, "callee");
  assert_int_not_equal(callee, SCL_NO_NODE);
  assert_string_equal(scl_tree_kind_name(t, callee), "DeclRefExpr");
  assert_true(text_is(t, callee, "select"));
  assert_int_equal(t->nodes[call].start_row, 9);
  assert_int_equal(t->nodes[call].start_col, 12);
  uint16_t f_arg = scl_kinds_find_field(t->kinds, "argument");
  int args = 0;
  for (uint32_t c = scl_tree_first_child(t, call); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(t, c))
    args += t->nodes[c].field == f_arg;
  assert_int_equal(args, 5);
  /* the call is the initialiser of n, inside the for loop's body */
  uint32_t var = t->nodes[call].parent;
  assert_string_equal(scl_tree_kind_name(t, var), "VarDecl");
  assert_int_equal(child_by_field_name(t, var, "value"), call);
  uint32_t loop = find(t, "ForStmt", true, NULL);
  assert_true(scl_tree_is_inside(t, call, loop));

  /* FD_SET is a MacroExpansion, placed inside the loop by its offset */
  uint32_t fdset = find(t, "MacroExpansion", true, "FD_SET(fd, &set)");
  assert_int_not_equal(fdset, SCL_NO_NODE);
  assert_true(scl_tree_is_inside(t, fdset, loop));
  assert_int_not_equal(find(t, "MacroExpansion", true, "FD_ZERO(&set)"), SCL_NO_NODE);
  assert_int_not_equal(find(t, "MacroDefinition", true, NULL), SCL_NO_NODE);
  assert_int_not_equal(find(t, "InclusionDirective", true, "#include <sys/select.h>"),
                       SCL_NO_NODE);
  /* FD_ZERO's own do/while(0) and for loop are not loops the user wrote */
  uint16_t k_for = scl_kinds_find_kind(t->kinds, "ForStmt", true);
  int fors = 0;
  for (uint32_t i = 0; i < t->count; i++)
    fors += t->nodes[i].kind == k_for;
  assert_int_equal(fors, 1);
  /* nothing from the headers: serve is the only function */
  uint16_t k_fn = scl_kinds_find_kind(t->kinds, "FunctionDecl", true);
  int fns = 0;
  for (uint32_t i = 0; i < t->count; i++)
    fns += t->nodes[i].kind == k_fn;
  assert_int_equal(fns, 1);
}

static void test_frontend__c_fields(void **state)
{
  fixture *fx = *state;
  const scl_tree *t = &fx->tree;

  assert_int_equal(parse(fx, SCL_LANG_C, "server.c", c_server), SCL_OK);
  uint32_t fn = find(t, "FunctionDecl", true, NULL);
  uint32_t body = child_by_field_name(t, fn, "body");
  assert_string_equal(scl_tree_kind_name(t, body), "CompoundStmt");

  uint32_t loop = find(t, "ForStmt", true, NULL);
  assert_string_equal(scl_tree_kind_name(t, child_by_field_name(t, loop, "body")), "CompoundStmt");
  uint32_t wh = find(t, "WhileStmt", true, NULL);
  assert_true(text_is(t, child_by_field_name(t, wh, "body"), "g--"));
  uint32_t dos = find(t, "DoStmt", true, "do { fd++; } while (fd < 5)");
  assert_int_not_equal(dos, SCL_NO_NODE);
  assert_true(text_is(t, child_by_field_name(t, dos, "body"), "{ fd++; }"));

  uint32_t ifs = find(t, "IfStmt", true, NULL);
  uint32_t cond = child_by_field_name(t, ifs, "condition");
  assert_true(text_is(t, cond, "n > 0"));
  assert_string_equal(scl_tree_kind_name(t, cond), "BinaryOperator");
  assert_true(text_is(t, child_by_field_name(t, cond, "left"), "n"));
  assert_true(text_is(t, child_by_field_name(t, cond, "right"), "0"));

  /* the implicit casts around select's callee are spliced out */
  assert_int_equal(find(t, "UnexposedExpr", true, NULL), SCL_NO_NODE);

  /* a VarDecl whose type is a typedef has a TypeRef child that is not its value */
  uint32_t set = find(t, "VarDecl", true, "fd_set set");
  assert_int_not_equal(set, SCL_NO_NODE);
  assert_int_equal(child_by_field_name(t, set, "value"), SCL_NO_NODE);
  uint32_t g = find(t, "VarDecl", true, "static int g = BACKLOG");
  assert_int_not_equal(g, SCL_NO_NODE);
  assert_int_not_equal(child_by_field_name(t, g, "value"), SCL_NO_NODE);
}

static void test_frontend__c_compile_commands(void **state)
{
  fixture *fx = *state;
  char path[256], buf[1024];
  const char *src = "#include \"dbinc.h\"\nint v = FROM_DB + DB_INC;\n";

  /* proj/src/main.c, proj/inc/dbinc.h, proj/build/compile_commands.json */
  snprintf(path, sizeof(path), "%s/proj", fx->dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/proj/src", fx->dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/proj/inc", fx->dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/proj/build", fx->dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof(path), "%s/proj/inc/dbinc.h", fx->dir);
  write_file(path, "#define DB_INC 1\n");
  snprintf(path, sizeof(path), "%s/proj/src/main.c", fx->dir);
  write_file(path, src);
  snprintf(buf, sizeof(buf),
           "[{\"directory\": \"%s/proj\", \"file\": \"src/main.c\",\n"
           "  \"command\": \"cc -DFROM_DB=7 -Iinc -MD -MF main.d -c src/main.c -o main.o\"}]\n",
           fx->dir);
  snprintf(path, sizeof(path), "%s/proj/build/compile_commands.json", fx->dir);
  write_file(path, buf);

  assert_int_equal(parse(fx, SCL_LANG_C, "proj/src/main.c", src), SCL_OK);
  assert_tree_ok(&fx->tree);
  assert_false(fx->tree.has_errors);  /* -I and -D came from the database */
  assert_int_not_equal(find(&fx->tree, "MacroExpansion", true, "FROM_DB"), SCL_NO_NODE);
  snprintf(path, sizeof(path), "%s/proj/main.d", fx->dir);
  assert_int_not_equal(access(path, F_OK), 0);  /* no dependency file written */

  /* libclang infers flags for a project file the database does not list */
  assert_int_equal(parse(fx, SCL_LANG_C, "proj/src/other.c", src), SCL_OK);
  assert_false(fx->tree.has_errors);
  /* outside the project the defaults apply: no -D, no -I */
  assert_int_equal(parse(fx, SCL_LANG_C, "outside.c", src), SCL_OK);
  assert_true(fx->tree.has_errors);
}

static void test_frontend__c_rows_from_offsets(void **state)
{
  fixture *fx = *state;
  const char *src = "int a;\r\n/* \xc3\xa9 */ int b = 2;\n";

  assert_int_equal(parse(fx, SCL_LANG_C, "rows.c", src), SCL_OK);
  assert_tree_ok(&fx->tree);
  uint32_t b = find(&fx->tree, "VarDecl", true, "int b = 2");
  assert_int_not_equal(b, SCL_NO_NODE);
  assert_int_equal(fx->tree.nodes[b].start_row, 1);
  assert_int_equal(fx->tree.nodes[b].start_col, 9);  /* bytes: é is two */
  assert_int_equal(fx->tree.nodes[b].end_col, 18);
  assert_int_equal(fx->tree.nodes[b].start_byte, 8 + 9);
}

static void test_frontend__dump(void **state)
{
  fixture *fx = *state;
  char *out = NULL;
  size_t out_len = 0;

  assert_int_equal(parse(fx, SCL_LANG_PY, "d.py", "print(\"h\\u00e9\")\n"), SCL_OK);
  FILE *f = open_memstream(&out, &out_len);
  assert_non_null(f);
  scl_tree_dump(f, &fx->tree);
  fclose(f);
  assert_non_null(strstr(out, "module 1:1-2:1"));
  assert_non_null(strstr(out, "\n  expression_statement 1:1-1:17"));
  assert_non_null(strstr(out, "    call 1:1-1:17 \"print(\\\"h\\\\u00e9\\\")\"\n"));
  assert_non_null(strstr(out, "      identifier function: 1:1-1:6 \"print\"\n"));
  assert_null(strstr(out, " ( "));  /* anonymous tokens are not listed */
  free(out);
}

static void test_frontend__bad_lang_and_empty_files(void **state)
{
  fixture *fx = *state;
  assert_int_equal(scl_frontend_parse(&fx->tree, fx->fe, SCL_LANG_NONE, "x", "", 0, &fx->arena,
                                      &fx->diag),
                   SCL_EINVAL);
  /* an empty file is a tree of one node */
  assert_int_equal(parse(fx, SCL_LANG_PY, "empty.py", ""), SCL_OK);
  assert_int_equal(fx->tree.count, 1);
  assert_int_equal(parse(fx, SCL_LANG_C, "empty.c", ""), SCL_OK);
  assert_int_equal(fx->tree.count, 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_frontend__kinds_tables, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__python_async_and_call, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__javascript_and_typescript, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__syntax_errors_still_give_a_tree, setup,
                                    teardown),
    cmocka_unit_test_setup_teardown(test_frontend__deep_nesting_is_bounded, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__c_select_and_fd_set, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__c_fields, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__c_compile_commands, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__c_rows_from_offsets, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__dump, setup, teardown),
    cmocka_unit_test_setup_teardown(test_frontend__bad_lang_and_empty_files, setup,
                                    teardown),
  };
  return cmocka_run_group_tests(tests, NULL, group_teardown);
}
