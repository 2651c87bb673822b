/* Helpers shared by the benchmark programs (storm.c, http.c). */
#ifndef B00T_BENCH_H
#define B00T_BENCH_H
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic time, seconds. */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}
#endif
