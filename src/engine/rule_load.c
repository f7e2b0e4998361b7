/*
 * rule_load.c - turns one rule file (YAML text) into an scl_rule, checking
 * the schema of rules/README.md: required and unknown keys, value types, id
 * and slug formats, the file name, levels, languages, the doc headings and
 * duplicate ids. Every problem is reported with its file:line:col and
 * loading goes on, so one run shows all of a file's problems. Matchers and
 * constraints are built by rule_where.c.
 *
 * This file never compiles patterns (that needs the front-ends' kind tables,
 * see scl_ruleset_compile) and never prints.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/rule.h"
#include "util/text.h"
#include "util/buf.h"
#include "yaml/ydoc.h"

/* ---- language keys ---- */

static const char *const key_names[SCL_KEY_COUNT] = {"py", "js", "ts", "c", "sql"};

int scl_rule__key_parse(const char *name)
{
  for (int k = 0; k < SCL_KEY_COUNT; k++) {
    if (strcmp(key_names[k], name) == 0)
      return k;
  }
  return -1;
}

const char *scl_rule__key_name(scl_key key)
{
  return key_names[key];
}

/* ---- errors ---- */

void scl_loader__error(scl_loader *ld, unsigned line, unsigned col, const char *fmt, ...)
{
  char msg[SCL_DIAG_SIZE];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);

  scl_diag d;
  scl_diag_set_at(&d, SCL_ERULE, ld->origin, line, col, "%s", msg);
  if (ld->on_error)
    ld->on_error(&d, ld->payload);
  if (ld->error_count == 0 && ld->diag)
    *ld->diag = d;
  ld->error_count++;
}


void scl_loader__check_keys(scl_loader *ld, const scl_ynode *map, const char *const *allowed)
{
  for (size_t i = 0; i < map->pair_count; i++) {
    const scl_ynode *k = map->pairs[i].key;
    bool known = false;
    const char *close = NULL;
    unsigned best = 3;
    for (size_t j = 0; allowed[j]; j++) {
      if (strcmp(allowed[j], k->text) == 0) {
        known = true;
        break;
      }
      unsigned d = scl_edit_distance(k->text, allowed[j]);
      if (d < best && d * 3 <= strlen(allowed[j]) + 1) {
        best = d;
        close = allowed[j];
      }
    }
    if (known)
      continue;
    scl_buf list;
    scl_buf_init(&list, 0);
    for (size_t j = 0; allowed[j]; j++)
      scl_buf_printf(&list, "%s%s", j ? ", " : "", allowed[j]);
    if (close)
      scl_loader__error(ld, k->line, k->col,
                        "unknown key '%s'; did you mean '%s'? (expected one of: %s)", k->text,
                        close, scl_buf_cstr(&list));
    else
      scl_loader__error(ld, k->line, k->col, "unknown key '%s' (expected one of: %s)", k->text,
                        scl_buf_cstr(&list));
    scl_buf_dispose(&list);
  }
}

/* ---- typed fields ---- */

static void type_error(scl_loader *ld, const char *key, const char *want, const scl_ynode *v)
{
  scl_loader__error(ld, v->line, v->col, "'%s' must be %s, got %s", key, want,
                    scl_ynode_type_name(v));
}

/* The scalar under key copied into the ruleset arena, or NULL (missing keys
 * are reported by check_required). */
static const char *get_string(scl_loader *ld, const scl_ynode *map, const char *key)
{
  const scl_ynode *v = scl_ynode_get(map, key);
  if (!v)
    return NULL;
  if (v->type != SCL_YNODE_SCALAR) {
    type_error(ld, key, "a string", v);
    return NULL;
  }
  return scl_arena_strndup(&ld->rs->arena, v->text, v->text_len);
}

