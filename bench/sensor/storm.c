// A loopback TCP connection storm: each thread owns a listener on 127.0.0.1 and, in a loop,
// connects, accepts, exchanges one byte each way, and closes both ends (server first, so the
// client does not keep TIME_WAIT sockets; net.ipv4.tcp_tw_reuse=2 covers loopback anyway).
//
// usage: storm SECONDS [CONNECTIONS_PER_SECOND (0 = as fast as possible)] [THREADS]
// prints: connections=N seconds=S rate=R cpu_user=U cpu_sys=S (CPU seconds of this process)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static double seconds;
static double rate; /* per thread, 0 = unlimited */
static long counts[64];


static void *worker(void *arg)
{
	long id = (long)arg;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		die("socket");
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind");
	if (listen(l, 1024) < 0)
		die("listen");
	socklen_t alen = sizeof(a);
	getsockname(l, (struct sockaddr *)&a, &alen);

	double start = now(), end = start + seconds;
	long n = 0;
	char b = 'x';
	for (;;) {
		double t = now();
		if (t >= end)
			break;
		if (rate > 0) {
			double due = start + n / rate;
			if (due > t) {
				struct timespec d = {0, (long)((due - t) * 1e9)};
				nanosleep(&d, NULL);
				continue;
			}
		}
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
			if (errno == EADDRNOTAVAIL) { /* ephemeral ports exhausted: back off */
				close(c);
				usleep(1000);
				continue;
			}
			die("connect");
		}
		int s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		if (write(c, &b, 1) != 1 || read(s, &b, 1) != 1 || write(s, &b, 1) != 1 ||
		    read(c, &b, 1) != 1)
			die("exchange");
		close(s);
		close(c);
		n++;
	}
	counts[id] = n;
	close(l);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s SECONDS [CONN_PER_SEC] [THREADS]\n", argv[0]);
		return 2;
	}
	seconds = atof(argv[1]);
	double total_rate = argc > 2 ? atof(argv[2]) : 0;
	int threads = argc > 3 ? atoi(argv[3]) : 1;
	if (threads < 1 || threads > 64)
		threads = 1;
	rate = total_rate / threads;
	pthread_t t[64];
	double t0 = now();
	for (long i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	long total = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += counts[i];
	}
	double el = now() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("connections=%ld seconds=%.3f rate=%.0f cpu_user=%.3f cpu_sys=%.3f\n", total, el,
	       total / el, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return 0;
}
