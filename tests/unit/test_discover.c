/*
 * test_discover.c - unit tests for src/discover: language detection, the
 * gitignore matcher, and walks over small trees built in fresh temporary
 * directories (each test makes and removes its own, and restores the cwd).
 *
 * Must not depend on the machine's own files: every tree holds a .git
 * directory so the git work tree lookup stops inside it.
 */
#define _XOPEN_SOURCE 700   /* nftw() for removing the temporary trees */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover/discover.h"
#include "discover/gitignore.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/limits.h"

/* ---- fixture helpers ---- */

typedef struct tmp_tree {
  char root[64];
  char *old_cwd;
} tmp_tree;

/* Makes /tmp/scl-discover-XXXXXX with an empty .git/ and enters it. */
static void tree_enter(tmp_tree *t)
{
  snprintf(t->root, sizeof(t->root), "/tmp/scl-discover-XXXXXX");
  assert_non_null(mkdtemp(t->root));
  t->old_cwd = getcwd(NULL, 0);
  assert_non_null(t->old_cwd);
  assert_int_equal(chdir(t->root), 0);
  assert_int_equal(mkdir(".git", 0755), 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  if (flag == FTW_DP || flag == FTW_D)
    return rmdir(path) == 0 ? 0 : -1;
  return unlink(path) == 0 ? 0 : -1;
}

static int chmod_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  if (flag == FTW_D || flag == FTW_DNR || flag == FTW_F)
    chmod(path, flag == FTW_F ? 0644 : 0755);
  return 0;
}

static void tree_leave(tmp_tree *t)
{
  assert_int_equal(chdir(t->old_cwd), 0);
  free(t->old_cwd);
  nftw(t->root, chmod_one, 16, FTW_PHYS);
  assert_int_equal(nftw(t->root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/* mkdir -p for the directories of path (relative to the cwd). */
static void make_parents(const char *path)
{
  char buf[512];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *p = buf + 1; *p; p++) {
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0755) != 0)
        assert_int_equal(errno, EEXIST);
      *p = '/';
    }
  }
}

