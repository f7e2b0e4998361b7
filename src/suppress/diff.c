/*
 * diff.c - changed-lines mode: which lines changed since a git ref, and the
 * filter that keeps only findings on them.
 *
 * git runs as a child process (posix_spawnp, argument vector, pipes): no
 * shell ever sees the ref or a path. The ref may not start with '-', so it
 * cannot be read as an option. Changes are the working tree against the ref
 * (`git diff --unified=0 REF --`) plus untracked, not ignored files, which
 * count as wholly changed. Paths are relative to the repository root; the
 * scan's paths are relative to the current directory, so they are prefixed
 * with `git rev-parse --show-prefix` before lookup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suppress/suppress_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/vec.h"

extern char **environ;

/* Bytes of git's stderr kept for the diagnostic; the rest is drained. */
#define GIT_ERR_BYTES ((size_t)4096)

/* ==== hunk parsing ====================================================== */

/* rec - one changed range while parsing (first == 0 with is_whole). */
typedef struct rec {
  const char *path;
  uint32_t first, last;
  bool is_whole;
} rec;

typedef SCL_VEC(rec) rec_vec;

static int cmp_rec(const void *a, const void *b)
{
  const rec *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  if (c)
    return c;
  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return x->last < y->last ? -1 : (x->last > y->last);
}

/* Undoes git's C-style quoting of a path ("a\tb", "\303\251"); s..e holds
 * the text between the quotes. */
static char *unquote(scl_arena *arena, const char *s, const char *e)
{
  char *out = scl_arena_alloc(arena, (size_t)(e - s) + 1), *o = out;
  while (s < e) {
    if (*s != '\\' || s + 1 >= e) {
      *o++ = *s++;
      continue;
    }
    s++;
    if (*s >= '0' && *s <= '7') {
      unsigned v = 0;
      for (int k = 0; k < 3 && s < e && *s >= '0' && *s <= '7'; k++)
        v = v * 8 + (unsigned)(*s++ - '0');
      *o++ = (char)v;
      continue;
    }
    switch (*s) {
    case 'n': *o++ = '\n'; break;
    case 't': *o++ = '\t'; break;
    case 'r': *o++ = '\r'; break;
    case 'a': *o++ = '\a'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'v': *o++ = '\v'; break;
    default: *o++ = *s; break;
    }
    s++;
  }
  *o = '\0';
  return out;
}

/* The new-side path of a "+++ " line (s..e after the marker), or NULL for
 * /dev/null (a deleted file). */
static const char *new_path(scl_arena *arena, const char *s, const char *e)
{
  while (e > s && (e[-1] == '\r' || e[-1] == '\t' || e[-1] == ' '))
    e--;
  char *p;
  if (e - s >= 2 && *s == '"' && e[-1] == '"')
    p = unquote(arena, s + 1, e - 1);
  else
    p = scl_arena_strndup(arena, s, (size_t)(e - s));
  if (strcmp(p, "/dev/null") == 0)
    return NULL;
  return strncmp(p, "b/", 2) == 0 ? p + 2 : p;
}

/* Parses a decimal number at *s, advancing it; false if there is none. */
static bool parse_num(const char **s, const char *e, uint32_t *out)
{
  uint64_t v = 0;
  const char *p = *s;
  while (p < e && *p >= '0' && *p <= '9' && v <= UINT32_MAX)
    v = v * 10 + (uint64_t)(*p++ - '0');
  if (p == *s || v > UINT32_MAX)
    return false;
  *s = p;
  *out = (uint32_t)v;
  return true;
}

/* "@@ -a[,b] +c[,d] @@": old count b, new start c and count d (1 if absent). */
static bool parse_hunk(const char *s, const char *e, uint32_t *old_n, uint32_t *new_start,
                       uint32_t *new_n)
{
  uint32_t a;
  s += 3; /* "@@ " */
  if (s >= e || *s++ != '-' || !parse_num(&s, e, &a))
    return false;
  *old_n = 1;
  if (s < e && *s == ',' && (++s, !parse_num(&s, e, old_n)))
    return false;
  if (s + 1 >= e || s[0] != ' ' || s[1] != '+')
    return false;
  s += 2;
  if (!parse_num(&s, e, new_start))
    return false;
  *new_n = 1;
  if (s < e && *s == ',' && (++s, !parse_num(&s, e, new_n)))
    return false;
  return true;
}

