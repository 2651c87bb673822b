//! Load the embedded object with aya, attach the tracepoints, read the ring buffer.
//!
//! The kernel side submits records without waking the reader unless at least
//! [`SensorConfig::wakeup_bytes`] are waiting; [`Sensor::next_batch`] wakes on that or on the
//! drain timer, whichever comes first, and drains everything available.

use std::time::Duration;

use aya::maps::{MapData, PerCpuArray, RingBuf};
use aya::programs::TracePoint;
use aya::{Ebpf, EbpfLoader};
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

use super::SensorError;
use super::event::{Clock, ConnEvent, RawEvent};
use super::object::{OBJECT, RECV_PROGRAM, SEND_PROGRAM, STATE_PROGRAM};
use super::privileges;

const STAT_EVENTS: u32 = 0;
const STAT_DROPS: u32 = 1;
const STAT_FILTERED: u32 = 2;
const STAT_UNTRACKED: u32 = 3;

/// How the sensor counts payload bytes (`--bytes`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ByteMode {
    /// Programs on sock/sock_{send,recv}_length add every send and receive the application makes
    /// (about 115 ns per call in the kernel, 2.9 % of the CPU of an HTTP/1.1 keep-alive request
    /// on loopback: bench/sensor/README.md); falls back to `fast` when the kernel lacks these
    /// tracepoints.
    Exact,
    /// The default: no per-call program; the kernel's TCP counters (`bytes_acked`,
    /// `bytes_received`) are read once, when the connection closes. Counts what TCP delivered
    /// and had acknowledged, not what the application wrote and read.
    #[default]
    Fast,
}

impl ByteMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ByteMode::Exact => "exact",
            ByteMode::Fast => "fast",
        }
    }
}

/// What to watch and how.
#[derive(Debug, Clone)]
pub struct SensorConfig {
    /// Only connections of this process (kernel-side filter).
    pub pid: Option<u32>,
    /// Only connections with this local or remote port (kernel-side filter).
    pub port: Option<u16>,
    /// Only processes whose command name matches (user-side filter).
    pub comm: Option<regex::Regex>,
    /// Drain the ring buffer at least this often.
    pub drain_interval: Duration,
    /// Wake the reader early when this many bytes wait in the ring buffer.
    pub wakeup_bytes: u64,
    /// Payload byte counting: per-call programs or TCP counters at close.
    pub bytes: ByteMode,
}

impl Default for SensorConfig {
    fn default() -> Self {
        SensorConfig {
            pid: None,
            port: None,
            comm: None,
            drain_interval: Duration::from_millis(20),
            wakeup_bytes: 512 << 10,
            bytes: ByteMode::default(),
        }
    }
}

/// The sensor's own counters (kernel side, summed over CPUs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Records the kernel submitted.
    pub events: u64,
    /// Records lost because the ring buffer was full.
    pub drops: u64,
    /// Connections skipped in the kernel by the pid/port filters.
    pub filtered: u64,
    /// Closes of connections that started before the sensor.
    pub untracked: u64,
    /// Records decoded in user space.
    pub received: u64,
}

/// A loaded and attached sensor. Dropping it detaches every program and frees the maps.
pub struct Sensor {
    ring: AsyncFd<RingBuf<MapData>>,
    stats: PerCpuArray<MapData, u64>,
    clock: Clock,
    payload_counters: bool,
    comm: Option<regex::Regex>,
    pid: Option<u32>,
    drain: tokio::time::Interval,
    received: u64,
    tracefs_mounted: bool,
    // Last: programs and links are detached when this drops.
    ebpf: Ebpf,
}

impl std::fmt::Debug for Sensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sensor")
            .field("payload_counters", &self.payload_counters)
            .field("received", &self.received)
            .finish_non_exhaustive()
    }
}

/// Is the errno EPERM/EACCES somewhere in this error chain?
fn is_permission(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && matches!(io.raw_os_error(), Some(libc::EPERM | libc::EACCES))
        {
            return true;
        }
        let text = err.to_string();
        if text.contains("Operation not permitted") || text.contains("Permission denied") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// One line: aya's message with its sources, without the verifier log's noise.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(e);
    while let Some(err) = cur {
        let t = err.to_string();
        let t = t
            .split(". Verifier output")
            .next()
            .unwrap_or(&t)
            .to_string();
        if !t.is_empty() && !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = err.source();
    }
    parts.join(": ")
}