static void write_bytes(const char *path, const char *data, size_t len)
{
  make_parents(path);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void write_file(const char *path, const char *text)
{
  write_bytes(path, text, strlen(text));
}

static void make_link(const char *target, const char *path)
{
  make_parents(path);
  assert_int_equal(symlink(target, path), 0);
}

/* The listing as "path[ kind]\n" lines, for exact comparisons. Caller frees. */
static char *listing(const scl_source_list *list)
{
  scl_buf b;
  scl_buf_init(&b, 0);
  scl_buf_puts(&b, "");
  for (size_t i = 0; i < list->count; i++) {
    scl_buf_puts(&b, list->items[i].path);
    if (list->items[i].skip_kind)
      scl_buf_printf(&b, " %s", list->items[i].skip_kind);
    scl_buf_putc(&b, '\n');
  }
  return scl_buf_detach(&b);
}

static char *discover_listing(const char *const *paths, size_t count,
                              const scl_discover_opts *opts)
{
  scl_source_list list;
  scl_diag diag;
  scl_diag_clear(&diag);
  assert_int_equal(scl_discover(&list, paths, count, opts, &diag), SCL_OK);
  char *s = listing(&list);
  scl_source_list_dispose(&list);
  return s;
}

static const scl_source *find_source(const scl_source_list *list, const char *path)
{
  for (size_t i = 0; i < list->count; i++) {
    if (strcmp(list->items[i].path, path) == 0)
      return &list->items[i];
  }
  return NULL;
}

/* ---- language detection ---- */

static void test_discover__lang_from_path(void **state)
{
  assert_int_equal(scl_lang_from_path("a.py"), SCL_LANG_PY);
  assert_int_equal(scl_lang_from_path("pkg/stubs.pyi"), SCL_LANG_PY);
  assert_int_equal(scl_lang_from_path("x.js"), SCL_LANG_JS);
  assert_int_equal(scl_lang_from_path("x.mjs"), SCL_LANG_JS);
  assert_int_equal(scl_lang_from_path("x.cjs"), SCL_LANG_JS);
  assert_int_equal(scl_lang_from_path("App.jsx"), SCL_LANG_JS);
  assert_int_equal(scl_lang_from_path("x.ts"), SCL_LANG_TS);
  assert_int_equal(scl_lang_from_path("x.mts"), SCL_LANG_TS);
  assert_int_equal(scl_lang_from_path("x.cts"), SCL_LANG_TS);
  assert_int_equal(scl_lang_from_path("types/index.d.ts"), SCL_LANG_TS);
  assert_int_equal(scl_lang_from_path("App.tsx"), SCL_LANG_TSX);
  assert_int_equal(scl_lang_from_path("src/main.c"), SCL_LANG_C);
  assert_int_equal(scl_lang_from_path("src/main.h"), SCL_LANG_C);
  assert_int_equal(scl_lang_from_path("Makefile"), SCL_LANG_NONE);
  assert_int_equal(scl_lang_from_path(".py"), SCL_LANG_NONE);
  assert_int_equal(scl_lang_from_path("dir.py/README"), SCL_LANG_NONE);
  assert_int_equal(scl_lang_from_path("a.pyc"), SCL_LANG_NONE);
  assert_int_equal(scl_lang_from_path("a.cpp"), SCL_LANG_NONE);
}

static scl_lang shebang(const char *line)
{
  return scl_lang_from_shebang(line, strlen(line));
}

static void test_discover__lang_from_shebang(void **state)
{
  assert_int_equal(shebang("#!/usr/bin/env python3\n"), SCL_LANG_PY);
  assert_int_equal(shebang("#!/usr/bin/python"), SCL_LANG_PY);
  assert_int_equal(shebang("#!/usr/local/bin/python3.11 -u\nimport os\n"), SCL_LANG_PY);
  assert_int_equal(shebang("#! /usr/bin/env  python\r\n"), SCL_LANG_PY);
  assert_int_equal(shebang("#!/usr/bin/env node"), SCL_LANG_JS);
  assert_int_equal(shebang("#!/usr/bin/nodejs"), SCL_LANG_JS);
  assert_int_equal(shebang("#!/usr/bin/env bun"), SCL_LANG_JS);
  assert_int_equal(shebang("#!/usr/bin/env ts-node"), SCL_LANG_TS);
  assert_int_equal(shebang("#!/usr/bin/env -S deno run --allow-net"), SCL_LANG_TS);
  assert_int_equal(shebang("#!/usr/bin/env -S tsx"), SCL_LANG_TS);
  assert_int_equal(shebang("#!/usr/bin/env -S NODE_ENV=prod node --x"), SCL_LANG_JS);
  assert_int_equal(shebang("#!/usr/bin/env -u HOME python3"), SCL_LANG_PY);
  assert_int_equal(shebang("#!/bin/sh"), SCL_LANG_NONE);
  assert_int_equal(shebang("#!/usr/bin/env"), SCL_LANG_NONE);
  assert_int_equal(shebang("#!/usr/bin/env pythonic"), SCL_LANG_NONE);
  assert_int_equal(shebang("# not a shebang python"), SCL_LANG_NONE);
  assert_int_equal(shebang("#!"), SCL_LANG_NONE);
  assert_int_equal(shebang(""), SCL_LANG_NONE);
  /* only the first line counts */
  assert_int_equal(shebang("#!/bin/sh\n#!/usr/bin/env python3\n"), SCL_LANG_NONE);
}

/* ---- the matcher ---- */

static int ignore_check(const char *text, const char *rel, bool is_dir)
{
  scl_ignore_set set = { 0 };
  scl_discover__ignore_parse(&set, text, strlen(text));
  int r = scl_discover__ignore_match(&set, rel, is_dir);
  scl_discover__ignore_dispose(&set);
  return r;
}

static void test_discover__glob_match(void **state)
{
  assert_true(scl_discover__glob_match("a/**/b.py", "a/b.py"));
  assert_true(scl_discover__glob_match("a/**/b.py", "a/x/y/b.py"));
  assert_false(scl_discover__glob_match("a/**/b.py", "z/a/b.py"));
  assert_false(scl_discover__glob_match("a/**/b.py", "a/x/b.pyc"));
  assert_true(scl_discover__glob_match("**/gen/*.py", "gen/a.py"));
  assert_true(scl_discover__glob_match("**/gen/*.py", "x/y/gen/a.py"));
  assert_false(scl_discover__glob_match("**/gen/*.py", "gen/sub/a.py"));
  assert_true(scl_discover__glob_match("docs/**", "docs/a"));
  assert_true(scl_discover__glob_match("docs/**", "docs/a/b/c"));
  assert_false(scl_discover__glob_match("docs/**", "docs"));
  assert_false(scl_discover__glob_match("docs/**", "xdocs/a"));
  assert_false(scl_discover__glob_match("src/*.py", "src/a/b.py"));
  assert_true(scl_discover__glob_match("src/?.py", "src/a.py"));
  assert_false(scl_discover__glob_match("src/?.py", "src/ab.py"));
  assert_true(scl_discover__glob_match("x/[a-c]*.py", "x/beta.py"));
  assert_false(scl_discover__glob_match("x/[a-c]*.py", "x/delta.py"));
  assert_true(scl_discover__glob_match("x/[!a-c]*.py", "x/delta.py"));
  assert_true(scl_discover__glob_match("x/\\*.py", "x/*.py"));
  assert_false(scl_discover__glob_match("x/\\*.py", "x/a.py"));
  assert_true(scl_discover__glob_match("x/[ab", "x/[ab"));
  assert_true(scl_discover__glob_match("a/**/**/b", "a/b"));
  assert_true(scl_discover__glob_match("a/*/**/c*d", "a/q/w/e/cxxd"));
  /* many stars and a near-miss: must stay fast and iterative */
  assert_false(scl_discover__glob_match("**/*a*a*a*a*a*a*b/**/x", "aaaaaaaaaaaaaaaaaaaaaaa/"
                                        "aaaaaaaaaaaaaaa/aaaaaaaaaaaaaaa/x"));
}

static void test_discover__ignore_rules(void **state)
{
  const char *rules = "# comment\n"
                      "\n"
                      "*.log\n"
                      "!keep.log\n"
                      "/build\n"
                      "out/\n"
                      "\\#lit\n"
                      "\\!bang\n"
                      "spaced   \n"
                      "esc\\ \n";
  assert_int_equal(ignore_check(rules, "a.log", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "deep/er/a.log", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "keep.log", false), SCL_IGNORE_INCLUDE);
  assert_int_equal(ignore_check(rules, "sub/keep.log", false), SCL_IGNORE_INCLUDE);
  assert_int_equal(ignore_check(rules, "a.logs", false), SCL_IGNORE_NONE);
  assert_int_equal(ignore_check(rules, "build", true), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "build", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "sub/build", true), SCL_IGNORE_NONE);
  assert_int_equal(ignore_check(rules, "out", true), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "x/out", true), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "out", false), SCL_IGNORE_NONE);
  assert_int_equal(ignore_check(rules, "# comment", false), SCL_IGNORE_NONE);
  assert_int_equal(ignore_check(rules, "#lit", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "!bang", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "spaced", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "esc ", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check(rules, "esc", false), SCL_IGNORE_NONE);
  /* last match wins: re-exclude after a negation */
  assert_int_equal(ignore_check("*.py\n!a.py\na.py\n", "a.py", false), SCL_IGNORE_EXCLUDE);
  assert_int_equal(ignore_check("*.py\r\n!a.py\r\n", "a.py", false), SCL_IGNORE_INCLUDE);
}

