/*
 * discover.c - turn the paths given on the command line into the sorted list
 * of source files to scan (contract in discover.h).
 *
 * The walk runs in two phases so that output never depends on readdir order
 * or on which alias of a directory is met first: phase 1 walks the real
 * directory trees of every argument (entries sorted by name) and queues the
 * symbolic links to directories it meets; phase 2 follows each queued link
 * whose target (st_dev, st_ino) was not visited yet. A link to a directory on
 * its own ancestor chain is a loop and becomes a "symlink-loop" entry.
 * Recursion is bounded by SCL_MAX_DIR_DEPTH; deeper directories become
 * "too-deep" entries. Ignore files are matched by gitignore.c against
 * lexical absolute paths (the cwd joined with the argument, "." and ".."
 * folded), which is also how the enclosing git work tree is found.
 *
 * Must not print, exit, or read whole source files during the walk: the
 * only bytes read are ignore files and the first line of files that have no
 * extension (for the shebang). Binary detection happens in
 * scl_discover_read(), when the caller reads the file anyway.
 */
#include "discover/discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "discover/gitignore.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/vec.h"

/* ---- languages ---- */

typedef struct ext_lang {
  const char *ext;
  scl_lang lang;
} ext_lang;

static const ext_lang ext_table[] = {
  { "py", SCL_LANG_PY },   { "pyi", SCL_LANG_PY },  { "js", SCL_LANG_JS },
  { "mjs", SCL_LANG_JS },  { "cjs", SCL_LANG_JS },  { "jsx", SCL_LANG_JS },
  { "ts", SCL_LANG_TS },   { "mts", SCL_LANG_TS },  { "cts", SCL_LANG_TS },
  { "tsx", SCL_LANG_TSX }, { "c", SCL_LANG_C },     { "h", SCL_LANG_C },
  { "sql", SCL_LANG_SQL },
  { NULL, SCL_LANG_NONE },
};

static const char *base_name(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* The extension of a base name without its dot, or NULL ("Makefile", ".envrc"). */
static const char *extension(const char *name)
{
  const char *dot = strrchr(name, '.');
  return dot && dot != name ? dot + 1 : NULL;
}

scl_lang scl_lang_from_path(const char *path)
{
  if (!path)
    return SCL_LANG_NONE;
  const char *ext = extension(base_name(path));
  if (!ext)
    return SCL_LANG_NONE;
  for (const ext_lang *e = ext_table; e->ext; e++) {
    if (strcmp(ext, e->ext) == 0)
      return e->lang;
  }
  return SCL_LANG_NONE;
}

static bool token_is(const char *tok, size_t len, const char *word)
{
  return strlen(word) == len && memcmp(tok, word, len) == 0;
}

/* True when tok is prefix followed only by digits and dots ("python3.11"). */
static bool token_is_versioned(const char *tok, size_t len, const char *prefix)
{
  size_t plen = strlen(prefix);
  if (len < plen || memcmp(tok, prefix, plen) != 0)
    return false;
  for (size_t i = plen; i < len; i++) {
    if (!((tok[i] >= '0' && tok[i] <= '9') || tok[i] == '.'))
      return false;
  }
  return true;
}

static scl_lang lang_from_interpreter(const char *tok, size_t len)
{
  for (size_t i = len; i-- > 0;) {
    if (tok[i] == '/') {
      tok += i + 1;
      len -= i + 1;
      break;
    }
  }
  if (token_is_versioned(tok, len, "python") || token_is_versioned(tok, len, "pypy"))
    return SCL_LANG_PY;
  if (token_is(tok, len, "node") || token_is(tok, len, "nodejs") || token_is(tok, len, "bun"))
    return SCL_LANG_JS;
  if (token_is(tok, len, "ts-node") || token_is(tok, len, "deno") || token_is(tok, len, "tsx"))
    return SCL_LANG_TS;
  return SCL_LANG_NONE;
}

/* Next blank-separated word of s[*i..end), quotes stripped; false at the end. */
static bool next_word(const char *s, size_t end, size_t *i, const char **tok, size_t *tok_len)
{
  while (*i < end && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '"' || s[*i] == '\''))
    (*i)++;
  size_t start = *i;
  while (*i < end && s[*i] != ' ' && s[*i] != '\t' && s[*i] != '"' && s[*i] != '\'')
    (*i)++;
  *tok = s + start;
  *tok_len = *i - start;
  return *tok_len > 0;
}

