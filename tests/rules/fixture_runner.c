/*
 * fixture_runner.c - checks every rule against its annotated fixtures.
 *
 *   fixture_runner RULES_DIR FIXTURES_DIR [ID...]
 *
 * For each rule file RULES_DIR/<ID>-<slug>.yaml it loads that rule alone,
 * scans FIXTURES_DIR/<ID>-<slug>/ and compares the findings with the
 * annotations in the fixture files (see rules/README.md, "Testing a rule"):
 *
 *   scl-expect: ID       the next code line must have a finding of ID
 *   scl-ok: ID           it must not
 *   scl-related: ID      a finding of ID must list this line as a related location
 *   scl-todo-expect: ID  known miss: reported, not a failure
 *   scl-todo-ok: ID      known false positive: reported, not a failure
 *
 * Each rule runs twice, with the prefilter (the default) and without it
 * (--no-prefilter); the two must report the same findings, so a token the
 * prefilter wrongly requires shows up as a difference on the rule's own
 * fixtures.
 *
 * A finding on a line with no annotation is a failure too ("noisy"). A rule
 * with no fixture directory, or with fewer than MIN_CASES expect and ok
 * cases in one of its languages, fails. Words follow ast-grep's test runner:
 * validated, missing, noisy. The last line is "N passed, N failed".
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scalint/scalint.h"

/* Firing and must-not-fire cases each rule needs in each of its languages. */
#define MIN_CASES 3
#define MAX_ANN 4096
#define MAX_FILES 512

typedef enum ann_kind { ANN_EXPECT, ANN_OK, ANN_RELATED, ANN_TODO_EXPECT, ANN_TODO_OK } ann_kind;

typedef struct ann {
  char path[512];
  unsigned line;     /* target line */
  unsigned at_line;  /* where the annotation is written */
  ann_kind kind;
  char lang[4];
} ann;

typedef struct ann_set {
  ann items[MAX_ANN];
  size_t count;
} ann_set;

static const char *lang_of(const char *path)
{
  const char *dot = strrchr(path, '.');
  if (!dot)
    return "";
  if (!strcmp(dot, ".py") || !strcmp(dot, ".pyi"))
    return "py";
  if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs") || !strcmp(dot, ".cjs") || !strcmp(dot, ".jsx"))
    return "js";
  if (!strcmp(dot, ".ts") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts") || !strcmp(dot, ".tsx"))
    return "ts";
  if (!strcmp(dot, ".c") || !strcmp(dot, ".h"))
    return "c";
  if (!strcmp(dot, ".sql"))
    return "sql";
  return "";
}

/* A line that holds only a comment (or nothing) is not an annotation target. */
static bool is_code_line(const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == '\0' || *s == '\n' || *s == '\r')
    return false;
  if (*s == '#' && s[1] != 'i' && s[1] != 'd' && s[1] != 'e')  /* keep C #include/#define */
    return false;
  if (s[0] == '/' && (s[1] == '/' || s[1] == '*'))
    return false;
  if (s[0] == '*')
    return false;
  if (s[0] == '-' && s[1] == '-')  /* SQL comment */
    return false;
  return true;
}

/* True if line mentions id as a whole word after marker. */
static bool names_rule(const char *after, const char *id)
{
  size_t n = strlen(id);
  for (const char *p = strstr(after, id); p; p = strstr(p + 1, id)) {
    char before = p == after ? ' ' : p[-1];
    char next = p[n];
    if ((before == ' ' || before == ',' || before == ':') &&
        !(next >= '0' && next <= '9') && !(next >= 'A' && next <= 'Z'))
      return true;
  }
  return false;
}

static void read_annotations(ann_set *set, const char *path, const char *id)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  static const struct { const char *marker; ann_kind kind; } markers[] = {
    {"scl-todo-expect:", ANN_TODO_EXPECT}, {"scl-todo-ok:", ANN_TODO_OK},
    {"scl-expect:", ANN_EXPECT}, {"scl-ok:", ANN_OK}, {"scl-related:", ANN_RELATED},
  };
  char line[4096];
  unsigned lineno = 0;
  ann pending[64];
  size_t npending = 0;
  while (fgets(line, sizeof(line), f)) {
    lineno++;
    for (size_t m = 0; m < sizeof(markers) / sizeof(markers[0]); m++) {
      const char *p = strstr(line, markers[m].marker);
      if (!p)
        continue;
      /* "scl-expect:" is inside "scl-todo-expect:"; take the todo one only */
      if (markers[m].kind == ANN_EXPECT || markers[m].kind == ANN_OK)
        if (p >= line + 5 && !strncmp(p - 5, "todo-", 5))
          continue;
      const char *after = p + strlen(markers[m].marker);
      /* the IDs end at the first word that is not an ID or a comma */
      char ids[256];
      size_t k = 0;
      for (const char *q = after; *q && k + 1 < sizeof(ids); q++) {
        if (*q == ' ' || *q == ',' || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9'))
          ids[k++] = *q;
        else
          break;
      }
      ids[k] = '\0';
      if (names_rule(ids, id) && npending < 64) {
        ann *a = &pending[npending++];
        snprintf(a->path, sizeof(a->path), "%s", path);
        a->at_line = lineno;
        a->kind = markers[m].kind;
        snprintf(a->lang, sizeof(a->lang), "%s", lang_of(path));
      }
    }
    if (npending && is_code_line(line) && !strstr(line, "scl-")) {
      for (size_t i = 0; i < npending && set->count < MAX_ANN; i++) {
        pending[i].line = lineno;
        set->items[set->count++] = pending[i];
      }
      npending = 0;
    }
  }
  for (size_t i = 0; i < npending; i++)
    fprintf(stderr, "%s:%u: annotation with no code line after it\n", path, pending[i].at_line);
  fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists regular files under dir (recursively), sorted. */
static size_t list_files(char **out, size_t max, const char *dir, size_t n)
{
  DIR *d = opendir(dir);
  if (!d)
    return n;
  struct dirent *e;
  while ((e = readdir(d)) && n < max) {
    if (e->d_name[0] == '.')
      continue;
    char p[1024];
    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode))
      n = list_files(out, max, p, n);
    else if (S_ISREG(st.st_mode))
      out[n++] = strdup(p);
  }
  closedir(d);
  return n;
}

