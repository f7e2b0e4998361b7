/*
 * test_config.c - unit tests of the .scalint.yml module: every key parsed,
 * errors with their file:line:col (unknown keys with a did-you-mean, wrong
 * types, bad levels and globs), the upward search, relative paths, exclude
 * and per-path-ignores matching, rule overrides on a real ruleset (and their
 * effect on a scan), and the effective configuration printout.
 *
 * Each test works in its own temporary directory under /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "engine/engine.h"
#include "engine/regex.h"
#include "frontend/frontend.h"
#include "util/buf.h"

/* ---- helpers ---- */

#define MAX_ERRORS 32

typedef struct errors {
  char msgs[MAX_ERRORS][SCL_DIAG_SIZE + SCL_DIAG_PATH + 32];
  unsigned count;
} errors;

static void collect(const scl_diag *diag, void *payload)
{
  errors *e = payload;
  if (e->count < MAX_ERRORS)
    scl_diag_format(diag, e->msgs[e->count], sizeof(e->msgs[0]));
  e->count++;
}

static void expect_error(const errors *e, const char *needle)
{
  for (unsigned i = 0; i < e->count && i < MAX_ERRORS; i++) {
    if (strstr(e->msgs[i], needle))
      return;
  }
  for (unsigned i = 0; i < e->count && i < MAX_ERRORS; i++)
    print_message("  error: %s\n", e->msgs[i]);
  print_message("expected an error containing: %s\n", needle);
  fail();
}

/* A fresh temporary directory; caller frees and removes with rm_tree. */
static char *make_tmpdir(void)
{
  char *dir = strdup("/tmp/scl_config_XXXXXX");
  assert_non_null(mkdtemp(dir));
  return dir;
}

static void rm_tree(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
      if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
        continue;
      scl_buf sub;
      scl_buf_init(&sub, 0);
      scl_buf_printf(&sub, "%s/%s", path, de->d_name);
      rm_tree(scl_buf_cstr(&sub));
      scl_buf_dispose(&sub);
    }
    if (d)
      closedir(d);
    rmdir(path);
  } else {
    unlink(path);
  }
}

/* Writes text to dir/rel, creating the directories on the way. */
static void write_file(const char *dir, const char *rel, const char *text)
{
  scl_buf p;
  scl_buf_init(&p, 0);
  scl_buf_printf(&p, "%s/%s", dir, rel);
  for (size_t i = strlen(dir) + 1; i < p.len; i++) {
    if (p.data[i] == '/') {
      p.data[i] = '\0';
      mkdir(p.data, 0700);
      p.data[i] = '/';
    }
  }
  FILE *f = fopen(scl_buf_cstr(&p), "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
  scl_buf_dispose(&p);
}

/* Writes text as dir/.scalint.yml and loads it; returns the status. */
static scl_status load_text(scl_config **cfg, const char *dir, const char *text, errors *e)
{
  memset(e, 0, sizeof(*e));
  write_file(dir, ".scalint.yml", text);
  scl_buf p;
  scl_buf_init(&p, 0);
  scl_buf_printf(&p, "%s/.scalint.yml", dir);
  scl_diag d;
  scl_diag_clear(&d);
  scl_status st = scl_config_load(cfg, scl_buf_cstr(&p), collect, e, &d);
  if (st != SCL_OK) {
    assert_null(*cfg);
    assert_int_equal(d.status, st);  /* diag holds the first problem */
  }
  scl_buf_dispose(&p);
  return st;
}

/* Loads text expecting failure with one error containing ":line:col: needle". */
static void expect_load_error(const char *text, const char *needle)
{
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, text, &e), SCL_ECONFIG);
  expect_error(&e, needle);
  rm_tree(dir);
  free(dir);
}

static const char *const full_config =
  "# .scalint.yml\n"
  "select: [SCL001, default-pool-size]\n"
  "ignore: [SCL046]\n"
  "fail-on: note\n"
  "rule-dirs: [tools/scalint-rules, /opt/rules/]\n"
  "exclude: [\"migrations/**\", \"**/*_pb2.py\", \"vendor/\"]\n"
  "per-path-ignores:\n"
  "  \"tests/**\": [SCL003, SCL022]\n"
  "  \"scripts/*.py\": [all]\n"
  "rules:\n"
  "  SCL021:\n"
  "    level: warning\n"
  "    params: { min_pool_size: 50 }\n"
  "  hard-result-cap:\n"
  "    params: { min_cap: 500 }\n";

/* ---- parsing ---- */

