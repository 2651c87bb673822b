//! What the machine and this process allow: capabilities, tracefs, BTF, tracepoints, program
//! and map types. [`check_run`] turns what is missing into one clear error (never a raw errno or
//! aya's "tracefs not found"); [`probe`] reports everything for `sensor probe`.

use std::path::Path;

use serde::Serialize;

use super::SensorError;
use super::object::{RECV_PROGRAM, SEND_PROGRAM, STATE_PROGRAM};

pub const TRACEFS: &str = "/sys/kernel/tracing";
pub const BTF_VMLINUX: &str = "/sys/kernel/btf/vmlinux";

const CAP_DAC_OVERRIDE: u32 = 1;
const CAP_DAC_READ_SEARCH: u32 = 2;
const CAP_SYS_ADMIN: u32 = 21;
const CAP_PERFMON: u32 = 38;
const CAP_BPF: u32 = 39;

/// Effective capabilities of this process (from /proc/self/status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub cap_bpf: bool,
    pub cap_perfmon: bool,
    pub cap_dac_read_search: bool,
    pub cap_dac_override: bool,
    pub cap_sys_admin: bool,
}

impl Capabilities {
    pub fn from_mask(eff: u64) -> Capabilities {
        let has = |c: u32| eff & (1u64 << c) != 0;
        Capabilities {
            cap_bpf: has(CAP_BPF),
            cap_perfmon: has(CAP_PERFMON),
            cap_dac_read_search: has(CAP_DAC_READ_SEARCH),
            cap_dac_override: has(CAP_DAC_OVERRIDE),
            cap_sys_admin: has(CAP_SYS_ADMIN),
        }
    }

    pub fn current() -> Capabilities {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let eff = status
            .lines()
            .find_map(|l| l.strip_prefix("CapEff:"))
            .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
            .unwrap_or(0);
        Capabilities::from_mask(eff)
    }
}

/// State of tracefs at /sys/kernel/tracing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tracefs {
    pub path: &'static str,
    pub mounted: bool,
    /// The tracepoint `id` files can be read by this process.
    pub readable: bool,
    /// Not mounted, but the kernel has tracefs and this process may mount it.
    pub mountable: bool,
}

pub fn tracefs_state(caps: &Capabilities) -> Tracefs {
    let mounted = is_mounted(TRACEFS);
    let readable = mounted
        && std::fs::read_to_string(tracepoint_dir("sock", "inet_sock_set_state").join("id"))
            .is_ok();
    let kernel_has = std::fs::read_to_string("/proc/filesystems")
        .map(|s| {
            s.lines()
                .any(|l| l.split_whitespace().last() == Some("tracefs"))
        })
        .unwrap_or(false);
    Tracefs {
        path: TRACEFS,
        mounted,
        readable,
        mountable: !mounted && kernel_has && caps.cap_sys_admin && Path::new(TRACEFS).is_dir(),
    }
}

fn is_mounted(path: &str) -> bool {
    std::fs::read_to_string("/proc/self/mounts")
        .map(|m| {
            m.lines().any(|l| {
                let mut f = l.split_whitespace();
                let (_, mnt, fstype) = (f.next(), f.next(), f.next());
                mnt == Some(path) && fstype == Some("tracefs")
            })
        })
        .unwrap_or(false)
}

pub fn tracepoint_dir(category: &str, name: &str) -> std::path::PathBuf {
    Path::new(TRACEFS).join("events").join(category).join(name)
}

