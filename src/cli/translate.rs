//! `b00t k8s translate` and `b00t k8s deploy`: thin adapters from flags to the translator
//! (`crate::translate`), the renderer and the shared apply path of `deploy-mcp`.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args};

use super::events::CliEvents;
use super::k8s::{ApplyFlags, DryRun, connect_options, print_objects, render_deploy};
use super::{Global, OutputFormat};
use crate::error::{Error, Exit, Result};
use crate::ops;
use crate::output::Out;
use crate::render::{self, RenderOptions};

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["from_dockerfile", "from_compose"])))]
pub struct TranslateArgs {
    /// Dockerfile to translate
    #[arg(long, value_name = "F")]
    pub from_dockerfile: Option<PathBuf>,
    /// Compose file(s) to translate, merged in order (repeatable)
    #[arg(long, value_name = "F", num_args = 1..)]
    pub from_compose: Vec<PathBuf>,
    /// Application name (app.kubernetes.io/name; default: the compose project or directory name)
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Image to run (Dockerfile, or a single-service compose project)
    #[arg(long, value_name = "I")]
    pub image: Option<String>,
    /// Dockerfile stage to translate (default: the last)
    #[arg(long, value_name = "STAGE", requires = "from_dockerfile")]
    pub target: Option<String>,
    /// Compose profile to enable (repeatable)
    #[arg(long, value_name = "P")]
    pub profile: Vec<String>,
    /// Write one file per object (<kind>-<name>.yaml) into this directory
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fail (exit 2) when the translation produced warnings
    #[arg(long)]
    pub strict: bool,
    /// Turn depends_on into initContainers that wait for the dependency's Service port
    #[arg(long)]
    pub wait_deps: bool,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").multiple(false).args(["from_dockerfile", "from_compose", "from_stdin"])))]
pub struct DeployArgs {
    /// Dockerfile to translate and deploy (its image: --image, else <name>:latest)
    #[arg(long, value_name = "F")]
    pub from_dockerfile: Option<PathBuf>,
    /// Compose file(s) to translate and deploy, merged in order
    #[arg(long, value_name = "F", num_args = 1..)]
    pub from_compose: Vec<PathBuf>,
    /// Read a compose file from stdin
    #[arg(long)]
    pub from_stdin: bool,
    /// Deploy a plain image as one workload (or the image of --from-dockerfile)
    #[arg(long, value_name = "IMG", required_unless_present_any = ["from_dockerfile", "from_compose", "from_stdin"])]
    pub image: Option<String>,
    /// Application name (default: the compose project, directory or image name)
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Extra environment variable for every container (repeatable); secret-looking names go into a Secret
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = super::parse_env)]
    pub env: Vec<(String, String)>,
    /// Dockerfile stage (default: the last)
    #[arg(long, value_name = "STAGE", requires = "from_dockerfile")]
    pub target: Option<String>,
    /// Compose profile to enable (repeatable)
    #[arg(long, value_name = "P")]
    pub profile: Vec<String>,
    /// Turn depends_on into initContainers that wait for the dependency's Service port
    #[arg(long)]
    pub wait_deps: bool,
    #[command(flatten)]
    pub apply: ApplyFlags,
    #[command(flatten)]
    pub runtime: super::runtime::RuntimeFlag,
    #[command(flatten)]
    pub docker: super::runtime::DockerDeployFlags,
}

use crate::ops::translate::{Source, bundle};