static void test_config__parses_every_key(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, full_config, &e), SCL_OK);
  assert_int_equal(e.count, 0);

  assert_true(cfg->select.is_set);
  assert_int_equal(cfg->select.count, 2);
  assert_string_equal(cfg->select.texts[0], "SCL001");
  assert_string_equal(cfg->select.texts[1], "default-pool-size");
  assert_int_equal(cfg->select.names[1].line, 2);
  assert_int_equal(cfg->select.names[1].col, 18);
  assert_int_equal(cfg->ignore.count, 1);
  assert_string_equal(cfg->ignore.texts[0], "SCL046");
  assert_int_equal(cfg->fail_on, SCL_LEVEL_NOTE);

  assert_int_equal(cfg->rule_dir_count, 2);
  char want[512];
  snprintf(want, sizeof(want), "%s/tools/scalint-rules", dir);
  assert_string_equal(cfg->rule_dirs[0], want);
  assert_string_equal(cfg->rule_dirs[1], "/opt/rules");
  assert_string_equal(cfg->rule_dirs_raw[0].text, "tools/scalint-rules");

  assert_int_equal(cfg->exclude_count, 3);
  assert_string_equal(cfg->exclude_globs[2].text, "vendor/");
  assert_int_equal(cfg->path_ignore_count, 2);
  assert_string_equal(cfg->path_ignores[0].glob.text, "tests/**");
  assert_int_equal(cfg->path_ignores[0].rules.count, 2);
  assert_false(cfg->path_ignores[0].is_all);
  assert_true(cfg->path_ignores[1].is_all);

  assert_int_equal(cfg->rule_count, 2);
  assert_string_equal(cfg->rules[0].name.text, "SCL021");
  assert_int_equal(cfg->rules[0].level, SCL_LEVEL_WARNING);
  assert_int_equal(cfg->rules[0].param_count, 1);
  assert_string_equal(cfg->rules[0].params[0].name, "min_pool_size");
  assert_true(cfg->rules[0].params[0].value == 50.0);
  assert_int_equal(cfg->rules[1].level, -1);
  assert_true(cfg->rules[1].params[0].value == 500.0);
  assert_string_equal(cfg->dir, dir);

  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static void test_config__empty_and_null_values(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, "# nothing yet\n", &e), SCL_OK);
  assert_false(cfg->select.is_set);
  assert_int_equal(cfg->fail_on, -1);
  scl_config_free(cfg);
  assert_int_equal(load_text(&cfg, dir, "select: []\nignore:\nrules: ~\nexclude:\n", &e), SCL_OK);
  assert_true(cfg->select.is_set);
  assert_int_equal(cfg->select.count, 0);
  assert_false(cfg->ignore.is_set);
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static void test_config__unknown_key_did_you_mean(void **state)
{
  (void)state;
  expect_load_error("fail-on: error\nselcet: [SCL001]\n",
                    ".scalint.yml:2:1: unknown key 'selcet'; did you mean 'select'?");
  expect_load_error("fail_on: error\n", "1:1: unknown key 'fail_on'; did you mean 'fail-on'?");
  expect_load_error("colour: red\n", "1:1: unknown key 'colour' (expected one of: select, "
                                     "ignore, fail-on, rule-dirs, exclude, per-path-ignores, "
                                     "rules)");
  expect_load_error("rules:\n  SCL021:\n    levle: error\n",
                    "3:5: unknown key 'levle' in the settings of rule SCL021; did you mean "
                    "'level'?");
}

static void test_config__wrong_types(void **state)
{
  (void)state;
  expect_load_error("select: {SCL001: true}\n",
                    ".scalint.yml:1:9: 'select' must be a list of rule IDs or slugs, got a "
                    "mapping");
  expect_load_error("ignore: SCL001\n", "1:9: 'ignore' must be a list of rule IDs or slugs, "
                                        "got a string");
  expect_load_error("select: [SCL001, [x]]\n", "1:18: 'select' must be a list of rule IDs or "
                                               "slugs; this entry is a list");
  expect_load_error("exclude: \"*.py\"\n", "1:10: 'exclude' must be a list of globs, got a "
                                          "string");
  expect_load_error("rule-dirs:\n  a: b\n", "2:3: 'rule-dirs' must be a list of directories, "
                                           "got a mapping");
  expect_load_error("per-path-ignores: [tests]\n",
                    "1:19: 'per-path-ignores' must be a mapping of globs to lists of rule IDs");
  expect_load_error("per-path-ignores:\n  tests/: SCL001\n",
                    "2:11: 'per-path-ignores' entry 'tests/' must be a list of rule IDs or "
                    "slugs (or [all]), got a string");
  expect_load_error("rules: [SCL001]\n", "1:8: 'rules' must be a mapping");
  expect_load_error("rules:\n  SCL021: warning\n",
                    "2:11: settings of rule SCL021 must be a mapping with 'level' and/or "
                    "'params', got a string");
  expect_load_error("rules:\n  SCL021:\n    params: {min_pool_size: \"50\"}\n",
                    "3:29: parameter 'min_pool_size' of rule SCL021 must be a number, got '50'");
  expect_load_error("rules:\n  SCL021:\n    params: [1]\n",
                    "3:13: 'params' of rule SCL021 must be a mapping of names to numbers");
  expect_load_error("- select\n", "1:1: a config file must be a mapping of settings");
}

