/*
 * gitignore.h - parse one ignore file (.gitignore, .git/info/exclude) and
 * match paths against it with git's glob rules. Private to src/discover/.
 *
 * Matching is purely lexical: this header never touches the file system.
 * Paths passed in are relative to the directory holding the ignore file,
 * '/' separated, without a leading or trailing '/'.
 */
#ifndef SCL_DISCOVER_GITIGNORE_H
#define SCL_DISCOVER_GITIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/vec.h"

/*
 * scl_ignore_rule - one pattern line.
 *   glob          pattern text without "!", leading '/' and trailing '/';
 *                 backslash escapes are kept and resolved while matching
 *   is_negated    "!pattern": a match re-includes the path
 *   is_dir_only   "pattern/": matches directories only
 *   is_anchored   the pattern had a '/' at the start or in the middle, so it
 *                 matches the whole relative path; otherwise the basename
 */
typedef struct scl_ignore_rule {
  char *glob;
  size_t glob_len;
  bool is_negated;
  bool is_dir_only;
  bool is_anchored;
} scl_ignore_rule;

/*
 * scl_ignore_set - the rules of one ignore file, in file order.
 *   base_len   length of the ignore file's directory inside the walker's
 *              absolute path buffer (the walker's business, unused here)
 */
typedef struct scl_ignore_set {
  size_t base_len;
  SCL_VEC(scl_ignore_rule) rules;
} scl_ignore_set;

/* Results of scl_discover__ignore_match(). */
#define SCL_IGNORE_NONE 0      /* no pattern matched: ask the parent set */
#define SCL_IGNORE_EXCLUDE 1   /* the last matching pattern excludes */
#define SCL_IGNORE_INCLUDE 2   /* the last matching pattern is a negation */

/*
 * Appends the rules found in text (len bytes, need not be NUL-terminated) to
 * set. Blank lines and comments are skipped; nothing can fail. The set owns
 * the rule strings; release them with scl_discover__ignore_dispose().
 */
void scl_discover__ignore_parse(scl_ignore_set *set, const char *text, size_t len);

/* Frees the rules of set (not set itself) and empties it. */
void scl_discover__ignore_dispose(scl_ignore_set *set);

/*
 * Matches rel (relative to the ignore file's directory) against set; the last
 * matching pattern wins. is_dir says whether rel names a directory.
 */
int scl_discover__ignore_match(const scl_ignore_set *set, const char *rel, bool is_dir);

/*
 * Git glob match of a whole path: '*' and '?' never match '/', "[a-z]"
 * classes, backslash escapes, "**" as a whole segment matches zero or more
 * segments, and a trailing "/" + "**" matches only paths strictly inside. Both
 * strings are NUL-terminated; borrowed. Iterative, no recursion.
 */
bool scl_discover__glob_match(const char *glob, const char *path);

#endif