/* A list of strings under key; each copied; NULL-terminated, count in *n. */
static const char **get_string_list(scl_loader *ld, const scl_ynode *map, const char *key,
                                    size_t *n)
{
  *n = 0;
  const scl_ynode *v = scl_ynode_get(map, key);
  if (!v)
    return NULL;
  if (v->type != SCL_YNODE_SEQUENCE) {
    type_error(ld, key, "a list", v);
    return NULL;
  }
  const char **out = scl_arena_alloc(&ld->rs->arena, sizeof(char *) * (v->item_count + 1));
  for (size_t i = 0; i < v->item_count; i++) {
    const scl_ynode *it = v->items[i];
    if (it->type != SCL_YNODE_SCALAR) {
      scl_loader__error(ld, it->line, it->col, "'%s' entries must be strings, got %s", key,
                        scl_ynode_type_name(it));
      continue;
    }
    out[(*n)++] = scl_arena_strndup(&ld->rs->arena, it->text, it->text_len);
  }
  return out;
}

static const char *const top_keys[] = {"id",     "slug",   "level",      "languages", "title",
                                       "message", "why",   "instead",    "params",    "references",
                                       "tags",    "match", "doc",        "prefilter", NULL};
static const char *const required_keys[] = {"id",      "slug",    "level", "languages", "title",
                                            "message", "why",     "instead", "match",   "doc",
                                            NULL};

static void check_required(scl_loader *ld, const scl_ynode *root)
{
  for (size_t i = 0; required_keys[i]; i++) {
    if (!scl_ynode_get(root, required_keys[i]))
      scl_loader__error(ld, root->line, root->col, "missing required key '%s'", required_keys[i]);
  }
}

/* ---- formats: id, slug, file name, level ---- */

static bool is_valid_id(const char *s)
{
  size_t i = 0;
  while (s[i] >= 'A' && s[i] <= 'Z')
    i++;
  if (i == 0 || !isdigit((unsigned char)s[i]))
    return false;
  while (isdigit((unsigned char)s[i]))
    i++;
  return s[i] == '\0';
}

static bool is_valid_slug(const char *s)
{
  bool word = false;
  for (; *s; s++) {
    if ((*s >= 'a' && *s <= 'z') || isdigit((unsigned char)*s)) {
      word = true;
    } else if (*s == '-' && word) {
      word = false;
    } else {
      return false;
    }
  }
  return word;
}

static void check_id_slug(scl_loader *ld, const scl_ynode *root, const char *id, const char *slug)
{
  const scl_ynode *idn = scl_ynode_get(root, "id");
  const scl_ynode *sn = scl_ynode_get(root, "slug");
  bool ok = true;
  if (id && !is_valid_id(id)) {
    scl_loader__error(ld, idn->line, idn->col,
                      "id '%s' must be capital letters followed by digits, like SCL001", id);
    ok = false;
  }
  if (slug && !is_valid_slug(slug)) {
    scl_loader__error(ld, sn->line, sn->col,
                      "slug '%s' must be lower-case words joined by '-', like hard-result-cap",
                      slug);
    ok = false;
  }
  if (!ok || !id || !slug)
    return;
  const char *base = strrchr(ld->origin, '/');
  base = base ? base + 1 : ld->origin;
  size_t il = strlen(id), sl = strlen(slug);
  bool match = strncmp(base, id, il) == 0 && base[il] == '-' &&
               strncmp(base + il + 1, slug, sl) == 0;
  const char *ext = match ? base + il + 1 + sl : "";
  match = match && (strcmp(ext, ".yaml") == 0 || strcmp(ext, ".yml") == 0);
  if (!match)
    scl_loader__error(ld, idn->line, idn->col,
                      "file name '%s' does not match the rule's id and slug: expected '%s-%s.yaml'",
                      base, id, slug);
  for (size_t i = 0; i < ld->rs->rules.count; i++) {
    const scl_rule *r = ld->rs->rules.items[i];
    if (strcmp(r->info.id, id) == 0)
      scl_loader__error(ld, idn->line, idn->col, "duplicate rule id '%s' (already defined in %s)",
                        id, r->info.origin);
  }
}

static scl_level parse_level(scl_loader *ld, const scl_ynode *root)
{
  const scl_ynode *v = scl_ynode_get(root, "level");
  if (!v)
    return SCL_LEVEL_NONE;
  if (v->type != SCL_YNODE_SCALAR) {
    type_error(ld, "level", "a string", v);
    return SCL_LEVEL_NONE;
  }
  if (strcmp(v->text, "note") == 0)
    return SCL_LEVEL_NOTE;
  if (strcmp(v->text, "warning") == 0)
    return SCL_LEVEL_WARNING;
  if (strcmp(v->text, "error") == 0)
    return SCL_LEVEL_ERROR;
  scl_loader__error(ld, v->line, v->col, "level '%s' must be one of: note, warning, error",
                    v->text);
  return SCL_LEVEL_NONE;
}

