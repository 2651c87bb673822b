//! Loader tests: the compose-go corpus (skipped when `../shared` is absent) and unit tests of
//! every syntax form.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/compose-spec");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping compose corpus tests: {} is absent", p.display());
        None
    }
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn opts_files(files: &[PathBuf]) -> LoadOptions {
    LoadOptions {
        files: files.to_vec(),
        ..Default::default()
    }
}

/// Load one in-memory file as `/virtual/proj/compose.yaml`.
fn load_str(src: &str) -> Result<Project, LoadError> {
    load_str_env(src, &[])
}

fn load_str_env(src: &str, vars: &[(&str, &str)]) -> Result<Project, LoadError> {
    let opts = LoadOptions {
        env: env(vars),
        ..Default::default()
    };
    load_from_strings(&opts, &[("/virtual/proj/compose.yaml", src)])
}

fn ok(src: &str) -> Project {
    match load_str(src) {
        Ok(p) => p,
        Err(e) => panic!("load failed: {e}\n{src}"),
    }
}

fn err(src: &str) -> String {
    match load_str(src) {
        Ok(_) => panic!("load should fail:\n{src}"),
        Err(e) => e.to_string(),
    }
}

fn svc<'a>(p: &'a Project, name: &str) -> &'a Service {
    p.services
        .get(name)
        .unwrap_or_else(|| panic!("no service {name}: {:?}", p.services.keys()))
}

/// Tally of a corpus run: fails the test on any failure not allow-listed.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: Vec<String>,
    skipped: Vec<String>,
}

impl Tally {
    fn check(&mut self, name: &str, r: Result<(), String>) {
        match r {
            Ok(()) => self.passed += 1,
            Err(e) => self.failed.push(format!("{name}: {e}")),
        }
    }

    fn skip(&mut self, name: &str, why: &str) {
        self.skipped.push(format!("{name}: {why}"));
    }

    fn finish(self, what: &str) {
        eprintln!(
            "{what}: {} passed, {} failed, {} skipped",
            self.passed,
            self.failed.len(),
            self.skipped.len()
        );
        for s in &self.skipped {
            eprintln!("  skipped {s}");
        }
        assert!(
            self.failed.is_empty(),
            "{what} failures:\n{}",
            self.failed.join("\n")
        );
    }
}

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!($($fmt)+));
        }
    };
}

// ------------------------------------------------------------------ corpus: interpolation

/// Cases we deliberately do not pass (none at present).
const INTERPOLATION_ALLOW_FAIL: &[&str] = &[];

#[test]
fn corpus_interpolation() {
    let Some(dir) = corpus() else { return };
    let text = fs::read_to_string(dir.join("interpolation-cases.tsv")).unwrap();
    let mut tally = Tally::default();
    let mut header = true;
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if header {
            header = false;
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (template, expected) = (cols[0], cols.get(1).copied().unwrap_or(""));
        let r = super::interp::tests::run_case(template, expected);
        if r.is_err() && INTERPOLATION_ALLOW_FAIL.contains(&template) {
            tally.skip(template, "allow-listed");
            continue;
        }
        tally.check(template, r);
    }
    assert!(
        tally.passed >= 60,
        "only {} interpolation cases found",
        tally.passed
    );
    tally.finish("interpolation-cases.tsv");
}

// ------------------------------------------------------------------ corpus: dotenv fixtures

#[test]
fn corpus_dotenv() {
    let Some(dir) = corpus() else { return };
    let fx = dir.join("dotenv/fixtures");
    let os = env(&[("VAR_TO_BE_LOADED_FROM_OS_ENV", "from-os")]);
    let parse = |name: &str| -> Result<BTreeMap<String, String>, String> {
        let text = fs::read_to_string(fx.join(name)).map_err(|e| e.to_string())?;
        dotenv::parse(&text, &|k| os.get(k).cloned())
            .map(|v| v.into_iter().collect())
            .map_err(|e| format!("line {}: {}", e.line, e.message))
    };
    let expect = |name: &str, want: &[(&str, &str)]| -> Result<(), String> {
        let got = parse(name)?;
        for (k, v) in want {
            ensure!(
                got.get(*k).map(String::as_str) == Some(*v),
                "{k}: got {:?}, want {v:?}",
                got.get(*k)
            );
        }
        ensure!(
            got.len() == want.len(),
            "got {} keys {got:?}, want {}",
            got.len(),
            want.len()
        );
        Ok(())
    };
    let plain: &[(&str, &str)] = &[
        ("OPTION_A", "1"),
        ("OPTION_B", "2"),
        ("OPTION_C", "3"),
        ("OPTION_D", "4"),
        ("OPTION_E", "5"),
        ("456", "ABC"),
        ("OPTION_F", ""),
        ("OPTION_G", ""),
        ("OPTION_H", "my string"),
    ];
    let mut t = Tally::default();
    t.check("plain.env", expect("plain.env", plain));
    t.check("utf8-bom.env", expect("utf8-bom.env", plain));
    t.check(
        "quoted.env",
        expect(
            "quoted.env",
            &[
                ("OPTION_A", "1"),
                ("OPTION_B", "2"),
                ("OPTION_C", ""),
                ("OPTION_D", "\\n"),
                ("OPTION_E", "1"),
                ("OPTION_F", "2"),
                ("OPTION_G", ""),
                ("OPTION_H", "\n"),
                ("OPTION_I", "echo 'asd'"),
                ("OPTION_J", "first line\nsecond line\nthird line\nand so on"),
                ("OPTION_K", "Let's go!"),
                ("OPTION_Z", "last value"),
            ],
        ),
    );
    t.check(
        "exported.env",
        expect("exported.env", &[("OPTION_A", "2"), ("OPTION_B", "\\n")]),
    );
    t.check(
        "equals.env",
        expect(
            "equals.env",
            &[(
                "OPTION_A",
                "postgres://localhost:5432/database?sslmode=disable",
            )],
        ),
    );
    t.check(
        "special.env",
        expect(
            "special.env",
            &[
                ("VAR.WITH.DOTS", "dots"),
                ("VAR_WITH_UNDERSCORES", "underscores"),
                ("VAR-WITH-DASHES", "dashes"),
            ],
        ),
    );
    t.check(
        "unquoted.env",
        expect(
            "unquoted.env",
            &[
                ("OPTION_A", "some quoted phrase"),
                ("OPTION_B", "first one with an unquoted phrase"),
                ("OPTION_C", "then another one with an unquoted phrase"),
                (
                    "OPTION_D",
                    "then another one with an unquoted phrase special è char",
                ),
                ("OPTION_E", "then another one quoted phrase"),
            ],
        ),
    );
    let subst: &[(&str, &str)] = &[
        ("OPTION_A", "1"),
        ("OPTION_B", "1"),
        ("OPTION_C", "1"),
        ("OPTION_D", "1_1"),
        ("OPTION_E", ""),
    ];
    t.check("substitutions.env", expect("substitutions.env", subst));
    t.check(
        "substitutions-default.env",
        expect("substitutions-default.env", subst),
    );
    t.check(
        "inherited-multi-var.env",
        expect(
            "inherited-multi-var.env",
            &[
                ("foo", "bar"),
                ("VAR_TO_BE_LOADED_FROM_OS_ENV", "from-os"),
                ("bar", "baz"),
            ],
        ),
    );
    t.check(
        "inherited-single-var.env",
        expect(
            "inherited-single-var.env",
            &[("VAR_TO_BE_LOADED_FROM_OS_ENV", "from-os")],
        ),
    );
    t.check(
        "inherited-not-found.env",
        expect("inherited-not-found.env", &[]),
    );
    t.check(
        "custom.format",
        expect("custom.format", &[("FOO", "BAR"), ("ZOT", "QIX")]),
    );
    t.check(
        "invalid1.env",
        match parse("invalid1.env") {
            Err(e) if e.starts_with("line 7:") && e.contains("space") => Ok(()),
            other => Err(format!("want an error at line 7, got {other:?}")),
        },
    );
    t.finish("dotenv fixtures");
}

// ------------------------------------------------------------------ corpus: loader + inline

fn load_corpus(dir: &Path, files: &[&str], vars: &[(&str, &str)]) -> Result<Project, String> {
    let dir = &merge::normalize_path(dir);
    let opts = LoadOptions {
        files: files.iter().map(|f| dir.join(f)).collect(),
        env: env(vars),
        ..Default::default()
    };
    load(&opts).map_err(|e| e.to_string())
}

fn get<'a>(p: &'a Project, name: &str) -> Result<&'a Service, String> {
    p.services
        .get(name)
        .ok_or_else(|| format!("no service {name}"))
}

