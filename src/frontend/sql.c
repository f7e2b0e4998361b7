/*
 * sql.c - the SQL front-end: a small hand-written reader that turns a .sql
 * file into the flat scl_tree, with structure for the schema statements rules
 * need (CREATE TABLE, CREATE INDEX, ALTER TABLE ... ADD ... FOREIGN KEY) and
 * a generic `statement` node for everything else, so text rules still work.
 *
 * It is not a SQL parser and must not pretend to be one: it never rejects
 * input, it only recognises the shapes below and leaves the rest flat.
 *
 *   sql_file
 *     create_table  name: identifier
 *       column_definition  name: identifier  [primary_key] [unique]
 *                          [references: references]
 *       table_constraint  [primary_key|unique|foreign_key]  columns: column_list
 *                         [references: references]
 *     alter_table   name: identifier   table_constraint...
 *     create_index  [unique]  name: identifier  table: identifier  columns: column_list
 *     references    table: identifier  columns: column_list
 *     column_list   identifier...
 *     statement     (any other statement)
 *
 * Identifiers exclude their quotes ("x", `x`, [x]); a schema-qualified name
 * (public.users) is one identifier. Keywords are matched case-insensitively.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "frontend/fe_internal.h"
#include "util/limits.h"

/* ==== kinds ============================================================= */

static scl_kinds sql_kinds;
static bool sql_ready;

enum {
  K_FILE, K_STATEMENT, K_CREATE_TABLE, K_ALTER_TABLE, K_CREATE_INDEX, K_COLUMN_DEF,
  K_TABLE_CONSTRAINT, K_REFERENCES, K_COLUMN_LIST, K_IDENTIFIER, K_PRIMARY_KEY, K_UNIQUE,
  K_FOREIGN_KEY, K_COUNT
};
static const char *const kind_names[K_COUNT] = {
  "sql_file", "statement", "create_table", "alter_table", "create_index", "column_definition",
  "table_constraint", "references", "column_list", "identifier", "primary_key", "unique",
  "foreign_key",
};
enum { F_NAME, F_TABLE, F_COLUMNS, F_REFERENCES, F_COUNT };
static const char *const field_names[F_COUNT] = {"name", "table", "columns", "references"};

static uint16_t kind_id[K_COUNT];
static uint16_t field_id[F_COUNT];

scl_status scl_frontend__sql_init(scl_diag *diag)
{
  (void)diag;
  if (sql_ready)
    return SCL_OK;
  scl_kinds_init(&sql_kinds);
  for (int i = 0; i < K_COUNT; i++)
    kind_id[i] = scl_kinds_add_kind(&sql_kinds, kind_names[i], true);
  for (int i = 0; i < F_COUNT; i++)
    field_id[i] = scl_kinds_add_field(&sql_kinds, field_names[i]);
  sql_ready = true;
  return SCL_OK;
}

void scl_frontend__sql_shutdown(void)
{
  if (sql_ready)
    scl_kinds_dispose(&sql_kinds);
  sql_ready = false;
}

const scl_kinds *scl_frontend__sql_kinds(void)
{
  return sql_ready ? &sql_kinds : NULL;
}

/* ==== tokens ============================================================ */

typedef enum tok_type { T_END, T_WORD, T_QUOTED, T_STRING, T_NUMBER, T_PUNCT } tok_type;

/* tok - one token; [start, end) are the bytes that count (quotes excluded). */
typedef struct tok {
  tok_type type;
  size_t start, end;
  char punct;
} tok;

/*
 * reader - the tokenizer's state plus the tree being built.
 *   line_starts   byte offset of each line's start, for positions
 */
typedef struct reader {
  const char *src;
  size_t len;
  size_t pos;
  size_t *line_starts;
  size_t line_count;
  scl_tree *tree;
  bool is_full;  /* SCL_MAX_TREE_NODES reached */
} reader;