/* ---- languages, params, doc ---- */

/* Fills listed[] from `languages`; returns the "py js ts" string. */
static const char *parse_languages(scl_loader *ld, const scl_ynode *root,
                                   bool listed[SCL_KEY_COUNT])
{
  const scl_ynode *v = scl_ynode_get(root, "languages");
  if (!v)
    return NULL;
  if (v->type != SCL_YNODE_SEQUENCE) {
    type_error(ld, "languages", "a list", v);
    return NULL;
  }
  if (v->item_count == 0)
    scl_loader__error(ld, v->line, v->col, "'languages' must list at least one of: py, js, ts, c");
  for (size_t i = 0; i < v->item_count; i++) {
    const scl_ynode *it = v->items[i];
    int k = it->type == SCL_YNODE_SCALAR ? scl_rule__key_parse(it->text) : -1;
    if (k < 0) {
      scl_loader__error(ld, it->line, it->col, "unknown language '%s' (expected py, js, ts or c)",
                        it->type == SCL_YNODE_SCALAR ? it->text : scl_ynode_type_name(it));
    } else if (listed[k]) {
      scl_loader__error(ld, it->line, it->col, "language '%s' is listed twice", it->text);
    } else {
      listed[k] = true;
    }
  }
  scl_buf b;
  scl_buf_init(&b, 0);
  for (int k = 0; k < SCL_KEY_COUNT; k++) {
    if (listed[k])
      scl_buf_printf(&b, "%s%s", b.len ? " " : "", key_names[k]);
  }
  const char *s = scl_arena_strdup(&ld->rs->arena, scl_buf_cstr(&b));
  scl_buf_dispose(&b);
  return s;
}

static void parse_params(scl_loader *ld, const scl_ynode *root, scl_rule *rule)
{
  const scl_ynode *v = scl_ynode_get(root, "params");
  if (!v)
    return;
  if (v->type != SCL_YNODE_MAPPING) {
    type_error(ld, "params", "a mapping of names to numbers", v);
    return;
  }
  rule->params = scl_arena_alloc(&ld->rs->arena, sizeof(scl_param) * (v->pair_count + 1));
  for (size_t i = 0; i < v->pair_count; i++) {
    const scl_ynode *val = v->pairs[i].value;
    double d;
    if (val->type != SCL_YNODE_SCALAR || val->is_quoted || !scl_ynode_as_double(val, &d)) {
      scl_loader__error(ld, val->line, val->col, "parameter '%s' must be a number",
                        v->pairs[i].key->text);
      continue;
    }
    scl_param *p = &rule->params[rule->param_count++];
    p->name = scl_arena_strdup(&ld->rs->arena, v->pairs[i].key->text);
    p->value = d;
  }
}

static const char *const doc_headings[] = {
  "## What it catches", "## Why it hurts at 10K users", "## Instead", "## Known false positives",
  "## Parameters",      NULL};

/* Offset of the line that is exactly heading (trailing blanks allowed) at or
 * after from, or -1. */
static long find_heading(const char *doc, size_t len, size_t from, const char *heading)
{
  size_t hl = strlen(heading);
  size_t i = from;
  while (i < len) {
    size_t e = i;
    while (e < len && doc[e] != '\n')
      e++;
    size_t t = e;
    while (t > i && (doc[t - 1] == ' ' || doc[t - 1] == '\t' || doc[t - 1] == '\r'))
      t--;
    if (t - i == hl && memcmp(doc + i, heading, hl) == 0)
      return (long)i;
    i = e + 1;
  }
  return -1;
}

