// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * b00t's embedded TCP sensor.
 *
 * sock/inet_sock_set_state follows each TCP socket from its start (CLOSE -> SYN_SENT in
 * connect(), or a child socket entering SYN_RECV under a listener) to CLOSE. The process is the
 * one seen at connect() or, for accepted sockets, the owner of the listening socket (listen() runs
 * in process context; the rest of the handshake may run in softirq context where "current" is
 * unrelated), refined by the first send/recv when unknown. One record goes to user space when a
 * connection is established and one when it closes (with bytes, smoothed RTT, retransmits and the
 * socket error, read with CO-RE from struct tcp_sock). sock/sock_{send,recv}_length add exact
 * payload byte counts when the kernel has them.
 *
 * Cost control: filters (pid, port) are .rodata constants set by the loader, so filtered-out
 * sockets never enter the map; ring buffer records are submitted without waking the reader
 * unless enough data is waiting (user space drains on a timer).
 */
#include "sensor.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader (EbpfLoader::override_global). 0 = no filter. */
volatile const __u32 filter_pid = 0;
volatile const __u32 filter_port = 0;
/* Wake the reader when at least this many bytes are waiting in the ring buffer. */
volatile const __u64 wakeup_bytes = 512 << 10;

#define KIND_OPEN 1
#define KIND_CLOSE 2

#define ROLE_CLIENT 1
#define ROLE_SERVER 2

#define F_PID_UNKNOWN 1
#define F_ESTABLISHED 2

enum {
	STAT_EVENTS = 0,    /* records submitted */
	STAT_DROPS = 1,     /* records lost: ring buffer full */
	STAT_FILTERED = 2,  /* connections skipped by the pid/port filters */
	STAT_UNTRACKED = 3, /* closes of sockets opened before the sensor started */
	STAT_MAX = 4,
};

/* Per-socket state, keyed by the kernel's struct sock address. */
struct conn {
	__u64 start_ns;
	__u64 established_ns;
	__u64 sent;
	__u64 received;
	__u32 pid;
	__u16 sport;
	__u16 dport;
	__u8 role;
	__u8 flags;
	__u8 _pad[6];
	char comm[16];
};

/* A listening socket: its bound address (IPv4 as v4-mapped IPv6, as the tracepoint gives it)
 * and port. */
struct listen_key {
	__u8 addr[16];
	__u32 port;
};

/* Owner of a listening socket. */
struct owner {
	__u32 pid;
	__u32 _pad;
	char comm[16];
};

/* The record user space reads (src/sensor/event.rs mirrors it; 144 bytes). */
struct event {
	__u64 ts_ns;
	__u64 start_ns;
	__u64 established_ns;
	__u64 sent;
	__u64 received;
	__u64 tcp_bytes_acked;
	__u64 tcp_bytes_received;
	__u64 tcp_bytes_sent;
	__u32 pid;
	__u32 srtt_us;
	__u32 total_retrans;
	__s32 sk_err;
	__u16 family;
	__u16 sport;
	__u16 dport;
	__u8 kind;
	__u8 role;
	__u8 oldstate;
	__u8 newstate;
	__u8 flags;
	__u8 _pad[5];
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

_Static_assert(sizeof(struct event) == 144, "event layout is shared with src/sensor/event.rs");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 2 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, __u64);
	__type(value, struct conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct listen_key);
	__type(value, struct owner);
} listeners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);
	if (v)
		*v += 1;
}

/* The process's name (its main thread's comm), not the calling thread's. */
static __always_inline void process_comm(char *dst)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = 0;
	CORE_READ_INTO(&leader, &task->group_leader);
	if (!leader || CORE_READ_INTO((char(*)[16])dst, &leader->comm) != 0)
		bpf_get_current_comm(dst, 16);
}

static __always_inline void listen_key_of(struct tp_inet_sock_set_state *ctx,
                                          struct listen_key *k)
{
	k->port = ctx->sport;
	bpf_probe_read_kernel(k->addr, sizeof(k->addr), ctx->saddr_v6);
}

