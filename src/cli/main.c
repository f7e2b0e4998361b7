/*
 * main.c - the scalint command line: argument parsing, subcommands, exit
 * codes. The only code that writes to stdout/stderr or calls exit().
 * It sees nothing but include/scalint/.
 *
 * Exit codes: 0 nothing at or above the failing level, 1 findings,
 * 2 usage / config / rule-file error, 3 internal error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "scalint/scalint.h"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

/* Most values one repeatable option (--rules, --select, paths) may take. */
#define MAX_LIST 256

typedef struct str_list {
  const char *items[MAX_LIST];
  size_t count;
} str_list;

typedef struct cli {
  const char *command;
  str_list paths;
  str_list rule_dirs;
  str_list select;
  str_list ignore;
  const char *format;
  const char *output;
  int fail_on;          /* scl_level; SCL_LEVEL_NONE = never fail; -1 = not given */
  const char *config;   /* --config FILE */
  bool no_config;
  int color;            /* -1 auto, 0 never, 1 always */
  bool quiet;
  bool show_suppressed;
  bool statistics;
  const char *category;  /* SARIF automationDetails.id */
  bool no_builtin;
  bool no_gitignore;
  bool no_default_excludes;
  size_t max_file_bytes;
  unsigned jobs;
  const char *baseline;        /* --baseline FILE */
  const char *diff_base;       /* --diff-base REF */
  const char *files_from;      /* --files-from FILE, "-" = stdin */
  bool no_unused_suppressions;
  const char *cache_dir;       /* --cache-dir DIR */
  bool no_cache;
  bool parse_only;             /* --parse-only (hidden): the benchmark's floor */
  bool no_prefilter;           /* --no-prefilter */
  int c_mode;                  /* --c-mode: scl_c_mode */
  unsigned shard_index, shard_count;  /* --shard K/N; count 0 = not sharded */
  bool format_given;
  char *default_cache_dir;     /* malloc'ed, lives until exit */
  char **only_files;           /* lines of files_from (malloc'ed, live until exit) */
  size_t only_file_count;
  char *owned[MAX_LIST]; /* strings split from comma lists */
  size_t owned_count;
} cli;

static const char usage_text[] =
  "usage: scalint <command> [options] [PATH...]\n"
  "\n"
  "Finds the code that makes a web service fall over at 10K+ users.\n"
  "\n"
  "commands:\n"
  "  check [PATH...]    scan files and directories (default: .)\n"
  "  baseline [PATH...] record today's findings (-o FILE) for check --baseline\n"
  "  rules              list the rules\n"
  "  explain RULE       print a rule's documentation (ID or slug)\n"
  "  dump FILE          print a file's syntax tree (for rule authors)\n"
  "  config [PATH]      print the effective configuration (.scalint.yml + options)\n"
  "  merge SHARD...     join the files of check --shard into one report (-o, -f)\n"
  "  version            print the version\n"
  "\n"
  "check options:\n"
  "  -f, --format FMT       text (default), json, sarif, github or gitlab\n"
  "  -o, --output FILE      write the report to FILE (atomically)\n"
  "      --select IDS       only these rules (IDs or slugs, comma-separated)\n"
  "      --ignore IDS       skip these rules\n"
  "      --rules PATH       also load rule files from PATH (repeatable)\n"
  "      --config FILE      use FILE instead of the .scalint.yml found above PATH\n"
  "      --no-config        ignore configuration files\n"
  "      --no-builtin       do not load the built-in rules\n"
  "      --fail-on LEVEL    exit 1 on findings at or above LEVEL:\n"
  "                         error, warning (default), note, never\n"
  "      --color WHEN       auto (default), always, never; NO_COLOR is honoured\n"
  "      --no-color         same as --color never\n"
  "  -q, --quiet            text: findings only, no source lines or summary\n"
  "      --statistics       text: counts per rule after the findings\n"
  "      --show-suppressed  also show suppressed and baseline findings\n"
  "      --baseline FILE    findings in FILE (from `scalint baseline`) are not new\n"
  "      --diff-base REF    only findings on lines changed since the git REF\n"
  "      --files-from FILE  only findings in the paths listed in FILE (- = stdin)\n"
  "      --no-unused-suppressions  do not report `scalint: ignore` comments that\n"
  "                         suppress nothing (SCL000)\n"
  "      --category ID      SARIF automationDetails.id (one per analysis in a repo)\n"
  "  -j, --jobs N           worker threads (default: number of CPUs)\n"
  "      --max-file-size N  skip larger files (bytes; K and M suffixes; default 2M)\n"
  "      --no-gitignore     do not honour .gitignore files\n"
  "      --no-default-excludes  also scan .git, node_modules and virtualenvs\n"
  "      --c-mode MODE      C parsing: full (default: system headers and\n"
  "                         compile_commands.json) or cheap (the file alone)\n"
  "      --cache-dir DIR    keep per-file results in DIR (default:\n"
  "                         $XDG_CACHE_HOME/scalint or ~/.cache/scalint)\n"
  "      --no-cache         neither read nor write the cache\n"
  "      --no-prefilter     parse every file, also those no rule can match\n"
  "      --shard K/N        scan share K of N (1-based) and write it to -o FILE\n"
  "                         for `scalint merge` (docs/ci-scale.md)\n"
  "  -h, --help             this help\n"
  "      --version          print the version\n"
  "\n"
  "exit status: 0 clean, 1 findings, 2 usage or rule-file error, 3 internal error\n";