static void test_config__bad_levels(void **state)
{
  (void)state;
  expect_load_error("fail-on: sometimes\n",
                    ".scalint.yml:1:10: 'fail-on' must be error, warning, note or never, got "
                    "'sometimes'");
  expect_load_error("fail-on: [error]\n", "1:10: 'fail-on' must be error, warning, note or "
                                          "never, got a list");
  expect_load_error("rules:\n  SCL021: {level: never}\n",
                    "2:19: 'level' of rule SCL021 must be error, warning or note, got 'never'");
  /* every problem is reported, not just the first */
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, "fail-on: x\nselect: {}\nfoo: 1\n", &e), SCL_ECONFIG);
  assert_int_equal(e.count, 3);
  rm_tree(dir);
  free(dir);
}

static void test_config__bad_globs(void **state)
{
  (void)state;
  expect_load_error("exclude: [\"src/[ab\"]\n", "1:11: 'exclude' glob 'src/[ab' has an "
                                                "unterminated '['");
  expect_load_error("exclude: [\"../other/**\"]\n", "'exclude' glob '../other/**' leaves the "
                                                    "config file's directory");
  expect_load_error("exclude: [\"!\"]\n", "'exclude' glob '!' matches nothing");
  expect_load_error("per-path-ignores:\n  \"#x\": [all]\n",
                    "2:3: 'per-path-ignores' glob '#x' starts with '#'");
}

static void test_config__yaml_errors_and_missing_file(void **state)
{
  (void)state;
  expect_load_error("select: [SCL001\n", ".scalint.yml:");
  expect_load_error("select: [a]\nselect: [b]\n", "2:1: duplicate key 'select'");

  scl_config *cfg = NULL;
  errors e;
  memset(&e, 0, sizeof(e));
  scl_diag d;
  assert_int_equal(scl_config_load(&cfg, "/nonexistent/.scalint.yml", collect, &e, &d), SCL_EIO);
  assert_null(cfg);
  expect_error(&e, "/nonexistent/.scalint.yml: cannot read the config file");
}

/* ---- finding the file ---- */

static void test_config__find_walks_up(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  write_file(dir, "a/b/c/app.py", "x = 1\n");
  write_file(dir, "a/.scalint.yml", "select: []\n");
  write_file(dir, "a/b/.scalint.yaml", "select: []\n");
  scl_buf p;
  scl_buf_init(&p, 0);
  char *found = NULL;
  scl_diag d;

  /* from a directory: the nearest one wins */
  scl_buf_printf(&p, "%s/a/b/c", dir);
  assert_int_equal(scl_config_find(&found, scl_buf_cstr(&p), &d), SCL_OK);
  assert_non_null(found);
  assert_non_null(strstr(found, "/a/b/.scalint.yaml"));
  free(found);
  /* .yml before .yaml in one directory */
  write_file(dir, "a/b/.scalint.yml", "select: []\n");
  assert_int_equal(scl_config_find(&found, scl_buf_cstr(&p), &d), SCL_OK);
  assert_non_null(strstr(found, "/a/b/.scalint.yml"));
  free(found);

  /* from a file, relative to the current directory: the result is relative */
  char old_cwd[4096];
  assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
  scl_buf_clear(&p);
  scl_buf_printf(&p, "%s/a", dir);
  assert_int_equal(chdir(scl_buf_cstr(&p)), 0);
  unlink("b/.scalint.yml");
  unlink("b/.scalint.yaml");
  assert_int_equal(scl_config_find(&found, "b/c/app.py", &d), SCL_OK);
  assert_non_null(found);
  assert_string_equal(found, ".scalint.yml");
  free(found);
  /* above the current directory: absolute */
  unlink(".scalint.yml");
  write_file(dir, ".scalint.yml", "select: []\n");
  assert_int_equal(scl_config_find(&found, "b/c", &d), SCL_OK);
  assert_non_null(found);
  assert_int_equal(found[0], '/');
  assert_non_null(strstr(found, "/.scalint.yml"));
  free(found);
  assert_int_equal(chdir(old_cwd), 0);

  /* no config anywhere above: NULL, not an error (unless / or /tmp has one) */
  scl_buf_clear(&p);
  scl_buf_printf(&p, "%s/.scalint.yml", dir);
  unlink(scl_buf_cstr(&p));
  scl_buf_clear(&p);
  scl_buf_printf(&p, "%s/a/b/c", dir);
  if (access("/tmp/.scalint.yml", F_OK) != 0 && access("/.scalint.yml", F_OK) != 0 &&
      access("/tmp/.scalint.yaml", F_OK) != 0 && access("/.scalint.yaml", F_OK) != 0) {
    assert_int_equal(scl_config_find(&found, scl_buf_cstr(&p), &d), SCL_OK);
    assert_null(found);
  }
  assert_int_equal(scl_config_find(&found, "/nonexistent/dir", &d), SCL_EIO);
  assert_null(found);

  scl_buf_dispose(&p);
  rm_tree(dir);
  free(dir);
}

