// An HTTP/1.1 load on loopback: a small epoll server (a child process) and a closed-loop load
// generator (this process), both single-threaded, for the sensor's cost on a realistic load.
//
// usage: http keepalive|short SECONDS [CONNECTIONS] [BODY_BYTES]
//   keepalive: CONNECTIONS persistent connections, each carrying request after request;
//   short:     CONNECTIONS at a time, one request per connection (`Connection: close`, the server
//              closes after answering, as HTTP/1.0-style servers do).
// The client connects from 127.0.0.2 to the server on 127.0.0.1 (distinct addresses, as a
// packet-level agent like OBI needs). Each request is ~90 bytes, each response 75 bytes of
// headers + BODY_BYTES (default 2048).
// prints: requests=N seconds=S rate=R client_user=U client_sys=S server_user=U server_sys=S
//         (CPU seconds of each process, from getrusage)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAXC 4096
#define BUF 16384

static char response[BUF];
static int response_len;
static int body_bytes = 2048;


static double secs(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

/* ---- server ---- */

struct sconn {
	int used;
	int close_after; /* the request said Connection: close */
	char in[BUF];
	int in_len;
};
static struct sconn *sconns;

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void server(int l)
{
	signal(SIGTERM, on_term);
	sconns = calloc(65536, sizeof(*sconns));
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == l) {
				for (;;) {
					int c = accept4(l, 0, 0, SOCK_NONBLOCK);
					if (c < 0)
						break;
					if (c >= 65536) {
						close(c);
						continue;
					}
					int one = 1;
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					sconns[c].used = 1;
					sconns[c].in_len = 0;
					sconns[c].close_after = 0;
					struct epoll_event e = {.events = EPOLLIN, .data.fd = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
				}
				continue;
			}
			struct sconn *s = &sconns[fd];
			ssize_t r = read(fd, s->in + s->in_len, BUF - 1 - s->in_len);
			if (r <= 0) {
				close(fd);
				s->used = 0;
				continue;
			}
			s->in_len += r;
			s->in[s->in_len] = 0;
			/* Answer every complete request in the buffer (no pipelining from our client). */
			char *end;
			int closed = 0;
			while ((end = strstr(s->in, "\r\n\r\n"))) {
				int req_len = end + 4 - s->in;
				if (memmem(s->in, req_len, "Connection: close", 17))
					s->close_after = 1;
				if (write(fd, response, response_len) != response_len) {
					close(fd);
					s->used = 0;
					closed = 1;
					break;
				}
				memmove(s->in, s->in + req_len, s->in_len - req_len + 1);
				s->in_len -= req_len;
				if (s->close_after) {
					close(fd);
					s->used = 0;
					closed = 1;
					break;
				}
			}
			(void)closed;
		}
	}
}

/* ---- client ---- */

struct cconn {
	int fd;
	int got; /* response bytes read so far */
};

static const char *mode;
static struct sockaddr_in server_addr;
static int ep;
static long requests;
static char request[256];
static int request_len;

static void send_request(struct cconn *c)
{
	c->got = 0;
	if (write(c->fd, request, request_len) != request_len)
		die("write request");
}

static void open_conn(struct cconn *c)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in src = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.2", &src.sin_addr);
	/* IP_BIND_ADDRESS_NO_PORT: the port is chosen at connect(), per 4-tuple. */
	setsockopt(fd, IPPROTO_IP, 24, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)
		die("bind 127.0.0.2");
	if (connect(fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0)
		die("connect");
	c->fd = fd;
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
	send_request(c);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: http keepalive|short SECONDS [CONNECTIONS] [BODY_BYTES]\n");
		return 2;
	}
	mode = argv[1];
	int keepalive = strcmp(mode, "keepalive") == 0;
	if (!keepalive && strcmp(mode, "short") != 0) {
		fprintf(stderr, "mode must be keepalive or short\n");
		return 2;
	}
	double seconds = atof(argv[2]);
	int nconns = argc > 3 ? atoi(argv[3]) : 8;
	if (argc > 4)
		body_bytes = atoi(argv[4]);
	if (nconns < 1 || nconns > MAXC || body_bytes < 0 || body_bytes > BUF - 200) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	response_len = snprintf(response, sizeof(response),
	                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
	                        "%d\r\n\r\n",
	                        body_bytes);
	memset(response + response_len, 'x', body_bytes);
	response_len += body_bytes;
	request_len = snprintf(request, sizeof(request),
	                       "GET /item/42 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: b00t-bench\r\n%s\r\n",
	                       keepalive ? "" : "Connection: close\r\n");

	int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (l < 0)
		die("socket");
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0)
		die("bind");
	if (listen(l, 4096) < 0)
		die("listen");
	socklen_t alen = sizeof(server_addr);
	getsockname(l, (struct sockaddr *)&server_addr, &alen);
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		server(l);
		return 0;
	}
	close(l);

	ep = epoll_create1(0);
	struct cconn *conns = calloc(nconns, sizeof(*conns));
	double start = now(), end = start + seconds;
	for (int i = 0; i < nconns; i++)
		open_conn(&conns[i]);
	struct epoll_event evs[256];
	char buf[BUF];
	while (now() < end) {
		int n = epoll_wait(ep, evs, 256, 100);
		for (int i = 0; i < n; i++) {
			struct cconn *c = evs[i].data.ptr;
			ssize_t r = read(c->fd, buf, sizeof(buf));
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0)
				c->got += r;
			if (c->got >= response_len) {
				requests++;
				if (keepalive) {
					send_request(c);
					continue;
				}
			}
			if (r <= 0 || (!keepalive && c->got >= response_len)) {
				/* short: the server closed after answering; reconnect. */
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, 0);
				close(c->fd);
				open_conn(c);
			}
		}
	}
	double took = now() - start;
	struct rusage self, children;
	getrusage(RUSAGE_SELF, &self);
	kill(child, SIGTERM);
	waitpid(child, 0, 0);
	getrusage(RUSAGE_CHILDREN, &children);
	printf("requests=%ld seconds=%.3f rate=%.0f client_user=%.3f client_sys=%.3f "
	       "server_user=%.3f server_sys=%.3f\n",
	       requests, took, requests / took, secs(self.ru_utime), secs(self.ru_stime),
	       secs(children.ru_utime), secs(children.ru_stime));
	return 0;
}