scl_lang scl_lang_from_shebang(const char *first_line, size_t len)
{
  if (!first_line || len < 2 || first_line[0] != '#' || first_line[1] != '!')
    return SCL_LANG_NONE;
  size_t end = 2;
  while (end < len && first_line[end] != '\n' && first_line[end] != '\r')
    end++;
  size_t i = 2;
  const char *tok;
  size_t tok_len;
  if (!next_word(first_line, end, &i, &tok, &tok_len))
    return SCL_LANG_NONE;
  const char *base = tok;
  for (size_t k = 0; k < tok_len; k++) {
    if (tok[k] == '/')
      base = tok + k + 1;
  }
  if (!token_is(base, tok_len - (size_t)(base - tok), "env"))
    return lang_from_interpreter(tok, tok_len);
  /* env [-S] [-i] [-u NAME] [-C DIR] [NAME=VALUE]... command */
  while (next_word(first_line, end, &i, &tok, &tok_len)) {
    if (tok[0] == '-') {
      if (tok_len > 2 && tok[1] == 'S')
        return lang_from_interpreter(tok + 2, tok_len - 2);   /* "-Spython3" */
      if (token_is(tok, tok_len, "-u") || token_is(tok, tok_len, "-C"))
        next_word(first_line, end, &i, &tok, &tok_len);
      continue;
    }
    if (memchr(tok, '=', tok_len))
      continue;
    return lang_from_interpreter(tok, tok_len);
  }
  return SCL_LANG_NONE;
}

/* ---- reading files ---- */

static void format_size(char *out, size_t out_size, size_t bytes)
{
  if (bytes < 1024)
    snprintf(out, out_size, "%zu bytes", bytes);
  else if (bytes < (size_t)1024 * 1024)
    snprintf(out, out_size, "%.1f KB", (double)bytes / 1024.0);
  else if (bytes < (size_t)1024 * 1024 * 1024)
    snprintf(out, out_size, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
  else
    snprintf(out, out_size, "%.1f GB", (double)bytes / (1024.0 * 1024.0 * 1024.0));
}

static void format_too_large(char *out, size_t out_size, size_t bytes, size_t max)
{
  char have[32], limit[32];
  format_size(have, sizeof(have), bytes);
  format_size(limit, sizeof(limit), max);
  snprintf(out, out_size, "%s is over the %s limit (--max-file-size)", have, limit);
}

/*
 * Reads path whole into a malloc'ed, NUL-terminated buffer. *err_out gets
 * the errno of an open/read failure (0 otherwise) so callers can tell a
 * missing file from an unreadable one. SCL_ESKIP: not a regular file, or
 * more than max bytes (also when the file grows past max while being read).
 */
static scl_status read_path(char **data_out, size_t *len_out, const char *path, size_t max,
                            int *err_out, scl_diag *diag)
{
  scl_status status = SCL_OK;
  char *data = NULL;
  size_t len = 0;
  int fd;
  *data_out = NULL;
  *len_out = 0;
  *err_out = 0;
  if (max > SIZE_MAX / 2)
    max = SIZE_MAX / 2;

  do {
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    *err_out = errno;
    status = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    goto cleanup;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    *err_out = errno;
    status = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
    goto cleanup;
  }
  if (S_ISDIR(sb.st_mode)) {
    *err_out = EISDIR;
    status = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read: %s", strerror(EISDIR));
    goto cleanup;
  }
  if (!S_ISREG(sb.st_mode)) {
    status = scl_diag_set_at(diag, SCL_ESKIP, path, 0, 0, "not a regular file");
    goto cleanup;
  }
  size_t size = sb.st_size > 0 ? (size_t)sb.st_size : 0;
  if (size > max) {
    char msg[128];
    format_too_large(msg, sizeof(msg), size, max);
    status = scl_diag_set_at(diag, SCL_ESKIP, path, 0, 0, "%s", msg);
    goto cleanup;
  }
  /* one spare byte past the stat size detects EOF (or growth) without a realloc */
  size_t cap = size + 2;
  data = scl_xmalloc(cap);
  for (;;) {
    if (len > max) {
      char msg[128];
      format_too_large(msg, sizeof(msg), len, max);
      status = scl_diag_set_at(diag, SCL_ESKIP, path, 0, 0, "%s (it grew while being read)",
                               msg);
      goto cleanup;
    }
    if (len == cap - 1) {
      size_t new_cap = cap * 2 < max + 2 ? cap * 2 : max + 2;
      data = scl_xrealloc(data, new_cap);
      cap = new_cap;
    }
    ssize_t n = read(fd, data + len, cap - 1 - len);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      *err_out = errno;
      status = scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "read failed: %s", strerror(errno));
      goto cleanup;
    }
    if (n == 0)
      break;
    len += (size_t)n;
  }
  data[len] = '\0';
  *data_out = data;
  *len_out = len;
  data = NULL;

