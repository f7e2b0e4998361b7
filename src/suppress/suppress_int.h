/*
 * suppress_int.h - what the suppress stage's files share: comment directive
 * parsing (inline.c), baseline matching (baseline.c), git hunk parsing and
 * the changed-lines filter (diff.c), and the small helpers of suppress.c.
 * Private to src/suppress and its unit test.
 */
#ifndef SCL_SUPPRESS_INT_H
#define SCL_SUPPRESS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scalint/scalint.h"
#include "suppress/suppress.h"
#include "util/arena.h"

/* A file-level `scalint: ignore-file` counts only in a file's first lines, as
 * a header comment: 10 leaves room for a shebang, an encoding line and a
 * licence line, and keeps the form from hiding in the middle of a file. */
#define SUPPRESS_FILE_LEVEL_LINES 10

/* Files read for their comments larger than this are skipped with a notice.
 * 256 MiB is far past any --max-file-size a scan would use; it only keeps a
 * file that grew after the scan from taking all memory. */
#define SUPPRESS_MAX_FILE_BYTES ((size_t)256 * 1024 * 1024)

/* Bytes of `git diff` / `git ls-files` output read before giving up with
 * SCL_ELIMIT. A zero-context diff of a very large change is tens of MiB;
 * 512 MiB is past any review a bot could post. */
#define SUPPRESS_MAX_GIT_BYTES ((size_t)512 * 1024 * 1024)

/* The meta rule. */
#define SUPPRESS_RULE_ID "SCL000"
#define SUPPRESS_RULE_SLUG "unused-suppression"

/* ==== comment directives (inline.c) ==================================== */

/* Comment leaders a file's language uses (a bit set). */
enum {
  SUPPRESS_LEADER_HASH = 1,   /* #  Python, shell, YAML */
  SUPPRESS_LEADER_SLASH = 2,  /* //  JS, TS, C */
  SUPPRESS_LEADER_BLOCK = 4,  /* / * ... * /  JS, TS, C, SQL */
  SUPPRESS_LEADER_DASH = 8,   /* --  SQL */
  SUPPRESS_LEADER_ALL = 15
};

/* The leaders of a path's language, by extension; every leader when the
 * extension is unknown (a shebang script, say). */
unsigned scl_suppress__leaders_for_path(const char *path);

/*
 * scl_supp_directive - one `scalint: ignore...` comment.
 *   line, col         1-based position of the comment leader (col in code points)
 *   start_byte, end_byte  the directive's bytes, leader to end of comment
 *   line_text         the whole line, without its newline (arena)
 *   is_file_level     `ignore-file`
 *   is_comment_only   nothing but the comment on its line: it also covers the
 *                     next line
 *   is_all            no `[...]`: every rule
 *   names             the rule IDs or slugs inside `[...]`, as written (arena)
 *   is_used           per name (or [0] for is_all): it suppressed a finding
 *   reason            text after `--`, trimmed, or NULL
 *   problem           why the comment cannot work (missing `]`, `ignore-file`
 *                     too far down), or NULL; such a comment suppresses nothing
 */
typedef struct scl_supp_directive {
  uint32_t line, col;
  uint32_t start_byte, end_byte;
  uint32_t end_col;
  const char *line_text;
  bool is_file_level;
  bool is_comment_only;
  bool is_all;
  const char **names;
  size_t name_count;
  bool *is_used;
  const char *reason;
  const char *problem;
} scl_supp_directive;

/*
 * Finds every directive in text (a file's bytes, len bytes), in line order.
 * leaders is a SUPPRESS_LEADER_* set. *out and everything it points to are
 * allocated in arena; returns the count (0 and *out == NULL when none).
 */
size_t scl_suppress__parse(scl_supp_directive **out, scl_arena *arena, const char *text,
                           size_t len, unsigned leaders);

/*
 * Marks findings[0..count) (all in one file) suppressed by dirs and sets the
 * directives' is_used. A finding already suppressed another way keeps its
 * kind but still uses the directive. Justifications are copied into keep.
 * A bare `scalint: ignore` never covers SCL000 findings.
 */
