/*
 * ydoc.c - builds an scl_ynode tree from libyaml's event stream (API in ydoc.h).
 *
 * The tree is built iteratively: an explicit stack of open collections, at
 * most SCL_YDOC_MAX_DEPTH deep, collects children in reusable heap vectors
 * that are copied into the caller's arena when the collection closes. Every
 * node, string and array of the result lives in that arena; nothing else
 * survives the call. This file must not print, exit, or interpret what the
 * document means (that is the loaders' job), and it is the only file that
 * includes <yaml.h>.
 */
#include "yaml/ydoc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "util/alloc.h"
#include "util/vec.h"

/* Longest key text quoted in a "duplicate key" message; the rest is cut. */
#define KEY_QUOTE_MAX 80

/* ---------------------------------------------------------------------------
 * Builder state
 * ------------------------------------------------------------------------- */

/*
 * anchor - one &name seen so far.
 *   is_complete  false while the anchored collection is still open, so an
 *                alias to it from inside is a recursive alias
 */
typedef struct anchor {
  const char *name;
  scl_ynode *node;
  bool is_complete;
} anchor;

/*
 * frame - one open sequence or mapping.
 *   children    items, or keys and values alternating for a mapping
 *   anchor_idx  index in builder.anchors of its anchor, SIZE_MAX if none
 */
typedef struct frame {
  scl_ynode *node;
  SCL_VEC(scl_ynode *) children;
  size_t anchor_idx;
} frame;

typedef struct builder {
  scl_arena *arena;
  const char *path;
  scl_status err_status;
  scl_diag *diag;
  frame frames[SCL_YDOC_MAX_DEPTH];
  size_t depth;          /* open frames */
  SCL_VEC(anchor) anchors;
  scl_ynode *root;
  unsigned doc_count;
} builder;

static scl_ynode *node_new(builder *b, scl_ynode_type type, const yaml_mark_t *mark)
{
  scl_ynode *n = scl_arena_alloc(b->arena, sizeof(*n));
  n->type = type;
  n->line = (unsigned)mark->line + 1;
  n->col = (unsigned)mark->column + 1;
  return n;
}

static scl_status fail_at(builder *b, unsigned line, unsigned col, const char *msg)
{
  return scl_diag_set_at(b->diag, b->err_status, b->path, line, col, "%s", msg);
}

/* Registers &name for node; returns its index in the anchor table. */
static size_t anchor_add(builder *b, const yaml_char_t *name, scl_ynode *node, bool is_complete)
{
  anchor a = { scl_arena_strdup(b->arena, (const char *)name), node, is_complete };
  SCL_VEC_PUSH(&b->anchors, a);
  return b->anchors.count - 1;
}

/* The most recent anchor called name (a later &x redefines x), or NULL. */
static anchor *anchor_find(builder *b, const yaml_char_t *name)
{
  for (size_t i = b->anchors.count; i > 0; i--) {
    if (!strcmp(b->anchors.items[i - 1].name, (const char *)name))
      return &b->anchors.items[i - 1];
  }
  return NULL;
}

/* Adds a finished node to the innermost open collection, or makes it the root. */
static scl_status attach(builder *b, scl_ynode *node)
{
  if (b->depth == 0) {
    b->root = node;
    return SCL_OK;
  }
  frame *f = &b->frames[b->depth - 1];
  bool is_key = f->node->type == SCL_YNODE_MAPPING && f->children.count % 2 == 0;
  if (is_key) {
    if (node->type != SCL_YNODE_SCALAR)
      return fail_at(b, node->line, node->col, "mapping keys must be plain strings");
    for (size_t i = 0; i < f->children.count; i += 2) {
      const scl_ynode *prev = f->children.items[i];
      if (prev->text_len == node->text_len && !memcmp(prev->text, node->text, node->text_len)) {
        int shown = node->text_len > KEY_QUOTE_MAX ? KEY_QUOTE_MAX : (int)node->text_len;
        return scl_diag_set_at(b->diag, b->err_status, b->path, node->line, node->col,
                               "duplicate key '%.*s%s' (first at line %u)", shown, node->text,
                               node->text_len > KEY_QUOTE_MAX ? "..." : "", prev->line);
      }
    }
  }
  SCL_VEC_PUSH(&f->children, node);
  return SCL_OK;
}

/* ---------------------------------------------------------------------------
 * Event handlers
 * ------------------------------------------------------------------------- */

static scl_status on_scalar(builder *b, const yaml_event_t *ev)
{
  scl_ynode *n = node_new(b, SCL_YNODE_SCALAR, &ev->start_mark);
  n->text = scl_arena_strndup(b->arena, (const char *)ev->data.scalar.value,
                              ev->data.scalar.length);
  n->text_len = ev->data.scalar.length;
  yaml_scalar_style_t style = ev->data.scalar.style;
  n->is_quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  n->is_block = style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE;
  if (ev->data.scalar.anchor)
    anchor_add(b, ev->data.scalar.anchor, n, true);
  return attach(b, n);
}