static void test_config__resolve_honours_options(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  write_file(dir, "proj/src/app.py", "x = 1\n");
  write_file(dir, "proj/.scalint.yml", "fail-on: error\n");
  write_file(dir, "other.yml", "fail-on: note\n");
  scl_buf p, q;
  scl_buf_init(&p, 0);
  scl_buf_init(&q, 0);
  scl_buf_printf(&p, "%s/proj/src", dir);
  scl_buf_printf(&q, "%s/other.yml", dir);
  const char *paths[] = {scl_buf_cstr(&p)};
  scl_run_opts opts;
  memset(&opts, 0, sizeof(opts));
  opts.paths = paths;
  opts.path_count = 1;
  scl_config *cfg = NULL;
  scl_diag d;

  assert_int_equal(scl_config_resolve(&cfg, &opts, NULL, NULL, &d), SCL_OK);
  assert_non_null(cfg);
  assert_int_equal(cfg->fail_on, SCL_LEVEL_ERROR);
  scl_config_free(cfg);

  opts.config_path = scl_buf_cstr(&q);
  assert_int_equal(scl_config_resolve(&cfg, &opts, NULL, NULL, &d), SCL_OK);
  assert_int_equal(cfg->fail_on, SCL_LEVEL_NOTE);
  scl_config_free(cfg);

  opts.no_config = true;
  assert_int_equal(scl_config_resolve(&cfg, &opts, NULL, NULL, &d), SCL_OK);
  assert_null(cfg);

  opts.no_config = false;
  opts.config_path = "/nonexistent.yml";
  assert_int_equal(scl_config_resolve(&cfg, &opts, NULL, NULL, &d), SCL_EIO);
  assert_null(cfg);

  scl_buf_dispose(&p);
  scl_buf_dispose(&q);
  rm_tree(dir);
  free(dir);
}

static void test_config__relative_paths_resolved(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  write_file(dir, "sub/.scalint.yml", "rule-dirs: [tools/rules/, ../shared-rules]\n");
  write_file(dir, ".scalint.yml", "rule-dirs: [tools/rules]\n");
  char old_cwd[4096];
  assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
  assert_int_equal(chdir(dir), 0);

  scl_config *cfg = NULL;
  scl_diag d;
  assert_int_equal(scl_config_load(&cfg, "sub/.scalint.yml", NULL, NULL, &d), SCL_OK);
  assert_string_equal(cfg->dir, "sub");
  assert_string_equal(cfg->rule_dirs[0], "sub/tools/rules");
  assert_string_equal(cfg->rule_dirs[1], "sub/../shared-rules");

  /* scanned paths (relative to the cwd) become relative to the config dir */
  char *rel = scl_config_rel_path(cfg, "sub/tests/test_a.py");
  assert_string_equal(rel, "tests/test_a.py");
  free(rel);
  rel = scl_config_rel_path(cfg, "./sub/./x/../y.py");
  assert_string_equal(rel, "y.py");
  free(rel);
  rel = scl_config_rel_path(cfg, "sub");
  assert_string_equal(rel, "");
  free(rel);
  assert_null(scl_config_rel_path(cfg, "subway/a.py"));
  assert_null(scl_config_rel_path(cfg, "other/a.py"));
  scl_buf p;
  scl_buf_init(&p, 0);
  scl_buf_printf(&p, "%s/sub/a.py", cfg->cwd);
  rel = scl_config_rel_path(cfg, scl_buf_cstr(&p));
  assert_string_equal(rel, "a.py");
  free(rel);
  scl_buf_dispose(&p);
  scl_config_free(cfg);

  assert_int_equal(scl_config_load(&cfg, ".scalint.yml", NULL, NULL, &d), SCL_OK);
  assert_string_equal(cfg->dir, ".");
  assert_string_equal(cfg->rule_dirs[0], "tools/rules");
  rel = scl_config_rel_path(cfg, "sub/a.py");
  assert_string_equal(rel, "sub/a.py");
  free(rel);
  scl_config_free(cfg);

  assert_int_equal(chdir(old_cwd), 0);
  rm_tree(dir);
  free(dir);
}

/* ---- matching ---- */

