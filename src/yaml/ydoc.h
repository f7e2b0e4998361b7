/*
 * ydoc.h - a small YAML document tree with source positions, for rule and
 * config files.
 *
 * libyaml's event parser is wrapped here and nowhere else. Every node keeps
 * its 1-based line and column so loaders can report file:line:col. Aliases
 * (*name) are resolved to the anchored node (shared, not copied). Cycles
 * cannot arise: an alias may only name an anchor whose node is already
 * complete, so an alias inside its own anchored node is an error.
 * Documents deeper than SCL_YDOC_MAX_DEPTH are an error, not a crash.
 */
#ifndef SCL_YAML_YDOC_H
#define SCL_YAML_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "scalint/status.h"
#include "util/arena.h"

/* Nesting limit of a rule or config file: far above any real rule. */
#define SCL_YDOC_MAX_DEPTH 64

typedef enum scl_ynode_type {
  SCL_YNODE_SCALAR,
  SCL_YNODE_SEQUENCE,
  SCL_YNODE_MAPPING
} scl_ynode_type;

typedef struct scl_ynode scl_ynode;

typedef struct scl_ypair {
  scl_ynode *key;   /* always a scalar */
  scl_ynode *value;
} scl_ypair;

/*
 * scl_ynode - one YAML node.
 *   line, col      1-based position of the node's first character
 *   text, text_len scalar value (NUL-terminated), NULL for collections
 *   is_quoted      the scalar was '...' or "..." (so "100" is a string)
 *   is_block       the scalar was a | or > block
 *   items          sequence entries
 *   pairs          mapping entries in file order; duplicate keys are an error
 */
struct scl_ynode {
  scl_ynode_type type;
  unsigned line, col;
  const char *text;
  size_t text_len;
  bool is_quoted;
  bool is_block;
  scl_ynode **items;
  size_t item_count;
  scl_ypair *pairs;
  size_t pair_count;
};

/*
 * Parses text (len bytes) as a single YAML document into a tree allocated in
 * arena. *root_out is NULL for an empty document. On error returns SCL_ERULE
 * with diag set to path:line:col and a message (libyaml's problem text,
 * "duplicate key 'x'", "unknown alias", "nesting deeper than 64", "more than
 * one document"). The caller passes the status code it wants reported
 * (SCL_ERULE for rules, SCL_ECONFIG for config) as err_status.
 */
scl_status scl_ydoc_parse(scl_ynode **root_out, const char *path, const char *text, size_t len,
                          scl_arena *arena, scl_status err_status, scl_diag *diag);

/* Value for key in a mapping, or NULL. */
const scl_ynode *scl_ynode_get(const scl_ynode *map, const char *key);
/* Human name of a node's type for messages: "a string", "a list", "a mapping". */
const char *scl_ynode_type_name(const scl_ynode *node);
/* Parses a plain scalar as an integer/float/bool; false if it is not one. */
bool scl_ynode_as_long(const scl_ynode *node, long *out);
bool scl_ynode_as_double(const scl_ynode *node, double *out);
bool scl_ynode_as_bool(const scl_ynode *node, bool *out);

#endif
