/*
 * pattern.h - structural patterns over scl_tree (a tree-sitter-query-like
 * S-expression language), compiled once per language against its kinds table.
 *
 * Syntax (full reference in rules/README.md):
 *   (kind child...)       a named node of that kind
 *   (_ child...)          any named node;   _   any node, named or not
 *   "tok"                 an anonymous node (token) of that kind, e.g. "async"
 *   field: pat            some child under that field matches pat
 *   !field                the node has no child under that field
 *   child patterns without a field match the node's named children in
 *   order, not necessarily adjacent; `.` anchors: first (". p"), last
 *   ("p ."), or immediately adjacent ("p1 . p2") among named children
 *   [ p1 p2 ... ]          alternatives, tried in the order written
 *   pat @name             capture the node as name
 *   ; comment to end of line
 *
 * Captures and metavariables: when a capture name is already bound in the
 * scl_captures passed to scl_pattern_match() (by an outer pattern of the
 * same rule), the new node must have the same text (bytes) as the bound one.
 * This is how one rule relates a module-level `sessions = {}` to a handler
 * writing `sessions[k] = v`.
 */
#ifndef SCL_ENGINE_PATTERN_H
#define SCL_ENGINE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalint/status.h"
#include "syntax/tree.h"
#include "util/arena.h"

/* Captures one match may bind, across nested patterns of one rule. 32 is
 * far above what a readable rule uses. */
#define SCL_MAX_CAPTURES 32

typedef struct scl_capture {
  const char *name;  /* owned by the pattern (ruleset arena) */
  uint32_t node;
} scl_capture;

typedef struct scl_captures {
  scl_capture items[SCL_MAX_CAPTURES];
  unsigned count;
} scl_captures;

typedef struct scl_pattern scl_pattern;  /* owned by the arena it was compiled in */

/*
 * Compiles text against kinds. All memory comes from arena. On error returns
 * SCL_ERULE with diag->msg naming the problem (unknown node kind 'x', unknown
 * field, unbalanced parenthesis, ...; without the language, which the caller
 * adds) and diag->line/col the 1-based position inside text (the caller
 * shifts it to the rule file). Patterns nest at most 64 deep and have at most
 * 512 nodes.
 *
 * Matching semantics worth knowing: scl_pattern_match() commits to the
 * first match (only unfielded child patterns backtrack; `[...]` and
 * `field:` take the first alternative or child that matches), while
 * scl_pattern_match_each() offers every match in turn; an unfielded child that is a string, a bare `_` or an alternative holding
 * one is tried against all children, any other against named children only;
 * a match that would bind more than SCL_MAX_CAPTURES captures fails.
 */
scl_status scl_pattern_compile(scl_pattern **out, const char *text, const scl_kinds *kinds,
                               scl_arena *arena, scl_diag *diag);

/*
 * Kinds the pattern's root can have, for dispatch: *kinds_out points to
 * count ids (owned by the pattern). Returns 0 with *kinds_out NULL when the
 * root is a wildcard (the pattern must be tried on every node).
 */
size_t scl_pattern_root_kinds(const scl_pattern *p, const uint16_t **kinds_out);

/*
 * Tries p with its root at node. On success returns true and appends the
 * captures it bound to caps (names already bound must match by text, see
 * above). On failure caps is left exactly as it was.
 */
bool scl_pattern_match(const scl_pattern *p, const scl_tree *t, uint32_t node,
                       scl_captures *caps);

/*
 * Called by scl_pattern_match_each() with the captures of one complete
 * match (borrowed: valid only during the call; copy what you keep). Return
 * true to stop with this match, false to be offered the next one.
 */
typedef bool (*scl_pattern_accept_fn)(const scl_captures *caps, void *payload);

/*
 * Tries every way p matches with its root at node and offers each to
 * accept, in a fixed order whose first match is the one scl_pattern_match()
 * finds: alternatives in the order written, children under a field and
 * sequence positions in tree order, outer choices varying slowest. Ways
 * that differ only in parts binding no capture are offered once, since
 * accept could not tell them apart.
 *
 * Returns true as soon as accept returns true; caps then holds that
 * match's captures appended as for scl_pattern_match(). Returns false when
 * no match was accepted, with caps left exactly as it was. At most
 * SCL_MAX_PATTERN_MATCHES matches are offered and MAX_EACH_STEPS (pattern.c)
 * pattern nodes tried per call; when either cap stopped the search without
 * an accepted match, *capped_out (may be NULL) is set to true so the caller
 * can report it, else to false. Does not allocate; the recursion is bounded
 * by the pattern's size. caps may be NULL only when accept ignores it.
 */
bool scl_pattern_match_each(bool *capped_out, const scl_pattern *p, const scl_tree *t,
                            uint32_t node, scl_captures *caps, scl_pattern_accept_fn accept,
                            void *payload);

/* Node bound to name in caps, or SCL_NO_NODE. */
uint32_t scl_captures_get(const scl_captures *caps, const char *name);

/* Capture names the pattern binds (for checking rule references). */
size_t scl_pattern_capture_names(const scl_pattern *p, const char *const **names_out);

#endif
