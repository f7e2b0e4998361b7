/*
 * config.c - read a .scalint.yml file and turn it into a checked scl_config.
 *
 * The YAML tree comes from src/yaml (positions included); this file checks
 * every key and value, reports each problem as file:line:col and keeps
 * going, so one run shows all mistakes. Globs are parsed with the
 * discover module's gitignore parser so `exclude` behaves exactly like a
 * .gitignore line. Rule and parameter names are not checked here (the
 * rules are not loaded yet): see config_apply.c.
 *
 * Must not touch the rules, the scan or stdout.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_int.h"
#include "util/text.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "yaml/ydoc.h"

/* ---- reporting ---- */

void scl_config__error(scl_config_reporter *rep, scl_status status, unsigned line, unsigned col,
                       const char *fmt, ...)
{
  char msg[SCL_DIAG_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);

  scl_diag d;
  scl_diag_set_at(&d, status, rep->path, line, col, "%s", msg);
  if (rep->on_error)
    rep->on_error(&d, rep->payload);
  if (rep->error_count == 0 && rep->diag)
    *rep->diag = d;
  rep->error_count++;
}


bool scl_config__is_close(const char *got, const char *want, unsigned *distance_out)
{
  unsigned d = scl_edit_distance(got, want);
  *distance_out = d;
  return d <= 2 && d * 3 <= strlen(want) + 2;
}

/* ---- node helpers ---- */