cleanup:
  free(data);
  if (fd >= 0)
    close(fd);
  return status;
}

scl_status scl_discover_read(char **data_out, size_t *len_out, const char *path,
                             size_t max_bytes, scl_diag *diag)
{
  if (!data_out || !len_out || !path)
    return scl_diag_set(diag, SCL_EINVAL, "scl_discover_read: NULL argument");
  int err;
  char *data;
  size_t len;
  scl_status status = read_path(&data, &len, path, max_bytes ? max_bytes : SCL_MAX_FILE_BYTES,
                                &err, diag);
  if (status != SCL_OK)
    return status;
  size_t sniff = len < SCL_BINARY_SNIFF_BYTES ? len : SCL_BINARY_SNIFF_BYTES;
  if (memchr(data, '\0', sniff)) {
    free(data);
    return scl_diag_set_at(diag, SCL_ESKIP, path, 0, 0,
                           "binary file (a NUL byte in the first %d bytes)",
                           SCL_BINARY_SNIFF_BYTES);
  }
  *data_out = data;
  *len_out = len;
  return SCL_OK;
}

/* Language of an extensionless file from its first line; NONE if unreadable. */
static scl_lang lang_from_first_line(const char *path)
{
  char line[256];
  size_t len = 0;
  int fd;
  do {
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0)
    return SCL_LANG_NONE;
  while (len < sizeof(line)) {
    ssize_t n = read(fd, line + len, sizeof(line) - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t)n;
    if (memchr(line, '\n', len))
      break;
  }
  close(fd);
  return scl_lang_from_shebang(line, len);
}

/* ---- directory identities: the walk stack and the visited set ---- */

typedef struct dir_id {
  dev_t dev;
  ino_t ino;
} dir_id;

/* id_set - open-addressing hash set of directories already walked. */
typedef struct id_set {
  dir_id *slots;
  bool *used;
  size_t cap;     /* power of two, or 0 */
  size_t count;
} id_set;

static size_t id_hash(dir_id id)
{
  uint64_t h = (uint64_t)id.ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)id.dev;
  h ^= h >> 31;
  return (size_t)h;
}

static bool id_eq(dir_id a, dir_id b)
{
  return a.dev == b.dev && a.ino == b.ino;
}

static bool id_set_has(const id_set *s, dir_id id)
{
  if (s->cap == 0)
    return false;
  for (size_t i = id_hash(id) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
    if (!s->used[i])
      return false;
    if (id_eq(s->slots[i], id))
      return true;
  }
}

static void id_set_insert_raw(id_set *s, dir_id id)
{
  size_t i = id_hash(id) & (s->cap - 1);
  while (s->used[i])
    i = (i + 1) & (s->cap - 1);
  s->used[i] = true;
  s->slots[i] = id;
  s->count++;
}

static void id_set_add(id_set *s, dir_id id)
{
  if (id_set_has(s, id))
    return;
  if ((s->count + 1) * 2 > s->cap) {
    id_set old = *s;
    s->cap = old.cap ? old.cap * 2 : 64;
    s->slots = scl_xcalloc(s->cap, sizeof(*s->slots));
    s->used = scl_xcalloc(s->cap, sizeof(*s->used));
    s->count = 0;
    for (size_t i = 0; i < old.cap; i++) {
      if (old.used[i])
        id_set_insert_raw(s, old.slots[i]);
    }
    free(old.slots);
    free(old.used);
  }
  id_set_insert_raw(s, id);
}

/* ---- the walker ---- */

/*
 * pending_link - a symbolic link to a directory met in phase 1, followed in
 * phase 2 unless its target was walked by then.
 *   chain_start, git_len   as in walker, for the argument it was found under
 *   stack                  the directory ids of its ancestors (owned)
 */
typedef struct pending_link {
  char *fs;
  char *abs;
  char *disp;
  size_t depth;
  size_t chain_start;
  size_t git_len;
  dir_id id;
  dir_id *stack;
  size_t stack_count;
} pending_link;

/*
 * walker - state of one scl_discover() call.
 *   fs          path used for system calls (the argument joined with names)
 *   abs         lexical absolute path, what ignore patterns are matched against
 *   disp        path as reported ("" for the cwd itself)
 *   ignores     ignore files in effect, outermost first
 *   stack       ids of the directories from the argument down to here
 *   chain_start abs length of the first directory whose .gitignore applies
 *               (the git work tree root, else the argument itself)
 *   git_len     abs length of the git work tree root, 0 when there is none
 */