/* ---- walks ---- */

static void build_ignore_tree(void)
{
  write_file(".gitignore", "# generated code\n"
                           "*_gen.py\n"
                           "!keep_gen.py\n"
                           "/build\n"
                           "out/\n"
                           "**/gen/*.py\n"
                           "docs/**\n"
                           "a/**/b.py\n"
                           "\\#hash.py\n"
                           "vendor/\n"
                           "!vendor/x.py\n"
                           "trailing.py   \n"
                           "cls_[a-c].py\n"
                           "q?.py\n");
  write_file(".git/info/exclude", "secret.py\n");
  write_file("main.py", "");
  write_file("x_gen.py", "");
  write_file("keep_gen.py", "");
  write_file("build/a.py", "");
  write_file("sub/build/a.py", "");
  write_file("out/a.py", "");
  write_file("sub/out", "#!/usr/bin/env python3\n");
  write_file("gen/a.py", "");
  write_file("x/y/gen/b.py", "");
  write_file("gen/sub/c.py", "");
  write_file("x/gen.py", "");
  write_file("docs/a.py", "");
  write_file("docs/deep/b.py", "");
  write_file("a/b.py", "");
  write_file("a/x/y/b.py", "");
  write_file("a/c.py", "");
  write_file("z/a/b.py", "");
  write_file("#hash.py", "");
  write_file("vendor/x.py", "");
  write_file("trailing.py", "");
  write_file("cls_a.py", "");
  write_file("cls_d.py", "");
  write_file("q1.py", "");
  write_file("q12.py", "");
  write_file("secret.py", "");
  write_file("sub/secret.py", "");
  write_file("lib.c", "");
  write_file("README.md", "not source\n");
  /* nested rules take precedence over the parent's */
  write_file("sub/.gitignore", "!x_gen.py\n*.c\n");
  write_file("sub/x_gen.py", "");
  write_file("sub/lib.c", "");
  write_file("sub/q1.py", "");
}