/* An empty value (`key:`), `~` or `null`: treated as if the key were absent. */
static bool is_null(const scl_ynode *n)
{
  if (n->type != SCL_YNODE_SCALAR || n->is_quoted || n->is_block)
    return false;
  return n->text_len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
         strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

static const char *const top_keys[] = {"select",  "ignore",           "fail-on", "rule-dirs",
                                       "exclude", "per-path-ignores", "rules",   NULL};
static const char *const rule_keys[] = {"level", "params", NULL};

/* Reports each key of map not in allowed, with the closest allowed key. */
static void check_keys(scl_config_reporter *rep, const scl_ynode *map,
                       const char *const *allowed, const char *where)
{
  for (size_t i = 0; i < map->pair_count; i++) {
    const scl_ynode *k = map->pairs[i].key;
    const char *close = NULL;
    unsigned best = UINT_MAX;
    bool is_known = false;
    for (size_t j = 0; allowed[j] && !is_known; j++) {
      unsigned d;
      is_known = strcmp(k->text, allowed[j]) == 0;
      if (!is_known && scl_config__is_close(k->text, allowed[j], &d) && d < best) {
        best = d;
        close = allowed[j];
      }
    }
    if (is_known)
      continue;
    scl_buf list;
    scl_buf_init(&list, 0);
    for (size_t j = 0; allowed[j]; j++)
      scl_buf_printf(&list, "%s%s", j ? ", " : "", allowed[j]);
    if (close)
      scl_config__error(rep, SCL_ECONFIG, k->line, k->col,
                        "unknown key '%s'%s; did you mean '%s'? (expected one of: %s)", k->text,
                        where, close, scl_buf_cstr(&list));
    else
      scl_config__error(rep, SCL_ECONFIG, k->line, k->col,
                        "unknown key '%s'%s (expected one of: %s)", k->text, where,
                        scl_buf_cstr(&list));
    scl_buf_dispose(&list);
  }
}

static scl_config_name name_of(scl_config *cfg, const scl_ynode *n)
{
  scl_config_name name = {scl_arena_strndup(&cfg->arena, n->text, n->text_len), n->line, n->col};
  return name;
}

/*
 * Reads a list of non-empty strings into *names_out (in cfg's arena). what
 * names the list in messages ("'select'"), want says what it must be ("a
 * list of rule IDs"). Returns false after reporting when n is no such list.
 */
static bool get_names(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *n,
                      const char *what, const char *want, scl_config_name **names_out,
                      size_t *count_out)
{
  *names_out = NULL;
  *count_out = 0;
  if (n->type != SCL_YNODE_SEQUENCE) {
    scl_config__error(rep, SCL_ECONFIG, n->line, n->col, "%s must be %s, got %s", what, want,
                      scl_ynode_type_name(n));
    return false;
  }
  scl_config_name *names =
    scl_arena_alloc(&cfg->arena, sizeof(*names) * (n->item_count ? n->item_count : 1));
  size_t count = 0;
  bool is_ok = true;
  for (size_t i = 0; i < n->item_count; i++) {
    const scl_ynode *item = n->items[i];
    if (item->type != SCL_YNODE_SCALAR || item->text_len == 0) {
      scl_config__error(rep, SCL_ECONFIG, item->line, item->col,
                        "%s must be %s; this entry is %s", what, want,
                        item->type == SCL_YNODE_SCALAR ? "empty" : scl_ynode_type_name(item));
      is_ok = false;
      continue;
    }
    names[count++] = name_of(cfg, item);
  }
  *names_out = names;
  *count_out = count;
  return is_ok;
}

/* get_names into an scl_config_list (texts filled too). */
static void get_list(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *n,
                     const char *what, const char *want, scl_config_list *list)
{
  list->is_set = true;
  get_names(rep, cfg, n, what, want, &list->names, &list->count);
  list->texts = scl_arena_alloc(&cfg->arena, sizeof(char *) * (list->count + 1));
  for (size_t i = 0; i < list->count; i++)
    list->texts[i] = list->names[i].text;
}

/* ---- globs and paths ---- */

/* Index just past the ']' closing the class that opens at g[i] == '[', or 0. */
static size_t class_end(const char *g, size_t i)
{
  size_t j = i + 1;
  if (g[j] == '!' || g[j] == '^')
    j++;
  if (g[j] == ']')
    j++;
  for (; g[j]; j++) {
    if (g[j] == '\\' && g[j + 1])
      j++;
    else if (g[j] == ']')
      return j + 1;
  }
  return 0;
}

/* Checks one glob; reports and returns false when it cannot do what it says. */
static bool check_glob(scl_config_reporter *rep, const scl_config_name *g, const char *what)
{
  const char *s = g->text;
  const char *body = s[0] == '!' ? s + 1 : s;
  if (strchr(s, '\n') || strchr(s, '\r')) {
    scl_config__error(rep, SCL_ECONFIG, g->line, g->col, "%s glob must be one line", what);
    return false;
  }
  if (body[0] == '#') {
    scl_config__error(rep, SCL_ECONFIG, g->line, g->col,
                      "%s glob '%s' starts with '#', which would make it a comment; write "
                      "'\\#' for a literal '#'", what, s);
    return false;
  }
  if (body[strspn(body, "/")] == '\0') {
    scl_config__error(rep, SCL_ECONFIG, g->line, g->col, "%s glob '%s' matches nothing", what,
                      s);
    return false;
  }
  for (size_t i = 0; body[i]; i++) {
    if (body[i] == '\\' && body[i + 1]) {
      i++;
    } else if (body[i] == '[') {
      size_t end = class_end(body, i);
      if (end == 0) {
        scl_config__error(rep, SCL_ECONFIG, g->line, g->col,
                          "%s glob '%s' has an unterminated '['; write '\\[' for a literal '['",
                          what, s);
        return false;
      }
      i = end - 1;
    } else if (body[i] == '.' && body[i + 1] == '.' && (i == 0 || body[i - 1] == '/') &&
               (body[i + 2] == '/' || body[i + 2] == '\0')) {
      scl_config__error(rep, SCL_ECONFIG, g->line, g->col,
                        "%s glob '%s' leaves the config file's directory; globs match paths "
                        "inside it and cannot use '..'", what, s);
      return false;
    }
  }
  return true;
}

/* Parses g (already checked) as one gitignore line into set. */
static void add_glob(scl_ignore_set *set, const char *glob)
{
  scl_discover__ignore_parse(set, glob, strlen(glob));
}

/* The directory prefix of path: "." for a bare name, "/" for "/x". */
static const char *dir_of(scl_arena *arena, const char *path)
{
  const char *slash = strrchr(path, '/');
  if (!slash)
    return ".";
  if (slash == path)
    return "/";
  return scl_arena_strndup(arena, path, (size_t)(slash - path));
}

/* p resolved against dir (p kept when absolute or dir is "."); one trailing
 * '/' removed. */
static const char *resolve(scl_arena *arena, const char *dir, const char *p)
{
  size_t len = strlen(p);
  while (len > 1 && p[len - 1] == '/')
    len--;
  if (p[0] == '/' || strcmp(dir, ".") == 0)
    return scl_arena_strndup(arena, p, len);
  if (strcmp(dir, "/") == 0)
    return scl_arena_printf(arena, "/%.*s", (int)len, p);
  return scl_arena_printf(arena, "%s/%.*s", dir, (int)len, p);
}

/* ---- the keys ---- */

static void parse_fail_on(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *v)
{
  static const char *const names[] = {"error", "warning", "note", "never", NULL};
  if (v->type == SCL_YNODE_SCALAR) {
    for (size_t i = 0; names[i]; i++) {
      if (strcmp(v->text, names[i]) == 0) {
        cfg->fail_on = scl_level_parse(names[i]);
        return;
      }
    }
    scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                      "'fail-on' must be error, warning, note or never, got '%s'", v->text);
    return;
  }
  scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                    "'fail-on' must be error, warning, note or never, got %s",
                    scl_ynode_type_name(v));
}

