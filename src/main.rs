//! The `b00t` binary: parse, set up stderr logging, run, print the error chain once, exit.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match b00t::cli::parse_args() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    init_logging(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(b00t::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.chain());
            ExitCode::from(e.code())
        }
    }
}

/// `-v` shows b00t's info logs, `-vv` debug logs of b00t and kube, `-vvv` everything.
/// `RUST_LOG` wins.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        // Libraries stay quiet unless asked: kube logs connection failures at ERROR, and the
        // one error line b00t prints already says what failed.
        0 => "b00t=warn",
        1 => "b00t=info",
        2 => "b00t=debug,kube=debug,info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(verbose >= 2)
        .without_time()
        .try_init();
}