typedef struct walker {
  const scl_discover_opts *opts;
  size_t max_bytes;
  scl_source_list *out;
  char *cwd;
  scl_buf fs;
  scl_buf abs;
  scl_buf disp;
  SCL_VEC(scl_ignore_set) ignores;
  SCL_VEC(dir_id) stack;
  id_set visited;
  SCL_VEC(pending_link) pending;
  size_t chain_start;
  size_t git_len;
} walker;

static void add_entry(walker *w, const char *path, scl_lang lang, size_t size, const char *kind,
                      const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 6, 7)))
#endif
  ;

/* Appends one entry; path "" means the cwd. fmt NULL: no message. */
static void add_entry(walker *w, const char *path, scl_lang lang, size_t size, const char *kind,
                      const char *fmt, ...)
{
  scl_source src = { 0 };
  src.path = scl_xstrdup(path[0] ? path : ".");
  src.lang = kind ? SCL_LANG_NONE : lang;
  src.size = size;
  src.skip_kind = kind;
  if (fmt) {
    scl_buf msg;
    scl_buf_init(&msg, 0);
    va_list ap;
    va_start(ap, fmt);
    scl_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    src.skip_message = scl_buf_detach(&msg);
  }
  SCL_VEC_PUSH(w->out, src);
}

/* Appends "/name" (no doubled '/') to b; returns the old length for path_pop(). */
static size_t path_push(scl_buf *b, const char *name)
{
  size_t old = b->len;
  if (b->len > 0 && b->data[b->len - 1] != '/')
    scl_buf_putc(b, '/');
  scl_buf_puts(b, name);
  return old;
}

static void path_pop(scl_buf *b, size_t old)
{
  b->len = old;
  if (b->data)
    b->data[old] = '\0';
}

static void path_set(scl_buf *b, const char *s)
{
  scl_buf_clear(b);
  scl_buf_puts(b, s);
}

/*
 * Folds "//", "." and (when fold_dotdot) ".." lexically. An absolute input
 * stays absolute ("/" for the root); a relative one may become "".
 */
static char *norm_path(const char *in, bool fold_dotdot)
{
  scl_buf out;
  scl_buf_init(&out, 0);
  bool is_abs = in[0] == '/';
  scl_buf_puts(&out, is_abs ? "/" : "");
  size_t floor = out.len;
  const char *p = in;
  while (*p) {
    while (*p == '/')
      p++;
    const char *seg = p;
    while (*p && *p != '/')
      p++;
    size_t n = (size_t)(p - seg);
    if (n == 0 || (n == 1 && seg[0] == '.'))
      continue;
    if (fold_dotdot && n == 2 && seg[0] == '.' && seg[1] == '.') {
      size_t cut = out.len;
      while (cut > floor && out.data[cut - 1] != '/')
        cut--;
      bool is_last_dotdot = out.len - cut == 2 && memcmp(out.data + cut, "..", 2) == 0;
      if (out.len > floor && !is_last_dotdot) {
        path_pop(&out, cut > floor ? cut - 1 : floor);   /* "a/b/.." is "a" */
        continue;
      }
      if (is_abs)
        continue;   /* "/.." is "/" */
    }
    if (out.len > floor)
      scl_buf_putc(&out, '/');
    scl_buf_append(&out, seg, n);
  }
  return scl_buf_detach(&out);
}

/* Display path for an argument: relative to the cwd when under it, else as given. */
static char *display_path(const walker *w, const char *abs, const char *fs)
{
  if (w->cwd) {
    size_t n = strlen(w->cwd);
    if (strcmp(w->cwd, "/") == 0)
      return scl_xstrdup(abs + 1);
    if (strncmp(abs, w->cwd, n) == 0 && abs[n] == '\0')
      return scl_xstrdup("");
    if (strncmp(abs, w->cwd, n) == 0 && abs[n] == '/')
      return scl_xstrdup(abs + n + 1);
  }
  return scl_xstrdup(strcmp(fs, ".") == 0 ? "" : fs);
}

/* ---- ignore files ---- */