static void parse_rule_dirs(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *v)
{
  size_t n = 0;
  get_names(rep, cfg, v, "'rule-dirs'", "a list of directories", &cfg->rule_dirs_raw, &n);
  cfg->rule_dirs = scl_arena_alloc(&cfg->arena, sizeof(char *) * (n + 1));
  for (size_t i = 0; i < n; i++)
    cfg->rule_dirs[i] = resolve(&cfg->arena, cfg->dir, cfg->rule_dirs_raw[i].text);
  cfg->rule_dir_count = n;
}

static void parse_exclude(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *v)
{
  scl_config_name *globs = NULL;
  size_t n = 0;
  get_names(rep, cfg, v, "'exclude'", "a list of globs", &globs, &n);
  cfg->exclude_globs = globs;
  for (size_t i = 0; i < n; i++) {
    if (check_glob(rep, &globs[i], "'exclude'"))
      add_glob(&cfg->exclude, globs[i].text);
  }
  cfg->exclude_count = n;
}

static void parse_path_ignores(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *v)
{
  if (v->type != SCL_YNODE_MAPPING) {
    scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                      "'per-path-ignores' must be a mapping of globs to lists of rule IDs, "
                      "got %s", scl_ynode_type_name(v));
    return;
  }
  cfg->path_ignores = scl_xcalloc(v->pair_count + 1, sizeof(scl_config_path_ignore));
  for (size_t i = 0; i < v->pair_count; i++) {
    const scl_ynode *k = v->pairs[i].key, *list = v->pairs[i].value;
    scl_config_path_ignore *pi = &cfg->path_ignores[cfg->path_ignore_count++];
    pi->glob = name_of(cfg, k);
    if (check_glob(rep, &pi->glob, "'per-path-ignores'"))
      add_glob(&pi->set, pi->glob.text);
    char *what = scl_arena_printf(&cfg->arena, "'per-path-ignores' entry '%s'", k->text);
    get_list(rep, cfg, list, what, "a list of rule IDs or slugs (or [all])", &pi->rules);
    for (size_t j = 0; j < pi->rules.count; j++)
      pi->is_all |= strcmp(pi->rules.names[j].text, "all") == 0;
  }
}

static void parse_params(scl_config_reporter *rep, scl_config *cfg, scl_config_rule *r,
                         const scl_ynode *v)
{
  if (v->type != SCL_YNODE_MAPPING) {
    scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                      "'params' of rule %s must be a mapping of names to numbers, got %s",
                      r->name.text, scl_ynode_type_name(v));
    return;
  }
  r->params = scl_arena_alloc(&cfg->arena, sizeof(*r->params) * (v->pair_count + 1));
  for (size_t i = 0; i < v->pair_count; i++) {
    const scl_ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
    double d;
    if (!scl_ynode_as_double(val, &d)) {
      if (val->type == SCL_YNODE_SCALAR)
        scl_config__error(rep, SCL_ECONFIG, val->line, val->col,
                          "parameter '%s' of rule %s must be a number, got '%s'", k->text,
                          r->name.text, val->text);
      else
        scl_config__error(rep, SCL_ECONFIG, val->line, val->col,
                          "parameter '%s' of rule %s must be a number, got %s", k->text,
                          r->name.text, scl_ynode_type_name(val));
      continue;
    }
    scl_config_param *p = &r->params[r->param_count++];
    p->name = scl_arena_strndup(&cfg->arena, k->text, k->text_len);
    p->value = d;
    p->line = k->line;
    p->col = k->col;
  }
}

