/*
 * serial.c - the binary encoding of findings, notices, file summaries and
 * rule metadata (serial.h), and the 128-bit content hash.
 *
 * Encoding and decoding mirror each other field by field: change one and
 * the other together, and bump the format versions in cache.c and shard.c.
 * The decoder must never trust a length: every count is checked against the
 * bytes left before anything is allocated.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/serial.h"
#include "util/alloc.h"

#define NULL_STR 0xffffffffu

/* ==== writer ============================================================ */

void scl_wbuf_dispose(scl_wbuf *w)
{
  free(w->data);
  w->data = NULL;
  w->len = w->cap = 0;
}

void scl_ser_bytes(scl_wbuf *w, const void *data, size_t len)
{
  if (w->len + len > w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 4096;
    while (cap < w->len + len)
      cap *= 2;
    w->data = scl_xrealloc(w->data, cap);
    w->cap = cap;
  }
  if (len)
    memcpy(w->data + w->len, data, len);
  w->len += len;
}

void scl_ser_u32(scl_wbuf *w, uint32_t v)
{
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  scl_ser_bytes(w, b, 4);
}

void scl_ser_u64(scl_wbuf *w, uint64_t v)
{
  scl_ser_u32(w, (uint32_t)v);
  scl_ser_u32(w, (uint32_t)(v >> 32));
}

void scl_ser_str(scl_wbuf *w, const char *s)
{
  if (!s) {
    scl_ser_u32(w, NULL_STR);
    return;
  }
  size_t n = strlen(s);
  scl_ser_u32(w, (uint32_t)n);
  scl_ser_bytes(w, s, n);
}

static void ser_span(scl_wbuf *w, const scl_span *s)
{
  scl_ser_u32(w, s->start_line);
  scl_ser_u32(w, s->start_col);
  scl_ser_u32(w, s->end_line);
  scl_ser_u32(w, s->end_col);
  scl_ser_u32(w, s->start_byte);
  scl_ser_u32(w, s->end_byte);
}

static void ser_locations(scl_wbuf *w, const scl_location *locs, size_t count)
{
  scl_ser_u32(w, (uint32_t)count);
  for (size_t i = 0; i < count; i++) {
    scl_ser_str(w, locs[i].path);
    ser_span(w, &locs[i].span);
    scl_ser_str(w, locs[i].message);
  }
}

void scl_ser_finding(scl_wbuf *w, const scl_finding *f)
{
  scl_ser_str(w, f->rule_id);
  scl_ser_str(w, f->slug);
  scl_ser_u32(w, (uint32_t)f->level);
  scl_ser_str(w, f->path);
  ser_span(w, &f->span);
  scl_ser_str(w, f->message);
  scl_ser_str(w, f->line_text);
  ser_locations(w, f->related, f->related_count);
  scl_ser_str(w, f->fingerprint);
  scl_ser_u32(w, (uint32_t)f->suppression);
  scl_ser_str(w, f->justification);
  scl_ser_u32(w, (uint32_t)f->baseline_state);
}

void scl_ser_notice(scl_wbuf *w, const scl_notice *n)
{
  scl_ser_str(w, n->path);
  scl_ser_u32(w, (uint32_t)n->level);
  scl_ser_str(w, n->kind);
  scl_ser_str(w, n->message);
}