static void skip_space_and_comments(reader *r)
{
  while (r->pos < r->len) {
    char c = r->src[r->pos];
    if (isspace((unsigned char)c)) {
      r->pos++;
    } else if (c == '-' && r->pos + 1 < r->len && r->src[r->pos + 1] == '-') {
      while (r->pos < r->len && r->src[r->pos] != '\n')
        r->pos++;
    } else if (c == '/' && r->pos + 1 < r->len && r->src[r->pos + 1] == '*') {
      r->pos += 2;
      while (r->pos + 1 < r->len && !(r->src[r->pos] == '*' && r->src[r->pos + 1] == '/'))
        r->pos++;
      r->pos = r->pos + 2 <= r->len ? r->pos + 2 : r->len;
    } else {
      break;
    }
  }
}

/* Skips a Postgres dollar-quoted body ($$ ... $$ or $tag$ ... $tag$). */
static bool skip_dollar_quote(reader *r)
{
  size_t p = r->pos + 1;
  while (p < r->len && (isalnum((unsigned char)r->src[p]) || r->src[p] == '_'))
    p++;
  if (p >= r->len || r->src[p] != '$')
    return false;
  size_t tag_len = p + 1 - r->pos;
  const char *tag = r->src + r->pos;
  for (size_t q = p + 1; q + tag_len <= r->len; q++)
    if (memcmp(r->src + q, tag, tag_len) == 0) {
      r->pos = q + tag_len;
      return true;
    }
  r->pos = r->len;
  return true;
}

static tok next_tok(reader *r)
{
  tok t = {T_END, r->len, r->len, 0};
  skip_space_and_comments(r);
  if (r->pos >= r->len)
    return t;
  char c = r->src[r->pos];
  t.start = r->pos;
  if (isalpha((unsigned char)c) || c == '_') {
    while (r->pos < r->len && (isalnum((unsigned char)r->src[r->pos]) || r->src[r->pos] == '_' ||
                               r->src[r->pos] == '$' || r->src[r->pos] == '.'))
      r->pos++;
    t.type = T_WORD;
  } else if (c == '"' || c == '`' || c == '[') {
    char close = c == '[' ? ']' : c;
    t.start = ++r->pos;
    while (r->pos < r->len && r->src[r->pos] != close)
      r->pos++;
    t.end = r->pos;
    if (r->pos < r->len)
      r->pos++;
    t.type = T_QUOTED;
    return t;
  } else if (c == '\'') {
    r->pos++;
    while (r->pos < r->len) {
      if (r->src[r->pos] == '\'' && !(r->pos + 1 < r->len && r->src[r->pos + 1] == '\''))
        break;
      r->pos += r->src[r->pos] == '\'' ? 2 : 1;
    }
    if (r->pos < r->len)
      r->pos++;
    t.type = T_STRING;
  } else if (c == '$' && skip_dollar_quote(r)) {
    t.type = T_STRING;
  } else if (isdigit((unsigned char)c)) {
    while (r->pos < r->len && (isalnum((unsigned char)r->src[r->pos]) || r->src[r->pos] == '.'))
      r->pos++;
    t.type = T_NUMBER;
  } else {
    r->pos++;
    t.type = T_PUNCT;
    t.punct = c;
  }
  t.end = r->pos;
  return t;
}

static tok peek_tok(reader *r)
{
  size_t save = r->pos;
  tok t = next_tok(r);
  r->pos = save;
  return t;
}

static bool is_word(const reader *r, tok t, const char *word)
{
  size_t n = strlen(word);
  return t.type == T_WORD && t.end - t.start == n && strncasecmp(r->src + t.start, word, n) == 0;
}

static bool is_ident(tok t)
{
  return t.type == T_WORD || t.type == T_QUOTED;
}

static bool is_punct(tok t, char c)
{
  return t.type == T_PUNCT && t.punct == c;
}

/* ==== tree building ===================================================== */

/* Row and 0-based byte column of off, by binary search in the line index. */
static void position_of(const reader *r, size_t off, uint32_t *row, uint32_t *col)
{
  size_t lo = 0, hi = r->line_count;  /* line_starts[0] == 0 */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->line_starts[mid] <= off)
      lo = mid;
    else
      hi = mid;
  }
  *row = (uint32_t)lo;
  *col = (uint32_t)(off - r->line_starts[lo]);
}