static void test_config__exclude_matching(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir,
                             "exclude:\n"
                             "  - \"migrations/**\"\n"
                             "  - \"**/*_pb2.py\"\n"
                             "  - \"vendor/\"\n"
                             "  - \"*.gen.js\"\n"
                             "  - \"!keep.gen.js\"\n"
                             "  - \"build\"\n"
                             "  - \"!build/keep.py\"\n"
                             "  - \"/top.py\"\n",
                             &e),
                   SCL_OK);
  assert_true(scl_config_excluded(cfg, "migrations/0001_init.py", false));
  assert_true(scl_config_excluded(cfg, "migrations/a/b.py", false));
  /* "dir/" + "**" matches what is inside, not dir itself */
  assert_false(scl_config_excluded(cfg, "migrations", true));
  assert_false(scl_config_excluded(cfg, "app/migrations.py", false));
  assert_true(scl_config_excluded(cfg, "api/v1/user_pb2.py", false));
  assert_true(scl_config_excluded(cfg, "user_pb2.py", false));
  assert_false(scl_config_excluded(cfg, "api/v1/user_pb2.pyi", false));
  /* dir/ matches directories only, at any depth, and takes their contents */
  assert_true(scl_config_excluded(cfg, "vendor", true));
  assert_false(scl_config_excluded(cfg, "vendor", false));
  assert_true(scl_config_excluded(cfg, "lib/vendor/x.py", false));
  /* basename globs at any depth, and negation: the last match wins */
  assert_true(scl_config_excluded(cfg, "web/app.gen.js", false));
  assert_false(scl_config_excluded(cfg, "web/keep.gen.js", false));
  /* a file inside an excluded directory cannot be re-included */
  assert_true(scl_config_excluded(cfg, "build/keep.py", false));
  /* a leading / anchors to the config directory */
  assert_true(scl_config_excluded(cfg, "top.py", false));
  assert_false(scl_config_excluded(cfg, "src/top.py", false));
  assert_false(scl_config_excluded(cfg, "src/app.py", false));
  assert_false(scl_config_excluded(NULL, "vendor", true));
  assert_false(scl_config_excluded(cfg, NULL, true));
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static void test_config__per_path_ignores(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir,
                             "per-path-ignores:\n"
                             "  \"tests/**\": [SCL003, connection-per-request]\n"
                             "  \"scripts/*.py\": [all]\n"
                             "  \"*.sql\": [SCL004]\n"
                             "  \"fixtures/\": [SCL001]\n"
                             "  \"!src/**\": [SCL046]\n",
                             &e),
                   SCL_OK);
  /* by ID or by slug */
  assert_true(scl_config_path_ignored(cfg, "tests/unit/test_a.py", "SCL003", "query-in-loop"));
  assert_true(scl_config_path_ignored(cfg, "tests/test_b.py", "SCL022", "connection-per-request"));
  assert_false(scl_config_path_ignored(cfg, "tests/test_b.py", "SCL001", "hard-result-cap"));
  assert_false(scl_config_path_ignored(cfg, "src/tests.py", "SCL003", "query-in-loop"));
  /* [all], with a one-segment * that does not cross '/' */
  assert_true(scl_config_path_ignored(cfg, "scripts/seed.py", "SCL001", "hard-result-cap"));
  assert_false(scl_config_path_ignored(cfg, "scripts/sub/seed.py", "SCL001", "hard-result-cap"));
  /* a basename glob at any depth; a dir/ glob covers what is inside */
  assert_true(scl_config_path_ignored(cfg, "db/q/report.sql", "SCL004", "x"));
  assert_true(scl_config_path_ignored(cfg, "web/fixtures/a.py", "SCL001", "x"));
  assert_false(scl_config_path_ignored(cfg, "web/fixtures.py", "SCL001", "x"));
  /* "!glob": the rules are ignored outside what it matches */
  assert_true(scl_config_path_ignored(cfg, "tools/run.py", "SCL046", "x"));
  assert_false(scl_config_path_ignored(cfg, "src/server.py", "SCL046", "x"));
  assert_false(scl_config_path_ignored(NULL, "tests/a.py", "SCL003", NULL));
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

/* ---- rule settings ---- */

#define DOC                          \
  "doc: |\n"                         \
  "  ## What it catches\n"           \
  "  Something.\n"                   \
  "  ## Why it hurts at 10K users\n" \
  "  ## Instead\n"                   \
  "  ## Known false positives\n"     \
  "  ## Parameters\n"                \
  "  min_cap: the smallest cap that is reported.\n"

static const char *const cap_rule =
  "id: SCL910\nslug: cap\nlevel: error\nlanguages: [py]\ntitle: t\n"
  "message: \"`{{call}}` stops at {{cap}}\"\n"
  "why: w\ninstead: i\nparams:\n  min_cap: 100\n  max_cap: 1000000\n"
  "match:\n"
  "  py:\n"
  "    pattern: \"(call function: (attribute attribute: (identifier) @m) arguments: "
  "(argument_list (integer) @cap)) @call\"\n"
  "    where:\n"
  "      - regex: {capture: m, pcre2: '^to_list$'}\n"
  "      - compare: {capture: cap, op: '>=', param: min_cap}\n"
  "    report: cap\n" DOC;

