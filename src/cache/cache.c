/*
 * cache.c - the incremental cache's directory of entries (cache.h): keys,
 * lookups, atomic stores and eviction.
 *
 * An entry file is a header (magic "SCLC", format version, the key, the
 * payload's length and 64-bit hash) and the payload in serial.h's encoding.
 * Anything that does not check out is a miss; this file must never let a
 * bad entry reach the results, and never writes outside its directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
#include "cache/serial.h"
#include "engine/builtin.h"
#include "scalint/scalint.h"
#include "util/alloc.h"
#include "util/vec.h"

/* Bump whenever serial.c's encoding or the meaning of an entry changes. */
#define CACHE_FORMAT 1u
#define HEADER_BYTES (4 + 4 + 16 + 8 + 8)
/* A hit refreshes its entry's mtime (the LRU clock) at most this often. */
#define TOUCH_INTERVAL_SECONDS (24L * 3600)
/* Temporary files older than this were left by a killed run. */
#define STALE_TMP_SECONDS 3600L

struct scl_cache {
  char *dir;
  scl_cache_key run_key;
  atomic_size_t hits, misses, write_errors;
};

/* ==== keys ============================================================== */

static void hash_file(scl_hash128 *h, const char *path)
{
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) {
    scl_hash128_str(h, "(unreadable)");
    return;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
    scl_hash128_update(h, buf, n);
  fclose(f);
}

void scl_cache_run_key(scl_cache_key *out, const scl_ruleset *rs, bool has_builtin,
                       const char *config_path, size_t max_file_bytes, bool has_executable)
{
  scl_hash128 h;
  scl_hash128_init(&h);
  char num[64];
  snprintf(num, sizeof(num), "format %u version %s max %zu", CACHE_FORMAT, SCALINT_VERSION,
           max_file_bytes);
  scl_hash128_str(&h, num);
  /* the engine itself: a rebuilt binary may match differently */
  if (has_executable)
    hash_file(&h, "/proc/self/exe");
  if (has_builtin)
    for (const scl_builtin_rule *b = scl_builtin_rules; b->origin; b++) {
      scl_hash128_str(&h, b->origin);
      scl_hash128_update(&h, b->text, b->len);
    }
  size_t n = scl_ruleset_count(rs);
  for (size_t i = 0; i < n; i++) {
    const scl_rule_info *r = scl_ruleset_info(rs, i);
    snprintf(num, sizeof(num), "level %d", (int)r->level);
    scl_hash128_str(&h, r->id);
    scl_hash128_str(&h, r->slug);
    scl_hash128_str(&h, num);
    scl_hash128_str(&h, r->languages);
    scl_hash128_str(&h, r->origin);
    if (r->origin && strcmp(r->origin, "builtin") != 0)
      hash_file(&h, r->origin);
  }
  scl_hash128_str(&h, config_path ? "config" : "no config");
  if (config_path)
    hash_file(&h, config_path);
  scl_hash128_final(out->bytes, &h);
}

void scl_cache_key_file(scl_cache_key *out, const scl_cache *c, const char *path, scl_lang lang,
                        const char *data, size_t len)
{
  scl_hash128 h;
  char num[32];
  scl_hash128_init(&h);
  scl_hash128_update(&h, c->run_key.bytes, sizeof(c->run_key.bytes));
  scl_hash128_str(&h, path);
  snprintf(num, sizeof(num), "lang %d", (int)lang);
  scl_hash128_str(&h, num);
  scl_hash128_update(&h, data, len);
  scl_hash128_final(out->bytes, &h);
}

/* ==== directory ========================================================= */

static int mkdir_p(const char *dir)
{
  char *p = scl_xstrdup(dir);
  int rc = 0;
  for (char *s = p + 1; ; s++) {
    if (*s == '/' || *s == '\0') {
      char saved = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
      *s = saved;
      if (rc != 0 || saved == '\0')
        break;
    }
  }
  free(p);
  return rc;
}

/* Writes name in dir with text unless it exists. */
static void write_marker(const char *dir, const char *name, const char *text)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0)
    return;
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  (void)n;
  close(fd);
}