static void test_discover__gitignore_tree(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  build_ignore_tree();

  char *got = discover_listing(NULL, 0, NULL);
  assert_string_equal(got, "a/c.py\n"
                           "cls_d.py\n"
                           "gen/sub/c.py\n"
                           "keep_gen.py\n"
                           "lib.c\n"
                           "main.py\n"
                           "q12.py\n"
                           "sub/build/a.py\n"
                           "sub/out\n"
                           "sub/x_gen.py\n"
                           "x/gen.py\n"
                           "z/a/b.py\n");
  free(got);

  /* no_gitignore: everything with a language comes back */
  scl_discover_opts opts = { 0 };
  opts.no_gitignore = true;
  scl_source_list list;
  assert_int_equal(scl_discover(&list, NULL, 0, &opts, NULL), SCL_OK);
  assert_int_equal(list.count, 30);
  assert_non_null(find_source(&list, "vendor/x.py"));
  assert_non_null(find_source(&list, "docs/deep/b.py"));
  assert_non_null(find_source(&list, "secret.py"));
  assert_null(find_source(&list, "README.md"));
  assert_int_equal(find_source(&list, "sub/out")->lang, SCL_LANG_PY);
  scl_source_list_dispose(&list);
  tree_leave(&t);
}

static void test_discover__gitignore_from_subdir(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  build_ignore_tree();

  /* scanning a subdirectory honours the work tree's rules above it */
  const char *sub[] = { "sub" };
  char *got = discover_listing(sub, 1, NULL);
  assert_string_equal(got, "sub/build/a.py\nsub/out\nsub/x_gen.py\n");
  free(got);

  assert_int_equal(chdir("sub"), 0);
  got = discover_listing(NULL, 0, NULL);
  assert_string_equal(got, "build/a.py\nout\nx_gen.py\n");
  free(got);
  const char *parent[] = { "../x", "../docs" };
  got = discover_listing(parent, 2, NULL);
  assert_string_equal(got, "../x/gen.py\n");
  free(got);
  assert_int_equal(chdir(".."), 0);

  /* an ignored file given explicitly is still scanned */
  const char *explicit_files[] = { "x_gen.py", "docs/deep/b.py", "README.md" };
  got = discover_listing(explicit_files, 3, NULL);
  assert_string_equal(got, "docs/deep/b.py\nx_gen.py\n");
  free(got);
  tree_leave(&t);
}