/* Walks the diff text, pushing one rec per hunk with new lines. */
static void diff_recs(rec_vec *v, scl_arena *arena, const char *text, size_t len)
{
  const char *p = text, *end = text + len, *path = NULL;
  uint32_t old_left = 0, new_left = 0; /* body lines of the current hunk still to skip */
  while (p < end) {
    const char *e = memchr(p, '\n', (size_t)(end - p));
    if (!e)
      e = end;
    if (old_left || new_left) {
      if (*p == '-' && old_left)
        old_left--;
      else if (*p == '+' && new_left)
        new_left--;
      else if (*p != '\\') /* "\ No newline at end of file" */
        old_left = new_left = 0; /* malformed: resynchronise on headers */
    }
    if (old_left || new_left || (e > p && *p == '\\')) {
      /* inside a hunk body */
    } else if (e - p >= 11 && memcmp(p, "diff --git ", 11) == 0) {
      path = NULL;
    } else if (e - p >= 4 && memcmp(p, "+++ ", 4) == 0) {
      path = new_path(arena, p + 4, e);
    } else if (path && e - p >= 3 && memcmp(p, "@@ ", 3) == 0) {
      uint32_t start = 0, count = 0;
      if (!parse_hunk(p, e, &old_left, &start, &count))
        old_left = count = 0;
      if (count) {
        uint32_t last = start + count - 1 < start ? UINT32_MAX : start + count - 1;
        rec r = { path, start, last, false };
        SCL_VEC_PUSH(v, r);
      }
      new_left = count;
    }
    p = e + 1;
  }
}

/* Groups sorted recs into changes->files, merging overlapping ranges. */
static void group_recs(scl_changes *changes, scl_arena *arena, rec *rs, size_t n)
{
  changes->files = scl_arena_alloc(arena, (n ? n : 1) * sizeof(scl_changed_file));
  changes->file_count = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && strcmp(rs[j].path, rs[i].path) == 0)
      j++;
    scl_changed_file *cf = &changes->files[changes->file_count++];
    cf->path = rs[i].path;
    cf->ranges = scl_arena_alloc(arena, (j - i) * sizeof(scl_line_range));
    cf->range_count = 0;
    cf->is_whole = false;
    for (size_t k = i; k < j; k++) {
      if (rs[k].is_whole) {
        cf->is_whole = true;
        continue;
      }
      scl_line_range *last = cf->range_count ? &cf->ranges[cf->range_count - 1] : NULL;
      if (last && rs[k].first <= last->last + 1) {
        if (rs[k].last > last->last)
          last->last = rs[k].last;
      } else {
        cf->ranges[cf->range_count].first = rs[k].first;
        cf->ranges[cf->range_count++].last = rs[k].last;
      }
    }
    i = j;
  }
}

void scl_suppress__parse_diff(scl_changes *changes, scl_arena *arena, const char *text,
                              size_t len, const char *untracked, size_t untracked_len)
{
  rec_vec v = {0};
  if (text)
    diff_recs(&v, arena, text, len);
  if (untracked) {
    char sep = memchr(untracked, '\0', untracked_len) ? '\0' : '\n';
    const char *p = untracked, *end = untracked + untracked_len;
    while (p < end) {
      const char *e = memchr(p, sep, (size_t)(end - p));
      if (!e)
        e = end;
      if (e > p) {
        rec r = { scl_arena_strndup(arena, p, (size_t)(e - p)), 0, 0, true };
        SCL_VEC_PUSH(&v, r);
      }
      p = e + 1;
    }
  }
  if (v.count)
    qsort(v.items, v.count, sizeof(rec), cmp_rec);
  group_recs(changes, arena, v.items, v.count);
  SCL_VEC_FREE(&v);
}