void scl_suppress__match(scl_finding *findings, size_t count, scl_supp_directive *dirs,
                         size_t dir_count, scl_arena *keep);

/* Does name (an ID or slug, any case) name this rule? */
bool scl_suppress__names_rule(const char *name, const char *rule_id, const char *slug);

/* The inline and unused-suppression steps over the whole result. */
void scl_suppress__inline(scl_result *res, scl_arena *arena, const scl_suppress_opts *opts,
                          const char *const *scanned_paths, size_t scanned_count);

/* ==== baseline (baseline.c) ============================================ */

/* Reads the baseline at path and sets every finding's baseline_state (and
 * suppression/justification for unchanged ones). SCL_EINVAL when the file
 * cannot be read or is malformed. */
scl_status scl_suppress__baseline(scl_result *res, const char *path, scl_diag *diag);

/* ==== changed lines (diff.c) =========================================== */

/* scl_line_range - lines first..last (1-based, inclusive) of a file. */
typedef struct scl_line_range {
  uint32_t first, last;
} scl_line_range;

/*
 * scl_changed_file - the changed lines of one file (path relative to the
 * repository root). is_whole: every line (an untracked file).
 */
typedef struct scl_changed_file {
  const char *path;
  scl_line_range *ranges;
  size_t range_count;
  bool is_whole;
} scl_changed_file;

/* scl_changes - the changed files, sorted by path (arena-backed). */
typedef struct scl_changes {
  scl_changed_file *files;
  size_t file_count;
} scl_changes;

/*
 * Parses `git diff --unified=0` output (text, len bytes) into changes: the
 * new side's paths (`+++ b/...`, git's quoting undone; deleted files
 * skipped) and the new side's line ranges of each `@@ -a,b +c,d @@` hunk
 * (`+c` alone is one line, `+c,0` none). untracked (NUL- or newline-
 * separated paths, may be NULL) are added as wholly changed. Everything is
 * allocated in arena; files come out sorted with ranges merged.
 */
void scl_suppress__parse_diff(scl_changes *changes, scl_arena *arena, const char *text,
                              size_t len, const char *untracked, size_t untracked_len);

/* Is line of repository path changed? */
bool scl_suppress__is_changed(const scl_changes *changes, const char *path, uint32_t line);

/* Removes findings not on lines changed since ref (runs git). */
scl_status scl_suppress__diff_filter(scl_result *res, const char *ref, scl_diag *diag);

/* ==== shared helpers (suppress.c) ====================================== */

/* FNV-1a 64-bit over len bytes, continuing from h (start with SUPPRESS_FNV_OFFSET). */
#define SUPPRESS_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t scl_suppress__fnv(uint64_t h, const void *data, size_t len);

/* Hash of rule id, path and the line with whitespace runs collapsed to one
 * space and trimmed: a finding's identity without its position. */
uint64_t scl_suppress__line_hash(const char *rule_id, const char *path, const char *line_text);

/*
 * Lexically normalised path in arena: `.` and empty components dropped,
 * `..` folded where possible; an absolute path under cwd (cwd may be NULL)
 * becomes relative to it. "" for the current directory itself.
 */
char *scl_suppress__norm_path(scl_arena *arena, const char *path, const char *cwd);

/* Sort orders of run.c: findings by (path, line, col, rule, end, message);
 * notices by (path, kind, message). */
int scl_suppress__cmp_finding(const void *a, const void *b);
int scl_suppress__cmp_notice(const void *a, const void *b);

/* Appends a notice to res (strings must already live in the arena). */
void scl_suppress__add_notice(scl_result *res, const char *path, const char *kind,
                              const char *message);

/* Reads a whole file (malloc'ed, NUL-terminated; caller frees). SCL_EIO with
 * strerror, SCL_ELIMIT past max bytes. */
scl_status scl_suppress__read_file(char **out, size_t *len_out, const char *path, size_t max,
                                   scl_diag *diag);

#endif