static void check_doc(scl_loader *ld, const scl_ynode *root)
{
  const scl_ynode *v = scl_ynode_get(root, "doc");
  if (!v || v->type != SCL_YNODE_SCALAR)
    return;
  size_t pos = 0;
  for (size_t i = 0; doc_headings[i]; i++) {
    long at = find_heading(v->text, v->text_len, pos, doc_headings[i]);
    if (at >= 0) {
      pos = (size_t)at + 1;
    } else if (find_heading(v->text, v->text_len, 0, doc_headings[i]) >= 0) {
      scl_loader__error(ld, v->line, v->col,
                        "doc heading '%s' is out of order (expected after '%s')", doc_headings[i],
                        i ? doc_headings[i - 1] : "the start");
    } else {
      scl_loader__error(ld, v->line, v->col, "doc is missing the heading '%s'", doc_headings[i]);
    }
  }
}

/* ---- match ---- */

static void parse_match(scl_loader *ld, const scl_ynode *root, scl_rule *rule,
                        const bool listed[SCL_KEY_COUNT])
{
  const scl_ynode *v = scl_ynode_get(root, "match");
  if (!v)
    return;
  if (v->type != SCL_YNODE_MAPPING) {
    type_error(ld, "match", "a mapping from language to matcher", v);
    return;
  }
  for (size_t i = 0; i < v->pair_count; i++) {
    const scl_ynode *k = v->pairs[i].key;
    int key = scl_rule__key_parse(k->text);
    if (key < 0) {
      scl_loader__error(ld, k->line, k->col,
                        "unknown language '%s' in match (expected py, js, ts or c)", k->text);
      continue;
    }
    if (!listed[key]) {
      scl_loader__error(ld, k->line, k->col,
                        "match has an entry for '%s' but 'languages' does not list it", k->text);
      continue;
    }
    ld->objects = 0;
    rule->match[key] = scl_loader__matcher(ld, v->pairs[i].value, 0, false);
  }
  for (int key = 0; key < SCL_KEY_COUNT; key++) {
    if (listed[key] && !scl_ynode_get(v, key_names[key]))
      scl_loader__error(ld, v->line, v->col, "match has no entry for '%s', which 'languages' lists",
                        key_names[key]);
  }
}

/* ---- prefilter ---- */

/* A declared token must be long enough to say something and short enough
 * for the scanner's exact sets. */
#define PREFILTER_TOKEN_MIN 2
#define PREFILTER_TOKEN_MAX 128

static const char **prefilter_tokens(scl_loader *ld, const scl_ynode *v, size_t *n)
{
  *n = 0;
  if (v->type != SCL_YNODE_SEQUENCE || v->item_count == 0) {
    scl_loader__error(ld, v->line, v->col,
                      "'prefilter' must be a non-empty list of tokens, or a mapping from "
                      "language to such a list, got %s",
                      scl_ynode_type_name(v));
    return NULL;
  }
  const char **out = scl_arena_alloc(&ld->rs->arena, sizeof(char *) * v->item_count);
  for (size_t i = 0; i < v->item_count; i++) {
    const scl_ynode *it = v->items[i];
    if (it->type != SCL_YNODE_SCALAR || it->text_len < PREFILTER_TOKEN_MIN ||
        it->text_len > PREFILTER_TOKEN_MAX || memchr(it->text, '\0', it->text_len)) {
      scl_loader__error(ld, it->line, it->col,
                        "'prefilter' tokens must be strings of %d to %d characters",
                        PREFILTER_TOKEN_MIN, PREFILTER_TOKEN_MAX);
      continue;
    }
    out[(*n)++] = scl_arena_strndup(&ld->rs->arena, it->text, it->text_len);
  }
  return out;
}

/*
 * `prefilter: [tok, ...]` (every language the rule lists) or
 * `prefilter: { py: [...], js: [...] }`: a file of that language is parsed
 * for this rule only if it contains one of the tokens (prefilter.h).
 */