scl_status scl_cache_open(scl_cache **out, const char *dir, const scl_cache_key *run_key,
                          scl_diag *diag)
{
  *out = NULL;
  if (!dir || !*dir)
    return scl_diag_set(diag, SCL_EINVAL, "cache: empty directory name");
  if (strlen(dir) > 3000)
    return scl_diag_set(diag, SCL_EINVAL, "cache: directory name too long");
  if (mkdir_p(dir) != 0 || access(dir, W_OK | X_OK) != 0)
    return scl_diag_set(diag, SCL_EIO, "cache: cannot use directory %s: %s", dir,
                        strerror(errno));
  write_marker(dir, "CACHEDIR.TAG",
               "Signature: 8a477f597d28d172789f06886806bc55\n"
               "# This file is a cache directory tag created by scalint.\n"
               "# For information about cache directory tags see https://bford.info/cachedir/\n");
  write_marker(dir, ".gitignore", "# created by scalint: the whole cache is ignored\n*\n");
  scl_cache *c = scl_xcalloc(1, sizeof(*c));
  c->dir = scl_xstrdup(dir);
  c->run_key = *run_key;
  atomic_init(&c->hits, 0);
  atomic_init(&c->misses, 0);
  atomic_init(&c->write_errors, 0);
  *out = c;
  return SCL_OK;
}

void scl_cache_free(scl_cache *c)
{
  if (!c)
    return;
  free(c->dir);
  free(c);
}

void scl_cache_stats(const scl_cache *c, size_t *hits, size_t *misses, size_t *write_errors)
{
  *hits = atomic_load(&c->hits);
  *misses = atomic_load(&c->misses);
  *write_errors = atomic_load(&c->write_errors);
}

/* DIR/ab/cdef... ; sub_len_out: the length of the "DIR/ab" prefix. */
static void entry_path(char *out, size_t cap, size_t *sub_len_out, const scl_cache *c,
                       const scl_cache_key *key)
{
  static const char hex[] = "0123456789abcdef";
  char h[33];
  for (int i = 0; i < 16; i++) {
    h[2 * i] = hex[key->bytes[i] >> 4];
    h[2 * i + 1] = hex[key->bytes[i] & 15];
  }
  h[32] = '\0';
  int n = snprintf(out, cap, "%s/%.2s", c->dir, h);
  if (sub_len_out)
    *sub_len_out = n > 0 ? (size_t)n : 0;
  snprintf(out + (n > 0 ? n : 0), cap - (size_t)(n > 0 ? n : 0), "/%s", h + 2);
}

/* ==== lookups =========================================================== */