static void test_discover__default_excludes(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  write_file("app.py", "");
  write_file("node_modules/lib/index.js", "");
  write_file("web/node_modules/x.js", "");
  write_file("env1/pyvenv.cfg", "home = /usr/bin\n");
  write_file("env1/lib/site.py", "");
  write_file(".venv/a.py", "");
  write_file("venv/a.py", "");
  write_file(".tox/a.py", "");
  write_file("__pycache__/a.py", "");
  write_file(".mypy_cache/a.py", "");
  write_file(".pytest_cache/a.py", "");
  write_file(".hg/a.py", "");
  write_file(".svn/a.py", "");
  write_file(".git/hooks/pre-commit.py", "");
  write_file("third_party/a.c", "");
  write_file("dist/a.js", "");

  char *got = discover_listing(NULL, 0, NULL);
  assert_string_equal(got, "app.py\ndist/a.js\nthird_party/a.c\n");
  free(got);

  scl_discover_opts opts = { 0 };
  opts.no_default_excludes = true;
  got = discover_listing(NULL, 0, &opts);
  assert_string_equal(got, ".git/hooks/pre-commit.py\n"
                           ".hg/a.py\n"
                           ".mypy_cache/a.py\n"
                           ".pytest_cache/a.py\n"
                           ".svn/a.py\n"
                           ".tox/a.py\n"
                           ".venv/a.py\n"
                           "__pycache__/a.py\n"
                           "app.py\n"
                           "dist/a.js\n"
                           "env1/lib/site.py\n"
                           "node_modules/lib/index.js\n"
                           "third_party/a.c\n"
                           "venv/a.py\n"
                           "web/node_modules/x.js\n");
  free(got);

  /* a virtualenv given explicitly is walked */
  const char *venv[] = { "env1" };
  got = discover_listing(venv, 1, NULL);
  assert_string_equal(got, "env1/lib/site.py\n");
  free(got);
  tree_leave(&t);
}

static void test_discover__symlinks(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  write_file("d/a.py", "");
  make_link("..", "d/up");               /* loop: d/up -> the root, an ancestor */
  make_link(".", "d/self");              /* loop: d/self -> d */
  make_link("a.py", "d/alias.py");       /* link to a file: listed under its own path */
  make_link("missing.py", "d/gone.py");  /* dangling */
  make_link("d", "alias_dir");           /* another path to d: d is listed once */
  make_link("loop2", "loop1");
  make_link("loop1", "loop2");           /* a link chain that never resolves */

  scl_source_list list;
  assert_int_equal(scl_discover(&list, NULL, 0, NULL, NULL), SCL_OK);
  char *got = listing(&list);
  assert_string_equal(got, "d/a.py\n"
                           "d/alias.py\n"
                           "d/gone.py broken-symlink\n"
                           "d/self symlink-loop\n"
                           "d/up symlink-loop\n"
                           "loop1 symlink-loop\n"
                           "loop2 symlink-loop\n");
  free(got);
  assert_non_null(strstr(find_source(&list, "d/gone.py")->skip_message, "missing.py"));
  assert_non_null(find_source(&list, "d/up")->skip_message);
  assert_int_equal(find_source(&list, "d/alias.py")->lang, SCL_LANG_PY);
  scl_source_list_dispose(&list);

  /* a link met before the real directory does not hide it */
  make_link("zz", "aa");
  write_file("zz/z.py", "");
  got = discover_listing(NULL, 0, NULL);
  assert_non_null(strstr(got, "zz/z.py\n"));
  assert_null(strstr(got, "aa/"));
  free(got);

  /* scanning only d: links leading outside it are followed (d/up is not an
   * ancestor of the walk any more), and a loop found through them is still
   * caught by the ancestor chain of the link (d/up/alias_dir -> d) */
  const char *only_d[] = { "d" };
  make_link("../zz", "d/outside");
  got = discover_listing(only_d, 1, NULL);
  assert_string_equal(got, "d/a.py\n"
                           "d/alias.py\n"
                           "d/gone.py broken-symlink\n"
                           "d/outside/z.py\n"
                           "d/self symlink-loop\n"
                           "d/up/alias_dir symlink-loop\n"
                           "d/up/loop1 symlink-loop\n"
                           "d/up/loop2 symlink-loop\n");
  free(got);
  tree_leave(&t);
}

