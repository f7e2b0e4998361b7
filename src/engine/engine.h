/*
 * engine.h - rulesets: load rule files, compile them per language, and match
 * them against one file's tree.
 *
 * The rule file format is specified in rules/README.md (the reference for
 * rule authors). Loading reports every problem, each as file:line:col, through
 * the on_error callback; compile checks every pattern against every language
 * the rule lists. Matching walks each tree once, dispatching on node kind.
 */
#ifndef SCL_ENGINE_ENGINE_H
#define SCL_ENGINE_ENGINE_H

#include <stddef.h>

#include "scalint/finding.h"
#include "scalint/scalint.h"
#include "scalint/status.h"
#include "link/summary.h"
#include "syntax/lang.h"
#include "syntax/tree.h"
#include "util/arena.h"

typedef struct scl_ruleset scl_ruleset;

typedef struct scl_finding_vec {
  scl_finding *items;
  size_t count;
  size_t cap;
} scl_finding_vec;

typedef struct scl_notice_vec {
  scl_notice *items;
  size_t count;
  size_t cap;
} scl_notice_vec;

scl_status scl_ruleset_new(scl_ruleset **out, scl_diag *diag);
void scl_ruleset_free(scl_ruleset *rs);

/*
 * Parses one rule file's text (origin is its path, used in messages; for the
 * built-in rules "rules/<name>.yaml" with is_builtin set, and then
 * scl_rule_info.origin is "builtin", else the path). Every problem is passed to on_error as file:line:col; the
 * return is SCL_ERULE if there was any. A rule whose id is already loaded
 * is an error.
 */
scl_status scl_ruleset_add_text(scl_ruleset *rs, const char *origin, const char *text,
                                size_t len, bool is_builtin, scl_error_fn on_error,
                                void *payload, scl_diag *diag);

/* Reads a rule file, or every *.yaml / *.yml file of a directory (sorted),
 * and adds it as above. SCL_EIO if the path cannot be read. */
scl_status scl_ruleset_add_path(scl_ruleset *rs, const char *path, scl_error_fn on_error,
                                void *payload, scl_diag *diag);

/* Adds the rules embedded in the binary. */
scl_status scl_ruleset_add_builtin(scl_ruleset *rs, scl_error_fn on_error, void *payload,
                                   scl_diag *diag);

/*
 * Keeps the rules whose id or slug is in select (all, if select_count is 0)
 * and not in ignore. A name that is no loaded rule's id or slug is
 * SCL_EINVAL ("unknown rule 'X'").
 */
scl_status scl_ruleset_filter(scl_ruleset *rs, const char *const *select, size_t select_count,
                              const char *const *ignore, size_t ignore_count, scl_diag *diag);

/*
 * Compiles every kept rule for each language it lists (using
 * scl_frontend_kinds(), so scl_frontends_init() must have run). Every
 * problem goes to on_error with the rule file's position; returns SCL_ERULE
 * if there was any.
 */
scl_status scl_ruleset_compile(scl_ruleset *rs, scl_error_fn on_error, void *payload,
                               scl_diag *diag);

/*
 * Changes a loaded rule (kept or not; by id or slug) before
 * scl_ruleset_compile (override.c): its level when level is not -1
 * (SCL_LEVEL_NOTE, _WARNING or _ERROR), and the value of one of its declared
 * parameters when param is not NULL (value is ignored otherwise). Both
 * strings are borrowed. SCL_EINVAL, changing nothing, for an unknown rule
 * ("unknown rule 'X'"), a parameter the rule does not declare ("rule SCL021
 * has no parameter 'x' (it has: min_pool_size)"), a bad level or a
 * non-finite value, or a ruleset already compiled.
 */
scl_status scl_ruleset_override(scl_ruleset *rs, const char *id_or_slug, int level,
                                const char *param, double value, scl_diag *diag);

/* Any loaded rule (kept or not) by id or slug, or NULL. Owned by the ruleset. */
const scl_rule_info *scl_ruleset_lookup(const scl_ruleset *rs, const char *id_or_slug);

/* The current value of a loaded rule's declared parameter, or NAN when the
 * rule or the parameter does not exist. */
double scl_ruleset_param(const scl_ruleset *rs, const char *id_or_slug, const char *param);

/* Kept rules, sorted by id. Pointers owned by the ruleset. */
size_t scl_ruleset_count(const scl_ruleset *rs);
const scl_rule_info *scl_ruleset_info(const scl_ruleset *rs, size_t index);
/* True if any kept rule applies to lang. */
bool scl_ruleset_wants(const scl_ruleset *rs, scl_lang lang);

/*
 * Matches every kept rule for lang against tree and appends findings to out
 * (all strings copied into out_arena, which outlives the tree), and notices
 * (limits hit) to notices. path is the reported path (copied). The ruleset
 * is read-only here, so several threads may scan with one ruleset, each with
 * its own scratch arena.
 *
 * summary_out (may be NULL: don't collect) receives the file's summary for
 * the link stage (link/summary.h), everything in out_arena: the matches that
 * wait for a caller in another file (deferred findings, which are not in
 * out), and, when some rule for lang uses a through-calls fact, the file's
 * functions, call sites and import bindings. Collected in the same walk.
 */
scl_status scl_engine_scan(scl_finding_vec *out, scl_notice_vec *notices,
                           scl_file_summary *summary_out, scl_arena *out_arena,
                           const scl_ruleset *rs, const scl_tree *tree, scl_lang lang,
                           const char *path, scl_arena *scratch, scl_diag *diag);

#endif