static bool read_all(int fd, uint8_t *buf, size_t len)
{
  size_t done = 0;
  while (done < len) {
    ssize_t n = read(fd, buf + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += (size_t)n;
  }
  return true;
}

/* Decodes a payload; on success appends to the vectors and fills entry. */
static bool decode_entry(scl_cache_entry *entry, scl_finding_vec *findings,
                         scl_notice_vec *notices, const uint8_t *payload, size_t len,
                         scl_arena *arena)
{
  scl_rbuf r;
  scl_rbuf_init(&r, payload, len, arena);
  uint32_t flags = scl_de_u32(&r);
  uint32_t nf = scl_de_count(&r, 64);
  scl_finding *fs = scl_arena_alloc(arena, (nf ? nf : 1) * sizeof(*fs));
  for (uint32_t i = 0; i < nf && !r.is_bad; i++)
    scl_de_finding(&r, &fs[i]);
  uint32_t nn = scl_de_count(&r, 16);
  scl_notice *ns = scl_arena_alloc(arena, (nn ? nn : 1) * sizeof(*ns));
  for (uint32_t i = 0; i < nn && !r.is_bad; i++)
    scl_de_notice(&r, &ns[i]);
  memset(entry, 0, sizeof(*entry));
  entry->is_counted = (flags & 1u) != 0;
  entry->is_scanned = (flags & 2u) != 0;
  entry->has_summary = (flags & 4u) != 0;
  if (entry->has_summary)
    scl_de_summary(&r, &entry->summary);
  if (r.is_bad || r.p != r.end)
    return false;
  for (uint32_t i = 0; i < nf; i++)
    SCL_VEC_PUSH(findings, fs[i]);
  for (uint32_t i = 0; i < nn; i++)
    SCL_VEC_PUSH(notices, ns[i]);
  return true;
}

static bool get_entry(scl_cache_entry *entry, scl_finding_vec *findings, scl_notice_vec *notices,
                      scl_cache *c, const scl_cache_key *key, scl_arena *arena)
{
  char path[4096];
  entry_path(path, sizeof(path), NULL, c, key);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = false;
  uint8_t *buf = NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER_BYTES ||
      (size_t)st.st_size > SCL_CACHE_MAX_ENTRY_BYTES + HEADER_BYTES)
    goto cleanup;
  size_t size = (size_t)st.st_size;
  buf = scl_xmalloc(size);
  if (!read_all(fd, buf, size))
    goto cleanup;
  scl_rbuf r;
  scl_rbuf_init(&r, buf, HEADER_BYTES, arena);
  char magic[4];
  uint8_t got_key[16];
  scl_de_bytes(&r, magic, 4);
  uint32_t format = scl_de_u32(&r);
  scl_de_bytes(&r, got_key, 16);
  uint64_t payload_len = scl_de_u64(&r);
  uint64_t payload_hash = scl_de_u64(&r);
  if (memcmp(magic, "SCLC", 4) != 0 || format != CACHE_FORMAT ||
      memcmp(got_key, key->bytes, 16) != 0 || payload_len != size - HEADER_BYTES ||
      scl_hash64(buf + HEADER_BYTES, size - HEADER_BYTES) != payload_hash)
    goto cleanup;
  ok = decode_entry(entry, findings, notices, buf + HEADER_BYTES, size - HEADER_BYTES, arena);
  if (ok && time(NULL) - st.st_mtime > TOUCH_INTERVAL_SECONDS)
    futimens(fd, NULL);

cleanup:
  free(buf);
  close(fd);
  return ok;
}

bool scl_cache_get(scl_cache_entry *entry, scl_finding_vec *findings, scl_notice_vec *notices,
                   scl_cache *c, const scl_cache_key *key, scl_arena *arena)
{
  bool hit = get_entry(entry, findings, notices, c, key, arena);
  atomic_fetch_add(hit ? &c->hits : &c->misses, 1);
  return hit;
}

/* ==== stores ============================================================ */

static bool write_all(int fd, const uint8_t *buf, size_t len)
{
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, buf + done, len - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += (size_t)n;
  }
  return true;
}

void scl_cache_put(scl_cache *c, const scl_cache_key *key, const scl_finding *findings,
                   size_t finding_count, const scl_notice *notices, size_t notice_count,
                   const scl_cache_entry *entry)
{
  scl_wbuf payload = {0}, out = {0};
  uint32_t flags = (entry->is_counted ? 1u : 0u) | (entry->is_scanned ? 2u : 0u) |
                   (entry->has_summary ? 4u : 0u);
  scl_ser_u32(&payload, flags);
  scl_ser_u32(&payload, (uint32_t)finding_count);
  for (size_t i = 0; i < finding_count; i++)
    scl_ser_finding(&payload, &findings[i]);
  scl_ser_u32(&payload, (uint32_t)notice_count);
  for (size_t i = 0; i < notice_count; i++)
    scl_ser_notice(&payload, &notices[i]);
  if (entry->has_summary)
    scl_ser_summary(&payload, &entry->summary);
  if (payload.len > SCL_CACHE_MAX_ENTRY_BYTES) {
    scl_wbuf_dispose(&payload);
    return;
  }
  scl_ser_bytes(&out, "SCLC", 4);
  scl_ser_u32(&out, CACHE_FORMAT);
  scl_ser_bytes(&out, key->bytes, 16);
  scl_ser_u64(&out, payload.len);
  scl_ser_u64(&out, scl_hash64(payload.data, payload.len));
  scl_ser_bytes(&out, payload.data, payload.len);
  scl_wbuf_dispose(&payload);

  char path[4096], tmp[4200];
  size_t sub_len = 0;
  entry_path(path, sizeof(path), &sub_len, c, key);
  snprintf(tmp, sizeof(tmp), "%.*s/.tmp-XXXXXX", (int)sub_len, path);
  int fd = mkstemp(tmp);
  if (fd < 0 && errno == ENOENT) {
    char sub[4096];
    snprintf(sub, sizeof(sub), "%.*s", (int)sub_len, path);
    mkdir(sub, 0777);
    /* mkstemp may have overwritten the XXXXXX of the failed attempt */
    snprintf(tmp, sizeof(tmp), "%.*s/.tmp-XXXXXX", (int)sub_len, path);
    fd = mkstemp(tmp);
  }
  bool ok = fd >= 0;
  if (ok) {
    fchmod(fd, 0644);
    ok = write_all(fd, out.data, out.len);
    ok = close(fd) == 0 && ok;
    /* rename is atomic: readers see the old entry or the whole new one */
    ok = ok && rename(tmp, path) == 0;
    if (!ok)
      unlink(tmp);
  }
  if (!ok)
    atomic_fetch_add(&c->write_errors, 1);
  scl_wbuf_dispose(&out);
}

