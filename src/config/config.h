/*
 * config.h - the .scalint.yml configuration file: find it, load and check
 * it, apply its per-rule settings to a ruleset, answer "is this path
 * excluded / is this rule ignored here", and print the effective
 * configuration. The user reference is docs/configuration.md.
 *
 * Every path written in a config file (rule-dirs, exclude, per-path-ignores)
 * is relative to the directory holding that file. Loading reports every
 * problem as file:line:col through an scl_error_fn, like rule loading does.
 * This module never prints except through scl_config_print_effective()'s
 * FILE, and never exits.
 */
#ifndef SCL_CONFIG_CONFIG_H
#define SCL_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "discover/gitignore.h"
#include "engine/engine.h"
#include "scalint/scalint.h"
#include "scalint/status.h"
#include "util/arena.h"

/* File names looked for in each directory, in this order. */
#define SCL_CONFIG_NAME ".scalint.yml"
#define SCL_CONFIG_ALT_NAME ".scalint.yaml"

/* A config file larger than this is refused: real ones are a few hundred
 * bytes, and the YAML tree of a huge one would cost far more memory. */
#define SCL_CONFIG_MAX_BYTES ((size_t)1024 * 1024)

/* scl_config_name - a rule name (ID, slug or "all") and where it was written. */
typedef struct scl_config_name {
  const char *text;
  unsigned line, col;
} scl_config_name;

/*
 * scl_config_list - a list of rule names.
 *   names      the names (is_set and count 0: the key was given as [])
 *   texts      the same strings as a plain array, for scl_ruleset_filter
 *   is_set     the key was present
 */
typedef struct scl_config_list {
  scl_config_name *names;
  const char **texts;
  size_t count;
  bool is_set;
} scl_config_list;

/* scl_config_param - one `params:` entry of a `rules:` entry. */
typedef struct scl_config_param {
  const char *name;
  double value;
  unsigned line, col;
} scl_config_param;

/*
 * scl_config_rule - one entry under `rules:`.
 *   name       rule ID or slug as written, at line:col
 *   level      SCL_LEVEL_NOTE / _WARNING / _ERROR, or -1 when not set
 */
typedef struct scl_config_rule {
  scl_config_name name;
  int level;
  scl_config_param *params;
  size_t param_count;
} scl_config_rule;

/*
 * scl_config_path_ignore - one entry under `per-path-ignores:`.
 *   glob       the key as written (for printing and messages)
 *   set        the key parsed as one gitignore-style pattern
 *   rules      rule IDs or slugs not reported under matching paths
 *   is_all     the list holds "all": every rule
 */
typedef struct scl_config_path_ignore {
  scl_config_name glob;
  scl_ignore_set set;
  scl_config_list rules;
  bool is_all;
} scl_config_path_ignore;

/*
 * scl_config - a loaded, checked config file. Every string lives in arena.
 *   path         the file, as found or given (relative or absolute)
 *   dir          its directory as a prefix for relative paths ("." when the
 *                file is in the current directory)
 *   abs_dir      dir made absolute with symlinks resolved, for matching
 *   cwd          the working directory when the file was loaded
 *   fail_on      scl_level (SCL_LEVEL_NONE for "never"), or -1 when not set
 *   rule_dirs    resolved against dir (absolute entries kept as written)
 *   rule_dirs_raw  the same, as written in the file
 *   exclude      the exclude globs, in file order, as one ignore set
 *   exclude_globs  the same, as written (for printing)
 */
typedef struct scl_config {
  scl_arena arena;
  const char *path;
  const char *dir;
  const char *abs_dir;
  const char *cwd;
  scl_config_list select;
  scl_config_list ignore;
  int fail_on;
  const char **rule_dirs;
  scl_config_name *rule_dirs_raw;
  size_t rule_dir_count;
  scl_ignore_set exclude;
  scl_config_name *exclude_globs;
  size_t exclude_count;
  scl_config_path_ignore *path_ignores;
  size_t path_ignore_count;
  scl_config_rule *rules;
  size_t rule_count;
} scl_config;

/*
 * Looks for .scalint.yml, then .scalint.yaml, in start's directory (start
 * may be a file or a directory, relative or absolute, and must exist), then
 * in each parent up to the file-system root; stops at the first found. On
 * SCL_OK *path_out is the file (relative to the current directory when it is
 * inside it, absolute otherwise; caller frees with free()) or NULL when there
 * is none, which is not an error. SCL_EIO when start does not exist.
 */
scl_status scl_config_find(char **path_out, const char *start, scl_diag *diag);