static void usage_error(const char *fmt, const char *arg)
{
  fprintf(stderr, "scalint: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'scalint --help'.\n");
  exit(EXIT_USAGE);
}

static void list_push(str_list *l, const char *s, const char *what)
{
  if (l->count == MAX_LIST)
    usage_error("too many %s (at most 256)", what);
  l->items[l->count++] = s;
}

/* Splits "A,B" into the list; the copies live until exit. */
static void list_push_csv(cli *c, str_list *l, const char *s)
{
  char *copy = strdup(s);
  if (!copy || c->owned_count == MAX_LIST)
    usage_error("too many rule lists%s", "");
  c->owned[c->owned_count++] = copy;
  char *tok = copy;
  for (;;) {
    char *comma = strchr(tok, ',');
    if (comma)
      *comma = '\0';
    if (*tok)
      list_push(l, tok, "rule names");
    if (!comma)
      break;
    tok = comma + 1;
  }
}

static size_t parse_size(const char *s)
{
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s)
    usage_error("--max-file-size: not a size: '%s'", s);
  if (*end == 'k' || *end == 'K')
    v *= 1024, end++;
  else if (*end == 'm' || *end == 'M')
    v *= 1024 * 1024, end++;
  if (*end || v == 0)
    usage_error("--max-file-size: not a size: '%s'", s);
  return (size_t)v;
}

/* "K/N" with 1 <= K <= N <= 4096. */
static void parse_shard(cli *c, const char *s)
{
  char *end = NULL;
  long k = strtol(s, &end, 10);
  long n = 0;
  if (end != s && *end == '/') {
    const char *ns = end + 1;
    n = strtol(ns, &end, 10);
    if (end == ns)
      n = 0;
  }
  if (*end || k < 1 || n < 1 || k > n || n > 4096)
    usage_error("--shard takes K/N with 1 <= K <= N <= 4096, not '%s'", s);
  c->shard_index = (unsigned)k;
  c->shard_count = (unsigned)n;
}

static int parse_c_mode(const char *s)
{
  if (strcmp(s, "cheap") == 0)
    return SCL_C_MODE_CHEAP;
  if (strcmp(s, "full") == 0)
    return SCL_C_MODE_FULL;
  usage_error("--c-mode takes full or cheap, not '%s'", s);
  return SCL_C_MODE_AUTO;
}

static unsigned parse_jobs(const char *s)
{
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (end == s || *end || v < 1 || v > 64)
    usage_error("--jobs takes a number from 1 to 64, not '%s'", s);
  return (unsigned)v;
}

/* Value of an option given as "--opt VALUE", "--opt=VALUE" or, for the
 * short options that take one, attached: "-j2", "-fjson", "-oout.sarif". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
  const char *a = argv[*i];
  size_t n = strlen(name);
  if (strncmp(a, name, n) == 0 && a[n] == '=')
    return a + n + 1;
  if (a[0] == '-' && a[1] != '-' && a[1] && a[2])
    return a + 2;
  if (*i + 1 >= argc)
    usage_error("option '%s' needs a value", name);
  return argv[++*i];
}

static bool is_opt(const char *arg, const char *long_name, const char *short_name)
{
  size_t n = strlen(long_name);
  if (strncmp(arg, long_name, n) == 0 && (arg[n] == '\0' || arg[n] == '='))
    return true;
  return short_name && strcmp(arg, short_name) == 0;
}

/* A short option with its value attached ("-j2"); only for options that
 * take a value, so "-qj" style bundles stay errors. */
