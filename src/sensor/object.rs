//! The eBPF object, embedded in the binary. `build.rs` compiles `ebpf/sensor.bpf.c` with clang
//! when it is installed, else copies the committed `ebpf/sensor.bpf.o`.

/// The object as built (aligned: the ELF parser reads it in place).
pub static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/sensor.bpf.o"));

/// `clang` when build.rs compiled the source, `committed` when it used `ebpf/sensor.bpf.o`.
pub const ORIGIN: &str = env!("B00T_SENSOR_OBJECT_ORIGIN");

/// Program names in the object (the C function names) and the tracepoints they attach to.
pub const STATE_PROGRAM: (&str, &str, &str) =
    ("inet_sock_set_state", "sock", "inet_sock_set_state");
pub const SEND_PROGRAM: (&str, &str, &str) = ("sock_send_length", "sock", "sock_send_length");
pub const RECV_PROGRAM: (&str, &str, &str) = ("sock_recv_length", "sock", "sock_recv_length");

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed object must be what build.rs produces from the current source, so a
    /// machine without clang embeds the same programs. `UPDATE_EXPECT=1` rewrites it.
    #[test]
    fn committed_object_is_fresh() {
        let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/ebpf/sensor.bpf.o");
        if ORIGIN != "clang" {
            eprintln!("skipping: clang not available, the committed object is in use");
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must have clang to check {committed_path} is fresh"
            );
            return;
        }
        let committed = std::fs::read(committed_path).unwrap_or_default();
        if committed != OBJECT {
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                std::fs::write(committed_path, OBJECT).expect("rewriting the committed object");
                return;
            }
            panic!(
                "ebpf/sensor.bpf.o is stale relative to ebpf/sensor.bpf.c (or was built by another \
                 clang): run `UPDATE_EXPECT=1 cargo test --lib sensor::object` and commit it"
            );
        }
    }

    #[test]
    fn object_is_an_ebpf_elf() {
        assert_eq!(&OBJECT[..4], b"\x7fELF");
        // e_machine = EM_BPF (247)
        assert_eq!(u16::from_le_bytes([OBJECT[18], OBJECT[19]]), 247);
    }
}
