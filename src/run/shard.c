/*
 * shard.c - which files a `--shard K/N` scan takes, and reading and writing
 * shard files for `scalint merge` (shard.h).
 *
 * The share is decided by a hash of the reported path only, so it does not
 * depend on -j, on the order of discovery or on which other files exist: a
 * new file never moves an old one to another shard. It must never depend on
 * anything the shards of one CI matrix could see differently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/serial.h"
#include "run/shard.h"
#include "scalint/scalint.h"
#include "util/alloc.h"

#define SHARD_FORMAT 1u
/* A shard of a very large monorepo stays well under this; a bigger file is
 * not one of ours (or is damaged), and reading it would just exhaust memory. */
#define SHARD_MAX_BYTES ((size_t)4 * 1024 * 1024 * 1024 - 1)

bool scl_shard_selects(const char *path, unsigned index, unsigned count)
{
  if (count <= 1)
    return true;
  return scl_hash64(path, strlen(path)) % count == (uint64_t)(index - 1);
}

/* ==== write ============================================================= */

static void encode(scl_wbuf *w, const scl_shard_data *d)
{
  scl_ser_bytes(w, "SCLS", 4);
  scl_ser_u32(w, SHARD_FORMAT);
  scl_ser_str(w, SCALINT_VERSION);
  scl_ser_u32(w, d->index);
  scl_ser_u32(w, d->count);
  scl_ser_bytes(w, d->run_key.bytes, 16);
  scl_ser_u64(w, d->files_scanned);
  scl_ser_u64(w, d->bytes_scanned);
  scl_ser_u32(w, (uint32_t)d->rule_count);
  for (size_t i = 0; i < d->rule_count; i++)
    scl_ser_rule_info(w, &d->rules[i]);
  scl_ser_u32(w, (uint32_t)d->finding_count);
  for (size_t i = 0; i < d->finding_count; i++)
    scl_ser_finding(w, &d->findings[i]);
  scl_ser_u32(w, (uint32_t)d->notice_count);
  for (size_t i = 0; i < d->notice_count; i++)
    scl_ser_notice(w, &d->notices[i]);
  scl_ser_u32(w, (uint32_t)d->summary_count);
  for (size_t i = 0; i < d->summary_count; i++)
    scl_ser_summary(w, &d->summaries[i]);
  scl_ser_u32(w, (uint32_t)d->scanned_count);
  for (size_t i = 0; i < d->scanned_count; i++)
    scl_ser_str(w, d->scanned[i]);
  scl_ser_bytes(w, "END.", 4);
}

scl_status scl_shard_write(const char *path, const scl_shard_data *d, scl_diag *diag)
{
  scl_wbuf w = {0};
  encode(&w, d);
  size_t n = strlen(path) + 16;
  char *tmp = scl_xmalloc(n);
  snprintf(tmp, n, "%s.tmpXXXXXX", path);
  scl_status st = SCL_OK;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    st = scl_diag_set(diag, SCL_EIO, "cannot create %s: %s", tmp, strerror(errno));
    goto cleanup;
  }
  fchmod(fd, 0644);
  FILE *f = fdopen(fd, "wb");
  bool ok = f && fwrite(w.data, 1, w.len, f) == w.len && fflush(f) == 0;
  int err = errno;
  if (f ? fclose(f) != 0 : close(fd) != 0)
    ok = false;
  if (ok && rename(tmp, path) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    unlink(tmp);
    st = scl_diag_set(diag, SCL_EIO, "cannot write %s: %s", path, strerror(err));
  }

cleanup:
  free(tmp);
  scl_wbuf_dispose(&w);
  return st;
}

/* ==== read ============================================================== */

static scl_status read_file(uint8_t **out, size_t *len_out, const char *path, scl_diag *diag)
{
  *out = NULL;
  FILE *f = fopen(path, "rb");
  struct stat st;
  if (!f || fstat(fileno(f), &st) != 0) {
    int err = errno;
    if (f)
      fclose(f);
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read: %s", strerror(err));
  }
  if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SHARD_MAX_BYTES) {
    fclose(f);
    return scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "not a scalint shard file");
  }
  size_t len = (size_t)st.st_size;
  uint8_t *buf = scl_xmalloc(len ? len : 1);
  bool ok = fread(buf, 1, len, f) == len;
  fclose(f);
  if (!ok) {
    free(buf);
    return scl_diag_set_at(diag, SCL_EIO, path, 0, 0, "cannot read: short read");
  }
  *out = buf;
  *len_out = len;
  return SCL_OK;
}