static void parse_rule(scl_config_reporter *rep, scl_config *cfg, scl_config_rule *r,
                       const scl_ynode *v)
{
  if (is_null(v))
    return;
  if (v->type != SCL_YNODE_MAPPING) {
    scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                      "settings of rule %s must be a mapping with 'level' and/or 'params', got %s",
                      r->name.text, scl_ynode_type_name(v));
    return;
  }
  char *where = scl_arena_printf(&cfg->arena, " in the settings of rule %s", r->name.text);
  check_keys(rep, v, rule_keys, where);
  const scl_ynode *level = scl_ynode_get(v, "level");
  if (level && !is_null(level)) {
    int l = level->type == SCL_YNODE_SCALAR ? scl_level_parse(level->text) : -1;
    if (l <= (int)SCL_LEVEL_NONE)
      scl_config__error(rep, SCL_ECONFIG, level->line, level->col,
                        "'level' of rule %s must be error, warning or note, got %s%s%s",
                        r->name.text, level->type == SCL_YNODE_SCALAR ? "'" : "",
                        level->type == SCL_YNODE_SCALAR ? level->text
                                                        : scl_ynode_type_name(level),
                        level->type == SCL_YNODE_SCALAR ? "'" : "");
    else
      r->level = l;
  }
  const scl_ynode *params = scl_ynode_get(v, "params");
  if (params && !is_null(params))
    parse_params(rep, cfg, r, params);
}

static void parse_rules(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *v)
{
  if (v->type != SCL_YNODE_MAPPING) {
    scl_config__error(rep, SCL_ECONFIG, v->line, v->col,
                      "'rules' must be a mapping of rule IDs or slugs to settings, got %s",
                      scl_ynode_type_name(v));
    return;
  }
  cfg->rules = scl_arena_alloc(&cfg->arena, sizeof(*cfg->rules) * (v->pair_count + 1));
  for (size_t i = 0; i < v->pair_count; i++) {
    scl_config_rule *r = &cfg->rules[cfg->rule_count++];
    r->name = name_of(cfg, v->pairs[i].key);
    r->level = -1;
    parse_rule(rep, cfg, r, v->pairs[i].value);
  }
}

static void parse_root(scl_config_reporter *rep, scl_config *cfg, const scl_ynode *root)
{
  if (root->type != SCL_YNODE_MAPPING) {
    scl_config__error(rep, SCL_ECONFIG, root->line, root->col,
                      "a config file must be a mapping of settings (select, ignore, rules, ...), "
                      "got %s", scl_ynode_type_name(root));
    return;
  }
  check_keys(rep, root, top_keys, "");
  const scl_ynode *v;
  if ((v = scl_ynode_get(root, "select")) != NULL && !is_null(v))
    get_list(rep, cfg, v, "'select'", "a list of rule IDs or slugs", &cfg->select);
  if ((v = scl_ynode_get(root, "ignore")) != NULL && !is_null(v))
    get_list(rep, cfg, v, "'ignore'", "a list of rule IDs or slugs", &cfg->ignore);
  if ((v = scl_ynode_get(root, "fail-on")) != NULL && !is_null(v))
    parse_fail_on(rep, cfg, v);
  if ((v = scl_ynode_get(root, "rule-dirs")) != NULL && !is_null(v))
    parse_rule_dirs(rep, cfg, v);
  if ((v = scl_ynode_get(root, "exclude")) != NULL && !is_null(v))
    parse_exclude(rep, cfg, v);
  if ((v = scl_ynode_get(root, "per-path-ignores")) != NULL && !is_null(v))
    parse_path_ignores(rep, cfg, v);
  if ((v = scl_ynode_get(root, "rules")) != NULL && !is_null(v))
    parse_rules(rep, cfg, v);
}

/* ---- loading ---- */