static void test_discover__too_large(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  char big[3000];
  memset(big, 'x', sizeof(big));
  write_bytes("big.py", big, sizeof(big));
  write_bytes("small.py", big, 100);
  write_bytes("big.bin", big, sizeof(big));

  scl_discover_opts opts = { 0 };
  opts.max_file_bytes = 2048;
  scl_source_list list;
  assert_int_equal(scl_discover(&list, NULL, 0, &opts, NULL), SCL_OK);
  char *got = listing(&list);
  assert_string_equal(got, "big.py too-large\nsmall.py\n");
  free(got);
  const scl_source *s = find_source(&list, "big.py");
  assert_int_equal(s->size, 3000);
  assert_int_equal(s->lang, SCL_LANG_NONE);
  assert_string_equal(s->skip_message, "2.9 KB is over the 2.0 KB limit (--max-file-size)");
  assert_null(find_source(&list, "small.py")->skip_message);
  assert_int_equal(find_source(&list, "small.py")->size, 100);
  scl_source_list_dispose(&list);
  tree_leave(&t);
}

static void test_discover__read(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  write_file("ok.py", "print('hi')\n");
  write_bytes("bin.py", "ab\0cd", 5);
  char big[5000];
  memset(big, 'y', sizeof(big));
  write_bytes("big.py", big, sizeof(big));
  write_bytes("empty.py", "", 0);

  char *data = NULL;
  size_t len = 0;
  scl_diag diag;
  scl_diag_clear(&diag);
  assert_int_equal(scl_discover_read(&data, &len, "ok.py", 0, &diag), SCL_OK);
  assert_int_equal(len, 12);
  assert_string_equal(data, "print('hi')\n");
  free(data);

  assert_int_equal(scl_discover_read(&data, &len, "empty.py", 0, &diag), SCL_OK);
  assert_int_equal(len, 0);
  assert_string_equal(data, "");
  free(data);

  data = NULL;
  assert_int_equal(scl_discover_read(&data, &len, "bin.py", 0, &diag), SCL_ESKIP);
  assert_null(data);
  assert_non_null(strstr(diag.msg, "binary"));

  assert_int_equal(scl_discover_read(&data, &len, "big.py", 4096, &diag), SCL_ESKIP);
  assert_non_null(strstr(diag.msg, "over the 4.0 KB limit"));
  assert_int_equal(scl_discover_read(&data, &len, "big.py", 5000, &diag), SCL_OK);
  assert_int_equal(len, 5000);
  free(data);

  assert_int_equal(scl_discover_read(&data, &len, "nope.py", 0, &diag), SCL_EIO);
  assert_non_null(strstr(diag.msg, strerror(ENOENT)));
  assert_string_equal(diag.path, "nope.py");

  if (geteuid() != 0) {   /* root reads anything */
    write_file("locked.py", "x = 1\n");
    assert_int_equal(chmod("locked.py", 0), 0);
    assert_int_equal(scl_discover_read(&data, &len, "locked.py", 0, &diag), SCL_EIO);
    assert_non_null(strstr(diag.msg, strerror(EACCES)));
  }
  tree_leave(&t);
}