fn inline_cases(t: &mut Tally, dir: &Path) {
    let inl = dir.join("inline");
    t.check(
        "inline/expanded-port-format.yaml",
        (|| {
            let p = load_corpus(&inl, &["expanded-port-format.yaml"], &[])?;
            let got: Vec<(String, u16, Option<String>, String)> = get(&p, "web")?
                .ports
                .iter()
                .map(|p| {
                    (
                        p.mode.clone(),
                        p.target,
                        p.published.clone(),
                        p.protocol.clone(),
                    )
                })
                .collect();
            let s = |x: &str| Some(x.to_string());
            let want = vec![
                ("ingress".into(), 8080, s("80"), "tcp".into()),
                ("ingress".into(), 8081, s("81"), "tcp".into()),
                ("ingress".into(), 8082, s("82"), "tcp".into()),
                ("ingress".into(), 8090, s("90"), "udp".into()),
                ("ingress".into(), 8091, s("91"), "udp".into()),
                ("ingress".into(), 8092, s("92"), "udp".into()),
                ("ingress".into(), 8500, s("85"), "tcp".into()),
                ("ingress".into(), 8600, None, "tcp".into()),
                ("ingress".into(), 53, s("10053"), "udp".into()),
                ("host".into(), 22, s("10022"), "tcp".into()),
            ];
            ensure!(got == want, "ports {got:?}");
            Ok(())
        })(),
    );
    t.check(
        "inline/expanded-mount-format.yaml",
        (|| {
            let p = load_corpus(&inl, &["expanded-mount-format.yaml"], &[])?;
            let m = &get(&p, "web")?.volumes[0];
            ensure!(
                m.kind == MountType::Volume
                    && m.source.as_deref() == Some("foo")
                    && m.target == "/target"
                    && m.read_only,
                "{m:?}"
            );
            Ok(())
        })(),
    );
    t.check(
        "inline/interpolation-cast-full.yaml",
        (|| {
            let vars = [
                ("theint", "555"),
                ("thefloat", "3.14"),
                ("thebool", "true"),
                ("theduration", "60s"),
                ("thesize", "2gb"),
            ];
            let p = load_corpus(&inl, &["interpolation-cast-full.yaml"], &vars)?;
            let w = get(&p, "web")?;
            ensure!(
                w.configs[0].mode == Some(0o555) && w.secrets[0].mode == Some(0o555),
                "modes {:?}",
                w.configs
            );
            ensure!(
                w.secrets[0].target == "/run/secrets/super",
                "secret target {}",
                w.secrets[0].target
            );
            let h = w.healthcheck.as_ref().ok_or("no healthcheck")?;
            ensure!(h.retries == Some(555) && h.disable, "healthcheck {h:?}");
            let d = w.deploy.as_ref().ok_or("no deploy")?;
            ensure!(d.replicas == Some(555), "replicas");
            ensure!(
                d.restart_policy.as_ref().and_then(|r| r.max_attempts) == Some(555),
                "max_attempts"
            );
            let ports: Vec<(u16, Option<&str>)> = w
                .ports
                .iter()
                .map(|p| (p.target, p.published.as_deref()))
                .collect();
            ensure!(
                ports == vec![(555, None), (34567, None), (555, Some("555"))],
                "ports {ports:?}"
            );
            ensure!(
                w.ulimits["nproc"]
                    == Ulimit {
                        soft: 555,
                        hard: 555
                    },
                "nproc"
            );
            ensure!(
                w.ulimits["nofile"]
                    == Ulimit {
                        soft: 555,
                        hard: 555
                    },
                "nofile"
            );
            ensure!(
                w.privileged && w.read_only && w.stdin_open && w.tty,
                "bools"
            );
            ensure!(w.shm_size == Some(2 << 30), "shm_size {:?}", w.shm_size);
            ensure!(
                w.stop_grace_period == Some(Duration::from_secs(60)),
                "stop_grace_period"
            );
            let v = &w.volumes[0];
            ensure!(
                v.read_only && v.volume.as_ref().is_some_and(|o| o.nocopy),
                "volume {v:?}"
            );
            ensure!(
                p.configs["appconfig"].external && p.secrets["super"].external,
                "external"
            );
            ensure!(
                p.volumes["data"].external && p.networks["front"].external,
                "external"
            );
            ensure!(
                p.networks["front"].internal && p.networks["front"].attachable,
                "network bools"
            );
            ensure!(p.networks.contains_key("back"), "null network");
            Ok(())
        })(),
    );
    t.check(
        "inline/merge-key-with-override-tag.yaml",
        (|| {
            let p = load_corpus(&inl, &["merge-key-with-override-tag.yaml"], &[])?;
            let targets = |n: &str| -> Result<Vec<String>, String> {
                Ok(get(&p, n)?
                    .configs
                    .iter()
                    .map(|c| format!("{}:{}", c.source, c.target))
                    .collect())
            };
            ensure!(
                targets("base")? == ["credentials:/credentials/file1"],
                "base {:?}",
                targets("base")
            );
            ensure!(
                targets("x")? == ["credentials:/literally-anywhere-else"],
                "x {:?}",
                targets("x")
            );
            ensure!(
                targets("y")? == ["credentials:/literally-anywhere-else"],
                "y {:?}",
                targets("y")
            );
            ensure!(
                p.configs["credentials"].content.as_deref() == Some("dummy value\n"),
                "content"
            );
            Ok(())
        })(),
    );
    t.check(
        "inline/anchors-merge-keys.yaml",
        (|| {
            let p = load_corpus(&inl, &["anchors-merge-keys.yaml"], &[])?;
            for n in ["backend", "backend-static", "backend-worker", "s1", "s2"] {
                ensure!(
                    get(&p, n)?.restart == Some(Restart::UnlessStopped),
                    "{n} restart"
                );
            }
            ensure!(
                get(&p, "backend")?.image.as_deref() == Some("alpine:latest"),
                "own key wins"
            );
            ensure!(get(&p, "s1")?.image.as_deref() == Some("nginx"), "s1 image");
            ensure!(get(&p, "s2")?.image.as_deref() == Some("nginx"), "s2 image");
            ensure!(
                get(&p, "aliased")?.image.as_deref() == Some("alpine"),
                "aliased"
            );
            ensure!(
                p.extensions.contains_key("x-common") && !p.keys.contains_key("x-common"),
                "extensions"
            );
            Ok(())
        })(),
    );
    t.check(
        "inline/merge-key-errors.yaml",
        (|| {
            let text =
                fs::read_to_string(inl.join("merge-key-errors.yaml")).map_err(|e| e.to_string())?;
            let docs: Vec<&str> = text.split("\n---\n").collect();
            ensure!(docs.len() == 3, "3 documents");
            for (doc, want) in docs.iter().zip([
                "map merge requires map",
                "cycle detected",
                "excessive aliasing",
            ]) {
                let opts = LoadOptions::default();
                match load_from_strings(&opts, &[("/virtual/merge-key-errors.yaml", doc)]) {
                    Ok(_) => return Err(format!("{want}: loaded")),
                    Err(e) => ensure!(e.to_string().contains(want), "got {e}, want {want}"),
                }
            }
            Ok(())
        })(),
    );
    t.check(
        "inline/reset-via-anchor",
        (|| {
            let p = load_corpus(
                &inl,
                &[
                    "reset-via-anchor/base.yaml",
                    "reset-via-anchor/override.yaml",
                ],
                &[],
            )?;
            ensure!(
                get(&p, "svc1")?.ports.is_empty() && get(&p, "svc2")?.ports.is_empty(),
                "ports not reset"
            );
            ensure!(
                get(&p, "svc1")?.image.as_deref() == Some("alpine"),
                "svc1 image kept"
            );
            Ok(())
        })(),
    );
    t.check(
        "inline/extends-inline.yaml",
        (|| {
            let p = load_corpus(&inl, &["extends-inline.yaml"], &[])?;
            let foo = get(&p, "foo")?;
            ensure!(foo.image.as_deref() == Some("busybox"), "foo image");
            ensure!(
                foo.command == Some(Command::Shell("echo".into())),
                "foo command {:?}",
                foo.command
            );
            let qux = get(&p, "qux")?;
            ensure!(
                qux.command
                    == Some(Command::Shell(
                        "/bin/ash -c \"rm -rf /tmp/might-not-exist\"".into()
                    )),
                "qux command {:?}",
                qux.command
            );
            let src = inl.to_string_lossy().to_string();
            for s in [foo, qux] {
                ensure!(
                    s.volumes.len() == 1 && s.volumes[0].source.as_deref() == Some(src.as_str()),
                    "{} volumes {:?}",
                    s.name,
                    s.volumes
                );
            }
            let zed = get(&p, "zed")?;
            ensure!(
                zed.volumes.is_empty() && zed.image.as_deref() == Some("alpine"),
                "zed {zed:?}"
            );
            Ok(())
        })(),
    );
    t.check(
        "inline/extensions.yaml",
        (|| {
            let p = load_corpus(&inl, &["extensions.yaml"], &[])?;
            ensure!(p.extensions.contains_key("x-project"), "project extension");
            ensure!(
                get(&p, "foo")?.extensions.contains_key("x-foo"),
                "service extension"
            );
            ensure!(
                !get(&p, "foo")?.keys.contains_key("x-foo"),
                "x- not in keys"
            );
            ensure!(
                p.configs.get("x-config-name").is_some_and(|c| c.external),
                "config named x-config-name"
            );
            ensure!(
                get(&p, "another")?.depends_on["foo"].condition == "service_started",
                "depends_on"
            );
            Ok(())
        })(),
    );
}