static scl_status on_alias(builder *b, const yaml_event_t *ev)
{
  unsigned line = (unsigned)ev->start_mark.line + 1;
  unsigned col = (unsigned)ev->start_mark.column + 1;
  const anchor *a = anchor_find(b, ev->data.alias.anchor);
  if (!a)
    return scl_diag_set_at(b->diag, b->err_status, b->path, line, col, "unknown alias '*%s'",
                           (const char *)ev->data.alias.anchor);
  if (!a->is_complete)
    return scl_diag_set_at(b->diag, b->err_status, b->path, line, col,
                           "recursive alias '*%s' inside its own anchor",
                           (const char *)ev->data.alias.anchor);
  return attach(b, a->node);
}

static scl_status on_collection_start(builder *b, const yaml_event_t *ev, scl_ynode_type type)
{
  if (b->depth >= SCL_YDOC_MAX_DEPTH) {
    return scl_diag_set_at(b->diag, b->err_status, b->path, (unsigned)ev->start_mark.line + 1,
                           (unsigned)ev->start_mark.column + 1, "nesting deeper than %d",
                           SCL_YDOC_MAX_DEPTH);
  }
  const yaml_char_t *anchor_name = type == SCL_YNODE_MAPPING ? ev->data.mapping_start.anchor
                                                             : ev->data.sequence_start.anchor;
  frame *f = &b->frames[b->depth++];
  f->node = node_new(b, type, &ev->start_mark);
  f->children.count = 0;
  f->anchor_idx = anchor_name ? anchor_add(b, anchor_name, f->node, false) : SIZE_MAX;
  return SCL_OK;
}

/* Copies the children of the innermost collection into the arena and closes it. */
static scl_status on_collection_end(builder *b)
{
  frame *f = &b->frames[--b->depth];
  scl_ynode *n = f->node;
  size_t count = f->children.count;
  if (n->type == SCL_YNODE_SEQUENCE) {
    if (count) {
      n->items = scl_arena_alloc(b->arena, count * sizeof(*n->items));
      memcpy(n->items, f->children.items, count * sizeof(*n->items));
    }
    n->item_count = count;
  } else {
    /* libyaml always delivers a value after a key, so count is even. */
    n->pair_count = count / 2;
    if (n->pair_count)
      n->pairs = scl_arena_alloc(b->arena, n->pair_count * sizeof(*n->pairs));
    for (size_t i = 0; i < n->pair_count; i++) {
      n->pairs[i].key = f->children.items[2 * i];
      n->pairs[i].value = f->children.items[2 * i + 1];
    }
  }
  if (f->anchor_idx != SIZE_MAX)
    b->anchors.items[f->anchor_idx].is_complete = true;
  return attach(b, n);
}

/* ---------------------------------------------------------------------------
 * Parser errors
 * ------------------------------------------------------------------------- */

/* 1-based line and column of byte offset in text (for reader errors, which
 * carry an offset but no mark). */
static void offset_position(const char *text, size_t len, size_t offset, unsigned *line,
                            unsigned *col)
{
  *line = 1;
  *col = 1;
  if (offset > len)
    offset = len;
  for (size_t i = 0; i < offset; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static scl_status parser_error(builder *b, const yaml_parser_t *parser, const char *text,
                               size_t len)
{
  const char *problem = parser->problem ? parser->problem : "malformed YAML";
  unsigned line, col;
  switch (parser->error) {
  case YAML_MEMORY_ERROR:
    return scl_diag_set_at(b->diag, b->err_status, b->path, 0, 0, "out of memory parsing YAML");
  case YAML_READER_ERROR:
    offset_position(text, len, parser->problem_offset, &line, &col);
    return scl_diag_set_at(b->diag, b->err_status, b->path, line, col, "%s", problem);
  default:
    line = (unsigned)parser->problem_mark.line + 1;
    col = (unsigned)parser->problem_mark.column + 1;
    if (parser->context)
      return scl_diag_set_at(b->diag, b->err_status, b->path, line, col, "%s: %s",
                             parser->context, problem);
    return scl_diag_set_at(b->diag, b->err_status, b->path, line, col, "%s", problem);
  }
}

/* ---------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------- */

static scl_status on_event(builder *b, const yaml_event_t *ev)
{
  switch (ev->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++b->doc_count > 1)
      return fail_at(b, (unsigned)ev->start_mark.line + 1, (unsigned)ev->start_mark.column + 1,
                     "more than one document");
    return SCL_OK;
  case YAML_SCALAR_EVENT:
    return on_scalar(b, ev);
  case YAML_ALIAS_EVENT:
    return on_alias(b, ev);
  case YAML_SEQUENCE_START_EVENT:
    return on_collection_start(b, ev, SCL_YNODE_SEQUENCE);
  case YAML_MAPPING_START_EVENT:
    return on_collection_start(b, ev, SCL_YNODE_MAPPING);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT:
    return on_collection_end(b);
  default:
    return SCL_OK;
  }
}

scl_status scl_ydoc_parse(scl_ynode **root_out, const char *path, const char *text, size_t len,
                          scl_arena *arena, scl_status err_status, scl_diag *diag)
{
  *root_out = NULL;
  builder *b = scl_xcalloc(1, sizeof(*b));
  b->arena = arena;
  b->path = path;
  b->err_status = err_status;
  b->diag = diag;

  yaml_parser_t parser;
  scl_status status = SCL_OK;
  bool has_parser = false;
  if (!yaml_parser_initialize(&parser)) {
    status = scl_diag_set_at(diag, err_status, path, 0, 0, "out of memory parsing YAML");
    goto cleanup;
  }
  has_parser = true;
  yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""),
                               text ? len : 0);

  bool is_done = false;
  while (!is_done) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      status = parser_error(b, &parser, text ? text : "", text ? len : 0);
      goto cleanup;
    }
    is_done = ev.type == YAML_STREAM_END_EVENT;
    status = on_event(b, &ev);
    yaml_event_delete(&ev);
    if (status != SCL_OK)
      goto cleanup;
  }

  /* "---" alone yields one empty plain scalar: treat it as an empty document. */
  scl_ynode *root = b->root;
  if (root && root->type == SCL_YNODE_SCALAR && root->text_len == 0 && !root->is_quoted &&
      !root->is_block)
    root = NULL;
  *root_out = root;