/* The listener a child socket comes from. When the child enters SYN_RECV it still carries the
 * listener's bound address (the kernel sets its own addresses afterwards), so the exact key
 * matches; the wildcard keys cover kernels that order this differently. */
static __always_inline struct owner *listener_of(struct tp_inet_sock_set_state *ctx)
{
	struct listen_key k = {};
	listen_key_of(ctx, &k);
	struct owner *o = bpf_map_lookup_elem(&listeners, &k);
	if (o)
		return o;
	__builtin_memset(k.addr, 0, sizeof(k.addr));
	k.addr[10] = 0xff;
	k.addr[11] = 0xff;
	o = bpf_map_lookup_elem(&listeners, &k); /* 0.0.0.0 */
	if (o)
		return o;
	k.addr[10] = 0;
	k.addr[11] = 0;
	return bpf_map_lookup_elem(&listeners, &k); /* :: */
}

static __always_inline int port_passes(__u16 sport, __u16 dport)
{
	return filter_port == 0 || sport == filter_port || dport == filter_port;
}

static __always_inline void track(struct tp_inet_sock_set_state *ctx, __u64 sk, __u8 role,
                                  __u32 pid, const char *comm, __u8 flags)
{
	struct conn c = {};
	c.start_ns = bpf_ktime_get_ns();
	c.pid = pid;
	c.role = role;
	c.flags = flags;
	c.sport = ctx->sport;
	c.dport = ctx->dport;
	if (comm)
		bpf_probe_read_kernel(c.comm, sizeof(c.comm), comm);
	else if (!(flags & F_PID_UNKNOWN))
		process_comm(c.comm);
	bpf_map_update_elem(&conns, &sk, &c, BPF_NOEXIST);
}