static bool has_finding(const scl_result *res, const char *id, const char *path, unsigned line)
{
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *f = &res->findings[i];
    if (f->span.start_line == line && !strcmp(f->rule_id, id) && !strcmp(f->path, path))
      return true;
  }
  return false;
}

static bool has_related(const scl_result *res, const char *id, const char *path, unsigned line)
{
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *f = &res->findings[i];
    if (strcmp(f->rule_id, id))
      continue;
    for (size_t j = 0; j < f->related_count; j++)
      if (f->related[j].span.start_line == line && !strcmp(f->related[j].path, path))
        return true;
  }
  return false;
}

static const ann *find_ann(const ann_set *set, const char *path, unsigned line, ann_kind kind)
{
  for (size_t i = 0; i < set->count; i++)
    if (set->items[i].line == line && set->items[i].kind == kind &&
        !strcmp(set->items[i].path, path))
      return &set->items[i];
  return NULL;
}

static void print_diag(const scl_diag *d, void *payload)
{
  char buf[2200];
  (void)payload;
  scl_diag_format(d, buf, sizeof(buf));
  fprintf(stderr, "%s\n", buf);
}

/* Checks the language coverage; returns the number of problems. */
static int check_coverage(const ann_set *set, const scl_rule_info *info)
{
  int bad = 0;
  char langs[64];
  snprintf(langs, sizeof(langs), "%s", info->languages);
  for (char *lang = langs; *lang;) {
    char *sp = strchr(lang, ' ');
    if (sp)
      *sp = '\0';
    int expect = 0, ok = 0;
    for (size_t i = 0; i < set->count; i++) {
      if (strcmp(set->items[i].lang, lang))
        continue;
      expect += set->items[i].kind == ANN_EXPECT;
      ok += set->items[i].kind == ANN_OK;
    }
    printf("  %s: %d expect, %d ok\n", lang, expect, ok);
    if (expect < MIN_CASES || ok < MIN_CASES) {
      printf("  coverage: %s needs at least %d expect and %d ok cases\n", lang, MIN_CASES,
             MIN_CASES);
      bad++;
    }
    if (!sp)
      break;
    lang = sp + 1;
  }
  return bad;
}

static int check_findings(const ann_set *set, const scl_result *res, const char *id)
{
  int bad = 0;
  for (size_t i = 0; i < set->count; i++) {
    const ann *a = &set->items[i];
    bool hit = has_finding(res, id, a->path, a->line);
    if (a->kind == ANN_EXPECT && !hit) {
      printf("  missing %s:%u\n", a->path, a->line);
      bad++;
    } else if (a->kind == ANN_OK && hit) {
      printf("  noisy   %s:%u (annotated scl-ok)\n", a->path, a->line);
      bad++;
    } else if (a->kind == ANN_RELATED && !has_related(res, id, a->path, a->line)) {
      printf("  missing related location %s:%u\n", a->path, a->line);
      bad++;
    } else if (a->kind == ANN_TODO_EXPECT) {
      printf("  todo    %s:%u known miss%s\n", a->path, a->line, hit ? " (now found!)" : "");
    } else if (a->kind == ANN_TODO_OK) {
      printf("  todo    %s:%u known false positive%s\n", a->path, a->line,
             hit ? "" : " (now quiet!)");
    }
  }
  for (size_t i = 0; i < res->finding_count; i++) {
    const scl_finding *f = &res->findings[i];
    if (strcmp(f->rule_id, id))
      continue;
    unsigned l = f->span.start_line;
    if (!find_ann(set, f->path, l, ANN_EXPECT) && !find_ann(set, f->path, l, ANN_OK) &&
        !find_ann(set, f->path, l, ANN_TODO_OK) && !find_ann(set, f->path, l, ANN_TODO_EXPECT)) {
      printf("  noisy   %s:%u: %s (no annotation)\n", f->path, l, f->message);
      bad++;
    }
  }
  return bad;
}