static bool is_attached(const char *arg, const char *short_name)
{
  return short_name && arg[0] == '-' && arg[1] == short_name[1] && arg[1] != '-' && arg[2];
}

static void parse_args(cli *c, int argc, char **argv)
{
  c->format = "text";
  c->fail_on = -1;  /* then the config's, else warning */
  c->color = -1;
  bool options_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
      if (!c->command)
        c->command = a;
      else
        list_push(&c->paths, a, "paths");
    } else if (strcmp(a, "--") == 0) {
      options_done = true;
    } else if (is_opt(a, "--help", "-h")) {
      fputs(usage_text, stdout);
      exit(EXIT_CLEAN);
    } else if (is_opt(a, "--version", NULL)) {
      printf("scalint %s\n", SCALINT_VERSION);
      exit(EXIT_CLEAN);
    } else if (is_opt(a, "--format", "-f") || is_attached(a, "-f")) {
      c->format = opt_value(argc, argv, &i, "--format");
      c->format_given = true;
    } else if (is_opt(a, "--output", "-o") || is_attached(a, "-o")) {
      c->output = opt_value(argc, argv, &i, "--output");
    } else if (is_opt(a, "--select", NULL)) {
      list_push_csv(c, &c->select, opt_value(argc, argv, &i, "--select"));
    } else if (is_opt(a, "--ignore", NULL)) {
      list_push_csv(c, &c->ignore, opt_value(argc, argv, &i, "--ignore"));
    } else if (is_opt(a, "--rules", NULL)) {
      list_push(&c->rule_dirs, opt_value(argc, argv, &i, "--rules"), "rule paths");
    } else if (is_opt(a, "--config", NULL)) {
      c->config = opt_value(argc, argv, &i, "--config");
    } else if (is_opt(a, "--no-config", NULL)) {
      c->no_config = true;
    } else if (is_opt(a, "--no-builtin", NULL)) {
      c->no_builtin = true;
    } else if (is_opt(a, "--fail-on", NULL)) {
      const char *v = opt_value(argc, argv, &i, "--fail-on");
      c->fail_on = scl_level_parse(v);
      if (c->fail_on < 0)
        usage_error("--fail-on takes error, warning, note or never, not '%s'", v);
    } else if (is_opt(a, "--color", NULL)) {
      const char *v = opt_value(argc, argv, &i, "--color");
      if (!strcmp(v, "auto"))
        c->color = -1;
      else if (!strcmp(v, "always"))
        c->color = 1;
      else if (!strcmp(v, "never"))
        c->color = 0;
      else
        usage_error("--color takes auto, always or never, not '%s'", v);
    } else if (is_opt(a, "--no-color", NULL)) {
      c->color = 0;
    } else if (is_opt(a, "--quiet", "-q")) {
      c->quiet = true;
    } else if (is_opt(a, "--statistics", NULL)) {
      c->statistics = true;
    } else if (is_opt(a, "--show-suppressed", NULL)) {
      c->show_suppressed = true;
    } else if (is_opt(a, "--baseline", NULL)) {
      c->baseline = opt_value(argc, argv, &i, "--baseline");
    } else if (is_opt(a, "--diff-base", NULL)) {
      c->diff_base = opt_value(argc, argv, &i, "--diff-base");
    } else if (is_opt(a, "--files-from", NULL)) {
      c->files_from = opt_value(argc, argv, &i, "--files-from");
    } else if (is_opt(a, "--no-unused-suppressions", NULL)) {
      c->no_unused_suppressions = true;
    } else if (is_opt(a, "--category", NULL)) {
      c->category = opt_value(argc, argv, &i, "--category");
    } else if (is_opt(a, "--jobs", "-j") || is_attached(a, "-j")) {
      c->jobs = parse_jobs(opt_value(argc, argv, &i, "--jobs"));
    } else if (is_opt(a, "--max-file-size", NULL)) {
      c->max_file_bytes = parse_size(opt_value(argc, argv, &i, "--max-file-size"));
    } else if (is_opt(a, "--no-gitignore", NULL)) {
      c->no_gitignore = true;
    } else if (is_opt(a, "--no-default-excludes", NULL)) {
      c->no_default_excludes = true;
    } else if (is_opt(a, "--cache-dir", NULL)) {
      c->cache_dir = opt_value(argc, argv, &i, "--cache-dir");
    } else if (is_opt(a, "--no-cache", NULL)) {
      c->no_cache = true;
    } else if (is_opt(a, "--no-prefilter", NULL)) {
      c->no_prefilter = true;
    } else if (is_opt(a, "--parse-only", NULL)) {
      c->parse_only = true;
    } else if (is_opt(a, "--c-mode", NULL)) {
      c->c_mode = parse_c_mode(opt_value(argc, argv, &i, "--c-mode"));
    } else if (is_opt(a, "--shard", NULL)) {
      parse_shard(c, opt_value(argc, argv, &i, "--shard"));
    } else {
      usage_error("unknown option '%s'", a);
    }
  }
}