static __always_inline void emit(struct tp_inet_sock_set_state *ctx, struct conn *c, __u64 sk,
                                 __u8 kind)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(STAT_DROPS);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->start_ns = c->start_ns;
	e->established_ns = c->established_ns;
	e->sent = c->sent;
	e->received = c->received;
	e->pid = c->pid;
	e->family = ctx->family;
	e->sport = ctx->sport ? ctx->sport : c->sport;
	e->dport = ctx->dport ? ctx->dport : c->dport;
	e->kind = kind;
	e->role = c->role;
	e->oldstate = ctx->oldstate;
	e->newstate = ctx->newstate;
	e->flags = c->flags;
	__builtin_memcpy(e->comm, c->comm, sizeof(e->comm));
	__builtin_memset(e->saddr, 0, sizeof(e->saddr));
	__builtin_memset(e->daddr, 0, sizeof(e->daddr));
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(e->saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(e->daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(e->saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e->daddr, 16, ctx->daddr_v6);
	}
	e->tcp_bytes_acked = 0;
	e->tcp_bytes_received = 0;
	e->tcp_bytes_sent = 0;
	e->srtt_us = 0;
	e->total_retrans = 0;
	e->sk_err = 0;
	if (kind == KIND_CLOSE) {
		struct tcp_sock *tp = (struct tcp_sock *)sk;
		struct sock *s = (struct sock *)sk;
		__u32 srtt = 0;
		int err = 0;
		CORE_READ_INTO(&e->tcp_bytes_acked, &tp->bytes_acked);
		CORE_READ_INTO(&e->tcp_bytes_received, &tp->bytes_received);
		CORE_READ_INTO(&e->tcp_bytes_sent, &tp->bytes_sent);
		CORE_READ_INTO(&e->total_retrans, &tp->total_retrans);
		CORE_READ_INTO(&srtt, &tp->srtt_us);
		e->srtt_us = srtt >> 3;
		CORE_READ_INTO(&err, &s->sk_err);
		if (!err)
			CORE_READ_INTO(&err, &s->sk_err_soft);
		e->sk_err = err;
	}
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(e, avail >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	stat_inc(STAT_EVENTS);
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct tp_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	int oldstate = ctx->oldstate;
	int newstate = ctx->newstate;
	__u64 sk = (__u64)ctx->skaddr;

	if (newstate == TCP_SYN_SENT) {
		/* connect(): process context, current is the owner. */
		__u32 pid = bpf_get_current_pid_tgid() >> 32;
		if ((filter_pid && pid != filter_pid) || !port_passes(ctx->sport, ctx->dport)) {
			stat_inc(STAT_FILTERED);
			return 0;
		}
		track(ctx, sk, ROLE_CLIENT, pid, 0, 0);
		return 0;
	}
	if (newstate == TCP_LISTEN) {
		/* listen(): process context. */
		struct owner o = {};
		struct listen_key k = {};
		listen_key_of(ctx, &k);
		o.pid = bpf_get_current_pid_tgid() >> 32;
		process_comm(o.comm);
		bpf_map_update_elem(&listeners, &k, &o, BPF_ANY);
		return 0;
	}
	if (oldstate == TCP_LISTEN && newstate == TCP_CLOSE) {
		struct listen_key k = {};
		listen_key_of(ctx, &k);
		bpf_map_delete_elem(&listeners, &k);
		return 0;
	}
	if (newstate == TCP_SYN_RECV) {
		/* A child socket of a listener (softirq context: current is not the owner). */
		if (!port_passes(ctx->sport, ctx->dport)) {
			stat_inc(STAT_FILTERED);
			return 0;
		}
		struct owner *o = listener_of(ctx);
		if (o) {
			if (filter_pid && o->pid != filter_pid) {
				stat_inc(STAT_FILTERED);
				return 0;
			}
			track(ctx, sk, ROLE_SERVER, o->pid, o->comm, 0);
		} else {
			track(ctx, sk, ROLE_SERVER, 0, 0, F_PID_UNKNOWN);
		}
		return 0;
	}

	struct conn *c = bpf_map_lookup_elem(&conns, &sk);
	if (!c) {
		if (newstate == TCP_CLOSE)
			stat_inc(STAT_UNTRACKED);
		return 0;
	}
	if (newstate == TCP_ESTABLISHED) {
		c->established_ns = bpf_ktime_get_ns();
		c->flags |= F_ESTABLISHED;
		c->sport = ctx->sport;
		c->dport = ctx->dport;
		emit(ctx, c, sk, KIND_OPEN);
		return 0;
	}
	if (newstate == TCP_CLOSE) {
		emit(ctx, c, sk, KIND_CLOSE);
		bpf_map_delete_elem(&conns, &sk);
	}
	return 0;
}

static __always_inline void count_io(struct tp_sock_length *ctx, int receive)
{
	if (ctx->protocol != IPPROTO_TCP || ctx->ret <= 0)
		return;
	if (receive && (ctx->flags & MSG_PEEK))
		return;
	__u64 sk = (__u64)ctx->sk;
	struct conn *c = bpf_map_lookup_elem(&conns, &sk);
	if (!c)
		return;
	__u64 n = (__u64)ctx->ret;
	if (receive)
		__sync_fetch_and_add(&c->received, n);
	else
		__sync_fetch_and_add(&c->sent, n);
	if (c->flags & F_PID_UNKNOWN) {
		/* First I/O of an accepted socket whose listener predates the sensor: process
		 * context, so current owns the socket. */
		c->pid = bpf_get_current_pid_tgid() >> 32;
		process_comm(c->comm);
		c->flags &= ~F_PID_UNKNOWN;
	}
}

SEC("tracepoint/sock/sock_send_length")
int sock_send_length(struct tp_sock_length *ctx)
{
	count_io(ctx, 0);
	return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int sock_recv_length(struct tp_sock_length *ctx)
{
	count_io(ctx, 1);
	return 0;
}