fn loader_cases(t: &mut Tally, dir: &Path) {
    let td = dir.join("loader/testdata");
    let ext = td.join("extends");
    t.check(
        "extends/base.yaml",
        (|| {
            let p = load_corpus(&ext, &["base.yaml"], &[])?;
            ensure!(
                get(&p, "another")?.image.as_deref() == Some("base"),
                "another image"
            );
            ensure!(get(&p, "with-port")?.ports[0].target == 8000, "port");
            let u = &get(&p, "withUlimits")?.ulimits;
            ensure!(
                u["nproc"]
                    == Ulimit {
                        soft: 65535,
                        hard: 65535
                    },
                "nproc"
            );
            ensure!(
                u["nofile"]
                    == Ulimit {
                        soft: 20000,
                        hard: 40000
                    },
                "nofile"
            );
            let b = get(&p, "with-build")?.build.as_ref().ok_or("no build")?;
            ensure!(
                b.context.as_deref() == Some(ext.to_string_lossy().as_ref()),
                "context {:?}",
                b.context
            );
            ensure!(p.services.contains_key("nil"), "null service");
            Ok(())
        })(),
    );
    t.check("extends/ports.yaml (TestExtendsPortOverride)", (|| {
        let over = "services:\n  test:\n    extends: {file: ports.yaml, service: test}\n    ports: ['8080:8080']\n";
        let path = ext.join("override.yaml");
        let p = load_from_strings(&LoadOptions::default(), &[(path.to_str().unwrap(), over)]).map_err(|e| e.to_string())?;
        ensure!(get(&p, "test")?.ports.len() == 1, "ports {:?}", get(&p, "test")?.ports);
        Ok(())
    })());
    t.check(
        "extends/reset.yaml",
        (|| {
            let p = load_corpus(&ext, &["reset.yaml"], &[])?;
            ensure!(
                get(&p, "base")?.command.is_none(),
                "command {:?}",
                get(&p, "base")?.command
            );
            ensure!(
                get(&p, "base")?.image.as_deref() == Some("alpine:latest"),
                "image"
            );
            Ok(())
        })(),
    );
    t.check(
        "extends/interpolated.yaml",
        (|| {
            let p = load_corpus(&ext, &["interpolated.yaml"], &[])?;
            ensure!(
                get(&p, "foo")?.volumes[0].source.as_deref() == Some("/dev/null"),
                "source"
            );
            Ok(())
        })(),
    );
    t.check(
        "extends/depends_on.yaml (TestExtendsWithServiceRef)",
        (|| {
            let path = ext.join("main.yaml");
            for svc in [
                "with_depends_on",
                "with_volumes_from",
                "with_ipc",
                "with_network_mode",
            ] {
                let src = format!(
                    "services:\n  {svc}:\n    extends: {{file: depends_on.yaml, service: {svc}}}\n"
                );
                match load_from_strings(&LoadOptions::default(), &[(path.to_str().unwrap(), &src)])
                {
                    Ok(_) => return Err(format!("{svc}: loaded")),
                    Err(e) => ensure!(
                        e.to_string().contains("undefined service \"zot\""),
                        "{svc}: {e}"
                    ),
                }
                let src = format!("{src}  zot:\n    image: zot\n");
                load_from_strings(&LoadOptions::default(), &[(path.to_str().unwrap(), &src)])
                    .map_err(|e| format!("{svc}: {e}"))?;
            }
            Ok(())
        })(),
    );
    t.check(
        "extends/withdir",
        (|| {
            let p = load_corpus(&ext, &["withdir/compose.yaml"], &[])?;
            ensure!(
                get(&p, "test")?.image.as_deref() == Some("hello-world"),
                "image"
            );
            Ok(())
        })(),
    );
    t.check(
        "extends/nested.yaml",
        (|| {
            let p = load_corpus(&ext, &["nested.yaml"], &[])?;
            ensure!(get(&p, "with-build")?.build.is_some(), "build");
            Ok(())
        })(),
    );
    t.check(
        "compose-test-extends.yaml",
        (|| {
            let p = load_corpus(&td, &["compose-test-extends.yaml"], &[])?;
            let s = get(&p, "importer")?;
            ensure!(s.image.as_deref() == Some("nginx"), "image");
            ensure!(
                s.container_name.as_deref() == Some("imported"),
                "container_name {:?}",
                s.container_name
            );
            let env_file = td.join("subdir/extra.env");
            ensure!(
                s.env_file.len() == 1 && s.env_file[0].path == env_file && s.env_file[0].required,
                "env_file {:?}",
                s.env_file
            );
            ensure!(
                s.environment.get("SOURCE") == Some(&Some("extends".into())),
                "environment {:?}",
                s.environment
            );
            let v = &s.volumes[0];
            ensure!(
                v.kind == MountType::Bind
                    && v.source.as_deref() == Some("/opt/data")
                    && v.target == "/var/lib/mysql"
                    && v.bind.as_ref().is_some_and(|b| b.create_host_path),
                "volume {v:?}"
            );
            Ok(())
        })(),
    );
    t.check(
        "compose-test-extends-with-context-url.yaml",
        (|| {
            let p = load_corpus(&td, &["compose-test-extends-with-context-url.yaml"], &[])?;
            let b = get(&p, "importer-with-https-url")?
                .build
                .as_ref()
                .ok_or("no build")?;
            ensure!(
                b.context.as_deref() == Some("https://github.com/docker/compose.git"),
                "context {:?}",
                b.context
            );
            ensure!(b.dockerfile.as_deref() == Some("Dockerfile"), "dockerfile");
            Ok(())
        })(),
    );
    t.check(
        "compose-test-with-version.yaml",
        (|| {
            let p = load_corpus(&td, &["compose-test-with-version.yaml"], &[])?;
            ensure!(p.name == "compose-test-with-version", "name");
            ensure!(
                p.warnings.iter().any(|w| w.message.contains("obsolete")),
                "version warning"
            );
            let web = get(&p, "web")?;
            ensure!(web.volumes_from == ["other"], "volumes_from");
            ensure!(
                web.networks.contains_key("front") && web.networks.contains_key("default"),
                "networks"
            );
            let other = get(&p, "other")?;
            ensure!(
                other.command == Some(Command::Shell("top".into())),
                "command"
            );
            ensure!(
                other.volumes[0].source.is_none() && other.volumes[0].target == "/data",
                "anonymous volume"
            );
            ensure!(
                p.volumes["data"].driver.as_deref() == Some("local"),
                "volume driver"
            );
            Ok(())
        })(),
    );
    t.check(
        "empty.yaml",
        match load_corpus(&td, &["empty.yaml"], &[]) {
            Err(e) if e.contains("empty compose file") => Ok(()),
            other => Err(format!("{other:?}")),
        },
    );
    for f in [
        "compose-depends-on-cycle.yaml",
        "compose-depends-on-self.yaml",
    ] {
        t.check(
            f,
            match load_corpus(&td, &[f], &[]) {
                Err(e) if e.contains("cycle") => Ok(()),
                other => Err(format!("want a cycle error, got {other:?}")),
            },
        );
    }
    t.skip(
        "compose-depends-on-profile-no-cycle.yaml",
        "the corpus copy has no profiles (identical to the cycle file); profile-disabled services are covered by unit tests",
    );
    t.check(
        "compose-include.yaml",
        (|| {
            let p = load_corpus(&td, &["compose-include.yaml"], &[])?;
            ensure!(
                get(&p, "bar")?.environment.get("FOO") == Some(&Some("BAR".into())),
                "bar"
            );
            let imp = get(&p, "imported")?;
            ensure!(
                imp.container_name.as_deref() == Some("imported"),
                "container_name"
            );
            ensure!(
                imp.env_file[0].path == td.join("subdir/extra.env"),
                "env_file {:?}",
                imp.env_file
            );
            ensure!(
                imp.environment.get("SOURCE") == Some(&Some("extends".into())),
                "env from env_file"
            );
            Ok(())
        })(),
    );
    t.check(
        "compose-include-cycle.yaml",
        match load_corpus(&td, &["compose-include-cycle.yaml"], &[]) {
            Err(e) if e.contains("include cycle") => Ok(()),
            other => Err(format!("want a cycle error, got {other:?}")),
        },
    );
    t.check(
        "include/compose.yaml",
        (|| {
            let p = load_corpus(&td, &["include/compose.yaml"], &[])?;
            let s = get(&p, "included")?;
            let dir = td.join("include");
            ensure!(
                s.build.as_ref().and_then(|b| b.context.as_deref()) == dir.to_str(),
                "context {:?}",
                s.build
            );
            ensure!(
                s.volumes[0].source.as_deref() == dir.to_str(),
                "volume {:?}",
                s.volumes[0]
            );
            Ok(())
        })(),
    );
    t.check(
        "include/project-directory.yaml",
        (|| {
            let p = load_corpus(&td, &["include/project-directory.yaml"], &[])?;
            let s = get(&p, "service")?;
            let sub = td.join("subdir");
            ensure!(
                s.build.as_ref().and_then(|b| b.context.as_deref()) == sub.to_str(),
                "context {:?}",
                s.build
            );
            ensure!(
                s.build
                    .as_ref()
                    .is_some_and(|b| b.dockerfile_inline.is_some()),
                "dockerfile_inline"
            );
            let src = sub.join("compose-test-extends-imported.yaml");
            ensure!(
                s.volumes[0].source.as_deref() == src.to_str(),
                "volume {:?}",
                s.volumes[0]
            );
            ensure!(
                s.env_file[0].path == sub.join("extra.env"),
                "env_file {:?}",
                s.env_file
            );
            Ok(())
        })(),
    );
    t.check(
        "combined/compose.yaml",
        (|| {
            let p = load_corpus(&td, &["combined/compose.yaml"], &[])?;
            let s = get(&p, "service")?;
            let dir = td.join("combined/dir");
            ensure!(
                s.build.as_ref().and_then(|b| b.context.as_deref()) == dir.to_str(),
                "context {:?}",
                s.build
            );
            Ok(())
        })(),
    );
    t.skip("remote/**", "remote (git/oci) resources are not loaded");

    // cli/testdata: project name, .env, --env-file, env_file order.
    let cli = dir.join("cli/testdata");
    t.check(
        "cli/simple",
        (|| {
            let p = load_corpus(&cli.join("simple"), &["compose.yaml"], &[])?;
            ensure!(p.name == "simple", "name {}", p.name);
            let p = load_corpus(&cli.join("simple"), &["compose-with-variables.yaml"], &[])?;
            ensure!(
                get(&p, "simple")?.ports[0].published.as_deref() == Some("8000"),
                "PUBLIC_PORT from .env"
            );
            let p = load_corpus(
                &cli.join("simple"),
                &["compose-with-variables.yaml"],
                &[("PUBLIC_PORT", "9999")],
            )?;
            ensure!(
                get(&p, "simple")?.ports[0].published.as_deref() == Some("9999"),
                "process env wins"
            );
            let p = load_corpus(
                &cli.join("simple"),
                &["compose.yaml", "compose-with-overrides.yaml"],
                &[],
            )?;
            ensure!(
                get(&p, "simple")?.image.as_deref() == Some("haproxy"),
                "override"
            );
            let p = load_corpus(&cli.join("simple"), &["compose-name.yaml"], &[])?;
            ensure!(p.name == "test--test", "name {}", p.name);
            let p = load_corpus(
                &cli.join("simple"),
                &["compose-name.yaml"],
                &[("TEST", "Env")],
            )?;
            ensure!(p.name == "test-env-test", "name {}", p.name);
            let p = load_corpus(&cli.join("UNNORMALIZED PATH"), &["compose.yaml"], &[])?;
            ensure!(p.name == "unnormalizedpath", "name {}", p.name);
            Ok(())
        })(),
    );
    t.check(
        "cli/env-file",
        (|| {
            let d = cli.join("env-file");
            let p = load_corpus(&d, &["compose-with-env-files.yaml"], &[])?;
            ensure!(p.name == "my_project_from_dot_env", "name {}", p.name);
            let s = get(&p, "simple")?;
            ensure!(
                s.ports[0].published.as_deref() == Some("8000"),
                "PORT from .env"
            );
            ensure!(
                s.environment.get("DEFAULT_PORT") == Some(&Some("9090".into())),
                "later env_file wins"
            );
            let opts = LoadOptions {
                files: vec![d.join("compose-with-env-files.yaml")],
                env_files: vec![d.join("override.env")],
                ..Default::default()
            };
            let p = load(&opts).map_err(|e| e.to_string())?;
            ensure!(
                get(&p, "simple")?.ports[0].published.as_deref() == Some("9000"),
                "--env-file"
            );
            let opts = LoadOptions {
                working_dir: Some(d.clone()),
                ..Default::default()
            };
            let p = load(&opts).map_err(|e| e.to_string())?;
            ensure!(
                p.files == [d.join("compose-with-env-file.yaml")],
                "COMPOSE_FILE from .env: {:?}",
                p.files
            );
            Ok(())
        })(),
    );
}

