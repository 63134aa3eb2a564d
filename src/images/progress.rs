//! Build output for a person: a spinner line per image on a terminal, prefixed plain lines otherwise.
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// Spinners when stderr is a terminal, plain lines otherwise.
    #[default]
    Auto,
    /// Every build output line on stderr, prefixed with the image.
    Plain,
    /// Nothing (library use, tests).
    Quiet,
}

/// The display shared by all builds of one `build` call.
pub struct Progress {
    multi: Option<MultiProgress>,
    plain: bool,
}

/// The display of one image's build.
pub struct ImageProgress {
    bar: Option<ProgressBar>,
    plain: bool,
    name: String,
}

impl Progress {
    pub fn new(mode: ProgressMode) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        match mode {
            ProgressMode::Auto if terminal => Progress {
                multi: Some(MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
                plain: false,
            },
            ProgressMode::Auto | ProgressMode::Plain => Progress {
                multi: None,
                plain: true,
            },
            ProgressMode::Quiet => Progress {
                multi: None,
                plain: false,
            },
        }
    }

    pub fn image(&self, name: &str) -> ImageProgress {
        let bar = self.multi.as_ref().map(|multi| {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {prefix:.bold} [{elapsed}] {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(name.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        ImageProgress {
            bar,
            plain: self.plain,
            name: name.to_string(),
        }
    }
}

impl ImageProgress {
    /// One line of build output.
    pub fn line(&self, line: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(line.to_string());
        } else if self.plain {
            eprintln!("[{}] {line}", self.name);
        }
    }

    /// The build ended; `summary` says how.
    pub fn finish(&self, summary: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_with_message(summary.to_string());
        } else if self.plain {
            eprintln!("[{}] {summary}", self.name);
        }
    }
}