/* Reads path whole (at most SCL_CONFIG_MAX_BYTES); caller frees *data_out. */
static scl_status read_file(char **data_out, size_t *len_out, const char *path,
                            scl_config_reporter *rep)
{
  *data_out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) {
    scl_config__error(rep, SCL_EIO, 0, 0, "cannot read the config file: %s", strerror(errno));
    return SCL_EIO;
  }
  scl_status st = SCL_OK;
  char *data = scl_xmalloc(SCL_CONFIG_MAX_BYTES + 1);
  size_t len = fread(data, 1, SCL_CONFIG_MAX_BYTES + 1, f);
  if (ferror(f)) {
    scl_config__error(rep, SCL_EIO, 0, 0, "cannot read the config file: %s", strerror(errno));
    st = SCL_EIO;
    goto cleanup;
  }
  if (len > SCL_CONFIG_MAX_BYTES) {
    scl_config__error(rep, SCL_ECONFIG, 0, 0, "config file larger than %zu bytes",
                      SCL_CONFIG_MAX_BYTES);
    st = SCL_ECONFIG;
    goto cleanup;
  }
  data[len] = '\0';
  *data_out = data;
  *len_out = len;
  data = NULL;

cleanup:
  free(data);
  fclose(f);
  return st;
}

/* The current directory in cfg's arena, or NULL. */
static const char *get_cwd(scl_arena *arena)
{
  size_t size = 4096;
  for (;;) {
    char *buf = scl_xmalloc(size);
    if (getcwd(buf, size)) {
      const char *copy = scl_arena_strdup(arena, buf);
      free(buf);
      return copy;
    }
    free(buf);
    if (errno != ERANGE || size >= (size_t)1 << 20)
      return NULL;
    size *= 2;
  }
}

/* Fills cfg->path, dir, abs_dir and cwd. */
static scl_status set_location(scl_config *cfg, const char *path, scl_config_reporter *rep)
{
  cfg->path = scl_arena_strdup(&cfg->arena, path);
  cfg->dir = dir_of(&cfg->arena, cfg->path);
  cfg->cwd = get_cwd(&cfg->arena);
  char *abs = realpath(cfg->dir, NULL);
  if (!abs || !cfg->cwd) {
    scl_config__error(rep, SCL_EIO, 0, 0, "cannot resolve the config file's directory: %s",
                      strerror(errno));
    free(abs);
    return SCL_EIO;
  }
  cfg->abs_dir = scl_arena_strdup(&cfg->arena, abs);
  free(abs);
  return SCL_OK;
}

scl_status scl_config_load(scl_config **out, const char *path, scl_error_fn on_error,
                           void *payload, scl_diag *diag)
{
  scl_config_reporter rep = {path, on_error, payload, diag, 0};
  scl_config *cfg = scl_xcalloc(1, sizeof(*cfg));
  scl_arena_init(&cfg->arena);
  cfg->fail_on = -1;
  scl_arena yarena;
  scl_arena_init(&yarena);
  char *text = NULL;
  size_t len = 0;
  *out = NULL;

  scl_status st = read_file(&text, &len, path, &rep);
  if (st != SCL_OK)
    goto cleanup;
  st = set_location(cfg, path, &rep);
  if (st != SCL_OK)
    goto cleanup;
  scl_ynode *root = NULL;
  scl_diag d;
  scl_diag_clear(&d);
  st = scl_ydoc_parse(&root, path, text, len, &yarena, SCL_ECONFIG, &d);
  if (st != SCL_OK) {
    d.status = SCL_ECONFIG;
    scl_config__error(&rep, SCL_ECONFIG, d.line, d.col, "%s", d.msg);
    st = SCL_ECONFIG;
    goto cleanup;
  }
  if (root)
    parse_root(&rep, cfg, root);
  st = rep.error_count ? SCL_ECONFIG : SCL_OK;

cleanup:
  free(text);
  scl_arena_dispose(&yarena);
  if (st != SCL_OK) {
    scl_config_free(cfg);
    return st;
  }
  *out = cfg;
  return SCL_OK;
}

void scl_config_free(scl_config *cfg)
{
  if (!cfg)
    return;
  scl_discover__ignore_dispose(&cfg->exclude);
  for (size_t i = 0; i < cfg->path_ignore_count; i++)
    scl_discover__ignore_dispose(&cfg->path_ignores[i].set);
  free(cfg->path_ignores);
  scl_arena_dispose(&cfg->arena);
  free(cfg);
}
