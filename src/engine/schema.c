/*
 * schema.c - SCL006's built-in check: foreign keys that no index covers,
 * joined across all scanned .sql files. Reads only the SQL front-end's tree
 * shapes (see src/frontend/sql.c); must not parse text itself.
 */
#include "engine/schema.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/alloc.h"

/* ==== tree helpers ====================================================== */

typedef struct kinds_ids {
  uint16_t create_table, alter_table, create_index, column_def, table_constraint, references,
    column_list, identifier, primary_key, unique, foreign_key;
  uint16_t f_name, f_table, f_columns, f_references;
} kinds_ids;

static void resolve(kinds_ids *k, const scl_kinds *kinds)
{
  k->create_table = scl_kinds_find_kind(kinds, "create_table", true);
  k->alter_table = scl_kinds_find_kind(kinds, "alter_table", true);
  k->create_index = scl_kinds_find_kind(kinds, "create_index", true);
  k->column_def = scl_kinds_find_kind(kinds, "column_definition", true);
  k->table_constraint = scl_kinds_find_kind(kinds, "table_constraint", true);
  k->references = scl_kinds_find_kind(kinds, "references", true);
  k->column_list = scl_kinds_find_kind(kinds, "column_list", true);
  k->identifier = scl_kinds_find_kind(kinds, "identifier", true);
  k->primary_key = scl_kinds_find_kind(kinds, "primary_key", true);
  k->unique = scl_kinds_find_kind(kinds, "unique", true);
  k->foreign_key = scl_kinds_find_kind(kinds, "foreign_key", true);
  k->f_name = scl_kinds_find_field(kinds, "name");
  k->f_table = scl_kinds_find_field(kinds, "table");
  k->f_columns = scl_kinds_find_field(kinds, "columns");
  k->f_references = scl_kinds_find_field(kinds, "references");
}