/// Whether the kernel has a tracepoint: from tracefs when readable, else from the BTF of
/// vmlinux (every tracepoint has a `btf_trace_<name>` typedef), which anyone may read.
pub fn tracepoint_exists(
    category: &str,
    name: &str,
    tracefs: &Tracefs,
    btf: Option<&[u8]>,
) -> bool {
    if tracefs.readable {
        return tracepoint_dir(category, name).join("id").exists();
    }
    let Some(btf) = btf else { return false };
    let needle = format!("\0btf_trace_{name}\0");
    btf.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Mount tracefs at /sys/kernel/tracing when it is not mounted (needs CAP_SYS_ADMIN).
/// Returns whether this call mounted it. It is left mounted: other tools (and other sensors
/// running at the same time) may rely on it.
pub fn ensure_tracefs() -> Result<bool, SensorError> {
    if is_mounted(TRACEFS) {
        return Ok(false);
    }
    let target = std::ffi::CString::new(TRACEFS).expect("no NUL in a constant");
    let fstype = c"tracefs";
    // SAFETY: all pointers are valid NUL-terminated strings that outlive the call; `data` may
    // be null for tracefs.
    let rc = unsafe {
        libc::mount(
            fstype.as_ptr(),
            target.as_ptr(),
            fstype.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        let source = std::io::Error::last_os_error();
        // A concurrent sensor may have mounted it in the meantime.
        if source.raw_os_error() == Some(libc::EBUSY) && is_mounted(TRACEFS) {
            return Ok(false);
        }
        return Err(SensorError::MountTracefs {
            path: TRACEFS.into(),
            source,
        });
    }
    Ok(true)
}

/// Raise RLIMIT_MEMLOCK to unlimited (needed for BPF maps before kernel 5.11; harmless after).
/// Failure is not an error: newer kernels account BPF memory to the cgroup instead.
pub fn raise_memlock() -> bool {
    let lim = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: `lim` is a valid rlimit for the duration of the call.
    unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &lim) == 0 }
}

fn memlock_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid, writable rlimit for the duration of the call.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut lim) };
    (rc == 0 && lim.rlim_cur != libc::RLIM_INFINITY).then_some(lim.rlim_cur)
}

fn kernel_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// (major, minor) of the running kernel.
fn kernel_version() -> (u32, u32) {
    let r = kernel_release();
    let mut it = r
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty());
    let major = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let minor = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (major, minor)
}

fn uid() -> (u32, u32) {
    // SAFETY: getuid/geteuid cannot fail and touch no memory.
    unsafe { (libc::getuid(), libc::geteuid()) }
}

/// The privileges `sensor run` lacks, as phrases for the error message.
pub fn missing_privileges(caps: &Capabilities, tracefs: &Tracefs) -> Vec<String> {
    let mut missing = Vec::new();
    if !caps.cap_bpf && !caps.cap_sys_admin {
        missing.push("CAP_BPF (to create maps and load programs)".to_string());
    }
    if !caps.cap_perfmon && !caps.cap_sys_admin {
        missing.push("CAP_PERFMON (to attach to tracepoints)".to_string());
    }
    if tracefs.mounted && !tracefs.readable && !caps.cap_dac_read_search && !caps.cap_dac_override {
        missing.push(format!(
            "CAP_DAC_READ_SEARCH (to read {TRACEFS}, which only root may read)"
        ));
    }
    if !tracefs.mounted && !caps.cap_sys_admin {
        missing.push(format!(
            "CAP_SYS_ADMIN to mount tracefs, which is not mounted at {TRACEFS} \
             (or mount it once: `sudo mount -t tracefs tracefs {TRACEFS}`)"
        ));
    }
    missing
}

/// How to run the sensor with the privileges it needs.
pub fn how_to_run() -> String {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "b00t".into());
    format!(
        "run it as root (`sudo b00t obi sensor run`) or grant the binary the capabilities once: \
         `sudo setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep {exe}`"
    )
}

pub fn missing_privileges_error(missing: &[String]) -> SensorError {
    SensorError::MissingPrivileges {
        message: format!(
            "the eBPF sensor needs privileges this process does not have: {}; {}",
            missing.join(", "),
            how_to_run()
        ),
    }
}

