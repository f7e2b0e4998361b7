/*
 * override.c - change a loaded rule's level or declared parameters before
 * the ruleset is compiled (per-rule settings of .scalint.yml), and read them
 * back.
 *
 * Only values the rule file declared can change: a level, or the value of a
 * parameter listed under the rule's `params:`. `compare` constraints read
 * rule->params[i].value at match time and findings take rule->info.level,
 * so an override here is what the scan sees. Must not add parameters, touch
 * matchers or run after scl_ruleset_compile (the ruleset is then shared,
 * read-only, by the scan threads).
 */
#include <math.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/rule.h"
#include "util/buf.h"

/* Any loaded rule (kept or not) whose id or slug is name, or NULL. */
static scl_rule *lookup(const scl_ruleset *rs, const char *name)
{
  for (size_t i = 0; i < rs->rules.count; i++) {
    scl_rule *r = rs->rules.items[i];
    if (strcmp(r->info.id, name) == 0 || strcmp(r->info.slug, name) == 0)
      return r;
  }
  return NULL;
}

static scl_param *find_param(const scl_rule *r, const char *name)
{
  for (size_t i = 0; i < r->param_count; i++) {
    if (strcmp(r->params[i].name, name) == 0)
      return &r->params[i];
  }
  return NULL;
}

/* "rule X has no parameter 'p' (it has: a, b)" or "(it has none)". */
static scl_status no_such_param(const scl_rule *r, const char *param, scl_diag *diag)
{
  scl_buf names;
  scl_buf_init(&names, 0);
  for (size_t i = 0; i < r->param_count; i++)
    scl_buf_printf(&names, "%s%s", i ? ", " : "", r->params[i].name);
  scl_status st;
  if (r->param_count > 0)
    st = scl_diag_set(diag, SCL_EINVAL, "rule %s has no parameter '%s' (it has: %s)", r->info.id,
                      param, scl_buf_cstr(&names));
  else
    st = scl_diag_set(diag, SCL_EINVAL, "rule %s has no parameter '%s' (it has none)", r->info.id,
                      param);
  scl_buf_dispose(&names);
  return st;
}

scl_status scl_ruleset_override(scl_ruleset *rs, const char *id_or_slug, int level,
                                const char *param, double value, scl_diag *diag)
{
  if (rs->is_compiled)
    return scl_diag_set(diag, SCL_EINVAL,
                        "rule settings must be applied before the ruleset is compiled");
  scl_rule *r = lookup(rs, id_or_slug);
  if (!r)
    return scl_diag_set(diag, SCL_EINVAL, "unknown rule '%s'", id_or_slug);
  if (level != -1 && level != SCL_LEVEL_NOTE && level != SCL_LEVEL_WARNING &&
      level != SCL_LEVEL_ERROR)
    return scl_diag_set(diag, SCL_EINVAL, "level %d is not note, warning or error", level);

  scl_param *p = NULL;
  if (param) {
    p = find_param(r, param);
    if (!p)
      return no_such_param(r, param, diag);
    if (!isfinite(value))
      return scl_diag_set(diag, SCL_EINVAL, "parameter '%s' of rule %s must be a finite number",
                          param, r->info.id);
  }
  /* everything checked: change both or nothing */
  if (level != -1)
    r->info.level = (scl_level)level;
  if (p)
    p->value = value;
  return SCL_OK;
}

const scl_rule_info *scl_ruleset_lookup(const scl_ruleset *rs, const char *id_or_slug)
{
  const scl_rule *r = lookup(rs, id_or_slug);
  return r ? &r->info : NULL;
}

double scl_ruleset_param(const scl_ruleset *rs, const char *id_or_slug, const char *param)
{
  const scl_rule *r = lookup(rs, id_or_slug);
  const scl_param *p = r ? find_param(r, param) : NULL;
  return p ? p->value : NAN;
}