#[test]
fn corpus_loader() {
    let Some(dir) = corpus() else { return };
    let dir = merge::normalize_path(&dir);
    let mut t = Tally::default();
    inline_cases(&mut t, &dir);
    loader_cases(&mut t, &dir);
    t.finish("compose loader/inline corpus");
}

// ------------------------------------------------------------------ unit tests

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn several_files_merge_with_reset_and_override() {
    let d = tempfile::tempdir().unwrap();
    let a = write(
        d.path(),
        "compose.yaml",
        "services:\n  web:\n    image: a\n    command: [x, y]\n    environment: [A=1, B=2]\n    ports: ['80:80', '443:443']\n    volumes: ['./a:/data', 'cache:/cache']\n    labels: {l1: one}\n    dns: 1.1.1.1\n    healthcheck: {test: [CMD, a], interval: 10s}\nvolumes:\n  cache:\n",
    );
    let b = write(
        d.path(),
        "override.yaml",
        "services:\n  web:\n    image: b\n    command: z\n    environment: {B: 3, C: '4'}\n    ports: !override ['8080:80']\n    volumes: [{type: bind, source: ./b, target: /data}]\n    labels: !reset {}\n    dns: [8.8.8.8]\n    healthcheck: {test: [CMD, b]}\n",
    );
    let p = load(&opts_files(&[a, b])).unwrap();
    let w = svc(&p, "web");
    assert_eq!(w.image.as_deref(), Some("b"));
    assert_eq!(w.command, Some(Command::Shell("z".into())));
    assert_eq!(w.environment["A"].as_deref(), Some("1"));
    assert_eq!(w.environment["B"].as_deref(), Some("3"));
    assert_eq!(w.environment["C"].as_deref(), Some("4"));
    assert_eq!(w.ports.len(), 1);
    assert_eq!(w.ports[0].published.as_deref(), Some("8080"));
    assert_eq!(w.volumes.len(), 2);
    assert_eq!(w.volumes[0].target, "/data");
    assert!(w.volumes[0].source.as_deref().unwrap().ends_with("/b"));
    assert!(w.labels.is_empty());
    assert_eq!(w.dns, ["1.1.1.1", "8.8.8.8"]);
    let h = w.healthcheck.as_ref().unwrap();
    assert_eq!(h.test, Some(HealthTest::Exec(vec!["b".into()])));
    assert_eq!(h.interval, Some(Duration::from_secs(10)));
}

#[test]
fn reset_removes_key_and_position_of_override() {
    let d = tempfile::tempdir().unwrap();
    let a = write(
        d.path(),
        "a.yaml",
        "services:\n  web:\n    image: a\n    user: root\n    ports: ['1:1']\n",
    );
    let b = write(
        d.path(),
        "b.yaml",
        "services:\n  web:\n    user: !reset null\n    ports: !reset []\n",
    );
    let p = load(&opts_files(&[a, b])).unwrap();
    let w = svc(&p, "web");
    assert!(w.user.is_none() && w.ports.is_empty());
    assert!(!w.keys.contains_key("user") && !w.keys.contains_key("ports"));
    assert_eq!(w.keys["image"].line, 3);
}

#[test]
fn extends_same_file_other_file_and_cycles() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "sub/base.yaml",
        "services:\n  common:\n    image: base\n    build: ./ctx\n    env_file: vars.env\n    volumes: ['./data:/data']\n    environment: [A=1]\n  mid:\n    extends: common\n    environment: [B=2]\n",
    );
    write(d.path(), "sub/vars.env", "FROM_FILE=yes\n");
    let main = write(
        d.path(),
        "compose.yaml",
        "services:\n  app:\n    extends: {file: sub/base.yaml, service: mid}\n    environment: {C: '3'}\n  other:\n    extends: app\n    image: mine\n",
    );
    let p = load(&opts_files(&[main])).unwrap();
    let app = svc(&p, "app");
    let sub = std::path::absolute(d.path().join("sub")).unwrap();
    assert_eq!(app.image.as_deref(), Some("base"));
    assert_eq!(
        app.build.as_ref().unwrap().context.as_deref(),
        Some(sub.join("ctx").to_str().unwrap())
    );
    assert_eq!(
        app.volumes[0].source.as_deref(),
        Some(sub.join("data").to_str().unwrap())
    );
    assert_eq!(app.env_file[0].path, sub.join("vars.env"));
    for (k, v) in [("A", "1"), ("B", "2"), ("C", "3"), ("FROM_FILE", "yes")] {
        assert_eq!(app.environment[k].as_deref(), Some(v), "{k}");
    }
    let other = svc(&p, "other");
    assert_eq!(other.image.as_deref(), Some("mine"));
    assert_eq!(other.environment["C"].as_deref(), Some("3"));

    let e = err("services:\n  a:\n    extends: b\n  b:\n    extends: a\n");
    assert!(e.contains("circular reference with extends"), "{e}");
    let e = err("services:\n  a:\n    extends: a\n");
    assert!(e.contains("circular"), "{e}");
    let e = err("services:\n  a:\n    extends: nope\n");
    assert_eq!(
        e,
        "/virtual/proj/compose.yaml:3:14: services.a.extends: cannot extend service \"nope\": not found"
    );

    let cyc = tempfile::tempdir().unwrap();
    write(
        cyc.path(),
        "x.yaml",
        "services:\n  x:\n    extends: {file: y.yaml, service: y}\n",
    );
    write(
        cyc.path(),
        "y.yaml",
        "services:\n  y:\n    extends: {file: x.yaml, service: x}\n",
    );
    let e = load(&opts_files(&[cyc.path().join("x.yaml")]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("circular reference with extends"), "{e}");
}

