/*
 * litset.h - many literal strings looked for in one pass over a buffer.
 *
 * The prefilter (engine/prefilter.h) asks, before a file is parsed, which of
 * a few hundred tokens ("find_one", "to_list", "pthread_create", ...) occur
 * in it. Searching for each with memmem would read the file hundreds of
 * times; this builds one Aho-Corasick automaton over all of them (a full
 * transition table over the byte classes the literals use, ASCII letters
 * folded), so a scan reads every byte once and does one table lookup per
 * byte. Hits are then checked exactly: case, and the word-boundary flags.
 *
 *   scl_litset *s = scl_litset_new();
 *   uint32_t id = scl_litset_add(s, "to_list", 7, SCL_LIT_WORD_START);
 *   scl_litset_build(s);
 *   uint8_t *hit = calloc(scl_litset_count(s), 1);
 *   scl_litset_scan(s, buf, len, hit);   // hit[id] == 1 when found
 *
 * A "word" character is an ASCII letter, digit, '_', '$' or any byte >= 0x80
 * (identifiers in Python, JavaScript and C). Not thread-safe to build; a
 * built set is read-only and may be scanned by many threads at once.
 */
#ifndef SCL_UTIL_LITSET_H
#define SCL_UTIL_LITSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flags of one literal. */
enum {
  SCL_LIT_CI = 1u << 0,         /* ASCII letters match either case */
  SCL_LIT_WORD_START = 1u << 1, /* not preceded by a word character */
  SCL_LIT_WORD_END = 1u << 2,   /* not followed by a word character */
};

typedef struct scl_litset scl_litset;

scl_litset *scl_litset_new(void);
void scl_litset_free(scl_litset *s);

/*
 * Adds a literal (len >= 1 bytes, copied) with SCL_LIT_* flags and returns its
 * id, 0 .. count-1; adding the same text with the same flags again returns
 * the first id. A word flag on a side whose end character is not a word
 * character is dropped (it could never be checked meaningfully). Must not be
 * called after scl_litset_build.
 */
uint32_t scl_litset_add(scl_litset *s, const char *text, size_t len, unsigned flags);

/* Number of distinct literals added. */
uint32_t scl_litset_count(const scl_litset *s);

/* The text and flags of literal id (for messages and tests). */
const char *scl_litset_text(const scl_litset *s, uint32_t id, size_t *len, unsigned *flags);

/* Builds the automaton. Idempotent. */
void scl_litset_build(scl_litset *s);

/*
 * Sets hit[id] = 1 for every literal that occurs in buf (hit has
 * scl_litset_count entries; entries already 1 are left alone) and returns
 * how many entries it newly set. Stops early once every literal has been
 * seen. The set must be built.
 */
size_t scl_litset_scan(const scl_litset *s, const char *buf, size_t len, uint8_t *hit);

/* True when c is a word character in the sense above. */
static inline bool scl_lit_is_word(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '$' || c >= 0x80;
}

#endif
