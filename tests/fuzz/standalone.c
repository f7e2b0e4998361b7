/*
 * standalone.c - a main() for the fuzz targets when they are built without
 * libFuzzer (gcc, or clang without -fsanitize=fuzzer): it feeds every file
 * named on the command line, and every file under every directory named
 * there, to LLVMFuzzerTestOneInput once, so that ctest replays the seed
 * corpora and the crash regressions under ASan and UBSan.
 *
 *   replay_<target> [--ext EXT[,EXT...] | --any | PATH]...
 *
 * Arguments are taken in order. `--ext py,pyi` makes the directories named
 * after it contribute only files whose name ends in one of those extensions
 * (to seed a front-end target from fixtures/ without feeding it the other
 * languages); `--any` turns the filter off again (for tests/fuzz/corpora/).
 * A file named explicitly is always replayed. Exit status 0 when every
 * input ran, 2 on a usage or I/O error; a crash aborts, as under libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

/* Directory nesting followed below an argument: corpora are flat, fixtures
 * two levels deep. */
#define MAX_DEPTH 8

/* Largest input replayed; libFuzzer's own default -max_len is far smaller. */
#define SCL_FUZZ_MAX_INPUT ((size_t)16 * 1024 * 1024)

static const char *ext_filter;
static unsigned long replayed;

static int has_wanted_ext(const char *name)
{
  const char *dot = strrchr(name, '.');
  size_t n;

  if (!ext_filter)
    return 1;
  if (!dot)
    return 0;
  dot++;
  n = strlen(dot);
  for (const char *p = ext_filter; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == n && strncmp(p, dot, n) == 0)
      return 1;
    p += len + (comma ? 1 : 0);
  }
  return 0;
}

static int replay_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  int rc = 0;

  if (!f) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  for (;;) {
    if (len == cap) {
      if (cap >= SCL_FUZZ_MAX_INPUT) {
        fprintf(stderr, "replay: %s: larger than %zu bytes, skipped\n", path, SCL_FUZZ_MAX_INPUT);
        goto cleanup;
      }
      cap = cap ? cap * 2 : 4096;
      unsigned char *grown = realloc(buf, cap);
      if (!grown)
        abort();
      buf = grown;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    fprintf(stderr, "replay: %s: read error\n", path);
    rc = 2;
    goto cleanup;
  }
  LLVMFuzzerTestOneInput(buf, len);
  replayed++;

cleanup:
  fclose(f);
  free(buf);
  return rc;
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays path: a file, or every wanted file below a directory, in name order. */
static int replay_path(const char *path, int depth, int is_arg)
{
  struct stat st;
  int rc = 0;

  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  if (!S_ISDIR(st.st_mode))
    return (is_arg || has_wanted_ext(path)) && S_ISREG(st.st_mode) ? replay_file(path) : 0;
  if (depth >= MAX_DEPTH)
    return 0;
  DIR *dir = opendir(path);
  if (!dir) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return 2;
  }
  char **names = NULL;
  size_t count = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.')
      continue;  /* ".", "..", and hidden files such as .gitkeep */
    if (count == cap) {
      cap = cap ? cap * 2 : 64;
      char **grown = realloc(names, cap * sizeof(*names));
      if (!grown)
        abort();
      names = grown;
    }
    size_t n = strlen(path) + strlen(e->d_name) + 2;
    names[count] = malloc(n);
    if (!names[count])
      abort();
    snprintf(names[count], n, "%s/%s", path, e->d_name);
    count++;
  }
  closedir(dir);
  if (count)
    qsort(names, count, sizeof(*names), name_cmp);
  for (size_t i = 0; i < count; i++) {
    int r = replay_path(names[i], depth + 1, 0);
    if (r && !rc)
      rc = r;
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv)
{
  int rc = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: %s [--ext EXT[,EXT...] | --any | PATH]...\n", argv[0]);
    return 2;
  }
  LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--any") == 0) {
      ext_filter = NULL;
      continue;
    }
    if (strcmp(argv[i], "--ext") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "replay: --ext needs a value\n");
        return 2;
      }
      ext_filter = argv[++i];
      continue;
    }
    int r = replay_path(argv[i], 0, 1);
    if (r && !rc)
      rc = r;
  }
  printf("replayed %lu inputs\n", replayed);
  return rc;
}