#[test]
fn profiles() {
    let src = "services:\n  always:\n    image: a\n  dbg:\n    image: b\n    profiles: [debug]\n  tools:\n    image: c\n    profiles: [tools, debug]\n";
    let p = ok(src);
    assert_eq!(p.services.keys().collect::<Vec<_>>(), ["always"]);
    assert_eq!(p.disabled_services.len(), 2);
    let load_p = |profiles: &[&str]| {
        let opts = LoadOptions {
            profiles: profiles.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        load_from_strings(&opts, &[("/virtual/p/compose.yaml", src)]).unwrap()
    };
    assert_eq!(load_p(&["tools"]).services.len(), 2);
    assert_eq!(load_p(&["debug"]).services.len(), 3);
    assert_eq!(load_p(&["*"]).services.len(), 3);
    let p = load_str_env(src, &[("COMPOSE_PROFILES", "tools")]).unwrap();
    assert!(p.services.contains_key("tools"));
    // env_file of an inactive service is not read.
    let p = ok(
        "services:\n  a:\n    image: a\n  off:\n    image: b\n    profiles: [x]\n    env_file: missing.env\n",
    );
    assert!(p.disabled_services.contains_key("off"));
    // A disabled service may take part in what would be a cycle; references to it are fine.
    let p = ok(
        "services:\n  a:\n    image: a\n    depends_on: [b]\n  b:\n    image: b\n    profiles: [x]\n    depends_on: [a]\n",
    );
    assert_eq!(p.services.len(), 1);
}

#[test]
fn project_name_precedence_and_normalisation() {
    assert_eq!(ok("services: {}\n").name, "proj");
    assert_eq!(ok("name: My_App.1\nservices: {}\n").name, "my_app1");
    let opts = LoadOptions {
        project_name: Some("Given".into()),
        ..Default::default()
    };
    assert_eq!(
        load_from_strings(&opts, &[("/x/y/compose.yaml", "name: other\n")])
            .unwrap()
            .name,
        "given"
    );
    assert_eq!(
        load_str_env("name: n\n", &[("COMPOSE_PROJECT_NAME", "fromenv")])
            .unwrap()
            .name,
        "fromenv"
    );
    assert_eq!(normalize_project_name("-_Hello World!"), "helloworld");
    assert!(load_str("name: '!!!'\n").is_err());
}

#[test]
fn yaml_11_scalars() {
    let p = ok(
        "services:\n  s:\n    image: x\n    environment:\n      A: yes\n      B: off\n      C: 0440\n      D: 1.10\n      E:\n      F: 'null'\n    labels: {on: no}\n    privileged: yes\n    tty: On\n    read_only: n\n    init: 'true'\n    secrets:\n      - source: s\n        mode: 0440\n      - source: s\n        target: t\n        mode: '0640'\n      - source: s\n        target: /abs\n        mode: 440\nsecrets:\n  s: {file: ./s.txt}\n",
    );
    let s = svc(&p, "s");
    assert_eq!(s.environment["A"].as_deref(), Some("yes"));
    assert_eq!(s.environment["B"].as_deref(), Some("off"));
    assert_eq!(s.environment["C"].as_deref(), Some("0440"));
    assert_eq!(s.environment["D"].as_deref(), Some("1.10"));
    assert_eq!(s.environment["E"], None);
    assert_eq!(s.environment["F"].as_deref(), Some("null"));
    assert_eq!(s.labels["on"], "no");
    assert!(s.privileged && s.tty && !s.read_only);
    assert_eq!(s.init, Some(true));
    let modes: Vec<Option<u32>> = s.secrets.iter().map(|x| x.mode).collect();
    assert_eq!(modes, [Some(0o440), Some(0o640), Some(0o440)]);
    // A plain decimal-looking mode is read as octal, and says so (`288`, compose-go's decimal
    // spelling of 0440, is an error: see convert's modes_and_bools).
    let said: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        said,
        [
            "/virtual/proj/compose.yaml:24:15: services.s.secrets[2].mode: file mode 440 is read as octal 0440 (compose file modes are octal; write 0440 to say so)"
        ]
    );
    let targets: Vec<&str> = s.secrets.iter().map(|x| x.target.as_str()).collect();
    assert_eq!(targets, ["/run/secrets/s", "/run/secrets/t", "/abs"]);
    assert_eq!(
        p.secrets["s"].file.as_deref(),
        Some(Path::new("/virtual/proj/s.txt"))
    );
}

#[test]
fn environment_forms() {
    let p = load_str_env(
        "services:\n  a:\n    image: x\n    environment: [K=V, EMPTY=, FROM_ENV, MISSING, 'EQ=a=b']\n  b:\n    image: x\n    environment: {K: 1, N: null, FROM_ENV: ~}\n",
        &[("FROM_ENV", "env-value")],
    )
    .unwrap();
    let a = &svc(&p, "a").environment;
    assert_eq!(a["K"].as_deref(), Some("V"));
    assert_eq!(a["EMPTY"].as_deref(), Some(""));
    assert_eq!(a["FROM_ENV"].as_deref(), Some("env-value"));
    assert_eq!(a["MISSING"], None);
    assert_eq!(a["EQ"].as_deref(), Some("a=b"));
    let b = &svc(&p, "b").environment;
    assert_eq!(b["K"].as_deref(), Some("1"));
    assert_eq!(b["N"], None);
    assert_eq!(b["FROM_ENV"].as_deref(), Some("env-value"));
}

#[test]
fn env_file_forms() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "one.env",
        "A=1\nB=\"multi\nline\"\nREF=${HOST_VAR:-dflt}\n",
    );
    write(d.path(), "two.env", "A=2\n");
    let main = write(
        d.path(),
        "compose.yaml",
        "services:\n  s:\n    image: x\n    env_file:\n      - one.env\n      - path: two.env\n        required: true\n      - path: missing.env\n        required: false\n    environment: [B=override]\n  t:\n    image: x\n    env_file: one.env\n  u:\n    image: x\n    env_file: nope.env\n",
    );
    let e = load(&opts_files(std::slice::from_ref(&main)))
        .unwrap_err()
        .to_string();
    assert!(e.contains("nope.env not found"), "{e}");
    fs::write(
        &main,
        fs::read_to_string(&main)
            .unwrap()
            .replace("  u:\n    image: x\n    env_file: nope.env\n", ""),
    )
    .unwrap();
    let p = load(&opts_files(&[main])).unwrap();
    let s = svc(&p, "s");
    assert_eq!(s.env_file.len(), 3);
    assert!(!s.env_file[2].required);
    assert_eq!(s.environment["A"].as_deref(), Some("2"));
    assert_eq!(s.environment["B"].as_deref(), Some("override"));
    assert_eq!(s.environment["REF"].as_deref(), Some("dflt"));
    assert_eq!(
        svc(&p, "t").environment["B"].as_deref(),
        Some("multi\nline")
    );
}

#[test]
fn env_file_values_refer_to_the_service_environment() {
    // compose-go: an env_file value looks first at the service's `environment` (and at
    // earlier files' values), then at the project environment; `environment` wins in the end.
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "app.env",
        "DATA=${BASE}/data\nURL=http://${HOST}:${PORT:-80}\nFROM_PROJECT=${ONLY_PROJECT}\nBASE=file\n",
    );
    write(d.path(), "more.env", "LOG=${DATA}/log\nFIRST=${BASE}\n");
    let main = write(
        d.path(),
        "compose.yaml",
        "services:\n  s:\n    image: x\n    env_file: [app.env, more.env]\n    environment:\n      BASE: /srv\n      HOST: db\n      INHERITED:\n",
    );
    let mut opts = opts_files(&[main]);
    opts.env = env(&[
        ("BASE", "/project"),
        ("ONLY_PROJECT", "p"),
        ("INHERITED", "i"),
    ]);
    let p = load(&opts).unwrap();
    let e = &svc(&p, "s").environment;
    let get = |k: &str| e[k].as_deref();
    assert_eq!(
        get("DATA"),
        Some("/srv/data"),
        "the service's value, not the project's"
    );
    assert_eq!(get("URL"), Some("http://db:80"));
    assert_eq!(get("FROM_PROJECT"), Some("p"));
    assert_eq!(
        get("BASE"),
        Some("/srv"),
        "`environment` wins over env_file"
    );
    assert_eq!(get("LOG"), Some("/srv/data/log"), "an earlier file's value");
    assert_eq!(
        get("FIRST"),
        Some("file"),
        "an earlier file overrides the service value it saw"
    );
    assert_eq!(get("INHERITED"), Some("i"));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn an_unset_variable_warns_once_at_its_first_use() {
    let src = "services:\n  web:\n    image: \"app:${TAG}\"\n    environment:\n      A: ${TAG}\n      B: ${UNSET_B:-dflt}\n      C: ${UNSET_C-}\n      D: ${UNSET_D:+x}\n      E: $$LITERAL\n  db:\n    image: \"db:${TAG}\"\n    environment: [\"X=${OTHER}\"]\n";
    let p = load_str(src).unwrap();
    let w: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        w,
        [
            "/virtual/proj/compose.yaml:3:12: variable \"TAG\" is not set; substituting an empty string (in services.web.image and 2 other places)",
            "/virtual/proj/compose.yaml:12:19: variable \"OTHER\" is not set; substituting an empty string (in services.db.environment[0])",
        ]
    );
    // Set (even to empty) does not warn; neither do defaults.
    let p = load_str_env(src, &[("TAG", ""), ("OTHER", "o")]).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn an_error_caused_by_an_unset_variable_names_it() {
    let e = err("services:\n  web:\n    image: x\n    ports: [\"${PORT}\"]\n");
    assert_eq!(
        e,
        "/virtual/proj/compose.yaml:4:13: services.web.ports[0]: invalid port \"\" (variable PORT is not set)"
    );
    let e = err(
        "services:\n  web:\n    image: x\n    ports:\n      - target: ${PORT}\n        published: ${HOST_PORT}\n",
    );
    assert!(e.contains("(variable PORT is not set)"), "{e}");
    // A set variable that yields a bad value is not blamed on anything unset.
    let e = load_str_env(
        "services:\n  web:\n    image: x\n    ports: [\"${PORT}\"]\n",
        &[("PORT", "x")],
    )
    .unwrap_err()
    .to_string();
    assert!(!e.contains("not set"), "{e}");
}

#[test]
fn dotenv_project_file_and_interpolation() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        ".env",
        "# comment\nexport TAG=1.2\nPORT=8080\nIMAGE=app:${TAG}\n",
    );
    let main = write(
        d.path(),
        "compose.yaml",
        "services:\n  s:\n    image: ${IMAGE}\n    ports: ['${PORT}:80']\n    command: echo $$HOME ${UNSET:-none}\n    x-ext: ${TAG}\nx-top: $PORT\n",
    );
    let opts = LoadOptions {
        files: vec![main.clone()],
        env: env(&[("PORT", "9000")]),
        ..Default::default()
    };
    let p = load(&opts).unwrap();
    let s = svc(&p, "s");
    assert_eq!(s.image.as_deref(), Some("app:1.2"));
    assert_eq!(s.ports[0].published.as_deref(), Some("9000"));
    assert_eq!(s.command, Some(Command::Shell("echo $HOME none".into())));
    assert_eq!(p.environment["TAG"], "1.2");

    let e = load_str("services:\n  s:\n    image: ${REQ:?set REQ please}\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "/virtual/proj/compose.yaml:3:12: services.s.image: required variable REQ is missing a value: set REQ please"
    );
    let e = load_str("services:\n  s:\n    image: x\n    ports:\n      - \"${PORT\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("/virtual/proj/compose.yaml:5:9: services.s.ports[0]: invalid template"),
        "{e}"
    );
}

