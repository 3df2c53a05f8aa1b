/*
 * Live native allocations of a process's main thread, by call stack: how session 4 found that
 * the main thread's malloc heap during a crawl is response bodies waiting for V8's next full GC
 * (docs/performance.md). An LD_PRELOAD library, for diagnosis only (every allocation is unwound).
 *
 *   gcc -O2 -shared -fPIC -o /tmp/malloc-live.so tooling/bench/malloc-live.c -ldl
 *   LD_PRELOAD=/tmp/malloc-live.so node tooling/bench/bench-crawl.mjs http://127.0.0.1:18080/ 16 /tmp/items.jsonl &
 *   kill -PWR $!    # prints "LIVE <KB> peak <KB>" on stderr, any number of times
 *   kill -USR2 $!   # writes /tmp/malloc-live.txt: one line per live allocation, size then return addresses
 *   awk '!/TOTAL/ {k=$4" "$5" "$6; s[k]+=$1} END {for (k in s) print s[k], k}' /tmp/malloc-live.txt | sort -rn | head
 *   addr2line -f -C -e "$(readlink -f "$(which node)")" 0x...   # node ships its symbols
 *
 * Allocations of other threads are passed through untracked. The table is fixed (8M slots, mapped
 * lazily); an allocation that finds no free slot within 64 probes is not tracked.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SLOTS (1u << 23)
#define DEPTH 10
#define FREED ((void *)1)

typedef struct { void *ptr; size_t size; void *stack[DEPTH]; } slot;

static slot *table;
static pid_t main_tid;
static __thread int busy;
static long live, peak;
static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
/* dlsym allocates before the real functions are known: served from here. */
static char early[65536];
static size_t early_used;

static void init(void) {
  if (real_malloc) return;
  real_malloc = dlsym(RTLD_NEXT, "malloc");
  real_free = dlsym(RTLD_NEXT, "free");
  real_calloc = dlsym(RTLD_NEXT, "calloc");
  real_realloc = dlsym(RTLD_NEXT, "realloc");
  table = mmap(0, sizeof(slot) * (size_t)SLOTS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  main_tid = getpid();
}

static unsigned hash(void *p) { return (unsigned)(((unsigned long)p >> 4) * 2654435761u) & (SLOTS - 1); }

static void track(void *p, size_t size) {
  if (!p || busy || syscall(SYS_gettid) != main_tid) return;
  busy = 1;
  unsigned i = hash(p);
  for (int k = 0; k < 64; k++, i = (i + 1) & (SLOTS - 1)) {
    if (table[i].ptr == 0 || table[i].ptr == FREED) {
      table[i].ptr = p;
      table[i].size = size;
      memset(table[i].stack, 0, sizeof table[i].stack);
      backtrace(table[i].stack, DEPTH);
      live += size;
      if (live > peak) peak = live;
      break;
    }
  }
  busy = 0;
}

static void untrack(void *p) {
  if (!p || !table) return;
  unsigned i = hash(p);
  for (int k = 0; k < 64; k++, i = (i + 1) & (SLOTS - 1)) {
    if (table[i].ptr == p) { table[i].ptr = FREED; live -= table[i].size; return; }
    if (table[i].ptr == 0) return;
  }
}

static void *early_alloc(size_t n) {
  if (early_used + n > sizeof early) return 0;
  void *r = early + early_used;
  early_used += (n + 15) & ~(size_t)15;
  return r;
}

void *malloc(size_t n) {
  if (!real_malloc) { void *r = early_alloc(n); init(); return r; }
  void *r = real_malloc(n);
  track(r, n);
  return r;
}

void *calloc(size_t a, size_t b) {
  if (!real_calloc) { void *r = early_alloc(a * b); if (r) memset(r, 0, a * b); init(); return r; }
  void *r = real_calloc(a, b);
  track(r, a * b);
  return r;
}

void *realloc(void *p, size_t n) {
  init();
  untrack(p);
  void *r = real_realloc(p, n);
  track(r, n);
  return r;
}

void free(void *p) {
  if ((char *)p >= early && (char *)p < early + sizeof early) return;
  init();
  untrack(p);
  real_free(p);
}

static void dump(int sig) {
  (void)sig;
  busy = 1;
  FILE *f = fopen("/tmp/malloc-live.txt", "w");
  if (f) {
    size_t total = 0;
    for (unsigned i = 0; i < SLOTS; i++) {
      if (!table[i].ptr || table[i].ptr == FREED) continue;
      total += table[i].size;
      fprintf(f, "%zu", table[i].size);
      for (int d = 0; d < DEPTH; d++) fprintf(f, " %p", table[i].stack[d]);
      fputc('\n', f);
    }
    fprintf(f, "TOTAL %zu\n", total);
    fclose(f);
  }
  busy = 0;
}

static void totals(int sig) {
  (void)sig;
  char line[96];
  int n = snprintf(line, sizeof line, "LIVE %ld KB peak %ld KB\n", live / 1024, peak / 1024);
  if (n > 0) (void)!write(2, line, (size_t)n);
}

__attribute__((constructor)) static void start(void) {
  init();
  signal(SIGUSR2, dump);
  signal(SIGPWR, totals);
}