/* Offsets of every line start, in the arena. */
static void index_lines(reader *r, scl_arena *arena)
{
  size_t n = 1;
  for (const char *p = r->src; (p = memchr(p, '\n', (size_t)(r->src + r->len - p))); p++)
    n++;
  r->line_starts = scl_arena_alloc(arena, n * sizeof(size_t));
  r->line_count = 0;
  r->line_starts[r->line_count++] = 0;
  for (size_t i = 0; i < r->len; i++)
    if (r->src[i] == '\n')
      r->line_starts[r->line_count++] = i + 1;
}

static uint32_t open_node(reader *r, int kind, int field, size_t start, size_t end,
                          uint32_t parent)
{
  if (r->is_full)
    return SCL_NO_NODE;
  scl_node n;
  memset(&n, 0, sizeof(n));
  n.kind = kind_id[kind];
  n.field = field >= 0 ? field_id[field] : 0;
  n.parent = parent;
  n.start_byte = (uint32_t)start;
  n.end_byte = (uint32_t)end;
  position_of(r, start, &n.start_row, &n.start_col);
  position_of(r, end, &n.end_row, &n.end_col);
  n.is_named = 1;
  uint32_t i = scl_tree_open(r->tree, &n);
  if (i == SCL_NO_NODE)
    r->is_full = true;
  return i;
}

static void close_node(reader *r, uint32_t i, size_t end)
{
  if (i == SCL_NO_NODE)
    return;
  scl_node *n = &r->tree->nodes[i];
  n->end_byte = (uint32_t)end;
  position_of(r, end, &n->end_row, &n->end_col);
  scl_tree_close(r->tree, i);
}

static void leaf(reader *r, int kind, int field, tok t, uint32_t parent)
{
  uint32_t i = open_node(r, kind, field, t.start, t.end, parent);
  close_node(r, i, t.end);
}

/* Skips to the ')' closing an already consumed '(' (nesting respected). */
static size_t skip_parens(reader *r)
{
  int depth = 1;
  for (;;) {
    tok t = next_tok(r);
    if (t.type == T_END)
      return r->len;
    if (is_punct(t, '('))
      depth++;
    else if (is_punct(t, ')') && --depth == 0)
      return t.end;
  }
}

/* "(a, b DESC, lower(c))" after '(' was peeked: identifiers become children. */
static void column_list(reader *r, int field, uint32_t parent)
{
  tok open = next_tok(r);
  if (!is_punct(open, '('))
    return;
  uint32_t list = open_node(r, K_COLUMN_LIST, field, open.start, open.end, parent);
  size_t end = open.end;
  bool at_item_start = true;
  for (;;) {
    tok t = next_tok(r);
    if (t.type == T_END || is_punct(t, ';')) {
      r->pos = t.start;
      break;
    }
    end = t.end;
    if (is_punct(t, ')'))
      break;
    if (is_punct(t, '(')) {
      end = skip_parens(r);
      continue;
    }
    if (is_punct(t, ','))
      at_item_start = true;
    else if (at_item_start && is_ident(t)) {
      /* a function call such as lower(email) is an expression, not a column */
      if (!is_punct(peek_tok(r), '('))
        leaf(r, K_IDENTIFIER, -1, t, list);
      at_item_start = false;
    } else {
      at_item_start = false;
    }
  }
  close_node(r, list, end);
}

/* "REFERENCES t (a, b)" with REFERENCES already consumed as kw. */
static void references(reader *r, tok kw, uint32_t parent)
{
  uint32_t ref = open_node(r, K_REFERENCES, F_REFERENCES, kw.start, kw.end, parent);
  size_t end = kw.end;
  tok t = next_tok(r);
  if (is_ident(t)) {
    leaf(r, K_IDENTIFIER, F_TABLE, t, ref);
    end = t.end;
    if (is_punct(peek_tok(r), '(')) {
      column_list(r, F_COLUMNS, ref);
      end = r->pos;
    }
  } else {
    r->pos = t.start;
  }
  close_node(r, ref, end);
}