fn permission_error(what: &str) -> SensorError {
    SensorError::MissingPrivileges {
        message: format!(
            "the kernel refused to {what} (operation not permitted): the sensor needs CAP_BPF, \
             CAP_PERFMON and read access to {} (CAP_DAC_READ_SEARCH), and no security policy \
             (lockdown, seccomp, a container without these capabilities) blocking bpf(); {}",
            privileges::TRACEFS,
            privileges::how_to_run()
        ),
    }
}

fn monotonic_and_realtime() -> (i128, i128) {
    let read = |clock| {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the duration of the call; the clock ids
        // are constants every Linux kernel supports.
        unsafe { libc::clock_gettime(clock, &mut ts) };
        i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec)
    };
    (read(libc::CLOCK_MONOTONIC), read(libc::CLOCK_REALTIME))
}

/// `struct listen_key` of the C program: a listening socket's address (IPv4 v4-mapped) and port.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ListenKey {
    addr: [u8; 16],
    port: u32,
}

// SAFETY: `ListenKey` is `repr(C)`, 16 + 4 bytes of integers with no padding, so any bit
// pattern is valid.
unsafe impl aya::Pod for ListenKey {}

/// Parse a /proc/net/tcp{,6} address (`0100007F:1F90`, or 32 hex digits for IPv6: 32-bit words
/// printed in host byte order) into a [`ListenKey`].
fn proc_net_key(field: &str) -> Option<ListenKey> {
    let (addr, port) = field.split_once(':')?;
    let port = u32::from_str_radix(port, 16).ok()?;
    let mut words = Vec::new();
    for i in (0..addr.len()).step_by(8) {
        words.push(
            u32::from_str_radix(addr.get(i..i + 8)?, 16)
                .ok()?
                .to_ne_bytes(),
        );
    }
    let mut key = ListenKey {
        addr: [0; 16],
        port,
    };
    match words.len() {
        1 => {
            key.addr[10] = 0xff;
            key.addr[11] = 0xff;
            key.addr[12..].copy_from_slice(&words[0]);
        }
        4 => {
            for (i, w) in words.iter().enumerate() {
                key.addr[i * 4..i * 4 + 4].copy_from_slice(w);
            }
        }
        _ => return None,
    }
    Some(key)
}

/// `struct owner` of the C program: the process owning a listening socket.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct Owner {
    pid: u32,
    _pad: u32,
    comm: [u8; 16],
}

// SAFETY: `Owner` is `repr(C)`, made only of integers and byte arrays, with no padding the
// compiler could leave uninitialised (4 + 4 + 16 bytes), so any bit pattern is valid.
unsafe impl aya::Pod for Owner {}

/// Listening TCP ports of this network namespace and the processes owning them, from
/// /proc/net/tcp{,6} and /proc/*/fd (like `ss -ltp`).
fn existing_listeners() -> Vec<(ListenKey, Owner)> {
    let mut by_inode: std::collections::HashMap<u64, ListenKey> = std::collections::HashMap::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[3] != "0A" {
                continue;
            }
            if let (Some(key), Ok(inode)) = (proc_net_key(f[1]), f[9].parse::<u64>())
                && inode != 0
            {
                by_inode.insert(inode, key);
            }
        }
    }
    let mut found = Vec::new();
    if by_inode.is_empty() {
        return found;
    }
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return found;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            let Some(inode) = t
                .strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|i| i.parse::<u64>().ok())
            else {
                continue;
            };
            if let Some(key) = by_inode.get(&inode) {
                let name = std::fs::read_to_string(p.path().join("comm")).unwrap_or_default();
                let mut comm = [0u8; 16];
                let name = name.trim_end().as_bytes();
                let n = name.len().min(15);
                comm[..n].copy_from_slice(&name[..n]);
                found.push((*key, Owner { pid, _pad: 0, comm }));
            }
        }
    }
    found
}

/// Put the listening sockets that exist now into the `listeners` map.
fn seed_listeners(ebpf: &mut Ebpf) {
    if let Some(map) = ebpf.map_mut("listeners")
        && let Ok(mut listeners) = aya::maps::HashMap::<_, ListenKey, Owner>::try_from(map)
    {
        for (key, owner) in existing_listeners() {
            let _ = listeners.insert(key, owner, 0);
        }
    }
}