/* Reads one ignore file and pushes its rules; a missing file is not an error. */
static void load_ignore_file(walker *w, const char *fs_path, const char *disp_path, size_t base_len)
{
  char *data = NULL;
  size_t len = 0;
  int err = 0;
  scl_diag diag;
  scl_diag_clear(&diag);
  scl_status status = read_path(&data, &len, fs_path, SCL_MAX_FILE_BYTES, &err, &diag);
  if (status == SCL_ESKIP && strcmp(diag.msg, "not a regular file") != 0) {
    add_entry(w, disp_path, SCL_LANG_NONE, 0, "too-large", "%s; its patterns are not applied",
              diag.msg);
    return;
  }
  if (status != SCL_OK) {
    if (status == SCL_EIO && err != ENOENT && err != ENOTDIR && err != EISDIR)
      add_entry(w, disp_path, SCL_LANG_NONE, 0, "unreadable",
                "%s; its patterns are not applied", diag.msg);
    return;
  }
  scl_ignore_set set = { 0 };
  set.base_len = base_len;
  scl_discover__ignore_parse(&set, data, len);
  free(data);
  if (set.rules.count == 0) {
    scl_discover__ignore_dispose(&set);
    return;
  }
  SCL_VEC_PUSH(&w->ignores, set);
}

static void pop_ignores(walker *w, size_t keep)
{
  while (w->ignores.count > keep)
    scl_discover__ignore_dispose(&w->ignores.items[--w->ignores.count]);
}

/*
 * Loads .git/info/exclude of the work tree (if any) and the .gitignore of
 * every directory from chain_start down to, not including, the one whose abs
 * length is upto_len: the rules that apply above where the walk starts.
 */
static void load_chain(walker *w, size_t upto_len)
{
  scl_buf file;
  scl_buf_init(&file, 0);
  const char *abs = w->abs.data;
  if (w->git_len > 0) {
    scl_buf_append(&file, abs, w->git_len);
    path_push(&file, ".git/info/exclude");
    char *shown = display_path(w, file.data, file.data);
    load_ignore_file(w, file.data, shown, w->git_len);
    free(shown);
  }
  for (size_t p = w->chain_start; p < upto_len; p++) {
    if (p != w->chain_start && abs[p] != '/')
      continue;
    scl_buf_clear(&file);
    scl_buf_append(&file, abs, p);
    path_push(&file, ".gitignore");
    char *shown = display_path(w, file.data, file.data);
    load_ignore_file(w, file.data, shown, p);
    free(shown);
  }
  scl_buf_dispose(&file);
}

/* True when the entry at w->abs is ignored; nested files take precedence. */
static bool is_ignored(const walker *w, bool is_dir)
{
  if (w->opts->is_excluded &&
      w->opts->is_excluded(scl_buf_cstr(&w->abs), is_dir, w->opts->exclude_payload))
    return true;
  if (w->opts->no_gitignore)
    return false;
  for (size_t i = w->ignores.count; i-- > 0;) {
    const scl_ignore_set *set = &w->ignores.items[i];
    const char *rel = w->abs.data + set->base_len;
    if (*rel == '/')
      rel++;
    int r = scl_discover__ignore_match(set, rel, is_dir);
    if (r != SCL_IGNORE_NONE)
      return r == SCL_IGNORE_EXCLUDE;
  }
  return false;
}

/* Length of the git work tree root (a directory holding .git) above abs, or 0. */
static size_t find_git_root(const char *abs)
{
  size_t len = strlen(abs);
  size_t found = 0;
  scl_buf probe;
  scl_buf_init(&probe, 0);
  if (abs[0] != '/')
    goto cleanup;
  for (;;) {
    scl_buf_clear(&probe);
    scl_buf_append(&probe, abs, len);
    path_push(&probe, ".git");
    struct stat st;
    if (lstat(probe.data, &st) == 0) {
      found = len;
      goto cleanup;
    }
    if (len <= 1)
      goto cleanup;
    while (len > 1 && abs[len - 1] != '/')
      len--;
    if (len > 1)
      len--;   /* drop the '/' too, except for the root itself */
  }
cleanup:
  scl_buf_dispose(&probe);
  return found;
}

/* ---- the walk ---- */

static const char *const default_excludes[] = {
  ".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", "__pycache__",
  ".mypy_cache", ".pytest_cache", NULL,
};

static bool is_default_excluded(const char *name)
{
  for (const char *const *e = default_excludes; *e; e++) {
    if (strcmp(name, *e) == 0)
      return true;
  }
  return false;
}

static bool is_virtualenv(walker *w)
{
  size_t old = path_push(&w->fs, "pyvenv.cfg");
  struct stat st;
  bool is_venv = stat(w->fs.data, &st) == 0 && S_ISREG(st.st_mode);
  path_pop(&w->fs, old);
  return is_venv;
}

static bool is_on_stack(const walker *w, dir_id id)
{
  for (size_t i = 0; i < w->stack.count; i++) {
    if (id_eq(w->stack.items[i], id))
      return true;
  }
  return false;
}