#[test]
fn merge_keys_in_services() {
    let p = ok(
        "x-base: &base\n  image: base\n  environment: {A: '1'}\nx-more: &more\n  restart: always\nservices:\n  a:\n    <<: [*base, *more]\n    image: own\n  b: *base\n",
    );
    assert_eq!(svc(&p, "a").image.as_deref(), Some("own"));
    assert_eq!(svc(&p, "a").restart, Some(Restart::Always));
    assert_eq!(svc(&p, "b").environment["A"].as_deref(), Some("1"));
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    assert!(err(bomb).contains("excessive aliasing"));
}

#[test]
fn ports_short_and_long() {
    let p = ok(
        "services:\n  s:\n    image: x\n    ports:\n      - 80\n      - '8080:80'\n      - '127.0.0.1:8081:81/udp'\n      - '3000-3002'\n      - '9090-9091:8080-8081'\n      - '[::1]:53:53/udp'\n      - target: 443\n        published: '8443'\n        host_ip: 0.0.0.0\n        protocol: tcp\n        mode: host\n        name: https\n        app_protocol: https\n    expose: ['3000', '4000-4001/udp', 5000]\n",
    );
    let s = svc(&p, "s");
    let got: Vec<String> = s
        .ports
        .iter()
        .map(|p| {
            format!(
                "{}:{}:{}/{}",
                p.host_ip.clone().unwrap_or_default(),
                p.published.clone().unwrap_or_default(),
                p.target,
                p.protocol
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "::80/tcp",
            ":8080:80/tcp",
            "127.0.0.1:8081:81/udp",
            "::3000/tcp",
            "::3001/tcp",
            "::3002/tcp",
            ":9090:8080/tcp",
            ":9091:8081/tcp",
            "::1:53:53/udp",
            "0.0.0.0:8443:443/tcp"
        ]
    );
    assert_eq!(s.ports[9].mode, "host");
    assert_eq!(s.ports[9].name.as_deref(), Some("https"));
    let ex: Vec<(u16, &str)> = s
        .expose
        .iter()
        .map(|e| (e.port, e.protocol.as_str()))
        .collect();
    assert_eq!(
        ex,
        [(3000, "tcp"), (4000, "udp"), (4001, "udp"), (5000, "tcp")]
    );
    let e = err("services:\n  web:\n    image: x\n    ports:\n      - \"80:80:80:80\"\n");
    assert_eq!(
        e,
        "/virtual/proj/compose.yaml:5:9: services.web.ports[0]: invalid port \"80:80:80:80\""
    );
}

#[test]
fn volumes_short_and_long() {
    let p = load_str_env(
        "services:\n  s:\n    image: x\n    volumes:\n      - ./data:/data:ro\n      - db:/var/lib/x\n      - /anon\n      - ~/cfg:/cfg:rw,z\n      - db:/nc:nocopy\n      - type: bind\n        source: ./src\n        target: /src\n        read_only: true\n        bind: {create_host_path: false, propagation: rshared}\n      - type: volume\n        source: db\n        target: /sub\n        volume: {nocopy: true, subpath: a/b}\n      - type: tmpfs\n        target: /tmp\n        tmpfs: {size: 64m, mode: 1777}\n      - type: tmpfs\n        target: /t2\n        tmpfs: {size: 1048576}\n      - type: npipe\n        source: \\\\.\\pipe\\docker_engine\n        target: \\\\.\\pipe\\docker_engine\n    tmpfs: /run\nvolumes:\n  db: {}\n",
        &[("HOME", "/home/me")],
    )
    .unwrap();
    let v = &svc(&p, "s").volumes;
    assert_eq!(
        (v[0].kind, v[0].source.as_deref(), v[0].read_only),
        (MountType::Bind, Some("/virtual/proj/data"), true)
    );
    assert!(v[0].bind.as_ref().unwrap().create_host_path);
    assert_eq!(
        (v[1].kind, v[1].source.as_deref(), v[1].target.as_str()),
        (MountType::Volume, Some("db"), "/var/lib/x")
    );
    assert_eq!(
        (v[2].kind, v[2].source.as_deref()),
        (MountType::Volume, None)
    );
    assert_eq!(v[3].source.as_deref(), Some("/home/me/cfg"));
    assert_eq!(v[3].bind.as_ref().unwrap().selinux.as_deref(), Some("z"));
    assert!(v[4].volume.as_ref().unwrap().nocopy);
    assert_eq!(v[5].source.as_deref(), Some("/virtual/proj/src"));
    assert!(v[5].read_only && !v[5].bind.as_ref().unwrap().create_host_path);
    assert_eq!(
        v[5].bind.as_ref().unwrap().propagation.as_deref(),
        Some("rshared")
    );
    assert_eq!(
        v[6].volume.as_ref().unwrap().subpath.as_deref(),
        Some("a/b")
    );
    assert_eq!(
        v[7].tmpfs,
        Some(TmpfsOptions {
            size: Some(64 << 20),
            mode: Some(0o1777)
        })
    );
    assert_eq!(v[8].tmpfs.as_ref().unwrap().size, Some(1 << 20));
    assert_eq!(v[9].kind, MountType::Npipe);
    assert_eq!(svc(&p, "s").tmpfs, ["/run"]);
    let e = err("services:\n  s:\n    image: x\n    volumes: [undeclared:/x]\n");
    assert!(
        e.contains("refers to undefined volume \"undeclared\""),
        "{e}"
    );
    let e = err("services:\n  s:\n    image: x\n    volumes: ['./a:relative']\n");
    assert!(e.contains("is not absolute"), "{e}");
}

/// compose-go's `ParseVolume` reads a colon after any one-letter section as a Windows drive
/// letter: `w:/w` is an anonymous volume at `w:/w`, and `w:/w:ro` is source `w:/w`, target `ro`.
#[test]
fn one_letter_volume_names_are_drive_letters_as_in_compose_go() {
    let p = ok("services:\n  s:\n    image: x\n    volumes: ['w:/w']\n");
    let v = &svc(&p, "s").volumes;
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].kind, v[0].source.as_deref(), v[0].target.as_str()),
        (MountType::Volume, None, "w:/w")
    );

    let e = err("services:\n  s:\n    image: x\n    volumes: ['v:/v:ro']\n");
    assert_eq!(
        e,
        "/virtual/proj/compose.yaml:4:15: services.s.volumes[0]: invalid volume \"v:/v:ro\": container path \"ro\" is not absolute (\"v:\" is read as a Windows drive letter, as Docker Compose does; use a volume name of two or more characters or the long syntax)"
    );

    // Two-letter names are volume names.
    let p = ok(
        "services:\n  s:\n    image: x\n    volumes: ['vv:/v:ro', 'ww:/w']\nvolumes:\n  vv: {}\n  ww: {}\n",
    );
    let v = &svc(&p, "s").volumes;
    assert_eq!(
        (
            v[0].kind,
            v[0].source.as_deref(),
            v[0].target.as_str(),
            v[0].read_only
        ),
        (MountType::Volume, Some("vv"), "/v", true)
    );
    assert_eq!(v[1].source.as_deref(), Some("ww"));
}

/// An error about an item of a list made unique names the item by its index as written.
#[test]
fn volume_error_names_the_item_as_written() {
    // Both have target `ro`, so the second replaces the first (compose-go's EnforceUnicity);
    // the error names the second item by its index as written.
    let e = err("services:\n  s:\n    image: x\n    volumes:\n      - v:/v:ro\n      - w:/w:ro\n");
    assert!(
        e.starts_with(
            "/virtual/proj/compose.yaml:6:9: services.s.volumes[1]: invalid volume \"w:/w:ro\""
        ),
        "{e}"
    );
}

#[test]
fn commands_healthchecks_depends_on() {
    let p = ok(
        "services:\n  a:\n    image: x\n    command: echo \"hi there\"\n    entrypoint: [/bin/sh, -c]\n    healthcheck:\n      test: curl -f localhost\n      interval: 1m30s\n      timeout: 10s\n      retries: 5\n      start_period: 1h\n      start_interval: 500ms\n    depends_on: [b]\n  b:\n    image: x\n    command: []\n    healthcheck: {test: [CMD-SHELL, exit 0]}\n    depends_on:\n      c: {condition: service_healthy, restart: true, required: false}\n  c:\n    image: x\n    healthcheck: {test: [NONE]}\n  d:\n    image: x\n    healthcheck: {disable: true}\n",
    );
    let a = svc(&p, "a");
    assert_eq!(a.command, Some(Command::Shell("echo \"hi there\"".into())));
    assert_eq!(
        a.entrypoint,
        Some(Command::Exec(vec!["/bin/sh".into(), "-c".into()]))
    );
    let h = a.healthcheck.as_ref().unwrap();
    assert_eq!(h.test, Some(HealthTest::Shell("curl -f localhost".into())));
    assert_eq!(h.interval, Some(Duration::from_secs(90)));
    assert_eq!(h.timeout, Some(Duration::from_secs(10)));
    assert_eq!(h.retries, Some(5));
    assert_eq!(h.start_period, Some(Duration::from_secs(3600)));
    assert_eq!(h.start_interval, Some(Duration::from_millis(500)));
    assert_eq!(a.depends_on["b"].condition, "service_started");
    let b = svc(&p, "b");
    assert_eq!(b.command, Some(Command::Exec(vec![])));
    assert_eq!(
        b.healthcheck.as_ref().unwrap().test,
        Some(HealthTest::Shell("exit 0".into()))
    );
    assert_eq!(
        b.depends_on["c"],
        Dependency {
            condition: "service_healthy".into(),
            restart: true,
            required: false,
            pos: b.depends_on["c"].pos.clone()
        }
    );
    assert!(svc(&p, "c").healthcheck.as_ref().unwrap().disable);
    assert!(svc(&p, "d").healthcheck.as_ref().unwrap().disable);
    let e = err("services:\n  a:\n    image: x\n    depends_on: [ghost]\n");
    assert!(e.contains("depends on undefined service \"ghost\""), "{e}");
    let e = err("services:\n  a:\n    image: x\n    healthcheck: {interval: 10}\n");
    assert!(e.contains("missing unit"), "{e}");
}