static void decode(scl_shard_data *d, scl_rbuf *r)
{
  d->files_scanned = (size_t)scl_de_u64(r);
  d->bytes_scanned = (size_t)scl_de_u64(r);
  uint32_t n = scl_de_count(r, 40);
  d->rules = scl_xcalloc(n ? n : 1, sizeof(*d->rules));
  for (uint32_t i = 0; i < n && !r->is_bad; i++)
    scl_de_rule_info(r, &d->rules[i]);
  d->rule_count = n;
  n = scl_de_count(r, 64);
  d->findings = scl_xcalloc(n ? n : 1, sizeof(*d->findings));
  for (uint32_t i = 0; i < n && !r->is_bad; i++)
    scl_de_finding(r, &d->findings[i]);
  d->finding_count = n;
  n = scl_de_count(r, 16);
  d->notices = scl_xcalloc(n ? n : 1, sizeof(*d->notices));
  for (uint32_t i = 0; i < n && !r->is_bad; i++)
    scl_de_notice(r, &d->notices[i]);
  d->notice_count = n;
  n = scl_de_count(r, 40);
  d->summaries = scl_xcalloc(n ? n : 1, sizeof(*d->summaries));
  for (uint32_t i = 0; i < n && !r->is_bad; i++)
    scl_de_summary(r, &d->summaries[i]);
  d->summary_count = n;
  n = scl_de_count(r, 4);
  d->scanned = scl_xcalloc(n ? n : 1, sizeof(*d->scanned));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    d->scanned[i] = scl_de_str(r);
    if (!d->scanned[i])
      r->is_bad = true;
  }
  d->scanned_count = n;
  char end[4];
  scl_de_bytes(r, end, 4);
  if (memcmp(end, "END.", 4) != 0 || r->p != r->end)
    r->is_bad = true;
}

scl_status scl_shard_read(scl_shard_data *out, scl_arena *arena, const char *path,
                          scl_diag *diag)
{
  memset(out, 0, sizeof(*out));
  uint8_t *buf = NULL;
  size_t len = 0;
  scl_status st = read_file(&buf, &len, path, diag);
  if (st != SCL_OK)
    return st;
  scl_rbuf r;
  scl_rbuf_init(&r, buf, len, arena);
  char magic[4];
  scl_de_bytes(&r, magic, 4);
  uint32_t format = scl_de_u32(&r);
  if (r.is_bad || memcmp(magic, "SCLS", 4) != 0) {
    st = scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0,
                         "not a scalint shard file (write one with check --shard K/N -o FILE)");
    goto cleanup;
  }
  const char *version = scl_de_str(&r);
  if (format != SHARD_FORMAT || !version || strcmp(version, SCALINT_VERSION) != 0) {
    st = scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0,
                         "shard written by scalint %s (format %u); this is scalint %s: "
                         "run every shard and the merge with the same scalint",
                         version ? version : "?", format, SCALINT_VERSION);
    goto cleanup;
  }
  out->index = scl_de_u32(&r);
  out->count = scl_de_u32(&r);
  scl_de_bytes(&r, out->run_key.bytes, 16);
  decode(out, &r);
  if (r.is_bad || out->count == 0 || out->index == 0 || out->index > out->count)
    st = scl_diag_set_at(diag, SCL_EINVAL, path, 0, 0, "damaged shard file");

cleanup:
  free(buf);
  if (st != SCL_OK)
    scl_shard_data_dispose(out);
  return st;
}

void scl_shard_data_dispose(scl_shard_data *d)
{
  free(d->rules);
  free(d->findings);
  free(d->notices);
  free(d->summaries);
  free((void *)d->scanned);
  memset(d, 0, sizeof(*d));
}