/* One element of CREATE TABLE (...) or ALTER TABLE ... ADD ...: a column or
 * a table constraint; stops before the ',' or ')' that ends it. */
static void table_element(reader *r, uint32_t parent)
{
  tok first = next_tok(r);
  if (is_word(r, first, "constraint")) {
    next_tok(r);              /* the constraint's name */
    first = next_tok(r);
  }
  bool is_constraint = is_word(r, first, "primary") || is_word(r, first, "unique") ||
                       is_word(r, first, "foreign") || is_word(r, first, "check") ||
                       is_word(r, first, "key") || is_word(r, first, "index") ||
                       is_word(r, first, "exclude");
  uint32_t node = open_node(r, is_constraint ? K_TABLE_CONSTRAINT : K_COLUMN_DEF, -1,
                            first.start, first.end, parent);
  if (!is_constraint && is_ident(first))
    leaf(r, K_IDENTIFIER, F_NAME, first, node);
  else if (is_word(r, first, "primary"))
    leaf(r, K_PRIMARY_KEY, -1, first, node);
  else if (is_word(r, first, "unique"))
    leaf(r, K_UNIQUE, -1, first, node);
  else if (is_word(r, first, "foreign"))
    leaf(r, K_FOREIGN_KEY, -1, first, node);

  size_t end = first.end;
  bool want_columns = is_constraint;
  for (;;) {
    tok t = peek_tok(r);
    if (t.type == T_END || is_punct(t, ',') || is_punct(t, ')') || is_punct(t, ';'))
      break;
    if (is_punct(t, '(')) {
      if (want_columns) {
        column_list(r, F_COLUMNS, node);
        want_columns = false;
      } else {
        next_tok(r);
        skip_parens(r);
      }
      end = r->pos;
      continue;
    }
    t = next_tok(r);
    end = t.end;
    if (is_word(r, t, "references")) {
      references(r, t, node);
      end = r->pos;
    } else if (!is_constraint && is_word(r, t, "primary")) {
      leaf(r, K_PRIMARY_KEY, -1, t, node);
    } else if (!is_constraint && is_word(r, t, "unique")) {
      leaf(r, K_UNIQUE, -1, t, node);
    }
  }
  close_node(r, node, end);
}

static void table_body(reader *r, uint32_t parent)
{
  tok open = next_tok(r);
  if (!is_punct(open, '('))
    return;
  for (;;) {
    table_element(r, parent);
    tok t = next_tok(r);
    if (!is_punct(t, ','))
      break;
  }
}

/* Consumes the rest of the statement up to and including ';'. */
static size_t finish_statement(reader *r, size_t end)
{
  for (;;) {
    tok t = next_tok(r);
    if (t.type == T_END)
      return end;
    if (is_punct(t, ';'))
      return end;
    end = t.end;
    if (is_punct(t, '('))
      end = skip_parens(r);
  }
}

/* Skips "IF NOT EXISTS" / "IF EXISTS" / "ONLY" / "CONCURRENTLY". */
static void skip_modifiers(reader *r)
{
  for (;;) {
    tok t = peek_tok(r);
    if (is_word(r, t, "if") || is_word(r, t, "not") || is_word(r, t, "exists") ||
        is_word(r, t, "only") || is_word(r, t, "concurrently"))
      next_tok(r);
    else
      return;
  }
}

static void create_table(reader *r, tok start, uint32_t root)
{
  uint32_t node = open_node(r, K_CREATE_TABLE, -1, start.start, start.end, root);
  skip_modifiers(r);
  tok name = next_tok(r);
  if (is_ident(name))
    leaf(r, K_IDENTIFIER, F_NAME, name, node);
  if (is_punct(peek_tok(r), '('))
    table_body(r, node);
  close_node(r, node, finish_statement(r, r->pos));
}

