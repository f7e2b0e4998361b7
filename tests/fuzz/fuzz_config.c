/*
 * fuzz_config.c - libFuzzer target: arbitrary bytes as a .scalint.yml file,
 * through scl_config_load (the loader reads a path, so each input is
 * written to one temporary file first), then, when it loads, the questions
 * a scan asks of a config (excluded? ignored here?), its rule settings
 * applied to a small one-rule ruleset, and the effective configuration
 * printed to /dev/null.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fuzz_common.h"

static char cfg_path[64];
static FILE *devnull;

static void ignore_error(const scl_diag *d, void *payload)
{
  (void)d;
  (void)payload;
}

static void remove_cfg(void)
{
  if (cfg_path[0])
    unlink(cfg_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  fuzz_init_frontends();
  snprintf(cfg_path, sizeof(cfg_path), "/tmp/scalint-fuzz-config-XXXXXX");
  int fd = mkstemp(cfg_path);
  if (fd < 0) {
    perror("fuzz_config: mkstemp");
    abort();
  }
  close(fd);
  atexit(remove_cfg);
  devnull = fopen("/dev/null", "w");
  return 0;
}

/* One small rule with a parameter, for `rules:` entries to apply to (loading
 * every built-in rule per input would make this target 50 times slower). */
static const char small_rule[] =
  "id: SCL001\nslug: hard-result-cap\nlevel: error\nlanguages: [py]\n"
  "title: \"t\"\nmessage: \"m\"\nwhy: \"w\"\ninstead: \"i\"\nparams:\n  min_cap: 100\n"
  "match:\n  py:\n    pattern: \"(call) @c\"\n"
  "doc: |\n  ## What it catches\n  x\n  ## Why it hurts at 10K users\n  x\n  ## Instead\n  x\n"
  "  ## Known false positives\n  x\n  ## Parameters\n  x\n";

/* Paths a scan would ask about, relative to the config's directory. */
static const char *const probe_paths[] = {
  "app.py", "src/app.py", "node_modules/x/index.js", "build/gen.c", "a/b/c/d.ts", "",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  scl_config *cfg = NULL;
  scl_ruleset *rs = NULL;
  scl_diag d;
  FILE *f = fopen(cfg_path, "wb");

  if (!f)
    abort();
  if (size && fwrite(data, 1, size, f) != size)
    abort();
  fclose(f);
  scl_diag_clear(&d);
  if (scl_config_load(&cfg, cfg_path, ignore_error, NULL, &d) != SCL_OK)
    return 0;
  for (size_t i = 0; i < sizeof(probe_paths) / sizeof(probe_paths[0]); i++) {
    (void)scl_config_excluded(cfg, probe_paths[i], false);
    (void)scl_config_excluded(cfg, probe_paths[i], true);
    (void)scl_config_path_ignored(cfg, probe_paths[i], "SCL001", "hard-result-cap");
  }
  char *rel = scl_config_rel_path(cfg, "/tmp/src/app.py");
  free(rel);
  if (scl_ruleset_new(&rs, &d) == SCL_OK &&
      scl_ruleset_add_text(rs, "fuzz-rules/SCL001-hard-result-cap.yaml", small_rule,
                           strlen(small_rule), false, ignore_error, NULL, &d) == SCL_OK)
    (void)scl_config_apply_rules(cfg, rs, ignore_error, NULL, &d);
  scl_ruleset_free(rs);
  if (devnull) {
    scl_run_opts opts;
    scl_run_opts_init(&opts);
    (void)scl_config_print_effective(devnull, cfg, &opts, -1, &d);
  }
  scl_config_free(cfg);
  return 0;
}