static void print_rule_error(const scl_diag *diag, void *payload)
{
  char buf[SCL_DIAG_SIZE + SCL_DIAG_PATH + 64];
  (void)payload;
  scl_diag_format(diag, buf, sizeof(buf));
  fprintf(stderr, "%s\n", buf);
}

static int fail_with(const scl_diag *diag, scl_status st, bool already_printed)
{
  if (!already_printed) {
    char buf[SCL_DIAG_SIZE + SCL_DIAG_PATH + 64];
    scl_diag_format(diag, buf, sizeof(buf));
    fprintf(stderr, "scalint: %s\n", buf);
  }
  if (st == SCL_EINTERNAL)
    return EXIT_INTERNAL;
  return EXIT_USAGE;
}

static void fill_opts(scl_run_opts *o, const cli *c)
{
  scl_run_opts_init(o);
  o->paths = c->paths.items;
  o->path_count = c->paths.count;
  o->rule_dirs = c->rule_dirs.items;
  o->rule_dir_count = c->rule_dirs.count;
  o->select = c->select.items;
  o->select_count = c->select.count;
  o->ignore = c->ignore.items;
  o->ignore_count = c->ignore.count;
  o->no_builtin = c->no_builtin;
  o->max_file_bytes = c->max_file_bytes;
  o->no_gitignore = c->no_gitignore;
  o->no_default_excludes = c->no_default_excludes;
  o->jobs = c->jobs;
  o->config_path = c->config;
  o->no_config = c->no_config;
  o->baseline_path = c->baseline;
  o->diff_base = c->diff_base;
  o->only_files = (const char *const *)c->only_files;
  o->only_file_count = c->only_file_count;
  o->no_unused_suppressions = c->no_unused_suppressions;
  o->cache_dir = c->cache_dir ? c->cache_dir : c->default_cache_dir;
  o->no_cache = c->no_cache;
  o->parse_only = c->parse_only;
  o->c_mode = (scl_c_mode)c->c_mode;
  o->no_prefilter = c->no_prefilter;
}

/* The cache directory when --cache-dir is not given: $XDG_CACHE_HOME/scalint,
 * else $HOME/.cache/scalint, else none (no cache). Never inside the scanned
 * tree unless asked for. */
static void pick_default_cache_dir(cli *c)
{
  const char *base = getenv("XDG_CACHE_HOME");
  const char *suffix = "/scalint";
  if (!base || base[0] != '/') {
    base = getenv("HOME");
    suffix = "/.cache/scalint";
  }
  if (!base || base[0] != '/')
    return;
  size_t n = strlen(base) + strlen(suffix) + 1;
  c->default_cache_dir = malloc(n);
  if (c->default_cache_dir)
    snprintf(c->default_cache_dir, n, "%s%s", base, suffix);
}

/* Reads --files-from (one path per line, "-" = stdin) into c->only_files.
 * An empty list still filters: nothing is reported. */