/* ==== eviction ========================================================== */

typedef struct gc_item {
  char *path;
  time_t mtime;
  uint64_t bytes;
} gc_item;

static int cmp_gc_oldest(const void *a, const void *b)
{
  const gc_item *x = a, *y = b;
  if (x->mtime != y->mtime)
    return x->mtime < y->mtime ? -1 : 1;
  return strcmp(x->path, y->path);
}

/* true when the stamp is recent (and nothing should run); refreshes it. */
static bool gc_recently(const scl_cache *c, bool is_forced)
{
  char stamp[4096];
  snprintf(stamp, sizeof(stamp), "%s/.last-gc", c->dir);
  struct stat st;
  if (!is_forced && stat(stamp, &st) == 0 && time(NULL) - st.st_mtime < 24L * 3600)
    return true;
  int fd = open(stamp, O_WRONLY | O_CREAT, 0666);
  if (fd >= 0) {
    futimens(fd, NULL);
    close(fd);
  }
  return false;
}

size_t scl_cache_gc(scl_cache *c, uint64_t max_bytes, bool is_forced)
{
  if (gc_recently(c, is_forced))
    return 0;
  SCL_VEC(gc_item) items = {0};
  uint64_t total = 0;
  size_t removed = 0;
  time_t now = time(NULL);
  for (int i = 0; i < 256; i++) {
    char sub[4096];
    snprintf(sub, sizeof(sub), "%s/%02x", c->dir, i);
    DIR *d = opendir(sub);
    if (!d)
      continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      char path[4400];
      snprintf(path, sizeof(path), "%s/%s", sub, e->d_name);
      struct stat st;
      if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
        continue;
      bool is_tmp = strncmp(e->d_name, ".tmp-", 5) == 0;
      if ((is_tmp && now - st.st_mtime > STALE_TMP_SECONDS) ||
          (!is_tmp && now - st.st_mtime > SCL_CACHE_MAX_AGE_SECONDS)) {
        if (unlink(path) == 0)
          removed++;
        continue;
      }
      if (is_tmp)
        continue;
      gc_item it = {scl_xstrdup(path), st.st_mtime, (uint64_t)st.st_size};
      total += it.bytes;
      SCL_VEC_PUSH(&items, it);
    }
    closedir(d);
  }
  if (total > max_bytes) {
    qsort(items.items, items.count, sizeof(gc_item), cmp_gc_oldest);
    uint64_t target = max_bytes / 4 * 3;
    for (size_t i = 0; i < items.count && total > target; i++)
      if (unlink(items.items[i].path) == 0) {
        total -= items.items[i].bytes;
        removed++;
      }
  }
  for (size_t i = 0; i < items.count; i++)
    free(items.items[i].path);
  SCL_VEC_FREE(&items);
  return removed;
}