/// Programs attached, maps open; not yet registered with the runtime.
struct Attached {
    ebpf: Ebpf,
    ring: RingBuf<MapData>,
    stats: PerCpuArray<MapData, u64>,
    payload_counters: bool,
    tracefs_mounted: bool,
}

fn attach(config: &SensorConfig) -> Result<Attached, SensorError> {
    privileges::check_run()?;
    let tracefs_mounted = privileges::ensure_tracefs()?;
    privileges::raise_memlock();

    let state_id = privileges::tracepoint_dir(STATE_PROGRAM.1, STATE_PROGRAM.2).join("id");
    if !state_id.exists() {
        return Err(SensorError::KernelUnsupported {
            message: "the sock/inet_sock_set_state tracepoint is missing (Linux ≥ 4.16)".into(),
        });
    }
    let payload_counters = config.bytes == ByteMode::Exact
        && [SEND_PROGRAM, RECV_PROGRAM]
            .iter()
            .all(|(_, cat, name)| privileges::tracepoint_dir(cat, name).join("id").exists());

    let filter_pid: u32 = config.pid.unwrap_or(0);
    let filter_port: u32 = config.port.map_or(0, u32::from);
    let wakeup_bytes: u64 = config.wakeup_bytes;
    let mut ebpf = EbpfLoader::new()
        .override_global("filter_pid", &filter_pid, true)
        .override_global("filter_port", &filter_port, true)
        .override_global("wakeup_bytes", &wakeup_bytes, true)
        .load(OBJECT)
        .map_err(|e| {
            if is_permission(&e) {
                permission_error("load the eBPF object")
            } else {
                SensorError::Load {
                    message: describe(&e),
                }
            }
        })?;

    // Listeners opened before the sensor: their accepted sockets are attributed to the owner.
    seed_listeners(&mut ebpf);

    let mut programs = vec![STATE_PROGRAM];
    if payload_counters {
        programs.extend([SEND_PROGRAM, RECV_PROGRAM]);
    }
    for (prog, cat, name) in programs {
        let tracepoint = format!("{cat}/{name}");
        let attach_err = |e: &(dyn std::error::Error + 'static)| {
            if is_permission(e) {
                permission_error(&format!("attach to {tracepoint}"))
            } else {
                SensorError::Attach {
                    tracepoint: tracepoint.clone(),
                    message: describe(e),
                }
            }
        };
        let tp: &mut TracePoint = ebpf
            .program_mut(prog)
            .ok_or_else(|| SensorError::Load {
                message: format!("program {prog} missing"),
            })?
            .try_into()
            .map_err(|e: aya::programs::ProgramError| attach_err(&e))?;
        tp.load().map_err(|e| attach_err(&e))?;
        tp.attach(cat, name).map_err(|e| attach_err(&e))?;
    }

    // Listeners opened after the first scan and before the programs were attached.
    seed_listeners(&mut ebpf);

    let map_err = |name: &str, e: &(dyn std::error::Error + 'static)| SensorError::Map {
        name: name.into(),
        message: describe(e),
    };
    let missing = |name: &str| SensorError::Map {
        name: name.into(),
        message: "not in the object".into(),
    };
    let ring = ebpf.take_map("events").ok_or_else(|| missing("events"))?;
    let ring = RingBuf::try_from(ring).map_err(|e| map_err("events", &e))?;
    let stats = ebpf.take_map("stats").ok_or_else(|| missing("stats"))?;
    let stats: PerCpuArray<MapData, u64> =
        PerCpuArray::try_from(stats).map_err(|e| map_err("stats", &e))?;
    // Parsing the kernel's BTF (several MB) is over: give that memory back to the system.
    // SAFETY: malloc_trim only releases free heap memory; it has no other effect.
    unsafe { libc::malloc_trim(0) };
    Ok(Attached {
        ebpf,
        ring,
        stats,
        payload_counters,
        tracefs_mounted,
    })
}

impl Sensor {
    /// Check privileges, mount tracefs if needed, load, attach. Must run inside a tokio runtime.
    pub fn start(config: &SensorConfig) -> Result<Sensor, SensorError> {
        let Attached {
            ebpf,
            ring,
            stats,
            payload_counters,
            tracefs_mounted,
        } = attach(config)?;
        // SAFETY: the ring buffer's fd is owned by `RingBuf` and stays open, unchanged, until the
        // `AsyncFd` (which owns the `RingBuf`) is dropped; `as_raw_fd` always returns it.
        let ring = unsafe { AsyncFd::register_with_interest(ring, Interest::READABLE) }
            .map_err(|e| SensorError::RingBuffer { source: e.into() })?;
        let (mono, real) = monotonic_and_realtime();
        let mut drain = tokio::time::interval(config.drain_interval);
        drain.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(Sensor {
            ring,
            stats,
            clock: Clock::new(real, mono),
            payload_counters,
            comm: config.comm.clone(),
            pid: config.pid,
            drain,
            received: 0,
            tracefs_mounted,
            ebpf,
        })
    }