cleanup:
  if (has_parser)
    yaml_parser_delete(&parser);
  for (size_t i = 0; i < SCL_YDOC_MAX_DEPTH; i++)
    SCL_VEC_FREE(&b->frames[i].children);
  SCL_VEC_FREE(&b->anchors);
  free(b);
  return status;
}

const scl_ynode *scl_ynode_get(const scl_ynode *map, const char *key)
{
  if (!map || map->type != SCL_YNODE_MAPPING || !key)
    return NULL;
  size_t key_len = strlen(key);
  for (size_t i = 0; i < map->pair_count; i++) {
    const scl_ynode *k = map->pairs[i].key;
    if (k->text_len == key_len && !memcmp(k->text, key, key_len))
      return map->pairs[i].value;
  }
  return NULL;
}

const char *scl_ynode_type_name(const scl_ynode *node)
{
  if (!node)
    return "nothing";
  switch (node->type) {
  case SCL_YNODE_SCALAR: return "a string";
  case SCL_YNODE_SEQUENCE: return "a list";
  case SCL_YNODE_MAPPING: return "a mapping";
  }
  return "an unknown node";
}

/* ---------------------------------------------------------------------------
 * Scalar conversions
 * ------------------------------------------------------------------------- */

static bool is_plain_scalar(const scl_ynode *node)
{
  return node && node->type == SCL_YNODE_SCALAR && !node->is_quoted && !node->is_block &&
         node->text_len > 0;
}

static bool is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Skips a run of digits from *i; returns how many there were. */
static size_t skip_digits(const char *s, size_t len, size_t *i)
{
  size_t start = *i;
  while (*i < len && is_digit(s[*i]))
    (*i)++;
  return *i - start;
}

bool scl_ynode_as_long(const scl_ynode *node, long *out)
{
  if (!is_plain_scalar(node))
    return false;
  const char *s = node->text;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (skip_digits(s, node->text_len, &i) == 0 || i != node->text_len)
    return false;
  errno = 0;
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (errno == ERANGE || end != s + node->text_len)
    return false;
  *out = v;
  return true;
}

bool scl_ynode_as_double(const scl_ynode *node, double *out)
{
  if (!is_plain_scalar(node))
    return false;
  /* [+-] digits [. digits] [e [+-] digits], with a digit on one side of the
   * point; the check keeps strtod's extras (inf, nan, hex) out. */
  const char *s = node->text;
  size_t len = node->text_len;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  size_t mantissa = skip_digits(s, len, &i);
  if (i < len && s[i] == '.') {
    i++;
    mantissa += skip_digits(s, len, &i);
  }
  if (mantissa == 0)
    return false;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '+' || s[i] == '-'))
      i++;
    if (skip_digits(s, len, &i) == 0)
      return false;
  }
  if (i != len)
    return false;
  errno = 0;
  char *end = NULL;
  double v = strtod(s, &end);
  if (errno == ERANGE || end != s + len)
    return false;
  *out = v;
  return true;
}

bool scl_ynode_as_bool(const scl_ynode *node, bool *out)
{
  static const char *const truthy[] = { "true", "True", "TRUE", "yes", "Yes", "YES" };
  static const char *const falsy[] = { "false", "False", "FALSE", "no", "No", "NO" };
  if (!is_plain_scalar(node))
    return false;
  for (size_t i = 0; i < sizeof(truthy) / sizeof(truthy[0]); i++) {
    if (!strcmp(node->text, truthy[i])) {
      *out = true;
      return true;
    }
    if (!strcmp(node->text, falsy[i])) {
      *out = false;
      return true;
    }
  }
  return false;
}
