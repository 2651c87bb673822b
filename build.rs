//! Compiles the eBPF sensor (`ebpf/sensor.bpf.c`) with clang into `$OUT_DIR/sensor.bpf.o`, or,
//! when clang is not installed, copies the committed object `ebpf/sensor.bpf.o`. The build is
//! deterministic (relative paths, `-fdebug-prefix-map`, debug info stripped except BTF), so the
//! committed object is byte-identical to what this produces; a test checks it
//! (`UPDATE_EXPECT=1 cargo test --lib sensor::object` rewrites it).
//!
//! `B00T_BPF_PREBUILT=1` forces the committed object; `CLANG` and `LLVM_STRIP` choose the tools.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const SOURCE: &str = "ebpf/sensor.bpf.c";
const HEADER: &str = "ebpf/sensor.h";
const COMMITTED: &str = "ebpf/sensor.bpf.o";

fn main() {
    for f in [SOURCE, HEADER, COMMITTED] {
        println!("cargo:rerun-if-changed={f}");
    }
    // PATH: installing clang/llvm after a first build must switch from the committed object
    // to compiling it (the freshness test needs the compiled one).
    for v in ["CLANG", "LLVM_STRIP", "B00T_BPF_PREBUILT", "PATH"] {
        println!("cargo:rerun-if-env-changed={v}");
    }
    let manifest =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dest = out.join("sensor.bpf.o");

    let prebuilt = env::var("B00T_BPF_PREBUILT").is_ok_and(|v| !v.is_empty() && v != "0");
    let clang = env::var("CLANG").unwrap_or_else(|_| "clang".into());
    let strip = find_strip();
    let have_clang = !prebuilt && works(&clang) && strip.is_some();

    let origin = if have_clang {
        compile(
            &manifest,
            &clang,
            strip.as_deref().unwrap_or("llvm-strip"),
            &out,
            &dest,
        );
        "clang"
    } else {
        if !prebuilt {
            println!(
                "cargo:warning=clang or llvm-strip not found: using the committed eBPF object {COMMITTED}"
            );
        }
        std::fs::copy(manifest.join(COMMITTED), &dest)
            .unwrap_or_else(|e| panic!("copying {COMMITTED} to {}: {e}", dest.display()));
        "committed"
    };
    println!("cargo:rustc-env=B00T_SENSOR_OBJECT_ORIGIN={origin}");
}

fn works(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn find_strip() -> Option<String> {
    if let Ok(s) = env::var("LLVM_STRIP") {
        return Some(s);
    }
    [
        "llvm-strip",
        "llvm-strip-14",
        "llvm-strip-15",
        "llvm-strip-16",
        "llvm-strip-17",
    ]
    .into_iter()
    .find(|t| works(t))
    .map(str::to_string)
}

fn compile(manifest: &Path, clang: &str, strip: &str, out: &Path, dest: &Path) {
    let unstripped = out.join("sensor.bpf.full.o");
    let prefix_map = format!("-fdebug-prefix-map={}=.", manifest.display());
    // Relative source path and cwd = the crate: no absolute path reaches the object.
    let status = Command::new(clang)
        .current_dir(manifest)
        .args([
            "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-Wall", "-Werror",
        ])
        .arg(&prefix_map)
        .arg("-fdebug-compilation-dir=.")
        .args(["-c", SOURCE, "-o"])
        .arg(&unstripped)
        .status()
        .unwrap_or_else(|e| panic!("running {clang}: {e}"));
    assert!(status.success(), "{clang} failed to compile {SOURCE}");
    let status = Command::new(strip)
        .arg("-g")
        .arg(&unstripped)
        .arg("-o")
        .arg(dest)
        .status()
        .unwrap_or_else(|e| panic!("running {strip}: {e}"));
    assert!(
        status.success(),
        "{strip} failed on {}",
        unstripped.display()
    );
}