static int cmp_file_key(const void *key, const void *elem)
{
  return strcmp(key, ((const scl_changed_file *)elem)->path);
}

bool scl_suppress__is_changed(const scl_changes *changes, const char *path, uint32_t line)
{
  const scl_changed_file *cf = bsearch(path, changes->files, changes->file_count,
                                       sizeof(scl_changed_file), cmp_file_key);
  if (!cf)
    return false;
  if (cf->is_whole)
    return true;
  size_t lo = 0, hi = cf->range_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cf->ranges[mid].last < line)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < cf->range_count && cf->ranges[lo].first <= line;
}

/* ==== running git ======================================================= */

/* Reads fd into b (keeping at most b's max; the rest is drained). Returns
 * false at end of file. */
static bool drain(int fd, scl_buf *b)
{
  char chunk[65536];
  ssize_t n = read(fd, chunk, sizeof(chunk));
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  if (!b->is_toobig)
    scl_buf_append(b, chunk, (size_t)n);
  return true;
}

static void cloexec(int fd)
{
  fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

/* Starts argv with stdout and stderr on pipes, stdin on /dev/null. */
static scl_status spawn(pid_t *pid, int *out_fd, int *err_fd, char *const argv[], scl_diag *diag)
{
  int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
  posix_spawn_file_actions_t fa;
  if (pipe(po) != 0 || pipe(pe) != 0) {
    scl_status st = scl_diag_set(diag, SCL_EINVAL, "cannot run git: %s", strerror(errno));
    for (int k = 0; k < 2; k++) {
      if (po[k] >= 0)
        close(po[k]);
      if (pe[k] >= 0)
        close(pe[k]);
    }
    return st;
  }
  for (int k = 0; k < 2; k++) {
    cloexec(po[k]);
    cloexec(pe[k]);
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, po[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
  int rc = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(po[1]);
  close(pe[1]);
  if (rc != 0) {
    close(po[0]);
    close(pe[0]);
    return scl_diag_set(diag, SCL_EINVAL, "cannot run git: %s", strerror(rc));
  }
  *out_fd = po[0];
  *err_fd = pe[0];
  return SCL_OK;
}

/*
 * Runs git with args (NULL-terminated, without "git"), collecting stdout
 * into out. A non-zero exit is SCL_EINVAL with git's first stderr line,
 * after "git WHAT: "; output past out's ceiling is SCL_ELIMIT.
 */
static scl_status run_git(scl_buf *out, const char *what, const char *const *args,
                          scl_diag *diag)
{
  const char *argv[24];
  size_t n = 0;
  argv[n++] = "git";
  for (; args[n - 1] && n < sizeof(argv) / sizeof(argv[0]) - 1; n++)
    argv[n] = args[n - 1];
  argv[n] = NULL;

  scl_buf err;
  scl_buf_init(&err, GIT_ERR_BYTES);
  pid_t pid = 0;
  int fds[2] = { -1, -1 };
  scl_status st = spawn(&pid, &fds[0], &fds[1], (char *const *)argv, diag);
  if (st != SCL_OK)
    goto cleanup;
  struct pollfd pf[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
  bool is_open[2] = { true, true };
  while (is_open[0] || is_open[1]) {
    for (int k = 0; k < 2; k++)
      pf[k].fd = is_open[k] ? fds[k] : -1;
    if (poll(pf, 2, -1) < 0 && errno != EINTR)
      break;
    for (int k = 0; k < 2; k++)
      if (is_open[k] && (pf[k].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !drain(fds[k], k ? &err : out)) {
        close(fds[k]);
        is_open[k] = false;
      }
  }
  for (int k = 0; k < 2; k++)
    if (is_open[k])
      close(fds[k]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const char *msg = scl_buf_cstr(&err);
    size_t ml = strcspn(msg, "\n");
    st = scl_diag_set(diag, SCL_EINVAL, "git %s: %.*s", what, (int)(ml ? ml : 6),
                      ml ? msg : "failed");
  } else if (out->is_toobig) {
    st = scl_diag_set(diag, SCL_ELIMIT, "git %s: output larger than %zu bytes", what,
                      SUPPRESS_MAX_GIT_BYTES);
  }

cleanup:
  scl_buf_dispose(&err);
  return st;
}

/* ==== the filter ======================================================== */

/* Repository root and the current directory's prefix in it ("" or "a/b/"). */
static scl_status repo_location(char **top, char **prefix, scl_arena *arena, scl_diag *diag)
{
  scl_buf out;
  scl_buf_init(&out, SUPPRESS_MAX_GIT_BYTES);
  static const char *const args[] = { "rev-parse", "--show-toplevel", "--show-prefix", NULL };
  scl_status st = run_git(&out, "rev-parse", args, diag);
  if (st == SCL_OK) {
    const char *s = scl_buf_cstr(&out);
    size_t l1 = strcspn(s, "\n");
    *top = scl_arena_strndup(arena, s, l1);
    s += l1 + (s[l1] == '\n');
    *prefix = scl_arena_strndup(arena, s, strcspn(s, "\n"));
  }
  scl_buf_dispose(&out);
  return st;
}

/* Reads the changes since ref of the repository at top. */
static scl_status load_changes(scl_changes *changes, scl_arena *arena, const char *top,
                               const char *ref, scl_diag *diag)
{
  scl_buf diff, others;
  scl_buf_init(&diff, SUPPRESS_MAX_GIT_BYTES);
  scl_buf_init(&others, SUPPRESS_MAX_GIT_BYTES);
  const char *const diff_args[] = { "-C", top, "-c", "core.quotepath=off", "diff",
                                    "--unified=0", "--no-color", "--no-ext-diff",
                                    "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", ref,
                                    "--", NULL };
  const char *const ls_args[] = { "-C", top, "ls-files", "-z", "--others", "--exclude-standard",
                                  NULL };
  scl_status st = run_git(&diff, "diff", diff_args, diag);
  if (st == SCL_OK)
    st = run_git(&others, "ls-files", ls_args, diag);
  if (st == SCL_OK)
    scl_suppress__parse_diff(changes, arena, scl_buf_cstr(&diff), diff.len,
                             scl_buf_cstr(&others), others.len);
  scl_buf_dispose(&diff);
  scl_buf_dispose(&others);
  return st;
}

/* The repository-relative form of a finding's path, or NULL if outside. */
static const char *repo_path(scl_arena *arena, const char *path, const char *top,
                             const char *prefix)
{
  if (path[0] == '/') {
    char real[PATH_MAX];
    const char *p = realpath(path, real) ? real : path;
    size_t tl = strlen(top);
    if (strncmp(p, top, tl) != 0 || p[tl] != '/')
      return NULL;
    return scl_suppress__norm_path(arena, p + tl + 1, NULL);
  }
  const char *n = scl_suppress__norm_path(arena, scl_arena_printf(arena, "%s%s", prefix, path),
                                          NULL);
  return strncmp(n, "../", 3) == 0 ? NULL : n;
}

scl_status scl_suppress__diff_filter(scl_result *res, const char *ref, scl_diag *diag)
{
  if (!*ref || ref[0] == '-')
    return scl_diag_set(diag, SCL_EINVAL, "--diff-base: `%s` is not a git ref", ref);
  scl_arena scratch;
  scl_arena_init(&scratch);
  char *top = NULL, *prefix = NULL;
  scl_changes changes = { NULL, 0 };
  scl_status st = repo_location(&top, &prefix, &scratch, diag);
  if (st == SCL_OK)
    st = load_changes(&changes, &scratch, top, ref, diag);
  if (st != SCL_OK)
    goto cleanup;

  size_t kept = 0;
  const char *last = NULL, *key = NULL;
  for (size_t i = 0; i < res->finding_count; i++) {
    scl_finding *f = &res->findings[i];
    if (f->path != last) {
      last = f->path;
      key = repo_path(&scratch, f->path, top, prefix);
    }
    if (key && scl_suppress__is_changed(&changes, key, f->span.start_line))
      res->findings[kept++] = *f;
  }
  res->finding_count = kept;

cleanup:
  scl_arena_dispose(&scratch);
  return st;
}
