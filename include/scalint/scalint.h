/*
 * scalint.h - the entry point of libscalint: run a scan, get a result.
 *
 * The CLI and the tests call only what is declared in include/scalint/.
 * Library code never prints, never exits: problems come back as scl_status
 * plus scl_diag, or as scl_notice entries in the result.
 */
#ifndef SCALINT_SCALINT_H
#define SCALINT_SCALINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scalint/finding.h"
#include "scalint/status.h"

#define SCALINT_VERSION "0.1.0"

/*
 * scl_c_mode - how libclang parses a C file (costs in bench/README.md).
 *   SCL_C_MODE_AUTO   the default: SCL_C_MODE_FULL
 *   SCL_C_MODE_CHEAP  the file alone: no system headers (-nostdinc), no
 *                     compile database, the file's own directory on the
 *                     include path; about 3.5x faster, but statements using
 *                     names the headers declare (NULL, size_t, FD_SET) can
 *                     be lost, and with them findings
 *   SCL_C_MODE_FULL   the compile database's flags when one is found, else
 *                     defaults with the system headers
 */
typedef enum scl_c_mode {
  SCL_C_MODE_AUTO = 0,
  SCL_C_MODE_CHEAP,
  SCL_C_MODE_FULL,
} scl_c_mode;

/*
 * scl_run_opts - what to scan and with which rules. All pointers borrowed.
 *   paths            files or directories; none means "."
 *   rule_dirs        extra directories (or single files) of rule YAML files
 *   select, ignore   rule IDs or slugs; empty select means all rules
 *   no_builtin       do not load the rules embedded in the binary
 *   max_file_bytes   larger files are skipped with a notice; 0 = default
 *   no_default_excludes  scan .git, node_modules, virtualenvs too
 *   no_gitignore     do not honour .gitignore files
 */
typedef struct scl_run_opts {
  const char *const *paths;
  size_t path_count;
  const char *const *rule_dirs;
  size_t rule_dir_count;
  const char *const *select;
  size_t select_count;
  const char *const *ignore;
  size_t ignore_count;
  bool no_builtin;
  size_t max_file_bytes;
  bool no_default_excludes;
  bool no_gitignore;
  unsigned jobs;            /* worker threads; 0 = number of online CPUs */

  /* configuration (.scalint.yml) */
  const char *config_path;  /* explicit --config FILE; NULL = search upward */
  bool no_config;           /* ignore config files */

  /* what to report (suppress stage) */
  const char *baseline_path;      /* findings in this baseline are marked unchanged */
  const char *diff_base;          /* only findings on lines changed since this git ref */
  const char *const *only_files;  /* --files-from: only findings in these paths */
  size_t only_file_count;
  bool no_unused_suppressions;    /* do not report unused `scalint: ignore` comments */

  /* incremental cache and sharding (docs/ci-scale.md) */
  const char *cache_dir;    /* per-file results cache; NULL = no cache */
  bool no_cache;            /* neither read nor write the cache (wins over cache_dir) */
  unsigned shard_index;     /* with shard_count > 0: scan only shard K (1-based) of N, */
  unsigned shard_count;     /*   write it to shard_output and skip link and suppress */
  const char *shard_output; /* the shard file (required with shard_count > 0) */

  /* cost (bench/README.md) */
  bool parse_only;          /* parse and convert every file, match nothing: the benchmark's floor */
  scl_c_mode c_mode;        /* how C files are parsed */
  bool no_prefilter;        /* parse every file, even those no rule can match */
  uint64_t parse_timeout_us; /* per-file parse time limit; 0 = by file size (docs/robustness.md) */
} scl_run_opts;

/*
 * scl_result - everything a scan produced, sorted deterministically:
 * findings by (path, line, col, rule id), notices by path.
 * Owns all the memory it points to; free with scl_result_free().
 */
