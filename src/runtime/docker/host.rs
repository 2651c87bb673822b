//! Which engine to talk to, resolved like the docker CLI: `DOCKER_HOST`, else the current
//! context (`DOCKER_CONTEXT`, else `currentContext` in `$DOCKER_CONFIG/config.json`, default
//! `~/.docker`) looked up in `contexts/meta/*/meta.json`, else the default socket.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The engine address when nothing says otherwise.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// An engine address and where it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// `unix:///…`, `tcp://…` or `http://…`.
    pub url: String,
    /// `DOCKER_HOST`, `context NAME`, or `default socket`.
    pub source: String,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: std::collections::BTreeMap<String, Endpoint>,
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(rename = "Host", default)]
    host: Option<String>,
}

/// Resolve the engine address. `env` reads environment variables; `home` is the user's home.
/// `Err` names a context that is selected but cannot be found or read.
pub fn resolve(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Result<Host, String> {
    if let Some(h) = env("DOCKER_HOST").filter(|h| !h.is_empty()) {
        return Ok(Host {
            url: h,
            source: "DOCKER_HOST".into(),
        });
    }
    let config_dir = env("DOCKER_CONFIG")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".docker")));
    let context = match env("DOCKER_CONTEXT").filter(|c| !c.is_empty()) {
        Some(c) => Some(c),
        None => config_dir.as_ref().and_then(|d| {
            let text = std::fs::read_to_string(d.join("config.json")).ok()?;
            serde_json::from_str::<ConfigFile>(&text)
                .ok()?
                .current_context
                .filter(|c| !c.is_empty())
        }),
    };
    let default = Host {
        url: DEFAULT_HOST.into(),
        source: "default socket".into(),
    };
    let Some(context) = context.filter(|c| c != "default") else {
        return Ok(default);
    };
    let meta_dir = config_dir
        .map(|d| d.join("contexts").join("meta"))
        .ok_or_else(|| format!("docker context {context:?} is selected but there is no home directory to find it in"))?;
    let entries = std::fs::read_dir(&meta_dir).map_err(|e| {
        format!(
            "docker context {context:?} is selected but {} cannot be read: {e}",
            meta_dir.display()
        )
    })?;
    for entry in entries.flatten() {
        let file = entry.path().join("meta.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(meta) = serde_json::from_str::<Meta>(&text) else {
            continue;
        };
        if meta.name != context {
            continue;
        }
        return match meta.endpoints.get("docker").and_then(|e| e.host.clone()) {
            Some(url) if !url.is_empty() => Ok(Host {
                url,
                source: format!("context {context}"),
            }),
            _ => Err(format!(
                "docker context {context:?} ({}) has no docker endpoint",
                file.display()
            )),
        };
    }
    Err(format!(
        "docker context {context:?} is selected but not found under {}",
        meta_dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    fn home_with_context(current: &str, name: &str, host: &str) -> tempfile::TempDir {
        let home = tempfile::tempdir().unwrap();
        let d = home.path().join(".docker");
        let meta = d.join("contexts/meta/0123abcd");
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            d.join("config.json"),
            format!(r#"{{"auths":{{}},"currentContext":"{current}"}}"#),
        )
        .unwrap();
        std::fs::write(
            meta.join("meta.json"),
            format!(
                r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
            ),
        )
        .unwrap();
        home
    }

    #[test]
    fn docker_host_wins_over_the_context() {
        let home = home_with_context("rootless", "rootless", "unix:///run/user/1000/docker.sock");
        let h = resolve(
            &env_of(&[("DOCKER_HOST", "tcp://10.0.0.1:2375")]),
            Some(home.path()),
        )
        .unwrap();
        assert_eq!(h.url, "tcp://10.0.0.1:2375");
        assert_eq!(h.source, "DOCKER_HOST");
    }

    #[test]
    fn the_current_context_of_config_json_is_used() {
        let home = home_with_context("rootless", "rootless", "unix:///run/user/1000/docker.sock");
        let h = resolve(&env_of(&[]), Some(home.path())).unwrap();
        assert_eq!(h.url, "unix:///run/user/1000/docker.sock");
        assert_eq!(h.source, "context rootless");
        // DOCKER_CONTEXT=default overrides the file and means the default socket.
        let h = resolve(&env_of(&[("DOCKER_CONTEXT", "default")]), Some(home.path())).unwrap();
        assert_eq!(h.url, DEFAULT_HOST);
    }

    #[test]
    fn a_missing_context_is_an_error_and_no_config_is_the_default_socket() {
        let home = home_with_context("gone", "rootless", "unix:///x.sock");
        let e = resolve(&env_of(&[]), Some(home.path())).unwrap_err();
        assert!(e.contains("\"gone\"") && e.contains("not found"), "{e}");
        let empty = tempfile::tempdir().unwrap();
        let h = resolve(&env_of(&[]), Some(empty.path())).unwrap();
        assert_eq!(h.url, DEFAULT_HOST);
        assert_eq!(h.source, "default socket");
    }
}
