/*
 * finding.h - the plain data libscalint hands to reporters and callers.
 *
 * No handles, no parser types: everything here is strings and numbers that
 * live as long as the scl_result that holds them (run arena).
 */
#ifndef SCALINT_FINDING_H
#define SCALINT_FINDING_H

#include <stddef.h>
#include <stdint.h>

typedef enum scl_level {
  SCL_LEVEL_NONE = 0,
  SCL_LEVEL_NOTE = 1,
  SCL_LEVEL_WARNING = 2,
  SCL_LEVEL_ERROR = 3
} scl_level;

/* "none", "note", "warning", "error". */
const char *scl_level_str(scl_level level);
/* Parses a level name; returns SCL_LEVEL_NONE for "none"/"never", -1 if unknown. */
int scl_level_parse(const char *name);

/*
 * scl_span - a source range.
 *   start_line, end_line   1-based lines
 *   start_col, end_col     1-based columns counted in Unicode code points;
 *                          end_col is one past the last character
 *   start_byte, end_byte   byte offsets into the file
 */
typedef struct scl_span {
  uint32_t start_line, start_col;
  uint32_t end_line, end_col;
  uint32_t start_byte, end_byte;
} scl_span;

/* scl_location - a secondary place a finding points at (outer loop, call site). */
typedef struct scl_location {
  const char *path;    /* relative to the scan's working directory, '/' separated */
  scl_span span;
  const char *message; /* e.g. "the loop over users" */
} scl_location;

/* How a finding was suppressed (SARIF suppressions[].kind). */
typedef enum scl_suppression {
  SCL_SUPPRESS_NONE = 0,
  SCL_SUPPRESS_IN_SOURCE = 1,  /* a `scalint: ignore[...]` comment */
  SCL_SUPPRESS_EXTERNAL = 2    /* the baseline, or a per-path ignore in the config */
} scl_suppression;

/* Finding versus a baseline (SARIF baselineState); NONE when no baseline. */
typedef enum scl_baseline_state {
  SCL_BASELINE_NONE = 0,
  SCL_BASELINE_NEW = 1,
  SCL_BASELINE_UNCHANGED = 2
} scl_baseline_state;

/*
 * scl_finding - one rule match.
 *   line_text    the full text of start_line, without its newline (for snippets)
 *   related      locations that explain the finding (loop, call site), in flow order
 *   fingerprint  stable hash of rule, path and normalised line text
 */
typedef struct scl_finding {
  const char *rule_id;
  const char *slug;
  scl_level level;
  const char *path;
  scl_span span;
  const char *message;
  const char *line_text;
  const scl_location *related;
  size_t related_count;
  const char *fingerprint;
  scl_suppression suppression;   /* NONE unless suppressed (then hidden from text) */
  const char *justification;     /* the reason given after "--", or NULL */
  scl_baseline_state baseline_state;
} scl_finding;

/*
 * scl_notice - something the scan could not do for one file (skipped binary,
 * too large, unreadable, unparsable). Never silent: reporters print these.
 *   kind   short machine-readable reason: "binary", "too-large", "unreadable",
 *          "parse-error", "limit", "symlink-loop", ...
 */
typedef struct scl_notice {
  const char *path;
  scl_level level;
  const char *kind;
  const char *message;
} scl_notice;

/*
 * scl_rule_info - a rule's public metadata (for `scalint rules`, `explain`, SARIF).
 *   languages   space-separated language keys, e.g. "py js ts"
 *   title       one-line short description
 *   why         one line: why it hurts at scale
 *   instead     one line: what to write instead
 *   doc         full help in Markdown (the rule file's doc:)
 */
typedef struct scl_rule_info {
  const char *id;
  const char *slug;
  scl_level level;
  const char *languages;
  const char *title;
  const char *why;
  const char *instead;
  const char *doc;
  const char *help_uri;
  const char *origin;  /* "builtin" or the rule file's path */
  const char *prefilter; /* `scalint explain`: per language, the tokens a file needs
                          * to be parsed for this rule ("py: ..." lines); NULL in scans */
} scl_rule_info;

#endif