void scl_ser_summary(scl_wbuf *w, const scl_file_summary *s)
{
  scl_ser_str(w, s->path);
  scl_ser_u32(w, (uint32_t)s->lang);
  scl_ser_u32(w, (uint32_t)s->fn_count);
  for (size_t i = 0; i < s->fn_count; i++) {
    scl_ser_str(w, s->fns[i].name);
    scl_ser_u32(w, s->fns[i].is_method);
  }
  scl_ser_u32(w, (uint32_t)s->call_count);
  for (size_t i = 0; i < s->call_count; i++) {
    const scl_sum_call *c = &s->calls[i];
    scl_ser_str(w, c->name);
    scl_ser_str(w, c->qual);
    scl_ser_u32(w, c->is_member);
    scl_ser_u32(w, (uint32_t)c->caller);
    ser_span(w, &c->span);
    scl_ser_u32(w, c->holds);
    for (int k = 0; k < SCL_SUM_FACT_COUNT; k++)
      ser_locations(w, c->via[k], c->via_count[k]);
  }
  scl_ser_u32(w, (uint32_t)s->binding_count);
  for (size_t i = 0; i < s->binding_count; i++) {
    scl_ser_str(w, s->bindings[i].local);
    scl_ser_str(w, s->bindings[i].imported);
    scl_ser_str(w, s->bindings[i].module);
  }
  scl_ser_str(w, s->default_export);
  scl_ser_u32(w, (uint32_t)s->deferred_count);
  for (size_t i = 0; i < s->deferred_count; i++) {
    scl_ser_finding(w, &s->deferred[i].finding);
    scl_ser_u32(w, s->deferred[i].need);
    scl_ser_u32(w, (uint32_t)s->deferred[i].fn);
  }
  scl_ser_u32(w, (uint32_t)s->keyed_count);
  for (size_t i = 0; i < s->keyed_count; i++) {
    scl_ser_finding(w, &s->keyed[i].finding);
    scl_ser_str(w, s->keyed[i].key);
  }
  scl_ser_u32(w, (uint32_t)s->cancel_key_count);
  for (size_t i = 0; i < s->cancel_key_count; i++)
    scl_ser_str(w, s->cancel_keys[i]);
}

void scl_ser_rule_info(scl_wbuf *w, const scl_rule_info *r)
{
  scl_ser_str(w, r->id);
  scl_ser_str(w, r->slug);
  scl_ser_u32(w, (uint32_t)r->level);
  scl_ser_str(w, r->languages);
  scl_ser_str(w, r->title);
  scl_ser_str(w, r->why);
  scl_ser_str(w, r->instead);
  scl_ser_str(w, r->doc);
  scl_ser_str(w, r->help_uri);
  scl_ser_str(w, r->origin);
}

/* ==== reader ============================================================ */

void scl_rbuf_init(scl_rbuf *r, const void *data, size_t len, scl_arena *arena)
{
  r->p = data;
  r->end = r->p + len;
  r->arena = arena;
  r->is_bad = false;
}

bool scl_de_bytes(scl_rbuf *r, void *out, size_t len)
{
  if (r->is_bad || (size_t)(r->end - r->p) < len) {
    r->is_bad = true;
    memset(out, 0, len);
    return false;
  }
  memcpy(out, r->p, len);
  r->p += len;
  return true;
}

