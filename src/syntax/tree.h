/*
 * tree.h - the language-neutral syntax tree the engine matches.
 *
 * Front-ends (tree-sitter, libclang) convert their trees into this form and
 * free their own right away; no parser type ever leaves src/frontend/.
 *
 * scl_tree - a flat, preorder array of nodes. Node 0 is the root. A node's
 * descendants are exactly the indices (i, nodes[i].end), so "is a inside b"
 * is index arithmetic: b < a && a < nodes[b].end. Children of i are found by
 * starting at i+1 and jumping to nodes[c].end.
 *
 * scl_kinds - the names of a language's node kinds and field names, built
 * once per language by its front-end, complete before any rule is compiled
 * (every kind the grammar can produce is in it), and immutable after.
 * Kind id 0 and field id 0 mean "none".
 */
#ifndef SCL_SYNTAX_TREE_H
#define SCL_SYNTAX_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define SCL_NO_NODE UINT32_MAX

typedef struct scl_node {
  uint16_t kind;        /* id in the language's scl_kinds */
  uint16_t field;       /* field name id under its parent, 0 = none */
  uint32_t parent;      /* SCL_NO_NODE for the root */
  uint32_t end;         /* one past the last descendant's index */
  uint32_t start_byte;
  uint32_t end_byte;
  uint32_t start_row;   /* 0-based */
  uint32_t start_col;   /* 0-based, in bytes */
  uint32_t end_row;
  uint32_t end_col;
  uint8_t is_named;     /* 0 for anonymous tokens such as "(" or "async" */
  uint8_t has_error;    /* the parser marked this node ERROR/MISSING */
} scl_node;

typedef struct scl_kind_entry {
  const char *name;
  bool is_named;
} scl_kind_entry;

typedef struct scl_kinds {
  scl_kind_entry *kinds;   /* index = kind id; [0] unused */
  uint16_t kind_count;
  const char **fields;     /* index = field id; [0] unused */
  uint16_t field_count;
} scl_kinds;

typedef struct scl_tree {
  scl_node *nodes;         /* arena-owned */
  uint32_t count;
  uint32_t cap;
  const char *src;         /* borrowed: the file's bytes */
  size_t src_len;
  const scl_kinds *kinds;  /* borrowed: the language's table */
  scl_arena *arena;        /* borrowed: where nodes live */
  bool has_errors;         /* the parser recovered from syntax errors */
  /* Integer values the parser computed, a side table indexed by node (both
   * arena-owned, count entries, NULL when no node has one): has_value[i] is
   * 1 when values[i] is node i's value. Filled only by the C front-end, for
   * an IntegerLiteral that comes from a macro (`#define BACKLOG 5` then
   * `listen(fd, BACKLOG)`: the node's text is "BACKLOG", its value 5).
   * Read it through scl_tree_int_value(). */
  int64_t *values;
  uint8_t *has_value;
} scl_tree;

/* ---- kinds table (built by front-ends at start-up) ---- */

void scl_kinds_init(scl_kinds *k);
void scl_kinds_dispose(scl_kinds *k);
/* Adds (or finds) a kind; returns its id (>= 1). Names are copied. */
uint16_t scl_kinds_add_kind(scl_kinds *k, const char *name, bool is_named);
uint16_t scl_kinds_add_field(scl_kinds *k, const char *name);
/* Lookups; 0 if unknown. */
uint16_t scl_kinds_find_kind(const scl_kinds *k, const char *name, bool is_named);
uint16_t scl_kinds_find_field(const scl_kinds *k, const char *name);
const char *scl_kinds_kind_name(const scl_kinds *k, uint16_t id);
const char *scl_kinds_field_name(const scl_kinds *k, uint16_t id);

/* ---- building (front-ends) ---- */

void scl_tree_init(scl_tree *t, scl_arena *arena, const scl_kinds *kinds, const char *src,
                   size_t src_len);
/* Appends a node as the next preorder node; returns its index, or
 * SCL_NO_NODE when SCL_MAX_TREE_NODES is reached. end is set to index+1;
 * the builder calls scl_tree_close() once the node's children are added. */
uint32_t scl_tree_open(scl_tree *t, const scl_node *proto);
void scl_tree_close(scl_tree *t, uint32_t index);

/* ---- queries (engine) ---- */

static inline bool scl_tree_is_inside(const scl_tree *t, uint32_t node, uint32_t ancestor)
{
  return ancestor < node && node < t->nodes[ancestor].end;
}
/* First child (named or not), or SCL_NO_NODE. */
uint32_t scl_tree_first_child(const scl_tree *t, uint32_t node);
/* Next sibling, or SCL_NO_NODE. */
uint32_t scl_tree_next_sibling(const scl_tree *t, uint32_t node);
/* First child under field id, or SCL_NO_NODE. */
uint32_t scl_tree_child_by_field(const scl_tree *t, uint32_t node, uint16_t field);
/* The node's value from the side table (values/has_value); false when it
 * has none (then only its text says what it is). */
bool scl_tree_int_value(const scl_tree *t, uint32_t node, int64_t *out);
/* Pointer into src and length of the node's text. */
const char *scl_tree_text(const scl_tree *t, uint32_t node, size_t *len_out);
const char *scl_tree_kind_name(const scl_tree *t, uint32_t node);

/* Span of a node: 1-based lines, 1-based code-point columns (UTF-8 decoded;
 * invalid bytes count as one column each), byte offsets. */
struct scl_span;
void scl_tree_span(struct scl_span *out, const scl_tree *t, uint32_t node);
/* The text of 0-based row without its line ending; *len_out its length. */
const char *scl_tree_line_text(const scl_tree *t, uint32_t row, size_t *len_out);

#endif