/* Lower-cased identifier text without a schema qualifier, in the arena. */
static const char *norm_name(const scl_tree *t, uint32_t node, scl_arena *arena)
{
  size_t len;
  const char *s = scl_tree_text(t, node, &len);
  const char *dot = memchr(s, '.', len);
  while (dot) {
    len -= (size_t)(dot + 1 - s);
    s = dot + 1;
    dot = memchr(s, '.', len);
  }
  char *out = scl_arena_strndup(arena, s, len);
  for (char *p = out; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  return out;
}

static bool has_child_kind(const scl_tree *t, uint32_t node, uint16_t kind)
{
  for (uint32_t c = scl_tree_first_child(t, node); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(t, c))
    if (t->nodes[c].kind == kind)
      return true;
  return false;
}

/* First identifier of a column_list child under field, or SCL_NO_NODE. */
static uint32_t first_listed(const scl_tree *t, uint32_t node, uint16_t field, uint16_t ident)
{
  uint32_t list = scl_tree_child_by_field(t, node, field);
  if (list == SCL_NO_NODE)
    return SCL_NO_NODE;
  for (uint32_t c = scl_tree_first_child(t, list); c != SCL_NO_NODE;
       c = scl_tree_next_sibling(t, c))
    if (t->nodes[c].kind == ident)
      return c;
  return SCL_NO_NODE;
}

/* True for integer and uuid column types: a bare *_id column of these types
 * is a foreign key in all but name. */
static bool is_key_type(const scl_tree *t, uint32_t column_def)
{
  size_t len;
  const char *s = scl_tree_text(t, column_def, &len);
  static const char *const types[] = {"int", "serial", "uuid", NULL};
  for (size_t i = 0; i < len; i++)
    for (size_t k = 0; types[k]; k++) {
      size_t n = strlen(types[k]);
      if (i + n <= len && strncasecmp(s + i, types[k], n) == 0)
        return true;
    }
  return false;
}

/* ==== collect =========================================================== */

typedef struct collector {
  scl_schema_facts *out;
  const scl_tree *t;
  const char *path;
  scl_arena *arena;
  kinds_ids k;
} collector;

static void add_cover(collector *c, const char *table, uint32_t column)
{
  if (column == SCL_NO_NODE)
    return;
  scl_schema_facts *f = c->out;
  if (f->cover_count == f->cover_cap) {
    f->cover_cap = f->cover_cap ? f->cover_cap * 2 : 16;
    f->covers = scl_xrealloc(f->covers, f->cover_cap * sizeof(*f->covers));
  }
  f->covers[f->cover_count].table = table;
  f->covers[f->cover_count].column = norm_name(c->t, column, c->arena);
  f->cover_count++;
}

static void add_fk(collector *c, const char *table, uint32_t column, uint32_t report_at,
                   uint32_t references)
{
  if (column == SCL_NO_NODE)
    return;
  scl_schema_facts *f = c->out;
  if (f->fk_count == f->fk_cap) {
    f->fk_cap = f->fk_cap ? f->fk_cap * 2 : 16;
    f->fks = scl_xrealloc(f->fks, f->fk_cap * sizeof(*f->fks));
  }
  scl_schema_fk *fk = &f->fks[f->fk_count++];
  memset(fk, 0, sizeof(*fk));
  fk->table = table;
  fk->column = norm_name(c->t, column, c->arena);
  fk->ref_table = "";
  if (references != SCL_NO_NODE) {
    uint32_t rt = scl_tree_child_by_field(c->t, references, c->k.f_table);
    if (rt != SCL_NO_NODE) {
      size_t len;
      const char *s = scl_tree_text(c->t, rt, &len);
      fk->ref_table = scl_arena_strndup(c->arena, s, len);
    }
  }
  fk->path = scl_arena_strdup(c->arena, c->path);
  scl_tree_span(&fk->span, c->t, report_at);
  size_t len;
  const char *line = scl_tree_line_text(c->t, c->t->nodes[report_at].start_row, &len);
  fk->line_text = scl_arena_strndup(c->arena, line, len);
}

static void column_definition(collector *c, const char *table, uint32_t node)
{
  const scl_tree *t = c->t;
  uint32_t name = scl_tree_child_by_field(t, node, c->k.f_name);
  if (name == SCL_NO_NODE)
    return;
  if (has_child_kind(t, node, c->k.primary_key) || has_child_kind(t, node, c->k.unique))
    add_cover(c, table, name);
  uint32_t refs = scl_tree_child_by_field(t, node, c->k.f_references);
  if (refs != SCL_NO_NODE) {
    add_fk(c, table, name, node, refs);
    return;
  }
  size_t len;
  const char *s = scl_tree_text(t, name, &len);
  if (len > 3 && strncasecmp(s + len - 3, "_id", 3) == 0 && is_key_type(t, node))
    add_fk(c, table, name, node, SCL_NO_NODE);
}

static void table_constraint(collector *c, const char *table, uint32_t node)
{
  const scl_tree *t = c->t;
  uint32_t first = first_listed(t, node, c->k.f_columns, c->k.identifier);
  if (has_child_kind(t, node, c->k.primary_key) || has_child_kind(t, node, c->k.unique))
    add_cover(c, table, first);
  else if (has_child_kind(t, node, c->k.foreign_key))
    add_fk(c, table, first, node, scl_tree_child_by_field(t, node, c->k.f_references));
}

/* One finding per (table, column) of a file: an explicit REFERENCES wins
 * over the same column's bare *_id candidate, and the first explicit one
 * over later ones. Quadratic in one file's foreign keys, which are few. */
static void dedupe_fks(scl_schema_facts *f, size_t first)
{
  size_t n = first;
  for (size_t i = first; i < f->fk_count; i++) {
    scl_schema_fk *fk = &f->fks[i];
    bool drop = false;
    for (size_t j = first; j < f->fk_count && !drop; j++) {
      const scl_schema_fk *o = &f->fks[j];
      if (j == i || strcmp(o->table, fk->table) != 0 || strcmp(o->column, fk->column) != 0)
        continue;
      bool fk_explicit = fk->ref_table[0] != '\0', o_explicit = o->ref_table[0] != '\0';
      drop = (o_explicit && !fk_explicit) || (o_explicit == fk_explicit && j < i);
    }
    if (!drop)
      f->fks[n++] = *fk;
  }
  f->fk_count = n;
}

void scl_schema_collect(scl_schema_facts *out, const scl_tree *tree, const char *path,
                        scl_arena *arena)
{
  size_t first = out->fk_count;
  collector c = {out, tree, path, arena, {0}};
  resolve(&c.k, tree->kinds);
  if (!c.k.create_table)
    return;  /* not a SQL tree */
  for (uint32_t i = 0; i < tree->count; i++) {
    uint16_t kind = tree->nodes[i].kind;
    if (kind == c.k.create_table || kind == c.k.alter_table) {
      uint32_t name = scl_tree_child_by_field(tree, i, c.k.f_name);
      if (name == SCL_NO_NODE)
        continue;
      const char *table = norm_name(tree, name, arena);
      for (uint32_t e = scl_tree_first_child(tree, i); e != SCL_NO_NODE;
           e = scl_tree_next_sibling(tree, e)) {
        if (tree->nodes[e].kind == c.k.column_def)
          column_definition(&c, table, e);
        else if (tree->nodes[e].kind == c.k.table_constraint)
          table_constraint(&c, table, e);
      }
    } else if (kind == c.k.create_index) {
      uint32_t table = scl_tree_child_by_field(tree, i, c.k.f_table);
      if (table != SCL_NO_NODE)
        add_cover(&c, norm_name(tree, table, arena),
                  first_listed(tree, i, c.k.f_columns, c.k.identifier));
    }
  }
  dedupe_fks(out, first);
}

/* ==== join ============================================================== */

void scl_schema_facts_merge(scl_schema_facts *dst, scl_schema_facts *src)
{
  for (size_t i = 0; i < src->fk_count; i++) {
    if (dst->fk_count == dst->fk_cap) {
      dst->fk_cap = dst->fk_cap ? dst->fk_cap * 2 : 16;
      dst->fks = scl_xrealloc(dst->fks, dst->fk_cap * sizeof(*dst->fks));
    }
    dst->fks[dst->fk_count++] = src->fks[i];
  }
  for (size_t i = 0; i < src->cover_count; i++) {
    if (dst->cover_count == dst->cover_cap) {
      dst->cover_cap = dst->cover_cap ? dst->cover_cap * 2 : 16;
      dst->covers = scl_xrealloc(dst->covers, dst->cover_cap * sizeof(*dst->covers));
    }
    dst->covers[dst->cover_count++] = src->covers[i];
  }
  src->fk_count = src->cover_count = 0;
}

void scl_schema_facts_dispose(scl_schema_facts *facts)
{
  free(facts->fks);
  free(facts->covers);
  memset(facts, 0, sizeof(*facts));
}

static int cmp_cover(const void *a, const void *b)
{
  const scl_schema_cover *x = a, *y = b;
  int c = strcmp(x->table, y->table);
  return c ? c : strcmp(x->column, y->column);
}

static int cmp_fk_pos(const void *a, const void *b)
{
  const scl_schema_fk *x = *(const scl_schema_fk *const *)a;
  const scl_schema_fk *y = *(const scl_schema_fk *const *)b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  if (x->span.start_line != y->span.start_line)
    return x->span.start_line < y->span.start_line ? -1 : 1;
  return x->span.start_col < y->span.start_col ? -1 : x->span.start_col > y->span.start_col;
}

void scl_schema_uncovered(const scl_schema_facts *facts, scl_schema_fk_fn fn, void *payload)
{
  size_t nc = facts->cover_count, nf = facts->fk_count;
  scl_schema_cover *covers = scl_xmalloc((nc ? nc : 1) * sizeof(*covers));
  const scl_schema_fk **fks = scl_xmalloc((nf ? nf : 1) * sizeof(*fks));
  if (nc)
    memcpy(covers, facts->covers, nc * sizeof(*covers));
  qsort(covers, nc, sizeof(*covers), cmp_cover);
  for (size_t i = 0; i < nf; i++)
    fks[i] = &facts->fks[i];
  qsort(fks, nf, sizeof(*fks), cmp_fk_pos);
  for (size_t i = 0; i < nf; i++) {
    scl_schema_cover key = {fks[i]->table, fks[i]->column};
    if (!bsearch(&key, covers, nc, sizeof(*covers), cmp_cover))
      fn(fks[i], payload);
  }
  free(fks);
  free(covers);
}
