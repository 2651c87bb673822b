//! Understanding a datum's `docker run … IMAGE ARGS` command line.
//!
//! Flags are parsed the way the Docker CLI parses them (long `--flag value` and `--flag=value`,
//! short `-e value`, `-eVALUE`, combined booleans `-it`, `-dp 80:80`, `--` ends the flags), so the
//! first non-flag word is really the image. A few flags carry meaning into Kubernetes:
//! `-e/--env` (env vars), `--entrypoint` (the container command), `-w/--workdir`. Everything else
//! is Docker-host specific (`--rm`, `-v`, `--network`, `--name`, `-p` …) and skipped.

/// What a `docker run` command line asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DockerRun {
    pub image: String,
    /// Words after the image: the container's args (the image's entrypoint is kept).
    pub args: Vec<String>,
    /// `-e NAME=VALUE` → `(NAME, Some(VALUE))`; `-e NAME` (take it from the caller) → `(NAME, None)`.
    pub env: Vec<(String, Option<String>)>,
    pub entrypoint: Option<String>,
    pub workdir: Option<String>,
}

/// Is this command a Docker-compatible CLI whose `run` we understand?
pub fn is_docker(command: &str) -> bool {
    matches!(base_name(command), "docker" | "podman" | "nerdctl")
}

/// File name of a command (`/usr/bin/docker` → `docker`).
pub fn base_name(command: &str) -> &str {
    command.rsplit('/').next().unwrap_or(command)
}

/// Long flags of `docker run` that take a value (without the leading `--`).
const LONG_VALUE: &[&str] = &[
    "add-host",
    "annotation",
    "attach",
    "blkio-weight",
    "blkio-weight-device",
    "cap-add",
    "cap-drop",
    "cgroup-parent",
    "cgroupns",
    "cidfile",
    "cpu-count",
    "cpu-percent",
    "cpu-period",
    "cpu-quota",
    "cpu-rt-period",
    "cpu-rt-runtime",
    "cpu-shares",
    "cpus",
    "cpuset-cpus",
    "cpuset-mems",
    "detach-keys",
    "device",
    "device-cgroup-rule",
    "device-read-bps",
    "device-read-iops",
    "device-write-bps",
    "device-write-iops",
    "dns",
    "dns-opt",
    "dns-option",
    "dns-search",
    "domainname",
    "entrypoint",
    "env",
    "env-file",
    "expose",
    "gpus",
    "group-add",
    "health-cmd",
    "health-interval",
    "health-retries",
    "health-start-interval",
    "health-start-period",
    "health-timeout",
    "hostname",
    "ip",
    "ip6",
    "ipc",
    "isolation",
    "kernel-memory",
    "label",
    "label-file",
    "link",
    "link-local-ip",
    "log-driver",
    "log-opt",
    "mac-address",
    "memory",
    "memory-reservation",
    "memory-swap",
    "memory-swappiness",
    "mount",
    "name",
    "net",
    "net-alias",
    "network",
    "network-alias",
    "oom-score-adj",
    "pid",
    "pids-limit",
    "platform",
    "publish",
    "pull",
    "restart",
    "runtime",
    "security-opt",
    "shm-size",
    "stop-signal",
    "stop-timeout",
    "storage-opt",
    "sysctl",
    "tmpfs",
    "ulimit",
    "user",
    "userns",
    "uts",
    "volume",
    "volume-driver",
    "volumes-from",
    "workdir",
    // podman extras commonly seen in MCP configs
    "arch",
    "os",
    "pod",
    "secret",
    "userns-uid-map",
    "uidmap",
    "gidmap",
    "requires",
];

/// Long boolean flags of `docker run` (they may also be written `--flag=true|false`).
const LONG_BOOL: &[&str] = &[
    "detach",
    "disable-content-trust",
    "help",
    "init",
    "interactive",
    "no-healthcheck",
    "oom-kill-disable",
    "privileged",
    "publish-all",
    "quiet",
    "read-only",
    "rm",
    "sig-proxy",
    "tty",
    "use-api-socket",
    "replace",
    "rmi",
];

/// Short flags that take a value.
const SHORT_VALUE: &[char] = &['a', 'c', 'e', 'h', 'l', 'm', 'p', 'u', 'v', 'w'];
/// Short boolean flags.
const SHORT_BOOL: &[char] = &['d', 'i', 'P', 'q', 't'];