static void add_file(walker *w, const struct stat *st, const char *name)
{
  scl_lang lang = scl_lang_from_path(name);
  if (lang == SCL_LANG_NONE && !extension(name))
    lang = lang_from_first_line(w->fs.data);
  if (lang == SCL_LANG_NONE)
    return;
  size_t size = st->st_size > 0 ? (size_t)st->st_size : 0;
  if (size > w->max_bytes) {
    char msg[128];
    format_too_large(msg, sizeof(msg), size, w->max_bytes);
    add_entry(w, w->disp.data, lang, size, "too-large", "%s", msg);
    return;
  }
  add_entry(w, w->disp.data, lang, size, NULL, NULL);
}

/* A FIFO, socket or device named like a source file (or given by name):
 * never opened (a FIFO would block the scan), but never silent either. */
static void add_special(walker *w, const struct stat *st, scl_lang lang)
{
  const char *what = S_ISFIFO(st->st_mode)  ? "a named pipe (FIFO)"
                     : S_ISSOCK(st->st_mode) ? "a socket"
                     : S_ISCHR(st->st_mode)  ? "a character device"
                     : S_ISBLK(st->st_mode)  ? "a block device"
                                             : "not a regular file";
  add_entry(w, w->disp.data, lang, 0, "not-regular", "%s, not read", what);
}

static int cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void visit_entry(walker *w, const char *name, size_t depth);

/* Walks the directory at w->fs; its own id is already on w->stack. */
static void walk_dir(walker *w, size_t depth)
{
  SCL_VEC(char *) names = { 0 };
  DIR *dir = opendir(w->fs.data);
  if (!dir) {
    add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "unreadable",
              "cannot open the directory: %s; its files are not scanned", strerror(errno));
    return;
  }
  for (;;) {
    errno = 0;
    struct dirent *de = readdir(dir);
    if (!de) {
      if (errno != 0)
        add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "unreadable",
                  "listing the directory failed: %s; some files may be missing", strerror(errno));
      break;
    }
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    SCL_VEC_PUSH(&names, scl_xstrdup(de->d_name));
  }
  closedir(dir);
  if (names.count > 1)
    qsort(names.items, names.count, sizeof(*names.items), cmp_names);

  /* a walk that started outside the cwd and came back into it: relative again */
  char *disp_saved = NULL;
  if (w->cwd && w->disp.len > 0 && strcmp(w->abs.data, w->cwd) == 0) {
    disp_saved = scl_xstrdup(w->disp.data);
    path_set(&w->disp, "");
  }

  size_t keep = w->ignores.count;
  if (!w->opts->no_gitignore) {
    size_t fs_old = path_push(&w->fs, ".gitignore");
    size_t disp_old = path_push(&w->disp, ".gitignore");
    load_ignore_file(w, w->fs.data, w->disp.data, w->abs.len);
    path_pop(&w->fs, fs_old);
    path_pop(&w->disp, disp_old);
  }
  for (size_t i = 0; i < names.count; i++)
    visit_entry(w, names.items[i], depth);
  pop_ignores(w, keep);
  if (disp_saved) {
    path_set(&w->disp, disp_saved);
    free(disp_saved);
  }
  for (size_t i = 0; i < names.count; i++)
    free(names.items[i]);
  SCL_VEC_FREE(&names);
}

static void defer_link(walker *w, dir_id id, size_t depth)
{
  pending_link pl = { 0 };
  pl.fs = scl_xstrdup(w->fs.data);
  pl.abs = scl_xstrdup(w->abs.data);
  pl.disp = scl_xstrdup(w->disp.data);
  pl.depth = depth;
  pl.chain_start = w->chain_start;
  pl.git_len = w->git_len;
  pl.id = id;
  pl.stack_count = w->stack.count;
  pl.stack = scl_xmalloc((w->stack.count ? w->stack.count : 1) * sizeof(dir_id));
  if (w->stack.count)
    memcpy(pl.stack, w->stack.items, w->stack.count * sizeof(dir_id));
  SCL_VEC_PUSH(&w->pending, pl);
}

