/*
 * config_apply.c - the config meets the rules and the command line: rule
 * names checked against the loaded ruleset, `rules:` settings applied with
 * scl_ruleset_override, the merge with command-line options, and the
 * effective configuration printed as YAML for `scalint config`.
 *
 * Writes only to the FILE it is given; never changes the config.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_int.h"
#include "util/alloc.h"

/* ---- checking names and applying rule settings ---- */

/* The loaded rule id or slug closest to name, or NULL. */
static const char *suggest(const scl_ruleset *rs, const char *name)
{
  const char *best_name = NULL;
  unsigned best = UINT_MAX;
  for (size_t i = 0; i < scl_ruleset_count(rs); i++) {
    const scl_rule_info *info = scl_ruleset_info(rs, i);
    const char *cands[2] = {info->id, info->slug};
    for (int c = 0; c < 2; c++) {
      unsigned d;
      if (scl_config__is_close(name, cands[c], &d) && d < best) {
        best = d;
        best_name = cands[c];
      }
    }
  }
  return best_name;
}

/* Reports name unless it is a loaded rule (or "all" where all is allowed). */
static bool check_name(scl_config_reporter *rep, const scl_ruleset *rs, const scl_config_name *n,
                       const char *where, bool allow_all)
{
  if (scl_ruleset_lookup(rs, n->text) || (allow_all && strcmp(n->text, "all") == 0))
    return true;
  const char *close = suggest(rs, n->text);
  if (close)
    scl_config__error(rep, SCL_ECONFIG, n->line, n->col,
                      "unknown rule '%s' in %s; did you mean '%s'?", n->text, where, close);
  else
    scl_config__error(rep, SCL_ECONFIG, n->line, n->col,
                      "unknown rule '%s' in %s (see `scalint rules`)", n->text, where);
  return false;
}

static void check_list(scl_config_reporter *rep, const scl_ruleset *rs,
                       const scl_config_list *list, const char *where, bool allow_all)
{
  for (size_t i = 0; i < list->count; i++)
    check_name(rep, rs, &list->names[i], where, allow_all);
}

/* Applies one `rules:` entry; index is its position (for duplicates). */
static void apply_rule(scl_config_reporter *rep, const scl_config *cfg, scl_ruleset *rs,
                       size_t index)
{
  const scl_config_rule *r = &cfg->rules[index];
  if (!check_name(rep, rs, &r->name, "'rules'", false))
    return;
  const scl_rule_info *info = scl_ruleset_lookup(rs, r->name.text);
  for (size_t j = 0; j < index; j++) {
    const scl_rule_info *other = scl_ruleset_lookup(rs, cfg->rules[j].name.text);
    if (other == info) {
      scl_config__error(rep, SCL_ECONFIG, r->name.line, r->name.col,
                        "rule %s is configured twice (also as '%s' at line %u)", info->id,
                        cfg->rules[j].name.text, cfg->rules[j].name.line);
      return;
    }
  }
  scl_diag d;
  if (r->level >= 0 && scl_ruleset_override(rs, r->name.text, r->level, NULL, 0, &d) != SCL_OK)
    scl_config__error(rep, SCL_ECONFIG, r->name.line, r->name.col, "%s", d.msg);
  for (size_t i = 0; i < r->param_count; i++) {
    const scl_config_param *p = &r->params[i];
    if (scl_ruleset_override(rs, r->name.text, -1, p->name, p->value, &d) != SCL_OK)
      scl_config__error(rep, SCL_ECONFIG, p->line, p->col, "%s", d.msg);
  }
}

scl_status scl_config_apply_rules(const scl_config *cfg, scl_ruleset *rs, scl_error_fn on_error,
                                  void *payload, scl_diag *diag)
{
  if (!cfg)
    return SCL_OK;
  scl_config_reporter rep = {cfg->path, on_error, payload, diag, 0};
  check_list(&rep, rs, &cfg->select, "'select'", false);
  check_list(&rep, rs, &cfg->ignore, "'ignore'", false);
  for (size_t i = 0; i < cfg->path_ignore_count; i++)
    check_list(&rep, rs, &cfg->path_ignores[i].rules, "'per-path-ignores'", true);
  for (size_t i = 0; i < cfg->rule_count; i++)
    apply_rule(&rep, cfg, rs, i);
  return rep.error_count ? SCL_ECONFIG : SCL_OK;
}

/* ---- merging with the command line ---- */

void scl_config_merge(scl_config_opts *out, const scl_config *cfg, const scl_run_opts *cli,
                      int cli_fail_on)
{
  out->opts = *cli;
  size_t cfg_dirs = cfg ? cfg->rule_dir_count : 0;
  out->rule_dirs = scl_xcalloc(cfg_dirs + cli->rule_dir_count + 1, sizeof(char *));
  for (size_t i = 0; i < cfg_dirs; i++)
    out->rule_dirs[i] = cfg->rule_dirs[i];
  for (size_t i = 0; i < cli->rule_dir_count; i++)
    out->rule_dirs[cfg_dirs + i] = cli->rule_dirs[i];
  out->opts.rule_dirs = out->rule_dirs;
  out->opts.rule_dir_count = cfg_dirs + cli->rule_dir_count;
  if (cfg && cli->select_count == 0) {
    out->opts.select = cfg->select.texts;
    out->opts.select_count = cfg->select.count;
  }
  if (cfg && cli->ignore_count == 0) {
    out->opts.ignore = cfg->ignore.texts;
    out->opts.ignore_count = cfg->ignore.count;
  }
  if (cli_fail_on >= 0)
    out->fail_on = cli_fail_on;
  else if (cfg && cfg->fail_on >= 0)
    out->fail_on = cfg->fail_on;
  else
    out->fail_on = SCL_LEVEL_WARNING;
}