    /// Load and attach everything, then detach: the proof `probe` reports. No runtime needed.
    pub fn load_test() -> Result<String, SensorError> {
        // Everything `run` may attach: the exact mode's programs too.
        let a = attach(&SensorConfig {
            bytes: ByteMode::Exact,
            ..SensorConfig::default()
        })?;
        let n = if a.payload_counters { 3 } else { 1 };
        drop(a);
        Ok(format!(
            "loaded the embedded object, attached and detached {n} tracepoint program(s)"
        ))
    }

    /// Exact payload byte counts (sock_{send,recv}_length attached).
    pub fn payload_counters(&self) -> bool {
        self.payload_counters
    }

    /// The byte counting in effect (`exact` asked on a kernel without the send/recv
    /// tracepoints is `fast`).
    pub fn byte_mode(&self) -> ByteMode {
        if self.payload_counters {
            ByteMode::Exact
        } else {
            ByteMode::Fast
        }
    }

    /// This sensor mounted tracefs.
    pub fn mounted_tracefs(&self) -> bool {
        self.tracefs_mounted
    }

    /// Wait for records (a forced wake-up or the drain timer), then append every available
    /// record to `out`. Cancel-safe.
    pub async fn next_batch(&mut self, out: &mut Vec<ConnEvent>) -> Result<(), SensorError> {
        tokio::select! {
            guard = self.ring.readable_mut() => {
                let mut guard = guard.map_err(|source| SensorError::RingBuffer { source })?;
                guard.clear_ready();
            }
            _ = self.drain.tick() => {}
        }
        self.drain_now(out);
        Ok(())
    }

    /// Append every record available now to `out` (no waiting).
    pub fn drain_now(&mut self, out: &mut Vec<ConnEvent>) {
        let ring = self.ring.get_mut();
        while let Some(item) = ring.next() {
            let Some(raw) = RawEvent::parse(&item) else {
                continue;
            };
            drop(item);
            self.received += 1;
            let Some(ev) = ConnEvent::from_raw(&raw, &self.clock, self.payload_counters) else {
                continue;
            };
            // Accepted sockets whose owner was unknown in the kernel are filtered here.
            if self.pid.is_some_and(|p| p != ev.pid) {
                continue;
            }
            if self.comm.as_ref().is_some_and(|re| !re.is_match(&ev.comm)) {
                continue;
            }
            out.push(ev);
        }
    }

    /// Kernel-side counters, summed over CPUs.
    pub fn health(&self) -> Health {
        let sum = |idx: u32| -> u64 {
            self.stats
                .get(&idx, 0)
                .map(|v| v.iter().copied().sum())
                .unwrap_or(0)
        };
        Health {
            events: sum(STAT_EVENTS),
            drops: sum(STAT_DROPS),
            filtered: sum(STAT_FILTERED),
            untracked: sum(STAT_UNTRACKED),
            received: self.received,
        }
    }

    /// Detach every program and free the maps.
    pub fn stop(self) {
        drop(self);
    }

    /// Number of attached programs (for logs).
    pub fn programs(&self) -> usize {
        self.ebpf.programs().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_addresses() {
        let k = proc_net_key("0100007F:1F90").unwrap();
        assert_eq!(k.port, 8080);
        assert_eq!(
            k.addr,
            std::net::Ipv4Addr::LOCALHOST.to_ipv6_mapped().octets()
        );
        let k = proc_net_key("00000000000000000000000001000000:0050").unwrap();
        assert_eq!(k.port, 80);
        assert_eq!(k.addr, std::net::Ipv6Addr::LOCALHOST.octets());
        let k = proc_net_key("00000000:0016").unwrap();
        assert_eq!(
            k.addr,
            std::net::Ipv4Addr::UNSPECIFIED.to_ipv6_mapped().octets()
        );
        assert!(proc_net_key("zz:1").is_none());
    }
}