#[test]
fn deploy_restart_resources() {
    let p = ok(
        "services:\n  a:\n    image: x\n    restart: on-failure:3\n    mem_limit: 512m\n    memswap_limit: -1\n    cpus: 0.5\n    shm_size: 1gb\n    deploy:\n      mode: global\n      replicas: 2\n      resources:\n        limits: {cpus: '1.5', memory: 1g, pids: 100}\n        reservations: {cpus: 0.25, memory: 128M}\n      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 2m}\n      placement: {constraints: [node.role==manager]}\n      update_config: {parallelism: 2}\n  b:\n    image: x\n    restart: 'no'\n  c:\n    image: x\n    restart: no\n  d:\n    image: x\n    restart: unless-stopped\n",
    );
    let a = svc(&p, "a");
    assert_eq!(a.restart, Some(Restart::OnFailure(Some(3))));
    assert_eq!(
        (a.mem_limit, a.memswap_limit, a.cpus, a.shm_size),
        (Some(512 << 20), Some(-1), Some(0.5), Some(1 << 30))
    );
    let d = a.deploy.as_ref().unwrap();
    assert_eq!((d.mode.as_deref(), d.replicas), (Some("global"), Some(2)));
    let l = d.resources.limits.as_ref().unwrap();
    assert_eq!(
        (l.cpus, l.memory, l.pids),
        (Some(1.5), Some(1 << 30), Some(100))
    );
    let r = d.resources.reservations.as_ref().unwrap();
    assert_eq!((r.cpus, r.memory), (Some(0.25), Some(128 << 20)));
    let rp = d.restart_policy.as_ref().unwrap();
    assert_eq!(rp.condition.as_deref(), Some("on-failure"));
    assert_eq!(
        (rp.delay, rp.max_attempts, rp.window),
        (
            Some(Duration::from_secs(5)),
            Some(3),
            Some(Duration::from_secs(120))
        )
    );
    assert_eq!(d.placement_constraints, ["node.role==manager"]);
    assert!(d.keys.contains_key("update_config"));
    assert_eq!(svc(&p, "b").restart, Some(Restart::No));
    assert_eq!(svc(&p, "c").restart, Some(Restart::No));
    assert_eq!(svc(&p, "d").restart, Some(Restart::UnlessStopped));
    assert!(
        err("services:\n  a:\n    image: x\n    restart: sometimes\n")
            .contains("invalid restart policy")
    );
}

#[test]
fn misc_service_fields() {
    let p = ok(
        "services:\n  a:\n    image: x\n    build: ./app\n    extra_hosts: ['somehost:162.242.195.82', 'v6host=::1', 'b6:[::2]']\n    dns: 8.8.8.8\n    dns_search: [a.local, b.local]\n    sysctls: [net.core.somaxconn=1024]\n    ulimits: {nproc: 65535, nofile: {soft: 1, hard: 2}}\n    cap_add: [NET_ADMIN]\n    cap_drop: [ALL]\n    user: '1000:1000'\n    working_dir: /app\n    stdin_open: true\n    hostname: h\n    domainname: d\n    stop_grace_period: 1m\n    stop_signal: SIGINT\n    network_mode: host\n    pid: host\n    ipc: shareable\n    container_name: c\n    platform: linux/amd64\n    init: true\n    devices: ['/dev/fuse', '/dev/a:/dev/b:rwm', {source: /dev/c, target: /dev/d, permissions: r}]\n    logging: {driver: json-file, options: {max-size: 10m}}\n    labels: [a=b, c]\n    configs: [cfg]\n  b:\n    image: x\n    build:\n      context: ctx\n      dockerfile: Other\n      args: [A=1, B]\n      target: prod\n    extra_hosts: {h1: 1.2.3.4, h2: ['::1', 5.6.7.8]}\n    sysctls: {a.b: 1}\n    networks:\n      front: {aliases: [x], ipv4_address: 10.0.0.2}\n      back:\n    tmpfs: [/a, /b]\nnetworks:\n  front:\n  back: {driver: bridge, internal: yes, labels: [k=v]}\nconfigs:\n  cfg: {content: hello}\n",
    );
    let a = svc(&p, "a");
    assert_eq!(
        a.build.as_ref().unwrap().context.as_deref(),
        Some("/virtual/proj/app")
    );
    let hosts: Vec<(&str, &str)> = a
        .extra_hosts
        .iter()
        .map(|h| (h.host.as_str(), h.ip.as_str()))
        .collect();
    assert_eq!(
        hosts,
        [
            ("somehost", "162.242.195.82"),
            ("v6host", "::1"),
            ("b6", "::2")
        ]
    );
    assert_eq!(a.dns, ["8.8.8.8"]);
    assert_eq!(a.dns_search, ["a.local", "b.local"]);
    assert_eq!(a.sysctls["net.core.somaxconn"], "1024");
    assert_eq!(a.ulimits["nofile"], Ulimit { soft: 1, hard: 2 });
    assert_eq!(
        (a.cap_add.as_slice(), a.cap_drop.as_slice()),
        (&["NET_ADMIN".to_string()][..], &["ALL".to_string()][..])
    );
    assert_eq!(a.user.as_deref(), Some("1000:1000"));
    assert_eq!(a.stop_grace_period, Some(Duration::from_secs(60)));
    assert_eq!(
        (a.network_mode.as_deref(), a.pid.as_deref(), a.init),
        (Some("host"), Some("host"), Some(true))
    );
    assert_eq!(
        a.devices[1],
        Device {
            source: "/dev/a".into(),
            target: "/dev/b".into(),
            permissions: Some("rwm".into())
        }
    );
    assert_eq!(a.devices[2].target, "/dev/d");
    assert_eq!(a.logging.as_ref().unwrap().options["max-size"], "10m");
    assert_eq!(a.labels["c"], "");
    assert_eq!(a.configs[0].target, "/cfg");
    assert!(a.keys.contains_key("extra_hosts") && a.keys.contains_key("devices"));
    let b = svc(&p, "b");
    let bb = b.build.as_ref().unwrap();
    assert_eq!(
        (
            bb.context.as_deref(),
            bb.dockerfile.as_deref(),
            bb.target.as_deref()
        ),
        (Some("/virtual/proj/ctx"), Some("Other"), Some("prod"))
    );
    assert_eq!(bb.args["A"].as_deref(), Some("1"));
    assert_eq!(bb.args["B"], None);
    assert_eq!(b.extra_hosts.len(), 3);
    assert_eq!(b.sysctls["a.b"], "1");
    assert_eq!(b.networks["front"].aliases, ["x"]);
    assert_eq!(
        b.networks["front"].ipv4_address.as_deref(),
        Some("10.0.0.2")
    );
    assert!(b.networks.contains_key("back"));
    assert_eq!(b.tmpfs, ["/a", "/b"]);
    assert!(p.networks["back"].internal);
    assert_eq!(p.networks["back"].labels["k"], "v");
    let e = err("services:\n  a:\n    image: x\n    networks: [nope]\n");
    assert!(e.contains("undefined network \"nope\""), "{e}");
}