void scl_config_opts_dispose(scl_config_opts *merged)
{
  free(merged->rule_dirs);
  merged->rule_dirs = NULL;
}

/* ---- printing ---- */

/* Whether s can be written as a YAML plain scalar and read back as the same
 * string: a conservative character set, and not a word YAML reads as a
 * boolean or null. */
static bool is_plain_safe(const char *s)
{
  static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y",
                                      "n", NULL};
  char c0 = s[0];
  if (!((c0 >= 'A' && c0 <= 'Z') || (c0 >= 'a' && c0 <= 'z') || c0 == '_' || c0 == '/' ||
        c0 == '.'))
    return false;
  if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-") !=
      strlen(s))
    return false;
  for (size_t i = 0; words[i]; i++) {
    size_t n = strlen(words[i]);
    bool is_word = strlen(s) == n;
    for (size_t j = 0; is_word && j < n; j++)
      is_word = (s[j] | 0x20) == words[i][j];
    if (is_word)
      return false;
  }
  return true;
}

static void put_scalar(FILE *out, const char *s)
{
  if (is_plain_safe(s)) {
    fputs(s, out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      fprintf(out, "\\x%02x", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

static void put_list(FILE *out, const char *const *items, size_t count)
{
  fputc('[', out);
  for (size_t i = 0; i < count; i++) {
    if (i)
      fputs(", ", out);
    put_scalar(out, items[i]);
  }
  fputc(']', out);
}

static void put_names(FILE *out, const scl_config_name *names, size_t count)
{
  fputc('[', out);
  for (size_t i = 0; i < count; i++) {
    if (i)
      fputs(", ", out);
    put_scalar(out, names[i].text);
  }
  fputc(']', out);
}

static void print_rules(FILE *out, const scl_config *cfg)
{
  if (!cfg || cfg->rule_count == 0) {
    fputs("rules: {}\n", out);
    return;
  }
  fputs("rules:\n", out);
  for (size_t i = 0; i < cfg->rule_count; i++) {
    const scl_config_rule *r = &cfg->rules[i];
    fputs("  ", out);
    put_scalar(out, r->name.text);
    if (r->level < 0 && r->param_count == 0) {
      fputs(": {}\n", out);
      continue;
    }
    fputs(":\n", out);
    if (r->level >= 0)
      fprintf(out, "    level: %s\n", scl_level_str((scl_level)r->level));
    if (r->param_count == 0)
      continue;
    fputs("    params: {", out);
    for (size_t j = 0; j < r->param_count; j++) {
      fputs(j ? ", " : "", out);
      put_scalar(out, r->params[j].name);
      fprintf(out, ": %.15g", r->params[j].value);
    }
    fputs("}\n", out);
  }
}

static void print_path_ignores(FILE *out, const scl_config *cfg)
{
  if (!cfg || cfg->path_ignore_count == 0) {
    fputs("per-path-ignores: {}\n", out);
    return;
  }
  fputs("per-path-ignores:\n", out);
  for (size_t i = 0; i < cfg->path_ignore_count; i++) {
    const scl_config_path_ignore *pi = &cfg->path_ignores[i];
    fputs("  ", out);
    put_scalar(out, pi->glob.text);
    fputs(": ", out);
    put_names(out, pi->rules.names, pi->rules.count);
    fputc('\n', out);
  }
}

static void print_header(FILE *out, const scl_config *cfg, const scl_run_opts *opts)
{
  if (opts->no_config) {
    fputs("# config files disabled (--no-config)\n", out);
  } else if (cfg) {
    fputs("# config file: ", out);
    fputs(cfg->path, out);
    fputs("\n# globs are relative to ", out);
    fputs(cfg->dir, out);
    fputs(strcmp(cfg->dir, "/") == 0 ? "" : "/", out);
    fputs("; rule-dirs are shown as scalint opens them\n", out);
  } else {
    fputs("# no config file found\n", out);
  }
}

scl_status scl_config_print_effective(FILE *out, const scl_config *cfg, const scl_run_opts *opts,
                                      int fail_on, scl_diag *diag)
{
  scl_config_opts m;
  scl_config_merge(&m, cfg, opts, fail_on);
  print_header(out, cfg, opts);

  fputs("select: ", out);
  put_list(out, m.opts.select, m.opts.select_count);
  fputs(opts->select_count ? "  # from the command line" : "", out);
  fputs(m.opts.select_count ? "\n" : "  # all rules\n", out);
  fputs("ignore: ", out);
  put_list(out, m.opts.ignore, m.opts.ignore_count);
  fputs(opts->ignore_count ? "  # from the command line\n" : "\n", out);
  fprintf(out, "fail-on: %s%s\n",
          m.fail_on == SCL_LEVEL_NONE ? "never" : scl_level_str((scl_level)m.fail_on),
          fail_on >= 0                        ? "  # from the command line"
          : (cfg && cfg->fail_on >= 0) ? ""
                                              : "  # default");
  fputs("rule-dirs: ", out);
  put_list(out, m.opts.rule_dirs, m.opts.rule_dir_count);
  fputc('\n', out);
  fputs("exclude: ", out);
  put_names(out, cfg ? cfg->exclude_globs : NULL, cfg ? cfg->exclude_count : 0);
  fputc('\n', out);
  print_path_ignores(out, cfg);
  print_rules(out, cfg);

  scl_config_opts_dispose(&m);
  if (fflush(out) != 0 || ferror(out))
    return scl_diag_set(diag, SCL_EIO, "cannot write the configuration");
  return SCL_OK;
}