/* Enters the subdirectory at w->fs (depth is its own depth) unless excluded. */
static void visit_dir(walker *w, const char *name, const struct stat *st, bool is_link,
                      size_t depth)
{
  if (!w->opts->no_default_excludes && is_default_excluded(name))
    return;
  if (is_ignored(w, true))
    return;
  if (!w->opts->no_default_excludes && is_virtualenv(w))
    return;
  dir_id id = { st->st_dev, st->st_ino };
  if (is_on_stack(w, id)) {
    if (is_link)
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "symlink-loop",
                "symbolic link to a directory that contains it; not followed");
    return;
  }
  if (id_set_has(&w->visited, id))
    return;   /* another path to a directory already walked */
  if (is_link) {
    defer_link(w, id, depth);
    return;
  }
  if (depth > SCL_MAX_DIR_DEPTH) {
    add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "too-deep",
              "directory nesting deeper than %d levels (SCL_MAX_DIR_DEPTH); not walked",
              SCL_MAX_DIR_DEPTH);
    return;
  }
  id_set_add(&w->visited, id);
  SCL_VEC_PUSH(&w->stack, id);
  walk_dir(w, depth);
  w->stack.count--;
}

static void visit_entry(walker *w, const char *name, size_t depth)
{
  size_t fs_old = path_push(&w->fs, name);
  size_t abs_old = path_push(&w->abs, name);
  size_t disp_old = path_push(&w->disp, name);
  struct stat st;
  if (lstat(w->fs.data, &st) != 0) {
    if (errno != ENOENT)   /* ENOENT: deleted since readdir */
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "unreadable", "cannot stat: %s",
                strerror(errno));
    goto cleanup;
  }
  bool is_link = S_ISLNK(st.st_mode);
  if (is_link && stat(w->fs.data, &st) != 0) {
    int err = errno;
    if (is_ignored(w, false))
      goto cleanup;
    char target[512];
    ssize_t n = readlink(w->fs.data, target, sizeof(target) - 1);
    target[n > 0 ? n : 0] = '\0';
    if (err == ELOOP)
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "symlink-loop",
                "symbolic link to %s resolves to itself", target);
    else if (err == ENOENT || err == ENOTDIR)
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "broken-symlink",
                "symbolic link to %s, which does not exist", target);
    else
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "unreadable",
                "cannot follow the symbolic link: %s", strerror(err));
    goto cleanup;
  }
  if (S_ISDIR(st.st_mode))
    visit_dir(w, name, &st, is_link, depth + 1);
  else if (S_ISREG(st.st_mode) && !is_ignored(w, false))
    add_file(w, &st, name);
  else if (!S_ISREG(st.st_mode) && scl_lang_from_path(name) != SCL_LANG_NONE &&
           !is_ignored(w, false))
    add_special(w, &st, scl_lang_from_path(name));
cleanup:
  path_pop(&w->fs, fs_old);
  path_pop(&w->abs, abs_old);
  path_pop(&w->disp, disp_old);
}

/* ---- arguments and the two phases ---- */

static void walk_argument(walker *w, const char *arg)
{
  char *fs = norm_path(arg, false);
  char *joined = NULL;
  if (arg[0] != '/' && w->cwd) {
    scl_buf b;
    scl_buf_init(&b, 0);
    scl_buf_puts(&b, w->cwd);
    path_push(&b, arg);
    joined = scl_buf_detach(&b);
  }
  char *abs = norm_path(joined ? joined : arg, true);
  path_set(&w->fs, fs[0] ? fs : ".");
  path_set(&w->abs, abs);
  char *disp = display_path(w, abs, w->fs.data);
  path_set(&w->disp, disp);

  struct stat st;
  if (stat(w->fs.data, &st) != 0) {
    int err = errno;
    struct stat lst;
    if (err == ENOENT && lstat(w->fs.data, &lst) == 0 && S_ISLNK(lst.st_mode))
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "broken-symlink",
                "symbolic link to a path that does not exist");
    else if (err == ENOENT || err == ENOTDIR)
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "not-found", "no such file or directory");
    else if (err == ELOOP)
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "symlink-loop",
                "symbolic links resolve to themselves");
    else
      add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "unreadable", "cannot stat: %s",
                strerror(err));
  } else if (S_ISREG(st.st_mode)) {
    add_file(w, &st, base_name(w->fs.data));   /* explicit: no ignore check */
  } else if (!S_ISDIR(st.st_mode)) {
    add_special(w, &st, scl_lang_from_path(w->fs.data));
  } else if (S_ISDIR(st.st_mode)) {
    w->git_len = find_git_root(w->abs.data);
    w->chain_start = w->git_len ? w->git_len : w->abs.len;
    if (!w->opts->no_gitignore)
      load_chain(w, w->abs.len);
    dir_id id = { st.st_dev, st.st_ino };
    id_set_add(&w->visited, id);
    SCL_VEC_PUSH(&w->stack, id);
    walk_dir(w, 0);
    w->stack.count = 0;
    pop_ignores(w, 0);
  }
  free(fs);
  free(joined);
  free(abs);
  free(disp);
}