static void parse_prefilter(scl_loader *ld, const scl_ynode *root, scl_rule *rule,
                            const bool listed[SCL_KEY_COUNT])
{
  const scl_ynode *v = scl_ynode_get(root, "prefilter");
  if (!v)
    return;
  if (v->type != SCL_YNODE_MAPPING) {
    size_t n = 0;
    const char **toks = prefilter_tokens(ld, v, &n);
    for (int key = 0; key < SCL_KEY_COUNT && toks; key++)
      if (listed[key]) {
        rule->prefilter[key] = toks;
        rule->prefilter_count[key] = n;
      }
    return;
  }
  for (size_t i = 0; i < v->pair_count; i++) {
    const scl_ynode *k = v->pairs[i].key;
    int key = scl_rule__key_parse(k->text);
    if (key < 0 || !listed[key]) {
      scl_loader__error(ld, k->line, k->col,
                        "'prefilter' has an entry for '%s', which 'languages' does not list",
                        k->text);
      continue;
    }
    size_t n = 0;
    const char **toks = prefilter_tokens(ld, v->pairs[i].value, &n);
    if (toks) {
      rule->prefilter[key] = toks;
      rule->prefilter_count[key] = n;
    }
  }
}

/* ---- the rule ---- */

static void build_rule(scl_loader *ld, const scl_ynode *root, bool is_builtin)
{
  scl_rule *rule = scl_arena_alloc(&ld->rs->arena, sizeof(*rule));
  ld->rule = rule;
  scl_loader__check_keys(ld, root, top_keys);
  check_required(ld, root);

  scl_rule_info *info = &rule->info;
  info->id = get_string(ld, root, "id");
  info->slug = get_string(ld, root, "slug");
  info->level = parse_level(ld, root);
  info->title = get_string(ld, root, "title");
  info->why = get_string(ld, root, "why");
  info->instead = get_string(ld, root, "instead");
  info->doc = get_string(ld, root, "doc");
  rule->path = scl_arena_strdup(&ld->rs->arena, ld->origin);
  info->origin = is_builtin ? "builtin" : scl_arena_strdup(&ld->rs->arena, ld->origin);
  rule->message = get_string(ld, root, "message");
  check_id_slug(ld, root, info->id, info->slug);
  check_doc(ld, root);

  size_t nrefs = 0, ntags = 0;
  const char **refs = get_string_list(ld, root, "references", &nrefs);
  info->help_uri = nrefs ? refs[0] : NULL;
  get_string_list(ld, root, "tags", &ntags);

  bool listed[SCL_KEY_COUNT] = {false};
  info->languages = parse_languages(ld, root, listed);
  parse_params(ld, root, rule);
  unsigned before = ld->error_count;
  parse_match(ld, root, rule, listed);
  parse_prefilter(ld, root, rule, listed);
  /* references are only checked on matchers that loaded cleanly, so one
   * mistake is not reported twice */
  if (ld->error_count == before)
    scl_loader__check_refs(ld, rule, scl_ynode_get(root, "message"));

  if (ld->error_count == 0) {
    rule->is_kept = true;
    SCL_VEC_PUSH(&ld->rs->rules, rule);
  }
}

scl_status scl_rule__load(scl_ruleset *rs, const char *origin, const char *text, size_t len,
                          bool is_builtin, scl_error_fn on_error, void *payload, scl_diag *diag)
{
  scl_arena yarena;
  scl_arena_init(&yarena);
  scl_loader ld = {rs, origin, text, len, on_error, payload, diag, 0, NULL, 0};
  scl_ynode *root = NULL;
  scl_diag d;
  scl_diag_clear(&d);

  scl_status st = scl_ydoc_parse(&root, origin, text, len, &yarena, SCL_ERULE, &d);
  if (st != SCL_OK) {
    d.status = SCL_ERULE;
    if (on_error)
      on_error(&d, payload);
    if (diag)
      *diag = d;
    ld.error_count++;
    goto cleanup;
  }
  if (!root) {
    scl_loader__error(&ld, 1, 1, "empty rule file");
    goto cleanup;
  }
  if (root->type != SCL_YNODE_MAPPING) {
    scl_loader__error(&ld, root->line, root->col, "a rule file must be a mapping, got %s",
                      scl_ynode_type_name(root));
    goto cleanup;
  }
  build_rule(&ld, root, is_builtin);
  if (ld.error_count == 0)
    scl_ruleset__rebuild_kept(rs);

cleanup:
  scl_arena_dispose(&yarena);
  return ld.error_count ? SCL_ERULE : SCL_OK;
}
