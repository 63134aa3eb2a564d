//! Stand-alone `crucible images` for trying the subcommand before it is wired into the main CLI:
//! `cargo run --example crucible_images -- build --only python`.
#[path = "../src/cli/images.rs"]
mod images_cli;

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    images: images_cli::ImagesArgs,
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    match images_cli::run(cli.images).await {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::exit(1);
        }
    }
}
