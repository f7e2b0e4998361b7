/*
 * test_sql.c - the SQL front-end's tree shapes and SCL006's schema join
 * (src/frontend/sql.c, src/engine/schema.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/schema.h"
#include "frontend/frontend.h"
#include "scalint/finding.h"

typedef struct parsed {
  scl_arena arena;
  scl_frontend *fe;
  scl_tree tree;
} parsed;

static void parse(parsed *p, const char *src)
{
  scl_diag d;
  assert_int_equal(scl_frontends_init(&d), SCL_OK);
  scl_arena_init(&p->arena);
  assert_int_equal(scl_frontend_new(&p->fe, &d), SCL_OK);
  assert_int_equal(scl_frontend_parse(&p->tree, p->fe, SCL_LANG_SQL, "t.sql", src, strlen(src),
                                      &p->arena, &d),
                   SCL_OK);
}

static void dispose(parsed *p)
{
  scl_frontend_free(p->fe);
  scl_arena_dispose(&p->arena);
}

/* Text of the first node of kind (named) whose field is field ("" any). */
static char *text_of(const scl_tree *t, const char *kind, const char *field, unsigned nth)
{
  for (uint32_t i = 0; i < t->count; i++) {
    if (strcmp(scl_tree_kind_name(t, i), kind) != 0)
      continue;
    if (*field && strcmp(scl_kinds_field_name(t->kinds, t->nodes[i].field), field) != 0)
      continue;
    if (nth-- > 0)
      continue;
    size_t len;
    const char *s = scl_tree_text(t, i, &len);
    return strndup(s, len);
  }
  return NULL;
}

static void assert_text(const scl_tree *t, const char *kind, const char *field, unsigned nth,
                        const char *want)
{
  char *got = text_of(t, kind, field, nth);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void test_sql__create_table_shapes(void **state)
{
  (void)state;
  parsed p;
  parse(&p, "-- c\nCREATE TABLE IF NOT EXISTS \"Orders\" (\n"
            "  id BIGSERIAL PRIMARY KEY,\n"
            "  customer_id BIGINT REFERENCES customers (id),\n"
            "  CONSTRAINT fk FOREIGN KEY (coupon_id) REFERENCES coupons(id)\n);\n");
  assert_text(&p.tree, "identifier", "name", 0, "Orders");  /* quotes excluded */
  assert_text(&p.tree, "column_definition", "", 1, "customer_id BIGINT REFERENCES customers (id)");
  assert_text(&p.tree, "identifier", "table", 0, "customers");
  assert_text(&p.tree, "table_constraint", "", 0,
              "FOREIGN KEY (coupon_id) REFERENCES coupons(id)");
  char *pk = text_of(&p.tree, "primary_key", "", 0);
  assert_non_null(pk);
  free(pk);
  /* rows are 0-based: the table name is on the second line */
  for (uint32_t i = 0; i < p.tree.count; i++)
    if (!strcmp(scl_tree_kind_name(&p.tree, i), "create_table"))
      assert_int_equal(p.tree.nodes[i].start_row, 1);
  dispose(&p);
}

static void test_sql__index_and_statements(void **state)
{
  (void)state;
  parsed p;
  parse(&p, "CREATE UNIQUE INDEX CONCURRENTLY i ON public.t USING btree (lower(a), b);\n"
            "INSERT INTO t VALUES ('x;y');\n"
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
            "ALTER TABLE t ADD COLUMN u_id INT REFERENCES u (id);\n");
  assert_text(&p.tree, "identifier", "table", 0, "public.t");
  /* the expression lower(a) is no column; b is */
  char *first = text_of(&p.tree, "column_list", "columns", 0);
  assert_string_equal(first, "(lower(a), b)");
  free(first);
  unsigned statements = 0;
  for (uint32_t i = 0; i < p.tree.count; i++)
    statements += !strcmp(scl_tree_kind_name(&p.tree, i), "statement");
  assert_int_equal(statements, 2);  /* the ';' inside the string and $$ body split nothing */
  assert_text(&p.tree, "alter_table", "", 0, "ALTER TABLE t ADD COLUMN u_id INT REFERENCES u (id)");
  dispose(&p);
}

typedef struct hits {
  char cols[16][64];
  unsigned count;
} hits;

static void on_fk(const scl_schema_fk *fk, void *payload)
{
  hits *h = payload;
  if (h->count < 16)
    snprintf(h->cols[h->count++], 64, "%s.%s", fk->table, fk->column);
}

static void test_sql__schema_join_across_files(void **state)
{
  (void)state;
  parsed a, b;
  parse(&a, "CREATE TABLE items (id INT PRIMARY KEY, order_id INT REFERENCES orders (id),\n"
            "  shop_id INT, note_id TEXT, warehouse_id INT REFERENCES w (id));\n");
  parse(&b, "CREATE INDEX ON Items (order_id, id);\nCREATE INDEX x ON items (id, shop_id);\n");
  scl_schema_facts fa = {0}, fb = {0};
  scl_schema_collect(&fa, &a.tree, "a.sql", &a.arena);
  scl_schema_collect(&fb, &b.tree, "b.sql", &b.arena);
  scl_schema_facts_merge(&fa, &fb);
  hits h = {{{0}}, 0};
  scl_schema_uncovered(&fa, on_fk, &h);
  /* order_id: covered in b.sql (case-insensitive); shop_id: second column
   * only, not covered; note_id: text, not a key; warehouse_id: not covered */
  assert_int_equal(h.count, 2);
  assert_string_equal(h.cols[0], "items.shop_id");
  assert_string_equal(h.cols[1], "items.warehouse_id");
  scl_schema_facts_dispose(&fa);
  scl_schema_facts_dispose(&fb);
  dispose(&a);
  dispose(&b);
}

static void test_sql__unterminated_input_never_stalls(void **state)
{
  (void)state;
  parsed p;
  parse(&p, "CREATE TABLE t (a INT REFERENCES (((( 'open string");
  assert_true(p.tree.count >= 2);
  dispose(&p);
  parse(&p, "$tag$ never closed");
  dispose(&p);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sql__create_table_shapes),
    cmocka_unit_test(test_sql__index_and_statements),
    cmocka_unit_test(test_sql__schema_join_across_files),
    cmocka_unit_test(test_sql__unterminated_input_never_stalls),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  scl_frontends_shutdown();
  return rc;
}
