//! The user config file (`~/.config/b00t/config.toml`) and the default images per command.
//!
//! ```toml
//! [images]
//! npx = "node:22-alpine"
//! uvx = "ghcr.io/astral-sh/uv:python3.13-alpine"  # also used for `uv` unless `uv` is set
//! python = "python:3.13-slim"                     # also `python3`, `pip`, `pip3` unless set
//! my-server = "registry.local/my-server:1"        # any other command name
//! ```
//!
//! Other tables and keys are ignored; `images` values are validated with `path:line:col`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use snafu::ResultExt;

use super::docker::base_name;
use super::error::{ReadSnafu, Result};
use super::spans::{Doc, get};

/// Built-in images for launcher commands, by command family.
pub const DEFAULT_IMAGES: &[(&str, &str)] = &[
    ("npx", "node:24-alpine"),
    ("uvx", "ghcr.io/astral-sh/uv:python3.12-alpine"),
    ("python", "python:3.12-slim"),
];

/// The family a launcher command belongs to (the key its default image is listed under).
pub fn family(command: &str) -> Option<&'static str> {
    match base_name(command) {
        "npx" => Some("npx"),
        "uvx" | "uv" => Some("uvx"),
        "python" | "python3" | "pip" | "pip3" => Some("python"),
        _ => None,
    }
}

/// Settings from the user config file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserConfig {
    /// `[images]`: command name → image, overriding [`DEFAULT_IMAGES`].
    pub images: BTreeMap<String, String>,
    /// `runtime = "docker"`: the default of `--runtime` (after `B00T_RUNTIME`).
    pub runtime: Option<crate::runtime::RuntimeKind>,
    /// The file it was read from, if any.
    pub path: Option<PathBuf>,
}

impl UserConfig {
    /// `<config dir>/b00t/config.toml` (`~/.config/b00t/config.toml` on Linux).
    pub fn default_path() -> Option<PathBuf> {
        dirs::config_dir().map(|d| d.join("b00t").join("config.toml"))
    }

    /// Load the default config file; a missing file (or no config dir) is an empty config.
    pub fn load_default() -> Result<UserConfig> {
        match Self::default_path() {
            Some(path) if path.exists() => Self::load(&path),
            _ => Ok(UserConfig::default()),
        }
    }

    /// Load a config file. A missing or unreadable file is an error.
    pub fn load(path: &Path) -> Result<UserConfig> {
        let src = std::fs::read_to_string(path).context(ReadSnafu { path })?;
        Self::parse(path, &src)
    }

    /// Parse config text; `path` is used in messages.
    pub fn parse(path: &Path, src: &str) -> Result<UserConfig> {
        let doc = Doc::new(path, src);
        let root = doc.parse()?;
        let mut images = BTreeMap::new();
        if let Some(v) = get(root.get_ref(), "images") {
            for (k, val) in doc.table("images", v)?.iter() {
                let key = format!("images.{}", k.get_ref());
                images.insert(k.get_ref().to_string(), doc.word(&key, val)?);
            }
        }
        let mut runtime = None;
        if let Some(v) = get(root.get_ref(), "runtime") {
            let word = doc.str("runtime", v)?;
            runtime = Some(crate::runtime::RuntimeKind::parse(&word).ok_or_else(|| {
                doc.invalid(
                    "runtime",
                    v.span(),
                    format!("expected \"kubernetes\" or \"docker\", found {word:?}"),
                )
            })?);
        }
        Ok(UserConfig {
            images,
            runtime,
            path: Some(path.to_path_buf()),
        })
    }

    /// The image for a command: the config's entry for the command itself, then for its family,
    /// then the built-in default. `None` for commands b00t has no image for.
    pub fn image_for(&self, command: &str) -> Option<String> {
        let name = base_name(command);
        if let Some(img) = self.images.get(name) {
            return Some(img.clone());
        }
        let fam = family(name)?;
        self.images.get(fam).cloned().or_else(|| {
            DEFAULT_IMAGES
                .iter()
                .find(|(f, _)| *f == fam)
                .map(|(_, i)| i.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/datums")
            .join(rel)
    }

    #[test]
    fn the_runtime_key_is_validated_with_its_position() {
        let c = UserConfig::parse(Path::new("c.toml"), "runtime = \"docker\"\n").unwrap();
        assert_eq!(c.runtime, Some(crate::runtime::RuntimeKind::Docker));
        let e = UserConfig::parse(Path::new("c.toml"), "\nruntime = \"podman\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.toml:2:11") && e.contains("podman"), "{e}");
    }

    #[test]
    fn defaults_by_command() {
        let c = UserConfig::default();
        assert_eq!(c.image_for("npx").as_deref(), Some("node:24-alpine"));
        assert_eq!(
            c.image_for("/usr/local/bin/npx").as_deref(),
            Some("node:24-alpine")
        );
        assert_eq!(
            c.image_for("uvx").as_deref(),
            Some("ghcr.io/astral-sh/uv:python3.12-alpine")
        );
        assert_eq!(
            c.image_for("uv").as_deref(),
            Some("ghcr.io/astral-sh/uv:python3.12-alpine")
        );
        assert_eq!(c.image_for("python").as_deref(), Some("python:3.12-slim"));
        assert_eq!(c.image_for("python3").as_deref(), Some("python:3.12-slim"));
        assert_eq!(c.image_for("pip").as_deref(), Some("python:3.12-slim"));
        assert_eq!(c.image_for("node"), None);
        assert_eq!(c.image_for("my-server"), None);
        assert_eq!(c.image_for("docker"), None);
    }

    #[test]
    fn config_file_overrides_defaults_and_adds_commands() {
        let c = UserConfig::load(&fixture("config/config.toml")).unwrap();
        assert_eq!(c.image_for("npx").as_deref(), Some("node:22-alpine"));
        // `uvx` set, `uv` not: uv follows uvx.
        assert_eq!(
            c.image_for("uv").as_deref(),
            Some("registry.local/uv:latest")
        );
        // `python3` set explicitly wins over the `python` family entry.
        assert_eq!(c.image_for("python").as_deref(), Some("python:3.13-slim"));
        assert_eq!(c.image_for("python3").as_deref(), Some("python:3.11-slim"));
        assert_eq!(
            c.image_for("my-server").as_deref(),
            Some("registry.local/my-server:1")
        );
        assert_eq!(
            c.path.as_deref(),
            Some(fixture("config/config.toml").as_path())
        );
    }

    #[test]
    fn config_errors_have_positions() {
        let path = fixture("config/bad-config.toml");
        let err = UserConfig::load(&path).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{}:5:7: images.uvx: expected a string, found an integer",
                path.display()
            )
        );
        let err = UserConfig::parse(Path::new("c.toml"), "images = \"node\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "c.toml:1:10: images: expected a table, found a string");
        let err = UserConfig::parse(Path::new("c.toml"), "[images]\nnpx = \"\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(err, "c.toml:2:7: images.npx: must not be empty");
        let err = UserConfig::load(Path::new("/nonexistent/b00t/config.toml"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "reading /nonexistent/b00t/config.toml");
    }

    #[test]
    fn other_tables_are_ignored() {
        let c = UserConfig::parse(
            Path::new("c.toml"),
            "[ui]\ncolor = 3\n[images]\nnpx = \"n:1\"\n",
        )
        .unwrap();
        assert_eq!(c.images.len(), 1);
    }
}