static scl_ruleset *load_cap_rule(void)
{
  scl_ruleset *rs = NULL;
  scl_diag d;
  errors e;
  memset(&e, 0, sizeof(e));
  assert_int_equal(scl_ruleset_new(&rs, &d), SCL_OK);
  assert_int_equal(scl_ruleset_add_text(rs, "SCL910-cap.yaml", cap_rule, strlen(cap_rule), false,
                                        collect, &e, &d),
                   SCL_OK);
  return rs;
}

/* Number of findings of rs (compiled) on a small Python file. */
static size_t count_findings(const scl_ruleset *rs, scl_level *level_out)
{
  const char *src = "a = cur.to_list(500)\nb = cur.to_list(50)\n";
  scl_frontend *fe = NULL;
  scl_diag d;
  assert_int_equal(scl_frontend_new(&fe, &d), SCL_OK);
  scl_arena tree_arena, scratch, out_arena;
  scl_arena_init(&tree_arena);
  scl_arena_init(&scratch);
  scl_arena_init(&out_arena);
  scl_tree tree;
  assert_int_equal(scl_frontend_parse(&tree, fe, SCL_LANG_PY, "t.py", src, strlen(src),
                                      &tree_arena, &d),
                   SCL_OK);
  scl_finding_vec found = {0};
  scl_notice_vec notices = {0};
  assert_int_equal(scl_engine_scan(&found, &notices, NULL, &out_arena, rs, &tree, SCL_LANG_PY,
                                   "t.py", &scratch, &d),
                   SCL_OK);
  size_t n = found.count;
  if (n > 0 && level_out)
    *level_out = found.items[0].level;
  free(found.items);
  free(notices.items);
  scl_arena_dispose(&out_arena);
  scl_arena_dispose(&scratch);
  scl_arena_dispose(&tree_arena);
  scl_frontend_free(fe);
  return n;
}

static void test_config__override_level_and_param(void **state)
{
  (void)state;
  scl_ruleset *rs = load_cap_rule();
  scl_diag d;
  /* defaults: min_cap 100 reports to_list(500) only */
  assert_true(scl_ruleset_param(rs, "SCL910", "min_cap") == 100.0);
  assert_true(isnan(scl_ruleset_param(rs, "SCL910", "nope")));
  assert_true(isnan(scl_ruleset_param(rs, "SCL999", "min_cap")));

  assert_int_equal(scl_ruleset_override(rs, "cap", SCL_LEVEL_NOTE, "min_cap", 40, &d), SCL_OK);
  assert_true(scl_ruleset_param(rs, "SCL910", "min_cap") == 40.0);
  assert_int_equal(scl_ruleset_override(rs, "SCL910", -1, "min_cap", 1000, &d), SCL_OK);
  assert_int_equal(scl_ruleset_lookup(rs, "cap")->level, SCL_LEVEL_NOTE);

  assert_int_equal(scl_ruleset_override(rs, "SCL999", SCL_LEVEL_NOTE, NULL, 0, &d), SCL_EINVAL);
  assert_string_equal(d.msg, "unknown rule 'SCL999'");
  assert_int_equal(scl_ruleset_override(rs, "SCL910", SCL_LEVEL_ERROR, "x", 1, &d), SCL_EINVAL);
  assert_string_equal(d.msg, "rule SCL910 has no parameter 'x' (it has: min_cap, max_cap)");
  /* a failed override changes nothing, not even the level */
  assert_int_equal(scl_ruleset_lookup(rs, "cap")->level, SCL_LEVEL_NOTE);
  assert_int_equal(scl_ruleset_override(rs, "SCL910", 7, NULL, 0, &d), SCL_EINVAL);

  errors e;
  memset(&e, 0, sizeof(e));
  assert_int_equal(scl_ruleset_compile(rs, collect, &e, &d), SCL_OK);
  assert_int_equal(scl_ruleset_info(rs, 0)->level, SCL_LEVEL_NOTE);
  /* min_cap is now 1000: neither call is reported */
  assert_int_equal(count_findings(rs, NULL), 0);
  /* after compile the ruleset is read-only */
  assert_int_equal(scl_ruleset_override(rs, "SCL910", -1, "min_cap", 10, &d), SCL_EINVAL);
  scl_ruleset_free(rs);
}

