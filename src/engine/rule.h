/*
 * rule.h - the engine's private picture of a loaded rule: matchers,
 * constraints and the ruleset that owns them. Shared by rule_load.c (which
 * builds these from YAML), engine.c (filter, compile, dispatch tables) and
 * match.c (scanning). Nothing outside src/engine/ includes this header.
 *
 * Ownership: every structure, string and compiled pattern lives in the
 * ruleset's arena; compiled regexes are owned by the ruleset (freed by
 * scl_ruleset_free). After scl_ruleset_compile the ruleset is read-only.
 */
#ifndef SCL_ENGINE_RULE_H
#define SCL_ENGINE_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/pattern.h"
#include "engine/regex.h"
#include "util/vec.h"

/* Nesting of matchers and constraints inside one rule. Rule files come from
 * users, so the loader and the matcher recurse at most this deep; 32 is far
 * beyond what a readable rule needs. */
#define SCL_MAX_RULE_NESTING 32

/* Rule-file language keys, in the order of the rules/README.md table. */
typedef enum scl_key {
  SCL_KEY_PY,
  SCL_KEY_JS,
  SCL_KEY_TS,
  SCL_KEY_C,
  SCL_KEY_SQL,
  SCL_KEY_COUNT
} scl_key;

/* "py", "js", "ts", "c" -> key; -1 if unknown. */
int scl_rule__key_parse(const char *name);
const char *scl_rule__key_name(scl_key key);

typedef enum scl_ckind {
  SCL_C_REGEX,
  SCL_C_NOT_REGEX,
  SCL_C_COMPARE,
  SCL_C_FACT,
  SCL_C_NOT_FACT,
  SCL_C_IMPORTS,
  SCL_C_NOT_IMPORTS,
  SCL_C_INSIDE,
  SCL_C_NOT_INSIDE,
  SCL_C_HAS,
  SCL_C_NOT_HAS,
  SCL_C_FILE_HAS,
  SCL_C_NOT_FILE_HAS,
  SCL_C_ANY,
  SCL_C_ALL,
  SCL_C_NOT,
  SCL_C_PATH,
  SCL_C_NOT_PATH
} scl_ckind;

typedef enum scl_cmp_op {
  SCL_OP_LT,
  SCL_OP_LE,
  SCL_OP_GT,
  SCL_OP_GE,
  SCL_OP_EQ,
  SCL_OP_NE
} scl_cmp_op;

typedef struct scl_matcher scl_matcher;
typedef struct scl_constraint scl_constraint;

/*
 * scl_constraint - one `where:` entry.
 *   capture   regex/compare subject; fact/inside/has `of:` start (NULL: the node)
 *   re        regex, not-regex, imports, not-imports, path, not-path (owned
 *             by the ruleset)
 *   cap_line   position of the capture reference (for messages)
 *   param      compare against rule->params[param_index] (NULL: against value)
 *   value      the constant of `value: N`
 *   sub       inside/has/file-has and their negations; for fact/not-fact,
 *             the `loop:` / `not-loop:` matcher (in-loop only) that the loop
 *             making the fact hold must (must not, with loop_negated) match
 *   kids       any/all (kid_count entries) and not (one entry)
 *   deps       file-has: capture names its sub-matcher binds or reads; a
 *              scan caches the result per file for each text of these
 */
struct scl_constraint {
  scl_ckind kind;
  unsigned line, col;
  const char *capture;
  unsigned cap_line, cap_col;
  scl_regex *re;
  scl_cmp_op op;
  const char *param;
  size_t param_index;
  double value;
  scl_fact fact;
  bool through_calls;
  bool loop_negated;
  scl_matcher *sub;
  scl_constraint *kids;
  size_t kid_count;
  const char **deps;
  size_t dep_count;
};

/*
 * scl_matcher - a pattern plus constraints, or a list of alternatives.
 *   pattern        the S-expression text (NULL for an `any:` matcher)
 *   pat_line/col   the pattern scalar's position in the rule file
 *   pat_quoted     the scalar was quoted (content starts one column later)
 *   pat_block      the scalar was a | or > block; pat_indent its indentation
 *   compiled       one compiled pattern per grammar (scl_lang index)
 *   report         capture that locates the finding (NULL: the root node)
 *   of             start capture for inside/has sub-matchers (NULL: the node)
 *   alts           alternatives of an `any:` matcher
 *   check          a built-in check's name (`check: fk-without-index`); such a
 *                  matcher has no pattern and is run once per file
 *   plan           per grammar, what compiling worked out to save scan work
 *                  (plan.h); NULL for a matcher without a pattern there
 */
struct scl_matcher {
  const char *pattern;
  const char *check;
  unsigned line, col;
  unsigned pat_line, pat_col, pat_indent;
  bool pat_quoted, pat_block;
  scl_pattern *compiled[SCL_LANG_COUNT];
  scl_constraint *where;
  size_t where_count;
  const char *report;
  unsigned report_line, report_col;
  const char *of;
  unsigned of_line, of_col;
  scl_matcher *alts;
  size_t alt_count;
  struct scl_mplan *plan[SCL_LANG_COUNT];
};

typedef struct scl_param {
  const char *name;
  double value;
} scl_param;

/*
 * scl_rule - one loaded rule.
 *   info       public metadata; strings in the ruleset arena
 *   path       the rule file's path for messages (info.origin says "builtin")
 *   message    the message template ({{capture}}, {{capture.line}}, {{param.N}})
 *   match      one matcher per language key the rule lists (NULL otherwise)
 *   is_kept    survives scl_ruleset_filter
 *   prefilter  the rule file's `prefilter:` tokens per language key (NULL:
 *              none declared, the prefilter derives them; prefilter.h)
 */
