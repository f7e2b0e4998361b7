/*
 * fuzz_rule_load.c - libFuzzer target: arbitrary text as a user rule file,
 * through scl_ruleset_add_text, then (when it loads) scl_ruleset_compile and
 * a scan of one small fixed tree per language (parsed once), so that whatever the loader
 * accepts is also matched.
 *
 * The file name is built from the input's own `id:` and `slug:` lines, so
 * that seeds taken from rules/ pass the file-name check and reach the
 * compiler instead of stopping at the first error.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"

/* Longest id or slug copied into the file name. */
#define NAME_MAX_LEN 64

/*
 * Copies the value of the first line starting with key (e.g. "id:") into
 * out, keeping [A-Za-z0-9_-] only; "" when there is none.
 */
static void scalar_after(char *out, size_t out_size, const uint8_t *data, size_t size,
                         const char *key)
{
  size_t klen = strlen(key), n = 0;

  out[0] = '\0';
  for (size_t i = 0; i + klen <= size; i++) {
    if ((i > 0 && data[i - 1] != '\n') || memcmp(data + i, key, klen) != 0)
      continue;
    size_t j = i + klen;
    while (j < size && (data[j] == ' ' || data[j] == '"' || data[j] == '\''))
      j++;
    while (j < size && n + 1 < out_size) {
      char ch = (char)data[j++];
      if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '-' || ch == '_'))
        break;
      out[n++] = ch;
    }
    out[n] = '\0';
    return;
  }
}

static void ignore_error(const scl_diag *d, void *payload)
{
  (void)d;
  (void)payload;
}

/* One small file per language for the loaded rule to run on. */
static const struct {
  scl_lang lang;
  const char *path;
  const char *text;
} samples[] = {
  { SCL_LANG_PY, "fuzz/s.py",
    "import motor\nasync def h(db, ids):\n    for i in ids:\n"
    "        x = await db.users.find({}).to_list(1000)\n    return x\n" },
  { SCL_LANG_JS, "fuzz/s.js",
    "const app = require('express')();\napp.get('/', async (req, res) => {\n"
    "  for (const u of req.body) { await db.q(`select ${u}`); }\n});\n" },
  { SCL_LANG_TS, "fuzz/s.ts",
    "import { Pool } from 'pg';\nconst p: Pool = new Pool();\n"
    "export async function f(ids: number[]) { for (const i of ids) await p.query('x', [i]); }\n" },
  { SCL_LANG_C, "/nonexistent-scalint-fuzz/s.c",
    "int f(int n) { int s = 0; for (int i = 0; i < n; i++) s += g(i); return s; }\n" },
};

static scl_tree sample_trees[sizeof(samples) / sizeof(samples[0])];
static int sample_ok[sizeof(samples) / sizeof(samples[0])];
static scl_arena sample_arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_init_frontends();
  scl_arena_init(&sample_arena);
  for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
    sample_ok[i] = fuzz_parse_text(&sample_trees[i], samples[i].lang, samples[i].path,
                                   samples[i].text, &sample_arena) == 0;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char id[NAME_MAX_LEN], slug[NAME_MAX_LEN], origin[2 * NAME_MAX_LEN + 32];
  scl_ruleset *rs = NULL;
  scl_diag d;

  scalar_after(id, sizeof(id), data, size, "id:");
  scalar_after(slug, sizeof(slug), data, size, "slug:");
  snprintf(origin, sizeof(origin), "fuzz-rules/%s-%s.yaml", id, slug);
  scl_diag_clear(&d);
  if (scl_ruleset_new(&rs, &d) != SCL_OK)
    return 0;
  if (scl_ruleset_add_text(rs, origin, (const char *)data, size, false, ignore_error, NULL,
                           &d) != SCL_OK)
    goto cleanup;
  if (scl_ruleset_compile(rs, ignore_error, NULL, &d) != SCL_OK)
    goto cleanup;
  for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
    if (sample_ok[i] && scl_ruleset_wants(rs, samples[i].lang))
      fuzz_scan_tree(rs, &sample_trees[i], samples[i].lang, samples[i].path);

cleanup:
  scl_ruleset_free(rs);
  return 0;
}