static void test_config__apply_rules_from_config(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir,
                             "select: [cap]\n"
                             "rules:\n"
                             "  cap:\n"
                             "    level: warning\n"
                             "    params: {min_cap: 10}\n",
                             &e),
                   SCL_OK);
  scl_ruleset *rs = load_cap_rule();
  scl_diag d;
  assert_int_equal(scl_config_apply_rules(cfg, rs, collect, &e, &d), SCL_OK);
  assert_int_equal(e.count, 0);
  assert_int_equal(scl_ruleset_filter(rs, cfg->select.texts, cfg->select.count, NULL, 0, &d),
                   SCL_OK);
  assert_int_equal(scl_ruleset_compile(rs, collect, &e, &d), SCL_OK);
  assert_int_equal(scl_ruleset_info(rs, 0)->level, SCL_LEVEL_WARNING);
  assert_true(scl_ruleset_param(rs, "cap", "min_cap") == 10.0);
  /* min_cap 10: both to_list(500) and to_list(50) are reported, as warnings */
  scl_level level = SCL_LEVEL_NONE;
  assert_int_equal(count_findings(rs, &level), 2);
  assert_int_equal(level, SCL_LEVEL_WARNING);
  scl_ruleset_free(rs);
  scl_config_free(cfg);
  assert_int_equal(scl_config_apply_rules(NULL, NULL, NULL, NULL, &d), SCL_OK);
  rm_tree(dir);
  free(dir);
}

static void test_config__apply_rules_errors_at_position(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir,
                             "select: [caps, SCL910]\n"
                             "ignore: [nothing-like-it]\n"
                             "per-path-ignores:\n"
                             "  tests/: [all, SCL911]\n"
                             "rules:\n"
                             "  SCL910:\n"
                             "    params: {min_cap: 5, min_cpa: 3}\n"
                             "  cap: {level: note}\n"
                             "  SCL999: {level: note}\n",
                             &e),
                   SCL_OK);
  scl_ruleset *rs = load_cap_rule();
  scl_diag d;
  scl_diag_clear(&d);
  assert_int_equal(scl_config_apply_rules(cfg, rs, collect, &e, &d), SCL_ECONFIG);
  expect_error(&e, ".scalint.yml:1:10: unknown rule 'caps' in 'select'; did you mean 'cap'?");
  expect_error(&e, "2:10: unknown rule 'nothing-like-it' in 'ignore' (see `scalint rules`)");
  expect_error(&e, "4:17: unknown rule 'SCL911' in 'per-path-ignores'; did you mean 'SCL910'?");
  expect_error(&e, "7:26: rule SCL910 has no parameter 'min_cpa' (it has: min_cap, max_cap)");
  expect_error(&e, "8:3: rule SCL910 is configured twice (also as 'SCL910' at line 6)");
  expect_error(&e, "9:3: unknown rule 'SCL999' in 'rules'");
  assert_int_equal(e.count, 6);
  assert_int_equal(d.status, SCL_ECONFIG);
  assert_int_equal(d.line, 1);
  /* the valid parameter was still applied */
  assert_true(scl_ruleset_param(rs, "SCL910", "min_cap") == 5.0);
  scl_ruleset_free(rs);
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

/* ---- merging and printing ---- */

/* Prints the effective configuration into a string (caller frees). */
static char *print_to_string(const scl_config *cfg, const scl_run_opts *opts, int fail_on)
{
  FILE *f = tmpfile();
  assert_non_null(f);
  scl_diag d;
  assert_int_equal(scl_config_print_effective(f, cfg, opts, fail_on, &d), SCL_OK);
  long n = ftell(f);
  assert_true(n >= 0);
  char *s = calloc((size_t)n + 1, 1);
  rewind(f);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return s;
}

static void expect_contains(const char *hay, const char *needle)
{
  if (!strstr(hay, needle)) {
    print_message("output:\n%s\nexpected to contain:\n%s\n", hay, needle);
    fail();
  }
}

