/*
 * fuzz_pattern.c - libFuzzer target: the structural pattern compiler and
 * matcher. The first byte picks the language (Python, JavaScript,
 * TypeScript, C); the rest is the pattern text, compiled against that
 * language's kinds and, when it compiles, tried at every node of a small
 * fixed tree of that language (parsed once at start-up).
 */
#include <stdlib.h>
#include <string.h>

#include "engine/pattern.h"
#include "frontend/frontend.h"
#include "fuzz_common.h"

static const struct {
  scl_lang lang;
  const char *path;
  const char *text;
} samples[] = {
  { SCL_LANG_PY, "fuzz/s.py",
    "import motor\nsessions = {}\nasync def h(db, ids, *a, **k):\n"
    "    for i in ids:\n        x = await db.users.find({'a': [1, 2]}).to_list(1000)\n"
    "        sessions[i] = lambda y: y + 1\n    return [z for z in x if z]\n" },
  { SCL_LANG_JS, "fuzz/s.js",
    "const app = require('express')();\nlet seen = new Map();\n"
    "app.get('/u/:id', async (req, res) => {\n  for (const u of req.body) {\n"
    "    seen.set(u, await db.collection('x').find({}).limit(10).toArray());\n  }\n"
    "  res.json({ ok: true, n: `${seen.size}` });\n});\n" },
  { SCL_LANG_TS, "fuzz/s.ts",
    "import { Pool } from 'pg';\nconst p: Pool = new Pool({ max: 5 });\n"
    "export async function f(ids: number[]): Promise<void> {\n"
    "  for (const i of ids) { await p.query<{ a: string }>('select $1', [i]); }\n}\n" },
  { SCL_LANG_C, "/nonexistent-scalint-fuzz/s.c",
    "#define N 16\nstruct c { int fd; } clients[N];\n"
    "int f(int n) { int s = 0; for (int i = 0; i < n; i++) { s += clients[i % N].fd; }\n"
    "  while (s > 3) s /= 2; return s ? s : -1; }\n" },
};

#define SAMPLE_COUNT (sizeof(samples) / sizeof(samples[0]))

static scl_tree trees[SAMPLE_COUNT];
static int tree_ok[SAMPLE_COUNT];
static scl_arena tree_arena, pattern_arena;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_init_frontends();
  scl_arena_init(&tree_arena);
  scl_arena_init(&pattern_arena);
  for (size_t i = 0; i < SAMPLE_COUNT; i++)
    tree_ok[i] =
      fuzz_parse_text(&trees[i], samples[i].lang, samples[i].path, samples[i].text, &tree_arena) ==
      0;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  scl_pattern *p = NULL;
  scl_diag d;
  char *text;

  if (size == 0)
    return 0;
  size_t which = data[0] % SAMPLE_COUNT;
  text = malloc(size);
  if (!text)
    abort();
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  scl_arena_reset(&pattern_arena);
  scl_diag_clear(&d);
  if (scl_pattern_compile(&p, text, scl_frontend_kinds(samples[which].lang), &pattern_arena, &d) !=
      SCL_OK)
    goto cleanup;
  const uint16_t *kinds = NULL;
  const char *const *names = NULL;
  (void)scl_pattern_root_kinds(p, &kinds);
  size_t name_count = scl_pattern_capture_names(p, &names);
  if (!tree_ok[which])
    goto cleanup;
  const scl_tree *t = &trees[which];
  for (uint32_t n = 0; n < t->count; n++) {
    scl_captures caps;
    memset(&caps, 0, sizeof(caps));
    if (scl_pattern_match(p, t, n, &caps)) {
      /* a second try with the captures bound exercises the same-text check */
      (void)scl_pattern_match(p, t, n, &caps);
      for (size_t k = 0; k < name_count; k++)
        (void)scl_captures_get(&caps, names[k]);
    }
  }

cleanup:
  free(text);
  return 0;
}