/// Parse the args of a `docker` command (`run …`, `container run …`).
pub fn parse(args: &[String]) -> Result<DockerRun, String> {
    let mut words = args.iter().map(String::as_str).peekable();
    // Global flags before the subcommand are not supported except the harmless ones.
    let sub = words.next().ok_or("expected \"run\", found no arguments")?;
    match sub {
        "run" => {}
        "container" if words.peek() == Some(&"run") => {
            words.next();
        }
        other => {
            return Err(format!(
                "expected \"run …\", found {other:?}: only docker run is understood"
            ));
        }
    }

    let mut run = DockerRun::default();
    fn apply(flag: &str, value: &str, run: &mut DockerRun) {
        match flag {
            "e" | "env" => {
                let (name, value) = match value.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (value, None),
                };
                run.env.push((name.to_string(), value));
            }
            "entrypoint" => run.entrypoint = (!value.is_empty()).then(|| value.to_string()),
            "w" | "workdir" => run.workdir = Some(value.to_string()),
            _ => {}
        }
    }

    while let Some(word) = words.next() {
        if word == "--" {
            run.image = words.next().unwrap_or_default().to_string();
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if LONG_VALUE.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => words
                        .next()
                        .ok_or_else(|| format!("flag --{name} needs a value"))?,
                };
                apply(name, value, &mut run);
            } else if !LONG_BOOL.contains(&name) {
                return Err(format!("unknown docker run flag --{name}"));
            }
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (pos, c) in shorts.char_indices() {
                if SHORT_BOOL.contains(&c) {
                    continue;
                }
                if SHORT_VALUE.contains(&c) {
                    let rest = &shorts[pos + c.len_utf8()..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    let value = if rest.is_empty() {
                        words
                            .next()
                            .ok_or_else(|| format!("flag -{c} needs a value"))?
                    } else {
                        rest
                    };
                    apply(&c.to_string(), value, &mut run);
                    break;
                }
                return Err(format!("unknown docker run flag -{c}"));
            }
        } else {
            run.image = word.to_string();
            break;
        }
    }
    if run.image.is_empty() {
        return Err("docker run names no image".to_string());
    }
    run.args = words.map(str::to_string).collect();
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Result<DockerRun, String> {
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        parse(&args)
    }

    #[test]
    fn interactive_rm_image() {
        let r = p("run -i --rm mcp/fetch").unwrap();
        assert_eq!(r.image, "mcp/fetch");
        assert!(r.args.is_empty());
        assert!(r.env.is_empty());
        assert_eq!(r.entrypoint, None);
    }

    #[test]
    fn env_flags_in_every_spelling() {
        let r = p("run -i --rm -e GITHUB_PERSONAL_ACCESS_TOKEN --env A=1 --env=B=x=y -eC=3 -e=D=4 ghcr.io/github/github-mcp-server stdio --toolsets=repos")
            .unwrap();
        assert_eq!(r.image, "ghcr.io/github/github-mcp-server");
        assert_eq!(r.args, ["stdio", "--toolsets=repos"]);
        assert_eq!(
            r.env,
            [
                ("GITHUB_PERSONAL_ACCESS_TOKEN".to_string(), None),
                ("A".to_string(), Some("1".to_string())),
                ("B".to_string(), Some("x=y".to_string())),
                ("C".to_string(), Some("3".to_string())),
                ("D".to_string(), Some("4".to_string())),
            ]
        );
    }

    #[test]
    fn value_flags_are_skipped_with_their_values() {
        let r = p("run --rm -i -v /home/me/data:/data --name my-fs --network host -p 8080:80 --mount type=bind,src=/a,dst=/b -u 1000:1000 mcp/filesystem /data /other").unwrap();
        assert_eq!(r.image, "mcp/filesystem");
        assert_eq!(r.args, ["/data", "/other"]);
        assert!(r.env.is_empty());
    }

    #[test]
    fn combined_short_flags() {
        let r = p("run -it --rm alpine:3 echo hi").unwrap();
        assert_eq!(
            (r.image.as_str(), r.args.clone()),
            ("alpine:3", vec!["echo".into(), "hi".into()])
        );
        // `-dp 80:80`: d is boolean, p takes the next word.
        let r = p("run -dp 80:80 nginx").unwrap();
        assert_eq!(r.image, "nginx");
        assert!(r.args.is_empty());
        // `-ie A=1`: e ends the group and takes the next word.
        let r = p("run -ie A=1 img").unwrap();
        assert_eq!(r.env, [("A".to_string(), Some("1".to_string()))]);
    }

    #[test]
    fn entrypoint_workdir_and_equals_forms() {
        let r = p("container run --interactive --rm=true --network=host --entrypoint /bin/server -w /app ghcr.io/x/y:1.2 --port 3000").unwrap();
        assert_eq!(r.image, "ghcr.io/x/y:1.2");
        assert_eq!(r.entrypoint.as_deref(), Some("/bin/server"));
        assert_eq!(r.workdir.as_deref(), Some("/app"));
        assert_eq!(r.args, ["--port", "3000"]);
        let r = p("run --entrypoint=python img -m server").unwrap();
        assert_eq!(r.entrypoint.as_deref(), Some("python"));
        assert_eq!(r.args, ["-m", "server"]);
    }

    #[test]
    fn flags_after_the_image_belong_to_the_container() {
        let r = p("run -i --rm mcp/fetch --ignore-robots-txt -e x").unwrap();
        assert_eq!(r.args, ["--ignore-robots-txt", "-e", "x"]);
        assert!(r.env.is_empty());
        // `--` ends the flags: the next word is the image.
        let r = p("run -i -- img -i").unwrap();
        assert_eq!(
            (r.image.as_str(), r.args.clone()),
            ("img", vec!["-i".to_string()])
        );
        assert!(p("run -i --").is_err());
    }

    #[test]
    fn errors() {
        assert_eq!(
            p("pull img").unwrap_err(),
            "expected \"run …\", found \"pull\": only docker run is understood"
        );
        assert_eq!(p("run -i --rm").unwrap_err(), "docker run names no image");
        assert_eq!(
            p("run --frobnicate img").unwrap_err(),
            "unknown docker run flag --frobnicate"
        );
        assert_eq!(p("run -e").unwrap_err(), "flag -e needs a value");
        assert_eq!(p("run -iZ img").unwrap_err(), "unknown docker run flag -Z");
        assert!(parse(&[]).is_err());
    }
}
