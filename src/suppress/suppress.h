/*
 * suppress.h - the suppress stage: what a finished scan reports.
 *
 * Runs after the scan's findings are merged and sorted, and before any
 * reporter sees them. In order it applies inline `scalint: ignore[...]`
 * comments, reports the ones that suppressed nothing (meta rule SCL000),
 * compares the findings with a baseline file, and keeps only the findings on
 * lines changed since a git ref or in a list of files. It sees only the
 * public headers and util: no parser, rule engine or output format.
 */
#ifndef SCL_SUPPRESS_SUPPRESS_H
#define SCL_SUPPRESS_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "scalint/scalint.h"
#include "util/arena.h"

/*
 * scl_suppress_opts - what the stage does. All pointers borrowed.
 *   baseline_path    mark findings present in this baseline file unchanged
 *                    (and suppressed, kind external), the others new
 *   diff_base        keep only findings whose start line changed since this
 *                    git ref (working tree against the ref; untracked files
 *                    count as wholly changed)
 *   only_files       keep only findings in these paths (`./` and `a//b` are
 *                    normalised); NULL means no filter, a non-NULL list with
 *                    only_file_count == 0 keeps nothing (an empty --files-from)
 *   no_unused_suppressions  do not report `scalint: ignore` comments that
 *                    suppressed nothing
 */
typedef struct scl_suppress_opts {
  const char *baseline_path;
  const char *diff_base;
  const char *const *only_files;
  size_t only_file_count;
  bool no_unused_suppressions;
} scl_suppress_opts;

/* Copies the suppress-stage fields of a run's options into opts. */
void scl_suppress_opts_from_run(scl_suppress_opts *opts, const scl_run_opts *run);

/*
 * Applies the stage to res in place:
 *   1. inline comments: a suppressed finding keeps its data and gets
 *      suppression = SCL_SUPPRESS_IN_SOURCE and justification = the reason
 *      after `--` (or NULL);
 *   2. unused suppressions in any of scanned_paths (the files the scan
 *      parsed) or in a file with findings become SCL000 findings, and the
 *      SCL000 rule info is added to res->rules (unless opts says not to);
 *   3. the baseline: baseline_state on every finding, has_baseline set;
 *   4. the diff and file filters: other findings are removed.
 * Findings that had no fingerprint get one, so the baseline, JSON and SARIF
 * agree. res stays sorted (findings by path, line, column, rule; notices by
 * path, kind, message). A file that cannot be read for its comments becomes
 * a notice, not a failure.
 *
 * Memory: res->findings and res->notices must be malloc'ed (they are
 * realloc'ed here); res->rules may be replaced by an array in arena. Every
 * string the stage adds lives in arena, which must outlive res (run.c passes
 * the result's own run arena). scanned_paths are borrowed.
 *
 * Returns SCL_OK; SCL_EINVAL for an unreadable or malformed baseline
 * (diag: the file and line:col), a git failure (diag: git's first line of
 * stderr) or a diff_base that is not a ref; SCL_ELIMIT when git's output is
 * past SUPPRESS_MAX_GIT_BYTES. On failure res is still consistent (findings
 * may already carry inline suppressions) and the caller frees it as usual.
 */
scl_status scl_suppress_apply(scl_result *res, scl_arena *arena, const scl_suppress_opts *opts,
                              const char *const *scanned_paths, size_t scanned_count,
                              scl_diag *diag);

/*
 * Adds the SCL000 rule info to res->rules (kept sorted by id; nothing when
 * it is already there), for `scalint rules` and `explain`. The new array
 * lives in arena; the old one is left to its owner.
 */
void scl_suppress_add_rule_info(scl_result *res, scl_arena *arena);

/*
 * The rule info of the meta rule SCL000 unused-suppression (static storage),
 * for `scalint rules` / `scalint explain SCL000`.
 */
const scl_rule_info *scl_suppress_rule_info(void);

#endif