typedef struct scl_rule {
  scl_rule_info info;
  const char *path;
  const char *message;
  scl_param *params;
  size_t param_count;
  scl_matcher *match[SCL_KEY_COUNT];
  bool is_kept;
  const char **prefilter[SCL_KEY_COUNT];
  size_t prefilter_count[SCL_KEY_COUNT];
} scl_rule;

/* scl_dispatch_entry - one top-level alternative of one rule to try at a node. */
typedef struct scl_dispatch_entry {
  const scl_rule *rule;
  uint32_t rule_index;           /* position in the kept list (for per-rule counts) */
  const scl_matcher *matcher;
  const scl_pattern *pattern;
} scl_dispatch_entry;

/*
 * scl_dispatch - per-grammar table: entries for kind k are
 * entries[starts[k] .. starts[k+1]), then the wildcard entries.
 */
typedef struct scl_dispatch {
  uint32_t *starts;              /* kind_count + 1 offsets */
  uint32_t kind_count;           /* ids 0 .. kind_count-1 */
  scl_dispatch_entry *entries;
  scl_dispatch_entry *wild;
  size_t wild_count;
} scl_dispatch;

/* ---- built-in checks (checks.c) ---- */

/* Values a built-in check offers to a message template ({{name}}), as a
 * space-separated list for loader messages; NULL for an unknown check. */
const char *scl_engine__check_values(const char *name);
/* The rule-file key of a grammar (TS and TSX share one); SCL_KEY_COUNT if none. */
scl_key scl_engine__lang_key(scl_lang lang);

struct scl_ruleset {
  scl_arena arena;
  SCL_VEC(scl_rule *) rules;     /* every loaded rule, load order */
  SCL_VEC(scl_rule *) kept;      /* kept rules, sorted by id */
  SCL_VEC(scl_regex *) regexes;  /* compiled regexes, freed with the ruleset */
  scl_dispatch dispatch[SCL_LANG_COUNT];
  bool is_compiled;
};

/* ---- loading (rule_load.c, rule_where.c) ---- */

struct scl_ynode;

/*
 * scl_loader - state while one rule file is loaded.
 *   diag          the caller's diag: receives the first error
 *   error_count   errors reported so far for this file
 *   rule          the rule being built (its params resolve `compare`)
 *   objects       matchers and constraints built for this rule, capped so
 *                 that YAML aliases cannot blow a small file up exponentially
 */
typedef struct scl_loader {
  scl_ruleset *rs;
  const char *origin;
  const char *text;
  size_t len;
  scl_error_fn on_error;
  void *payload;
  scl_diag *diag;
  unsigned error_count;
  scl_rule *rule;
  size_t objects;
} scl_loader;

/* Reports one error at line:col of the rule file (printf-style). */
void scl_loader__error(scl_loader *ld, unsigned line, unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 4, 5)))
#endif
  ;

/* Checks that map has only keys from allowed (NULL-terminated); reports each
 * unknown one (with a did-you-mean). what names the map in messages. */
void scl_loader__check_keys(scl_loader *ld, const struct scl_ynode *map,
                            const char *const *allowed);

/* Builds a matcher from n (rule_where.c); NULL after reporting errors.
 * is_sub allows `of:` (inside/has sub-matchers). */
scl_matcher *scl_loader__matcher(scl_loader *ld, const struct scl_ynode *n, unsigned depth,
                                 bool is_sub);

/* Checks every capture reference of rule (report, of, capture, message):
 * each must be bound in every language's matcher. msg is the message node. */
void scl_loader__check_refs(scl_loader *ld, const scl_rule *rule, const struct scl_ynode *msg);

/* Sorts rs->kept by id from the rules marked is_kept (rule_load.c, engine.c). */
void scl_ruleset__rebuild_kept(scl_ruleset *rs);

/*
 * Loads one rule file's text into rs (rule_load.c). See scl_ruleset_add_text.
 */
scl_status scl_rule__load(scl_ruleset *rs, const char *origin, const char *text, size_t len,
                          bool is_builtin, scl_error_fn on_error, void *payload, scl_diag *diag);

/* ---- cross-file summaries (summarize.c) ---- */

/* The through-calls facts a top-level `where:` entry asks for, as
 * scl_sum_fact bits, when it is a through-calls `fact:` (in-loop,
 * in-handler) or an `any:` made only of such facts about one node; else 0.
 * Such an entry may fail in a file and still hold through a caller
 * elsewhere. */
unsigned scl_engine__deferrable(const scl_constraint *c);

/* Whether any rule compiled for lang has a deferrable top-level entry (only
 * then is a summary worth collecting for a file of lang). */
bool scl_engine__lang_links(const scl_ruleset *rs, scl_lang lang);

/* The related locations of trace (nodes of tree; path borrowed, kept as
 * is), in out; NULL and *count_out 0 for an empty trace. */
const scl_location *scl_engine__related(size_t *count_out, scl_arena *out, const scl_tree *tree,
                                        const char *path, const scl_fact_trace *trace);

/* Fills sum's functions, call sites (with what holds at each) and import
 * bindings from facts; sum->path must be set. All copies in out. */
void scl_engine__summarize(scl_file_summary *sum, scl_facts *facts, const scl_tree *tree,
                           scl_arena *out);

/* Parses an integer literal's text (1000, 1_000, 0x3e8, 0o17, 0b101, 1000UL,
 * 10n); false if it is not one (match.c). */
bool scl_engine__parse_int(const char *text, size_t len, double *out);

#endif