/* Phase 2: follows the queued directory links; the queue may grow meanwhile. */
static void walk_pending(walker *w)
{
  for (size_t i = 0; i < w->pending.count; i++) {
    pending_link pl = w->pending.items[i];   /* copy: pushes may move items */
    if (!id_set_has(&w->visited, pl.id)) {
      path_set(&w->fs, pl.fs);
      path_set(&w->abs, pl.abs);
      path_set(&w->disp, pl.disp);
      if (pl.depth > SCL_MAX_DIR_DEPTH) {
        add_entry(w, w->disp.data, SCL_LANG_NONE, 0, "too-deep",
                  "directory nesting deeper than %d levels (SCL_MAX_DIR_DEPTH); not walked",
                  SCL_MAX_DIR_DEPTH);
      } else {
        w->chain_start = pl.chain_start;
        w->git_len = pl.git_len;
        if (!w->opts->no_gitignore)
          load_chain(w, w->abs.len);
        id_set_add(&w->visited, pl.id);
        w->stack.count = 0;
        for (size_t k = 0; k < pl.stack_count; k++)
          SCL_VEC_PUSH(&w->stack, pl.stack[k]);
        SCL_VEC_PUSH(&w->stack, pl.id);
        walk_dir(w, pl.depth);
        w->stack.count = 0;
        pop_ignores(w, 0);
      }
    }
    free(pl.fs);
    free(pl.abs);
    free(pl.disp);
    free(pl.stack);
  }
  w->pending.count = 0;
}

static int cmp_sources(const void *a, const void *b)
{
  const scl_source *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c != 0)
    return c;
  if (!x->skip_kind || !y->skip_kind)
    return (x->skip_kind != NULL) - (y->skip_kind != NULL);
  return strcmp(x->skip_kind, y->skip_kind);
}

static void free_source(scl_source *src)
{
  free(src->path);
  free(src->skip_message);
}

/* Sorts by path and keeps the first of each run of equal paths. */
static void sort_unique(scl_source_list *list)
{
  if (list->count < 2)
    return;
  qsort(list->items, list->count, sizeof(*list->items), cmp_sources);
  size_t kept = 1;
  for (size_t i = 1; i < list->count; i++) {
    if (strcmp(list->items[i].path, list->items[kept - 1].path) == 0)
      free_source(&list->items[i]);
    else
      list->items[kept++] = list->items[i];
  }
  list->count = kept;
}

scl_status scl_discover(scl_source_list *out, const char *const *paths, size_t path_count,
                        const scl_discover_opts *opts, scl_diag *diag)
{
  static const scl_discover_opts defaults = { 0 };
  static const char *const dot[] = { "." };
  if (!out)
    return scl_diag_set(diag, SCL_EINVAL, "scl_discover: no output list");
  out->items = NULL;
  out->count = out->cap = 0;
  if (path_count > 0 && !paths)
    return scl_diag_set(diag, SCL_EINVAL, "scl_discover: %zu paths but no array", path_count);
  for (size_t i = 0; i < path_count; i++) {
    if (!paths[i] || !paths[i][0])
      return scl_diag_set(diag, SCL_EINVAL, "path %zu is empty", i + 1);
  }
  if (path_count == 0) {
    paths = dot;
    path_count = 1;
  }

  walker w;
  memset(&w, 0, sizeof(w));
  w.opts = opts ? opts : &defaults;
  w.max_bytes = w.opts->max_file_bytes ? w.opts->max_file_bytes : SCL_MAX_FILE_BYTES;
  w.out = out;
  w.cwd = getcwd(NULL, 0);   /* NULL: paths are reported as given, no git root lookup */
  scl_buf_init(&w.fs, 0);
  scl_buf_init(&w.abs, 0);
  scl_buf_init(&w.disp, 0);

  for (size_t i = 0; i < path_count; i++)
    walk_argument(&w, paths[i]);
  walk_pending(&w);
  sort_unique(out);

  free(w.cwd);
  scl_buf_dispose(&w.fs);
  scl_buf_dispose(&w.abs);
  scl_buf_dispose(&w.disp);
  SCL_VEC_FREE(&w.ignores);
  SCL_VEC_FREE(&w.stack);
  SCL_VEC_FREE(&w.pending);
  free(w.visited.slots);
  free(w.visited.used);
  return SCL_OK;
}

void scl_source_list_dispose(scl_source_list *list)
{
  if (!list)
    return;
  for (size_t i = 0; i < list->count; i++)
    free_source(&list->items[i]);
  free(list->items);
  list->items = NULL;
  list->count = list->cap = 0;
}