static void read_files_from(cli *c)
{
  if (!c->files_from)
    return;
  bool is_stdin = strcmp(c->files_from, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(c->files_from, "r");
  if (!f)
    usage_error("--files-from: cannot read '%s'", c->files_from);
  char *line = NULL;
  size_t cap = 0, n = 0, alloc = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len == 0)
      continue;
    if (n == alloc) {
      alloc = alloc ? alloc * 2 : 64;
      char **grown = realloc(c->only_files, alloc * sizeof(char *));
      if (!grown)
        usage_error("--files-from: out of memory%s", "");
      c->only_files = grown;
    }
    c->only_files[n++] = strdup(line);
  }
  free(line);
  if (!is_stdin)
    fclose(f);
  if (!c->only_files) /* an empty list still filters: non-NULL, count 0 */
    c->only_files = malloc(sizeof(char *));
  c->only_file_count = n;
}

/* Rule errors were printed one by one by print_rule_error. */
static bool errors_printed(scl_status st)
{
  return st == SCL_ERULE || st == SCL_ECONFIG;
}

/* ==== output ============================================================ */

static bool want_color(const cli *c, FILE *out)
{
  if (c->color >= 0)
    return c->color == 1;
  if (c->output)
    return false;
  const char *nc = getenv("NO_COLOR");
  if (nc && *nc)
    return false;
  const char *term = getenv("TERM");
  if (term && !strcmp(term, "dumb"))
    return false;
  return isatty(fileno(out)) != 0;
}

/*
 * Writes the report to c->output atomically (a temporary file in the same
 * directory, renamed over the target once complete) or to stdout.
 */
static int write_report(const cli *c, const scl_result *res)
{
  scl_report_opts ro = {0};
  ro.tool_version = SCALINT_VERSION;
  ro.show_source = !c->quiet;
  ro.show_suppressed = c->show_suppressed;
  ro.statistics = c->statistics;
  ro.automation_id = c->category;
  scl_diag diag;
  scl_diag_clear(&diag);

  if (!c->output) {
    ro.color = want_color(c, stdout);
    scl_status st = scl_report_write(stdout, c->format, res, &ro, &diag);
    if (st == SCL_OK && fflush(stdout) != 0)
      st = scl_diag_set(&diag, SCL_EIO, "writing the report: %s", strerror(errno));
    if (st != SCL_OK)
      return fail_with(&diag, st, false);
    return EXIT_CLEAN;
  }

  size_t n = strlen(c->output);
  char *tmp = malloc(n + 16);
  if (!tmp)
    return EXIT_INTERNAL;
  snprintf(tmp, n + 16, "%s.tmpXXXXXX", c->output);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    fprintf(stderr, "scalint: cannot create %s: %s\n", tmp, strerror(errno));
    free(tmp);
    return EXIT_USAGE;
  }
  FILE *f = fdopen(fd, "w");
  scl_status st = f ? scl_report_write(f, c->format, res, &ro, &diag) : SCL_EIO;
  bool ok = st == SCL_OK && f && fflush(f) == 0 && fsync(fileno(f)) == 0;
  if (f ? fclose(f) != 0 : close(fd) != 0)
    ok = false;
  if (ok && rename(tmp, c->output) != 0)
    ok = false;
  if (!ok) {
    int err = errno;
    unlink(tmp);
    free(tmp);
    if (st != SCL_OK)
      return fail_with(&diag, st, false);
    fprintf(stderr, "scalint: cannot write %s: %s\n", c->output, strerror(err));
    return EXIT_USAGE;
  }
  free(tmp);
  return EXIT_CLEAN;
}

/* ==== commands ========================================================== */

static void check_format(const cli *c)
{
  const char *const *formats = scl_report_formats();
  bool known = false;
  for (size_t i = 0; formats[i]; i++)
    known = known || !strcmp(formats[i], c->format);
  if (!known)
    usage_error("unknown format '%s' (expected text, json, sarif, github or gitlab)", c->format);
}

static int report_and_exit_code(cli *c, scl_result *res);

