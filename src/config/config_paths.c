/*
 * config_paths.c - where the config file is, and which paths its globs
 * cover: the upward search for .scalint.yml, the choice between --config,
 * --no-config and the search, the conversion of scanned paths into paths
 * relative to the config file's directory, and the `exclude` and
 * `per-path-ignores` matching (gitignore semantics, via src/discover's
 * matcher).
 *
 * Matching is purely lexical and read-only, so scan threads may call it
 * concurrently on one config. Only scl_config_find touches the file system.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- finding the file ---- */

static bool is_regular_file(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* path relative to cwd when it is inside cwd, else path itself; malloc'ed. */
static char *relative_to_cwd(const char *path)
{
  char cwd[4096];
  if (!getcwd(cwd, sizeof(cwd)))
    return scl_xstrdup(path);
  size_t n = strlen(cwd);
  if (strcmp(cwd, "/") == 0)
    return scl_xstrdup(path + 1);
  if (strncmp(path, cwd, n) == 0 && path[n] == '/')
    return scl_xstrdup(path + n + 1);
  return scl_xstrdup(path);
}

scl_status scl_config_find(char **path_out, const char *start, scl_diag *diag)
{
  *path_out = NULL;
  char *dir = realpath(start, NULL);
  if (!dir)
    return scl_diag_set(diag, SCL_EIO, "%s: %s", start, strerror(errno));
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    char *slash = strrchr(dir, '/');
    slash[slash == dir ? 1 : 0] = '\0';
  }
  static const char *const names[] = {SCL_CONFIG_NAME, SCL_CONFIG_ALT_NAME};
  scl_buf cand;
  scl_buf_init(&cand, 0);
  for (;;) {
    bool is_root = strcmp(dir, "/") == 0;
    for (size_t i = 0; i < 2 && !*path_out; i++) {
      scl_buf_clear(&cand);
      scl_buf_printf(&cand, "%s/%s", is_root ? "" : dir, names[i]);
      if (is_regular_file(scl_buf_cstr(&cand)))
        *path_out = relative_to_cwd(scl_buf_cstr(&cand));
    }
    if (*path_out || is_root)
      break;
    char *slash = strrchr(dir, '/');
    slash[slash == dir ? 1 : 0] = '\0';
  }
  scl_buf_dispose(&cand);
  free(dir);
  return SCL_OK;
}

scl_status scl_config_resolve(scl_config **out, const scl_run_opts *opts, scl_error_fn on_error,
                              void *payload, scl_diag *diag)
{
  *out = NULL;
  if (opts->no_config)
    return SCL_OK;
  if (opts->config_path)
    return scl_config_load(out, opts->config_path, on_error, payload, diag);

  const char *start = opts->path_count > 0 ? opts->paths[0] : ".";
  char *found = NULL;
  scl_diag d;
  scl_diag_clear(&d);
  if (scl_config_find(&found, start, &d) != SCL_OK)
    return SCL_OK;  /* a missing scan path is reported by discovery */
  if (!found)
    return SCL_OK;
  scl_status st = scl_config_load(out, found, on_error, payload, diag);
  free(found);
  return st;
}

/* ---- paths relative to the config directory ---- */

/* Appends the '/'-separated segments of s to b (an absolute path, "" for
 * the root), resolving "." and "..". */
static void push_segments(scl_buf *b, const char *s)
{
  while (*s) {
    size_t n = strcspn(s, "/");
    if (n == 2 && s[0] == '.' && s[1] == '.') {
      char *data = b->data;
      size_t len = b->len;
      while (len > 0 && data[len - 1] != '/')
        len--;
      b->len = len > 0 ? len - 1 : 0;
      if (data)
        data[b->len] = '\0';
    } else if (n > 0 && !(n == 1 && s[0] == '.')) {
      scl_buf_putc(b, '/');
      scl_buf_append(b, s, n);
    }
    s += n;
    while (*s == '/')
      s++;
  }
}

char *scl_config_rel_path(const scl_config *cfg, const char *path)
{
  scl_buf abs;
  scl_buf_init(&abs, 0);
  if (path[0] != '/')
    push_segments(&abs, cfg->cwd);
  push_segments(&abs, path);
  const char *p = scl_buf_cstr(&abs);
  const char *base = cfg->abs_dir;
  size_t n = strcmp(base, "/") == 0 ? 0 : strlen(base);
  char *rel = NULL;
  if (strncmp(p, base, n) == 0 && p[n] == '\0')
    rel = scl_xstrdup("");
  else if (strncmp(p, base, n) == 0 && p[n] == '/')
    rel = scl_xstrdup(p + n + 1);
  scl_buf_dispose(&abs);
  return rel;
}

/* ---- matching ---- */

/*
 * Matches set against each directory above rel_path (shortest first, as
 * directories), then against rel_path itself (is_dir). Stops early at a
 * directory that gives SCL_IGNORE_EXCLUDE, or SCL_IGNORE_INCLUDE too when
 * stop_on_include; returns that result, else rel_path's own result.
 */
static int walk_prefixes(const scl_ignore_set *set, const char *rel_path, bool is_dir,
                         bool stop_on_include)
{
  char *copy = scl_xstrdup(rel_path);
  int res = SCL_IGNORE_NONE;
  for (char *s = strchr(copy, '/'); s; s = strchr(s + 1, '/')) {
    *s = '\0';
    res = scl_discover__ignore_match(set, copy, true);
    *s = '/';
    if (res == SCL_IGNORE_EXCLUDE || (stop_on_include && res == SCL_IGNORE_INCLUDE))
      goto cleanup;
  }
  res = scl_discover__ignore_match(set, copy, is_dir);

cleanup:
  free(copy);
  return res;
}

bool scl_config_excluded(const scl_config *cfg, const char *rel_path, bool is_dir)
{
  if (!cfg || !rel_path || rel_path[0] == '\0' || cfg->exclude.rules.count == 0)
    return false;
  /* a directory that is excluded takes everything inside with it, whatever
   * later globs say about the contents: git does the same */
  return walk_prefixes(&cfg->exclude, rel_path, is_dir, false) == SCL_IGNORE_EXCLUDE;
}

static bool names_rule(const scl_config_path_ignore *pi, const char *rule_id, const char *slug)
{
  if (pi->is_all)
    return true;
  for (size_t i = 0; i < pi->rules.count; i++) {
    const char *t = pi->rules.names[i].text;
    if ((rule_id && strcmp(t, rule_id) == 0) || (slug && strcmp(t, slug) == 0))
      return true;
  }
  return false;
}

bool scl_config_path_ignored(const scl_config *cfg, const char *rel_path, const char *rule_id,
                             const char *slug)
{
  if (!cfg || !rel_path)
    return false;
  for (size_t i = 0; i < cfg->path_ignore_count; i++) {
    const scl_config_path_ignore *pi = &cfg->path_ignores[i];
    if (pi->set.rules.count == 0 || !names_rule(pi, rule_id, slug))
      continue;
    bool is_negated = pi->set.rules.items[0].is_negated;
    /* one pattern per set: EXCLUDE = a plain glob matched, INCLUDE = a
     * "!glob" matched */
    bool is_match = walk_prefixes(&pi->set, rel_path, false, true) != SCL_IGNORE_NONE;
    if (is_match != is_negated)
      return true;
  }
  return false;
}