/*
 * Reads, parses and checks the config file at path (borrowed). Every problem
 * (unreadable file, YAML syntax, unknown key with a did-you-mean, wrong type,
 * bad level, bad glob) is passed to on_error (if not NULL) as
 * path:line:col: message, with status SCL_ECONFIG (SCL_EIO for a file that
 * cannot be read); diag receives the first one. Rule names and parameter
 * names are checked later, against the loaded rules, by
 * scl_config_apply_rules(). On SCL_OK *out is a config the caller frees with
 * scl_config_free(); on failure *out is NULL.
 */
scl_status scl_config_load(scl_config **out, const char *path, scl_error_fn on_error,
                           void *payload, scl_diag *diag);

/*
 * What `scalint check` does about configuration, from opts (borrowed):
 * nothing when opts->no_config; the file opts->config_path when set (a
 * missing file is SCL_EIO); otherwise scl_config_find() from opts->paths[0]
 * (or "." when no path is given; a first path that does not exist means no
 * config, discovery reports the path) and, when one is found,
 * scl_config_load(). On SCL_OK *out is the config or NULL when there is
 * none. Errors as for scl_config_load().
 */
scl_status scl_config_resolve(scl_config **out, const scl_run_opts *opts, scl_error_fn on_error,
                              void *payload, scl_diag *diag);

void scl_config_free(scl_config *cfg);

/*
 * Checks every rule name of cfg (select, ignore, per-path-ignores, rules)
 * against the rules loaded in rs, and applies each `rules:` entry's level
 * and params with scl_ruleset_override(). Call it after loading the rules
 * and before scl_ruleset_compile (before or after scl_ruleset_filter). Every
 * bad name or parameter is passed to on_error at the config's line:col
 * (status SCL_ECONFIG), diag receives the first, and the return is
 * SCL_ECONFIG if there was any. cfg may be NULL (nothing to do).
 */
scl_status scl_config_apply_rules(const scl_config *cfg, scl_ruleset *rs, scl_error_fn on_error,
                                  void *payload, scl_diag *diag);

/*
 * Converts a path as scanned (relative to the current directory, or
 * absolute) into a path relative to cfg's directory, '/' separated, without
 * "." or ".." segments ("" for the directory itself). NULL when the path is
 * outside cfg's directory. Purely lexical (no file-system access). Caller
 * frees with free().
 */
char *scl_config_rel_path(const scl_config *cfg, const char *path);

/*
 * True if rel_path (relative to cfg's directory, as scl_config_rel_path()
 * returns) is excluded by cfg's `exclude` globs, with gitignore semantics:
 * the last matching glob wins, "!glob" re-includes, "dir/" matches only
 * directories, a glob without an inner '/' matches the name at any depth,
 * and anything inside an excluded directory is excluded. is_dir says whether
 * rel_path is a directory. NULL cfg or NULL rel_path: false.
 */
bool scl_config_excluded(const scl_config *cfg, const char *rel_path, bool is_dir);

/*
 * True if a finding of the rule rule_id / slug in the file rel_path
 * (relative to cfg's directory) is turned off by `per-path-ignores`. A glob
 * matches the file or any directory above it; a "!glob" entry applies to
 * the paths it does not match. NULL cfg or NULL rel_path: false.
 */
bool scl_config_path_ignored(const scl_config *cfg, const char *rel_path, const char *rule_id,
                             const char *slug);

/*
 * scl_config_opts - run options with a config merged in.
 *   opts        a copy of the command-line options where select and ignore
 *               are the config's unless the command line gave some, and
 *               rule_dirs are the config's followed by the command line's;
 *               every pointer borrowed from the config or the command line
 *   rule_dirs   the merged rule_dirs array (owned)
 *   fail_on     the command line's level if given, else the config's, else
 *               SCL_LEVEL_WARNING
 */
typedef struct scl_config_opts {
  scl_run_opts opts;
  const char **rule_dirs;
  int fail_on;
} scl_config_opts;

/*
 * Fills out from cli (borrowed) and cfg (may be NULL; borrowed: it must
 * outlive out). cli_fail_on is --fail-on's level, or -1 when not given.
 * Release with scl_config_opts_dispose().
 */
void scl_config_merge(scl_config_opts *out, const scl_config *cfg, const scl_run_opts *cli,
                      int cli_fail_on);
void scl_config_opts_dispose(scl_config_opts *merged);

/*
 * Prints the effective configuration as YAML to out: cfg (NULL when no file
 * was used) merged with the command-line options opts (borrowed): opts'
 * select and ignore replace cfg's when given, opts' rule_dirs come after
 * cfg's; fail_on is the --fail-on level given on the command line, or -1
 * when none was (then cfg's, else "warning"). The first line is a comment
 * naming the config file, or "# no config file found" ("# config files
 * disabled (--no-config)" when opts->no_config). SCL_EIO on a write error.
 */
scl_status scl_config_print_effective(FILE *out, const scl_config *cfg, const scl_run_opts *opts,
                                      int fail_on, scl_diag *diag);

#endif
