/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The little the sensor needs from the kernel and libbpf, written by hand so the build does not
 * depend on libbpf-dev or a 2.8 MB vmlinux.h: fixed-width types, the helper prototypes used,
 * BTF map definition macros, the tracepoint contexts (their layout is the tracefs `format` ABI)
 * and the kernel structures read with CO-RE (only the fields read; offsets are relocated by
 * name against /sys/kernel/btf/vmlinux at load time).
 */
#ifndef B00T_SENSOR_H
#define B00T_SENSOR_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

/* enum bpf_map_type */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_LRU_HASH 9
#define BPF_MAP_TYPE_RINGBUF 27

/* map update flags */
#define BPF_ANY 0
#define BPF_NOEXIST 1

/* ring buffer flags and queries */
#define BPF_RB_NO_WAKEUP 1
#define BPF_RB_FORCE_WAKEUP 2
#define BPF_RB_AVAIL_DATA 0

/* helpers (numbers from enum bpf_func_id, stable kernel ABI) */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
                                   __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static long (*bpf_get_current_comm)(void *buf, __u32 size) = (void *)16;
static __u64 (*bpf_get_current_task)(void) = (void *)35;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static __u64 (*bpf_ringbuf_query)(void *ringbuf, __u64 flags) = (void *)134;

/* CO-RE read of one field: the offset is relocated against the running kernel's BTF. */
#define CORE_READ_INTO(dst, src)                                                                 \
	bpf_probe_read_kernel((dst), sizeof(*(dst)), __builtin_preserve_access_index(src))

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define MSG_PEEK 2

enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT = 2,
	TCP_SYN_RECV = 3,
	TCP_FIN_WAIT1 = 4,
	TCP_FIN_WAIT2 = 5,
	TCP_TIME_WAIT = 6,
	TCP_CLOSE = 7,
	TCP_CLOSE_WAIT = 8,
	TCP_LAST_ACK = 9,
	TCP_LISTEN = 10,
	TCP_CLOSING = 11,
	TCP_NEW_SYN_RECV = 12,
};

/* /sys/kernel/tracing/events/sock/inet_sock_set_state/format */
struct tp_inet_sock_set_state {
	__u64 common;
	const void *skaddr;
	int oldstate;
	int newstate;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u16 protocol;
	__u8 saddr[4];
	__u8 daddr[4];
	__u8 saddr_v6[16];
	__u8 daddr_v6[16];
};

/* /sys/kernel/tracing/events/sock/sock_{send,recv}_length/format */
struct tp_sock_length {
	__u64 common;
	void *sk;
	__u16 family;
	__u16 protocol;
	int ret;
	int flags;
};

/* Kernel structures read with CO-RE: names must match the kernel's, offsets do not matter. */
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct sock {
	int sk_err;
	int sk_err_soft;
};

struct task_struct {
	struct task_struct *group_leader;
	char comm[16];
};

struct tcp_sock {
	__u64 bytes_sent;
	__u32 srtt_us;
	__u64 bytes_received;
	__u64 bytes_acked;
	__u32 total_retrans;
};
#pragma clang attribute pop

#endif