/* Findings of a and b that the other lacks, printed; returns how many. */
static int compare_runs(const scl_result *a, const scl_result *b)
{
  int diff = 0;
  for (int pass = 0; pass < 2; pass++) {
    const scl_result *x = pass ? b : a, *y = pass ? a : b;
    for (size_t i = 0; i < x->finding_count; i++) {
      const scl_finding *f = &x->findings[i];
      bool found = false;
      for (size_t j = 0; j < y->finding_count && !found; j++) {
        const scl_finding *g = &y->findings[j];
        found = !strcmp(f->path, g->path) && f->span.start_line == g->span.start_line &&
                f->span.start_col == g->span.start_col && !strcmp(f->rule_id, g->rule_id) &&
                !strcmp(f->message, g->message);
      }
      if (!found) {
        printf("  prefilter: %s:%u:%u %s only %s the prefilter\n", f->path, f->span.start_line,
               f->span.start_col, f->rule_id, pass ? "without" : "with");
        diff++;
      }
    }
  }
  return diff;
}

/* Runs one rule file against its fixture directory; returns problems found. */
static int run_rule(const char *rules_dir, const char *fixtures_dir, const char *name)
{
  static ann_set set;
  char rule_path[1024], fix_dir[1024];
  snprintf(rule_path, sizeof(rule_path), "%s/%s.yaml", rules_dir, name);
  snprintf(fix_dir, sizeof(fix_dir), "%s/%s", fixtures_dir, name);
  char id[32];
  snprintf(id, sizeof(id), "%.*s", (int)strcspn(name, "-"), name);

  printf("%s\n", name);
  struct stat st;
  if (stat(fix_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("  no fixtures: %s does not exist\n", fix_dir);
    return 1;
  }
  const char *rule_dirs[] = {rule_path};
  const char *paths[] = {fix_dir};
  scl_run_opts o;
  scl_run_opts_init(&o);
  o.no_builtin = true;
  o.rule_dirs = rule_dirs;
  o.rule_dir_count = 1;
  o.paths = paths;
  o.path_count = 1;
  o.no_gitignore = true;
  scl_result *res = NULL;
  scl_diag diag;
  scl_diag_clear(&diag);
  if (scl_run(&res, &o, print_diag, NULL, &diag) != SCL_OK) {
    print_diag(&diag, NULL);
    return 1;
  }
  scl_result *all = NULL;
  o.no_prefilter = true;
  if (scl_run(&all, &o, print_diag, NULL, &diag) != SCL_OK) {
    print_diag(&diag, NULL);
    scl_result_free(res);
    return 1;
  }

  set.count = 0;
  char *files[MAX_FILES];
  size_t nfiles = list_files(files, MAX_FILES, fix_dir, 0);
  qsort(files, nfiles, sizeof(char *), cmp_str);
  for (size_t i = 0; i < nfiles; i++) {
    read_annotations(&set, files[i], id);
    free(files[i]);
  }
  int bad = 0;
  const scl_rule_info *info = NULL;
  for (size_t i = 0; i < res->rule_count; i++)
    if (!strcmp(res->rules[i].id, id))
      info = &res->rules[i];
  if (info) {
    bad += check_coverage(&set, info);
  } else {
    printf("  the rule %s did not load\n", id);
    bad++;
  }
  bad += check_findings(&set, res, id);
  bad += compare_runs(res, all);
  scl_result_free(all);
  for (size_t i = 0; i < res->notice_count; i++)
    printf("  notice  %s: %s: %s\n", res->notices[i].path, res->notices[i].kind,
           res->notices[i].message);
  int expect = 0, ok = 0;
  for (size_t i = 0; i < set.count; i++) {
    expect += set.items[i].kind == ANN_EXPECT;
    ok += set.items[i].kind == ANN_OK;
  }
  printf("  %s: %d expect, %d ok, %zu findings in %zu files\n", bad ? "FAILED" : "validated",
         expect, ok, res->finding_count, nfiles);
  scl_result_free(res);
  return bad;
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: fixture_runner RULES_DIR FIXTURES_DIR [ID...]\n");
    return 2;
  }
  char *names[MAX_FILES];
  size_t n = 0;
  DIR *d = opendir(argv[1]);
  if (!d) {
    perror(argv[1]);
    return 2;
  }
  struct dirent *e;
  while ((e = readdir(d)) && n < MAX_FILES) {
    size_t len = strlen(e->d_name);
    if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml") && !strncmp(e->d_name, "SCL", 3))
      names[n++] = strndup(e->d_name, len - 5);
  }
  closedir(d);
  qsort(names, n, sizeof(char *), cmp_str);

  int passed = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    bool wanted = argc == 3;
    for (int a = 3; a < argc && !wanted; a++)
      wanted = !strncmp(names[i], argv[a], strlen(argv[a]));
    if (wanted) {
      if (run_rule(argv[1], argv[2], names[i]) == 0)
        passed++;
      else
        failed++;
    }
    free(names[i]);
  }
  if (passed + failed == 0) {
    fprintf(stderr, "fixture_runner: no rules matched\n");
    return 1;
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