/// What the kernel lacks for the sensor (independent of privileges).
fn missing_kernel(
    btf: bool,
    tracefs_kernel: bool,
    state_tp: bool,
    ringbuf: Option<bool>,
    prog: Option<bool>,
) -> Vec<String> {
    let mut m = Vec::new();
    if !btf {
        m.push(format!(
            "BTF ({BTF_VMLINUX} is missing: a kernel built with CONFIG_DEBUG_INFO_BTF)"
        ));
    }
    if !tracefs_kernel {
        m.push("tracefs (CONFIG_TRACING)".into());
    }
    if !state_tp {
        m.push("the sock/inet_sock_set_state tracepoint (Linux ≥ 4.16)".into());
    }
    if ringbuf == Some(false) {
        m.push("BPF ring buffers (Linux ≥ 5.8)".into());
    }
    if prog == Some(false) {
        m.push("tracepoint BPF programs".into());
    }
    m
}

/// Checks before `run`: privileges first (exit 5), then kernel features (exit 3).
pub fn check_run() -> Result<(), SensorError> {
    let caps = Capabilities::current();
    let tracefs = tracefs_state(&caps);
    let missing = missing_privileges(&caps, &tracefs);
    if !missing.is_empty() {
        return Err(missing_privileges_error(&missing));
    }
    let btf = Path::new(BTF_VMLINUX).exists();
    let kernel_tracefs = tracefs.mounted || tracefs.mountable;
    let m = missing_kernel(btf, kernel_tracefs, true, None, None);
    if !m.is_empty() {
        return Err(SensorError::KernelUnsupported {
            message: m.join(", "),
        });
    }
    Ok(())
}

/// One row of the probe table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub name: String,
    /// `true` ok, `false` missing, `null` unknown (could not be checked without privileges).
    pub ok: Option<bool>,
    pub detail: String,
}

/// Everything `sensor probe` reports. Field names are stable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub uid: u32,
    pub euid: u32,
    pub capabilities: Capabilities,
    pub kernel_release: String,
    pub btf: bool,
    pub tracefs: Tracefs,
    pub tracepoints: std::collections::BTreeMap<String, bool>,
    /// Exact payload byte counts (sock_send_length/sock_recv_length) are available.
    pub payload_counters: bool,
    pub program_tracepoint: Option<bool>,
    pub map_ringbuf: Option<bool>,
    /// RLIMIT_MEMLOCK in bytes (`null`: unlimited).
    pub memlock_limit_bytes: Option<u64>,
    /// Kernel < 5.11 charges BPF memory to RLIMIT_MEMLOCK.
    pub memlock_needed: bool,
    /// Loading and attaching the real object (done only when privileged): `null` when skipped.
    pub load_test: Option<Check>,
    pub run_will_work: bool,
    pub missing_privileges: Vec<String>,
    pub missing_kernel_features: Vec<String>,
    pub checks: Vec<Check>,
}

impl Probe {
    /// The error `sensor probe` ends with when `sensor run` would not work: the kernel lacks
    /// features (exit 3), privileges are missing (exit 5), or the load test failed.
    pub fn result(&self) -> crate::error::Result<()> {
        if self.run_will_work {
            return Ok(());
        }
        if !self.missing_kernel_features.is_empty() {
            return Err(crate::error::Error::msg(
                crate::error::Exit::Unreachable,
                format!(
                    "this kernel cannot run the sensor: {}",
                    self.missing_kernel_features.join(", ")
                ),
            ));
        }
        if !self.missing_privileges.is_empty() {
            return Err(crate::error::Error::new(missing_privileges_error(
                &self.missing_privileges,
            )));
        }
        Err(crate::error::Error::msg(
            crate::error::Exit::Failed,
            format!(
                "the sensor cannot run: {}",
                self.load_test
                    .as_ref()
                    .map_or("the load test failed", |c| c.detail.as_str())
            ),
        ))
    }
}