/* `check --shard K/N -o FILE`: the shard file for `scalint merge`. */
static int cmd_check_shard(cli *c, scl_run_opts *o)
{
  if (!c->output)
    usage_error("--shard needs -o FILE: the shard file for `scalint merge`%s", "");
  if (c->format_given)
    usage_error("--shard writes a shard file; give -f to `scalint merge` instead%s", "");
  scl_diag diag;
  scl_result *res = NULL;
  scl_diag_clear(&diag);
  o->shard_index = c->shard_index;
  o->shard_count = c->shard_count;
  o->shard_output = c->output;
  scl_status st = scl_run(&res, o, print_rule_error, NULL, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  if (!c->quiet)
    fprintf(stderr, "scalint: shard %u/%u: %zu file%s scanned, written to %s\n", c->shard_index,
            c->shard_count, res->files_scanned, res->files_scanned == 1 ? "" : "s", c->output);
  scl_result_free(res);
  return EXIT_CLEAN;
}

/* `scalint merge SHARD...`: one report from every shard of a split. */
static int cmd_merge(cli *c)
{
  if (c->paths.count == 0)
    usage_error("merge takes the shard files written by check --shard K/N -o FILE%s", "");
  if (c->shard_count)
    usage_error("--shard is for check, not merge%s", "");
  scl_run_opts o;
  scl_diag diag;
  scl_result *res = NULL;
  scl_diag_clear(&diag);
  fill_opts(&o, c);
  o.paths = NULL;
  o.path_count = 0;
  check_format(c);
  scl_status st = scl_merge(&res, &o, c->paths.items, c->paths.count, print_rule_error, NULL,
                            &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  return report_and_exit_code(c, res);
}

static int cmd_check(cli *c)
{
  scl_run_opts o;
  scl_diag diag;
  scl_result *res = NULL;
  scl_diag_clear(&diag);
  fill_opts(&o, c);
  check_format(c);

  if (c->shard_count)
    return cmd_check_shard(c, &o);
  scl_status st = scl_run(&res, &o, print_rule_error, NULL, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  return report_and_exit_code(c, res);
}

/* Writes res, frees it and returns the exit status (findings at or above
 * the failing level, not suppressed, not in the baseline: 1). */
static int report_and_exit_code(cli *c, scl_result *res)
{
  int rc = write_report(c, res);
  int fail_on = c->fail_on >= 0 ? c->fail_on : res->fail_on >= 0 ? res->fail_on : SCL_LEVEL_WARNING;
  if (rc == EXIT_CLEAN && fail_on != SCL_LEVEL_NONE)
    for (size_t i = 0; i < res->finding_count; i++) {
      const scl_finding *f = &res->findings[i];
      /* suppressed findings and those already in the baseline never fail */
      if (f->suppression != SCL_SUPPRESS_NONE || f->baseline_state == SCL_BASELINE_UNCHANGED)
        continue;
      if ((int)f->level >= fail_on) {
        rc = EXIT_FINDINGS;
        break;
      }
    }
  scl_result_free(res);
  return rc;
}

/* `scalint baseline`: every finding of a scan (suppressed ones too) as a
 * baseline file, to -o FILE (atomically) or stdout. */
static int cmd_baseline(cli *c)
{
  scl_run_opts o;
  scl_diag diag;
  scl_result *res = NULL;
  scl_diag_clear(&diag);
  fill_opts(&o, c);
  o.baseline_path = NULL;
  o.diff_base = NULL;
  o.only_file_count = 0;
  o.no_unused_suppressions = true;
  scl_status st = scl_run(&res, &o, print_rule_error, NULL, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  FILE *f = stdout;
  char *tmp = NULL;
  if (c->output) {
    size_t n = strlen(c->output) + 16;
    tmp = malloc(n);
    snprintf(tmp, n, "%s.tmpXXXXXX", c->output);
    int fd = mkstemp(tmp);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
      fprintf(stderr, "scalint: cannot create %s: %s\n", tmp, strerror(errno));
      free(tmp);
      scl_result_free(res);
      return EXIT_USAGE;
    }
  }
  st = scl_baseline_write(f, res, &diag);
  bool ok = st == SCL_OK && fflush(f) == 0;
  if (c->output) {
    ok = fclose(f) == 0 && ok && rename(tmp, c->output) == 0;
    if (!ok)
      unlink(tmp);
    free(tmp);
  }
  size_t count = res->finding_count;
  scl_result_free(res);
  if (!ok) {
    if (st == SCL_OK)
      scl_diag_set(&diag, SCL_EIO, "writing the baseline: %s", strerror(errno));
    return fail_with(&diag, SCL_EIO, false);
  }
  if (c->output)
    fprintf(stderr, "scalint: %zu finding%s recorded in %s\n", count, count == 1 ? "" : "s",
            c->output);
  return EXIT_CLEAN;
}

static scl_status load_rule_list(scl_result **res, cli *c, scl_diag *diag)
{
  scl_run_opts o;
  fill_opts(&o, c);
  return scl_rules_list(res, &o, print_rule_error, NULL, diag);
}

static int cmd_rules(cli *c)
{
  scl_result *res = NULL;
  scl_diag diag;
  scl_diag_clear(&diag);
  scl_status st = load_rule_list(&res, c, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  printf("%-7s %-28s %-8s %-12s %s\n", "ID", "SLUG", "LEVEL", "LANGUAGES", "TITLE");
  for (size_t i = 0; i < res->rule_count; i++) {
    const scl_rule_info *r = &res->rules[i];
    printf("%-7s %-28s %-8s %-12s %s\n", r->id, r->slug, scl_level_str(r->level), r->languages,
           r->title);
  }
  scl_result_free(res);
  return EXIT_CLEAN;
}

static int cmd_explain(cli *c)
{
  if (c->paths.count != 1)
    usage_error("explain takes one rule ID or slug%s", "");
  const char *want = c->paths.items[0];
  scl_result *res = NULL;
  scl_diag diag;
  scl_diag_clear(&diag);
  c->paths.count = 0;
  scl_status st = load_rule_list(&res, c, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, errors_printed(st));
  const scl_rule_info *r = NULL;
  for (size_t i = 0; i < res->rule_count && !r; i++)
    if (!strcasecmp(res->rules[i].id, want) || !strcmp(res->rules[i].slug, want))
      r = &res->rules[i];
  if (!r) {
    fprintf(stderr, "scalint: unknown rule '%s' (see `scalint rules`)\n", want);
    scl_result_free(res);
    return EXIT_USAGE;
  }
  printf("# %s %s: %s\n\n", r->id, r->slug, r->title);
  printf("Level: %s. Languages: %s.\n\n", scl_level_str(r->level), r->languages);
  printf("Why: %s\nInstead: %s\n\n", r->why, r->instead);
  fputs(r->doc, stdout);
  if (r->doc[0] && r->doc[strlen(r->doc) - 1] != '\n')
    putchar('\n');
  if (r->help_uri)
    printf("\nSee: %s\n", r->help_uri);
  if (r->prefilter && *r->prefilter)
    printf("\nPrefilter (a file is parsed for this rule only if it has):\n%s\n", r->prefilter);
  scl_result_free(res);
  return EXIT_CLEAN;
}

static int cmd_config(cli *c)
{
  scl_run_opts o;
  scl_diag diag;
  scl_diag_clear(&diag);
  fill_opts(&o, c);
  scl_status st = scl_config_print(stdout, &o, &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, false);
  return EXIT_CLEAN;
}

static int cmd_dump(cli *c)
{
  if (c->paths.count != 1)
    usage_error("dump takes one FILE%s", "");
  scl_diag diag;
  scl_diag_clear(&diag);
  scl_status st = scl_dump_file(stdout, c->paths.items[0], &diag);
  if (st != SCL_OK)
    return fail_with(&diag, st, false);
  return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
  static cli c;
  parse_args(&c, argc, argv);
  pick_default_cache_dir(&c);
  int rc;
  if (!c.command) {
    fputs(usage_text, stderr);
    rc = EXIT_USAGE;
  } else if (!strcmp(c.command, "check")) {
    read_files_from(&c);
    rc = cmd_check(&c);
  } else if (!strcmp(c.command, "baseline")) {
    read_files_from(&c);
    rc = cmd_baseline(&c);
  } else if (!strcmp(c.command, "rules")) {
    rc = cmd_rules(&c);
  } else if (!strcmp(c.command, "explain")) {
    rc = cmd_explain(&c);
  } else if (!strcmp(c.command, "merge")) {
    read_files_from(&c);
    rc = cmd_merge(&c);
  } else if (!strcmp(c.command, "config")) {
    rc = cmd_config(&c);
  } else if (!strcmp(c.command, "dump")) {
    rc = cmd_dump(&c);
  } else if (!strcmp(c.command, "version")) {
    printf("scalint %s\n", SCALINT_VERSION);
    rc = EXIT_CLEAN;
  } else {
    fprintf(stderr, "scalint: unknown command '%s'\nTry 'scalint --help'.\n", c.command);
    rc = EXIT_USAGE;
  }
  for (size_t i = 0; i < c.owned_count; i++)
    free(c.owned[i]);
  free(c.default_cache_dir);
  return rc;
}