typedef struct scl_result {
  scl_finding *findings;
  size_t finding_count;
  scl_notice *notices;
  size_t notice_count;
  scl_rule_info *rules;      /* the rules that ran, sorted by id */
  size_t rule_count;
  size_t files_scanned;
  size_t bytes_scanned;
  double seconds;
  int fail_on;               /* the config's failing level, or -1 when it sets none */
  const char *config_path;   /* the config file used, or NULL */
  bool has_baseline;         /* findings carry baseline_state */
  size_t cache_hits;         /* files whose results came from the cache */
  size_t cache_misses;       /* files scanned with the cache on but not found in it */
  size_t files_prefiltered;  /* files read but not parsed: no rule can match them */
} scl_result;

/* Zeroes opts. */
void scl_run_opts_init(scl_run_opts *opts);

/*
 * Runs a scan. On SCL_OK, *out is a result the caller frees with
 * scl_result_free(). Rule-file errors return SCL_ERULE with diag holding the
 * first one as file:line:col; every rule error is also passed to on_error
 * (if not NULL) before the call returns, so the CLI can print them all.
 * Per-file problems never fail the run: they become notices.
 */
typedef void (*scl_error_fn)(const scl_diag *diag, void *payload);
scl_status scl_run(scl_result **out, const scl_run_opts *opts, scl_error_fn on_error,
                   void *payload, scl_diag *diag);

/*
 * Loads the rules (builtin plus rule_dirs, filtered by select/ignore) without
 * scanning, for `scalint rules` and `scalint explain`. Same ownership and
 * errors as scl_run; the result has rules only.
 */
/*
 * `scalint merge`: reads the shard files (written by scl_run with
 * shard_count > 0), checks that they are every shard of one split (same N,
 * each K once, same rules and config), runs the link stage over all their
 * summaries, then the config's per-path ignores and the suppress stage with
 * opts (config_path, no_config, baseline_path, diff_base, only_files,
 * no_unused_suppressions; the scan options are ignored), exactly as a
 * whole scan would. Run it in the directory the shards were scanned from:
 * paths are relative to it and inline comments are read from the files.
 * On SCL_OK *out is freed with scl_result_free(). SCL_EIO / SCL_EINVAL
 * (diag names the shard) for an unreadable, foreign or mismatched shard.
 */
scl_status scl_merge(scl_result **out, const scl_run_opts *opts, const char *const *shard_paths,
                     size_t shard_path_count, scl_error_fn on_error, void *payload,
                     scl_diag *diag);

scl_status scl_rules_list(scl_result **out, const scl_run_opts *opts, scl_error_fn on_error,
                          void *payload, scl_diag *diag);

void scl_result_free(scl_result *result);

/*
 * Parses one file and prints its syntax tree (kinds, fields, positions) to
 * out, for rule authors (`scalint dump FILE`). SCL_EINVAL for a file whose
 * language is unknown, SCL_EIO / SCL_EPARSE / SCL_ELIMIT as for a scan.
 */
scl_status scl_dump_file(FILE *out, const char *path, scl_diag *diag);

/* ---- reporting ---- */

typedef struct scl_report_opts {
  bool color;            /* ANSI colours (text only) */
  bool show_source;      /* source line + caret under each finding (text) */
  const char *tool_version;
  bool show_suppressed;  /* text/json/github/gitlab: include suppressed findings */
  bool statistics;       /* text: a table of counts per rule after the findings */
  const char *automation_id;  /* SARIF runs[].automationDetails.id, or NULL */
} scl_report_opts;

/*
 * Writes result to out in format "text", "json", "sarif", "github" or "gitlab".
 * Returns SCL_EINVAL for an unknown format, SCL_EIO on write errors.
 */
scl_status scl_report_write(FILE *out, const char *format, const scl_result *result,
                            const scl_report_opts *opts, scl_diag *diag);

/* NULL-terminated list of format names, for --help. */
const char *const *scl_report_formats(void);

/*
 * Writes result's findings (suppressed ones included) as a baseline file
 * (JSON) to out, for `scalint baseline`. SCL_EIO on write errors.
 */
scl_status scl_baseline_write(FILE *out, const scl_result *result, scl_diag *diag);

/*
 * Prints the effective configuration for opts (the config file found or
 * given, merged with opts) as YAML, for `scalint config`. SCL_ECONFIG with
 * file:line:col for a malformed config file.
 */
scl_status scl_config_print(FILE *out, const scl_run_opts *opts, scl_diag *diag);

#endif