/// Probe the machine. When the privileges are there, the real object is loaded and attached
/// (then detached) as the final proof.
pub fn probe() -> Probe {
    use aya::maps::MapType;
    use aya::programs::ProgramType;

    let (uid, euid) = uid();
    let caps = Capabilities::current();
    let mut tracefs = tracefs_state(&caps);
    let missing_priv = missing_privileges(&caps, &tracefs);
    let privileged = missing_priv.is_empty();
    if privileged && !tracefs.mounted && tracefs.mountable && ensure_tracefs().is_ok() {
        tracefs = tracefs_state(&caps);
    }
    let btf_bytes = std::fs::read(BTF_VMLINUX).ok();
    let btf = btf_bytes.is_some();
    let mut tracepoints = std::collections::BTreeMap::new();
    for (_, cat, name) in [STATE_PROGRAM, SEND_PROGRAM, RECV_PROGRAM] {
        let exists = tracepoint_exists(cat, name, &tracefs, btf_bytes.as_deref());
        tracepoints.insert(format!("{cat}/{name}"), exists);
    }
    let state_tp = tracepoints["sock/inet_sock_set_state"];
    let payload_counters =
        tracepoints["sock/sock_send_length"] && tracepoints["sock/sock_recv_length"];
    let can_bpf = caps.cap_bpf || caps.cap_sys_admin;
    let program_tracepoint = can_bpf
        .then(|| aya::sys::is_program_supported(ProgramType::TracePoint).ok())
        .flatten();
    let map_ringbuf = can_bpf
        .then(|| aya::sys::is_map_supported(MapType::RingBuf).ok())
        .flatten();
    let (major, minor) = kernel_version();
    let memlock_needed = (major, minor) < (5, 11);
    let kernel_tracefs = tracefs.mounted
        || std::fs::read_to_string("/proc/filesystems").is_ok_and(|s| s.contains("tracefs"));
    let missing_kernel_features = missing_kernel(
        btf,
        kernel_tracefs,
        state_tp,
        map_ringbuf,
        program_tracepoint,
    );

    let load_test = (privileged && missing_kernel_features.is_empty()).then(|| {
        match super::loader::Sensor::load_test() {
            Ok(detail) => Check {
                name: "load test".into(),
                ok: Some(true),
                detail,
            },
            Err(e) => Check {
                name: "load test".into(),
                ok: Some(false),
                detail: e.to_string(),
            },
        }
    });
    let run_will_work = privileged
        && missing_kernel_features.is_empty()
        && load_test.as_ref().is_none_or(|c| c.ok == Some(true));

    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut checks = vec![
        Check {
            name: "user".into(),
            ok: Some(true),
            detail: if euid == 0 {
                format!("uid {uid}, euid {euid} (root)")
            } else {
                format!("uid {uid}, euid {euid}")
            },
        },
        Check {
            name: "CAP_BPF".into(),
            ok: Some(can_bpf),
            detail: yes_no(caps.cap_bpf).into(),
        },
        Check {
            name: "CAP_PERFMON".into(),
            ok: Some(caps.cap_perfmon || caps.cap_sys_admin),
            detail: yes_no(caps.cap_perfmon).into(),
        },
        Check {
            name: "CAP_DAC_READ_SEARCH".into(),
            ok: Some(caps.cap_dac_read_search || caps.cap_dac_override || tracefs.readable),
            detail: format!("{} (reading {TRACEFS})", yes_no(caps.cap_dac_read_search)),
        },
        Check {
            name: "CAP_SYS_ADMIN".into(),
            ok: Some(caps.cap_sys_admin || tracefs.mounted),
            detail: format!(
                "{} (mounting tracefs when needed)",
                yes_no(caps.cap_sys_admin)
            ),
        },
        Check {
            name: "kernel".into(),
            ok: Some(true),
            detail: kernel_release(),
        },
        Check {
            name: "BTF".into(),
            ok: Some(btf),
            detail: if btf {
                BTF_VMLINUX.into()
            } else {
                format!("{BTF_VMLINUX} missing")
            },
        },
        Check {
            name: "tracefs".into(),
            ok: Some(tracefs.mounted || tracefs.mountable),
            detail: match (tracefs.mounted, tracefs.readable, tracefs.mountable) {
                (true, true, _) => format!("mounted at {TRACEFS}"),
                (true, false, _) => format!("mounted at {TRACEFS}, not readable by this user"),
                (false, _, true) => format!("not mounted; will be mounted at {TRACEFS}"),
                (false, _, false) => {
                    format!("not mounted at {TRACEFS}; mounting needs CAP_SYS_ADMIN")
                }
            },
        },
    ];
    for (tp, ok) in &tracepoints {
        let optional = tp != "sock/inet_sock_set_state";
        checks.push(Check {
            name: format!("tracepoint {tp}"),
            ok: Some(*ok || optional),
            detail: match (ok, optional) {
                (true, _) => "present".into(),
                (false, true) => "missing (optional: byte counts fall back to TCP counters)".into(),
                (false, false) => "missing".into(),
            },
        });
    }
    checks.push(Check {
        name: "program type tracepoint".into(),
        ok: program_tracepoint,
        detail: match program_tracepoint {
            Some(true) => "supported".into(),
            Some(false) => "not supported".into(),
            None => "unknown (checking needs CAP_BPF)".into(),
        },
    });
    checks.push(Check {
        name: "map type ringbuf".into(),
        ok: map_ringbuf,
        detail: match map_ringbuf {
            Some(true) => "supported".into(),
            Some(false) => "not supported".into(),
            None => "unknown (checking needs CAP_BPF)".into(),
        },
    });
    let memlock_limit_bytes = memlock_limit();
    checks.push(Check {
        name: "memlock".into(),
        ok: Some(true),
        detail: format!(
            "{}; {}",
            memlock_limit_bytes.map_or("unlimited".to_string(), |b| format!("{} KiB", b / 1024)),
            if memlock_needed {
                "raised at start (kernel < 5.11)"
            } else {
                "not used (kernel ≥ 5.11 accounts BPF memory to the cgroup)"
            }
        ),
    });
    if let Some(c) = &load_test {
        checks.push(c.clone());
    }
    checks.push(Check {
        name: "run".into(),
        ok: Some(run_will_work),
        detail: if run_will_work {
            "will work".into()
        } else if !missing_kernel_features.is_empty() {
            format!("kernel lacks: {}", missing_kernel_features.join(", "))
        } else if !privileged {
            format!("needs: {}; {}", missing_priv.join(", "), how_to_run())
        } else {
            "the load test failed".into()
        },
    });
    Probe {
        uid,
        euid,
        capabilities: caps,
        kernel_release: kernel_release(),
        btf,
        tracefs,
        tracepoints,
        payload_counters,
        program_tracepoint,
        map_ringbuf,
        memlock_limit_bytes,
        memlock_needed,
        load_test,
        run_will_work,
        missing_privileges: missing_priv,
        missing_kernel_features,
        checks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_bits() {
        let c = Capabilities::from_mask((1 << 39) | (1 << 38));
        assert!(c.cap_bpf && c.cap_perfmon && !c.cap_dac_read_search && !c.cap_sys_admin);
        let full = Capabilities::from_mask(u64::MAX);
        assert!(full.cap_sys_admin && full.cap_dac_read_search);
    }

    #[test]
    fn missing_privileges_are_named() {
        let none = Capabilities::from_mask(0);
        let tfs = Tracefs {
            path: TRACEFS,
            mounted: true,
            readable: false,
            mountable: false,
        };
        let m = missing_privileges(&none, &tfs);
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].starts_with("CAP_BPF"));
        assert!(m[2].starts_with("CAP_DAC_READ_SEARCH"));
        let bpf_perf = Capabilities::from_mask((1 << 39) | (1 << 38) | (1 << 2));
        assert!(missing_privileges(&bpf_perf, &tfs).is_empty());
        let unmounted = Tracefs {
            path: TRACEFS,
            mounted: false,
            readable: false,
            mountable: false,
        };
        assert!(missing_privileges(&bpf_perf, &unmounted)[0].contains("mount"));
        let e = missing_privileges_error(&m).to_string();
        assert!(
            e.contains("setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep"),
            "{e}"
        );
        assert!(e.contains("sudo"), "{e}");
    }
}
