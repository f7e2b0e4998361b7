/*
 * limits.h - every ceiling scalint enforces, with the reason for its value.
 * Hitting one is never silent: the caller reports which limit and where.
 */
#ifndef SCL_UTIL_LIMITS_H
#define SCL_UTIL_LIMITS_H

/* Source files larger than this are skipped with a notice (default of
 * --max-file-size). 2 MiB: hand-written service code is far smaller; bigger
 * files are almost always generated or bundled. */
#define SCL_MAX_FILE_BYTES ((size_t)2 * 1024 * 1024)

/* Tree nesting deeper than this stops the tree walk of that file with a
 * notice. 2000 levels is beyond any hand-written code and keeps recursive
 * helpers (libclang's visitor) far from the stack limit. */
#define SCL_MAX_TREE_DEPTH 2000

/* Parse time limit of one file (tree-sitter front-ends): this many
 * microseconds per MiB of source, and never less than SCL_PARSE_MIN_MICROS.
 * Tree-sitter parses ordinary code at several MiB per second even under
 * AddressSanitizer, so 10 s per MiB is only reached by pathological input
 * (ambiguity the GLR parser keeps splitting on); the 10 s floor keeps small
 * files clear of scheduling noise on a loaded CI machine. A file over the
 * limit is skipped with a notice, the scan goes on. */
#define SCL_PARSE_MICROS_PER_MB ((unsigned long long)10 * 1000 * 1000)
#define SCL_PARSE_MIN_MICROS ((unsigned long long)10 * 1000 * 1000)

/* Nodes per file: 8M nodes is ~350 MB of tree; a file past this is skipped. */
#define SCL_MAX_TREE_NODES ((unsigned)8 * 1024 * 1024)

/* Findings one rule may report in one file; more are dropped with a notice. */
#define SCL_MAX_MATCHES_PER_RULE 1000

/* Matches of one pattern at one node offered to its `where` constraints
 * before the engine gives up on that node with a notice. A pattern matches
 * in several ways when a capture can land on any of several children (each
 * keyword argument of a call, each pair of an object literal); 256 covers
 * every argument or key list written by hand, while patterns with two or
 * more such captures multiply their lists' lengths and would otherwise
 * re-run the constraints without bound on generated code. */
#define SCL_MAX_PATTERN_MATCHES 256

/* Depth of "through a call" chains followed by the engine. */
#define SCL_MAX_CALL_DEPTH 8

/* Ceiling of one scl_buf (reports, messages): 1 GiB. */
#define SCL_MAX_BUF_BYTES ((size_t)1024 * 1024 * 1024)

/* Bytes of a file inspected to decide whether it is binary. */
#define SCL_BINARY_SNIFF_BYTES 8000

/* Nested directory depth the walker descends. */
#define SCL_MAX_DIR_DEPTH 256

#endif