uint32_t scl_de_u32(scl_rbuf *r)
{
  uint8_t b[4];
  if (!scl_de_bytes(r, b, 4))
    return 0;
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

uint64_t scl_de_u64(scl_rbuf *r)
{
  uint64_t lo = scl_de_u32(r);
  uint64_t hi = scl_de_u32(r);
  return lo | hi << 32;
}

const char *scl_de_str(scl_rbuf *r)
{
  uint32_t n = scl_de_u32(r);
  if (r->is_bad || n == NULL_STR)
    return NULL;
  if ((size_t)(r->end - r->p) < n) {
    r->is_bad = true;
    return NULL;
  }
  char *s = scl_arena_strndup(r->arena, (const char *)r->p, n);
  r->p += n;
  return s;
}

uint32_t scl_de_count(scl_rbuf *r, size_t min_item_bytes)
{
  uint32_t n = scl_de_u32(r);
  if (r->is_bad || (size_t)n > (size_t)(r->end - r->p) / (min_item_bytes ? min_item_bytes : 1)) {
    r->is_bad = true;
    return 0;
  }
  return n;
}

static void *de_array(scl_rbuf *r, size_t count, size_t size)
{
  return scl_arena_alloc(r->arena, (count ? count : 1) * size);
}

static void de_span(scl_rbuf *r, scl_span *s)
{
  s->start_line = scl_de_u32(r);
  s->start_col = scl_de_u32(r);
  s->end_line = scl_de_u32(r);
  s->end_col = scl_de_u32(r);
  s->start_byte = scl_de_u32(r);
  s->end_byte = scl_de_u32(r);
}

/* A location is at least two string lengths and a span: 32 bytes. */
static const scl_location *de_locations(scl_rbuf *r, uint32_t *count_out)
{
  uint32_t n = scl_de_count(r, 32);
  *count_out = n;
  if (n == 0)
    return NULL;
  scl_location *locs = de_array(r, n, sizeof(*locs));
  for (uint32_t i = 0; i < n; i++) {
    locs[i].path = scl_de_str(r);
    de_span(r, &locs[i].span);
    locs[i].message = scl_de_str(r);
  }
  return locs;
}

static int de_level(scl_rbuf *r)
{
  uint32_t v = scl_de_u32(r);
  if (v > SCL_LEVEL_ERROR)
    r->is_bad = true;
  return (int)v;
}

void scl_de_finding(scl_rbuf *r, scl_finding *f)
{
  memset(f, 0, sizeof(*f));
  f->rule_id = scl_de_str(r);
  f->slug = scl_de_str(r);
  f->level = (scl_level)de_level(r);
  f->path = scl_de_str(r);
  de_span(r, &f->span);
  f->message = scl_de_str(r);
  f->line_text = scl_de_str(r);
  uint32_t n = 0;
  f->related = de_locations(r, &n);
  f->related_count = n;
  f->fingerprint = scl_de_str(r);
  uint32_t sup = scl_de_u32(r);
  f->suppression = sup <= SCL_SUPPRESS_EXTERNAL ? (scl_suppression)sup : SCL_SUPPRESS_NONE;
  f->justification = scl_de_str(r);
  uint32_t bs = scl_de_u32(r);
  f->baseline_state = bs <= SCL_BASELINE_UNCHANGED ? (scl_baseline_state)bs : SCL_BASELINE_NONE;
  if (!f->rule_id || !f->slug || !f->path || !f->message)
    r->is_bad = true;
}

void scl_de_notice(scl_rbuf *r, scl_notice *n)
{
  n->path = scl_de_str(r);
  n->level = (scl_level)de_level(r);
  n->kind = scl_de_str(r);
  n->message = scl_de_str(r);
  if (!n->path || !n->kind || !n->message)
    r->is_bad = true;
}

static void de_calls(scl_rbuf *r, scl_file_summary *s)
{
  uint32_t n = scl_de_count(r, 40);
  scl_sum_call *calls = de_array(r, n, sizeof(*calls));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    scl_sum_call *c = &calls[i];
    c->name = scl_de_str(r);
    c->qual = scl_de_str(r);
    c->is_member = scl_de_u32(r) != 0;
    c->caller = (int32_t)scl_de_u32(r);
    de_span(r, &c->span);
    c->holds = scl_de_u32(r);
    for (int k = 0; k < SCL_SUM_FACT_COUNT; k++)
      c->via[k] = de_locations(r, &c->via_count[k]);
    if (c->caller < -1 || (c->caller >= 0 && (size_t)c->caller >= s->fn_count))
      r->is_bad = true;
  }
  s->calls = calls;
  s->call_count = n;
}

