//! `completions/` and `man/` are generated from the CLI definition and committed; these tests
//! fail when they are stale. `UPDATE_EXPECT=1 cargo test --test integration docs` rewrites them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn b00t() -> Command {
    Command::new(env!("CARGO_BIN_EXE_b00t"))
}

fn update() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

const SHELLS: &[(&str, &str)] = &[
    ("bash", "b00t.bash"),
    ("zsh", "_b00t"),
    ("fish", "b00t.fish"),
    ("powershell", "_b00t.ps1"),
    ("elvish", "b00t.elv"),
];

#[test]
fn completions_are_fresh() {
    let dir = root().join("completions");
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let out = b00t()
            .args(["completions", shell])
            .output()
            .expect("run b00t completions");
        assert!(
            out.status.success(),
            "b00t completions {shell} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "empty {shell} completion");
        let path = dir.join(file);
        if update() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &out.stdout).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&out.stdout[..]) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions (run UPDATE_EXPECT=1 cargo test --test integration docs): {stale:?}"
    );
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().to_string(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn man_pages_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    let out = b00t()
        .args(["man", "--dir"])
        .arg(tmp.path())
        .output()
        .expect("run b00t man");
    assert!(
        out.status.success(),
        "b00t man failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fresh = files(tmp.path());
    assert!(
        fresh.iter().any(|(n, _)| n == "b00t.1"),
        "no b00t.1 in {:?}",
        fresh.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(fresh.iter().any(|(n, _)| n == "b00t-k8s-deploy-mcp.1"));
    let dir = root().join("man");
    if update() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (n, b) in &fresh {
            std::fs::write(dir.join(n), b).unwrap();
        }
        return;
    }
    let committed = files(&dir);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "man/ pages differ (run UPDATE_EXPECT=1 cargo test --test integration docs)"
    );
    for ((n, a), (_, b)) in committed.iter().zip(&fresh) {
        assert!(
            a == b,
            "man/{n} is stale (run UPDATE_EXPECT=1 cargo test --test integration docs)"
        );
    }
}