#[test]
fn error_positions_and_unknown_keys() {
    assert_eq!(
        err("services:\n  web:\n    image: x\n    enviroment: [A=1]\n"),
        "/virtual/proj/compose.yaml:4:5: services.web: additional property \"enviroment\" is not allowed"
    );
    assert_eq!(
        err("servics: {}\n"),
        "/virtual/proj/compose.yaml:1:1: (root): additional property \"servics\" is not allowed"
    );
    assert_eq!(
        err("services:\n  web:\n    image: x\n    privileged: maybe\n"),
        "/virtual/proj/compose.yaml:4:17: services.web.privileged: invalid boolean \"maybe\""
    );
    assert_eq!(
        err("services:\n  web:\n    image: x\n    mem_limit: 12q\n"),
        "/virtual/proj/compose.yaml:4:16: services.web.mem_limit: invalid size \"12q\": unknown unit \"q\""
    );
    let e = err("services:\n  web:\n    image: [x\n");
    assert!(e.starts_with("/virtual/proj/compose.yaml:"), "{e}");
    assert!(err("- a\n- b\n").contains("top-level object must be a mapping"));
    assert!(err("services:\n  'bad name':\n    image: x\n").contains("invalid service name"));
    assert!(err("").contains("empty compose file"));
    assert_eq!(
        err("services:\n  web:\n    image: x\n    volumes: ./a:/b\n"),
        "/virtual/proj/compose.yaml:4:14: services.web.volumes: must be a list, not a scalar"
    );
    assert!(err("services:\n  web:\n    image: x\n    secrets: s\n").contains("must be a list"));
    let e = LoadError::project("x");
    assert_eq!(crate::error::Classify::exit(&e), crate::error::Exit::Usage);
    // Multiple documents are merged in order.
    let p = ok("services:\n  a:\n    image: one\n---\nservices:\n  a:\n    image: two\n");
    assert_eq!(svc(&p, "a").image.as_deref(), Some("two"));
    assert_eq!(svc(&p, "a").keys["image"].line, 7);
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "services:\n  a: 5\n",
        "services: [a]\n",
        "services:\n  a:\n    ports: {a: b}\n",
        "services:\n  a:\n    ports: [{}]\n",
        "services:\n  a:\n    volumes: [{type: bind}]\n",
        "services:\n  a:\n    environment: [[a]]\n",
        "services:\n  a:\n    extends: {}\n",
        "services:\n  a:\n    extends: [x]\n",
        "services:\n  a:\n    healthcheck: {test: []}\n",
        "services:\n  a:\n    ulimits: {a: {soft: 1}}\n",
        "? [a]\n: b\n",
        "*x\n",
        "a: !reset\n",
        "services: !reset\n",
        "name: ${\n",
        "services:\n  a:\n    build: {context: [x]}\n",
        "services:\n  a:\n    ports: ['99999999999999999999:1']\n",
        "services:\n  a:\n    deploy: {replicas: -1}\n",
        "services:\n  a:\n    expose: ['1-0']\n",
        "\u{feff}services: {}\n",
        "%YAML 1.2\n---\nservices: {}\n",
        "services:\n  a:\n    stop_grace_period: 99999999999999999999h\n",
    ];
    for src in inputs {
        let _ = load_str(src);
    }
}

/// Deterministic mutations (deletions, insertions, replacements of YAML-significant bytes) of
/// `seeds`, `COMPOSE_FUZZ_ITERS` (default 150) per seed.
fn mutations(seeds: &[String]) -> Vec<String> {
    let alphabet: &[u8] = b":-[]{}&*!<$ \n\"'#,|>?%@`0a~";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let iters = std::env::var("COMPOSE_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut out = Vec::new();
    for seed in seeds {
        for _ in 0..iters {
            let mut b = seed.as_bytes().to_vec();
            for _ in 0..1 + next(4) {
                let at = next(b.len() + 1);
                match next(3) {
                    0 if at < b.len() => {
                        b.remove(at);
                    }
                    1 => b.insert(at, alphabet[next(alphabet.len())]),
                    _ if at < b.len() => b[at] = alphabet[next(alphabet.len())],
                    _ => {}
                }
            }
            out.push(String::from_utf8_lossy(&b).into_owned());
        }
    }
    out
}

/// Seeds for the mutations: a file using most syntax forms, and corpus files.
fn mutation_seeds() -> Vec<String> {
    let mut seeds: Vec<String> = vec![
        "x-a: &a {image: x, environment: [A=$B]}\nservices:\n  s:\n    <<: *a\n    ports: ['8080:80/udp', {target: 1}]\n    volumes: ['./a:/b:ro', {type: tmpfs, target: /t, tmpfs: {size: 1k}}]\n    healthcheck: {test: [CMD, x], interval: 1s}\n    deploy: {resources: {limits: {cpus: '1', memory: 1m}}}\n    extends: t\n  t:\n    image: y\n    command: !reset\n".to_string(),
    ];
    if let Some(dir) = corpus() {
        for name in [
            "expanded-port-format.yaml",
            "interpolation-cast-full.yaml",
            "extends-inline.yaml",
            "anchors-merge-keys.yaml",
        ] {
            seeds.push(fs::read_to_string(dir.join("inline").join(name)).unwrap());
        }
    }
    seeds
}

/// Deterministic mutations of real compose files: the loader must return, never panic.
#[test]
fn mutated_inputs_never_panic() {
    let mut runs = 0;
    for text in mutations(&mutation_seeds()) {
        let _ = load_str_env(&text, &[("B", "1")]);
        runs += 1;
    }
    assert!(runs >= 150);
}

/// Load, map and render `text`: `Some(true)` when it rendered, `Some(false)` when the loader
/// or the mapping refused it (an input error), and a panic naming the violation when the
/// rendered objects fail the offline schema check.
fn renders_valid(what: &str, p: Result<Project, LoadError>) -> bool {
    let Ok(p) = p else { return false };
    let Ok(b) = crate::translate::compose_map::map_project(&p, &Default::default()) else {
        return false;
    };
    if let Err(e) = crate::render::render_bundle(&b, &Default::default()) {
        panic!("{what}: accepted, but {e}");
    }
    true
}

/// Property: whatever compose file the loader and the mapping accept renders to objects that
/// pass the offline schema check: every file of the compose-go corpus, mutations of real
/// files, and mutations of a file full of values Kubernetes is strict about.
#[test]
fn accepted_inputs_render_valid_objects() {
    let mut rendered = 0;
    if let Some(dir) = corpus() {
        let mut files = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    // Remote (git/oci) includes are not loaded.
                    if !p.ends_with("remote") {
                        stack.push(p);
                    }
                } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut accepted = 0;
        for f in &files {
            if renders_valid(
                &f.display().to_string(),
                load(&opts_files(std::slice::from_ref(f))),
            ) {
                accepted += 1;
            }
        }
        eprintln!(
            "compose corpus: {accepted} of {} files load, map and render valid objects",
            files.len()
        );
        assert!(accepted >= 30, "only {accepted} corpus files were accepted");
        rendered += accepted;
    }
    let strict = "name: Strict_Project\nservices:\n  1web:\n    image: x\n    user: '1000:1000'\n    ports: ['127.0.0.1:8000-8010:8000-8010', '53:53/udp']\n    expose: ['9000-9002']\n    environment: {A_B: '1', c.d: x, API_TOKEN: t}\n    mem_limit: 0\n    mem_reservation: 64m\n    deploy: {replicas: 2, resources: {limits: {cpus: '2', memory: 1g}, reservations: {cpus: '0.5', memory: 512m}}}\n    configs: [{source: c, target: /etc/c, mode: 0640}]\n    secrets: [{source: s, mode: 400}]\n    hostname: Web_Host\n    sysctls: {net.core.somaxconn: '1024'}\n    labels: {com.example/x: y}\n    healthcheck: {test: curl -f localhost, interval: 5s}\n    tmpfs: ['/run:size=1m']\n    volumes: [data:/data]\n  web.v1:\n    image: y\n    scale: 3\n    restart: 'no'\nconfigs:\n  c: {content: x}\nsecrets:\n  s: {content: y}\nvolumes:\n  data: {}\n".to_string();
    assert!(renders_valid("the strict seed", load_str(&strict)));
    // kompose's controller, autoscaler and CronJob labels: mutated schedules, counts,
    // percentages and names must be refused or render valid objects.
    let kompose = "name: kompose_kinds\nservices:\n  db:\n    image: x\n    ports: ['5432']\n    volumes: [data:/d, shared:/s]\n    deploy: {replicas: 3}\n    labels: {kompose.controller.type: statefulset, kompose.hpa.replicas.min: '2', kompose.hpa.replicas.max: '5', kompose.hpa.cpu: '80', kompose.volume.size: 2Gi}\n  job:\n    image: y\n    restart: 'no'\n    volumes: [shared:/s]\n    labels: {kompose.cronjob.schedule: '*/5 1-3 * jan mon-fri', kompose.cronjob.concurrency_policy: Forbid, kompose.cronjob.backoff_limit: '3'}\n  web:\n    image: z\n    ports: ['80:8080']\n    labels: {kompose.hpa.memory: '70%', kompose.hpa.replicas.max: '4', kompose.cronjob.schedule: '@hourly'}\nvolumes:\n  data: {}\n  shared: {}\n".to_string();
    assert!(
        !renders_valid("the kompose seed", load_str(&kompose)),
        "an autoscaled CronJob is refused"
    );
    let kompose = kompose.replace(", kompose.cronjob.schedule: '@hourly'", "");
    assert!(renders_valid("the kompose seed", load_str(&kompose)));
    let mut seeds = mutation_seeds();
    seeds.push(strict);
    seeds.push(kompose);
    for text in mutations(&seeds) {
        if renders_valid(&text, load_str_env(&text, &[("B", "1")])) {
            rendered += 1;
        }
    }
    assert!(rendered > 100, "only {rendered} inputs rendered");
}

#[test]
fn fifty_services_load_quickly() {
    let mut src = String::from(
        "x-common: &common\n  restart: always\n  environment: {A: '1', B: '2'}\nservices:\n",
    );
    for i in 0..50 {
        src.push_str(&format!(
            "  svc{i}:\n    <<: *common\n    image: img{i}:${{TAG:-latest}}\n    ports: ['{p}:80', '{q}:443/udp']\n    volumes: ['./d{i}:/data:ro', 'v:/v']\n    healthcheck: {{test: [CMD, true], interval: 10s}}\n    deploy: {{replicas: 2, resources: {{limits: {{cpus: '0.5', memory: 256m}}}}}}\n    labels: [a=b]\n",
            p = 8000 + i,
            q = 9000 + i
        ));
    }
    src.push_str("volumes:\n  v:\n");
    let start = std::time::Instant::now();
    let p = load_str(&src).unwrap();
    let took = start.elapsed();
    eprintln!("50-service compose file loaded in {took:?}");
    assert_eq!(p.services.len(), 50);
    assert!(took < Duration::from_secs(2), "{took:?}");
}