impl TranslateArgs {
    pub async fn run(self, global: &Global, out: &Out) -> Result<()> {
        let json = match out.format() {
            None | Some(OutputFormat::Yaml) => false,
            Some(OutputFormat::Json) => true,
            Some(other) => {
                return Err(Error::msg(
                    Exit::Usage,
                    format!("translate prints yaml or json, not {other:?}").to_lowercase(),
                ));
            }
        };
        let src = Source {
            dockerfile: self.from_dockerfile.as_deref(),
            compose: &self.from_compose,
            stdin: None,
            image: self.image.as_deref(),
            name: self.name.as_deref(),
            target: self.target.as_deref(),
            profiles: &self.profile,
            env: &[],
            wait_deps: self.wait_deps,
        };
        let b = bundle(&src)?;
        for w in &b.warnings {
            out.warn(&w.to_string());
        }
        if self.strict && !b.warnings.is_empty() {
            return Err(Error::msg(
                Exit::Usage,
                format!("{} warning(s) and --strict was given", b.warnings.len()),
            ));
        }
        let objects = render::render_bundle(
            &b,
            &RenderOptions {
                namespace: global.namespace.clone(),
            },
        )?;
        let vals = ops::deploy::values(&objects);
        match &self.out {
            None => print_objects(out, &vals),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Error::msg(Exit::Failed, format!("creating {}: {e}", dir.display()))
                })?;
                for (o, v) in objects.iter().zip(&vals) {
                    let ext = if json { "json" } else { "yaml" };
                    let file = dir.join(format!("{}-{}.{ext}", o.kind().to_lowercase(), o.name()));
                    let text = if json {
                        serde_json::to_string_pretty(v).expect("objects serialise") + "\n"
                    } else {
                        crate::output::to_yaml(v)
                    };
                    std::fs::write(&file, text).map_err(|e| {
                        Error::msg(Exit::Failed, format!("writing {}: {e}", file.display()))
                    })?;
                    out.line(&file.display().to_string());
                }
            }
        }
        Ok(())
    }
}

impl DeployArgs {
    pub async fn run(self, global: &Global, out: &Out, request_timeout: Duration) -> Result<()> {
        let kind = self.runtime.kind()?;
        let apply = self.docker.apply(kind)?;
        if kind == crate::runtime::RuntimeKind::Docker {
            return self.run_docker(global, out, request_timeout, apply).await;
        }
        let stdin = if self.from_stdin {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Error::msg(Exit::Usage, format!("reading stdin: {e}")))?;
            Some(s)
        } else {
            None
        };
        let src = Source {
            dockerfile: self.from_dockerfile.as_deref(),
            compose: &self.from_compose,
            stdin,
            image: self.image.as_deref(),
            name: self.name.as_deref(),
            target: self.target.as_deref(),
            profiles: &self.profile,
            env: &self.env,
            wait_deps: self.wait_deps,
        };
        let b = bundle(&src)?;
        for w in &b.warnings {
            out.warn(&w.to_string());
        }
        let events = CliEvents::new(out);
        let (report, _objects) = ops::deploy_bundle(
            &connect_options(global, request_timeout),
            &b,
            self.apply.dry_run.map(DryRun::op),
            !self.apply.no_wait,
            self.apply.timeout,
            &events,
        )
        .await?;
        render_deploy(out, &report, "k8s")
    }

    /// `deploy --image IMG --runtime docker`: the image as one workload on the engine.
    async fn run_docker(
        self,
        global: &Global,
        out: &Out,
        request_timeout: Duration,
        apply: crate::runtime::ApplyWorkload,
    ) -> Result<()> {
        let dry_run = self.apply.dry_run.map(DryRun::op);
        let src = Source {
            dockerfile: self.from_dockerfile.as_deref(),
            compose: &self.from_compose,
            stdin: self.from_stdin.then(String::new),
            image: self.image.as_deref(),
            name: self.name.as_deref(),
            target: None,
            profiles: &[],
            env: &self.env,
            wait_deps: false,
        };
        ops::translate::docker_only(&src)?;
        ops::deploy::check_dry_run(crate::runtime::RuntimeKind::Docker, dry_run)?;
        let b = bundle(&src)?;
        for w in &b.warnings {
            out.warn(&w.to_string());
        }
        let w = ops::translate::single_workload(&b)?;
        if dry_run == Some(ops::DryRun::Client) {
            return super::k8s::print_containers(out, w, &apply);
        }
        let req = ops::deploy::DeployMcp {
            wait: !self.apply.no_wait,
            timeout: self.apply.timeout,
            apply,
            ..Default::default()
        };
        let backend = super::runtime::connect(
            crate::runtime::RuntimeKind::Docker,
            global,
            None,
            request_timeout,
            false,
        )
        .await?;
        let events = CliEvents::new(out);
        let report = ops::deploy_workload(backend.rt(), w, &req, &events).await?;
        render_deploy(out, &report, "k8s")
    }
}
