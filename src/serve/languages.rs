//! The languages the compatibility endpoints offer: the image each runs on, the file its code
//! goes in, its build and run commands (crucible's I/O defaults, docs/io-tasks.md) and the
//! names clients use for it. Versions are those of the Debian bookworm packages in the images.

pub struct Lang {
    /// SandboxFusion's name (`language` of `/run_code`).
    pub fusion: &'static str,
    /// Piston's runtime name and its aliases.
    pub piston: &'static str,
    pub aliases: &'static [&'static str],
    pub version: &'static str,
    pub image: &'static str,
    /// Where the code goes when the client names no file.
    pub file: &'static str,
    /// argv templates; `{file}` is the program's file.
    pub build: Option<&'static [&'static str]>,
    pub run: &'static [&'static str],
}

pub const LANGS: &[Lang] = &[
    Lang {
        fusion: "python",
        piston: "python",
        aliases: &["py", "py3", "python3", "cf_python3"],
        version: "3.11.2",
        image: "crucible/python:latest",
        file: "main.py",
        build: None,
        run: &["python3", "{file}"],
    },
    Lang {
        fusion: "cpp",
        piston: "c++",
        aliases: &["cpp", "g++", "c++17", "gcc"],
        version: "12.2.0",
        image: "crucible/cpp:latest",
        file: "main.cpp",
        build: Some(&["g++", "-O2", "-std=gnu++17", "-o", "/tmp/prog", "{file}"]),
        run: &["/tmp/prog"],
    },
    Lang {
        fusion: "go",
        piston: "go",
        aliases: &["go", "golang"],
        version: "1.19.8",
        image: "crucible/go:latest",
        file: "main.go",
        // One file, no module: GOPATH mode (the image's go.work names /work/go.mod).
        build: Some(&[
            "env",
            "GO111MODULE=off",
            "GOWORK=off",
            "go",
            "build",
            "-o",
            "/tmp/prog",
            "{file}",
        ]),
        run: &["/tmp/prog"],
    },
    Lang {
        fusion: "java",
        piston: "java",
        aliases: &[],
        version: "17.0.0",
        image: "crucible/java:latest",
        file: "Main.java",
        build: Some(&["javac", "-d", "/tmp/classes", "{file}"]),
        run: &["java", "-ea", "-cp", "/tmp/classes", "Main"],
    },
    Lang {
        fusion: "nodejs",
        piston: "javascript",
        aliases: &["node", "nodejs", "js", "node-js", "node-javascript"],
        version: "18.19.0",
        image: "crucible/node:latest",
        file: "main.js",
        build: None,
        run: &["node", "{file}"],
    },
    Lang {
        fusion: "rust",
        piston: "rust",
        aliases: &["rs"],
        version: "1.85.0",
        image: "crucible/rust:latest",
        file: "main.rs",
        build: Some(&[
            "rustc",
            "-O",
            "--edition",
            "2021",
            "-o",
            "/tmp/prog",
            "{file}",
        ]),
        run: &["/tmp/prog"],
    },
    Lang {
        fusion: "bash",
        piston: "bash",
        aliases: &["sh"],
        version: "5.2.15",
        image: "crucible/python:latest",
        file: "main.sh",
        build: None,
        run: &["bash", "{file}"],
    },
];

impl Lang {
    pub fn by_fusion_name(name: &str) -> Option<&'static Lang> {
        LANGS.iter().find(|l| l.fusion == name)
    }

    /// Piston's lookup: the runtime name or one of its aliases.
    pub fn by_piston_name(name: &str) -> Option<&'static Lang> {
        LANGS
            .iter()
            .find(|l| l.piston == name || l.aliases.contains(&name))
    }

    pub fn build_argv(&self, file: &str) -> Option<Vec<String>> {
        self.build.map(|b| fill(b, file))
    }

    pub fn run_argv(&self, file: &str) -> Vec<String> {
        fill(self.run, file)
    }

    /// Piston's version match: `*`, the exact version, or a prefix of its components
    /// (`3`, `3.11`), as a semver range of one version would.
    pub fn version_matches(&self, wanted: &str) -> bool {
        let wanted = wanted.trim();
        if matches!(wanted, "*" | "x" | "latest") {
            return true;
        }
        let have: Vec<&str> = self.version.split('.').collect();
        let want: Vec<&str> = wanted
            .trim_start_matches(['=', 'v', '^', '~'])
            .split('.')
            .collect();
        want.len() <= have.len()
            && want
                .iter()
                .zip(&have)
                .all(|(w, h)| *w == "x" || *w == "*" || w == h)
    }
}

fn fill(template: &[&str], file: &str) -> Vec<String> {
    template.iter().map(|w| w.replace("{file}", file)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_versions() {
        assert_eq!(Lang::by_piston_name("cpp").unwrap().piston, "c++");
        assert_eq!(Lang::by_piston_name("js").unwrap().fusion, "nodejs");
        assert!(Lang::by_piston_name("cobol").is_none());
        let py = Lang::by_fusion_name("python").unwrap();
        assert!(py.version_matches("*"));
        assert!(py.version_matches("3.11"));
        assert!(py.version_matches("3.11.2"));
        assert!(!py.version_matches("3.10.0"));
        assert_eq!(py.run_argv("a.py"), ["python3", "a.py"]);
    }
}
