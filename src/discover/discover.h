/*
 * discover.h - find the source files to scan.
 *
 * Walks the given paths, honours .gitignore files (nested, git glob rules for
 * the common cases: *, **, leading and inner / anchoring, ! negation,
 * trailing / for directories, # comments, escaped \# and \!), skips .git,
 * node_modules, virtualenvs (a directory holding pyvenv.cfg, or named
 * .venv/venv/.tox/__pycache__) unless told not to, picks the language by
 * extension or shebang, and never follows a symlink loop (directories are
 * identified by st_dev/st_ino). Paths given explicitly on the command line
 * are scanned even if ignored, as ruff and eslint do.
 *
 * Files that cannot be scanned are not dropped silently: each becomes an
 * entry with a skip reason (binary, too-large, unreadable, symlink-loop,
 * broken-symlink). Only files with a known language (or a skip reason) are
 * listed. Reading the file's bytes is the caller's job (see
 * scl_discover_read()).
 */
#ifndef SCL_DISCOVER_DISCOVER_H
#define SCL_DISCOVER_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "scalint/status.h"
#include "syntax/lang.h"

typedef struct scl_source {
  char *path;           /* as it should be reported: relative to the cwd when
                           under it, '/' separated, no leading "./" */
  scl_lang lang;        /* SCL_LANG_NONE when skipped */
  size_t size;          /* bytes, from stat */
  const char *skip_kind;   /* NULL, or static: "binary", "too-large", "unreadable",
                              "symlink-loop", "broken-symlink", "not-found",
                              "too-deep" (past SCL_MAX_DIR_DEPTH) */
  char *skip_message;   /* human sentence, NULL when not skipped */
} scl_source;

/*
 * scl_discover_opts
 *   is_excluded   optional: asked for every walked entry (absolute path) that
 *                 no .gitignore excluded; true leaves it (and, for a
 *                 directory, everything in it) out. Paths given explicitly
 *                 are never asked about. The config's `exclude` uses it.
 */
typedef struct scl_discover_opts {
  size_t max_file_bytes;       /* 0 = SCL_MAX_FILE_BYTES */
  bool no_default_excludes;    /* also walk .git, node_modules, venvs */
  bool no_gitignore;           /* ignore .gitignore files */
  bool (*is_excluded)(const char *abs_path, bool is_dir, void *payload);
  void *exclude_payload;
} scl_discover_opts;

typedef struct scl_source_list {
  scl_source *items;
  size_t count;
  size_t cap;
} scl_source_list;

/*
 * Walks paths (path_count 0 = "."). On SCL_OK, out holds the files sorted by
 * path (byte order), deduplicated; the caller frees with
 * scl_source_list_dispose(). A path that does not exist is an entry with
 * skip_kind "not-found" (not an error). Fails only on SCL_EINVAL.
 */
scl_status scl_discover(scl_source_list *out, const char *const *paths, size_t path_count,
                        const scl_discover_opts *opts, scl_diag *diag);

void scl_source_list_dispose(scl_source_list *list);

/* Language from a file name (extension), SCL_LANG_NONE if unknown. */
scl_lang scl_lang_from_path(const char *path);
/* Language from a "#!" first line (python, node, ts-node, deno, bun), or NONE. */
scl_lang scl_lang_from_shebang(const char *first_line, size_t len);

/*
 * Reads a whole file. On SCL_OK *data_out is malloc'ed (NUL-terminated; the
 * caller frees) and *len_out its length. Returns SCL_EIO (unreadable, with
 * the errno text in diag), SCL_ESKIP when it is larger than max_bytes or looks
 * binary (a NUL byte in the first SCL_BINARY_SNIFF_BYTES), with the reason.
 * A FIFO, device or other non-regular file is SCL_ESKIP "not a regular file".
 * max_bytes 0 means SCL_MAX_FILE_BYTES.
 */
scl_status scl_discover_read(char **data_out, size_t *len_out, const char *path,
                             size_t max_bytes, scl_diag *diag);

#endif
