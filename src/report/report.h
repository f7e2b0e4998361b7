/*
 * report.h - the reporter vtable and the helpers the reporters share.
 *
 * Private to src/report/. A reporter turns an scl_result into bytes on a FILE*
 * and nothing else: it never matches code, never reads source files, never
 * prints anywhere but the stream it is given, and sees only include/scalint/
 * and src/util/. The public entry point is scl_report_write() in scalint.h.
 */
#ifndef SCL_REPORT_REPORT_H
#define SCL_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "scalint/scalint.h"

/*
 * scl_report_ctx - one call of scl_report_write(). Everything is borrowed.
 *   opts          never NULL: defaults are filled in when the caller passed NULL
 *   tool_version  opts->tool_version, or SCALINT_VERSION when that is NULL or ""
 *   fingerprints  one per finding (finding_count entries): the finding's own
 *                 fingerprint, or one computed by scl_report__fingerprints()
 *   rule_order    indexes into result->rules, sorted by rule id (for lookups)
 *   is_aborted    set before end() when begin() succeeded but a finding() call
 *                 failed: end() must then only release its state
 *   state         the reporter's own data; begin() sets it, end() frees it
 */
typedef struct scl_report_ctx {
  FILE *out;
  const scl_result *result;
  const scl_report_opts *opts;
  const char *tool_version;
  const char *const *fingerprints;
  const size_t *rule_order;
  bool is_aborted;
  void *state;
} scl_report_ctx;

/*
 * scl_reporter - one output format.
 *   begin    called once; may set ctx->state. A failure ends the call.
 *   finding  called for each finding in result order (index into findings).
 *   end      called once whenever begin succeeded, even after a failure
 *            (see is_aborted); writes notices and the summary, frees state.
 * Write errors on the stream are detected by the caller with ferror(), so
 * reporters need not check every fprintf.
 */
typedef struct scl_reporter {
  const char *name;
  scl_status (*begin)(scl_report_ctx *ctx, scl_diag *diag);
  scl_status (*finding)(scl_report_ctx *ctx, size_t index, scl_diag *diag);
  scl_status (*end)(scl_report_ctx *ctx, scl_diag *diag);
} scl_reporter;

/* The formats, NULL-name terminated, in the order `--help` lists them. */
extern const scl_reporter scl_reporters[];

/* text.c */
scl_status scl_report__text_begin(scl_report_ctx *ctx, scl_diag *diag);
scl_status scl_report__text_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag);
scl_status scl_report__text_end(scl_report_ctx *ctx, scl_diag *diag);

/* json.c */
scl_status scl_report__json_begin(scl_report_ctx *ctx, scl_diag *diag);
scl_status scl_report__json_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag);
scl_status scl_report__json_end(scl_report_ctx *ctx, scl_diag *diag);

/* sarif.c */
scl_status scl_report__sarif_begin(scl_report_ctx *ctx, scl_diag *diag);
scl_status scl_report__sarif_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag);
scl_status scl_report__sarif_end(scl_report_ctx *ctx, scl_diag *diag);

/* github.c */
scl_status scl_report__github_begin(scl_report_ctx *ctx, scl_diag *diag);
scl_status scl_report__github_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag);
scl_status scl_report__github_end(scl_report_ctx *ctx, scl_diag *diag);

/* gitlab.c */
scl_status scl_report__gitlab_begin(scl_report_ctx *ctx, scl_diag *diag);
scl_status scl_report__gitlab_finding(scl_report_ctx *ctx, size_t index, scl_diag *diag);
scl_status scl_report__gitlab_end(scl_report_ctx *ctx, scl_diag *diag);

/* ---- shared helpers (report.c) ---- */

/* The rule whose id is id, or NULL; *index_out (if not NULL) gets its index in
 * ctx->result->rules. The pointer is borrowed from the result. */
const scl_rule_info *scl_report__rule(const scl_report_ctx *ctx, const char *id,
                                      size_t *index_out);

/*
 * Fills fps[i] for every finding: the finding's own fingerprint when it has
 * one, else a 16-digit hex FNV-1a 64 of rule id, path, the line text with all
 * whitespace removed, and the occurrence number among findings that share
 * those three. Computed strings live in *storage_out (caller frees with
 * free(); NULL when nothing was computed); fps itself is caller-allocated.
 */
void scl_report__fingerprints(const char **fps, char **storage_out, const scl_result *result);

/* A new JSON string for s: "" for NULL, invalid UTF-8 bytes replaced by
 * U+FFFD. Never NULL; the caller owns the reference. */
json_t *scl_report__jstr(const char *s);

/* Writes root pretty-printed (2-space indent) plus a newline. Does not steal
 * root. SCL_EIO when jansson reports a write failure. */
scl_status scl_report__json_dump(json_t *root, FILE *out, scl_diag *diag);

/*
 * scl_report_kind - where a finding stands for the reporters that hide some.
 *   ACTIVE      a problem to report: not suppressed, not old per the baseline
 *   SUPPRESSED  suppressed in source or by the config (and not UNCHANGED)
 *   UNCHANGED   already in the baseline (whether or not also marked external)
 * SARIF keeps every finding and says which is which; text, json, github and
 * gitlab show only ACTIVE ones unless opts->show_suppressed.
 */
typedef enum scl_report_kind {
  SCL_REPORT_ACTIVE = 0,
  SCL_REPORT_SUPPRESSED = 1,
  SCL_REPORT_UNCHANGED = 2
} scl_report_kind;

scl_report_kind scl_report__kind(const scl_finding *f);

/* Whether a reporter that hides suppressed findings shows f. */
bool scl_report__is_shown(const scl_report_ctx *ctx, const scl_finding *f);

/*
 * Counts. errors..others count ACTIVE findings only (they are "the
 * problems"; with a baseline they are the new ones); suppressed and
 * unchanged count the others. skipped_files counts distinct notice
 * paths of warning level or above (notices are sorted by path).
 */
typedef struct scl_report_counts {
  size_t errors, warnings, notes, others;
  size_t active, suppressed, unchanged;
  size_t skipped_files;
} scl_report_counts;

void scl_report__count(scl_report_counts *out, const scl_result *result);

/* Path as reporters print it: leading "./" segments dropped, "" for NULL.
 * Borrowed from path. */
const char *scl_report__display_path(const char *path);

/* ---- hashing (FNV-1a 64) ---- */

#define SCL_REPORT_FNV_OFFSET 0xcbf29ce484222325ULL

/* Folds s (NULL = "") plus a NUL separator into h. */
uint64_t scl_report__hash_str(uint64_t h, const char *s);

/*
 * scl_report_occ - how many times each 64-bit key was seen (open addressing,
 * sized once for at most key_count distinct keys, so no rehashing).
 */
typedef struct scl_report_occ {
  struct scl_report_occ_slot *slots;
  size_t mask;
} scl_report_occ;

void scl_report__occ_init(scl_report_occ *occ, size_t key_count);
/* Returns how many times key was seen before this call (0 the first time). */
uint32_t scl_report__occ_next(scl_report_occ *occ, uint64_t key);
void scl_report__occ_dispose(scl_report_occ *occ);

#endif