static void test_config__merge_with_command_line(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, full_config, &e), SCL_OK);
  scl_run_opts cli;
  memset(&cli, 0, sizeof(cli));
  const char *dirs[] = {"more-rules"};
  const char *sel[] = {"SCL003"};
  cli.rule_dirs = dirs;
  cli.rule_dir_count = 1;
  scl_config_opts m;
  scl_config_merge(&m, cfg, &cli, -1);
  assert_int_equal(m.opts.select_count, 2);
  assert_int_equal(m.opts.ignore_count, 1);
  assert_int_equal(m.opts.rule_dir_count, 3);
  assert_string_equal(m.opts.rule_dirs[2], "more-rules");
  assert_int_equal(m.fail_on, SCL_LEVEL_NOTE);
  scl_config_opts_dispose(&m);

  cli.select = sel;
  cli.select_count = 1;
  scl_config_merge(&m, cfg, &cli, SCL_LEVEL_ERROR);
  assert_int_equal(m.opts.select_count, 1);
  assert_string_equal(m.opts.select[0], "SCL003");
  assert_int_equal(m.fail_on, SCL_LEVEL_ERROR);
  scl_config_opts_dispose(&m);

  scl_config_merge(&m, NULL, &cli, -1);
  assert_int_equal(m.fail_on, SCL_LEVEL_WARNING);
  assert_int_equal(m.opts.rule_dir_count, 1);
  scl_config_opts_dispose(&m);
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static void test_config__print_effective(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, full_config, &e), SCL_OK);
  scl_run_opts cli;
  memset(&cli, 0, sizeof(cli));
  const char *dirs[] = {"more-rules"};
  cli.rule_dirs = dirs;
  cli.rule_dir_count = 1;

  char *s = print_to_string(cfg, &cli, -1);
  char want[1024];
  snprintf(want, sizeof(want), "# config file: %s/.scalint.yml\n# globs are relative to %s/;",
           dir, dir);
  assert_true(strncmp(s, want, strlen(want)) == 0);
  expect_contains(s, "\nselect: [SCL001, default-pool-size]\n");
  expect_contains(s, "\nignore: [SCL046]\n");
  expect_contains(s, "\nfail-on: note\n");
  snprintf(want, sizeof(want), "\nrule-dirs: [%s/tools/scalint-rules, /opt/rules, more-rules]\n",
           dir);
  expect_contains(s, want);
  expect_contains(s, "\nexclude: [\"migrations/**\", \"**/*_pb2.py\", vendor/]\n");
  expect_contains(s, "\nper-path-ignores:\n  \"tests/**\": [SCL003, SCL022]\n"
                     "  \"scripts/*.py\": [all]\n");
  expect_contains(s, "\nrules:\n  SCL021:\n    level: warning\n    params: {min_pool_size: 50}\n"
                     "  hard-result-cap:\n    params: {min_cap: 500}\n");
  free(s);

  /* command-line select and fail-on win, and say so */
  const char *sel[] = {"SCL003", "true"};
  cli.select = sel;
  cli.select_count = 2;
  s = print_to_string(cfg, &cli, SCL_LEVEL_NONE);
  expect_contains(s, "\nselect: [SCL003, \"true\"]  # from the command line\n");
  expect_contains(s, "\nfail-on: never  # from the command line\n");
  free(s);

  /* no config file */
  memset(&cli, 0, sizeof(cli));
  s = print_to_string(NULL, &cli, -1);
  assert_string_equal(s, "# no config file found\n"
                         "select: []  # all rules\n"
                         "ignore: []\n"
                         "fail-on: warning  # default\n"
                         "rule-dirs: []\n"
                         "exclude: []\n"
                         "per-path-ignores: {}\n"
                         "rules: {}\n");
  free(s);
  cli.no_config = true;
  s = print_to_string(NULL, &cli, -1);
  expect_contains(s, "# config files disabled (--no-config)\n");
  free(s);

  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static void test_config__printout_loads_back(void **state)
{
  (void)state;
  char *dir = make_tmpdir();
  scl_config *cfg = NULL;
  errors e;
  assert_int_equal(load_text(&cfg, dir, full_config, &e), SCL_OK);
  scl_run_opts cli;
  memset(&cli, 0, sizeof(cli));
  char *s = print_to_string(cfg, &cli, -1);
  scl_config_free(cfg);
  /* the printout is itself a valid config with the same settings */
  assert_int_equal(load_text(&cfg, dir, s, &e), SCL_OK);
  assert_int_equal(cfg->select.count, 2);
  assert_int_equal(cfg->exclude_count, 3);
  assert_int_equal(cfg->path_ignore_count, 2);
  assert_int_equal(cfg->rule_count, 2);
  assert_true(cfg->rules[1].params[0].value == 500.0);
  free(s);
  scl_config_free(cfg);
  rm_tree(dir);
  free(dir);
}

static int setup(void **state)
{
  (void)state;
  scl_diag d;
  return scl_frontends_init(&d) == SCL_OK ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  scl_frontends_shutdown();
  scl_regex_thread_cleanup();
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_config__parses_every_key),
    cmocka_unit_test(test_config__empty_and_null_values),
    cmocka_unit_test(test_config__unknown_key_did_you_mean),
    cmocka_unit_test(test_config__wrong_types),
    cmocka_unit_test(test_config__bad_levels),
    cmocka_unit_test(test_config__bad_globs),
    cmocka_unit_test(test_config__yaml_errors_and_missing_file),
    cmocka_unit_test(test_config__find_walks_up),
    cmocka_unit_test(test_config__resolve_honours_options),
    cmocka_unit_test(test_config__relative_paths_resolved),
    cmocka_unit_test(test_config__exclude_matching),
    cmocka_unit_test(test_config__per_path_ignores),
    cmocka_unit_test(test_config__override_level_and_param),
    cmocka_unit_test(test_config__apply_rules_from_config),
    cmocka_unit_test(test_config__apply_rules_errors_at_position),
    cmocka_unit_test(test_config__merge_with_command_line),
    cmocka_unit_test(test_config__print_effective),
    cmocka_unit_test(test_config__printout_loads_back),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