static void test_discover__paths_sorted_unique_relative(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  write_file("src/b.py", "");
  write_file("src/a.py", "");
  write_file("src/B.ts", "");
  write_file("src/a_b.js", "");
  write_file("src/a-b.js", "");
  write_file("src/deep/z.c", "");
  write_file("tool", "#!/usr/bin/env node\n");

  char abs_src[128];
  snprintf(abs_src, sizeof(abs_src), "%s/src", t.root);
  const char *args[] = { "./src/", abs_src, "src/a.py", ".//src/deep/../deep", "missing",
                         "tool", "." };
  char *got = discover_listing(args, 7, NULL);
  assert_string_equal(got, "missing not-found\n"
                           "src/B.ts\n"
                           "src/a-b.js\n"
                           "src/a.py\n"
                           "src/a_b.js\n"
                           "src/b.py\n"
                           "src/deep/z.c\n"
                           "tool\n");
  free(got);

  /* outside the cwd: reported as given, until the walk comes back under it */
  assert_int_equal(chdir("src/deep"), 0);
  const char *up[] = { "../a.py", abs_src };
  got = discover_listing(up, 2, NULL);
  char expect[1024];   /* 5 * 128 + text fits */
  snprintf(expect, sizeof(expect), "../a.py\n%s/B.ts\n%s/a-b.js\n%s/a.py\n%s/a_b.js\n"
           "%s/b.py\nz.c\n", abs_src, abs_src, abs_src, abs_src, abs_src);
  assert_string_equal(got, expect);
  free(got);
  assert_int_equal(chdir(t.root), 0);

  /* bad arguments are the only errors */
  scl_source_list list;
  scl_diag diag;
  const char *empty[] = { "" };
  assert_int_equal(scl_discover(&list, empty, 1, NULL, &diag), SCL_EINVAL);
  assert_int_equal(scl_discover(NULL, NULL, 0, NULL, &diag), SCL_EINVAL);
  tree_leave(&t);
}

static void test_discover__depth_limit(void **state)
{
  tmp_tree t;
  tree_enter(&t);
  /* SCL_MAX_DIR_DEPTH + 1 nested directories: the last one is reported, not walked */
  scl_buf path;
  scl_buf_init(&path, 0);
  scl_buf_puts(&path, "top.py");
  write_file(path.data, "");
  scl_buf_clear(&path);
  for (int i = 0; i < SCL_MAX_DIR_DEPTH + 1; i++) {
    scl_buf_puts(&path, i ? "/d" : "d");
    assert_int_equal(mkdir(path.data, 0755), 0);
  }
  char *deepest = scl_xstrdup(path.data);
  scl_buf_puts(&path, "/lost.py");
  write_file(path.data, "");
  scl_buf_clear(&path);
  scl_buf_append(&path, deepest, strlen(deepest) - 2);   /* one level up */
  scl_buf_puts(&path, "/ok.py");
  write_file(path.data, "");

  scl_source_list list;
  assert_int_equal(scl_discover(&list, NULL, 0, NULL, NULL), SCL_OK);
  assert_int_equal(list.count, 3);
  assert_string_equal(list.items[2].path, "top.py");
  assert_string_equal(list.items[0].path, deepest);
  assert_string_equal(list.items[0].skip_kind, "too-deep");
  assert_non_null(strstr(list.items[0].skip_message, "256"));
  assert_string_equal(list.items[1].path, path.data);
  assert_null(list.items[1].skip_kind);
  scl_source_list_dispose(&list);
  scl_buf_dispose(&path);
  free(deepest);
  tree_leave(&t);
}

static void test_discover__unreadable_dir(void **state)
{
  if (geteuid() == 0) {
    skip();   /* root opens any directory */
    return;
  }
  tmp_tree t;
  tree_enter(&t);
  write_file("a.py", "");
  write_file("locked/b.py", "");
  assert_int_equal(chmod("locked", 0), 0);
  char *got = discover_listing(NULL, 0, NULL);
  assert_string_equal(got, "a.py\nlocked unreadable\n");
  free(got);
  tree_leave(&t);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_discover__lang_from_path),
    cmocka_unit_test(test_discover__lang_from_shebang),
    cmocka_unit_test(test_discover__glob_match),
    cmocka_unit_test(test_discover__ignore_rules),
    cmocka_unit_test(test_discover__gitignore_tree),
    cmocka_unit_test(test_discover__gitignore_from_subdir),
    cmocka_unit_test(test_discover__default_excludes),
    cmocka_unit_test(test_discover__symlinks),
    cmocka_unit_test(test_discover__too_large),
    cmocka_unit_test(test_discover__read),
    cmocka_unit_test(test_discover__paths_sorted_unique_relative),
    cmocka_unit_test(test_discover__depth_limit),
    cmocka_unit_test(test_discover__unreadable_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