void scl_de_summary(scl_rbuf *r, scl_file_summary *s)
{
  memset(s, 0, sizeof(*s));
  s->path = scl_de_str(r);
  s->lang = (scl_lang)scl_de_u32(r);
  uint32_t n = scl_de_count(r, 8);
  scl_sum_fn *fns = de_array(r, n, sizeof(*fns));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    fns[i].name = scl_de_str(r);
    fns[i].is_method = scl_de_u32(r) != 0;
  }
  s->fns = fns;
  s->fn_count = n;
  de_calls(r, s);
  n = scl_de_count(r, 12);
  scl_sum_binding *b = de_array(r, n, sizeof(*b));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    b[i].local = scl_de_str(r);
    b[i].imported = scl_de_str(r);
    b[i].module = scl_de_str(r);
  }
  s->bindings = b;
  s->binding_count = n;
  s->default_export = scl_de_str(r);
  n = scl_de_count(r, 64);
  scl_sum_deferred *d = de_array(r, n, sizeof(*d));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    scl_de_finding(r, &d[i].finding);
    d[i].need = scl_de_u32(r);
    d[i].fn = (int32_t)scl_de_u32(r);
    if (d[i].fn < -1 || (d[i].fn >= 0 && (size_t)d[i].fn >= s->fn_count))
      r->is_bad = true;
  }
  s->deferred = d;
  s->deferred_count = n;
  n = scl_de_count(r, 64);
  scl_sum_keyed *k = de_array(r, n, sizeof(*k));
  for (uint32_t i = 0; i < n && !r->is_bad; i++) {
    scl_de_finding(r, &k[i].finding);
    k[i].key = scl_de_str(r);
  }
  s->keyed = k;
  s->keyed_count = n;
  n = scl_de_count(r, 4);
  const char **keys = de_array(r, n, sizeof(*keys));
  for (uint32_t i = 0; i < n && !r->is_bad; i++)
    keys[i] = scl_de_str(r);
  s->cancel_keys = keys;
  s->cancel_key_count = n;
  if (!s->path)
    r->is_bad = true;
}

void scl_de_rule_info(scl_rbuf *r, scl_rule_info *out)
{
  out->id = scl_de_str(r);
  out->slug = scl_de_str(r);
  out->level = (scl_level)de_level(r);
  out->languages = scl_de_str(r);
  out->title = scl_de_str(r);
  out->why = scl_de_str(r);
  out->instead = scl_de_str(r);
  out->doc = scl_de_str(r);
  out->help_uri = scl_de_str(r);
  out->origin = scl_de_str(r);
  if (!out->id || !out->slug)
    r->is_bad = true;
}

/* ==== hash ============================================================== */

#define P1 0x9e3779b185ebca87ULL
#define P2 0xc2b2ae3d27d4eb4fULL
#define P3 0x165667b19e3779f9ULL

static uint64_t rotl(uint64_t x, int r)
{
  return (x << r) | (x >> (64 - r));
}

static uint64_t fmix(uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

void scl_hash128_init(scl_hash128 *h)
{
  h->a = P1 ^ 0x5343414c494e5431ULL;
  h->b = P2 ^ 0x7363616c696e7432ULL;
}

void scl_hash128_update(scl_hash128 *h, const void *data, size_t len)
{
  const uint8_t *p = data;
  uint64_t a = h->a, b = h->b;
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    a = rotl(a ^ (w * P2), 31) * P1;
    b = rotl(b + (w ^ P3), 27) * P2 + a;
  }
  uint64_t tail = 0;
  memcpy(&tail, p + i, len - i);
  a = rotl(a ^ (tail * P2), 31) * P1;
  b = rotl(b + (tail ^ P3), 27) * P2 + a;
  h->a = fmix(a ^ (uint64_t)len);
  h->b = fmix(b + (uint64_t)len * P3);
}

void scl_hash128_str(scl_hash128 *h, const char *s)
{
  if (!s) {
    scl_hash128_update(h, "\xff\xfe", 2);
    return;
  }
  scl_hash128_update(h, s, strlen(s));
}

void scl_hash128_final(uint8_t out[16], const scl_hash128 *h)
{
  uint64_t a = fmix(h->a + h->b), b = fmix(h->b ^ rotl(h->a, 17));
  for (int i = 0; i < 8; i++) {
    out[i] = (uint8_t)(a >> (8 * i));
    out[8 + i] = (uint8_t)(b >> (8 * i));
  }
}

uint64_t scl_hash64(const void *data, size_t len)
{
  scl_hash128 h;
  uint8_t out[16];
  scl_hash128_init(&h);
  scl_hash128_update(&h, data, len);
  scl_hash128_final(out, &h);
  uint64_t v = 0;
  for (int i = 0; i < 8; i++)
    v |= (uint64_t)out[i] << (8 * i);
  return v;
}