static void alter_table(reader *r, tok start, uint32_t root)
{
  uint32_t node = open_node(r, K_ALTER_TABLE, -1, start.start, start.end, root);
  skip_modifiers(r);
  tok name = next_tok(r);
  if (is_ident(name))
    leaf(r, K_IDENTIFIER, F_NAME, name, node);
  for (;;) {
    tok t = peek_tok(r);
    if (t.type == T_END || is_punct(t, ';'))
      break;
    next_tok(r);
    if (is_word(r, t, "add")) {
      if (is_word(r, peek_tok(r), "column"))
        next_tok(r);
      table_element(r, node);
    }
  }
  close_node(r, node, finish_statement(r, r->pos));
}

static void create_index(reader *r, tok start, bool is_unique, tok unique_kw, uint32_t root)
{
  uint32_t node = open_node(r, K_CREATE_INDEX, -1, start.start, start.end, root);
  if (is_unique)
    leaf(r, K_UNIQUE, -1, unique_kw, node);
  skip_modifiers(r);
  tok t = next_tok(r);
  if (is_ident(t) && !is_word(r, t, "on")) {
    leaf(r, K_IDENTIFIER, F_NAME, t, node);
    skip_modifiers(r);
    t = next_tok(r);
  }
  if (is_word(r, t, "on")) {
    skip_modifiers(r);
    tok table = next_tok(r);
    if (is_ident(table))
      leaf(r, K_IDENTIFIER, F_TABLE, table, node);
    if (is_word(r, peek_tok(r), "using")) {
      next_tok(r);
      next_tok(r);
    }
    if (is_punct(peek_tok(r), '('))
      column_list(r, F_COLUMNS, node);
  }
  close_node(r, node, finish_statement(r, r->pos));
}

static void statement(reader *r, uint32_t root)
{
  tok first = next_tok(r);
  if (first.type == T_END)
    return;
  if (is_punct(first, ';'))
    return;
  if (is_word(r, first, "create")) {
    size_t save = r->pos;
    tok t = next_tok(r);
    while (is_word(r, t, "temporary") || is_word(r, t, "temp") || is_word(r, t, "unlogged") ||
           is_word(r, t, "or") || is_word(r, t, "replace"))
      t = next_tok(r);
    if (is_word(r, t, "table")) {
      create_table(r, first, root);
      return;
    }
    tok unique_kw = t;
    bool is_unique = is_word(r, t, "unique");
    if (is_unique)
      t = next_tok(r);
    if (is_word(r, t, "index")) {
      create_index(r, first, is_unique, unique_kw, root);
      return;
    }
    r->pos = save;
  } else if (is_word(r, first, "alter") && is_word(r, peek_tok(r), "table")) {
    next_tok(r);
    alter_table(r, first, root);
    return;
  }
  uint32_t node = open_node(r, K_STATEMENT, -1, first.start, first.end, root);
  close_node(r, node, finish_statement(r, first.end));
}

scl_status scl_frontend__sql_parse(scl_tree *out, const char *path, const char *src, size_t len,
                                   scl_arena *arena, scl_diag *diag)
{
  reader r;
  memset(&r, 0, sizeof(r));
  r.src = src;
  r.len = len;
  r.tree = out;
  index_lines(&r, arena);
  scl_tree_init(out, arena, &sql_kinds, src, len);
  uint32_t root = open_node(&r, K_FILE, -1, 0, len, SCL_NO_NODE);
  while (!r.is_full) {
    skip_space_and_comments(&r);
    if (r.pos >= r.len)
      break;
    size_t before = r.pos;
    statement(&r, root);
    if (r.pos == before)
      r.pos++;  /* never stall on a stray byte */
  }
  close_node(&r, root, len);
  if (r.is_full)
    return scl_diag_set_at(diag, SCL_ELIMIT, path, 0, 0,
                           "more than %u syntax nodes (SCL_MAX_TREE_NODES), file skipped",
                           SCL_MAX_TREE_NODES);
  return SCL_OK;
}
